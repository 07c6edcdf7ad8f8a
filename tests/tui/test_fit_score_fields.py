"""The fit score is edited on the Fit step, where the room argues about who fits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input

from tests.tui.pilot_steps import open_first, settle, type_text
from workbench.core.files import store
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.fields import TextField
from workbench.tui.components.text import PlainText


async def type_in(pilot: object, app: WorkbenchApp, path: str, text: str) -> TextField:
    field = next(f for f in app.screen.query(TextField) if f.path == path)
    box = field.query_one(Input)
    box.scroll_visible(animate=False)
    box.focus()
    await settle(pilot)  # type: ignore[arg-type]
    await type_text(pilot, text)  # type: ignore[arg-type]
    await settle(pilot)  # type: ignore[arg-type]
    return field


async def test_a_fit_score_typed_on_the_fit_step_is_saved_as_typed(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("acme", "1m-3m")  # its template has no fit score
    assert store.load_definition(path).definition.fit.score is None
    app = make_app(save_delay=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await type_in(pilot, app, "fit.score.threshold", "5")
        await type_in(pilot, app, "fit.score.seniority_points.vp", "15")
        await type_in(pilot, app, "fit.score.email_domain_points", "gmail.com -10, aol.com -10")
        bands = await type_in(pilot, app, "fit.score.size_points", "200+ 10, big")
        said = str(bands.query_one(".field-error", PlainText).render())
        await pilot.press("backspace", "backspace", "backspace")  # "big"
        await type_text(pilot, "up to 49 -5")
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        shown = bands.query_one(Input).value
    assert said.startswith("✗ Company size fit points: 'big' is not a size band")
    assert shown == "200+ 10, up to 49 -5"  # the field keeps what was typed
    score = store.load_definition(path).definition.fit.score
    assert score is not None
    assert (score.threshold, score.seniority_points, score.email_domain_points) == (
        5,
        {"vp": 15},
        {"gmail.com": -10, "aol.com": -10},
    )
    assert [(b.min_employees, b.max_employees, b.points) for b in score.size_points] == [
        (200, None, 10),
        (None, 49, -5),
    ]
