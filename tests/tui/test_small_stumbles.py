"""The facilitator's walkthrough at 80x24: a refused value says why where the room looks,
the Sign-off fields show focus and clear 'fix first', the footer keeps Quit, labels fit, and
home says when the review comes back."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Select
from textual.widgets._footer import FooterKey

from tests.tui.pilot_steps import open_first, open_step, settle, type_text
from tests.tui.test_overrides import type_into
from workbench.core.domain.lint import Finding
from workbench.core.domain.templates import from_template
from workbench.core.files import store
from workbench.core.services.signoff import lint_cautions, sign
from workbench.core.services.workshop import Workshop
from workbench.tui.app import WorkbenchApp
from workbench.tui.commands import ScreenActionsProvider
from workbench.tui.components.fields import ChoiceField, TextField
from workbench.tui.components.modals import ConfirmModal
from workbench.tui.components.signoff_pane import finding_text
from workbench.tui.components.status_bar import SuiteStatusBar
from workbench.tui.components.text import PlainText
from workbench.tui.screens.editor import EditorScreen, short_reason
from workbench.tui.screens.home import HomeScreen


def signed(
    workdir: Path,
    review: date | None = None,
    marketing: str = "Dana Reyes, VP Marketing",
    sales: str = "Sam Okafor, VP Sales",
) -> Path:
    """./definitions/acme/v1.toml signed by both sides (review None: 2025-06-30)."""
    path = store.create(from_template("acme", "1m-3m", date(2025, 1, 1)), workdir / "definitions")
    sign(
        store.load_definition(path),
        marketing,
        sales,
        review,
        datetime(2025, 1, 2, 9, tzinfo=UTC),
    )
    return path


def repository(workdir: Path) -> Callable[..., str]:
    """A git repository in `workdir` with a committer; returns a function running git there."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(workdir), *args], check=True, capture_output=True, text=True
        ).stdout

    git("init", "-q")
    git("config", "user.name", "Pat Facilitator")
    git("config", "user.email", "pat@acme.example")
    git("config", "commit.gpgsign", "false")
    return git


