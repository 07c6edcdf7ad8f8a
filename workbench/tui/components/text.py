"""Text that is shown as typed: names, reasons and clause paths like [fit.min_seniority]
must not be read as Textual markup."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static


class PlainText(Static):
    def __init__(self, content: str = "", **kwargs: Any) -> None:
        super().__init__(content, markup=False, **kwargs)
