"""The Evidence step with no lead history: pick the two exports, see the proposed mapping and
what it would keep, save evidence.toml and the mapping next to the definitions, in the room."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, Input

from tests.test_map import crm_export
from tests.tui.pilot_steps import open_first, settle, type_text
from workbench.core.evidence.mapping import canonical_value, load_mapping
from workbench.core.evidence.propose import TABLE_COLUMNS
from workbench.core.evidence.settings import load_source
from workbench.core.services.check import check_folder
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.evidence_pane import EvidencePane
from workbench.tui.components.map_files import MapFilesModal
from workbench.tui.components.text import PlainText
from workbench.tui.screens.editor import EditorScreen

EVIDENCE_KEY = "f6"


def text_of(app: WorkbenchApp, selector: str) -> str:
    return str(app.screen.query_one(selector, PlainText).render())


async def open_picker(pilot: Pilot[None]) -> MapFilesModal:
    """The Evidence step of a folder with no lead history, and its "Pick the two files…"."""
    app = pilot.app
    await open_first(pilot)
    await pilot.press(EVIDENCE_KEY)
    await settle(pilot)
    assert isinstance(app.screen, EditorScreen)
    pick = app.screen.query_one("#evidence-pick", Button)
    assert pick.display, "no lead history: the step offers to pick the files"
    pick.focus()
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, MapFilesModal)
    return app.screen


async def test_pick_the_files_see_the_proposal_and_save_it_without_leaving_the_room(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], workdir: Path
) -> None:
    seeded("acme", "3m-10m")
    leads, activities = crm_export(Path("data"), "hubspot", leads=120)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_picker(pilot)
        save = app.screen.query_one("#map-save", Button)
        assert save.disabled, "nothing to save before a proposal"

        app.screen.query_one("#map-leads", Input).focus()
        await type_text(pilot, str(leads))
        app.screen.query_one("#map-activities", Input).focus()
        await type_text(pilot, str(activities))
        await pilot.press("enter")  # propose
        await settle(pilot)
        shown = text_of(app, "#map-proposal")
        assert "preset: hubspot" in shown
        assert "'Form submission: Request a demo' -> demo_request" in shown
        kept = "would keep 120 of 120 leads and"
        assert kept in shown
        # The inputs hold what was typed, untouched by the proposal.
        assert app.screen.query_one("#map-leads", Input).value == str(leads)
        assert not save.disabled

        # Typing another path withdraws the proposal: it was for the other files.
        app.screen.query_one("#map-activities", Input).focus()
        await pilot.press("x")
        await settle(pilot)
        assert save.disabled
        await pilot.press("backspace", "enter")
        await settle(pilot)
        assert not save.disabled
        assert "Enter (or Save) writes" in text_of(app, "#map-proposal")

        # Enter again, still in the path: save (it proposed again; saving took tab, tab).
        assert app.focused is app.screen.query_one("#map-activities", Input)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen), "saved: back in the room"
        pane = app.screen.query_one(EvidencePane)
        assert not pane.query_one("#evidence-pick", Button).display
        report = str(pane.query_one("#evidence-report", PlainText).render())
        assert "Backtest of acme v1" in report

    folder = Path("definitions")
    source = load_source(folder)
    assert source is not None
    assert source.leads.resolve() == (workdir / leads).resolve()
    assert source.mapping == folder / "mapping.toml"
    mapping = load_mapping(folder / "mapping.toml")
    kind = TABLE_COLUMNS["kind"]
    assert canonical_value(kind, "Form submission: Request a demo", mapping) == "demo_request"
    about = [
        f
        for f in check_folder(folder, date(2026, 12, 1)).findings
        if f.path.name in ("mapping.toml", "evidence.toml")
    ]
    assert about == [], "check does not warn about the files the app wrote"


async def test_a_missing_file_is_its_message_and_nothing_is_saved(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press(EVIDENCE_KEY)
        await settle(pilot)
        app.screen.query_one("#evidence-pick", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, MapFilesModal)
        await pilot.press("enter")  # nothing typed
        await settle(pilot)
        assert "type both paths first" in text_of(app, "#map-error")
        app.screen.query_one("#map-leads", Input).focus()
        await type_text(pilot, "nowhere.csv")
        app.screen.query_one("#map-activities", Input).focus()
        await type_text(pilot, "nowhere-either.csv")
        await pilot.press("enter")
        await settle(pilot)
        assert "nowhere.csv: no such file" in text_of(app, "#map-proposal")
        assert app.screen.query_one("#map-save", Button).disabled
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
    assert not Path("definitions/evidence.toml").exists()


def test_saving_refuses_and_writes_nothing_when_a_file_is_there(tmp_path: Path) -> None:
    import pytest

    from workbench.core.domain.errors import AlreadyExists
    from workbench.core.evidence.propose import propose
    from workbench.tui.components.map_files import save_proposal

    leads, activities = crm_export(tmp_path, "salesforce", leads=30)
    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / "evidence.toml").write_text('leads = "a.csv"\nactivities = "b.csv"\n')
    with pytest.raises(AlreadyExists, match="already exists"):
        save_proposal(folder, propose(leads, activities))
    assert not (folder / "mapping.toml").exists()
    (folder / "evidence.toml").unlink()
    written = save_proposal(folder, propose(leads, activities))
    assert [p.name for p in written] == ["mapping.toml", "evidence.toml"]


async def test_a_proposal_that_keeps_no_lead_says_why_and_offers_no_save(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], tmp_path: Path
) -> None:
    seeded("acme", "3m-10m")
    leads = tmp_path / "leads.csv"
    activities = tmp_path / "activities.csv"
    dates = ["soon", "13/31/2024", "yesterday", "2024-02-30"]
    leads.write_text(
        "lead_id,created_at\n" + "".join(f"L{n},{d}\n" for n, d in enumerate(dates)),
        encoding="utf-8",
    )
    activities.write_text("lead_id,at,kind\nL0,2025-01-01,demo_request\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press(EVIDENCE_KEY)
        await settle(pilot)
        app.screen.query_one("#evidence-pick", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, MapFilesModal)
        app.screen.query_one("#map-leads", Input).focus()
        await type_text(pilot, str(leads))
        app.screen.query_one("#map-activities", Input).focus()
        await type_text(pilot, str(activities))
        await pilot.press("enter")
        await settle(pilot)
        shown = text_of(app, "#map-proposal")
        assert "would keep 0 of 4 leads" in shown
        assert "Not saved: it would keep no lead" in shown
        assert "leads line 2: created_at 'soon'" in shown
        assert "... and 1 more" in shown
        save = app.screen.query_one("#map-save", Button)
        assert save.disabled
        assert "keeps no lead" in str(save.label)
        scroll = app.screen.query_one("#map-scroll")
        assert scroll.focusable, "the proposal scrolls from the keyboard"
    assert not Path("definitions/evidence.toml").exists()


async def test_a_history_that_does_not_load_still_offers_to_pick_the_files(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], workdir: Path
) -> None:
    """evidence.toml names files that do not load: the step says why AND keeps the picker, so
    the room can fix it without leaving."""
    folder = seeded("acme", "3m-10m").parent.parent  # ./definitions
    data = Path("data")
    data.mkdir(exist_ok=True)
    (data / "leads.csv").write_text("lead_id,created_at\nL1,someday\n", encoding="utf-8")
    (data / "activities.csv").write_text("lead_id,kind,at\n", encoding="utf-8")
    (folder / "evidence.toml").write_text(
        'leads = "../data/leads.csv"\nactivities = "../data/activities.csv"\n', encoding="utf-8"
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press(EVIDENCE_KEY)
        await settle(pilot)
        pane = app.screen.query_one(EvidencePane)
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        report = text_of(app, "#evidence-report")
        assert "Could not load the lead history" in report, report
        assert pane.query_one("#evidence-pick", Button).display


async def test_tab_after_the_second_path_reaches_propose(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], workdir: Path
) -> None:
    # Tab from the activities field went to the proposal's scroll region, with nothing to
    # scroll and no sign of the cursor: the enter after it did nothing.
    seeded("acme", "3m-10m")
    leads, activities = crm_export(Path("data"), "hubspot", leads=40)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_picker(pilot)
        app.screen.query_one("#map-leads", Input).focus()
        await type_text(pilot, str(leads))
        await pilot.press("tab")
        await type_text(pilot, str(activities))
        await pilot.press("tab")
        assert app.focused is app.screen.query_one("#map-propose", Button)
        await pilot.press("enter")
        await settle(pilot)
        assert "would keep 40 of 40 leads" in text_of(app, "#map-proposal")


async def test_the_palette_finds_the_lead_files_dialog_from_any_step(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # "files" and "lead" in the palette found nothing but the Analysis tab.
    seeded("acme", "3m-10m")
    app = make_app()
    said: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        labels = [label for label, action, _help in screen.PALETTE_COMMANDS]
        label = next(lb for lb in labels if "lead files" in lb)
        assert "files" in label and "lead" in label
        await app.run_action("show_evidence('pick')", screen)
        await settle(pilot)
        assert isinstance(app.screen, MapFilesModal)
        await pilot.press("escape")
        await settle(pilot)
        crm_export(Path("data"), "hubspot", leads=30)  # and the canonical files it starts from
        Path("definitions/evidence.toml").write_text(
            'leads = "../data/canonical/leads.csv"\n'
            'activities = "../data/canonical/activities.csv"\n'
        )
        app.notify = lambda message, **options: said.append(str(message))  # type: ignore[method-assign]
        screen.show_step("fit")
        await settle(pilot)
        await app.run_action("show_evidence('pick')", screen)
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen), "a history that loads is not replaced"
        assert any("already names the lead history" in m for m in said), said


async def test_the_palettes_pick_waits_to_know_whether_the_named_history_loads(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # Asked before the step's first look was back, it said a missing file "loads".
    seeded("acme", "3m-10m")
    Path("definitions/evidence.toml").write_text('leads = "gone.csv"\nactivities = "gone.csv"\n')
    app = make_app()
    said: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.notify = lambda message, **options: said.append(str(message))  # type: ignore[method-assign]
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        await app.run_action("show_evidence('pick')", screen)
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, MapFilesModal), said
        assert not any("it loads" in m for m in said), said


async def test_the_pick_button_is_a_framed_tab_stop_that_enter_and_space_press(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """A facilitator tabbed off "Pick the two files…" (the cursor was on it, drawn compact as
    a line of text) and pressed enter on the tab bar: nothing. It is drawn as a button, its
    focus in the accent colour, tab comes back round to it, and space presses it too."""
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press(EVIDENCE_KEY)
        await settle(pilot)
        pick = app.screen.query_one("#evidence-pick", Button)
        assert app.focused is pick
        assert pick.outer_size.height == 3, "framed, not a line of text"
        focused_look = pick.styles.background
        await pilot.press("tab")
        assert app.focused is not pick
        assert pick.styles.background != focused_look, "the focus is seen to leave it"
        for _ in range(3):  # the step tabs, the Backtest/Analysis tabs, the button
            if app.focused is pick:
                break
            await pilot.press("tab")
        assert app.focused is pick
        await pilot.press("space")
        await settle(pilot)
        assert isinstance(app.screen, MapFilesModal)


async def test_t_switches_the_evidence_steps_tabs_and_the_footer_says_so(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """Backtest and Analysis switched only with left and right on their own tab bar, and
    nothing said so. `t` shows the other one, named in the footer, from anywhere on the step;
    not on another step, where a field takes the letter."""
    from workbench.tui.components.analysis_pane import ANALYSIS_TAB, BACKTEST_TAB, EvidenceStep

    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        assert "t" not in app.screen.active_bindings, "the Stage step's field has the letter"
        await pilot.press(EVIDENCE_KEY)
        await settle(pilot)
        step = app.screen.query_one(EvidenceStep)
        assert step.active_tab == BACKTEST_TAB
        offered = app.screen.active_bindings["t"].binding
        assert (offered.description, offered.id) == ("Analysis", "editor.evidence_analysis")
        assert offered.show and offered.tooltip
        await pilot.press("t")  # the cursor is on the pick button
        await settle(pilot)
        assert step.active_tab == ANALYSIS_TAB
        focused = app.focused
        assert focused is not None and step in focused.ancestors
        hidden = [node for node in focused.ancestors if node.id == BACKTEST_TAB]
        assert not hidden, "the cursor is not left in the hidden tab"
        assert app.screen.active_bindings["t"].binding.description == "Backtest"
        await pilot.press("t")
        await settle(pilot)
        assert step.active_tab == BACKTEST_TAB
