"""An Input whose editing keys are handled in the order they were typed.

Textual hands a printable key to the focused Input at once, but runs a non-printable key's
binding (backspace, delete, arrows, home, end, enter) only after the key has bubbled up to
the App through every container's message queue. On a busy event loop, with keys arriving
together, the characters typed after a backspace are inserted before the backspace runs,
which then deletes them: "1000" typed over "50" was saved as 1100, 5100 or 0. This Input
runs its own bindings when the key reaches it, in the order the keys came; every key it does
not bind still bubbles as before (ctrl+n, escape, the screen's keys).

A paste of several lines (a column copied from a sheet, a signer's name and title on two
lines) keeps every line: Textual's Input keeps only the first, without a word, and
"rivalcrm.com / acme-rival.io / othercrm.com" was saved as rivalcrm.com alone. The lines are
joined with `paste_joiner`: ", " in a list field, a space elsewhere.

A long value shows its start once the cursor leaves it (the view only).

ctrl+z takes back what was typed here, a run at a time: a tab too many before typing
"10" replaced a whole list of rejection reasons (Tab selects the field's text), and Textual's
Input has no undo. A run is the keys typed one after another at one place (with what they
replaced), or the backspaces and deletes one after another: one key at a time took 31 ctrl+z to bring back
a list typed over with "50-199 5, 200+ 10, up to 49 -5".
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input

UNDO_DEPTH = 200  # values kept per field: more keys than anyone types into one field


def pasted_line(text: str, joiner: str = " ", cell_joiner: str | None = None) -> str:
    """Pasted text as one line: its non-blank lines joined by `joiner`, and a sheet row's
    tab-separated cells by `cell_joiner` (default `joiner`: in a list, a row of cells is as
    many values; in a points field, "gmail.com<tab>-10" is one pair, joined by a space)."""
    within = joiner if cell_joiner is None else cell_joiner
    rows = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.split("\t") if cell.strip()]
        if cells:
            rows.append(within.join(cells))
    return joiner.join(rows)


def _one_change(old: str, new: str, over_selection: bool = False) -> tuple[str, int]:
    """("typing", i): one character put in at i; ("erasing", i): one taken out at i; else
    ("other", end of what changed in `new`): a selection typed over ("50" selected, "7"
    typed shrinks the value by one and erases nothing; "9" typed over "90" reads like the
    0 erased, so the key says it: `over_selection`), a paste."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    if not over_selection and len(new) == len(old) + 1 and new[start + 1 :] == old[start:]:
        return "typing", start
    if not over_selection and len(new) == len(old) - 1 and old[start + 1 :] == new[start:]:
        return "erasing", start
    suffix = 0
    while (
        suffix < min(len(old), len(new)) - start
        and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]
    ):
        suffix += 1
    return "other", len(new) - suffix


class RoomInput(Input):
    """`Input`, with its own key bindings run in typing order, a paste kept whole, and an
    undo of what was typed."""

    BINDINGS = [
        Binding(
            "ctrl+z",
            "undo_typing",
            "Undo",
            show=False,
            id="field.undo",
            tooltip="Take back the last change typed in this field.",
        )
    ]

    paste_joiner = " "
    paste_cell_joiner: str | None = None

    _undoing = False
    _over_selection = False  # the key being handled types over a selection
    _after_text = False  # the focus coming puts the cursor after the text (`focus_after_text`)

    def on_mount(self) -> None:
        self._undo: list[str] = []  # the value before each run of typing, latest last
        self._run: str | None = None  # the run under way: "typing", "erasing" or none
        self._at = -1  # where the run goes on: the next key's place, or the last one erased

    def watch_value(self, old: str, new: str) -> None:
        """Keeps the value before each run of typing. Only what the person types counts: the
        field has the focus (the app never writes to a field being typed in)."""
        if self._undoing or old == new or not self.has_focus:
            return
        kind, at = _one_change(old, new, over_selection=self._over_selection)
        if kind == "typing":
            goes_on = self._run == "typing" and at == self._at
            self._at = at + 1
        elif kind == "erasing":  # backspace takes the one before, delete the one at
            goes_on = self._run == "erasing" and at in (self._at - 1, self._at)
            self._at = at
        else:  # a selection typed over, a paste: a run of its own, which the keys after join
            goes_on, kind, self._at = False, "typing", at
        self._run = kind
        if not goes_on:
            self._push(old)

    def _push(self, old: str) -> None:
        self._undo.append(old)
        del self._undo[:-UNDO_DEPTH]

    def focus_after_text(self) -> None:
        """The cursor here after the text, nothing selected: where a refusal sends the room
        to fix what it typed. Textual selects the whole text of a field given the focus;
        after "15o" employees was refused, one backspace meant for the "o" wiped the field,
        and the "0" typed next saved a case of 0 employees. Tab still selects the text."""
        if self.has_focus:
            return  # enter was pressed here: the cursor stays where the room left it
        self._after_text = True
        self.focus()

    def on_focus(self) -> None:
        """Runs before Input's own focus handler, which selects the text unless told not to."""
        if not self._after_text:
            return
        self._after_text = False
        keep, self.select_on_focus = self.select_on_focus, False

        def after_text() -> None:
            self.select_on_focus = keep
            self.cursor_position = len(self.value)

        self.call_later(after_text)  # once Input's handler of this focus has run

    def on_blur(self) -> None:
        """A long value left shows its start again, as a label reads: "student, phd candidate,
        …", not "…independent consultant, freelance consultant" because the cursor last sat
        there. Only the view moves: the cursor and the value stay as they were."""
        self._run = None  # typing here again is another run
        self.scroll_to(x=0, animate=False, immediate=True)

    def action_undo_typing(self) -> None:
        if not self._undo:
            self.app.bell()
            return
        self._undoing = True
        try:
            self.value = self._undo.pop()
        finally:
            self._undoing = False
        self._run = None
        self.cursor_position = len(self.value)

    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if binding.priority:
                continue  # already had its turn before the key was forwarded here
            if await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return
        # A character typed over a selection replaces it: a run of its own, whatever the
        # character. Read from the text alone, "9" typed over "90" looked like a backspace
        # after the 9, and one ctrl+z brought back "9", a value nobody typed.
        self._over_selection = event.is_printable and not self.selection.is_empty
        try:
            await super()._on_key(event)
        finally:
            self._over_selection = False

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()  # Input's own handler would insert the first line again
        line = pasted_line(event.text, self.paste_joiner, self.paste_cell_joiner)
        if not line:
            return
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(line)
        else:
            self.replace(line, *selection)
