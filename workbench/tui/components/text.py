"""Text that is shown as typed: names, reasons and clause paths like [fit.min_seniority]
must not be read as Textual markup."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static


class PlainText(Static):
    def __init__(self, content: str = "", **kwargs: Any) -> None:
        super().__init__(content, markup=False, **kwargs)

    def say(self, message: str) -> None:
        """Show a message, or hide the line entirely when there is nothing to say."""
        self.update(message)
        self.set_class(bool(message), "-shown")
