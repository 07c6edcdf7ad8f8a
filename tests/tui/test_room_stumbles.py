"""A facilitator's workshop at 80x24: where the cursor lands after a question, on a step,
in a dialog, and a blocking lint error shown at the field it is about."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Button, Input, OptionList

from tests.tui.pilot_steps import keys_handed_on, open_first, settle, type_text
from tests.tui.test_typing import send
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.map_files import MapFilesModal
from workbench.tui.components.modals import ConfirmModal
from workbench.tui.screens.editor import EditorScreen


async def test_go_back_from_the_open_questions_puts_the_cursor_on_the_first_open_one(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # "Resolve them first (enter on a question)": Go back returned the cursor to the Sales
    # role field, where enter does nothing; two shift+tab reached the questions.
    path = seeded("acme", "3m-10m")
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n[[questions]]\ntext = "Agencies?"\nresolved = true\n'
        + '\n[[questions]]\ntext = "Who owns partner leads?"\n',
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EditorScreen)
        for key, text in {
            "mk-name": "Dana Reyes",
            "mk-role": "VP Marketing",
            "sl-name": "Sam Ortiz",
            "sl-role": "CRO",
        }.items():
            field = screen.query_one(f"#{key}", Input)
            field.focus()
            await settle(pilot)
            field.value = ""
            await type_text(pilot, text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal), "the open question is asked about"
        await pilot.click("#answer-back")
        await settle(pilot)
        questions = screen.query_one("#signoff-questions", OptionList)
        assert app.focused is questions and questions.highlighted == 1
        await pilot.press("enter")  # resolves it, as the dialog said
        await settle(pilot)
        assert all(q.resolved for q in screen.workshop.definition.questions)


@pytest.mark.parametrize("gap", [0.0, 0.05])
async def test_the_evidence_step_without_history_has_the_cursor_on_pick_as_it_opens(
    gap: float, make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # No lead history: F6 and enter at once did nothing. The step key left the cursor on
    # the Backtest/Analysis tab bar, where the enter went; "Pick the two files…" took the
    # cursor only once the first look at the folder was back.
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await send(pilot, ["f6", "enter"], gap)
        await keys_handed_on(pilot)
        await settle(pilot)
        assert isinstance(app.screen, MapFilesModal), app.focused
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#evidence-pick", Button)
