"""Follow mode (`workbench open --follow`, every seat of `workbench serve` but the
facilitator's): read-only, and the draft shown again as the facilitator's seat saves it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input

from tests.tui.pilot_steps import open_first, settle
from workbench.core.domain.templates import from_template
from workbench.core.files import store
from workbench.core.services.workshop import Workshop
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.text import PlainText
from workbench.tui.screens.follow import FollowHomeScreen, FollowScreen


def facilitator_saves(path: Path, clause: str, value: object) -> None:
    """The editing seat's process: one edit through the core, saved to the shared file."""
    workshop = Workshop.open(path)
    assert workshop.apply(clause, value).ok
    assert workshop.save()


def shown(app: WorkbenchApp, field_id: str) -> str:
    return app.screen.query_one(f"#{field_id} Input", Input).value


async def test_a_follower_sees_the_facilitators_save_on_the_step_it_is_looking_at(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded()
    app = make_app(follow=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, FollowScreen)
        assert "following" in screen.title_text() and "SIGNED" not in screen.title_text()
        banner = screen.query_one("#banner", PlainText)
        assert banner.display and "Following the room: read-only" in str(banner.render())
        await pilot.press("f2")  # the fit gate: the follower looks where it likes
        await settle(pilot)
        assert shown(app, "field-fit-min-employees") == "50"

        facilitator_saves(path, "fit.min_employees", 137)
        screen.watch_disk()  # what the 2 s timer does
        await settle(pilot)

        assert app.screen is screen  # no conflict, no question: the disk is the truth here
        assert isinstance(screen, FollowScreen)
        assert screen.workshop.definition.fit.min_employees == 137
        assert shown(app, "field-fit-min-employees") == "137"
        assert screen._tabs().active == "step-fit"
        assert screen.workshop.conflict is None
        assert "updated" in screen.save_note()


async def test_a_follower_cannot_change_the_draft(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded()
    before = path.read_bytes()
    app = make_app(follow=True)
    said: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.notify = lambda message, **options: said.append(str(message))  # type: ignore[method-assign]
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, FollowScreen)
        # Every field is disabled, the sign-off form included; the cases can be looked at.
        assert all(not field.focusable for field in screen.query("#pane-stage Input"))
        await pilot.press("ctrl+s")  # to the sign-off step
        await settle(pilot)
        assert all(not field.focusable for field in screen.query("#pane-signoff Input"))
        assert not screen.check_action("new_version", ())
        assert not screen.check_action("reload", ())
        await pilot.press("ctrl+o")  # park a question: refused, with the reason
        await pilot.press("ctrl+g")  # a new version: not offered
        await settle(pilot)
        assert any("follows the room" in message for message in said), said
        assert not screen.workshop.apply("fit.min_employees", 5).ok
        await screen.leave(lambda: None, "Leave")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["v1.toml"]


async def test_a_file_that_cannot_be_read_keeps_the_last_good_one_and_says_why(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded()
    app = make_app(follow=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, FollowScreen)
        path.write_text("this is = not [ toml\n", encoding="utf-8")
        screen.watch_disk()
        await settle(pilot)
        assert screen.workshop.definition.name == "acme inbound"
        assert "cannot be shown" in str(screen.query_one("#banner", PlainText).render())


async def test_the_follow_home_lists_a_definition_the_room_adds_and_offers_no_new_one(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded()
    app = make_app(follow=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, FollowHomeScreen)
        assert [row.slug for row in home.rows] == ["acme"]
        assert not home.check_action("new", ()) and not home.check_action("new_version", ())
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is home  # no "new definition" form
        assert isinstance(home, FollowHomeScreen)
        store.create(from_template("beta", "1m-3m", app.today()), Path("definitions"))
        home.follow_folder()  # what the 2 s timer does
        await settle(pilot)
        assert [row.slug for row in home.rows] == ["acme", "beta"]
