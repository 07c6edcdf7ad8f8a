"""A table of rows the room picks from (definitions, edge cases, proposals)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable


class RowTable(DataTable[str]):
    """`DataTable` with a row cursor, where home and end go to the first and the last row.
    Textual's home and end scroll sideways, which a table as wide as its pane does not do:
    end did nothing, and `m` then opened the first case rather than the last."""

    BINDINGS = [
        Binding(
            "home",
            "scroll_top",
            "First row",
            show=False,
            id="table.first",
            tooltip="The cursor on the first row.",
        ),
        Binding(
            "end",
            "scroll_bottom",
            "Last row",
            show=False,
            id="table.last",
            tooltip="The cursor on the last row.",
        ),
    ]

    def __init__(self, *, id: str, zebra_stripes: bool = True) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=zebra_stripes)
