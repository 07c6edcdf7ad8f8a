"""Text that is shown as typed: names, reasons and clause paths like [fit.min_seniority]
must not be read as Textual markup, nor control characters reach the terminal."""

from __future__ import annotations

from typing import Any

from textual.visual import VisualType
from textual.widgets import Static

from workbench.core.domain.safe_text import printable


class PlainText(Static):
    def __init__(self, content: str = "", **kwargs: Any) -> None:
        super().__init__(printable(content), markup=False, **kwargs)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show `content`; a string from a file has its control characters escaped."""
        super().update(printable(content) if isinstance(content, str) else content, layout=layout)

    def say(self, message: str) -> None:
        """Show a message, or hide the line entirely when there is nothing to say."""
        self.update(message)
        self.set_class(bool(message), "-shown")
