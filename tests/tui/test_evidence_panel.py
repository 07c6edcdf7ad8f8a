"""The Evidence step: the draft replayed over lead history, in a worker, refreshed after edits."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from textual.binding import Binding
from textual.pilot import Pilot
from typer.testing import CliRunner

from tests.tui.pilot_steps import open_first, settle
from workbench.cli import app as cli_app
from workbench.core.domain.definition import Definition
from workbench.core.evidence.backtest import backtest
from workbench.core.evidence.load import load_to_duckdb
from workbench.core.evidence.sample import sample_data, write_sample
from workbench.core.evidence.settings import EvidenceSource
from workbench.core.files import store
from workbench.core.services.backtest_session import EvidenceSession
from workbench.core.services.signoff import sign
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.evidence_pane import EvidencePane, wrap_lines
from workbench.tui.components.text import PlainText
from workbench.tui.screens.editor import EditorScreen

LEADS = 400
SEED = 7
EVIDENCE_KEY = "f6"  # the Evidence step of a $3-10M definition: after SLA and Edge cases


@pytest.fixture
def history(workdir: Path) -> EvidenceSource:
    """A small, reproducible lead history in ./data."""
    leads, activities = write_sample(Path("data"), *sample_data(LEADS, SEED))
    return EvidenceSource(leads, activities)


def pane_of(app: WorkbenchApp) -> EvidencePane:
    screen = app.screen
    assert isinstance(screen, EditorScreen)
    return screen.query_one(EvidencePane)


def report(app: WorkbenchApp) -> str:
    return str(pane_of(app).query_one("#evidence-report", PlainText).render())


def status(app: WorkbenchApp) -> str:
    return str(pane_of(app).query_one("#evidence-status", PlainText).render())


def mql_line(text: str) -> str:
    found = re.search(r"^MQLs: .*$", text, re.MULTILINE)
    assert found, text
    return found.group(0)


def expected_mql_line(source: EvidenceSource, definition: Definition) -> str:
    """What the core says for this definition over the same files."""
    con = duckdb.connect()
    load_to_duckdb(con, source.leads, source.activities)
    result = backtest(con, definition)
    return f"MQLs: {result.events} from {result.leads_passed} leads"


async def clear_input(pilot: Pilot[None], length: int) -> None:
    await pilot.press("end", *["backspace"] * length)
    await settle(pilot)


async def show_evidence(pilot: Pilot[None]) -> None:
    await pilot.press(EVIDENCE_KEY)
    await settle(pilot)


class Runs:
    """Counts the backtests the session actually runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = EvidenceSession.run

        def counted(session: EvidenceSession, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(session, *args, **kwargs)

        monkeypatch.setattr(EvidenceSession, "run", counted)


async def test_the_evidence_step_shows_the_drafts_numbers(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
    fixed_now: datetime,
) -> None:
    path = seeded("acme", "3m-10m")
    app = make_app(evidence=history)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        labels = [label for _key, label in screen.steps()]
        assert labels[-2:] == ["Evidence", "Sign-off"], "evidence comes just before signing"
        await show_evidence(pilot)
        text = report(app)
        # The framework's three numbers come first, then the full report.
        assert text.startswith("The three numbers\n  MQLs per month")
        assert "  expected acceptance" in text and "  false negatives" in text
        assert "Backtest of acme v1 (draft)" in text
        assert f"history: {LEADS} leads" in text
        assert "per month" in text and "MQLs per month" in text
        assert "Expected acceptance:" in text
        assert "False negatives:" in text
        assert "Lead history: data/leads.csv and data/activities.csv" in text
        # The bands the report is read against, said once (a line under it said them again).
        shown = " ".join(str(t.render()) for t in pane_of(app).query(PlainText))
        assert shown.count("Acceptance bands: this follows the framework") == 1
        assert f"updated {fixed_now:%H:%M:%S}" in status(app), "the time comes from the app's clock"
        assert mql_line(text).startswith(
            expected_mql_line(history, store.load_definition(path).definition)
        )


async def test_an_edit_changes_the_numbers_when_the_step_is_shown_again(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seeded("acme", "3m-10m")
    runs = Runs(monkeypatch)
    app = make_app(evidence=history)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        assert runs.count == 0, "nothing runs before the Evidence step is shown"
        await show_evidence(pilot)
        assert runs.count == 1
        before = mql_line(report(app))

        # Any industry instead of software only: many more leads pass the fit gate.
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("tab", "tab")  # past min and max employees, into industries
        await clear_input(pilot, len("software"))
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        assert screen.workshop.definition.fit.industries == []
        assert runs.count == 1, "no backtest while the room edits on another step"
        await show_evidence(pilot)
        assert runs.count == 2, "showing the step catches up with the edit"
        after = mql_line(report(app))
        assert after != before
        assert after.startswith(expected_mql_line(history, screen.workshop.definition))
        await show_evidence(pilot)
        assert runs.count == 2, "showing it again without an edit does not run again"


async def test_on_the_step_an_edit_refreshes_after_a_pause_and_r_refreshes_now(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seeded("acme", "3m-10m")
    runs = Runs(monkeypatch)
    app = make_app(evidence=history, evidence_delay=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await show_evidence(pilot)
        assert runs.count == 1
        shown = report(app)
        # An edit made from this step (parking a question) waits for a pause before running,
        # and the last result stays on screen meanwhile.
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press(*"Agencies", "enter")
        await settle(pilot)
        assert runs.count == 1
        assert "the draft changed: updating after a pause" in status(app)
        assert report(app) == shown
        await pilot.press("r")
        await settle(pilot)
        assert runs.count == 2
        assert status(app).startswith("✓ updated")


async def test_the_folders_evidence_toml_is_used_and_flags_win(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
) -> None:
    seeded("acme", "3m-10m")
    settings = Path("definitions/evidence.toml")
    settings.write_text('leads = "../data/leads.csv"\nactivities = "../data/activities.csv"\n')
    async with make_app().run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await show_evidence(pilot)
        assert isinstance(pilot.app, WorkbenchApp)
        assert "Backtest of acme v1" in report(pilot.app)
        # said as the file it is, not "definitions/../data/leads.csv"
        assert " data/leads.csv: " in report(pilot.app) and "/../" not in report(pilot.app)

    settings.write_text('leads = "nowhere.csv"\nactivities = "nowhere-either.csv"\n')
    async with make_app(evidence=history).run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await show_evidence(pilot)
        assert isinstance(pilot.app, WorkbenchApp)
        assert "Backtest of acme v1" in report(pilot.app), "the flags win over evidence.toml"


async def test_with_no_lead_history_the_step_says_how_to_set_it(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await show_evidence(pilot)
        text = report(app)
        assert "No lead history for this folder yet" in text
        assert "definitions/evidence.toml" in text and 'leads = "../data/leads.csv"' in text
        assert "workbench open definitions --leads" in text
        assert "--remember" in text
        assert "No lead history set" in status(app)

        # Written while the app is open: r picks it up.
        write_sample(Path("data"), *sample_data(50, SEED))
        Path("definitions/evidence.toml").write_text(
            'leads = "../data/leads.csv"\nactivities = "../data/activities.csv"\n'
        )
        await pilot.press("r")
        await settle(pilot)
        assert "Backtest of acme v1" in report(app)


async def test_a_bad_file_is_shown_as_its_located_message(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
) -> None:
    seeded("acme", "3m-10m")
    # A leads file without its created_at column.
    text = history.leads.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    dropped = header.index("created_at")
    broken = Path("data/broken-leads.csv")
    broken.write_text(
        "\n".join(
            ",".join(cell for i, cell in enumerate(line.split(",")) if i != dropped)
            for line in text[:3]
        )
        + "\n",
        encoding="utf-8",
    )
    app = make_app(evidence=EvidenceSource(broken, history.activities))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await show_evidence(pilot)
        shown = report(app)
        assert isinstance(app.screen, EditorScreen), "no crash"
        assert "Could not load the lead history" in shown
        assert "broken-leads.csv" in shown and "created_at" in shown
        assert "Traceback" not in shown
        assert "Could not backtest" in status(app)

    missing = EvidenceSource(Path("data/missing.csv"), history.activities)
    app = make_app(evidence=missing)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await show_evidence(pilot)
        assert "data/missing.csv" in report(app)
        assert isinstance(app.screen, EditorScreen)

    # Activities none of which belong to a loaded lead: no numbers, the reason instead.
    strangers = Path("data/strangers.csv")
    strangers.write_text("lead_id,kind,at\nZZZ,blog_visit,2025-01-02\n", encoding="utf-8")
    app = make_app(evidence=EvidenceSource(history.leads, strangers))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await show_evidence(pilot)
        shown = report(app)
        assert "none of the 1 activities rows could be used" in shown
        assert "The three numbers" not in shown


def sign_both(path: Path, now: datetime) -> None:
    """Both sides sign the seeded version, as the room would at the end of a workshop."""
    sign(store.load_definition(path), "Dana Reyes, VP Marketing", "Sam Ortiz, VP Sales", None, now)


async def test_a_new_version_is_compared_with_the_signed_one(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
    fixed_now: datetime,
) -> None:
    path = seeded("acme", "3m-10m")
    sign_both(path, fixed_now)
    store.new_version(Path("definitions"), "acme", fixed_now.date())
    app = make_app(evidence=history)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        assert screen.workshop.definition.version == 2
        await show_evidence(pilot)
        assert "c: compare with v1 (signed)" in status(app)
        commands = [label for label, _action, _help in screen.PALETTE_COMMANDS]
        assert "Evidence: compare with v1 (signed)" in commands
        await pilot.press("c")
        await settle(pilot)
        text = report(app)
        assert text.startswith("The three numbers, acme v1 (signed) → acme v2 (draft)")
        assert "Comparing acme v1 (signed) with acme v2 (draft)" in text
        assert "Adopting the second one" in text
        assert "v2 (draft) vs v1 (signed) · r: refresh · c: draft alone" in status(app)
        await pilot.press("c")
        await settle(pilot)
        assert "Comparing" not in report(app)
        assert "Backtest of acme v2 (draft)" in report(app)


async def test_evidence_keys_belong_to_the_evidence_step_and_the_palette_offers_them(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], history: EvidenceSource
) -> None:
    seeded("acme", "3m-10m")
    app = make_app(evidence=history)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        assert not screen.check_action("refresh_evidence", ())
        assert not screen.check_action("compare_evidence", ()), "c belongs to the fields here"
        commands = {label: action for label, action, _help in screen.PALETTE_COMMANDS}
        assert commands["Go to step 6: Evidence (F6)"] == "goto_step(5)"
        # From the palette on another step: the Evidence step opens and runs.
        await screen.run_action(commands["Evidence: backtest the draft now"])
        await settle(pilot)
        assert "Backtest of acme v1" in report(app)
        assert screen.check_action("refresh_evidence", ())
        ids = {binding.id for binding in screen.BINDINGS if isinstance(binding, Binding)}
        assert {"editor.evidence_refresh", "editor.evidence_compare"} <= ids
        # v1 has no signed version before it: c says so (it did nothing at all).
        await pilot.press("c")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert "There is no signed version to compare with." in said, said


def test_long_report_lines_wrap_under_their_own_indent() -> None:
    line = "  • " + "word " * 30
    wrapped = wrap_lines([line.rstrip(), "short"], 40)
    assert all(len(part) <= 40 for part in wrapped)
    assert wrapped[1].startswith("    word")
    assert wrapped[-1] == "short"


def test_open_passes_the_files_to_the_app(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[Path, EvidenceSource | None]] = []
    monkeypatch.setattr(
        "workbench.tui.app.run_app",
        lambda folder, evidence=None, open_path=None, follow=False, place_file=None: opened.append(
            (folder, evidence)
        ),
    )
    runner = CliRunner()
    done = runner.invoke(
        cli_app, ["open", "defs", "--leads", "l.csv", "--activities", "a.csv", "-m", "hubspot"]
    )
    assert done.exit_code == 0, done.output
    assert opened == [(Path("defs"), EvidenceSource(Path("l.csv"), Path("a.csv"), "hubspot"))]

    done = runner.invoke(cli_app, ["open", "defs", "--leads", "l.csv"])
    assert done.exit_code == 2
    assert "--activities" in done.output
    assert len(opened) == 1, "the app is not opened with half a lead history"


async def test_a_signed_version_has_evidence_too(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
    fixed_now: datetime,
) -> None:
    path = seeded("acme", "3m-10m")
    sign_both(path, fixed_now)
    app = make_app(evidence=history)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen) and screen.workshop.read_only
        await show_evidence(pilot)
        assert not pane_of(app).disabled, "read-only is about edits; the evidence still shows"
        assert "Backtest of acme v1 (signed)" in report(app)
        assert "compare" not in status(app), "nothing older to compare with"


def test_a_superseded_run_does_not_run(
    history: EvidenceSource, seeded: Callable[..., Path]
) -> None:
    definition = store.load_definition(seeded("acme", "3m-10m")).definition
    session = EvidenceSession(Path("definitions"), history)
    stale = session.supersede()
    current = session.supersede()
    notes: list[str] = []
    assert session.run(stale, definition, None, notes.append) is None
    assert not session.loaded, "a superseded run does not even load the history"
    outcome = session.run(current, definition, None, notes.append)
    assert outcome is not None and outcome.backtest is not None
    assert any("reading" in note for note in notes), notes
    session.close()
    assert not session.is_current(current)


async def test_the_history_is_loaded_once_per_session(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from workbench.core.evidence import load

    seeded("acme", "3m-10m")
    seeded("beta", "1m-3m")
    loads: list[Path] = []
    original = load.load_to_duckdb

    def counted(con: Any, leads: Path, *args: Any, **kwargs: Any) -> Any:
        loads.append(leads)
        return original(con, leads, *args, **kwargs)

    monkeypatch.setattr(load, "load_to_duckdb", counted)
    app = make_app(evidence=history)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await show_evidence(pilot)
        assert "Backtest of acme v1" in report(app)
        await pilot.press("escape")  # home
        await settle(pilot)
        await pilot.press("down", "enter")  # the other definition
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen) and screen.workshop.definition.slug == "beta"
        evidence_step = [key for key, _label in screen.steps()].index("evidence")
        await pilot.press(f"f{evidence_step + 1}")
        await settle(pilot)
        assert "Backtest of beta v1" in report(app)
    assert loads == [history.leads], "the second definition reuses the loaded history"


def test_the_signed_side_of_a_comparison_is_replayed_once(
    history: EvidenceSource, seeded: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.core.evidence import backtest as backtests

    signed = store.load_definition(seeded("acme", "3m-10m")).definition
    replayed: list[int] = []
    original = backtests.backtest

    def counted(con: Any, definition: Any, *args: Any, **kwargs: Any) -> Any:
        replayed.append(definition.fit.min_employees)
        return original(con, definition, *args, **kwargs)

    monkeypatch.setattr(backtests, "backtest", counted)
    session = EvidenceSession(Path("definitions"), history)
    drafts = [
        signed.model_copy(update={"fit": signed.fit.model_copy(update={"min_employees": n})})
        for n in (11, 12)
    ]
    outcomes = [session.run(session.supersede(), draft, signed, lambda _: None) for draft in drafts]
    assert all(o is not None and o.comparison is not None for o in outcomes)
    assert replayed == [signed.fit.min_employees, 11, 12], "the signed side once, each draft"
    other = signed.model_copy(update={"version": 9})
    session.run(session.supersede(), drafts[0], other, lambda _: None)
    assert replayed[3:] == [signed.fit.min_employees, 11], "another base is replayed"
    session.close()


async def test_page_down_scrolls_the_report_once_the_step_is_shown(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    history: EvidenceSource,
) -> None:
    """Reached with ctrl+n, the step's page keys did nothing until the room pressed tab: the
    cursor sat on the Backtest/Analysis tab bar, outside the report."""
    seeded("acme", "3m-10m")
    app = make_app(evidence=history)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await show_evidence(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        scroll = pane_of(app).query_one("#evidence-scroll")
        assert scroll.max_scroll_y > 0 and scroll.scroll_y == 0
        await pilot.press("pagedown")
        await settle(pilot)
        moved = scroll.scroll_y
        await pilot.press("right")  # the tab bar still has the cursor: on to Analysis
        await settle(pilot)
        tabs = app.screen.query_one("#evidence-tabs")
        active = tabs.active  # type: ignore[attr-defined]
    assert moved > 0
    assert active == "evidence-analysis"


async def test_a_motions_pqls_and_aqls_show_apart_in_the_evidence_step_at_80_by_24(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    workdir: Path,
) -> None:
    """000: PQLs and AQLs are not MQL variants. The step shows core's report, so a $30M+
    definition's three numbers say they are MQL figures and the AQLs have their own lines,
    each wrapped to the narrow room's width."""
    leads, activities = write_sample(Path("data"), *sample_data(3000, 3))  # AQLs beside MQLs
    seeded("acme", "30m-plus")
    app = make_app(evidence=EvidenceSource(leads, activities))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        ids = [step for step, _label in screen.steps()]
        await pilot.press(f"f{ids.index('evidence') + 1}")  # after the Motions step
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        text = report(app)
        width = pane_of(app).query_one("#evidence-report", PlainText).size.width
    assert text.startswith("The three numbers (MQL figures: a motion's PQLs and AQLs are"), text
    assert re.search(r"^  AQLs: \d+ from \d+ leads", text, re.MULTILINE), text
    assert "Expected acceptance of MQLs:" in text
    assert re.search(r"^AQL acceptance: ", text, re.MULTILINE), text
    assert re.search(r"^AQL to opportunity: ", text, re.MULTILINE), text
    assert 0 < width <= 80 and max(len(line) for line in text.splitlines()) <= width
