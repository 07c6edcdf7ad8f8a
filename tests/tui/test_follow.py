"""Follow mode (`workbench open --follow`, every seat of `workbench serve` but the
facilitator's): read-only, and the draft shown again as the facilitator's seat saves it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from textual import events
from textual.widgets import DataTable, Input

from tests.tui.pilot_steps import open_first, settle
from tests.tui.test_review_screen import body as review_body
from tests.tui.test_review_screen import signed_folder, with_history
from tests.tui.test_small_stumbles import repository, signed
from workbench.core.domain.definition import Expectation
from workbench.core.domain.templates import from_template
from workbench.core.files import store
from workbench.core.services.signoff import sign
from workbench.core.services.workshop import Workshop
from workbench.tui.app import WorkbenchApp
from workbench.tui.commands import ScreenActionsProvider
from workbench.tui.components.status_bar import SuiteStatusBar
from workbench.tui.components.text import PlainText
from workbench.tui.screens.follow import FollowHomeScreen, FollowScreen
from workbench.tui.screens.review import ReviewScreen


def facilitator_saves(path: Path, clause: str, value: object) -> None:
    """The editing seat's process: one edit through the core, saved to the shared file."""
    workshop = Workshop.open(path)
    assert workshop.apply(clause, value).ok
    assert workshop.save()


def facilitator_signs(path: Path) -> None:
    """The editing seat signs the draft, both sides at once."""
    sign(
        store.load_definition(path),
        "Dana Reyes, VP Marketing",
        "Sam Okafor, VP Sales",
        None,
        datetime(2026, 5, 4, 10, tzinfo=UTC),
    )


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


def status_lines(app: WorkbenchApp) -> list[str]:
    return str(app.screen.query_one("#status", SuiteStatusBar).render()).splitlines()


