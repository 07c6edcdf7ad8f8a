"""The line the room watches: suite status, save state, and the last case that flipped."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.widgets import Static

from workbench.core.domain.phrases import flip_line
from workbench.core.domain.suite import Flip


class SuiteStatusBar(Static):
    """'edge cases 7/8 passing · FAIL: intern-demo-request … · saved'. Words, not colour alone."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", markup=False, **kwargs)  # type: ignore[arg-type]
        self.suite_text = ""
        self.save_note = ""
        self.flips: tuple[Flip, ...] = ()
        self.edited: str | None = None
        self.refused = ""  # why the value being typed was not taken, in short
        self.note = ""  # what just happened to the draft (written by the review), until a flip
        self._line = ""  # as last shown

    @property
    def width_for_text(self) -> int:
        """The columns a line may take: the bar's width less its padding (80 leave 78)."""
        return max((self.size.width or self.app.size.width) - 2, 20)

    @property
    def flip_note(self) -> str:
        """The flip line as shown now, fitted to the bar's width."""
        return flip_line(self.flips, self.edited, self.width_for_text)

    def show(self, suite_text: str, failing: bool, save_note: str | None = None) -> None:
        self.suite_text = suite_text
        if save_note is not None:
            self.save_note = save_note
        self.set_class(failing, "-failing")
        self._render_line()

    def show_flips(self, flips: Sequence[Flip], edited: str | None = None) -> None:
        """Name what a settled edit flipped (PASS to FAIL or back) and the clause, in the
        room's words; an edit that flipped nothing keeps the last note."""
        if flips:
            self.flips = tuple(flips)
            self.edited = edited
        self._render_line()

    def show_refused(self, reason: str) -> None:
        """While a typed value is refused, the second line says why (the field's error line
        may be out of sight at 80x24); the flip note comes back once it is fixed."""
        self.refused = reason
        self._render_line()

    def show_note(self, note: str) -> None:
        """Say what just happened on the second line, where it covers nothing (a toast at 80
        columns hid the step's text); the first flip or refusal takes the line back. An
        earlier flip gives way: a case added after it read as if that flip were the news."""
        self.note = note
        self.flips, self.edited = (), None
        self._render_line()

    def show_save(self, note: str) -> None:
        self.save_note = note
        self._render_line()

    def on_resize(self, event: events.Resize) -> None:
        self._render_line()

    def _render_line(self) -> None:
        mark = "✗" if self.has_class("-failing") else "✓"
        parts = [f"{mark} {self.suite_text}"]
        if self.save_note:
            parts.append(self.save_note)
        first = " · ".join(parts)
        if len(first) > self.width_for_text:  # never wrapped onto the flip line
            first = first[: self.width_for_text - 1] + "…"
        second = self.flip_note or self.note or "no case has flipped yet"
        if len(second) > self.width_for_text:
            second = second[: self.width_for_text - 1] + "…"
        if self.refused:
            second = f"✗ {self.refused}"
            if len(second) > self.width_for_text:
                second = second[: self.width_for_text - 1] + "…"
        line = first + "\n" + second
        if line != self._line:  # said twice a key, and each update lays the screen out again
            self._line = line
            self.update(line)
