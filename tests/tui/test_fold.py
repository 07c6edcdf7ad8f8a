"""A tab inside a fold of the Triggers step restyles the fields it moves between, not the
fold: Textual's Collapsible restyled all of its ~300 widgets (twelve tier 2 rules) per tab,
146 ms on a quiet machine."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Collapsible, Input

from tests.tui.conftest import FIXED_NOW
from tests.tui.pilot_steps import open_step, settle
from workbench.core.domain.templates import from_template
from workbench.core.files import store
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.editor import EditorScreen

RULES = 12


def seed_rules() -> None:
    """A 3m-10m draft in ./definitions whose tier 2 has RULES rules."""
    definition = from_template("acme", "3m-10m", FIXED_NOW.date(), name="acme inbound")
    rules = [
        {"kind": "pricing_page_view", "min_count": 2 + i, "within_days": 14} for i in range(RULES)
    ]
    triggers = definition.triggers.model_validate(
        {**definition.triggers.model_dump(), "tier2": rules}
    )
    store.create(definition.model_copy(update={"triggers": triggers}), Path("definitions"))


async def open_tier2(pilot: Pilot[None]) -> EditorScreen:
    """The first definition's Triggers step, its tier 2 fold open."""
    screen = await open_step(pilot, "triggers")
    screen.query_one("#fold-tier2", Collapsible).collapsed = False
    await settle(pilot)
    return screen


async def test_moving_the_cursor_in_a_fold_of_many_rules_restyles_only_a_few_widgets(
    make_app: Callable[..., WorkbenchApp],
) -> None:
    seed_rules()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tier2(pilot)
        fold = screen.query_one("#fold-tier2", Collapsible)
        inside = len(list(fold.walk_children()))
        assert inside > 200, "the fold holds twelve rules' widgets"
        first = screen.query_one("#field-triggers-tier2-0-min-count").query_one(Input)
        first.focus()
        await settle(pilot)
        restyled: list[int] = []
        update_nodes = app.stylesheet.update_nodes

        def counted(nodes: Any, animate: bool = False) -> None:
            nodes = list(nodes)
            restyled.append(len(nodes))
            update_nodes(nodes, animate=animate)

        app.stylesheet.update_nodes = counted  # type: ignore[method-assign]
        await pilot.press("tab", "tab", "shift+tab")
        await settle(pilot)
        app.stylesheet.update_nodes = update_nodes  # type: ignore[method-assign]
        assert app.focused is screen.query_one("#field-triggers-tier2-0-within-days").query_one(
            Input
        )
        assert max(restyled, default=0) < 30, f"{restyled} widgets restyled of {inside}"


async def test_typing_and_saving_neither_rebuild_the_footer_nor_re_say_the_status_line(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """Each save rebuilt the footer (refresh_bindings), and the status line was set twice a
    key to what it already said, each time laying the whole screen out again."""
    from workbench.tui.components.status_bar import SuiteStatusBar

    seeded("acme", "3m-10m")
    app = make_app()  # saves after every edit
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tier2(pilot)
        box = screen.query_one("#field-triggers-tier2-0-within-days").query_one(Input)
        box.focus()
        await settle(pilot)
        bindings: list[str] = []
        lines: list[str] = []
        status = screen.query_one(SuiteStatusBar)
        refresh_bindings, update = screen.refresh_bindings, status.update
        screen.refresh_bindings = lambda: bindings.append("footer")  # type: ignore[method-assign]

        def said(content: Any = "", **options: Any) -> None:
            lines.append(str(content))
            update(content, **options)

        status.update = said  # type: ignore[method-assign]
        keys = ["end", "backspace", "backspace", "2", "1"]
        await pilot.press(*keys)
        await settle(pilot)
        screen.refresh_bindings, status.update = refresh_bindings, update  # type: ignore[method-assign]
        assert screen.workshop.definition.triggers.tier2[0].within_days == 21
        assert not screen.workshop.dirty, "saved"
        assert bindings == [], "the keys offered did not change"
        assert all(a != b for a, b in pairwise(lines)), f"a line said twice: {lines}"
        assert len(lines) <= 2 * len(keys)


async def test_a_step_key_back_to_a_scrolled_step_shows_the_cursor(
    make_app: Callable[..., WorkbenchApp],
) -> None:
    """F3 back to Triggers after working at the foot of its tier 2 rules: the cursor goes to
    the step's first field, and the step scrolls to it (it stayed scrolled down, the cursor
    out of sight, and the next key typed went where nobody could see)."""
    seed_rules()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tier2(pilot)
        remove = screen.query_one("#remove-tier2")
        remove.focus()
        await settle(pilot)
        pane = screen.query_one("#pane-triggers")
        assert pane.scroll_y > 0, "the step is scrolled down to the button"
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        focused = app.focused
        assert focused is not None and pane in focused.ancestors
        seen = pane.region
        assert seen.contains_region(focused.region), (focused, focused.region, seen)


async def test_a_folds_title_shows_the_threshold_settled_not_one_met_on_the_way(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """ "72.5" typed into tier 3's threshold (the file holds 75) is refused at its "."; the
    core took the "72" before it, and the fold's title read "threshold 72": a value neither
    in the field nor in the file. The title says what stands until the field is settled."""
    path = seeded("acme", "3m-10m")
    app = make_app(save_delay=60)  # nothing saved on the way, as at a person's pace
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "triggers")
        fold = screen.query_one("#fold-tier3", Collapsible)
        fold.collapsed = False
        await settle(pilot)
        assert "threshold 75" in fold.title
        box = screen.query_one("#field-scoring-threshold").query_one(Input)
        box.focus()
        await pilot.press("end", "backspace", "backspace", "7", "2", ".", "5")
        await settle(pilot)
        assert box.value == "72.5"
        assert "scoring.threshold" in screen.invalid
        assert fold.title.endswith("threshold 75"), fold.title
        # Another field's edit (the title is worked out again) does not bring the 72 back.
        recycling = screen.query_one("#field-recycling-resubmit-after-days").query_one(Input)
        recycling.focus()
        await pilot.press("end", "backspace", "5")
        await settle(pilot)
        assert "recycling.resubmit_after_days" not in screen.invalid, "taken"
        assert box.value == "72.5"
        assert fold.title.endswith("threshold 75"), fold.title
        # Typed back to a whole number, the title follows the field again.
        box.focus()
        await pilot.press("end", "backspace", "backspace")
        await settle(pilot)
        assert box.value == "72"
        assert fold.title.endswith("threshold 72"), fold.title
        saved = store.load_definition(path).definition.scoring
        assert saved is not None and saved.threshold == 75, "nothing saved on the way"
