"""The Evidence step's Analysis tab: what closed-won leads look like and did, the clause
values the history supports, and the leads where the draft and history disagree.

It turns the Backtest tab around (from history to a proposed definition) over the same lead
history, so it lives beside it in the Evidence step rather than as a step of its own. The
analysis runs in a worker thread while this tab is on screen, and again after every change
to the draft. Nothing here changes the draft: `a` on a proposal and `enter` on a case (then
the room's choice of expectation) ask the editor, which goes through
`core.services.analysis_session`. A signed version shows the analysis and offers no apply.
"""

from __future__ import annotations

import contextlib
import textwrap
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, DataTable, Select, TabbedContent, TabPane

from workbench.core.domain.clause_evidence import draft_change
from workbench.core.domain.definition import Expectation
from workbench.core.domain.evaluator import evaluate
from workbench.core.domain.phrases import activities_phrase
from workbench.core.domain.vocab import ROUTES, STATUSES
from workbench.core.services.analysis_session import (
    AnalysisOutcome,
    in_draft,
    run_analysis,
    suggested_expectation,
)
from workbench.core.services.backtest_session import (
    Closed,
    EvidenceSession,
    NoSource,
    error_lines,
)
from workbench.core.services.workshop import Workshop
from workbench.tui.components.evidence_pane import EvidencePane, on_screen, wrap_lines
from workbench.tui.components.modals import CANCEL, _labelled_select
from workbench.tui.components.report_scroll import ReportScroll
from workbench.tui.components.room_button import RoomButton
from workbench.tui.components.row_table import RowTable
from workbench.tui.components.text import PlainText

if TYPE_CHECKING:
    from collections.abc import Callable

    from workbench.core.domain.definition import Definition
    from workbench.core.domain.verdict import Verdict
    from workbench.core.evidence.analysis import Analysis, HistoryCase, Proposal
    from workbench.core.evidence.backtest import Backtest

TABS_ID = "evidence-tabs"
BACKTEST_TAB = "evidence-backtest"
ANALYSIS_TAB = "evidence-analysis"

EXPLAIN = (
    "Data-derived: the clause values your closed-won leads support, and the leads where the "
    "draft and history disagree. Nothing changes the draft until the room presses a key."
)


@dataclass
class ProposalApplyRequested(Message):
    """The room chose to write this proposal's clause value into the draft."""

    proposal: Proposal


@dataclass
class HistoryCaseAdoptRequested(Message):
    """The room chose to adopt this lead from history as an edge case (an expectation next)."""

    case: HistoryCase


