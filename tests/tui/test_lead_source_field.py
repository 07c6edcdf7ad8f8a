"""The fit step edits fit.exclude_sources as a comma-separated list (issue 15)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input

from tests.tui.pilot_steps import open_first, settle, type_text
from workbench.core.files import store
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.fields import TextField


async def test_the_fit_step_edits_the_sources_qualified_apart(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        field = next(f for f in app.screen.query(TextField) if f.path == "fit.exclude_sources")
        field.query_one(Input).focus()
        await type_text(pilot, "Events, cold list")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
    assert store.load_definition(path).definition.fit.exclude_sources == ["Events", "cold list"]


async def test_the_scoring_step_says_points_and_thresholds_by_source(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("acme", "3m-10m")
    loaded = store.load_definition(path)
    scoring = loaded.definition.scoring
    assert scoring is not None
    edited = loaded.definition.model_copy(
        update={"scoring": scoring.model_copy(update={"source_points": {"Webinar": 15}})}
    )
    store.save(edited, path, loaded.file_sha256)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n", "ctrl+n")
        await settle(pilot)
        shown = [str(w.render()) for w in app.screen.query(".field-help")]
    assert any("Points by lead source, once per lead: 'Webinar' +15." in s for s in shown)
