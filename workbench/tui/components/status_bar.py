"""The line the room watches: suite status, save state, and the last case that flipped."""

from __future__ import annotations

from textual.widgets import Static

from workbench.core.domain.suite import Flip


def flip_text(flip: Flip) -> str:
    before = "PASS" if flip.was_passing else "FAIL"
    after = "PASS" if flip.now_passing else "FAIL"
    return f"{flip.name} {before}→{after} (now {flip.after})"


class SuiteStatusBar(Static):
    """'edge cases 7/8 passing · FAIL: intern-demo-request … · saved'. Words, not colour alone."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", markup=False, **kwargs)  # type: ignore[arg-type]
        self.suite_text = ""
        self.flip_note = ""
        self.save_note = ""

    def show(self, suite_text: str, failing: bool, save_note: str | None = None) -> None:
        self.suite_text = suite_text
        if save_note is not None:
            self.save_note = save_note
        self.set_class(failing, "-failing")
        self._render_line()

    def show_flips(self, flips: list[Flip], edited: str | None = None) -> None:
        """Name what the last edit flipped and the clause that was edited; an edit that
        flipped nothing keeps the last note."""
        if flips:
            cause = f"{edited} flipped " if edited else "flipped "
            self.flip_note = cause + " | ".join(flip_text(f) for f in flips[:2])
            if len(flips) > 2:
                self.flip_note += f" (+{len(flips) - 2} more: ctrl+t)"
        self._render_line()

    def show_save(self, note: str) -> None:
        self.save_note = note
        self._render_line()

    def _render_line(self) -> None:
        mark = "✗" if self.has_class("-failing") else "✓"
        parts = [f"{mark} {self.suite_text}"]
        if self.save_note:
            parts.append(self.save_note)
        self.update(" · ".join(parts) + "\n" + (self.flip_note or "no case has flipped yet"))
