"""A facilitator's workshop at 80x24: where the cursor lands after a question, on a step,
in a dialog, and a blocking lint error shown at the field it is about."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Button, Input, OptionList

from tests.tui.pilot_steps import keys_handed_on, open_first, open_step, settle, type_text
from tests.tui.test_overrides import type_into
from tests.tui.test_typing import send
from workbench.core.services.workshop import Workshop
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.fields import ClauseField
from workbench.tui.components.map_files import MapFilesModal
from workbench.tui.components.modals import ConfirmModal, ResolveQuestionModal
from workbench.tui.components.status_bar import SuiteStatusBar
from workbench.tui.components.text import PlainText
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
        assert isinstance(app.screen, ResolveQuestionModal)  # what did the room settle?
        await type_text(pilot, "Only above 200 people.")
        await pilot.press("enter")
        await settle(pilot)
        assert all(q.resolved for q in screen.workshop.definition.questions)
        assert screen.workshop.definition.questions[1].answer == "Only above 200 people."
        assert "→ Only above 200 people." in str(questions.get_option_at_index(1).prompt)
        # Enter again opens it again, the answer kept; escape in the dialog leaves it open.
        await pilot.press("enter")
        await settle(pilot)
        assert not screen.workshop.definition.questions[1].resolved
        assert screen.workshop.definition.questions[1].answer == "Only above 200 people."
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ResolveQuestionModal)
        assert app.screen.query_one("#answer-text", Input).value == "Only above 200 people."
        await pilot.press("escape")
        await settle(pilot)
        assert not screen.workshop.definition.questions[1].resolved
        # The answer shown again and emptied is no answer (it was kept without a word).
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#answer-text", Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert screen.workshop.definition.questions[1].resolved
        assert screen.workshop.definition.questions[1].answer is None
        # An answer typed and escape: asked before it is thrown away, as the other forms do.
        await pilot.press("enter")  # open again
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ResolveQuestionModal)
        await type_text(pilot, "Agencies are out")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "Discard this answer?" in app.screen.question
        await pilot.press("escape")  # no answer: keep editing
        await settle(pilot)
        assert isinstance(app.screen, ResolveQuestionModal)
        assert app.screen.query_one("#answer-text", Input).value == "Agencies are out"


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


def said_under(field: ClauseField) -> str:
    return str(field.query_one(".field-warning", PlainText).render())


async def test_points_on_a_hand_raise_say_at_the_field_that_they_block_signing(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # 30 points on "contact sales", a tier 1 trigger: the status bar said "✓ edge cases
    # passing · saved" and nothing showed at the field; only home and Sign-off said that
    # signing is refused (demo-request-scored).
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "triggers")
        selector = "#field-scoring-activity-points-contact-sales"
        points = screen.query_one(selector, ClauseField)
        await type_into(pilot, selector, "30")
        said = said_under(points)
        assert said.startswith("✗ blocks signing: "), said
        assert "contact sales is a tier 1 trigger and also earns 30 points" in said, said
        assert "demo" not in said, said
        assert "✓" in str(screen.query_one(SuiteStatusBar).render()), "the cases still pass"
        # Changed elsewhere: contact sales out of tier 1, the points still block signing (a
        # hand raise that must reach a score), said so under the points, not as before.
        tier1 = screen.workshop.definition.triggers.tier1
        assert screen.workshop.apply(
            "triggers.tier1", [k for k in tier1 if k != "contact_sales"]
        ).ok
        screen.after_change([], "triggers.tier1")
        await settle(pilot)
        said = said_under(points)
        assert "contact sales earns 30 points but is not a tier 1 trigger" in said, said
        points.query_one(Input).focus()
        await pilot.press("end", "backspace", "backspace")
        await settle(pilot)
        assert said_under(points) == "", "the points gone, nothing blocks signing"


async def test_a_draft_opened_with_a_scored_hand_raise_says_it_at_the_field(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("acme", "3m-10m")
    workshop = Workshop.open(path)
    assert workshop.apply("scoring.activity_points.demo_request", 30).ok
    workshop.save()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "triggers")
        await settle(pilot)
        points = screen.query_one("#field-scoring-activity-points-demo-request", ClauseField)
        said = said_under(points)
        assert said.startswith("✗ blocks signing: demo request is a tier 1 trigger"), said
