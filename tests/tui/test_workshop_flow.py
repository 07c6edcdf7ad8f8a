"""Drive whole workshops through the app by key presses, and the ways they can go wrong."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Select, TabbedContent
from typer.testing import CliRunner

from tests.tui.pilot_steps import keys_handed_on, open_first, settle, type_text
from workbench.cli import app as cli_app
from workbench.core.domain.stages import STAGES
from workbench.core.files import store
from workbench.core.services.signoff import sign
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.modals import ConfirmModal, NewDefinitionModal
from workbench.tui.components.status_bar import SuiteStatusBar
from workbench.tui.components.text import PlainText
from workbench.tui.screens.editor import EditorScreen
from workbench.tui.screens.home import HomeScreen

STAGE_IDS = list(STAGES)
# The 3m-10m template's edge cases: the framework's eight and the ones later issues added.


async def replace_input(pilot: Pilot[None], text: str, old_length: int = 8) -> None:
    """Clear the focused input with backspaces and type a new value, as a person would."""
    await pilot.press("end", *["backspace"] * old_length)
    await type_text(pilot, text)
    await settle(pilot)


async def edit_after_a_change_on_disk(pilot: Pilot[None], path: Path) -> str:
    """Someone else (or git) changes the draft while the room edits it: 75 typed into the
    minimum employees afterwards. The file's text as the other writer left it."""
    foreign = path.read_text(encoding="utf-8").replace('name = "acme inbound"', 'name = "theirs"')
    path.write_text(foreign, encoding="utf-8")
    await pilot.press("ctrl+n")
    await settle(pilot)
    await replace_input(pilot, "75")
    return foreign


def status_text(app: WorkbenchApp) -> str:
    return str(app.screen.query_one(SuiteStatusBar).render())


def focused_input(app: WorkbenchApp) -> Input:
    focused = app.focused
    assert isinstance(focused, Input), f"focus is on {focused!r}, not an input"
    return focused


async def create_definition(pilot: Pilot[None], slug: str, stage: str) -> None:
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, NewDefinitionModal)
    await type_text(pilot, slug)
    await pilot.press("enter")  # to the name
    await type_text(pilot, "Room draft")
    await pilot.press("enter")  # to the stage list, which starts on 3m-10m
    await pilot.press("up", "up", *["down"] * STAGE_IDS.index(stage), "enter")
    await settle(pilot)


async def fill_signers(
    pilot: Pilot[None], marketing: tuple[str, str], sales: tuple[str, str]
) -> None:
    for value in (*marketing, *sales):
        await type_text(pilot, value)
        await pilot.press("tab")
    await settle(pilot)


