"""Steps the app tests share: waiting for workers, opening a definition, typing."""

from __future__ import annotations

from textual.pilot import Pilot


async def settle(pilot: Pilot[None]) -> None:
    """Wait for workers (the backtest, autosave, the folder scan) instead of sleeping."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_first(pilot: Pilot[None]) -> None:
    """From the home screen, open the first definition in the folder."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type as a person would, a key at a time."""
    for char in text:
        await pilot.press("space" if char == " " else char)
