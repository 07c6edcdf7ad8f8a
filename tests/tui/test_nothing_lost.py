"""A save that fails for any reason (a full disk, a read-only folder) never costs the room
its edits: the screen says so in one voice, and leaving asks and offers a copy elsewhere."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual import messages

from tests.tui.pilot_steps import open_first, settle
from tests.tui.test_workshop_flow import replace_input, status_text
from workbench.core.domain.errors import InputError, Problem
from workbench.core.files import store, tomlfile
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.modals import ConfirmModal
from workbench.tui.components.save_copy import SaveCopyModal
from workbench.tui.components.text import PlainText
from workbench.tui.screens.editor import EditorScreen
from workbench.tui.screens.home import HomeScreen


class Disk:
    """The disk the definitions live on: full until told otherwise."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.is_full = False
        write = tomlfile.atomic_write

        def atomic_write(path: Path, payload: bytes, *, create: bool = False) -> None:
            if self.is_full:
                raise InputError([Problem("cannot write: No space left on device", file=path)])
            write(path, payload, create=create)

        monkeypatch.setattr(store, "atomic_write", atomic_write)


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> Disk:
    return Disk(monkeypatch)


@pytest.mark.parametrize("leave_key", ["ctrl+q", "escape"])
async def test_a_failed_save_asks_before_leaving_and_saves_a_copy_elsewhere(
    leave_key: str,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    disk: Disk,
) -> None:
    path = seeded("acme", "3m-10m")
    before = path.read_bytes()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        disk.is_full = True
        await pilot.press("ctrl+n")
        await settle(pilot)
        await replace_input(pilot, "75")
        assert "NOT SAVED: " in status_text(app) and "No space left" in status_text(app)
        assert "saved" not in status_text(app).replace("NOT SAVED", "")
        banner = str(app.screen.query_one("#banner", PlainText).render())
        assert "could not be saved" in banner

        await pilot.press(leave_key)
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal), "leaving with unsaved work asks first"
        assert "could not be saved" in app.screen.question
        assert [a for a, _label in app.screen.answers] == ["stay", "copy", "lose"]
        disk.is_full = False  # the copy goes to a disk that has room
        await pilot.click("#answer-copy")
        await settle(pilot)
        assert isinstance(app.screen, SaveCopyModal)
        await pilot.press("enter")
        await settle(pilot)
        if leave_key == "escape":
            assert isinstance(app.screen, HomeScreen)
    assert path.read_bytes() == before, "the draft on disk is untouched"
    (copy,) = (Path.cwd() / "rescued").iterdir()
    assert store.load_definition(copy).definition.fit.min_employees == 75


async def test_staying_after_a_failed_save_keeps_the_room_in_the_editor(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    disk: Disk,
) -> None:
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        disk.is_full = True
        await pilot.press("ctrl+n")
        await settle(pilot)
        await replace_input(pilot, "75")
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.click("#answer-stay")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        # Once the disk has room again, the next edit saves everything.
        disk.is_full = False
        await replace_input(pilot, "80")
        assert "saved" in status_text(app) and "NOT SAVED" not in status_text(app)
    assert (
        store.load_definition(Path("definitions/acme/v1.toml")).definition.fit.min_employees == 80
    )


async def test_the_app_ended_from_outside_saves_the_last_keys_first(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # A browser seat reloaded 0.4 s after its last keys: textual-serve asks the app to quit,
    # and the autosave's pause had not come, so "80" was lost.
    path = seeded("acme", "3m-10m")
    app = make_app(save_delay=30)  # the autosave never comes in this test
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("end", "backspace", "backspace", "8", "0")
        await settle(pilot)
        assert store.load_definition(path).definition.fit.min_employees == 50  # not yet
        app.post_message(messages.ExitApp())  # what textual-serve's "quit" posts
        await settle(pilot)
    assert store.load_definition(path).definition.fit.min_employees == 80


async def test_ended_from_outside_a_refused_value_goes_back_and_a_conflict_goes_to_a_copy(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], workdir: Path
) -> None:
    path = seeded("acme", "3m-10m")
    app = make_app(save_delay=30)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("end", "backspace", "backspace", "7", "7", "x")  # refused
        await pilot.press("tab", "tab", "end", *", retail")  # industries: taken
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        assert editor.workshop.definition.fit.industries[-1] == "retail", (
            editor.workshop.definition.fit
        )
        assert editor.invalid, "77x is refused"
        someone_else = store.load_definition(path).definition
        store.save(
            someone_else.model_copy(update={"name": "edited elsewhere"}),
            path,
            store.file_sha256(path),
        )
        app.post_message(messages.ExitApp())
        await settle(pilot)
    on_disk = store.load_definition(path).definition
    assert on_disk.name == "edited elsewhere"  # never overwritten
    (copy,) = (workdir / "rescued").iterdir()
    kept = store.load_definition(copy).definition
    assert kept.fit.industries[-1] == "retail"
    assert kept.fit.min_employees == 50  # "77x" was refused: the clause as before its keys


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
async def test_a_signal_from_outside_ends_the_app_with_its_last_keys_saved(
    number: signal.Signals,
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
) -> None:
    # `workbench serve` stopped with Ctrl+C (a signal to every seat), a terminal window
    # closed: the process ended before the autosave's pause.
    path = seeded("acme", "3m-10m")
    app = make_app(save_delay=30)
    async with app.run_test(size=(120, 40)) as pilot:
        app._exit_on_signals()  # what a real terminal or browser seat installs on mount
        await open_first(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("end", "backspace", "backspace", "8", "0")
        await settle(pilot)
        os.kill(os.getpid(), number)
        # The exit goes behind the keys the terminal had already sent (`KEYS_IN_FLIGHT`).
        deadline = time.monotonic() + 5
        while not app._exit and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert app._exit, "the signal ended the app"
    assert store.load_definition(path).definition.fit.min_employees == 80
