"""`workbench open FILE`: the app opens that definition at once, over its folder's home screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.tui.pilot_steps import settle
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.editor import EditorScreen
from workbench.tui.screens.home import HomeScreen

LEAD = Path(__file__).resolve().parents[2] / "examples" / "leads" / "student-ebook.toml"


async def test_open_a_version_file_goes_straight_to_its_editor(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded()
    app = make_app(open_path=path)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        assert app.screen.workshop.path == path
        app.go_home()  # the folder's home screen is underneath
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert [row.slug for row in app.screen.rows] == ["acme"]


async def test_a_file_that_is_not_a_definition_is_said_on_the_home_screen(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seeded()
    app = make_app(open_path=LEAD)
    said: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **options: said.append(str(message)))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert len(said) == 1 and "expected a definition file" in said[0], said