class AnalysisPane(Vertical):
    """The analysis of the folder's lead history against the draft being edited."""

    DEFAULT_CSS = """
    AnalysisPane { height: 1fr; }
    #analysis-status { padding: 0 1; height: auto; text-style: bold; background: $boost; }
    #analysis-status.-problem { background: $error 30%; }
    #analysis-scroll { height: 1fr; scrollbar-gutter: stable; }
    #analysis-headline, #analysis-report { padding: 0 1; }
    #analysis-proposals, #analysis-cases { height: auto; margin: 0 1; }
    """

    BINDINGS = [
        Binding(
            "a",
            "apply",
            "Apply proposal",
            show=False,  # named on the tab's own status line: the footer is full at 80 columns
            id="analysis.apply",
            tooltip="Write the selected proposal's clause value into the draft; the edge "
            "cases and the backtest run again.",
        ),
        Binding(
            "h",
            "adopt",
            "Adopt case",
            show=False,
            id="analysis.adopt",
            tooltip="Add the selected lead from your history to the edge cases, with the "
            "expectation the room agrees on.",
        ),
    ]

    def __init__(
        self,
        workshop: Workshop,
        session: EvidenceSession,
        folder: Path,
        clock: Callable[[], datetime],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.workshop = workshop
        self.session = session
        self.folder = folder
        self.clock = clock
        self.outcome: AnalysisOutcome | None = None
        # The draft's backtest before the last change, so the three numbers show the move.
        self.before: Backtest | None = None
        self._generation = 0  # a newer run's result replaces an older one's
        self._stale = True  # the draft changed since the result on screen (or none yet)
        self._analysing = False
        self._note = ""
        self._updated: datetime | None = None
        self._problem: list[str] | None = None
        self._unset = False

    def compose(self) -> ComposeResult:
        yield PlainText("", id="analysis-status")
        with ReportScroll(id="analysis-scroll"):
            yield PlainText(EXPLAIN, classes="explain")
            yield PlainText("", id="analysis-headline")
            yield PlainText("Proposals, one clause each", classes="section-title")
            proposals = RowTable(id="analysis-proposals")
            yield proposals
            yield PlainText("Cases from your history", classes="section-title")
            cases = RowTable(id="analysis-cases")
            yield cases
            yield PlainText("What the history says", classes="section-title")
            yield PlainText(self._waiting_text(), id="analysis-report")

    def on_mount(self) -> None:
        proposals = self.query_one("#analysis-proposals", DataTable)
        proposals.add_column("Draft", key="state", width=7)
        proposals.add_column("Proposal: what it keeps and costs", key="summary")
        cases = self.query_one("#analysis-cases", DataTable)
        cases.add_column("Case", key="case")
        cases.add_column("The draft now", key="now")
        self._show_status()
        if on_screen(self):
            self.shown()

    def on_resize(self) -> None:
        self._show_body()

    # --- when to run -----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._analysing

    @property
    def read_only(self) -> bool:
        return self.workshop.read_only

    def shown(self) -> None:
        """The room switched to this tab: catch up with any change made meanwhile."""
        if self._stale and not self._analysing:
            self.refresh_now()

    def definition_changed(self) -> None:
        """The draft changed: run again now if on screen, else when shown."""
        self._stale = True
        if on_screen(self):
            self.refresh_now()
        else:
            self._show_status()

    def refresh_now(self) -> None:
        """Run the analysis (and the draft's backtest) again on the draft as it is."""
        if not on_screen(self):
            self._stale = True
            return
        self._generation += 1
        self._stale = False
        self._analysing = True
        self._note = "starting"
        self._show_status()
        self._analyse(self._generation, self.workshop.definition)

    # --- the worker ------------------------------------------------------------------------

    def _post(self, callback: Callable[..., object], *args: object) -> None:
        with contextlib.suppress(RuntimeError):  # the app is closing
            self.app.call_from_thread(callback, *args)

    @work(thread=True, exclusive=True, group="analysis")
    def _analyse(self, generation: int, definition: Definition) -> None:
        try:
            outcome = run_analysis(
                self.session,
                definition,
                lambda text: self._post(self._progress, generation, text),
            )
        except Closed:
            return
        except NoSource:
            self._post(self._finished, generation, None, None, True)
            return
        except Exception as error:  # shown in the tab, never a traceback
            self._post(self._finished, generation, None, error_lines(error), False)
            return
        self._post(self._finished, generation, outcome, None, False)

    def _progress(self, generation: int, text: str) -> None:
        if generation == self._generation:
            self._note = text
            self._show_status()

    def _finished(
        self,
        generation: int,
        outcome: AnalysisOutcome | None,
        problem: list[str] | None,
        unset: bool,
    ) -> None:
        if generation != self._generation:
            return  # a newer run is under way; its result replaces this one
        self._analysing = False
        self._note = ""
        if outcome is None and problem is None and not unset:
            self._stale = True  # a backtest stopped it: run again when next wanted
            self._show_status()
            return
        self._unset = unset
        self._problem = problem
        moved = False
        if outcome is not None:
            if self.outcome is not None and self.outcome.definition != outcome.definition:
                self.before = self.outcome.backtest
                moved = True
            self.outcome = outcome
            self._updated = self.clock()
        self._show_status()
        self._show_body()
        if moved:
            # The move is the answer to the proposal just applied: at 80x24 the numbers sat
            # above the page, the cursor's table in view, and only page up showed them.
            headline = self.query_one("#analysis-headline", PlainText)
            headline.call_after_refresh(headline.scroll_visible, animate=False, top=True)

    # --- what is on screen -----------------------------------------------------------------

    def status_text(self) -> str:
        if self._analysing:
            return f"… analysing: {self._note}"
        if self._unset:
            return f"No lead history set for {self.folder}/ yet: see the Backtest tab"
        if self._problem is not None:
            return "✗ Could not analyse: see below · r: try again"
        if self.outcome is None or self._updated is None:
            return "The analysis runs when this tab is on screen."
        stamp = self._updated.astimezone().strftime("%H:%M:%S")
        if self._stale:
            return f"… the draft changed: analysing again · showing the result of {stamp}"
        if self.read_only:
            return f"✓ analysed {stamp} · signed version: read-only, nothing to apply"
        return f"✓ analysed {stamp} · a: apply proposal · enter: adopt case · r: run again"

    def _show_status(self) -> None:
        if self.is_mounted:
            status = self.query_one("#analysis-status", PlainText)
            status.update(self.status_text())
            status.set_class(self._problem is not None, "-problem")

    def _width(self) -> int:
        scroll = self.query_one("#analysis-scroll", VerticalScroll)
        return max(0, scroll.scrollable_content_region.width - 2) or 76

    def _show_body(self) -> None:
        if not self.is_mounted:
            return
        width = self._width()
        report = self.query_one("#analysis-report", PlainText)
        headline = self.query_one("#analysis-headline", PlainText)
        outcome = self.outcome
        if self._unset:
            headline.update("")
            report.update(
                "No lead history for this folder yet. The Backtest tab says how to add one "
                "(pick the two files there); the analysis reads the same files."
            )
        elif self._problem is not None:
            headline.update("")
            report.update(
                "\n".join(
                    wrap_lines(
                        [
                            "Could not load the lead history or run the analysis:",
                            *(f"  {line}" for line in self._problem),
                        ],
                        width,
                    )
                )
            )
        elif outcome is not None:
            headline.update("\n".join(wrap_lines(headline_lines(outcome, self.before), width)))
            report.update("\n".join(wrap_lines(history_lines(outcome.analysis, width), width)))
        self._fill_tables(width)
        self._focus_proposals()

    def _focus_proposals(self) -> None:
        """With proposals on screen and focus on a tab bar (or nowhere), the proposals table
        takes it, so the arrows the room presses move the row `a` applies, not the page."""
        from textual.widgets import Tabs

        table = self.query_one("#analysis-proposals", DataTable)
        focused = self.app.focused
        if table.row_count and on_screen(self) and (focused is None or isinstance(focused, Tabs)):
            table.focus()

    def _fill_tables(self, width: int) -> None:
        proposals = self.query_one("#analysis-proposals", DataTable)
        cases = self.query_one("#analysis-cases", DataTable)
        at_proposal, at_case = proposals.cursor_row, cases.cursor_row
        proposals.clear()
        cases.clear()
        if self.outcome is None or self._unset or self._problem is not None:
            return
        analysis = self.outcome.analysis
        definition = self.workshop.definition
        text_width = max(20, width - 14)  # less the first column, padding and cursor
        for index, proposal in enumerate(analysis.proposals):
            change = draft_change(definition, proposal)  # the draft as it is now
            text = f"{proposal.clause}: {proposal.summary}"
            lines = textwrap.wrap(text, text_width, break_on_hyphens=False)
            if change:
                lines += textwrap.wrap(
                    f"against the definition: {change}", text_width, break_on_hyphens=False
                )
            proposals.add_row(
                "✓ in it" if in_draft(definition, proposal) else "",
                "\n".join(lines),
                key=str(index),
                height=len(lines),
            )
        if not analysis.proposals:
            proposals.add_row("", "none: the data supports no clause value", key="none")
        name_width = max(len(c.name) for c in analysis.cases) if analysis.cases else 10
        why_width = max(20, width - name_width - 30)
        for index, case in enumerate(analysis.cases):
            verdict = evaluate(definition, case.lead)
            lines = [case.name, *textwrap.wrap(case.why, why_width)]
            cases.add_row(
                "\n".join(lines[:1] + [f"  {line}" for line in lines[1:]]),
                verdict.short(),
                key=str(index),
                height=len(lines),
            )
        if not analysis.cases:
            cases.add_row("none: the draft and history agree", "", key="none")
        proposals.move_cursor(row=min(max(at_proposal, 0), proposals.row_count - 1))
        cases.move_cursor(row=min(max(at_case, 0), cases.row_count - 1))

    def _waiting_text(self) -> str:
        return (
            "The analysis runs when this tab is on screen, over the lead history the Backtest "
            "tab reads."
        )

    # --- the room's keys -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("apply", "adopt"):
            return not self.read_only
        return True

    def selected_proposal(self) -> Proposal | None:
        if self.outcome is None or not self.outcome.analysis.proposals:
            return None
        table = self.query_one("#analysis-proposals", DataTable)
        proposals = self.outcome.analysis.proposals
        return proposals[min(max(table.cursor_row, 0), len(proposals) - 1)]

    def selected_case(self) -> HistoryCase | None:
        if self.outcome is None or not self.outcome.analysis.cases:
            return None
        table = self.query_one("#analysis-cases", DataTable)
        cases = self.outcome.analysis.cases
        return cases[min(max(table.cursor_row, 0), len(cases) - 1)]

    def action_apply(self) -> None:
        self.apply_selected(require_focus=True)

    def apply_selected(self, require_focus: bool) -> None:
        """Apply the proposal under the table's cursor. From the key, only while the table
        has focus: otherwise the arrows the room pressed moved the page, not the row, and the
        cursor's row is not the one the room is looking at. Then the table takes focus and
        the room is told how to pick one."""
        proposal = self.selected_proposal()
        if proposal is None:
            self.notify("No proposal to apply yet.", title="Analysis")
            return
        table = self.query_one("#analysis-proposals", DataTable)
        if require_focus and self.app.focused is not table:
            table.focus()
            self.notify(
                "Pick the proposal with ↑/↓ in the table, then press a to apply it.",
                title="Analysis",
            )
            return
        self.post_message(ProposalApplyRequested(proposal))

    def action_adopt(self) -> None:
        case = self.selected_case()
        if case is None:
            self.notify("No case from history to adopt yet.", title="Analysis")
            return
        self.post_message(HistoryCaseAdoptRequested(case))

    @on(DataTable.RowSelected, "#analysis-cases")
    def _case_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if not self.read_only:
            self.action_adopt()


def headline_lines(outcome: AnalysisOutcome, before: Backtest | None = None) -> list[str]:
    """The draft's three numbers over the same history, from what they were before the last
    change (`before`) to what they are now: they move as proposals are applied."""
    from workbench.core.evidence.report import three_numbers

    lines = three_numbers(outcome.backtest, before)
    if before is not None:
        lines[0] = "The three numbers, before the last change → now"
    return lines


def history_lines(analysis: Analysis, width: int) -> list[str]:
    """The buyer profile and the behaviour, narrow enough for `width` columns: a value too
    long for its column gets a line of its own, its figures under it."""
    from workbench.core.evidence.analysis_report import SHOWN

    name_width = max(16, width - 40)
    start, end = analysis.period
    lines: list[str] = [
        "",
        f"{analysis.wins} closed-won leads and {analysis.others} non-buyers created "
        f"{start.isoformat()} to {end.isoformat()} ({analysis.source})",
    ]

    def table(title: str, rows: list[Any]) -> None:
        lines.extend(["", title])
        lines.append(f"  {'':<{name_width}} {'wins':>12} {'non-buyers':>14} {'lift':>6}")
        for row in rows[:SHOWN]:
            value = row.value + (" (few)" if row.small else "")
            wins = f"{row.wins} ({_share(row.share_of_wins)})"
            others = f"{row.others} ({_share(row.share_of_others)})"
            lift = "n/a" if row.lift is None else f"{row.lift:.1f}x"
            if len(value) > name_width:
                lines.append(f"  {value}")
                value = ""
            lines.append(f"  {value:<{name_width}} {wins:>12} {others:>14} {lift:>6}")

    for name, rows in analysis.profile.items():
        table(f"Buyer profile: {name}", rows)
    table("First conversion action", analysis.first_actions)
    table("The definition's MQL trigger", analysis.draft_triggers)
    table(
        "Behaviour (most lift first; seen in enough wins to rank)",
        [p.figures for p in analysis.ranked_patterns],
    )
    lines.extend(["", "Time to buy (wins)"])
    for label, spread in (
        ("lead to MQL", analysis.days_to_mql),
        ("MQL to opportunity", analysis.days_mql_to_opportunity),
    ):
        if spread.median is None:
            lines.append(f"  days {label}: none had both dates")
        else:
            lines.append(
                f"  days {label}: median {spread.median:.0f}, middle half "
                f"{spread.low or 0:.0f}-{spread.high or 0:.0f} ({spread.count} wins)"
            )
    return lines[1:]


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


class AdoptCaseModal(ModalScreen[Expectation | None]):
    """One lead from history: what happened, what the draft does with it now, and the
    expectation the room agrees on (the case form's picker). Dismisses with it, or None."""

    BINDINGS = [CANCEL]

    def __init__(self, case: HistoryCase, verdict: Verdict) -> None:
        super().__init__()
        self.case = case
        self.verdict = verdict

    def compose(self) -> ComposeResult:
        case, lead = self.case, self.case.lead
        person, company = lead.person, lead.company
        suggested, reason = suggested_expectation(case)
        employees = company.employees if company.employees is not None else "?"
        # What the room decides between comes first: at 80x24 a long activity list pushed
        # "The draft now" and "History suggests" below the fold, and a room chose without them.
        lines = [
            f"Adopt {case.name} as an edge case",
            f"What happened: {case.why}",
            f"The draft now: {self.verdict.summary()}",
            *(f"  • {reason.text} [{reason.clause}]" for reason in self.verdict.reasons),
            f"History suggests: {suggested.label()} ({reason})",
            "",
            f"Person:   {person.title or '—'} ({person.seniority or 'seniority unknown'}, "
            f"{person.persona})",
            f"Company:  {employees} employees, {company.industry or '?'}, "
            f"{company.region or '?'}, {company.relationship}",
            f"Activity: {activities_phrase(lead.activities)}",
        ]
        with Vertical(classes="dialog wide"):
            with VerticalScroll():
                yield PlainText("\n".join(lines), id="adopt-detail")
            with Horizontal(classes="row"):
                yield _labelled_select(
                    "adopt-status", "The room expects", STATUSES, suggested.status
                )
                yield _labelled_select("adopt-route", "routed to", ROUTES, None, blank=True)
            with Horizontal(classes="buttons"):
                yield RoomButton("Adopt with this expectation", id="adopt", variant="primary")
                yield RoomButton("Cancel", id="cancel")

    def on_mount(self) -> None:
        """The cursor on what the room must decide, as the case detail does: on the lead's
        text, enter did nothing and a tab was needed to reach "The room expects"."""
        self.query_one("#adopt-status", Select).focus()

    @on(Button.Pressed, "#adopt")
    def _adopt(self) -> None:
        status = self.query_one("#adopt-status", Select).value
        route = self.query_one("#adopt-route", Select).value
        self.dismiss(
            Expectation.model_validate(
                {"status": status, "route": None if route is Select.NULL else route}
            )
        )

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class EvidenceStep(Vertical):
    """The Evidence step: the Backtest tab (what the draft would have done) and the Analysis
    tab (what the history says the draft should be). Each runs only while on screen."""

    DEFAULT_CSS = """
    EvidenceStep { height: 1fr; }
    EvidenceStep > TabbedContent { height: 1fr; }
    EvidenceStep > TabbedContent > ContentSwitcher { height: 1fr; }
    EvidenceStep TabPane { height: 1fr; padding: 0; }
    """

    # Reached with ctrl+n or F6 the cursor is on the Backtest/Analysis tab bar (left and right
    # switch tabs there); the page keys and up/down did nothing until tab. They scroll the tab
    # on screen. A widget inside it that uses them (a table, the report once focused) wins.
    BINDINGS = [
        Binding(
            key,
            f"scroll_tab('{how}')",
            show=False,
            id=f"evidence.scroll_{how}",
            tooltip="Scroll the Backtest or Analysis tab from its tab bar.",
        )
        for key, how in (
            ("pagedown", "page_down"),
            ("pageup", "page_up"),
            ("down", "down"),
            ("up", "up"),
        )
    ]

    def __init__(self, backtest: EvidencePane, analysis: AnalysisPane, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.backtest = backtest
        self.analysis = analysis

    def action_scroll_tab(self, how: str) -> None:
        pane = self.analysis if self.active_tab == ANALYSIS_TAB else self.backtest
        scroll = next(iter(pane.query(VerticalScroll)), None)
        if scroll is not None:
            getattr(scroll, f"scroll_{how}")(animate=False)

    def compose(self) -> ComposeResult:
        with TabbedContent(id=TABS_ID):
            with TabPane("Backtest", id=BACKTEST_TAB):
                yield self.backtest
            with TabPane("Analysis", id=ANALYSIS_TAB):
                yield self.analysis

    def show_tab(self, tab: str) -> None:
        self.query_one(f"#{TABS_ID}", TabbedContent).active = tab

    @property
    def active_tab(self) -> str:
        return self.query_one(f"#{TABS_ID}", TabbedContent).active

    def first_field(self) -> Widget | None:
        """The step's own first place for the cursor: the Backtest tab's pick button while it
        is offered (None: the first focusable widget, the tab bar)."""
        return self.backtest.first_field() if self.active_tab == BACKTEST_TAB else None

    @on(TabbedContent.TabActivated, f"#{TABS_ID}")
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        event.stop()  # the editor's own step tabs are another matter
        self.screen.refresh_bindings()
        if event.pane.id == ANALYSIS_TAB:
            self.analysis.shown()
        else:
            self.backtest.shown()
