"""Start-up paints the folder first (issue 12, Measured): no blank screen before the home
screen, and the full check of the folder's files starts only after the rows were painted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen

from tests.tui.pilot_steps import settle
from workbench.core.files.folder import QuickRow
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.home import HomeScreen


async def test_the_home_screen_is_the_first_screen_not_pushed_over_a_blank_one(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(app.screen_stack) == 1
        assert isinstance(app.screen_stack[0], HomeScreen)


async def test_the_folder_check_starts_after_the_home_screen_has_been_painted(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seeded("acme", "3m-10m")
    painted: list[Screen[Any]] = []
    seen_when_checked: list[bool] = []
    compositor_refresh = Screen._compositor_refresh
    check_rows = HomeScreen.check_rows

    def spy_refresh(self: Screen[Any]) -> None:
        compositor_refresh(self)
        painted.append(self)

    def spy_check(self: HomeScreen, rows: list[QuickRow], read: int) -> None:
        seen_when_checked.append(self in painted)
        check_rows(self, rows, read)

    monkeypatch.setattr(Screen, "_compositor_refresh", spy_refresh)
    monkeypatch.setattr(HomeScreen, "check_rows", spy_check)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert [row.slug for row in home.rows] == ["acme"]
    assert seen_when_checked == [True]