async def refuse_a_duplicate_source(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> tuple[str, str, bool]:
    """Type a repeated source into the Fit step at 80x24: the field's error line, the status
    bar, and whether the error line is inside the visible part of the step."""
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        field = next(f for f in app.screen.query(TextField) if f.path == "fit.exclude_sources")
        field.query_one(Input).focus()
        await settle(pilot)
        await type_text(pilot, "Events, events")
        await settle(pilot)
        error = field.query_one(".field-error", PlainText)
        said = str(error.render())
        status = str(app.screen.query_one(SuiteStatusBar).render())
        visible = app.screen.query_one("#pane-fit").scrollable_content_region
        in_view = error.region.height > 0 and visible.contains_region(error.region)
    return said, status, in_view


async def test_a_refused_value_names_the_fields_label(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    said, _status, _in_view = await refuse_a_duplicate_source(make_app, seeded)
    assert said.startswith("✗ Lead sources qualified apart: lead source 'events' repeats")
    assert "fit.exclude_sources" not in said


async def test_the_status_line_says_why_a_value_was_refused(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    _said, status, _in_view = await refuse_a_duplicate_source(make_app, seeded)
    assert "not saved: Fit gate: exclude sources invalid" in status
    assert "✗ Lead sources qualified apart: lead source 'events' repeats 'Events'" in status


async def test_the_refused_values_error_line_is_scrolled_into_view(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    _said, _status, in_view = await refuse_a_duplicate_source(make_app, seeded)
    assert in_view


def test_the_status_line_drops_the_aside() -> None:
    assert short_reason("X: 'b' repeats 'B' (compared ignoring case)") == "X: 'b' repeats 'B'"
    assert short_reason("X: must be at least 1") == "X: must be at least 1"


async def open_sign_off(pilot: Pilot[None]) -> EditorScreen:
    return await open_step(pilot, "signoff")


def label_of(screen: EditorScreen, key: str) -> str:
    field = screen.query_one(f"#{key}", Input).parent
    assert field is not None
    return str(field.query_one(".field-label", Label).render())


async def test_sign_off_fields_mark_focus_in_words(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sign_off(pilot)
        screen.query_one("#sl-role", Input).focus()
        await settle(pilot)
        assert label_of(screen, "sl-role") == "» Sales: role"
        assert label_of(screen, "sl-name") == "Sales: name"
        screen.query_one("#sl-name", Input).focus()
        await settle(pilot)
        assert label_of(screen, "sl-role") == "Sales: role"
        assert label_of(screen, "sl-name") == "» Sales: name"


async def test_fix_the_fields_first_clears_once_they_are_fixed(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("acme", "3m-10m")
    # Questions carried over push the signer fields below the fold at 80x24.
    path.write_text(
        path.read_text(encoding="utf-8")
        + "".join(f'\n[[questions]]\ntext = "Question {n}?"\n' for n in range(12)),
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sign_off(pilot)
        pane = screen.query_one("#pane-signoff")
        opened = screen.query_one("#mk-name", Input)
        assert app.focused is opened and pane.region.contains_region(opened.region)
        pane.scroll_home(animate=False)  # the room scrolls up to read what changed
        await settle(pilot)
        await pilot.press("ctrl+s")  # every signer field empty: refused
        await settle(pilot)
        sign_error = screen.query_one("#sign-error", PlainText)
        assert "fix the fields marked above first" in str(sign_error.render())
        # At 80x24 the marks were below the fold and ctrl+s looked like it did nothing: the
        # cursor goes to the first field to fix, in view.
        first = screen.query_one("#mk-name", Input)
        assert app.focused is first
        assert pane.region.contains_region(first.region), (pane.region, first.region)
        for key, text in (("mk-name", "Dana"), ("mk-role", "VP"), ("sl-name", "Sam")):
            screen.query_one(f"#{key}", Input).focus()
            await settle(pilot)
            await type_text(pilot, text)
            await settle(pilot)
            assert "fix the fields" in str(sign_error.render())  # not all fixed yet
        screen.query_one("#sl-role", Input).focus()
        await type_text(pilot, "VP")
        await settle(pilot)
        assert str(sign_error.render()) == ""


async def test_the_footer_keeps_quit_in_sight_on_a_signed_version(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    signed(workdir, date(2026, 9, 30))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen) and screen.workshop.read_only
        await settle(pilot)
        keys = list(screen.query_one(Footer).query(FooterKey))
        palette = next(k for k in keys if k.has_class("-command-palette"))
        shown = {k.description: k.region for k in keys if not k.has_class("-command-palette")}
        assert "Quit" in shown and "New version" in shown
        assert all(region.right <= palette.region.x for region in shown.values()), shown
        # The keys out of the footer stay in the palette, less what a signed version
        # refuses (parking a question, changing a case: the key still says why).
        labels = [label for label, _a, _h in ScreenActionsProvider(screen)._commands()]
        assert "Back" in labels and "Cases" in labels
        assert "Question" not in labels


async def test_the_fit_labels_fit_at_80_columns_and_say_no_article_number(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        fields = list(app.screen.query_one("#pane-fit").query(TextField))
        room = {f.path: f.content_region.width for f in fields}
        sources = next(f for f in fields if f.path == "fit.exclude_sources")
        help_text = str(sources.query_one(".field-help", PlainText).render())
    for field in fields:  # the focus mark "» " included
        assert len(field.label_text) + 2 <= room[field.path], field.label_text
    assert "(002)" not in help_text
    assert "get their own qualification" in help_text


async def test_home_says_when_the_review_comes_back_and_the_palette_names_it(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    signed(workdir, date(2026, 9, 30))  # the app's clock: 2026-05-04, not due
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        detail = str(home.query_one("#home-detail", PlainText).render())
        assert "next review by 2026-09-30: R opens it early" in detail
        assert [c[0] for c in home.PALETTE_COMMANDS] == ["Review acme: early, next by 2026-09-30"]
        # The table's last column cut the second signer at 80 columns: the detail says both.
        assert "signed by Dana Reyes + Sam Okafor" in detail


async def test_home_names_whose_signatures_stand_beside_a_draft(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    signed(workdir)
    store.new_version(workdir / "definitions", "acme", date(2025, 3, 1))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        detail = str(app.screen.query_one("#home-detail", PlainText).render())
    assert "v1 signed by Dana Reyes + Sam Okafor" in detail


async def test_the_palette_review_entry_names_the_definition(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    signed(workdir)  # review 2025-06-30: overdue by the app's clock
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        labels = {a: label for label, a, _h in ScreenActionsProvider(home)._commands()}
    assert labels["review"] == "Review acme: 2025-03-31 OVERDUE by 399d"


async def test_the_footer_keeps_quit_in_sight_when_the_file_changed_on_disk(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        assert screen.workshop.apply("fit.min_employees", "75").ok  # an edit not saved
        screen.workshop.conflict = "changed on disk"  # what watch_disk sets
        screen.update_banner()
        screen.refresh_bindings()
        await settle(pilot)
        keys = list(screen.query_one(Footer).query(FooterKey))
        palette = next(k for k in keys if k.has_class("-command-palette"))
        shown = {k.description: k.region for k in keys if not k.has_class("-command-palette")}
        left_of_palette = palette.region.x
    assert {"Reload", "New version", "Quit"} <= set(shown)
    assert all(region.right <= left_of_palette for region in shown.values()), shown


async def test_a_tier_2_combination_is_shown_and_typed_in_the_rooms_words(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # The template's third tier 2 rule is "case study view with a pricing page view in one
    # session". The step showed only its kind, count and window: changing the kind kept a
    # condition nobody on screen could see. It is shown, and typed, in words.
    path = seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "triggers")
        field = screen.query_one("#field-triggers-tier2-2-together", TextField)
        box = field.query_one(Input)
        assert box.value == "pricing page view"

        async def retype(text: str) -> None:
            await type_into(pilot, "#field-triggers-tier2-2-together", "")
            await pilot.press("end", *["backspace"] * len(box.value))
            await type_text(pilot, text)
            await settle(pilot)

        await retype("blog visit, Webinar  Attended")
        rule = screen.workshop.definition.triggers.tier2[2]
        assert rule.together == ["blog_visit", "webinar_attended"]
        await retype("podcast")
        assert field.has_class("-invalid"), "not a kind: refused where typed"
        said = str(field.query_one(".field-error", PlainText).render())
        assert "Same session as: 'podcast' is not one of" in said, said
        assert "pricing page view" in said and "pricing_page_view" not in said, said
        await retype("")
        await pilot.press("tab")
        await settle(pilot)
    assert store.load_definition(path).definition.triggers.tier2[2].together == []


async def test_a_review_date_in_the_format_but_not_on_the_calendar_says_so(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # "2027-02-30" is written as YYYY-MM-DD; "expected a date as YYYY-MM-DD" sent the room
    # looking at the format instead of at February.
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(pilot, "signoff")
        box = app.screen.query_one("#review-date", Input)
        box.focus()
        await pilot.press("end", *["backspace"] * len(box.value))
        await type_text(pilot, "2027-02-30")
        await settle(pilot)
        said = str(app.screen.query_one("#review-date-error", PlainText).render())
        assert "2027-02-30 is not a day of the calendar: February 2027 has 28 days" in said
        assert "out of range" not in said, said
        await pilot.press(*["backspace"] * 10)
        await type_text(pilot, "2027-2-3")
        await settle(pilot)
        said = str(app.screen.query_one("#review-date-error", PlainText).render())
        assert "expected a date as YYYY-MM-DD" in said, said


async def test_a_kind_refused_over_its_combination_is_taken_once_the_combination_is_cleared(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # Rule 3 is "case study view with pricing page view in one session". Its kind set to
    # pricing page view is refused (the rule would repeat its own kind); clearing "Same
    # session as", as the refusal says, must let the kind on screen be taken, not leave it
    # refused with the draft unsaved.
    seeded("acme", "3m-10m")
    app = make_app(save_delay=30.0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "triggers")
        kind = screen.query_one("#field-triggers-tier2-2-kind", ChoiceField)
        kind.query_one(Select).value = "pricing_page_view"
        await settle(pilot)
        assert kind.has_class("-invalid")
        together = screen.query_one("#field-triggers-tier2-2-together", TextField)
        box = together.query_one(Input)
        await type_into(pilot, "#field-triggers-tier2-2-together", "")
        await pilot.press("end", *["backspace"] * len(box.value), "tab")
        await settle(pilot)
        assert not kind.has_class("-invalid")
        rule = screen.workshop.definition.triggers.tier2[2]
        assert (rule.kind, rule.together) == ("pricing_page_view", [])
        assert not screen.invalid


async def test_sign_off_lists_what_check_will_warn_about_before_signing(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # The framework's warnings (an SLA slower than it asks) were printed only by `check`
    # and `lint`, after the room had signed. The Sign-off step lists them beside what blocks
    # signing, and drops one once an edit answers it. A template's draft has none to list.
    path = seeded("acme", "3m-10m")
    workshop = Workshop.open(path)
    assert workshop.apply("sla.sales.decide_within_hours", 72).ok
    workshop.save()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sign_off(pilot)
        cautions = screen.query_one("#signoff-cautions", PlainText)
        said = str(cautions.render())
        assert cautions.display, "the section is shown"
        assert "sla.sales.decide_within_hours: the SDR accepts or rejects within 72 hours" in said
        assert "(sla-weaker-than-framework)" in said
        assert "clause-without-evidence" not in said  # the data section says those
        assert screen.workshop.apply("sla.sales.decide_within_hours", 24).ok
        screen.after_change([], "sla.sales.decide_within_hours")
        await settle(pilot)
        assert not cautions.display and str(cautions.render()).strip() == ""


async def test_a_sign_off_refused_for_what_check_fails_says_why_in_view(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # A demo request both tier 1 and scored: signing is refused (check would fail it). At
    # 80x24 the refusal sat below the visible part of the step, and named no clause. The step
    # says so before sign is pressed, and forgets the refusal once an edit answers it (a
    # facilitator saw "5 edge case(s) fail" stay with every case passing).
    path = seeded("acme", "3m-10m")
    workshop = Workshop.open(path)
    assert workshop.apply("scoring.activity_points.demo_request", 30).ok
    workshop.save()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sign_off(pilot)
        blockers = screen.query_one("#signoff-blockers", PlainText)
        said = str(blockers.render())
        assert blockers.display and "scoring.activity_points.demo_request: " in said
        assert "(demo-request-scored)" in said
        for key, text in (
            ("mk-name", "Dana Reyes"),
            ("mk-role", "VP Marketing"),
            ("sl-name", "Sam Ortiz"),
            ("sl-role", "VP Sales"),
        ):
            screen.query_one(f"#{key}", Input).focus()
            await settle(pilot)
            await type_text(pilot, text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.pause(0.2)
        sign_error = screen.query_one("#sign-error", PlainText)
        said = str(sign_error.render())
        assert "scoring.activity_points.demo_request: demo-request-scored" in said, said
        pane = screen.query_one("#pane-signoff")
        assert sign_error.region.overlaps(pane.region), "the refusal is in view"
        assert not store.load_definition(path).definition.is_signed
        assert screen.workshop.apply("scoring.activity_points.demo_request", 0).ok
        screen.after_change([], "scoring.activity_points.demo_request")
        await settle(pilot)
        assert not blockers.display and str(blockers.render()).strip() == ""
        assert str(sign_error.render()).strip() == ""


async def test_home_keeps_the_review_date_in_sight_beside_long_names(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    # Long signer names used to push the Review by column past 80 columns.
    long_names = ("Maria Lopez-Fernandez, VP Marketing", "Samuel Okonkwo-Chen, VP Sales")
    signed(workdir, date(2026, 9, 30), *long_names)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#definitions", DataTable)
        shown = table.scrollable_content_region.width
        right = 0
        for key, column in table.columns.items():
            right += column.get_render_width(table)
            if key.value == "review":
                break
        assert right <= shown, f"the review date ends at column {right} of {shown}"
        assert "2026-09-30" in str(table.get_row_at(0)[4])


async def test_home_reminds_a_signed_version_is_not_committed_and_commits_it(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    # "Not now" after signing left nothing on screen to say the file was outside git.
    git = repository(workdir)
    path = signed(workdir)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        detail = str(home.query_one("#home-detail", PlainText).render())
        assert "signed but not committed to git: press c" in detail
        assert "press R to review" in detail  # said beside, not instead of, the review
        assert home.check_action("commit", ()) is True
        said: list[str] = []
        notify = app.notify

        def recording(message: str, **kwargs: Any) -> None:
            said.append(str(kwargs.get("title")))
            notify(message, **kwargs)

        app.notify = recording  # type: ignore[method-assign]
        await pilot.press("c")
        # git takes seconds on a loaded machine: it is said at once, before git is done.
        assert said[:1] == ["Committing"], said
        await app.workers.wait_for_complete()
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        detail = str(home.query_one("#home-detail", PlainText).render())
        assert "not committed" not in detail
        assert home.check_action("commit", ()) is False
        assert said == ["Committing", "Committed"], said
    assert git("log", "--format=%s", "--", str(path)).strip() == "Sign MQL definition acme v1"
    assert git("status", "--porcelain").strip() == ""


async def test_a_draft_of_the_next_version_does_not_hide_an_uncommitted_signed_one(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    # "Not now" at signing, then v on home: the v2 draft hid the reminder that v1 was not in git.
    git = repository(workdir)
    v1 = signed(workdir)
    v2 = store.new_version(workdir / "definitions", "acme", date(2025, 2, 1))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        detail = str(home.query_one("#home-detail", PlainText).render())
        assert "v1 signed but not committed to git: press c" in detail
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        detail = str(home.query_one("#home-detail", PlainText).render())
        assert "not committed" not in detail
    assert git("log", "--format=%s", "--", str(v1)).strip() == "Sign MQL definition acme v1"
    assert (
        git("status", "--porcelain", "--untracked-files=all")
        .strip()
        .endswith(v2.relative_to(workdir).as_posix())
    )  # the draft is not committed with it


async def test_home_offers_no_commit_of_a_signed_version_edited_since_signing(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    # Review: with a v2 draft, a hand-edited v1 was offered as "signed but not committed",
    # and c committed the tampered file as "Sign MQL definition acme v1".
    git = repository(workdir)
    v1 = signed(workdir)
    git("add", str(v1))
    git("commit", "-qm", "Sign MQL definition acme v1")
    store.new_version(workdir / "definitions", "acme", date(2025, 2, 1))
    text = v1.read_text(encoding="utf-8")
    v1.write_text(text.replace("min_employees = ", "min_employees = 1", 1), encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "v1 ALTERED" in [row.status for row in home.rows]
        detail = str(home.query_one("#home-detail", PlainText).render())
        assert "not committed" not in detail
        assert home.check_action("commit", ()) is False
    assert git("log", "--format=%s").strip().splitlines() == ["Sign MQL definition acme v1"]


async def test_the_fit_step_of_a_segmented_draft_says_whom_it_decides(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "10m-30m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        scope = app.screen.query_one("#fit-scope", PlainText)
        assert scope.display
        assert "applies to Mid-market (200-999)" in str(scope.render())


async def test_the_palette_offers_actions_not_a_fields_editing_keys(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # With the cursor in a field, the palette listed Textual's own keys ("Move cursor left",
    # "Scroll Up"...) that our input and pane classes inherit.
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.focused, Input)
        labels = [label for label, _a, _h in ScreenActionsProvider(app.screen)._commands()]
        assert "Go to step 5: Edge cases (F5)" in labels and "Sign-off" in " ".join(labels)
        assert not {"Move cursor left", "Scroll Up", "Page Down", "Delete all to the left"} & set(
            labels
        ), labels


async def test_a_steps_number_outside_a_field_goes_to_it_and_a_field_keeps_its_digits(
    workdir: Path, make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # The tab bar read "1 Stage … 3 Triggers"; pressing 3 there did nothing (only F3 did). The
    # tabs now name the F-keys ("F3 Triggers"); the digit still works where it is no field's.
    signed(workdir)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)  # a signed version opens with the cursor on the tab bar
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        assert not isinstance(screen.focused, Input)
        await pilot.press("3")
        await settle(pilot)
        assert screen._tabs().active == f"step-{screen.steps()[2][0]}"
    seeded("globex", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        await pilot.press("down")  # globex, a draft: opens with the cursor in its first field
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        field = screen.focused
        assert isinstance(field, Input)
        before = field.value
        await pilot.press("end", "3")
        await settle(pilot)
        assert screen._tabs().active == f"step-{screen.steps()[0][0]}"
        assert field.value == before + "3"
        # Review: a dropdown is a field too; 3 on it switched to Triggers.
        await pilot.press("f2")
        await settle(pilot)
        dropdown = screen.query_one("#pane-fit").query(Select).first()
        dropdown.focus()
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert screen._tabs().active == "step-fit"


async def test_a_toast_shows_gits_summary_whole(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # "[main 1a2b3c4] Sign MQL definition acme v2" showed as " Sign MQL definition acme v2":
    # the part in square brackets was read as markup.
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.notify("[main 1a2b3c4] Sign MQL definition acme v2", title="Committed")
        await settle(pilot)
        [toast] = list(app._notifications)
        assert toast.message == "[main 1a2b3c4] Sign MQL definition acme v2"
        assert not toast.markup  # drawn as it is written (run_test draws no toasts to look at)


async def test_homes_palette_lists_quit_once_and_no_field_keys(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        labels = [label for label, _a, _h in ScreenActionsProvider(app.screen)._commands()]
        assert labels.count("Quit") == 1, labels
        assert "Next field" not in labels and "Previous field" not in labels, labels


async def test_ctrl_c_says_how_to_quit_in_plain_words_and_the_palette_has_one_quit(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # Review: with every toast plain text, Textual's ctrl+c toast read "Press [b]q[/b] to quit".
    from textual.command import CommandList

    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert said == ["Press ctrl+q to quit the workbench."], said
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "quit")
        await app.workers.wait_for_complete()
        await settle(pilot)
        listed = app.screen.query_one(CommandList)
        shown = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        # Home's own q (the same app.quit) is the one listed: the screen's come before the app's.
        assert [s for s in shown if s.startswith("Quit")] == ["Quit\nLeave the workbench."], shown


async def test_tab_from_the_tab_bar_lands_in_a_field_and_page_keys_still_scroll_the_step(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # Tab stopped on the step itself, between the tab bar and the first field, with nothing
    # drawn as focused.
    from workbench.tui.components.steps import DefinitionPane

    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("shift+tab")  # from the first field back to the tab bar
        await settle(pilot)
        assert type(app.focused).__name__ == "ContentTabs", app.focused
        await pilot.press("tab")
        await settle(pilot)
        assert not isinstance(app.focused, DefinitionPane), app.focused
        assert isinstance(app.focused, Input)
        pane = app.screen.query_one("#pane-fit", DefinitionPane)
        assert pane.scroll_y == 0
        await pilot.press("pagedown")
        await settle(pilot)
        assert pane.scroll_y > 0


async def test_the_editors_palette_offers_quit_when_nothing_has_the_cursor(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # Review: with Textual's own Quit dropped, the palette had none when no widget had focus.
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        app.screen.set_focus(None)
        await settle(pilot)
        labels = [label for label, _a, _h in ScreenActionsProvider(app.screen)._commands()]
        assert labels.count("Quit") == 1, labels


async def test_home_refuses_to_commit_a_file_edited_after_the_reminder(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    git = repository(workdir)
    v1 = signed(workdir)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert home.check_action("commit", ()) is True
        text = v1.read_text(encoding="utf-8")
        v1.write_text(text.replace("min_employees = ", "min_employees = 1", 1), encoding="utf-8")
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        titles = [n.title for n in app._notifications]
        assert titles[-1:] == ["Not committed"] and "Committed" not in titles, titles
    assert git("status", "--porcelain").startswith("??")  # still outside git


async def test_the_palette_offers_quit_last_so_ctrl_p_enter_does_not_leave(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        home_labels = [label for label, _a, _h in ScreenActionsProvider(home)._commands()]
        await open_first(pilot)
        editor_labels = [label for label, _a, _h in ScreenActionsProvider(app.screen)._commands()]
    assert home_labels[0] == "New definition" and home_labels[-1] == "Quit"
    assert editor_labels.count("Quit") == 1 and editor_labels[-1] == "Quit"


async def test_a_signer_name_holding_a_colon_is_not_read_as_a_version(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    signed(workdir, marketing="Ana: Ruiz, VP Marketing")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        detail = str(app.screen.query_one("#home-detail", PlainText).render())
    assert "signed by Ana: Ruiz + Sam Okafor" in detail


async def test_a_toast_leaves_the_status_bar_readable(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # "Saved; backtesting now." covered the status line's end: "saved 07:▌".
    from textual.widgets._toast import Toast

    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_first(pilot)
        app.notify("Saved; backtesting now.", title="Evidence")
        await settle(pilot)
        toast = app.screen.query_one(Toast)
        status = app.screen.query_one(SuiteStatusBar)
        assert toast.region.bottom <= status.region.y, (toast.region, status.region)


async def test_the_stage_step_offers_to_set_only_another_stage(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # "Press enter to set this stage" stood under the definition's own stage, an action that
    # does nothing, on the follow seat too.
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "stage")
        guidance = app.screen.query_one("#stage-guidance", PlainText)
        assert "(this definition)" in guidance.shown and "Press enter" not in guidance.shown
        stages = app.screen.query_one("#stage-list", OptionList)
        stages.focus()
        await pilot.press("down")
        await settle(pilot)
        assert "Press enter to set this stage" in guidance.shown


async def test_a_stage_set_keeps_the_cursor_and_the_guidance_on_it(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # The step is rebuilt after enter sets a stage: its new list began on pre-1m, the guidance
    # below read "Pre-$1M ARR", and a second enter would have set that.
    seeded("acme", "pre-1m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, "stage")
        app.screen.query_one("#stage-list", OptionList).focus()
        for key in ("down", "down", "down", "enter"):
            await pilot.press(key)
        await settle(pilot)
        assert app.screen.workshop.definition.stage == "10m-30m"  # type: ignore[attr-defined]
        stages = app.screen.query_one("#stage-list", OptionList)
        assert stages.highlighted == 3
        guidance = app.screen.query_one("#stage-guidance", PlainText).shown
        assert guidance.startswith("$10-30M ARR (this definition)"), guidance
        assert app.focused is stages  # and it has the cursor: up and enter set the one above
        await pilot.press("up", "enter")
        await settle(pilot)
        assert app.screen.workshop.definition.stage == "3m-10m"  # type: ignore[attr-defined]


async def test_home_puts_the_cursor_on_the_definition_the_room_just_left(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # Back from signing the second definition, home's cursor sat on the first row, so `c`
    # (commit) and the "signed but not committed" line were for another definition.
    seeded("alpha", "3m-10m")
    zeta = seeded("zeta", "1m-3m")
    async with make_app().run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#definitions", DataTable)
        assert table.cursor_row == 0
        # As `n` does once the new definition is written: opened, the home cursor elsewhere.
        app = pilot.app
        assert isinstance(app, WorkbenchApp)
        app.open_definition(zeta)
        await settle(pilot)
        assert isinstance(pilot.app.screen, EditorScreen)
        assert pilot.app.screen.workshop.definition.slug == "zeta"
        await pilot.press("escape")
        await settle(pilot)
        table = pilot.app.screen.query_one("#definitions", DataTable)
        assert table.get_row_at(table.cursor_row)[0] == "zeta"
        await pilot.press("up")  # the room's own cursor holds from then on
        await settle(pilot)
        assert table.get_row_at(table.cursor_row)[0] == "alpha"


async def test_quitting_asks_before_losing_signers_typed_but_not_signed(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """Both names and roles typed, ctrl+q: the app closed without a word and the next
    morning the four fields were empty. It asks first; the safe answer stays."""
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sign_off(pilot)
        screen.query_one("#mk-name", Input).focus()
        await type_text(pilot, "Dana Reyes")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal), "quitting with typed signers asks first"
        assert "Dana Reyes" in app.screen.question and "acme v1" in app.screen.question
        await pilot.press("enter")  # "Stay"
        await settle(pilot)
        stayed: object = app.screen  # (mypy narrowed it to the question above)
        assert stayed is screen and not app._exit
        assert screen.query_one("#mk-name", Input).value == "Dana Reyes"
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.click("#answer-lose")
        await settle(pilot)
        assert app._exit, "the room chose to quit"


async def test_quitting_right_after_a_name_asks_and_asks_once(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """ "Dana" and ctrl+q sent at once: the keys had not reached the app's memory of the
    names, and it quit without asking. ctrl+q again over the question stacked a second."""
    from tests.tui.test_typing import send

    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sign_off(pilot)
        screen.query_one("#mk-name", Input).focus()
        await settle(pilot)
        await send(pilot, [*"Dana", "ctrl+q"], 0.0)
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal), "the names typed are asked about"
        assert "(Dana)" in app.screen.question
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert sum(isinstance(s, ConfirmModal) for s in app.screen_stack) == 1
        await pilot.press("enter")  # "Stay"
        await settle(pilot)
        stayed: object = app.screen
        assert stayed is screen and not app._exit


async def test_quitting_without_typed_signers_does_not_ask(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sign_off(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert app._exit and not isinstance(app.screen, ConfirmModal)


def test_sign_off_names_a_findings_clause_once() -> None:
    """ "⚠ sla.sales.response_minutes.demo_request: sla.sales.response_minutes.demo_request is
    10 minutes…": a message that starts with its clause is not given it again; one that does
    not is."""
    draft = from_template("acme", "3m-10m", date(2026, 1, 5))
    sales = draft.sla.sales.model_copy(
        update={"response_minutes": {**draft.sla.sales.response_minutes, "demo_request": 10}}
    )
    draft = draft.model_copy(update={"sla": draft.sla.model_copy(update={"sales": sales})})
    (slow,) = [
        f
        for f in lint_cautions(draft, [], date(2026, 1, 5))
        if f.clause == "sla.sales.response_minutes.demo_request"
    ]
    said = finding_text(slow)
    assert said.count("sla.sales.response_minutes.demo_request") == 1, said
    assert said.startswith("sla.sales.response_minutes.demo_request is 10 minutes")
    other = Finding("no-edge-cases", "warning", "cases", "no edge cases show it", "")
    assert finding_text(other) == "cases: no edge cases show it (no-edge-cases)"


async def test_home_lists_a_version_made_beside_it(
    workdir: Path, make_app: Callable[..., WorkbenchApp]
) -> None:
    # `workbench new-version acme` in another terminal made v2: home still said "v1 signed",
    # and `v` then said "a draft already exists (v2)". Only `r` showed it.
    from workbench.core.services.versions import start_new_version

    path = signed(workdir)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert [(r.latest_version, r.status) for r in home.rows] == [(1, "signed")]
        reads = home._reads
        home._follow_folder()  # the folder as it was: not read again
        assert home._reads == reads
        start_new_version(path, date(2025, 2, 1))
        home._follow_folder()  # what the timer does every FOLLOW_SECONDS
        await settle(pilot)
        assert [(r.latest_version, r.status) for r in home.rows] == [(2, "draft")]
        # A definition added above the one under the cursor: the cursor stays on its own
        # (by position it moved onto the new one, which enter, v, c or R then acted on).
        store.create(from_template("aaa", "3m-10m", date(2025, 1, 1)), workdir / "definitions")
        home._follow_folder()
        await settle(pilot)
        assert [r.slug for r in home.rows] == ["aaa", "acme"]
        selected = home.selected()
        assert selected is not None and selected.slug == "acme"
        # Under the editor home is not on top: it does not read the folder on every save.
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not home
        reads = home._reads
        store.create(from_template("zzz", "3m-10m", date(2025, 1, 1)), workdir / "definitions")
        home._follow_folder()
        assert home._reads == reads
