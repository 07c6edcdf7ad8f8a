"""Two stumbles of a facilitator in tmux: an open dropdown ran over the status bar and footer
(80x24) and had no edge, so the text beside it read as part of its rows (120x40); escape,
pressed to close Textual's keys panel, left the definition for home."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Collapsible, Footer, HelpPanel, Select
from textual.widgets._footer import FooterKey
from textual.widgets._select import SelectOverlay

from tests.tui.pilot_steps import open_first, open_keys_panel, open_step, settle
from tests.tui.test_cases_room import new_case_form
from tests.tui.test_snapshots import settled_layout
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.editor import EditorScreen
from workbench.tui.screens.home import HomeScreen


async def open_list(pilot: Pilot[None], select: Select[Any]) -> SelectOverlay:
    """Put the cursor on a dropdown and open it with enter, as the room does."""
    select.focus()
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    overlay = select.query_one(SelectOverlay)
    assert select.expanded and overlay.display
    return overlay


def assert_framed_on_screen_above_the_bars(app: App[Any], overlay: SelectOverlay) -> None:
    """The open list lies on the screen, above the status bar and footer (the editor's, seen
    behind a dialog), with a frame, each choice on one line and its rows as wide as the
    longest."""
    editor = next(s for s in app.screen_stack if isinstance(s, EditorScreen))
    bars_top = min(editor.query_one("#status").region.y, editor.query_one(Footer).region.y)
    region = overlay.region
    assert app.screen.region.contains_region(region), (region, app.screen.region)
    assert region.bottom <= bars_top, f"the list {region} runs over the status bar and footer"
    assert all(edge for edge, _color in overlay.styles.border), "the list has no frame"
    assert overlay.virtual_size.height == overlay.option_count, "a choice wrapped"
    widest = max(len(str(option.prompt)) for option in overlay.options)
    assert overlay.scrollable_content_region.width >= widest


async def test_an_open_list_at_80x24_stays_above_the_status_bar_and_footer(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # The Fit step's "Minimum seniority", near the bottom: its list ran down over both status
    # lines and the footer ("nvp", "esc-level … tte").
    seeded("acme", "10m-30m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "fit")
        select = screen.query_one("#field-fit-min-seniority").query_one(Select)
        overlay = await open_list(pilot, select)
        assert select.region.bottom > app.size.height - 12, "the field is near the bottom"
        assert_framed_on_screen_above_the_bars(app, overlay)


async def test_a_tier_2_rule_kinds_list_at_120x40_has_a_frame_and_fits_its_longest_kind(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # Its rows ended in the text behind ("▶ webinar attended         none"): no edge, and one
    # shade of 256 colours from the screen.
    seeded("acme", "10m-30m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "triggers")
        screen.query_one("#fold-tier2", Collapsible).collapsed = False
        await settle(pilot)
        select = screen.query_one("#field-triggers-tier2-0-kind").query_one(Select)
        overlay = await open_list(pilot, select)
        assert_framed_on_screen_above_the_bars(app, overlay)
        assert "chatbot identified them" in [str(o.prompt) for o in overlay.options]


async def test_the_case_forms_route_list_at_80_columns_keeps_marketing_leadership_whole(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # The reason the lists are as wide as their longest choice: "marketing-lead / ership".
    seeded("acme", "10m-30m")
    async with make_app().run_test(size=(80, 24)) as pilot:
        form = await new_case_form(pilot)
        overlay = await open_list(pilot, form.query_one("#new-route", Select))
        assert "marketing-leadership" in [str(o.prompt) for o in overlay.options]
        assert_framed_on_screen_above_the_bars(pilot.app, overlay)


def footer_keys(app: WorkbenchApp) -> list[str]:
    return [str(key.description) for key in app.screen.query_one(Footer).query(FooterKey)]


async def test_escape_closes_the_keys_panel_and_only_then_goes_home(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # Keys from the palette, then escape to close them: the room was back on the home screen.
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        focused = screen.focused
        await open_keys_panel(pilot)
        assert app.screen is screen and screen.query(HelpPanel), "the palette showed the keys"
        shown_with_panel = footer_keys(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen, "escape closed the keys panel and stayed in the definition"
        assert not screen.query(HelpPanel)
        assert screen.focused is focused
        # The footer says so: escape is "Close keys" while the panel is shown, else "Home".
        assert "Close keys" in shown_with_panel and "Home" not in shown_with_panel
        assert "Home" in footer_keys(app) and "Close keys" not in footer_keys(app)
        await pilot.press("escape")  # no panel: home, as before
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


def test_an_open_rule_kind_list_is_drawn_framed(
    snap_compare: Any, make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """The tier 2 rule kinds open at 120x40, as the facilitator saw them: look at the SVG."""
    seeded("acme", "10m-30m")

    async def open_kinds(pilot: Pilot[None]) -> None:
        screen = await open_step(pilot, "triggers")
        screen.query_one("#fold-tier2", Collapsible).collapsed = False
        await settled_layout(pilot)
        await open_list(pilot, screen.query_one("#field-triggers-tier2-0-kind").query_one(Select))
        await settled_layout(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=open_kinds)
