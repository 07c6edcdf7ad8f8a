"""An edit updates the step panes on screen, found from the editor's own references (not a
walk of every widget per key): after a rebuild, the new panes and only those."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.tui.pilot_steps import open_first, settle
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.cases import CasesPane
from workbench.tui.screens.editor import EditorScreen


async def test_after_a_rebuild_an_edit_updates_the_new_cases_pane_only(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        screen.show_step("cases")
        await settle(pilot)
        old = screen.query_one(CasesPane)
        await screen.rebuild_all()
        await settle(pilot)
        screen.show_step("cases")
        await settle(pilot)
        new = screen.query_one(CasesPane)
        assert new is not old
        shown: list[CasesPane] = []
        show = CasesPane.show

        def spy(self: CasesPane, *args: object) -> None:
            shown.append(self)
            show(self, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(CasesPane, "show", spy)
        await screen.apply_edit("fit.min_employees", 600, screen)
        await settle(pilot)
        assert shown == [new]
        assert not screen.workshop.suite.ok, "the edit flipped a case: the pane had news"
