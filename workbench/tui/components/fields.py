"""Form fields bound to a clause path: they send `ClauseEdited` and show why an edit failed.

The field does no MQL validation itself: the core decides, and the field only displays the
reason next to where it was typed, so a bad value never reaches the file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from rich.segment import Segment
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.strip import Strip
from textual.widgets import Input, Label, Select, SelectionList, Switch
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

from workbench.core.domain.points_text import bands_text, points_text, sizes_read
from workbench.core.domain.safe_text import printable
from workbench.core.domain.typed_words import whole_number_text
from workbench.tui.components.room_input import RoomInput
from workbench.tui.components.text import PlainText
from workbench.tui.messages import ClauseEdited

TextKind = Literal["int", "text", "list", "number", "points"]

NOTHING_PENDING: Any = object()  # a field whose text has all reached the core
FOCUS_MARK = "» "  # before the focused label (not ▶: a folded Collapsible shows that)


class ClauseField(Vertical):
    """Base: a label, an editor widget, and an error line under it."""

    DEFAULT_CLASSES = "clause-field"

    def __init__(self, path: str, label: str, help_text: str = "", **kwargs: Any) -> None:
        field_id = "field-" + path.replace(".", "-").replace("_", "-")
        super().__init__(id=kwargs.pop("id", field_id), **kwargs)
        self.path = path
        self.label_text = label
        self.help_text = help_text

    def compose(self) -> ComposeResult:
        yield Label(self.label_text, classes="field-label")
        yield from self.compose_editor()
        if self.help_text:
            yield PlainText(self.help_text, classes="field-help")
        yield PlainText("", classes="field-error")
        yield PlainText("", classes="field-warning")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The field the cursor is in says so in words too (a marker on its label), not in
        one shade of grey: a projector washes shades out."""
        self._mark_focus()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._mark_focus()

    def _mark_focus(self) -> None:
        """Marked from where the cursor is now, not from which event came last: a dropdown
        hands focus to its list and back, and the list's blur can arrive after the
        dropdown's focus (the marker then vanished while the cursor was in the field)."""
        focused = self.app.focused
        inside = focused is not None and self in focused.ancestors_with_self
        if inside == self.has_class("-focused"):
            return
        self.set_class(inside, "-focused")
        self.query_one(".field-label", Label).update(
            FOCUS_MARK + self.label_text if inside else self.label_text
        )

    _warnings: tuple[str, ...] = ()
    _blocking: tuple[str, ...] = ()
    _reading = ""  # how a whole number typed with a thousands mark was read ("1.200")

    def set_warnings(self, warnings: Sequence[str]) -> None:
        """A risky value the core accepted: said where it was typed, without refusing it."""
        self._warnings = tuple(warnings)
        self._show_warnings()

    def set_blocking(self, blocking: Sequence[str]) -> None:
        """What signing refuses about this clause (`risky.blocking_by_clause`), marked ✗ above
        the warnings: applied and saved, the cases passing, and yet not signable."""
        if tuple(blocking) != self._blocking:
            self._blocking = tuple(blocking)
            self._show_warnings()

    @property
    def blocking(self) -> tuple[str, ...]:
        return self._blocking

    def _show_warnings(self) -> None:
        lines = [f"✗ {said}" for said in self._blocking]
        if self._warnings:
            lines.append("⚠ " + "; ".join(self._warnings))
        warned = bool(lines)
        if self._reading:
            lines.append(self._reading)
        self.query_one(".field-warning", PlainText).say("\n".join(lines))
        self.set_class(warned, "-warned")

    def show_reading(self, reading: str) -> None:
        if reading != self._reading:
            self._reading = reading
            self._show_warnings()

    def compose_editor(self) -> ComposeResult:
        raise NotImplementedError

    @property
    def short_label(self) -> str:
        """The label without its typing hint: 'Lead sources qualified apart'."""
        return self.label_text.split(" (", 1)[0]

    def in_room_words(self, error: str) -> str:
        """The core names the clause path ('fit.exclude_sources: …', or an item of it,
        'triggers.tier2.2.together.0: …', or the rule it belongs to, 'triggers.tier2.2: …');
        the room reads the field's label instead, as it is on screen."""
        where, said, rest = error.partition(": ")
        if said and (
            where == self.path
            or where.startswith(self.path + ".")
            or self.path.startswith(where + ".")
        ):
            return f"{self.short_label}: {rest}"
        return error

    def set_errors(self, errors: Sequence[str]) -> None:
        error = self.query_one(".field-error", PlainText)
        said = "✗ " + "; ".join(self.in_room_words(e) for e in errors) if errors else ""
        again = error.content == printable(said)  # the refusal already on show
        error.say(said)
        self.set_class(bool(errors), "-invalid")
        if errors and not again:
            # At 80x24 the error line can sit below the visible part of the step: bring it
            # into view once it has its height, so the reason is read where it was typed.
            # Not when the same refusal is said again (offered again as the room tabs on):
            # the view stays with the cursor.
            error.call_after_refresh(error.scroll_visible, animate=False)

    def send(self, value: Any) -> None:
        self.post_message(ClauseEdited(self.path, value, self))

    def sent(self, value: Any) -> None:
        """The editor took this value from the field (the edit reached the core)."""

    def shown(self, sent: Any) -> Any:
        """What the field shows now, given a value it sent earlier: an edit message can
        arrive after later keys were typed, and the screen, not the message, is the truth."""
        return sent

    def shown_value(self) -> Any:
        """What the field shows, as the value it would send (NOTHING_PENDING: a field that
        cannot hold a refused value, so has nothing to offer again)."""
        return NOTHING_PENDING

    def pending_value(self) -> Any:
        """What the field shows that has not reached the core yet, or NOTHING_PENDING.

        The app never writes into a field: the person's keys are the only source of its
        text, so before anything is decided for the room (leaving, quitting) the screen
        asks each field for what it shows rather than trusting the last message."""
        return NOTHING_PENDING


