"""The editor keeps long-lived objects out of full garbage collections while it is open,
and the app leaves nothing frozen behind when it ends (issue 12, Measured: full collections
of 60-90 ms set the worst keystrokes)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

from tests.tui.pilot_steps import open_first
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.editor import EditorScreen


async def test_objects_are_frozen_while_the_editor_is_open_and_thawed_after(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    gc.unfreeze()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert gc.get_freeze_count() == 0, "nothing is frozen before an editor opens"
        await open_first(pilot)
        assert isinstance(app.screen, EditorScreen)
        assert gc.get_freeze_count() > 10_000
    assert gc.get_freeze_count() == 0