async def test_a_follower_is_told_which_case_the_facilitators_save_flipped(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """The room watching a follow seat saw "edge cases 16/17 passing" change with no word of
    which case: its status line names the cases a save flipped, as the facilitator's does."""
    path = seeded()
    app = make_app(follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, FollowScreen)
        assert status_lines(app)[1] == "no case has flipped yet"

        facilitator_saves(path, "fit.exclude_email_domains", [])
        screen.watch_disk()
        await settle(pilot)
        assert status_lines(app)[1] == (
            "flipped academic-email-demo-request PASS→FAIL (now mql → sdr, tier 1)"
        )

        # Ten cases to FAIL, and the academic one back to PASS (rejected on size now).
        facilitator_saves(path, "fit.min_employees", 999)
        screen.watch_disk()
        await settle(pilot)
        assert status_lines(app)[1] == "flipped ceo-ebook-download PASS→FAIL (+11 more: ctrl+t)"

        facilitator_saves(path, "sla.marketing.notify_seconds", 25)  # flips nothing
        screen.watch_disk()
        await settle(pilot)
        assert "PASS→FAIL (+11 more" in status_lines(app)[1]  # the last flip stays said


async def test_a_follower_is_told_of_a_case_the_facilitator_added(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # The facilitator adopted a case from history that fails: the follower's "edge cases
    # 16/17 passing" came with "no case has flipped yet".
    path = seeded()
    app = make_app(follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, FollowScreen)
        facilitator = Workshop.open(path)
        ebook = next(c for c in facilitator.definition.cases if c.name == "ceo-ebook-download")
        adopted = ebook.model_copy(
            update={"name": "history-won-webinar-0042", "expect": Expectation(status="mql")}
        )
        assert facilitator.add_case(adopted, typed=False).ok and facilitator.save()
        screen.watch_disk()
        await settle(pilot)
        assert status_lines(app)[1] == (
            "added history-won-webinar-0042: FAIL (now nurture, expected mql)"
        )


async def test_a_follower_updates_in_place_and_every_step_shows_the_save(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # Each save recomposed the follower's whole screen, every step behind its `Lazy` again:
    # the step being looked at went black for seconds after every autosave on a loaded
    # machine. It is rebuilt in place; a step looked at before is rebuilt when shown again,
    # and one never shown composes from the new draft.
    path = seeded()
    app = make_app(follow=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, FollowScreen)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f3")  # the triggers, then back to the fit gate
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        tabs, fit_tab = screen._tabs(), screen.query_one("#step-fit")
        facilitator_saves(path, "fit.min_employees", 137)
        facilitator_saves(path, "scoring.threshold", 81)
        facilitator_saves(path, "sla.marketing.notify_seconds", 25)
        screen.watch_disk()
        await settle(pilot)
        assert screen._tabs() is tabs and screen.query_one("#step-fit") is fit_tab
        assert shown(app, "field-fit-min-employees") == "137"
        await pilot.press("f3")  # shown before the save: rebuilt as it is shown
        await settle(pilot)
        assert shown(app, "field-scoring-threshold") == "81"
        sla = [key for key, _label in screen.steps()].index("sla")
        await pilot.press(f"f{sla + 1}")  # never shown before: composed from the save
        await settle(pilot)
        assert shown(app, "field-sla-marketing-notify-seconds") == "25"


async def test_a_follower_keeps_its_place_in_the_cases_after_a_save_seen_in_the_background(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # A browser follow seat, the cursor on a case, its page in the background as the
    # facilitator saved (textual-serve sends the app a blur): back in front, the focus was on
    # the step tab bar, the table's row dimmed, and Down no longer moved the cursor. The
    # refresh found no focused widget (a blurred app has none) and focused the first one.
    path = seeded()
    app = make_app(follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, FollowScreen)
        cases = [key for key, _label in screen.steps()].index("cases")
        await pilot.press(f"f{cases + 1}", "down", "down")
        await settle(pilot)
        table = screen.query_one("#cases-table", DataTable)
        assert screen.focused is table and table.cursor_row == 2

        for in_front, notify_seconds in ((False, 25), (True, 35), (False, 45)):
            if not in_front:
                app.post_message(events.AppBlur())
                await settle(pilot)
                assert not app.app_focus and screen.focused is None
            facilitator_saves(path, "sla.marketing.notify_seconds", notify_seconds)
            screen.watch_disk()
            await settle(pilot)
            assert screen.workshop.definition.sla.marketing.notify_seconds == notify_seconds
            if not in_front:
                app.post_message(events.AppFocus())
                await settle(pilot)
            assert screen.query_one("#cases-table") is table
            assert screen.focused is table, (in_front, screen.focused)
            row = table.cursor_row
            await pilot.press("down")
            await settle(pilot)
            assert table.cursor_row == row + 1, in_front
        assert table.cursor_row == 5


async def test_a_follower_in_the_background_keeps_the_cases_when_a_signature_rebuilds_them(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # A signature rebuilds the follower's whole screen: a new cases table, and Textual, given
    # the focus back, looks for the one it remembered from the blur, which is gone.
    path = seeded()
    app = make_app(follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, FollowScreen)
        cases = [key for key, _label in screen.steps()].index("cases")
        await pilot.press(f"f{cases + 1}", "down")
        await settle(pilot)
        old = screen.query_one("#cases-table", DataTable)
        assert screen.focused is old
        app.post_message(events.AppBlur())
        await settle(pilot)
        facilitator_signs(path)
        screen.watch_disk()
        await settle(pilot)
        assert "signed" in screen.title_text()
        table = screen.query_one("#cases-table", DataTable)
        assert table is not old and screen._tabs().active == "step-cases"
        app.post_message(events.AppFocus())
        await settle(pilot)
        assert screen.focused is table


async def test_a_follower_on_sign_off_sees_the_signature(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # Refreshed in place, the Sign-off step kept its empty signer fields after the
    # facilitator signed: a signature is built again, record and all.
    path = seeded()
    app = make_app(follow=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, FollowScreen)
        keys = [key for key, _label in screen.steps()]
        await pilot.press(f"f{keys.index('signoff') + 1}")
        await settle(pilot)
        assert not screen.query("#signed-record")
        facilitator_signs(path)
        screen.watch_disk()
        await settle(pilot)
        await settle(pilot)
        assert "signed" in screen.title_text()
        assert screen.query("#signed-record")


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
        assert not said
        await pilot.press("ctrl+s")  # again, there: it signs nothing, and says why
        await settle(pilot)
        assert said and "follows the room" in said[-1], said
        said.clear()
        assert not screen.check_action("new_version", ())
        assert not screen.check_action("reload", ())
        await pilot.press("ctrl+o")  # park a question: refused, with the reason
        await pilot.press("ctrl+g")  # a new version: not offered
        await settle(pilot)
        assert any("follows the room" in message for message in said), said
        assert not screen.workshop.apply("fit.min_employees", 5).ok
        # Nothing the seat refuses is offered: not in the palette, not on the cases' line.
        await pilot.press("f5")
        await settle(pilot)
        labels = [label for label, _a, _h in ScreenActionsProvider(screen)._commands()]
        assert not {"Question", "Add a case", "Delete the selected case"} & set(labels)
        assert "Cases" in labels or any("Edge cases" in label for label in labels)
        helps = [str(t.render()) for t in screen.query("#pane-cases .field-help")]
        assert helps == ["enter: open (read-only)"], helps
        explains = [str(t.render()) for t in screen.query("#pane-cases .explain")]
        assert explains and not any("press e" in text for text in explains), explains
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


async def test_a_follow_home_neither_commits_nor_offers_to(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    # In a browser, `c` on a follow seat's home committed a version signed from the CLI.
    git = repository(workdir)
    signed(workdir)
    app = make_app(follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        home = app.screen
        assert isinstance(home, FollowHomeScreen)
        detail = str(home.query_one("#home-detail", PlainText).render())
        assert "not committed to git: the facilitator's seat commits it" in detail
        assert "press c" not in detail
        intro = str(home.query_one("#home-intro", PlainText).render())
        assert "read-only" in intro and "n to start" not in intro
        assert home.check_action("commit", ()) is False
        home.action_commit()  # the binding, were it reached
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await settle(pilot)
    assert "Sign MQL definition" not in git("log", "--all", "--format=%s")
    assert git("status", "--porcelain").strip() != ""


async def test_a_follow_seat_reads_the_review_and_cannot_write_its_draft(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    # In a browser, R then w on a follow seat wrote v2.toml and opened it.
    folder = signed_folder(workdir, None)
    with_history(workdir, folder)
    app = make_app(follow=True)
    said: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.notify = lambda message, **options: said.append(str(message))  # type: ignore[method-assign]
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        text = review_body(app)
        assert "fit.min_employees: 20 → 51" in text  # the room's figures, read along
        assert "press w" not in text.lower()
        assert "the facilitator's seat writes the new draft" in text
        assert review.check_action("write", ()) is False
        review.action_write()  # the binding, were it reached
        await pilot.press("w")
        await settle(pilot)
        assert app.screen is review
        assert any("follows the room" in message for message in said), said
    assert sorted(p.name for p in (folder / "acme").iterdir()) == ["v1.toml"]
