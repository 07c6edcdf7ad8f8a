"""The buttons inside the editor's steps ("Add scoring", "Add tier 2 rule", "Give Mid-market
its own triggers", "Add escalation"): drawn as buttons, one row each, and pressed by space as
well as enter. A facilitator at 80x24 read them as lines of text, and space on one did
nothing."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.color import Color
from textual.pilot import Pilot
from textual.widgets import Button

from tests.tui.pilot_steps import open_step, settle, settled_until
from tests.tui.test_overrides import ROUND, arrive_at_once, open_block, slow_rebuilds
from workbench.core.files import store
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.modals import NewDefinitionModal
from workbench.tui.components.room_button import RoomButton
from workbench.tui.components.steps import DefinitionPane

TUI = Path(__file__).parents[2] / "workbench" / "tui"


async def focus_button(pilot: Pilot[None], selector: str) -> Button:
    button = pilot.app.screen.query_one(selector, Button)
    button.scroll_visible(animate=False)
    button.focus()
    await settle(pilot)
    assert pilot.app.focused is button
    return button


def far_apart(one: Color, other: Color) -> bool:
    """Two colours a room tells apart on a projector: on 256 colours the theme's surface
    and the screen's background are one shade."""
    return max(abs(a - b) for a, b in zip(one.rgb, other.rgb, strict=True)) >= 64


async def test_space_on_add_scoring_adds_scoring(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("tiny", "pre-1m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "triggers")
        assert screen.workshop.definition.scoring is None, "a pre-$1M template has no scoring"
        await open_block(pilot, "#fold-tier3")
        await focus_button(pilot, "#add-scoring")
        await pilot.press("space")
        await settle(pilot)
        scoring = screen.workshop.definition.scoring
        assert scoring is not None and scoring.threshold


@pytest.mark.parametrize("key", ["enter", "space"])
async def test_space_on_add_tier2_rule_adds_a_rule_and_the_keys_after_it_land_as_enters_do(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    key: str,
) -> None:
    """The key, then tab and a count typed at once while the step is slow to show the new
    rule (a loaded machine): the rule is added and the count lands in its "At least", for
    space as for enter. Space has to hold the keys after it as enter does, or the tab
    reached the button before the rule was there."""
    seeded("acme", "3m-10m")
    app = make_app()
    slow_rebuilds(monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "triggers")
        await open_block(pilot, "#fold-tier2")
        before = list(screen.workshop.definition.triggers.tier2)
        await focus_button(pilot, "#add-tier2")
        arrive_at_once(app, [key, "tab", "7"])

        def landed() -> bool:
            rules = screen.workshop.definition.triggers.tier2
            return len(rules) > len(before) and rules[-1].min_count == 7

        await settled_until(pilot, landed)
        rules = screen.workshop.definition.triggers.tier2
        assert len(rules) == len(before) + 1, f"{key} added a rule"
        assert rules[:-1] == before
        assert rules[-1].min_count == 7, "the count typed after the key is the new rule's"
        count = screen.query_one(f"#field-triggers-tier2-{len(before)}-min-count")
        assert app.focused is not None and count in app.focused.ancestors_with_self


async def test_space_removes_a_rule_and_answers_the_question(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Space, tab, space on "Remove last rule", typed at once: the question comes up and its
    "Remove it" answers it, as enter, tab, enter does."""
    seeded("acme", "3m-10m")
    app = make_app()
    slow_rebuilds(monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "triggers")
        await open_block(pilot, "#fold-tier2")
        before = list(screen.workshop.definition.triggers.tier2)
        await focus_button(pilot, "#remove-tier2")
        arrive_at_once(app, ["space" if k == "enter" else k for k in ROUND])
        await settled_until(
            pilot, lambda: len(screen.workshop.definition.triggers.tier2) < len(before)
        )
        await settle(pilot)
        assert screen.workshop.definition.triggers.tier2 == before[:-1]
        assert app.screen is screen
        assert app.focused is screen.query_one("#remove-tier2")


async def test_space_presses_a_dialogs_button(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewDefinitionModal)
        await focus_button(pilot, "#cancel")
        await pilot.press("space")
        await settle(pilot)
        assert not isinstance(app.screen, NewDefinitionModal), "space pressed Cancel"


def look_like_buttons(pilot: Pilot[None], holder: str, labels: set[str]) -> None:
    """The buttons in `holder` (at least those labelled so) take one row each and are
    filled in a colour far from the step's own; the focused one in another again."""
    app = pilot.app
    box = app.screen.query_one(holder)
    pane = next(a for a in box.ancestors_with_self if isinstance(a, DefinitionPane))
    step_colour = pane.background_colors[1]
    buttons = list(box.query(Button).results(Button))
    assert labels <= {str(b.label) for b in buttons}
    focused = app.focused
    assert isinstance(focused, Button) and focused in buttons
    for button in buttons:
        assert button.outer_size.height == 1, f"{button.label}: one row"
        colour = button.background_colors[1]
        assert far_apart(colour, step_colour), f"{button.label}: {colour} on {step_colour}"
        if button is not focused:
            assert far_apart(colour, focused.background_colors[1]), "the focus is seen"


async def test_a_steps_buttons_are_filled_one_row_blocks_their_focus_seen(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """A button in a step, not a line of bold text: the tier 2 pair and a segment's "Give
    … its own" and "Use the main …", at 80x24."""
    seeded("bigco", "10m-30m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "triggers")
        await open_block(pilot, "#fold-tier2")
        await focus_button(pilot, "#add-tier2")
        look_like_buttons(pilot, "#fold-tier2", {"Add tier 2 rule", "Remove last rule"})
        screen.show_step("segments")
        await settle(pilot)
        await open_block(pilot, "#own-segments-1")
        await focus_button(pilot, "#own-segments-1-fit")
        await pilot.press("space")
        await settle(pilot)
        assert screen.workshop.definition.segments[1].fit is not None, "space gave it its own"
        await focus_button(pilot, "#own-segments-1-triggers")
        look_like_buttons(
            pilot,
            "#own-segments-1",
            {"Use the main fit gate", "Give Mid-market its own triggers"},
        )


def test_every_button_the_app_draws_is_a_room_button() -> None:
    """Space presses a button because it is a RoomButton: a plain Button constructed
    anywhere in the app would be one that space does nothing on."""
    plain = []
    for source in TUI.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Button":
                plain.append(f"{source.relative_to(TUI)}:{node.lineno}")
    assert plain == []
    space = [b for b in RoomButton.BINDINGS if isinstance(b, Binding) and b.key == "space"]
    assert len(space) == 1 and space[0].id and space[0].tooltip


async def test_space_on_add_escalation_adds_one(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("acme", "3m-10m")
    loaded = store.load_definition(path)
    sla = loaded.definition.sla
    edited = loaded.definition.model_copy(
        update={"sla": sla.model_copy(update={"escalation": None})}
    )
    store.save(edited, path, loaded.file_sha256)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "sla")
        assert screen.workshop.definition.sla.escalation is None
        await focus_button(pilot, "#add-escalation")
        await pilot.press("space")
        await settle(pilot)
        assert screen.workshop.definition.sla.escalation is not None
