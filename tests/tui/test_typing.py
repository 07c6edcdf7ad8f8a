"""What is typed is what is saved, at a person's speed and faster, on a busy event loop.

Pilot's `press` waits for the app to go idle after every key, which hides every race a room
meets on a loaded laptop. These tests post key events the way the terminal driver does, as
they arrive (a burst, or one every 1/8 s), while the event loop is kept busy: each edit's
suite re-run is slowed down and a background task hogs the loop. The saved file must hold
exactly what was typed, every time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import datetime
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from tests.tui.pilot_steps import keys_handed_on, open_first, open_step, settle
from workbench.core.domain.suite import run_suite
from workbench.core.files import store
from workbench.core.services.signoff import sign
from workbench.core.services.workshop import Workshop
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.fields import ClauseField, TextField
from workbench.tui.components.modals import ConfirmModal, NewCaseModal
from workbench.tui.components.room_input import pasted_line
from workbench.tui.components.text import PlainText
from workbench.tui.screens import editor
from workbench.tui.screens.editor import EditorScreen
from workbench.tui.screens.home import HomeScreen

HUMAN = 1 / 8  # seconds between keys: a person typing steadily
BURST = 0.0  # keys arriving together, as after a stall of the machine

SPEEDS = [pytest.param(HUMAN, id="human"), pytest.param(BURST, id="burst")]


def keys_for(text: str) -> list[str]:
    return ["space" if char == " " else char for char in text]


async def send(pilot: Pilot[None], keys: Iterable[str], gap: float) -> None:
    """Post keys as the driver does: without waiting for the app to handle the last one."""
    for key in keys:
        char = " " if key == "space" else (key if len(key) == 1 else None)
        pilot.app.post_message(events.Key(key, char))
        await asyncio.sleep(gap)


@pytest.fixture
async def busy_loop(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """A loaded machine: every edit's suite re-run takes 40 ms more, and a task hogs the
    loop for 15 ms at a time."""
    apply = Workshop.apply

    def slow_apply(self: Workshop, path: str, value: object) -> object:
        time.sleep(0.04)
        return apply(self, path, value)

    monkeypatch.setattr(Workshop, "apply", slow_apply)
    stop = asyncio.Event()

    async def hog() -> None:
        while not stop.is_set():
            time.sleep(0.015)
            await asyncio.sleep(0.005)

    task = asyncio.create_task(hog())
    yield
    stop.set()
    await task


def signed_v1(seeded: Callable[..., Path], now: datetime) -> Path:
    """The acme $3-10M template's v1, signed by both sides."""
    path = seeded("acme", "3m-10m")
    sign(store.load_definition(path), "Dana Reyes, VP Marketing", "Sam Ortiz, VP Sales", None, now)
    return path


def clear(length: int = 10) -> list[str]:
    return ["end", *["backspace"] * length]


@pytest.mark.parametrize("gap", SPEEDS)
async def test_numbers_typed_across_tab_are_saved_as_typed(
    gap: float,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    busy_loop: None,
) -> None:
    path = seeded("acme", "3m-10m")
    app = make_app(save_delay=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")  # the fit gate; the cursor is in min employees
        await settle(pilot)
        keys = [*clear(), *keys_for("1000"), "tab", *clear(), *keys_for("20000")]
        await send(pilot, keys, gap)
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
    saved = store.load_definition(path).definition
    assert (saved.fit.min_employees, saved.fit.max_employees) == (1000, 20000)


@pytest.mark.parametrize("gap", SPEEDS)
async def test_a_form_reached_by_tab_keeps_every_letter(
    gap: float,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    busy_loop: None,
) -> None:
    path = seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NewCaseModal)
        keys = [
            *keys_for("agency-vp"),
            "tab",
            *keys_for("agencies resell us"),
            "tab",
            *keys_for("VP Sales"),
            "tab",  # seniority
            "tab",  # persona
            "tab",
            *keys_for("vp@agency.io"),
            "tab",
            *keys_for("Agency"),
            "tab",
            *keys_for("agency.io"),
            "tab",
            *keys_for("250"),
            "tab",  # relationship
            "tab",
            *keys_for("retail"),
            "tab",
            *keys_for("north-america"),
            "enter",
        ]
        await send(pilot, keys, gap)
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen), "the form was accepted"
        await pilot.pause(0.3)
        await settle(pilot)
    case = next(c for c in store.load_definition(path).definition.cases if c.name == "agency-vp")
    assert case.why == "agencies resell us"
    assert case.lead.person.title == "VP Sales"
    assert case.lead.person.email == "vp@agency.io"
    company = case.lead.company
    assert (company.name, company.domain, company.employees) == ("Agency", "agency.io", 250)
    assert (company.industry, company.region) == ("retail", "north-america")


