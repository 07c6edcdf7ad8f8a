"""The home screen lists a file that would crash the parser as unreadable (issue 11)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import DataTable

from tests.tui.pilot_steps import settle
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.text import PlainText
from workbench.tui.screens.home import HomeScreen


async def test_home_lists_a_too_deep_file_as_unreadable(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    hostile = Path("definitions") / "deep\x1b[2K" / "v1.toml"
    hostile.parent.mkdir()
    hostile.write_text("x = " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert [row.status for row in home.rows] == ["draft", "UNREADABLE"]
        table = home.query_one("#definitions", DataTable)
        assert table.get_row_at(1)[0] == "deep\\x1b[2K"
        await pilot.press("down")
        await settle(pilot)
        detail = str(home.query_one("#home-detail", PlainText).content)
        assert "nests 33 levels deep" in detail and "\x1b" not in detail