@pytest.mark.parametrize("stage", STAGE_IDS)
async def test_whole_workshop_from_blank_folder_to_signed_file(
    stage: str, make_app: Callable[..., WorkbenchApp], workdir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "does not exist yet" in str(app.screen.query_one("#home-intro", PlainText).render())

        await create_definition(pilot, "acme", stage)
        assert isinstance(app.screen, EditorScreen)
        path = workdir / "definitions" / "acme" / "v1.toml"
        assert path.exists()
        assert app.screen.workshop.definition.stage == stage
        assert "edge cases" in status_text(app) and "passing" in status_text(app)
        total = len(app.screen.workshop.suite.results)
        assert f"{total}/{total} passing" in status_text(app)

        # Edit a clause: raise the minimum company size above the chatbot visitor's 300.
        original = app.screen.workshop.definition.fit.min_employees
        await pilot.press("ctrl+n")  # step 2, the fit gate; the cursor lands in min employees
        await settle(pilot)
        parent = focused_input(app).parent
        assert parent is not None and parent.id == "field-fit-min-employees"
        await replace_input(pilot, "600")
        text = status_text(app)
        assert f"{total}/{total} passing" not in text
        assert "PASS→FAIL" in text and "Fit gate: minimum employees" in text, (
            "the flip names its clause"
        )
        assert not app.screen.workshop.suite.by_name()["chatbot-pricing-visitor"].passed
        on_disk = store.load_definition(path).definition
        assert on_disk.fit.min_employees == 600, "the edit was autosaved"

        # Fix it: back to the template's value, and every case passes again.
        await replace_input(pilot, "" if original is None else str(original))
        text = status_text(app)
        assert f"{total}/{total} passing" in text
        assert "FAIL→PASS" in text

        # Sign both sides.
        await pilot.press("ctrl+s")
        await settle(pilot)
        await fill_signers(pilot, ("Dana Reyes", "VP Marketing"), ("Sam Ortiz", "VP Sales"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal), "after signing the app says what to commit"
        assert "git commit" in app.screen.question
        await pilot.press("enter")
        await settle(pilot)

    loaded = store.load_definition(path)
    assert loaded.definition.is_signed
    assert loaded.integrity == "intact"
    assert loaded.definition.fit.min_employees == original
    signoff = loaded.definition.signoff
    assert signoff is not None
    assert (signoff.marketing.name, signoff.sales.role) == ("Dana Reyes", "VP Sales")
    assert signoff.review_date.isoformat() == "2026-06-30", "default: the end of this quarter"
    result = CliRunner().invoke(cli_app, ["test", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{total} passed, 0 failed" in result.output


async def test_signing_is_refused_while_a_case_fails(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await replace_input(pilot, "600")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await fill_signers(pilot, ("Dana Reyes", "VP Marketing"), ("Sam Ortiz", "VP Sales"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = str(app.screen.query_one("#sign-error", PlainText).render())
        assert "edge case(s) fail" in error
        assert "chatbot-pricing-visitor" in error
    assert not store.load_definition(path).definition.is_signed


async def test_signing_needs_both_sides(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("acme", "1m-3m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await fill_signers(pilot, ("Dana Reyes", "VP Marketing"), ("", ""))
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert "required" in str(screen.query_one("#sl-name-error", PlainText).render())
        assert "fix the fields" in str(screen.query_one("#sign-error", PlainText).render())
    assert not store.load_definition(path).definition.is_signed


async def test_quit_with_an_unapplied_change_asks_first(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await replace_input(pilot, "5000")  # above the maximum of 1000: not applied
        field_error = app.screen.query_one("#field-fit-min-employees .field-error", PlainText)
        assert "above the maximum" in str(field_error.render())
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "Fit gate: minimum employees" in app.screen.question  # the room's words
        # "lose it" is that value: a room read it as every edit of the session.
        assert "The room's other edits are saved." in app.screen.question
        await pilot.press("escape")  # stay
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        assert app.is_running
        # Refused, "5000" takes its keys out of the draft: the 50 from before them.
        assert screen.workshop.definition.fit.min_employees == 50
    # 5000 never reached the file; 500 only if a pause saved it on the way.
    assert store.load_definition(path).definition.fit.min_employees in (50, 500)


async def test_quit_over_a_dialog_still_asks_about_an_unapplied_change(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """ctrl+q with the park-a-question dialog open quit at once: the editor under it, and
    its question about "5000" not applied, were skipped."""
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await replace_input(pilot, "5000")  # above the maximum of 1000: not applied
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal), "quitting asks first"
        assert "Fit gate: minimum employees" in app.screen.question
        assert not app._exit
        # ctrl+q again over the question asks nothing more (each had to be answered).
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert sum(isinstance(s, ConfirmModal) for s in app.screen_stack) == 1


async def test_quit_over_a_dialog_does_not_offer_a_new_version_under_it(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """The file changed on disk, and ctrl+q pressed over the park-a-question dialog: "Keep
    as new version" opened the new editor on top of the dialog of the file left behind."""
    path = seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await edit_after_a_change_on_disk(pilot, path)
        editor = app.screen
        assert isinstance(editor, EditorScreen) and editor.workshop.conflict
        assert "new-version" in [a for a, _label in editor.leave_answers("Quit")]
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "new-version" not in [a for a, _label in app.screen.answers]


async def test_a_file_changed_on_disk_is_not_overwritten(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        foreign = await edit_after_a_change_on_disk(pilot, path)
        banner = str(app.screen.query_one("#banner", PlainText).render())
        assert "changed on disk" in banner
        assert "ctrl+g offers to save them as a copy" in banner  # the disk's is a draft
        assert "NOT SAVED" in status_text(app)
        assert path.read_text(encoding="utf-8") == foreign, "their change is intact"
        # The draft on disk is still a draft: a second one would compete with it, so the
        # app says why and keeps the room's edits as a copy instead.
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "a draft already exists" in app.screen.question
        await pilot.click("#answer-copy")
        await settle(pilot)
        await pilot.press("enter")  # the suggested path
        await settle(pilot)
    assert sorted(p.name for p in path.parent.iterdir()) == ["v1.toml"]
    (copy,) = (Path.cwd() / "rescued").iterdir()
    assert copy.name == "acme-v1-unsaved-20260504-093000.toml"
    assert store.load_definition(copy).definition.fit.min_employees == 75
    assert store.load_definition(path).definition.name == "theirs"


async def test_a_file_another_program_changed_with_nothing_unsaved_is_reloaded_in_place(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """`fit-scoring --write` rewrote the draft the room had open and saved: the banner said
    "your edits are NOT saved" and offered ctrl+g, which cannot work on a draft; ctrl+r then
    went back to step 1."""
    path = seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")  # the Fit step
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        text = path.read_text(encoding="utf-8").replace("min_employees = 50", "min_employees = 60")
        path.write_text(text, encoding="utf-8")
        screen.watch_disk()
        await settle(pilot)
        banner = str(screen.query_one("#banner", PlainText).render())
        status = status_text(app)
        offered = {b.binding.action for b in screen.active_bindings.values() if b.enabled}
        await pilot.press("ctrl+r")
        await settle(pilot)
        step = screen.query_one("#steps").active  # type: ignore[attr-defined]
        shown = screen.workshop.definition.fit.min_employees
    assert "had nothing unsaved: ctrl+r shows it" in banner and "NOT saved" not in banner
    assert "nothing unsaved" in status and "NOT SAVED" not in status  # it shouted before
    assert "reload" in offered and "new_version" not in offered
    assert step == "step-fit" and shown == 60


async def test_edits_to_a_draft_signed_meanwhile_become_the_next_version(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], fixed_now: datetime
) -> None:
    path = seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        # The sales lead signs the draft from the command line while the room edits it.
        sign(
            store.load_definition(path),
            "Dana Reyes, VP Marketing",
            "Sam Ortiz, VP Sales",
            None,
            fixed_now,
        )
        await pilot.press("ctrl+n")
        await settle(pilot)
        await replace_input(pilot, "75")
        assert "NOT SAVED" in status_text(app)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen) and app.screen.workshop.path.name == "v2.toml"
    kept = store.load_definition(path.parent / "v2.toml").definition
    assert (kept.fit.min_employees, kept.supersedes, kept.status) == (75, 1, "draft")
    assert store.load_definition(path).integrity == "intact"


async def test_signed_version_is_read_only_and_offers_a_new_version(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], fixed_now: datetime
) -> None:
    path = seeded("acme", "3m-10m")
    sign(
        store.load_definition(path),
        "Dana Reyes, VP Marketing",
        "Sam Ortiz, VP Sales",
        None,
        fixed_now,
    )
    signed_bytes = path.read_bytes()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        row = home.rows[0]
        assert row.status == "signed" and row.signers == "Dana Reyes + Sam Ortiz"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        assert app.screen.workshop.read_only
        assert "read-only" in str(app.screen.query_one("#banner", PlainText).render())
        assert app.screen.query_one("#pane-fit").disabled
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        assert app.screen.workshop.definition.version == 2
        assert app.screen.workshop.definition.supersedes == 1
    assert path.read_bytes() == signed_bytes, "the signed version is never rewritten"


async def test_open_question_is_parked_with_the_draft(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await type_text(pilot, "Are agencies in our ICP?")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.query_one("#signoff-questions")
    questions = store.load_definition(path).definition.questions
    assert [q.text for q in questions] == ["Are agencies in our ICP?"]
    assert not questions[0].resolved


async def test_parking_a_question_keeps_the_signers_typed(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """A facilitator typed both signers and a review date, parked a question with ctrl+o, and
    found the four fields blank and the date back at its default: the pane was rebuilt."""
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        typed = {
            "mk-name": "Dana Reyes",
            "mk-role": "VP Marketing",
            "sl-name": "Sam Ortiz",
            "sl-role": "CRO",
            "review-date": "2027-06-30",
        }
        for key, text in typed.items():
            field = screen.query_one(f"#{key}", Input)
            field.focus()
            await settle(pilot)
            field.value = ""
            await type_text(pilot, text)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await type_text(pilot, "Are agencies in our ICP?")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.query_one("#signoff-questions")  # the pane now lists it
        assert {key: screen.query_one(f"#{key}", Input).value for key in typed} == typed
        # The cursor is where it was: the next keys go on into the field (review date here).
        await type_text(pilot, "x")
        assert screen.query_one("#review-date", Input).value == "2027-06-30x"
        # A second question goes into the list the first one made.
        await pilot.press("ctrl+o")
        await settle(pilot)
        await type_text(pilot, "Who owns partner leads?")
        await pilot.press("enter")
        await settle(pilot)
        listed = screen.query_one("#signoff-questions", OptionList)
        assert listed.option_count == 2


async def test_sign_off_puts_the_cursor_on_the_first_signer_not_the_questions(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """With questions carried over from v1 the cursor landed on their list: the room typed
    "Dana Reyes", tab, "VP Marketing"... one field off, the marketing name became the role."""
    path = seeded("acme", "3m-10m")
    path.write_text(
        path.read_text(encoding="utf-8") + '\n[[questions]]\ntext = "Agencies?"\n',
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.query_one("#signoff-questions")
        assert app.focused is not None and app.focused.id == "mk-name"
        await type_text(pilot, "Dana Reyes")
        await pilot.press("tab")
        await type_text(pilot, "VP Marketing")
        screen = app.screen
        assert screen.query_one("#mk-name", Input).value == "Dana Reyes"
        assert screen.query_one("#mk-role", Input).value == "VP Marketing"


async def test_signer_names_typed_stay_when_the_room_leaves_and_comes_back(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """A draft keeps no signers until it is signed: esc to home and enter again found the
    names and roles typed on Sign-off gone, without a word."""
    path = seeded("acme", "3m-10m")
    before = path.read_bytes()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await type_text(pilot, "Maria Lopez")
        await pilot.press("tab")
        await type_text(pilot, "VP Marketing")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#mk-name", Input).value == "Maria Lopez"
        assert screen.query_one("#mk-role", Input).value == "VP Marketing"
        assert screen.query_one("#sl-name", Input).value == ""
        assert app.focused is not None and app.focused.id == "sl-name"  # the first one empty
    assert path.read_bytes() == before  # kept by the app, not written as if signed


async def test_depends_case_can_be_decided_and_a_case_added(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        # Agencies are in the ICP after all: drop the size floor, then accept the new outcome.
        await pilot.press("ctrl+n")
        await settle(pilot)
        await replace_input(pilot, "")
        await pilot.press("tab", "tab")  # past max employees, into industries
        parent = focused_input(app).parent
        assert parent is not None and parent.id == "field-fit-industries"
        await pilot.press("end")
        await type_text(pilot, ", agency")
        await settle(pilot)
        assert "agency-vp-demo-request PASS→FAIL" in status_text(app)
        total = len(store.load_definition(path).definition.cases)
        assert f"{total - 1}/{total} passing" in status_text(app)
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("enter")  # the cursor is on the case the edit made fail
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert f"{total}/{total} passing" in status_text(app)
        await pilot.press("a")
        await settle(pilot)
        name_input = app.screen.query_one("#new-name", Input)
        name_input.value = "partner-referral"
        app.screen.query_one("#new-why", Input).value = "partners send buyers"
        app.screen.query_one("#new-activities", Input).value = "sales_requested 1"
        await pilot.click("#add")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
    definition = store.load_definition(path).definition
    agency = next(c for c in definition.cases if c.name == "agency-vp-demo-request")
    assert agency.expect.status == "mql"
    added = next(c for c in definition.cases if c.name == "partner-referral")
    assert added.lead.activities[0].kind == "sales_requested"


async def test_the_room_can_set_an_expectation_by_hand(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("enter")  # the first case: the CEO's ebook download
        await settle(pilot)
        app.screen.query_one("#expect-status", Select).value = "mql"
        await pilot.click("#set-expect")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        total = len(app.screen.workshop.suite.results)
        assert f"{total - 1}/{total} passing" in status_text(app)
        assert "ceo-ebook-download PASS→FAIL" in status_text(app)
    case = next(
        c for c in store.load_definition(path).definition.cases if c.name == "ceo-ebook-download"
    )
    assert case.expect.status == "mql"


async def test_leaving_a_signed_version_does_not_ask(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], fixed_now: datetime
) -> None:
    path = seeded("acme", "1m-3m")
    sign(
        store.load_definition(path),
        "Dana Reyes, VP Marketing",
        "Sam Ortiz, VP Sales",
        None,
        fixed_now,
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        assert isinstance(app.screen, EditorScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen), "nothing to lose in a read-only version"
        row = app.screen.query_one("#definitions", DataTable).get_row_at(0)
        assert row[3] == "signed" and row[5] == "Dana Reyes + Sam Ortiz"


@pytest.mark.skipif(
    shutil.which("ssh-keygen") is None, reason="ssh-keygen (OpenSSH) is not installed"
)
async def test_a_draft_signed_by_one_side_says_who_is_missing(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], workdir: Path
) -> None:
    path = seeded("acme", "3m-10m")
    key = workdir / "dana_key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dana@acme.example", "-f", str(key)],
        check=True,
    )
    signed = CliRunner().invoke(
        cli_app,
        [
            "sign",
            str(path),
            "--as",
            "marketing",
            "--ssh-key",
            str(key),
            "--name",
            "Dana Reyes, VP Marketing",
            "--principal",
            "dana@acme.example",
        ],
    )
    assert signed.exit_code == 0, signed.output
    before = path.read_bytes()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen) and screen.workshop.read_only
        banner = str(screen.query_one("#banner", PlainText).render())
        assert "waiting for sales" in banner and "--as sales" in banner
        await pilot.press("ctrl+s")
        await settle(pilot)
        record = str(screen.query_one("#signed-record", PlainText).render())
        assert "SSH-signed" in record and "Sales:     not yet" in record
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen), "no question can be parked on a signed draft"
    assert path.read_bytes() == before


async def test_home_marks_a_file_that_would_not_open(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("acme", "3m-10m")
    # Valid TOML, so the quick read lists it, but an unknown key: the full check must flag it.
    path.write_text(
        path.read_text(encoding="utf-8").replace("[fit]\n", "[fit]\nmin_employes = 5\n"),
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert home.rows[0].status == "UNREADABLE"
        assert "min_employes" in (home.rows[0].problem or "")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen), "a broken file is not opened"


async def test_an_id_already_taken_keeps_the_new_definition_form_and_says_why(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # The form closed and only a toast said "already exists": the name typed was gone.
    existing = seeded("acme", "3m-10m")
    before = existing.read_bytes()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await create_definition(pilot, "acme", "1m-3m")
        form = pilot.app.screen
        assert isinstance(form, NewDefinitionModal), "the form is still open"
        said = str(form.query_one("#new-error", PlainText).content)
        assert "✗ acme: already exists" in said
        assert focused_input(app).id == "new-slug"
        assert form.query_one("#new-name", Input).value == "Room draft"
        await pilot.press("end", "-", "2", "tab", "enter", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, EditorScreen)
    assert existing.read_bytes() == before
    created = store.load_definition(Path("definitions") / "acme-2" / "v1.toml").definition
    assert (created.name, created.stage) == ("Room draft", "1m-3m")


async def test_the_stage_list_stops_at_its_ends_and_esc_asks_before_losing_the_form(
    make_app: Callable[..., WorkbenchApp], workdir: Path
) -> None:
    # Down on the last stage wrapped to the first: one down too many, then enter, created
    # the pre-$1M template where the room had chosen $30M+. And esc threw the id and the
    # name away without a word.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewDefinitionModal)
        await type_text(pilot, "acme")
        await pilot.press("enter")
        await type_text(pilot, "Acme MQL")
        await pilot.press("enter", *["down"] * (len(STAGE_IDS) + 2))
        stages = form.query_one("#new-stage", OptionList)
        assert stages.highlighted == len(STAGE_IDS) - 1, "down on the last stage stays on it"
        await pilot.press(*["up"] * (len(STAGE_IDS) + 2))
        assert stages.highlighted == 0, "up on the first stage stays on it"
        await pilot.press("escape")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, ConfirmModal)
        assert "Discard the new definition acme?" in question.question
        await pilot.press("escape")  # no answer: keep editing
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#new-slug", Input).value == "acme"
        assert form.query_one("#new-name", Input).value == "Acme MQL"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#answer-discard")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("n")  # a form left as it opened closes at once
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert not (workdir / "definitions" / "acme").exists()


async def test_esc_asks_before_losing_a_question_typed_to_park(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("acme", "3m-10m")
    before = path.read_bytes()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await type_text(pilot, "Are agencies in our ICP?")
        await pilot.press("escape")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, ConfirmModal)
        assert "Discard this question?" in question.question
        await pilot.click("#answer-keep")
        await settle(pilot)
        assert focused_input(app).value == "Are agencies in our ICP?"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#answer-discard")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("stage", "key", "ids"),
    [
        ("10m-30m", "segments", ["smb", "mid-market", "enterprise"]),
        ("30m-plus", "motions", ["inbound", "product-led", "account-based"]),
    ],
)
async def test_a_draft_moved_to_a_split_stage_gets_its_step_from_the_template(
    stage: str,
    key: str,
    ids: list[str],
    make_app: Callable[..., WorkbenchApp],
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A $3-10M draft set to $10-30M kept its rules (as the step says) and never showed a
    Segments step: no way to 001's segments but a new draft. The Stage step offers the
    template's; the step appears between Triggers and SLA, and the room is taken to it."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await create_definition(pilot, "acme", "3m-10m")
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        assert key not in dict(screen.steps()) and not screen.query("#add-stage-parts")
        screen.query_one("#stage-list").focus()
        await pilot.press(*["down"] * (STAGE_IDS.index(stage) - STAGE_IDS.index("3m-10m")))
        await pilot.press("enter")
        await settle(pilot)
        assert screen.workshop.definition.stage == stage
        assert key not in dict(screen.steps())  # the rules stay as they are until asked
        help_text = str(screen.query_one("#stage-parts-help", PlainText).render())
        assert f"splits the definition into {key}" in help_text
        screen.query_one("#add-stage-parts").focus()
        # Typed at once behind the button: the new step's first field (the first one's
        # label) gets them all. On a loaded machine the step took seconds to mount, and the
        # first key went to the tab bar ("mall biz"): its first field is late here too.
        real = screen._focus_first
        late = {"misses": 0}

        def mounting(step: str) -> bool:
            if step == key and late["misses"] < 10:
                late["misses"] += 1
                return False
            return real(step)

        monkeypatch.setattr(screen, "_focus_first", mounting)
        await pilot.press("space", "X", "y")
        await keys_handed_on(pilot)
        keys = [k for k, _label in screen.steps()]
        assert keys.index(key) == keys.index("triggers") + 1
        assert screen.query_one("#steps", TabbedContent).active == f"step-{key}"
        assert not screen.query("#add-stage-parts")
        on_disk = store.load_definition(workdir / "definitions" / "acme" / "v1.toml").definition
        assert [owner.id for owner in getattr(on_disk, key)] == ids
        assert getattr(screen.workshop.definition, key)[0].label == "Xy"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_new_definition_box_stays_put_as_the_stages_are_read(
    make_app: Callable[..., WorkbenchApp], workdir: Path, size: tuple[int, int]
) -> None:
    # A stage whose description wraps to two lines moved the whole box (and the list under
    # the facilitator's eyes) a line up, and the next stage moved it back.
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewDefinitionModal)
        stages = form.query_one("#new-stage", OptionList)
        stages.focus()
        await pilot.press(*["up"] * len(STAGE_IDS))
        regions = set()
        for _ in STAGE_IDS:
            await settle(pilot)
            regions.add((stages.region, form.query_one("#create").region))
            await pilot.press("down")
        assert len(regions) == 1, regions
