"""Step 6: the edge-case suite as a table, refreshed after every edit."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable

from workbench.core.domain.suite import CaseResult, SuiteResult
from workbench.tui.components.steps import EXPLAIN
from workbench.tui.components.text import PlainText
from workbench.tui.messages import CaseAcceptRequested, CaseAddRequested, CaseOpenRequested


def outcome_label(result: CaseResult) -> str:
    """A passing case shows its verdict; a failing one shows what it got and what was agreed."""
    if result.passed:
        return result.verdict.short()
    return f"got  {result.verdict.short()}\nwant {result.case.expect.label()}"


class CasesPane(Vertical):
    """The table of cases: name, expected, actual, PASS/FAIL in words (not colour alone)."""

    BINDINGS = [
        Binding(
            "e",
            "accept",
            "Accept",
            id="cases.accept",
            tooltip="Make the selected case expect what the definition now does.",
        ),
        Binding("a", "add", "Add", id="cases.add", tooltip="Add the room's own case."),
    ]

    def __init__(self, suite: SuiteResult, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.suite = suite

    def compose(self) -> ComposeResult:
        yield PlainText(EXPLAIN["cases"], classes="explain")
        table: DataTable[str] = DataTable(id="cases-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield PlainText(
            "enter: open case · e: accept actual as expected · a: add a case", classes="field-help"
        )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Result", key="result", width=6)
        table.add_column("Case", key="case")
        table.add_column("Outcome", key="outcome")
        self.show(self.suite)

    def show(self, suite: SuiteResult) -> None:
        self.suite = suite
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for result in suite.results:
            table.add_row(
                "PASS" if result.passed else "FAIL",
                result.name + (" (depends)" if result.case.depends else ""),
                outcome_label(result),
                key=result.name,
                height=1 if result.passed else 2,
            )
        if suite.results:
            table.move_cursor(row=min(max(cursor, 0), len(suite.results) - 1))

    def selected_case(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.suite.results or table.cursor_row < 0:
            return None
        return self.suite.results[min(table.cursor_row, len(self.suite.results) - 1)].name

    @on(DataTable.RowSelected, "#cases-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(CaseOpenRequested(str(event.row_key.value)))

    def action_accept(self) -> None:
        name = self.selected_case()
        if name is not None:
            self.post_message(CaseAcceptRequested(name))

    def action_add(self) -> None:
        self.post_message(CaseAddRequested())
