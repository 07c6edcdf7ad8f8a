"""Steps the app tests share: waiting for workers, opening a definition, typing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from workbench.tui.screens.editor import EditorScreen


async def workers_done(app: App[Any]) -> None:
    """Wait for every worker. An exclusive worker cancelled because a newer run of its group
    started (the 2 s disk watch beside one a test started) is no failure: wait for that one."""
    for _ in range(50):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue
    raise AssertionError("workers kept being cancelled and replaced: 50 waits")


async def settle(pilot: Pilot[None]) -> None:
    """Wait for workers (the backtest, autosave, the folder scan) instead of sleeping."""
    await pilot.pause()
    await workers_done(pilot.app)
    await pilot.pause()


async def keys_handed_on(pilot: Pilot[None], within: float = 20.0) -> None:
    """Wait until the keys the app held (a form opening, a question) have all been handed on:
    one per refresh, so a burst of 50 takes a while on a loaded machine."""
    app = pilot.app
    deadline = time.monotonic() + within
    while getattr(app, "keys_waiting", False):
        if time.monotonic() > deadline:
            raise AssertionError(f"keys still held after {within} s")
        await pilot.pause(0.05)
    await settle(pilot)


async def settled_until(pilot: Pilot[None], done: Callable[[], bool], tries: int = 60) -> None:
    """Settle until `done()` holds, at most `tries` times: keys that arrived at once are
    handed on one rebuild at a time, however slow the machine. The caller asserts after."""
    for _ in range(tries):
        await settle(pilot)
        if done():
            return
        await asyncio.sleep(0.05)


async def open_first(pilot: Pilot[None]) -> None:
    """From the home screen, open the first definition in the folder."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def open_step(pilot: Pilot[None], key: str) -> EditorScreen:
    """Open the first definition and show one of its steps, the cursor in its first field."""
    await open_first(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EditorScreen)
    screen.show_step(key)
    await settle(pilot)
    return screen


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type as a person would, a key at a time."""
    for char in text:
        await pilot.press("space" if char == " " else char)


async def open_keys_panel(pilot: Pilot[None]) -> None:
    """Textual's keys panel, as the room opens it: the palette, "keys", enter."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    await type_text(pilot, "keys")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
