"""The home screen lists a file that would crash the parser as unreadable (issue 11)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.tui.pilot_steps import settle
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.text import PlainText
from workbench.tui.screens.home import HomeScreen


async def home_of(pilot: Pilot[None]) -> HomeScreen:
    """The home screen, once its rows are read and checked."""
    await settle(pilot)
    home = pilot.app.screen
    assert isinstance(home, HomeScreen)
    return home


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


async def test_home_marks_a_draft_that_cannot_be_signed_and_says_why(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("acme", "3m-10m")
    text = path.read_text(encoding="utf-8")
    at = text.index('[cases.expect]\nstatus = "') + len('[cases.expect]\nstatus = "')
    wrong = "nurture" if not text.startswith("nurture", at) else "rejected"
    start = text.rindex('name = "', 0, at) + len('name = "')
    wrong_case = text[start : text.index('"', start)]
    path.write_text(text[:at] + wrong + text[text.index('"', at) :], encoding="utf-8")
    seeded("beta", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        home = await home_of(pilot)
        table = home.query_one("#definitions", DataTable)
        by_slug = {row.slug: row for row in home.rows}
        assert by_slug["beta"].blocked is None
        assert by_slug["acme"].blocked == "1 edge case fails (" + wrong_case + ")"
        statuses = {table.get_row_at(i)[0]: table.get_row_at(i)[3] for i in range(2)}
        assert statuses == {"acme": "draft ✗", "beta": "draft"}
        seen = set()
        for _ in range(2):
            selected = home.selected()
            assert selected is not None
            seen.add(selected.slug)
            detail = str(home.query_one("#home-detail", PlainText).content)
            said = "✗ the draft cannot be signed yet: 1 edge case fails" in detail
            assert said == (selected.slug == "acme"), detail
            await pilot.press("down")
            await settle(pilot)
        assert seen == {"acme", "beta"}


async def test_a_check_started_before_the_folder_was_read_again_shows_nothing(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # A thread worker is not stopped by the next one: a slow check of the folder as it was
    # finishing last put back rows from before a file changed.
    from dataclasses import replace

    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        home = await home_of(pilot)
        before = list(home.rows)
        stale = [replace(row, blocked="stale") for row in before]
        await pilot.press("r")
        await settle(pilot)
        home._show_checked(stale, home._reads - 1)
        assert home.rows == before
        home._show_checked(stale, home._reads)
        assert home.rows == stale
