"""An option list whose arrows stop at its ends.

Textual's `OptionList` wraps: down on the last option lands on the first. On the New
definition dialog that overshoot, then enter, created the pre-$1M template where the room had
chosen $30M+ (a facilitator and a developer each did it once), so these lists stop instead.
"""

from __future__ import annotations

from textual.widgets import OptionList


class StopList(OptionList):
    """`OptionList` where up on the first option and down on the last stay put."""

    def action_cursor_down(self) -> None:
        if self.highlighted is None or self.highlighted < self.option_count - 1:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.highlighted is None or self.highlighted > 0:
            super().action_cursor_up()