@pytest.mark.parametrize("gap", SPEEDS)
async def test_quitting_right_after_typing_keeps_the_last_letter(
    gap: float,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    busy_loop: None,
) -> None:
    path = seeded("acme", "3m-10m")
    app = make_app(save_delay=0.8)  # as in the room: the autosave waits for a pause
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("tab", "tab")  # industries
        await settle(pilot)
        await send(pilot, [*clear(80), *keys_for("retail"), "ctrl+q"], gap)
        await settle(pilot)
        asked = isinstance(app.screen, ConfirmModal)
    assert not asked, "nothing was lost, so nothing to ask"
    assert store.load_definition(path).definition.fit.industries == ["retail"]


async def test_escape_right_after_typing_keeps_the_last_letter(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], busy_loop: None
) -> None:
    path = seeded("acme", "3m-10m")
    app = make_app(save_delay=0.8)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await send(pilot, [*clear(), *keys_for("800"), "escape"], BURST)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen), "went home without asking"
    assert store.load_definition(path).definition.fit.min_employees == 800


@pytest.mark.parametrize("gap", SPEEDS)
async def test_a_refused_value_typed_back_to_the_applied_one_is_saved(
    gap: float,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    busy_loop: None,
) -> None:
    # "999" is applied; "9999" is refused (above the maximum of 1000); a backspace gives back
    # "999", the value already applied, which changes nothing in the definition: the save
    # held back while the field was refused must still happen.
    path = seeded("acme", "3m-10m")
    app = make_app(save_delay=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")  # the fit gate; the cursor is in min employees
        await settle(pilot)
        await send(pilot, [*clear(), *keys_for("9999")], gap)
        await settle(pilot)
        await pilot.pause(0.5)  # the save delay passes while the field is refused
        await settle(pilot)
        await send(pilot, ["backspace"], gap)
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        note = screen.save_note()
        saved = store.load_definition(path).definition.fit.min_employees
    assert (saved, note.startswith("saved")) == (999, True), note


@pytest.mark.parametrize("gap", SPEEDS)
async def test_keys_typed_as_a_new_version_opens_reach_the_steps_first_field(
    gap: float,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    fixed_now: datetime,
    busy_loop: None,
) -> None:
    # v on home, then at once F2 and the keys for the fit gate's first field: the editor and
    # its steps (mounted lazily) are not there yet when the keys arrive. They used to reach
    # the folder table or the tab bar and be lost (min employees stayed 50).
    path = signed_v1(seeded, fixed_now)
    app = make_app(save_delay=0.3)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await send(pilot, ["v", "f2", "backspace", "backspace", *keys_for("80")], gap)
        await settle(pilot)
        await pilot.pause(0.6)
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
    v2 = store.load_definition(path.parent / "v2.toml").definition
    assert v2.fit.min_employees == 80


async def test_keys_behind_a_step_key_wait_for_a_step_slow_to_mount(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A segmented draft's SLA step took 4 s to mount on a loaded machine, past the step
    # key's wait: F5 then "85" went on to the Stage step's name field, hidden behind the
    # SLA tab, and the draft was saved with name = "85". The keys now wait for the SLA
    # step's first field, and the name is left alone.
    path = seeded("acme", "10m-30m")
    monkeypatch.setattr(editor, "_MOUNT_WAIT", 0.2)

    focus_first = EditorScreen._focus_first
    mounted_at: list[float] = []

    def slow_to_mount(self: EditorScreen, key: str) -> bool:
        """The SLA step counts as still mounting for 0.8 s after it was first asked for."""
        if key == "sla":
            mounted_at[:] = mounted_at or [time.monotonic() + 0.8]
            if time.monotonic() < mounted_at[0]:
                return False
        return focus_first(self, key)

    monkeypatch.setattr(EditorScreen, "_focus_first", slow_to_mount)
    app = make_app(save_delay=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        name = screen.workshop.definition.name
        [field] = [f for f in screen.query(ClauseField) if f.path == "name"]
        field.query_one(Input).focus()  # where the room's cursor was, as the draft opened
        await settle(pilot)
        sla = [key for key, _label in screen.steps()].index("sla")
        await pilot.press(f"f{sla + 1}", "8", "5")
        await keys_handed_on(pilot)
        await settle(pilot)
        await pilot.pause(0.6)
        await settle(pilot)
        assert screen.workshop.definition.name == name
        assert screen.workshop.definition.sla.marketing.quality_pct == 85
    saved = store.load_definition(path).definition
    assert (saved.name, saved.sla.marketing.quality_pct) == (name, 85)


@pytest.mark.parametrize("gap", [0.0, 0.05])
async def test_keys_typed_as_enter_opens_a_draft_reach_the_step_they_name(
    gap: float,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    busy_loop: None,
) -> None:
    # Enter on home, then at once F5 and "27": enter opens the draft from a message handled
    # after the key, so F5 went to home and was lost, "2" was a step key and "7" replaced
    # Min employees, saved (a facilitator saw min_employees = 7). Held as enter arrives, the
    # keys reach the SLA step's first field.
    path = seeded("acme", "10m-30m")
    app = make_app(save_delay=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sla = 5  # Stage, Fit gate, Triggers, Segments, SLA
        await send(pilot, ["enter", f"f{sla}", "2", "7"], gap)
        await keys_handed_on(pilot)
        await settle(pilot)
        await pilot.pause(0.6)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        assert [key for key, _label in screen.steps()][sla - 1] == "sla"
    saved = store.load_definition(path).definition
    assert saved.fit.min_employees == 50
    assert saved.sla.marketing.quality_pct == 27


async def test_a_step_key_on_a_signed_definition_does_not_wait_for_a_field(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], fixed_now: datetime
) -> None:
    # A step key waits for its step's first field to take the cursor; a signed definition's
    # fields are disabled and never take it, so a mounted step counts as ready (the key had
    # waited out its whole deadline on every step of a signed or followed definition).
    signed_v1(seeded, fixed_now)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen) and screen.workshop.read_only
        for key in ("stage", "fit", "triggers", "sla"):
            assert screen.query_one(f"#pane-{key}").disabled
            assert screen._focus_first(key), key
        assert not screen._focus_first("no-such-step")


@pytest.mark.parametrize("gap", SPEEDS)
async def test_a_decimal_typed_into_a_whole_number_field_is_shown_and_refused(
    gap: float,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    busy_loop: None,
) -> None:
    # The field used to drop the "." silently: "72.5" became 725, a number nobody typed,
    # saved when it was in range. Every key must show, and the core refuse the decimal.
    path = seeded("acme", "3m-10m")
    app = make_app(save_delay=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")  # the fit gate; the cursor is in min employees
        await settle(pilot)
        await send(pilot, [*clear(), *keys_for("72.5")], gap)
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        field = screen.query_one("#field-fit-min-employees", TextField)
        shown = field.query_one(Input).value
        error = str(field.query_one(".field-error", PlainText).render())
        note = screen.save_note()
        draft = screen.workshop.definition
        cases = screen.workshop.suite
    assert shown == "72.5"
    assert "whole number" in error and "'72.5'" in error, error
    # The suite and the evidence read the draft: the value from before the keys, never the
    # "72" taken on the way, which neither the field nor the file is left holding.
    assert draft.fit.min_employees == 50
    assert cases == run_suite(draft)
    assert note.startswith("not saved"), note
    # The file holds the last value that stood (the seeded 50, or blank, 7 or 72 as the pauses
    # fell), and the status line says the one on screen is not saved; never 725.
    assert store.load_definition(path).definition.fit.min_employees in (50, None, 7, 72)


@pytest.mark.parametrize("gap", SPEEDS)
async def test_keys_typed_as_a_draft_opens_name_it(
    gap: float,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    fixed_now: datetime,
    busy_loop: None,
) -> None:
    # v on home, then the new version's name typed at once: the editor used to open with the
    # cursor on the tab bar, which took the letters without a word (the name stayed as it
    # was). It opens with the cursor in the first field, its text selected to type over.
    path = signed_v1(seeded, fixed_now)
    app = make_app(save_delay=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await send(pilot, ["v", *keys_for("Acme 2027")], gap)
        await settle(pilot)
        await pilot.pause(0.6)
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
    assert store.load_definition(path.parent / "v2.toml").definition.name == "Acme 2027"


async def test_a_step_key_on_the_step_shown_selects_its_first_field_again(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # F1 while the cursor is already in step 1's first field: focusing it selects its text,
    # so typing replaces it; pressed again, F1 appended instead ("W" + "Foo" = "WFoo").
    path = seeded("acme", "3m-10m")
    app = make_app(save_delay=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await send(pilot, ["f1", "W", "f1", *keys_for("Foo inbound")], HUMAN)
        await settle(pilot)
        await pilot.pause(0.6)
        await settle(pilot)
    assert store.load_definition(path).definition.name == "Foo inbound"


async def test_previous_step_on_the_first_step_leaves_the_typing_alone(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # ctrl+b on step 1 went "to" step 1 and selected the name, so the next key replaced it
    # (ctrl+b is also a readline user's cursor-left): on the first step it does nothing.
    path = seeded("acme", "3m-10m")
    name = store.load_definition(path).definition.name
    app = make_app(save_delay=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await send(pilot, ["end", "space", "X", "ctrl+b", "Y"], HUMAN)
        await settle(pilot)
        await pilot.pause(0.6)
        await settle(pilot)
    assert store.load_definition(path).definition.name == f"{name} XY"


async def test_leaving_with_a_refused_value_keeps_the_clause_from_before_it(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """ "77x" typed into min employees was refused, and after "leave, lose it" the file held
    77: each valid key is applied as it comes. Leaving drops the half-typed value whole."""
    path = seeded("acme", "3m-10m")
    before = store.load_definition(path).definition.fit.min_employees
    app = make_app(save_delay=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")  # the fit gate; the cursor is in min employees
        await settle(pilot)
        await send(pilot, [*clear(), *keys_for("77x")], 0.02)
        await settle(pilot)
        await pilot.pause(0.3)  # a value on the way (the cleared field, "77") is saved
        assert store.load_definition(path).definition.fit.min_employees != before
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.click("#answer-lose")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert store.load_definition(path).definition.fit.min_employees == before


@pytest.mark.parametrize("typed", ["1,000", "1.000"])
async def test_a_whole_number_with_a_thousands_mark_is_read(
    typed: str, make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # "1.000" (a thousand, as much of Europe writes it) was read as the decimal 1.0: the
    # field showed 1.000 and the file held 1.
    path = seeded("acme", "3m-10m")
    app = make_app(save_delay=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await send(pilot, [*clear(), *keys_for(typed)], 0.02)
        await settle(pilot)
        # The reading is said under what was typed (a room that meant 1.2 sees it), and
        # goes once the field holds plain digits.
        field = app.screen.query_one("#field-fit-min-employees", TextField)
        said = str(field.query_one(".field-warning", PlainText).render())
        assert said == "read as 1000", said
        await send(pilot, [*clear(), *keys_for("+1,000")], 0.02)
        await settle(pilot)
        said = str(field.query_one(".field-warning", PlainText).render())
        assert said == "read as 1000", "the number saved, not the text rewritten"
        await send(pilot, [*clear(), *keys_for("1000")], 0.02)
        await settle(pilot)
        assert str(field.query_one(".field-warning", PlainText).render()) == ""
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen), f"{typed} was taken: nothing to ask"
    assert store.load_definition(path).definition.fit.min_employees == 1000


async def test_a_paste_of_several_lines_keeps_every_line(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # Textual's Input kept a paste's first line only: a column of competitors copied from a
    # sheet was saved as its first name, and "SDR manager / (EMEA)" as "SDR manager".
    path = seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        competitors = next(
            f for f in screen.query(TextField) if f.path == "fit.competitors"
        ).query_one(Input)
        competitors.focus()
        await settle(pilot)
        await pilot.press("end", *["backspace"] * 40)
        await settle(pilot)
        assert competitors.value == ""
        competitors.post_message(events.Paste("rivalcrm.com\r\nacme-rival.io\n\nothercrm.com\n"))
        await settle(pilot)
        assert competitors.value == "rivalcrm.com, acme-rival.io, othercrm.com"
        await pilot.press("end", *", ")
        competitors.post_message(events.Paste("x.io\ty.io"))  # a sheet's row of cells
        await settle(pilot)
        min_employees = next(
            f for f in screen.query(TextField) if f.path == "fit.min_employees"
        ).query_one(Input)
        min_employees.focus()
        await settle(pilot)
        await pilot.press("end", *["backspace"] * 8)
        await settle(pilot)
        min_employees.post_message(events.Paste("800\n"))  # a cell copied with its newline
        await settle(pilot)
        assert min_employees.value == "800"
        await screen.leave(lambda: None, "Leave")
    fit = store.load_definition(path).definition.fit
    assert fit.competitors == ["rivalcrm.com", "acme-rival.io", "othercrm.com", "x.io", "y.io"]
    assert fit.min_employees == 800


def test_a_pasted_text_is_one_line_with_every_line_in_it() -> None:
    assert pasted_line("SDR manager\n(EMEA)\n") == "SDR manager (EMEA)"
    assert pasted_line("a\tb\nc", ", ") == "a, b, c"
    assert pasted_line("Dana\tReyes") == "Dana Reyes"
    assert pasted_line("\n \n") == ""
    # A points field: a row "key<tab>points" is one pair.
    pairs = pasted_line("gmail.com\t-10\noutlook.com\t-10\n", ", ", " ")
    assert pairs == "gmail.com -10, outlook.com -10"


async def test_ctrl_z_takes_back_a_run_of_keys_then_the_one_before_it(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """Keys typed one after another are one step; backspaces one after another are another."""
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "fit")
        editor = screen.query_one("#field-fit-min-employees", TextField).query_one(Input)
        editor.focus()
        await settle(pilot)
        before = editor.value
        await pilot.press("end", "0", "0", "backspace", "backspace", "backspace", "5")
        await settle(pilot)
        assert editor.value == before[:-1] + "5"
        steps = []
        for _ in range(3):
            await pilot.press("ctrl+z")
            await settle(pilot)
            steps.append(editor.value)
        assert steps == [before[:-1], before + "00", before]
        # Typed over the whole value ("50", as tab leaves it): one ctrl+z brings it back,
        # though "7" is one character shorter than what it replaced.
        editor.select_all()
        await pilot.press("7", "5", "ctrl+z")
        await settle(pilot)
        assert editor.value == before
        # Typed over starting with the value's own first digit ("5" over "50" reads like
        # the 0 erased): ctrl+z brought back "5", a value nobody typed, and saved it.
        editor.select_all()
        await pilot.press(before[0], "7", "ctrl+z")
        await settle(pilot)
        assert editor.value == before
        assert screen.workshop.definition.fit.min_employees == int(before)
        # Keys typed at another place are another run.
        await pilot.press("end", "1", "home", "9", "ctrl+z")
        await settle(pilot)
        assert editor.value == before + "1"


async def test_ctrl_z_takes_back_a_list_replaced_by_a_stray_key(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """Tab selects a field's text, so one tab too many before typing "10" replaced every
    rejection reason; one ctrl+z takes back the run of keys, down to the list as it was
    (one key at a time took 31 for a list typed over), and the draft has it again. With
    nothing left to take back it changes nothing."""
    path = seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        screen.show_step("sla")
        await settle(pilot)
        reasons = list(screen.workshop.definition.sla.sales.rejection_reasons)
        assert len(reasons) > 2
        field = screen.query_one("#field-sla-sales-rejection-reasons", TextField)
        editor = field.query_one(Input)
        editor.scroll_visible(animate=False)
        editor.focus()
        editor.select_all()  # as tab leaves it
        await settle(pilot)
        await pilot.press("1", "0")
        await settle(pilot)
        assert screen.workshop.definition.sla.sales.rejection_reasons == ["10"]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert screen.workshop.definition.sla.sales.rejection_reasons == reasons
        assert editor.value == ", ".join(reasons)
        await pilot.press("ctrl+z")  # nothing more typed here: nothing changes
        await settle(pilot)
        assert editor.value == ", ".join(reasons)
        assert store.load_definition(path).definition.sla.sales.rejection_reasons == reasons


@pytest.mark.parametrize("gap", SPEEDS)
@pytest.mark.parametrize("opens", ["a", "m"])
async def test_keys_typed_as_the_case_form_opens_name_the_case(
    opens: str,
    gap: float,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    busy_loop: None,
) -> None:
    # `a` then "mid-vp-pricing" at a person's speed saved "id-vp-pricing": the form takes
    # half a second to open and the key typed meanwhile went nowhere (`m` is the table's
    # own edit key, so a stray one could also open a second form).
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        keys = [opens] if opens == "a" else [opens, "end", *["backspace"] * 40]
        await send(pilot, [*keys, *keys_for("mid-vp-pricing")], gap)
        await settle(pilot)
        await keys_handed_on(pilot)
        assert isinstance(app.screen, NewCaseModal), app.screen
        assert app.screen.query_one("#new-name", Input).value == "mid-vp-pricing"
        assert len(app.screen_stack) == 3  # home, the draft, one form


async def test_a_size_band_with_a_thousands_mark_says_how_it_is_read() -> None:
    """ "1,000+ 10" was refused ("'1' is not a size band") with no word of the comma; it is
    the band 1000+, and the field says so under what was typed (the text stays as typed)."""
    from textual.app import App, ComposeResult

    from workbench.tui.messages import ClauseEdited

    edits: list[object] = []

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield TextField("fit.score.size_points", "Company size fit points", None, "points")

        def on_clause_edited(self, event: ClauseEdited) -> None:
            edits.append(event.value)

    app = One()
    async with app.run_test() as pilot:
        field = app.query_one(TextField)
        field.query_one(Input).focus()
        await pilot.press(*"1,000+ 10")
        await pilot.pause()
        said = str(field.query_one(".field-warning", PlainText).render())
        assert said == "read as 1000+ 10", said
        assert field.query_one(Input).value == "1,000+ 10"
        assert edits[-1] == "1,000+ 10"  # the core reads it (`parse_bands`)
        field.query_one(Input).value = "1000+ 10"
        await pilot.pause()
        assert str(field.query_one(".field-warning", PlainText).render()) == ""
