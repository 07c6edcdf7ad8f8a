"""The Evidence step's Analysis tab: the history analysed in a worker, a proposal applied by
one key (the suite, the backtest and the analysis follow), a history case adopted with the
room's expectation, nothing changed without a key, and a signed version read-only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Select, TabbedContent

from tests.tui.pilot_steps import open_first, settle
from tests.tui.test_typing import HUMAN, SPEEDS, clear, keys_for, send
from tests.tui.test_typing import busy_loop as busy_loop  # a fixture, used by name
from workbench.core.domain.clauses import with_clause
from workbench.core.evidence.sample import sample_data, write_sample
from workbench.core.evidence.settings import EvidenceSource
from workbench.core.files import store
from workbench.core.services.analysis_session import run_analysis
from workbench.core.services.signoff import sign
from workbench.tui.app import WorkbenchApp
from workbench.tui.commands import ScreenActionsProvider
from workbench.tui.components import analysis_pane
from workbench.tui.components.analysis_pane import (
    AdoptCaseModal,
    AnalysisPane,
    HistoryCaseAdoptRequested,
    ProposalApplyRequested,
)
from workbench.tui.components.evidence_pane import EvidencePane
from workbench.tui.components.status_bar import SuiteStatusBar
from workbench.tui.components.text import PlainText
from workbench.tui.screens.editor import EditorScreen

M = TypeVar("M", bound=Message)

EVIDENCE_KEY = "f6"  # the Evidence step of a $3-10M definition


@pytest.fixture
def history(workdir: Path) -> EvidenceSource:
    leads, activities = write_sample(Path("data"), *sample_data(2000, 1))
    return EvidenceSource(leads, activities)


def saved_list(value: object) -> list[str]:
    assert isinstance(value, list)
    return [str(v) for v in value]


def once(posted: list[Message], kind: type[M]) -> list[M]:
    """The messages of one kind, each once (a bubbling message is seen at every node)."""
    return list({id(m): m for m in posted if isinstance(m, kind)}.values())


def pane_of(app: WorkbenchApp) -> AnalysisPane:
    screen = app.screen
    assert isinstance(screen, EditorScreen)
    return screen.query_one(AnalysisPane)


async def show_analysis(pilot: Pilot[None]) -> None:
    """The Evidence step, then its Analysis tab (the tabs have the focus: right moves on)."""
    await pilot.press(EVIDENCE_KEY)
    await settle(pilot)
    await pilot.press("right")
    await settle(pilot)


class Runs:
    """Counts the analyses the tab actually runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return run_analysis(*args, **kwargs)

        monkeypatch.setattr(analysis_pane, "run_analysis", counted)


