"""The fit and triggers steps show each clause's evidence as read-only text under it, and the
sign-off step lists it; an edit marks a figure measured for another value as stale, without
touching the field the person types in (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from textual.widgets import Input

from tests.tui.pilot_steps import open_first, open_step, settle
from workbench.core.domain.clause_evidence import record_evidence
from workbench.core.files import store
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.signoff_pane import SignoffPane
from workbench.tui.components.steps import FitPane, TriggersPane
from workbench.tui.components.text import PlainText
from workbench.tui.screens.editor import EditorScreen

ON = date(2030, 6, 1)


def _with_evidence(path: Path) -> None:
    loaded = store.load_definition(path)
    d = record_evidence(loaded.definition, "fit.min_seniority", "78 of 96 wins director+", on=ON)
    d = record_evidence(d, "triggers.tier2.0", "pricing 2+ in 7 days: 42% of wins", on=ON)
    store.save(d, path, loaded.file_sha256)


def _lines(pane: object) -> dict[str, str]:
    assert isinstance(pane, FitPane | TriggersPane)
    return {
        str(line.name): str(line.render())
        for line in pane.query(".evidence-line").results(PlainText)
    }


async def test_fit_and_triggers_steps_show_evidence_under_the_clause(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    _with_evidence(seeded("acme", "3m-10m"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        screen.show_step("fit")
        await settle(pilot)
        fit = screen.query_one(FitPane)
        lines = _lines(fit)
        assert list(lines) == ["fit.min_seniority"]
        assert "78 of 96 wins director+" in lines["fit.min_seniority"]
        # Under its field: the line follows the seniority field among the pane's children.
        line = fit.query(".evidence-line").first()
        siblings = list(line.parent.children) if line.parent else []
        before = siblings[siblings.index(line) - 1]
        assert before.id == "field-fit-min-seniority"
        typed = [i.value for i in fit.query(Input).results(Input)]

        await screen.apply_edit("fit.min_seniority", "vp", screen)
        await settle(pilot)
        assert (
            "STALE: measured for director, the clause is now vp" in _lines(fit)["fit.min_seniority"]
        )
        assert [i.value for i in fit.query(Input).results(Input)] == typed

        screen.show_step("triggers")
        await settle(pilot)
        triggers = screen.query_one(TriggersPane)
        assert "42% of wins" in _lines(triggers)["triggers.tier2.0"]

        screen.show_step("signoff")
        await settle(pilot)
        signoff = screen.query_one(SignoffPane)
        text = str(signoff.query_one("#signoff-evidence", PlainText).render())
        assert "fit.min_seniority: 78 of 96 wins director+" in text and "STALE" in text
        assert "Without evidence: fit: min_employees" in text


async def test_a_definition_without_evidence_shows_no_evidence_lines(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        screen.show_step("fit")
        await settle(pilot)
        assert not screen.query(".evidence-line")
        screen.show_step("signoff")
        await settle(pilot)
        assert not screen.query_one("#signoff-evidence").display


async def test_sign_off_says_before_signing_what_check_will_warn_for_want_of_evidence(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # The room signed in silence, then `workbench check` printed 15 "has no evidence" warnings:
    # the folder names a lead history, so every unbacked criterion is one.
    seeded("acme", "3m-10m")
    Path("definitions/evidence.toml").write_text('leads = "leads.csv"\nactivities = "a.csv"\n')
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        screen.show_step("signoff")
        await settle(pilot)
        evidence = screen.query_one("#signoff-evidence", PlainText)
        text = str(evidence.render())
        # Grouped by gate: one path per clause was a wall of 15 on a segmented definition.
        assert evidence.display and "Without evidence: fit (all " in text
        assert "`workbench check` warns for each clause without evidence" in text


async def test_lead_files_attached_in_the_session_show_on_sign_off(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # The room attached its lead files on the Evidence step, then signed: Sign-off, built
    # when the draft opened, said nothing of the 44 warnings `check` printed next.
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "signoff")
        assert not screen.query_one("#signoff-evidence").display
        screen.show_step("evidence")
        await settle(pilot)
        Path("definitions/evidence.toml").write_text('leads = "leads.csv"\nactivities = "a.csv"\n')
        screen.show_step("signoff")
        await settle(pilot)
        evidence = screen.query_one("#signoff-evidence", PlainText)
        assert evidence.display and "Without evidence: fit (all " in str(evidence.render())
