"""Text that is shown as typed: names, reasons and clause paths like [fit.min_seniority]
must not be read as Textual markup, nor control characters reach the terminal."""

from __future__ import annotations

from typing import Any

from textual.visual import VisualType
from textual.widgets import Static

from workbench.core.domain.safe_text import printable

HEADER_ICON = "≡"
"""The header's corner (it opens the command palette): Textual's "⭘" is missing from the
fonts a browser falls back to offline, and `serve`'s seats showed a box there."""


class PlainText(Static):
    def __init__(self, content: str = "", **kwargs: Any) -> None:
        self._shown: str | None = printable(content)
        super().__init__(self._shown, markup=False, **kwargs)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show `content`; a string from a file has its control characters escaped. The
        same text again does nothing: every key typed in a step re-sets its titles and
        evidence lines, and each update asks for a layout of the whole screen."""
        if isinstance(content, str):
            content = printable(content)
            if content == self._shown:
                return
            self._shown = content
        else:
            self._shown = None
        super().update(content, layout=layout)

    @property
    def shown(self) -> str:
        """The text on screen ("" for none, or for content that is not text)."""
        return self._shown or ""

    def say(self, message: str) -> None:
        """Show a message, or hide the line entirely when there is nothing to say."""
        self.update(message)
        self.set_class(bool(message), "-shown")