async def test_a_proposal_is_applied_by_one_key_and_everything_follows(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = seeded("acme", "3m-10m")
    on_disk = path.read_bytes()
    runs = Runs(monkeypatch)
    posted: list[Message] = []
    app = make_app(evidence=history)
    async with app.run_test(size=(120, 40), message_hook=posted.append) as pilot:
        await open_first(pilot)
        await pilot.press(EVIDENCE_KEY)
        await settle(pilot)
        assert runs.count == 0, "the analysis runs only while its tab is on screen"
        await pilot.press("right")
        await settle(pilot)
        pane = pane_of(app)
        assert runs.count == 1 and pane.outcome is not None
        assert pane.status_text().startswith("✓ analysed")
        proposals = pane.query_one("#analysis-proposals", DataTable)
        summaries = [str(proposals.get_row_at(i)[1]) for i in range(proposals.row_count)]
        assert any("keeps" in s and "of wins (" in s and "drops" in s for s in summaries)
        # Shown, not applied: the draft and its file are as they were.
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        before = screen.workshop.definition
        assert path.read_bytes() == on_disk

        chosen = pane.outcome.analysis.proposals[1]
        assert chosen.clause == "fit.industries"
        # Shown with focus on the tab bar, the proposals table takes it: the arrows move rows.
        assert app.focused is proposals
        # `a` while the table has no focus applies nothing (the room's arrows moved the page,
        # not the row): the table takes focus and the room is told how to pick.
        pane.query_one("#analysis-scroll").focus()
        await settle(pilot)
        assert app.focused is not proposals
        await pilot.press("a")
        await settle(pilot)
        assert not [m for m in posted if isinstance(m, ProposalApplyRequested)]
        assert screen.workshop.definition == before
        assert app.focused is proposals
        proposals.focus()
        await pilot.press("down")
        await pilot.press("a")
        await settle(pilot)
        assert [m.proposal for m in once(posted, ProposalApplyRequested)] == [chosen]
        landed = screen.workshop.definition
        assert landed.model_copy(update={"evidence": {}}) == with_clause(
            before, chosen.clause, chosen.value
        )
        assert landed.evidence[chosen.clause].recorded_by == "proposal"
        assert store.load_definition(path).definition == screen.workshop.definition, "saved"
        # The suite re-ran (the status bar says so), and the analysis and its backtest too.
        status = str(screen.query_one(SuiteStatusBar).render())
        assert "edge cases" in status and "saved" in status
        assert runs.count == 2 and pane.outcome.definition == screen.workshop.definition
        headline = str(pane.query_one("#analysis-headline").render())
        assert headline.startswith("The three numbers, before the last change → now")
        assert str(proposals.get_row_at(1)[0]) == "✓ in it"
        # The Fit step shows the clause as it now is (it was composed before the change).
        await pilot.press("f2")
        await settle(pilot)
        field = screen.query_one("#pane-fit #field-fit-industries")
        assert field.query_one(Input).value == "agency, fintech, software"
        # The backtest tab catches up when shown.
        await pilot.press(EVIDENCE_KEY)
        await settle(pilot)
        evidence = screen.query_one(EvidencePane)
        await pilot.press("left")
        await settle(pilot)
        assert "Backtest of acme v1 (draft)" in str(evidence.query_one("#evidence-report").render())
        assert not evidence.running


async def test_a_history_case_is_adopted_with_the_rooms_expectation(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
) -> None:
    path = seeded("acme", "3m-10m")
    posted: list[Message] = []
    app = make_app(evidence=history)
    async with app.run_test(size=(120, 40), message_hook=posted.append) as pilot:
        await open_first(pilot)
        await show_analysis(pilot)
        pane = pane_of(app)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        assert pane.outcome is not None
        count = len(screen.workshop.definition.cases)
        case = pane.outcome.analysis.cases[0]
        pane.query_one("#analysis-cases", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert [m.case for m in once(posted, HistoryCaseAdoptRequested)] == [case]
        modal = app.screen
        assert isinstance(modal, AdoptCaseModal)
        # Nothing is added until the room chooses: the form starts from what history suggests.
        workshop = screen.workshop
        assert len(workshop.definition.cases) == count
        status = modal.query_one("#adopt-status", Select)
        assert status.value == "mql"  # a won lead the draft never made an MQL
        status.value = "nurture"  # the room disagrees with the history
        await pilot.pause()
        modal.query_one("#adopt", Button).press()
        await settle(pilot)
        assert app.screen is screen
        added = workshop.definition.cases[-1]
        assert (added.name, added.expect.status, added.lead) == (case.name, "nurture", case.lead)
        assert len(store.load_definition(path).definition.cases) == count + 1, "saved"
        # Cancelled: nothing added.
        pane.query_one("#analysis-cases", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert len(workshop.definition.cases) == count + 1


async def test_a_case_adopted_deleted_and_brought_back_is_named_on_the_status_line(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
) -> None:
    # Adopting a case from history that fails read "✗ edge cases 16/17 passing · saved" over
    # "no case has flipped yet": a new failing case, and not a word of it.
    seeded("acme", "3m-10m")
    app = make_app(evidence=history)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await show_analysis(pilot)
        pane = pane_of(app)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        assert pane.outcome is not None
        count = len(screen.workshop.definition.cases)
        pane.query_one("#analysis-cases", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, AdoptCaseModal)
        assert modal.query_one("#adopt-status", Select).value == "mql"  # history's suggestion
        modal.query_one("#adopt", Button).press()
        await settle(pilot)
        assert app.screen is screen
        name = screen.workshop.definition.cases[-1].name
        result = screen.workshop.suite.by_name()[name]
        assert not result.passed, "a won lead the draft never made an MQL: it fails"
        first, second = str(screen.query_one(SuiteStatusBar).render()).splitlines()
        assert first.startswith(f"✗ edge cases {count}/{count + 1} passing"), first
        assert second == f"added {name}: FAIL (now {result.verdict.short()}, expected mql)"

        # Deleted from the Cases step, then brought back with u: each said the same way.
        await pilot.press("ctrl+t")
        await settle(pilot)
        screen.query_one("#cases-table", DataTable).move_cursor(row=count)
        await pilot.press("d")
        await settle(pilot)
        await pilot.click("#answer-delete")
        await settle(pilot)
        assert len(screen.workshop.definition.cases) == count
        second = str(screen.query_one(SuiteStatusBar).render()).splitlines()[1]
        assert second == f"removed {name}: was FAIL ({result.verdict.short()}, expected mql)"
        await pilot.press("u")
        await settle(pilot)
        second = str(screen.query_one(SuiteStatusBar).render()).splitlines()[1]
        assert second.startswith(f"added {name}: FAIL (now "), second


async def test_a_signed_version_shows_the_analysis_and_offers_no_apply(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
    fixed_now: datetime,
) -> None:
    path = seeded("acme", "3m-10m")
    sign(
        store.load_definition(path),
        "Dana Reyes, VP Marketing",
        "Sam Ortiz, VP Sales",
        None,
        fixed_now,
    )
    on_disk = path.read_bytes()
    posted: list[Message] = []
    app = make_app(evidence=history)
    async with app.run_test(size=(120, 40), message_hook=posted.append) as pilot:
        await open_first(pilot)
        await show_analysis(pilot)
        pane = pane_of(app)
        assert pane.outcome is not None and pane.outcome.analysis.proposals
        assert "signed version: read-only, nothing to apply" in pane.status_text()
        assert pane.check_action("apply", ()) is False
        pane.query_one("#analysis-proposals", DataTable).focus()
        await pilot.press("a")
        pane.query_one("#analysis-cases", DataTable).focus()
        await pilot.press("enter", "h")
        await settle(pilot)
        assert not any(
            isinstance(m, ProposalApplyRequested | HistoryCaseAdoptRequested) for m in posted
        )
        assert not isinstance(app.screen, AdoptCaseModal)
        assert path.read_bytes() == on_disk
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        labels = [label for label, _action, _help in screen.PALETTE_COMMANDS]
        assert "Analysis: what the lead history says" in labels
        assert not any(label.startswith(("Analysis: apply", "Analysis: adopt")) for label in labels)


async def test_the_palette_applies_the_selected_proposal(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
) -> None:
    seeded("acme", "3m-10m")
    app = make_app(evidence=history)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        commands = {label: action for label, action, _help in screen.PALETTE_COMMANDS}
        assert commands["Analysis: apply the selected proposal"] == "analysis('apply')"
        await screen.run_action("analysis('show')")
        await settle(pilot)
        pane = pane_of(app)
        assert pane.outcome is not None
        before = screen.workshop.definition
        first = pane.outcome.analysis.proposals[0]
        await screen.run_action("analysis('apply')")
        await settle(pilot)
        landed = screen.workshop.definition
        assert landed.model_copy(update={"evidence": {}}) == with_clause(
            before, first.clause, first.value
        )
        assert landed.evidence[first.clause].recorded_by == "proposal"
        # With the cursor in the tab's table, its own `a` and `h` are the same two actions:
        # the palette offered "Apply proposal" and "Analysis: apply the selected proposal".
        assert app.focused is pane.query_one("#analysis-proposals", DataTable)
        labels = [label for label, _a, _h in ScreenActionsProvider(screen)._commands()]
        applies = [label for label in labels if "pply" in label]
        adopts = [label for label in labels if "dopt" in label]
        assert applies == ["Analysis: apply the selected proposal"], applies
        assert adopts == ["Analysis: adopt the selected case from history"], adopts


@pytest.mark.parametrize("gap", SPEEDS)
async def test_a_step_left_stale_by_a_proposal_is_rebuilt_before_its_keys(
    gap: float,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
) -> None:
    # Applying a proposal rebuilds only the step on screen; a hidden step is rebuilt when it
    # is shown. Keys typed right after its step key must land in the rebuilt fields, not in
    # the old ones the rebuild removes; a step shown from its tab bar shows the new value.
    path = seeded("acme", "3m-10m")
    app = make_app(evidence=history)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await show_analysis(pilot)
        pane = pane_of(app)
        assert pane.outcome is not None
        chosen = pane.outcome.analysis.proposals[1]
        assert chosen.clause == "fit.industries"
        proposals = pane.query_one("#analysis-proposals", DataTable)
        proposals.focus()
        await pilot.press("down", "a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        assert screen.workshop.definition.fit.industries == chosen.value
        await send(pilot, ["f2", *clear(), *keys_for("80")], gap)
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        industries = screen.query_one("#pane-fit #field-fit-industries")
        assert industries.query_one(Input).value == ", ".join(saved_list(chosen.value))
    saved = store.load_definition(path).definition
    assert saved.fit.min_employees == 80
    assert saved.fit.industries == chosen.value


async def applied_with_fit_hidden(pilot: Pilot[None]) -> EditorScreen:
    """The Fit step mounted, then the industries proposal applied from the Analysis tab: the
    Fit step is hidden when its clause changes."""
    await open_first(pilot)
    await pilot.press("f2")
    await settle(pilot)
    await show_analysis(pilot)
    pane = pane_of(pilot.app)  # type: ignore[arg-type]
    pane.query_one("#analysis-proposals", DataTable).focus()
    await pilot.press("down", "a")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EditorScreen)
    return screen


async def test_a_tab_click_and_a_step_key_rebuild_a_stale_step_once(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
    busy_loop: None,
) -> None:
    # The tab bar (a click) and F2 at once on the step the proposal changed: two rebuilds of
    # one step at once left the first one's fields editing from outside the screen, and the
    # app ended on a missing error line.
    seeded("acme", "3m-10m")
    app = make_app(evidence=history)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await applied_with_fit_hidden(pilot)
        screen.query_one("#steps", TabbedContent).active = "step-fit"  # a click on its tab
        await send(pilot, ["f2"], 0.0)
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        fields = [f.id for f in screen.query("#pane-fit ClauseField")]
        assert fields and len(fields) == len(set(fields))
        assert app.is_running
        industries = screen.query_one("#pane-fit #field-fit-industries")
        chosen = screen.workshop.definition.fit.industries
        assert industries.query_one(Input).value == ", ".join(chosen)


async def test_a_stale_step_takes_no_key_before_it_is_rebuilt(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
    busy_loop: None,
) -> None:
    # Shown from its tab bar, the stale step's old fields are on screen for a moment before
    # the rebuild replaces them; a click into one and the keys after it must not be typed
    # into a field that is then thrown away (the screen showing 50 while 80 was typed).
    seeded("acme", "3m-10m")
    app = make_app(evidence=history, save_delay=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await applied_with_fit_hidden(pilot)
        old = screen.query_one("#field-fit-min-employees Input", Input)
        screen.query_one("#steps", TabbedContent).active = "step-fit"  # a click on its tab
        old.focus()  # a click into the field at once
        await send(pilot, [*clear(), *keys_for("80")], HUMAN)
        await settle(pilot)
        await pilot.pause(0.6)
        await settle(pilot)
        shown = screen.query_one("#field-fit-min-employees Input", Input).value
        draft = screen.workshop.definition.fit.min_employees
        assert shown == ("" if draft is None else str(draft)), (shown, draft)
        # Nothing was typed into the old field, or what was typed is what the step shows now.
        assert old.value in ("50", shown), (old.value, shown)


async def test_at_80x24_the_move_a_proposal_made_is_in_sight_and_on_the_status_line(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
) -> None:
    # After `a`, the "before -> now" numbers were above the page (only page up showed them)
    # and the status line still named an older flip.
    seeded("acme", "3m-10m")
    app = make_app(evidence=history)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await show_analysis(pilot)
        pane = pane_of(app)
        proposals = pane.query_one("#analysis-proposals", DataTable)
        assert app.focused is proposals and pane.outcome is not None
        scroll = pane.query_one("#analysis-scroll")
        await pilot.press("down", "down", "down")
        scroll.scroll_end(animate=False)  # the room read down the page first
        await settle(pilot)
        headline = pane.query_one("#analysis-headline")
        assert headline.region.bottom <= scroll.content_region.y, "out of sight before"
        await pilot.press("a")
        await settle(pilot)
        await pilot.pause(0.2)
        headline = pane.query_one("#analysis-headline")
        assert str(headline.render()).startswith("The three numbers, before the last change")
        shown = scroll.content_region
        assert shown.y <= headline.region.y < shown.bottom, (headline.region, shown)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        status = str(screen.query_one(SuiteStatusBar).render())
        assert "applied: " in status or "→" in status, status


async def test_the_adopt_dialog_starts_on_what_the_room_expects(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
) -> None:
    # The dialog opened with the cursor on the lead's text, where enter does nothing: a tab
    # was needed to reach "The room expects", the one thing it asks.
    seeded("acme", "3m-10m")
    app = make_app(evidence=history)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await show_analysis(pilot)
        pane_of(app).query_one("#analysis-cases", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, AdoptCaseModal)
        assert app.focused is modal.query_one("#adopt-status", Select)
        # At 80x24 a long activity list pushed what the room decides between below the
        # fold: the draft's verdict and history's suggestion come before the lead's details.
        lines = str(modal.query_one("#adopt-detail", PlainText).content).splitlines()
        assert lines[2].startswith("The draft now: ")
        # On screen, not only in the text: what the terminal shows holds both.
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "The draft now:" in shown and "History suggests:" in shown