class TextField(ClauseField):
    """A typed value: whole numbers, free text, or a comma-separated list."""

    def __init__(
        self,
        path: str,
        label: str,
        value: Any,
        kind: TextKind = "text",
        placeholder: str = "",
        help_text: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(path, label, help_text, **kwargs)
        self.kind = kind
        self.initial = self.to_text(value)
        self.placeholder = placeholder
        self._taken: Any = self.parse(self.initial)

    def compose_editor(self) -> ComposeResult:
        # No `restrict`, whole numbers included: a key it refused vanished without a word, and
        # "72.5" became 725. Every key shows; the core refuses what is not a whole number and
        # the field says why, under what was typed.
        field = RoomInput(
            self.initial,
            # What an empty field means ("blank = any"), so a hint never reads as a value.
            placeholder=f"blank = {self.placeholder}" if self.placeholder else "",
            compact=True,
        )
        if self.kind in ("list", "points"):
            field.paste_joiner = ", "  # a pasted column is as many values
        if self.kind == "points":
            field.paste_cell_joiner = " "  # a row "gmail.com<tab>-10" is one key and points
        yield field

    def to_text(self, value: Any) -> str:
        if value is None:
            return ""
        if self.kind == "points":  # the fit score's tables, read by the core
            return points_text(value) if isinstance(value, dict) else bands_text(value)
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    def parse(self, text: str) -> Any:
        text = text.strip()
        if self.kind == "list":
            return [part.strip() for part in text.split(",") if part.strip()]
        if not text:
            return None
        if self.kind == "int":
            return whole_number_text(text)
        return text

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        value = self.parse(event.value)
        if self.kind == "int":
            # "1.200" is saved as 1200 (`whole_number_text`): said under it, so a room that
            # meant 1.2 sees the reading, not only the file.
            typed = event.value.strip()
            reading = ""
            if value is not None and value != typed:
                with contextlib.suppress(ValueError):
                    reading = f"read as {int(value)}"  # the number saved: "0.500" is 500
            self.show_reading(reading)
        elif self.path.endswith("size_points"):
            # "1,000+ 10" is the band 1000+ (`sizes_read`): said, as a number field says it.
            typed = event.value.strip()
            read = sizes_read(typed)
            self.show_reading(f"read as {read}" if read != typed else "")
        self.send(value)

    def sent(self, value: Any) -> None:
        self._taken = value

    def shown_value(self) -> Any:
        return self.parse(self.query_one(Input).value)

    def pending_value(self) -> Any:
        shown = self.shown_value()
        return NOTHING_PENDING if shown == self._taken else shown


class ChoiceField(ClauseField):
    """One of a closed list (a seniority, a route); blank means 'not set' where allowed."""

    def __init__(
        self,
        path: str,
        label: str,
        value: Any,
        options: Iterable[tuple[str, str]],
        allow_blank: bool = False,
        help_text: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(path, label, help_text, **kwargs)
        self.options = list(options)
        self.initial = value
        self.allow_blank = allow_blank

    def compose_editor(self) -> ComposeResult:
        yield Select(
            self.options,
            value=self.initial if self.initial is not None else Select.NULL,
            allow_blank=self.allow_blank,
            prompt="(none)",
            compact=True,
        )

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        event.stop()
        value = None if event.value is Select.NULL else event.value
        if value != self.initial:
            self.initial = value
            self.send(value)

    def shown_value(self) -> Any:
        """The choice on screen, to be offered again once refused (a kind refused because
        of another field, "Same session as", may hold once that field has moved)."""
        value = self.query_one(Select).value
        return None if value is Select.NULL else value


class ToggleField(ClauseField):
    """On or off, with the state spelled out next to the switch (not colour alone)."""

    def __init__(
        self, path: str, label: str, value: bool, help_text: str = "", **kwargs: Any
    ) -> None:
        super().__init__(path, label, help_text, **kwargs)
        self.initial = value

    def compose_editor(self) -> ComposeResult:
        with Horizontal(classes="toggle-row"):
            yield Switch(self.initial)
            yield PlainText(_on_off(self.initial), classes="toggle-state")

    @on(Switch.Changed)
    def _changed(self, event: Switch.Changed) -> None:
        event.stop()
        self.query_one(".toggle-state", PlainText).update(_on_off(event.value))
        if event.value != self.initial:
            self.initial = event.value
            self.send(event.value)


def _on_off(value: bool) -> str:
    return "ON" if value else "OFF"


class TickList(SelectionList[str]):
    """A SelectionList whose box shows ✓ when ticked, so the state is not colour alone."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 2 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        mark = "✓" if selection.value in self.selected else " "
        segments[1] = Segment(mark, segments[1].style)
        return Strip(segments, strip.cell_length)


class KindsField(ClauseField):
    """Several of a closed list (trigger kinds, personas), ticked with space.

    The list is as tall as its options (it never scrolls inside the scrolling step, where
    the label would scroll away from it), and a line under the label names what is ticked,
    so the value reads without moving through the list."""

    def __init__(
        self,
        path: str,
        label: str,
        selected: Iterable[str],
        options: Iterable[str | tuple[str, str]],
        help_text: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(path, label, help_text, **kwargs)
        self.initial = list(selected)
        pairs = [(o, o) if isinstance(o, str) else o for o in options]
        self.words = {value: words for words, value in pairs}
        self.choices = [value for _words, value in pairs]

    def compose_editor(self) -> ComposeResult:
        yield PlainText(self.ticked_text(self.initial), classes="field-ticked")
        yield TickList(
            *[(self.words[c], c, c in self.initial) for c in self.choices],
            compact=True,
        )

    def ticked_text(self, chosen: Sequence[str]) -> str:
        if not chosen:
            return "ticked: none"
        return "ticked: " + ", ".join(self.words.get(c, c) for c in chosen)

    @on(SelectionList.SelectedChanged)
    def _changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        event.stop()
        chosen = [c for c in self.choices if c in event.selection_list.selected]
        self.query_one(".field-ticked", PlainText).update(self.ticked_text(chosen))
        if chosen != self.initial:
            self.initial = chosen
            self.send(chosen)
