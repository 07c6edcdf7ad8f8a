"""The quarterly review from home: offered only when a signed version is due (the rule
`check` warns by), run in a worker, the packet readable at 80x24, w writes the draft and opens
it, and without a history the room is told what to do."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import TabbedContent

from tests.test_review import History, bad_fit_quarter
from tests.tui.pilot_steps import keys_handed_on, settle
from workbench.core.domain.templates import from_template
from workbench.core.evidence.settings import EvidenceSource, save_source
from workbench.core.files import store
from workbench.core.services.signoff import sign
from workbench.tui.app import WorkbenchApp
from workbench.tui.commands import ScreenActionsProvider
from workbench.tui.components.fields import ClauseField
from workbench.tui.components.status_bar import SuiteStatusBar
from workbench.tui.components.text import PlainText
from workbench.tui.screens.editor import EditorScreen
from workbench.tui.screens.home import HomeScreen
from workbench.tui.screens.review import ReviewScreen


def signed_folder(
    workdir: Path, review: date | None, signed_at: datetime = datetime(2025, 1, 2, 9, tzinfo=UTC)
) -> Path:
    """./definitions/acme/v1.toml signed in 2025; its review date `review` (None: the end
    of its quarter, 2025-03-31, long overdue by the app's clock in May 2026)."""
    folder = workdir / "definitions"
    path = store.create(from_template("acme", "1m-3m", date(2025, 1, 1)), folder)
    sign(
        store.load_definition(path),
        "Dana Reyes, VP Marketing",
        "Sam Okafor, VP Sales",
        review,
        signed_at,
    )
    return folder


def with_history(workdir: Path, folder: Path) -> None:
    history = History()
    bad_fit_quarter(history)
    leads, activities = history.write(workdir / "data")
    save_source(folder, EvidenceSource(leads, activities))


def body(app: WorkbenchApp) -> str:
    scroll = app.screen.query_one("#review-scroll")
    return "\n".join(str(t.render()) for t in scroll.query(PlainText))


async def test_review_writes_the_draft_and_opens_it(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    folder = signed_folder(workdir, None)
    with_history(workdir, folder)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert home.check_action("review", ()) is True
        offered = [label for label, *_ in ScreenActionsProvider(home)._commands()]
        assert "Review acme: 2025-03-31 OVERDUE by 399d" in offered  # names what it reviews
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        text = body(app)
        for step in range(1, 8):
            assert f"\n{step}. " in text
        assert "fit.min_employees: 20 → 51" in text
        assert "Press w to write the new draft" in text
        # The app's words, not the CLI's; a wrapped line keeps its indent (one widget each).
        assert "press w to write it" in text and "workbench review PATH" not in text
        assert "dry run" not in text
        lines = list(app.screen.query(".review-line"))
        assert lines and all(line.styles.padding.left == 2 for line in lines)
        await pilot.pause()
        # Longer than one 80x24 screen: the packet scrolls, by the page keys at once (they
        # moved nothing until tab put the cursor in the report).
        report = app.screen.query_one("#review-scroll")
        assert report.max_scroll_y > 0 and report.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause(0.3)
        assert report.scroll_y > 0
        await pilot.press("home")
        await pilot.pause(0.3)
        await pilot.press("w")
        await settle(pilot)
        v2 = folder / "acme" / "v2.toml"
        assert store.load_definition(v2).definition.fit.min_employees == 51
        assert isinstance(app.screen, EditorScreen)


def field_in_view(editor: EditorScreen, path: str) -> ClauseField:
    """The field editing `path` has the cursor and is inside its step's visible part."""
    step = editor.get_child_by_id("steps", TabbedContent)
    pane = editor.query_one(f"#pane-{editor.step_of(path)}")
    assert step.active == f"step-{editor.step_of(path)}"
    focused = editor.focused
    assert focused is not None
    field = next(a for a in focused.ancestors if isinstance(a, ClauseField))
    assert field.path == path
    assert pane.region.contains_region(focused.region), (pane.region, focused.region)
    return field


def status_lines(editor: EditorScreen) -> list[str]:
    return str(editor.query_one("#status", SuiteStatusBar).render()).splitlines()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_written_draft_opens_on_the_clause_it_changed(
    workdir: Path, make_app: Callable[..., WorkbenchApp], size: tuple[int, int]
) -> None:
    """w opens the draft on the Fit step with the changed field in view (not on step 1), and
    says it was written on the status line, where it covers no step text (no toast)."""
    folder = signed_folder(workdir, None)
    with_history(workdir, folder)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        field = field_in_view(editor, "fit.min_employees")
        assert field.label_text == "Min employees"
        assert status_lines(editor)[1] == "v2 written by the review: both sides must sign it again"
        assert len(app._notifications) == 0  # nothing laid over the step
        assert len(status_lines(editor)[1]) <= size[0] - 2


async def test_the_unchanged_re_sign_off_opens_on_step_one(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    folder = signed_folder(workdir, None)
    history = History()
    for _ in range(5):
        history.mql("accepted")
    for _ in range(5):
        history.mql("rejected", "bad-fit-company")
    history.win()
    leads, activities = history.write(workdir / "data")
    save_source(folder, EvidenceSource(leads, activities))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert "(clauses unchanged)" in body(app)
        await pilot.press("w")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        assert editor.get_child_by_id("steps", TabbedContent).active == "step-stage"
        assert "v2 written by the review" in status_lines(editor)[1]


@pytest.mark.parametrize(
    ("path", "step"),
    [
        ("scoring.threshold", "triggers"),  # inside a folded part: the fold opens
        ("fit.exclude_email_domains", "fit"),  # far down the step at 80x24: scrolled to
        ("evidence.fit.regions", "fit"),  # evidence is shown under the clause it backs
    ],
)
async def test_an_editor_opens_on_a_clause_with_its_field_in_view(
    workdir: Path,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[[str, str], Path],
    path: str,
    step: str,
) -> None:
    draft = seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_definition(draft, clause=path)
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        assert editor.step_of(path) == step
        field_in_view(editor, path.removeprefix("evidence."))
        assert status_lines(editor)[1] == "no case has flipped yet"


async def test_a_draft_open_is_said_before_w_is_offered(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    from workbench.core.services.versions import start_new_version

    folder = signed_folder(workdir, None)
    with_history(workdir, folder)
    start_new_version(folder / "acme" / "v1.toml", date(2026, 5, 4))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        text = body(app)
        assert "a draft already exists (v2): edit or sign it first" in text
        assert "Press w" not in text
        assert app.screen.check_action("write", ()) is False


async def test_a_version_signed_after_the_quarter_offers_no_draft_from_it(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    # Signed in April 2026, v1 made none of 2025Q3's MQLs: w wrote a gate change from the
    # old process's rejections into v2. The packet says whose MQLs they are; w writes nothing.
    folder = signed_folder(workdir, None, datetime(2026, 4, 20, 9, tzinfo=UTC))
    with_history(workdir, folder)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        text = body(app)
        assert "after 2025Q3 ended: none of its 21 MQLs were made by v1" in text
        assert "no new version from 2025Q3" in text and "Press w" not in text
        assert "fit.min_employees: 20 → 51" not in text
        assert app.screen.check_action("write", ()) is False
        await pilot.press("w")
        await settle(pilot)
        assert not (folder / "acme" / "v2.toml").exists()


async def test_without_a_history_it_says_what_to_do(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    signed_folder(workdir, None)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert "workbench map" in body(app) and "Evidence step" in body(app)
        assert app.screen.check_action("write", ()) is False
        await pilot.press("w")
        await settle(pilot)
        assert not (workdir / "definitions" / "acme" / "v2.toml").exists()


async def test_offered_early_before_the_review_is_due(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    """A facilitator prepares the quarter's meeting ahead of the date, as `workbench review`
    allows: R did nothing until 14 days before, and the palette had no Review."""
    signed_folder(workdir, date(2026, 12, 31))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert home.check_action("review", ()) is True
        offered = [label for label, *_ in ScreenActionsProvider(home)._commands()]
        assert "Review acme: early, next by 2026-12-31" in offered
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)


@pytest.mark.parametrize("keys", [("R", "pagedown"), ("R",)])
async def test_pagedown_pressed_while_the_review_loads_scrolls_the_report(
    workdir: Path,
    make_app: Callable[..., WorkbenchApp],
    monkeypatch: pytest.MonkeyPatch,
    keys: tuple[str, ...],
) -> None:
    """The facilitator presses PageDown while the history is still being read: it scrolls
    the report once the packet is shown. It was lost (the report, one line long, had no
    cursor), and the room waited for a page that never came. R then PageDown in one burst,
    or PageDown a moment later, the review still reading."""
    reading, go_on = slow_review(workdir, monkeypatch)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        if keys == ("R",):
            await pilot.pause()
            assert reading.wait(10)
            await pilot.press("pagedown")
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.plan is None  # still reading
        go_on.set()
        await keys_handed_on(pilot)
        assert screen.plan is not None
        report = screen.query_one("#review-scroll")
        assert report.max_scroll_y > 0
        assert report.scroll_y > 0


async def test_escape_while_the_review_loads_goes_back_at_once(
    workdir: Path,
    make_app: Callable[..., WorkbenchApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R pressed by mistake: escape goes home while the history is still read. The keys
    typed during the load are held for the packet, and escape had waited with them (up to
    8 s) before it went back."""
    reading, go_on = slow_review(workdir, monkeypatch)
    app = make_app()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("R", "pagedown")
            await pilot.pause()
            assert reading.wait(10)
            screen = app.screen
            assert isinstance(screen, ReviewScreen) and screen.plan is None  # still reading
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)  # the review still reading behind it
            assert not app.keys_waiting  # the pagedown held for the packet went with it
            await pilot.press("down")  # and keys reach home again
            await pilot.pause()
            assert not app.keys_waiting
    finally:
        go_on.set()


def slow_review(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[threading.Event, threading.Event]:
    """A signed definition with history whose review waits, once started (`reading`), until
    the test lets it go on (`go_on`)."""
    from workbench.core.services import review

    folder = signed_folder(workdir, None)
    with_history(workdir, folder)
    reading = threading.Event()
    go_on = threading.Event()
    real = review.review_history

    def waiting(*args: Any, **kwargs: Any) -> Any:
        reading.set()
        assert go_on.wait(10), "the test never let the review go on"
        return real(*args, **kwargs)

    monkeypatch.setattr(review, "review_history", waiting)
    return reading, go_on


async def test_escape_on_the_review_closes_the_keys_panel_first(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    """As in the editor: escape pressed to close the palette's "Keys" went back to home."""
    from textual.widgets import HelpPanel

    from tests.tui.pilot_steps import open_keys_panel

    signed_folder(workdir, None)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        await open_keys_panel(pilot)
        assert app.screen is review and review.query(HelpPanel), "the palette showed the keys"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is review and not review.query(HelpPanel)
        await pilot.press("escape")  # no panel: back, as before
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
