"""The footer shows the keys while the app is blurred (a browser page starts that way), and a
toast that only informs does not sit over the fields for long."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tests.tui.pilot_steps import settle
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.editor import EditorScreen


def footer_keys(app: WorkbenchApp) -> list[str]:
    return [str(key.description) for key in app.screen.query_one(Footer).query(FooterKey)]


async def test_a_blurred_app_still_shows_each_screens_keys(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # In `workbench serve` the home footer was an empty bar until a key was pressed: the page
    # starts without focus, and Textual's footer builds its keys only while the app has it.
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(events.AppBlur())
        await settle(pilot)
        assert not app.app_focus
        assert "New definition" in footer_keys(app)
        app.open_definition(Path("definitions/acme/v1.toml"))  # a new screen, still blurred
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen) and not app.app_focus
        assert "Sign-off" in footer_keys(app) and "Home" in footer_keys(app)


async def test_a_toast_that_only_informs_goes_sooner_than_a_warning(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # "Saved; backtesting now." sat over the Sales signer fields for five seconds at 80x24.
    from workbench.tui.app import INFO_TOAST_SECONDS

    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.notify("Saved; backtesting now.", title="Evidence")
        app.notify("cannot write", severity="error")
        await settle(pilot)
        timeouts = {n.message: n.timeout for n in app._notifications}
        assert timeouts["Saved; backtesting now."] == INFO_TOAST_SECONDS < app.NOTIFICATION_TIMEOUT
        assert timeouts["cannot write"] == app.NOTIFICATION_TIMEOUT
