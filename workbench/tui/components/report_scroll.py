"""A report that scrolls and says so: the Evidence step's backtest, the analysis, the review,
the mapping proposal.

At 80x24 the backtest shows its three numbers and two lines of the report; the rest is below.
Textual's scrollbar there was dark teal on near-black, which a projector washes out, so the
room read the report as ended. And the region took a tab stop even with nothing to scroll,
where the cursor then sat invisible: in the lead-files dialog, tab then enter after the
second path did nothing. Here the scrollbar takes the accent, brighter while the report has
the cursor, and the region takes the cursor only when there is something to scroll.
"""

from __future__ import annotations

from textual.containers import VerticalScroll


class ReportScroll(VerticalScroll):
    """A VerticalScroll whose scrollbar reads on a projector and that is a tab stop only
    while its content is taller than it."""

    DEFAULT_CSS = """
    ReportScroll {
        scrollbar-color: $accent 75%;
        scrollbar-color-hover: $accent 80%;
        scrollbar-color-active: $accent;
        scrollbar-background: $panel;
        scrollbar-background-hover: $panel;
        scrollbar-background-active: $panel;
        &:focus {
            scrollbar-color: $accent;
        }
    }
    """

    def allow_focus(self) -> bool:
        return super().allow_focus() and self.max_scroll_y > 0

    # Set by a screen whose report is what the keys are for (the quarterly review): the
    # report takes the cursor once its content outgrows it, if nothing else has it. Focused
    # on mount it was one line ("reading the lead history…"), no tab stop, so the focus came
    # to nothing, and PageDown moved nothing until the room pressed tab.
    take_keys_when_taller = False

    def watch_virtual_size(self) -> None:
        if (
            self.take_keys_when_taller
            and self.is_attached
            and self.screen.focused is None
            and self.allow_focus()
        ):
            self.focus()
