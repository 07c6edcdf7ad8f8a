"""Step 6: the edge-case suite as a table, refreshed after every edit."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable

from workbench.core.domain.case_why import why_mismatch
from workbench.core.domain.suite import CaseResult, SuiteResult
from workbench.tui.components.held_keys import hold_keys
from workbench.tui.components.row_table import RowTable
from workbench.tui.components.steps import EXPLAIN
from workbench.tui.components.text import PlainText
from workbench.tui.messages import (
    CaseAcceptRequested,
    CaseAddRequested,
    CaseDeleteRequested,
    CaseEditRequested,
    CaseOpenRequested,
    UndoRequested,
)

WHY_MARK = "⚠ why says otherwise"


def outcome_label(result: CaseResult) -> str:
    """A passing case shows its verdict; a failing one shows what it got and what was agreed."""
    if result.passed:
        return result.verdict.short()
    return f"got  {result.verdict.short()}\nwant {result.case.expect.label()}"


def case_label(result: CaseResult) -> str:
    """The case's name, whether the room left it to decide, and whether its expectation
    still says what its why says (in words, on its own line)."""
    label = result.name + (" (depends)" if result.case.depends else "")
    if why_mismatch(result.case) is not None:
        label += f"\n{WHY_MARK}"
    return label


class CasesTable(RowTable):
    """The cases' table. `a` (add) and `m` (edit) open the case form, which takes half a
    second to come up: the app asks here as the key arrives (`press_holds_keys`, as for a
    button's enter) and holds the keys typed after it, so a burst read at once waits for the
    form instead of reaching this table (where `m` and `d` are keys of their own)."""

    held_for_key = False

    def press_holds_keys(self, key: str) -> bool:
        pane = self.parent
        opens = key == "a" or (
            key == "m" and isinstance(pane, CasesPane) and pane.selected_case() is not None
        )
        if opens:
            self.held_for_key = True
        return opens


class CasesPane(Vertical):
    """The table of cases: name, expected, actual, PASS/FAIL in words (not colour alone)."""

    BINDINGS = [
        Binding(
            "e",
            "accept",
            "Accept actual for the selected case",
            show=False,  # named on the pane's own help line: the footer is full at 80 columns
            id="cases.accept",
            tooltip="Make the selected case expect what the definition now does.",
        ),
        Binding(
            "a",
            "add",
            "Add a case",
            show=False,  # named on the pane's own help line: the footer is full at 80 columns
            id="cases.add",
            tooltip="Add the room's own case.",
        ),
        Binding(
            "m",
            "edit",
            "Edit the selected case",
            show=False,  # named on the pane's own help line: the footer is full at 80 columns
            id="cases.edit",
            tooltip="Change the selected case: its lead, its name, its expectation.",
        ),
        Binding(
            "d",
            "delete",
            "Delete the selected case",
            show=False,  # named on the pane's own help line: the footer is full at 80 columns
            id="cases.delete",
            tooltip="Remove the selected case from the suite (asks first).",
        ),
        Binding(
            "u",
            "undo",
            "Undo the last delete or expectation change",
            show=False,  # named on the pane's own help line: the footer is full at 80 columns
            id="cases.undo",
            tooltip="Bring back the case last deleted, or take back the last expectation change.",
        ),
    ]

    # What changes the suite: not offered (palette, help line) on a signed definition or a
    # follow seat, which had listed "Add a case" and then refused it.
    WRITES = frozenset({"accept", "add", "edit", "delete", "undo"})

    def __init__(self, suite: SuiteResult, *, read_only: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.suite = suite
        self.read_only = read_only
        # The case the app moved the cursor to (an edit made it fail) and the case the
        # cursor was on before: when that case passes again, the cursor goes back.
        self._pointed: tuple[str, str | None] | None = None

    def compose(self) -> ComposeResult:
        explain = EXPLAIN["cases"]
        if self.read_only:  # its "press e to accept" is the facilitator's, on a draft
            explain = explain.split(" 'Depends' cases")[0]
        yield PlainText(explain, classes="explain")
        table = CasesTable(id="cases-table")
        yield table
        yield PlainText(
            "enter: open (read-only)"
            if self.read_only
            else "enter: open · e: accept actual · a: add · m: edit · d: delete · u: undo",
            classes="field-help",
        )

    def palette_offers(self, action: str) -> bool:
        """The palette lists no change to the suite where none can be made; the key itself
        still says why (the editor refuses it with the reason)."""
        return not (self.read_only and action in self.WRITES)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Result", key="result", width=6)
        table.add_column("Case", key="case")
        table.add_column("Outcome", key="outcome")
        self.show(self.suite)
        failing = [result.name for result in self.suite.results if not result.passed]
        if failing:  # shown for the first time: the cursor where the room has work to do
            self.select(failing[0])

    def show(self, suite: SuiteResult) -> None:
        self.suite = suite
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for result in suite.results:
            name = case_label(result)
            table.add_row(
                "PASS" if result.passed else "FAIL",
                name,
                outcome_label(result),
                key=result.name,
                height=1 if result.passed and "\n" not in name else 2,
            )
        if suite.results:
            table.move_cursor(row=min(max(cursor, 0), len(suite.results) - 1))

    def select(self, name: str) -> None:
        """The cursor on a case, scrolled into view: a case just added is the last row,
        out of sight at 80x24, and the room's next key is about it."""
        table = self.query_one(DataTable)
        names = [result.name for result in self.suite.results]
        if name in names:
            table.move_cursor(row=names.index(name), animate=False)

    def point_at(self, name: str) -> None:
        """The cursor on a case an edit made fail, remembering where the room had it."""
        before = self.selected_case()
        if before == name:
            return
        if self._pointed is None or self._pointed[0] != before:
            self._pointed = (name, before)  # not a second move away from a case we moved to
        else:
            self._pointed = (name, self._pointed[1])
        self.select(name)

    def unpoint(self, name: str) -> None:
        """A case the app pointed at passes again: the cursor goes back to the case it was on
        before, unless the room has moved it since (the room then knows where it is)."""
        if self._pointed is None or self._pointed[0] != name:
            return
        before = self._pointed[1]
        self._pointed = None
        if self.selected_case() == name and before is not None:
            self.select(before)

    def _acted(self) -> None:
        """The room acts on the Cases step (opens, accepts, edits, deletes, undoes): the
        cursor is the room's now, and a case passing again after that is its own doing, not
        an edit taken back, so the cursor stays."""
        self._pointed = None

    def selected_case(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.suite.results or table.cursor_row < 0:
            return None
        return self.suite.results[min(table.cursor_row, len(self.suite.results) - 1)].name

    @on(DataTable.RowSelected, "#cases-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        self._acted()
        if event.row_key.value is not None:
            self.post_message(CaseOpenRequested(str(event.row_key.value)))

    def action_accept(self) -> None:
        self._acted()
        name = self.selected_case()
        if name is not None:
            self.post_message(CaseAcceptRequested(name))

    def action_add(self) -> None:
        """The case form takes half a second to open: the keys typed meanwhile are held (the
        case's name, typed at once) and go to its first field (`NewCaseModal.held`). Whoever
        handles the request releases them once."""
        self._acted()
        self._hold()
        self.post_message(CaseAddRequested())

    def action_edit(self) -> None:
        self._acted()
        name = self.selected_case()
        if name is not None:
            self._hold()  # as for `a`
            self.post_message(CaseEditRequested(name))

    def _hold(self) -> None:
        """Hold the keys, unless the app did as the key arrived (`CasesTable`): from the
        palette, or a binding of the pane's reached another way."""
        table = self.query_one(CasesTable)
        if table.held_for_key:
            table.held_for_key = False
        else:
            hold_keys(self)

    def action_delete(self) -> None:
        self._acted()
        name = self.selected_case()
        if name is not None:
            self.post_message(CaseDeleteRequested(name))

    def action_undo(self) -> None:
        self._acted()
        self.post_message(UndoRequested())
