"""A segment's or motion's own fit, triggers and scoring are edited in the app, not the file."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Button, Collapsible, Input, TabbedContent

from tests.tui.pilot_steps import keys_handed_on, open_step, settle, settled_until
from workbench.core.files import store
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.modals import ConfirmModal
from workbench.tui.components.status_bar import SuiteStatusBar
from workbench.tui.components.steps import MotionsPane, SegmentsPane, TriggerButtons
from workbench.tui.components.text import PlainText
from workbench.tui.screens.editor import EditorScreen


async def press_button(pilot: Pilot[None], selector: str) -> None:
    button = pilot.app.screen.query_one(selector, Button)
    button.scroll_visible(animate=False)
    await settle(pilot)
    button.press()
    await settle(pilot)


async def open_block(pilot: Pilot[None], selector: str) -> None:
    block = pilot.app.screen.query_one(selector, Collapsible)
    block.collapsed = False
    await settle(pilot)


async def type_into(pilot: Pilot[None], selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector)
    for fold in field.ancestors:  # the Triggers step shows one folded part at a time
        if isinstance(fold, Collapsible) and fold.collapsed:
            fold.collapsed = False
            await settle(pilot)
    editor = field.query_one(Input)
    editor.scroll_visible(animate=False)
    editor.focus()
    await settle(pilot)
    await pilot.press("end", *["backspace"] * 8, *text)
    await settle(pilot)


async def test_a_segment_gets_its_own_triggers_edits_them_and_gives_them_back(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("bigco", "10m-30m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "segments")
        main = screen.workshop.definition.triggers
        assert screen.workshop.definition.segments[1].triggers is None  # mid-market
        block = screen.query_one("#own-segments-1", Collapsible)
        assert block.collapsed and "none (uses the main ones)" in str(block.title)

        await open_block(pilot, "#own-segments-1")
        await press_button(pilot, "#own-segments-1-triggers")
        own = screen.workshop.definition.segments[1].triggers
        assert own == main, "its own triggers start as a copy of the main ones"
        block = screen.query_one("#own-segments-1", Collapsible)
        assert not block.collapsed, "the block stays open across the rebuild"
        assert "own triggers (main fit gate, scoring)" in str(block.title)

        # Tier 2 in mid-market only: a rule added there, its window changed by typing.
        await press_button(pilot, "#add-tier2-segments-1-triggers")
        rules = screen.workshop.definition.segments[1].triggers
        assert rules is not None and len(rules.tier2) == len(main.tier2) + 1
        last = len(rules.tier2) - 1
        await type_into(pilot, f"#field-segments-1-triggers-tier2-{last}-within-days", "30")
        rules = screen.workshop.definition.segments[1].triggers
        assert rules is not None and rules.tier2[-1].within_days == 30
        assert screen.workshop.definition.triggers == main, "the main triggers are untouched"
        summary = str(screen.query_one("#summary-segments-1", PlainText).render())
        assert "within the last 30 days" in summary, "the sentences follow a field's edit"

        on_disk = store.load_definition(path).definition.segments[1].triggers
        assert on_disk is not None and on_disk.tier2[-1].within_days == 30, "autosaved"

        # Its removal asks about mid-market's rule, not "the" (the main rules') one.
        await press_button(pilot, "#remove-tier2-segments-1-triggers")
        asked = app.screen
        assert isinstance(asked, ConfirmModal)
        assert asked.question.startswith(f"Remove Mid-market's tier 2 rule {last + 1}: "), (
            asked.question
        )
        await press_button(pilot, "#answer-keep")
        rules = screen.workshop.definition.segments[1].triggers
        assert rules is not None and len(rules.tier2) == last + 1, "kept"

        await press_button(pilot, "#main-segments-1-triggers")
        assert screen.workshop.definition.segments[1].triggers is None
        assert "none (uses the main ones)" in str(
            screen.query_one("#own-segments-1", Collapsible).title
        )


async def test_a_segment_gets_scoring_of_its_own_when_the_definition_has_none(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("bigco", "10m-30m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "segments")
        pane = screen.query_one(SegmentsPane)
        await open_block(pilot, "#own-segments-2")
        await press_button(pilot, "#own-segments-2-scoring")
        own = screen.workshop.definition.segments[2].scoring
        main = screen.workshop.definition.scoring
        assert own is not None and (main is None or own == main)
        await type_into(pilot, "#field-segments-2-scoring-threshold", "120")
        own = screen.workshop.definition.segments[2].scoring
        assert own is not None and own.threshold == 120
        assert pane.definition is screen.workshop.definition, "the pane follows field edits"


async def test_a_motion_can_narrow_its_own_fit(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("global", "30m-plus")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "motions")
        assert screen.query_one(MotionsPane)
        await open_block(pilot, "#own-motions-0")
        await press_button(pilot, "#own-motions-0-fit")
        await type_into(pilot, "#field-motions-0-fit-min-employees", "777")
        motion = screen.workshop.definition.motions[0]
        assert motion.fit is not None and motion.fit.min_employees == 777
        assert screen.workshop.definition.fit.min_employees != 777


async def test_adding_a_main_tier2_rule_keeps_an_edit_typed_just_before(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "triggers")
        before = len(screen.workshop.definition.triggers.tier2)
        assert before, "the template has a tier 2 rule"
        await type_into(pilot, "#field-triggers-tier2-0-within-days", "21")
        await press_button(pilot, "#add-tier2")
        rules = screen.workshop.definition.triggers.tier2
        assert rules[0].within_days == 21, "the button started from the edited definition"
        assert len(rules) == before + 1
        # The cursor is in the new rule's first field (the rebuild took it with the button).
        new_kind = screen.query_one(f"#field-triggers-tier2-{before}-kind")
        assert app.focused is not None and new_kind in app.focused.ancestors_with_self
        # Removing one does not put the cursor in the last rule left (a second enter would
        # then open its dropdown).
        # Asked first, naming the rule (an enter by mistake took one the room had argued for).
        await press_button(pilot, "#remove-tier2")
        asked = app.screen
        assert isinstance(asked, ConfirmModal) and asked.question.startswith(
            f"Remove the tier 2 rule {before + 1}: pricing page view 2+ times"
        )
        await pilot.press("enter")  # the first answer, "Keep it", has the cursor
        await settle(pilot)
        assert len(screen.workshop.definition.triggers.tier2) == before + 1
        # A window typed into the last rule just before the button: the question names the
        # rule as typed, and "Remove it" takes it (it removed nothing, unsaid).
        field = screen.query_one(f"#field-triggers-tier2-{before}-within-days").query_one(Input)
        field.focus()
        field.value = "21"
        await press_button(pilot, "#remove-tier2")
        asked = app.screen
        assert isinstance(asked, ConfirmModal) and "within the last 21 days" in asked.question
        await press_button(pilot, "#answer-remove")
        assert len(screen.workshop.definition.triggers.tier2) == before
        last_kind = screen.query_one(f"#field-triggers-tier2-{before - 1}-kind")
        assert app.focused is None or last_kind not in app.focused.ancestors_with_self
        # The cursor is back on the button, so the next rule goes with enter and a confirm
        # (it went nowhere, and tab then started from the top of the step).
        assert app.focused is screen.query_one("#remove-tier2")
        for _ in range(before):
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmModal)
            await press_button(pilot, "#answer-remove")
        assert screen.workshop.definition.triggers.tier2 == []
        # None left: the fold's title, where one enter too many only folds it (on "Add tier
        # 2 rule" it added a rule, with no question asked).
        focused = app.focused
        assert focused is not None and type(focused).__name__ == "CollapsibleTitle"
        fold = focused.parent
        assert fold is not None and fold.query("#add-tier2"), "the tier 2 fold's title"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.workshop.definition.triggers.tier2 == []


def arrive_at_once(app: WorkbenchApp, keys: list[str]) -> None:
    """Keys as a loaded terminal delivers them: all in the app's queue before it reads one."""
    for key in keys:
        event = events.Key(
            key,
            {"enter": "\r", "tab": "\t", "space": " "}.get(key, key if len(key) == 1 else None),
        )
        event.set_sender(app)
        app.post_message(event)


def slow_rebuilds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every rebuild of a step, and every tier 2 row added or removed, takes 0.3 s more, as
    on a loaded machine."""
    rebuild = EditorScreen.rebuild_pane
    show_tier2 = TriggerButtons.show_tier2

    async def slow_rebuild(screen: EditorScreen, pane: Any) -> None:
        await asyncio.sleep(0.3)
        await rebuild(screen, pane)

    async def slow_rows(pane: TriggerButtons, prefix: str) -> bool:
        await asyncio.sleep(0.3)
        return await show_tier2(pane, prefix)

    monkeypatch.setattr(EditorScreen, "rebuild_pane", slow_rebuild)
    monkeypatch.setattr(TriggerButtons, "show_tier2", slow_rows)


ROUND = ["enter", "tab", "enter"]  # "Remove last rule", then "Remove it"


async def test_keys_typed_while_the_step_rebuilds_after_a_removal_are_not_lost(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Keys typed while the step is rebuilt after "Remove it" act as typed after it: back
    up to the last rule left and type its window. On a loaded machine they arrived during
    the rebuild, went to the button being taken away, and were lost."""
    seeded("acme", "3m-10m")
    app = make_app()
    typed_during: list[str] = []
    show_tier2 = TriggerButtons.show_tier2
    keys = ["shift+tab"] * 3 + ["end", "backspace", "backspace", "backspace", "3", "0"]

    async def slow_rows(pane: TriggerButtons, prefix: str) -> bool:
        if not typed_during:  # the first removal's update: the room types on meanwhile
            arrive_at_once(app, keys)
            typed_during.extend(keys)
            await asyncio.sleep(0.2)  # the app takes the keys while the row goes
        return await show_tier2(pane, prefix)

    monkeypatch.setattr(TriggerButtons, "show_tier2", slow_rows)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "triggers")
        before = len(screen.workshop.definition.triggers.tier2)
        assert before >= 2, "the template has two tier 2 rules"
        assert screen.workshop.definition.triggers.tier2[-2].within_days != 30
        await open_block(pilot, "#fold-tier2")
        await press_button(pilot, "#remove-tier2")
        assert isinstance(app.screen, ConfirmModal)
        await press_button(pilot, "#answer-remove")
        for _ in range(40):  # the held keys go on one per refresh
            await settle(pilot)
            if screen.workshop.definition.triggers.tier2[-1].within_days == 30:
                break
            await asyncio.sleep(0.05)
        assert typed_during == keys
        rules = screen.workshop.definition.triggers.tier2
        assert len(rules) == before - 1
        assert rules[-1].within_days == 30, "every key typed during the rebuild reached it"
        window = screen.query_one(f"#field-triggers-tier2-{before - 2}-within-days")
        assert app.focused is window.query_one(Input)
        # Keys pass straight through again.
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.workshop.definition.triggers.tier2[-1].within_days == 3


async def test_keys_typed_before_the_removal_question_is_up_answer_it(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Enter on "Remove last rule", then tab and enter typed before the question is up
    (on a loaded machine): they answer the question, "Remove it", instead of moving the
    cursor on the page and leaving the question to the next key."""
    from workbench.tui.components import steps

    seeded("acme", "3m-10m")
    app = make_app()
    ask = steps.TriggerButtons._ask_to_remove
    typed_during: list[str] = []

    async def slow_ask(pane: Any, prefix: str) -> None:
        arrive_at_once(app, ["tab", "enter"])
        typed_during.extend(["tab", "enter"])
        await asyncio.sleep(0.2)  # the app takes the keys before the question is up
        await ask(pane, prefix)

    monkeypatch.setattr(steps.TriggerButtons, "_ask_to_remove", slow_ask)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "triggers")
        before = len(screen.workshop.definition.triggers.tier2)
        await press_button(pilot, "#remove-tier2")
        for _ in range(40):
            await settle(pilot)
            if len(screen.workshop.definition.triggers.tier2) == before - 1:
                break
            await asyncio.sleep(0.05)
        assert typed_during == ["tab", "enter"]
        assert len(screen.workshop.definition.triggers.tier2) == before - 1
        assert app.screen_stack[-1] is screen


async def test_removing_rules_at_typing_speed_removes_one_rule_per_enter_tab_enter(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two rounds of enter, tab, enter arrive at once on "Remove last rule", each rebuild
    slow (a loaded machine): two rules go, nothing else changes, and the cursor is back on
    the button. A facilitator typing so lost the second round's keys: a fold opened, tier 4
    gained a tick, tier 3 was switched off."""
    seeded("acme", "3m-10m")
    app = make_app()
    slow_rebuilds(monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "triggers")
        await open_block(pilot, "#fold-tier2")
        before = screen.workshop.definition.model_copy(deep=True)
        assert len(before.triggers.tier2) >= 3
        remove = screen.query_one("#remove-tier2", Button)
        remove.scroll_visible(animate=False)
        remove.focus()
        await settle(pilot)
        arrive_at_once(app, ROUND * 2)
        await settled_until(
            pilot,
            lambda: (
                len(screen.workshop.definition.triggers.tier2) <= len(before.triggers.tier2) - 2
            ),
        )
        await asyncio.sleep(0.3)
        await settle(pilot)
        after = screen.workshop.definition
        assert after.triggers.tier2 == before.triggers.tier2[:-2]
        assert after.triggers.model_dump(exclude={"tier2"}) == before.triggers.model_dump(
            exclude={"tier2"}
        )
        assert app.screen_stack[-1] is screen
        assert app.focused is screen.query_one("#remove-tier2")


async def test_enter_tab_enter_beyond_the_last_rule_changes_nothing_else(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One round more than there are rules, typed at once: every rule goes, the keys of the
    round too many are not used (and the room is told), and no other clause changes. Sent
    on, they folded tier 2, opened tier 3 and switched it off, or added a rule back."""
    seeded("acme", "3m-10m")
    app = make_app()
    slow_rebuilds(monkeypatch)
    said: list[str] = []
    notify = WorkbenchApp.notify

    def heard(self: WorkbenchApp, message: str, **kwargs: Any) -> None:
        said.append(message)
        notify(self, message, **kwargs)

    monkeypatch.setattr(WorkbenchApp, "notify", heard)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "triggers")
        await open_block(pilot, "#fold-tier2")
        before = screen.workshop.definition.model_copy(deep=True)
        rules = len(before.triggers.tier2)
        remove = screen.query_one("#remove-tier2", Button)
        remove.scroll_visible(animate=False)
        remove.focus()
        await settle(pilot)
        arrive_at_once(app, ROUND * (rules + 1))
        for _ in range(80):
            await settle(pilot)
            if not screen.workshop.definition.triggers.tier2 and said:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        await settle(pilot)
        after = screen.workshop.definition
        assert after.triggers.tier2 == []
        assert after.triggers.model_dump(exclude={"tier2"}) == before.triggers.model_dump(
            exclude={"tier2"}
        )
        assert after.scoring == before.scoring
        assert any("3 key(s) typed after the last removal were not used" in s for s in said)
        assert app.screen_stack[-1] is screen
        focused = app.focused
        assert focused is not None and type(focused).__name__ == "CollapsibleTitle"


def shown_fields(pane: Any) -> list[tuple[str, str, Any]]:
    """What a step shows, in screen order: each field (path, label, value), evidence line
    and button."""
    from workbench.tui.components.clause_evidence import LINE_CLASS
    from workbench.tui.components.fields import ClauseField

    shown: list[tuple[str, str, Any]] = []
    for node in pane.query("*"):
        if isinstance(node, ClauseField):
            inputs = list(node.query(Input).results(Input))
            value = inputs[0].value if inputs else node.shown_value()
            shown.append((node.path, node.label_text, value))
        elif isinstance(node, PlainText) and node.has_class(LINE_CLASS):
            shown.append(("evidence", str(node.name), str(node.render())))
        elif isinstance(node, Button):
            shown.append(("button", str(node.id), str(node.label)))
    return shown


async def test_a_rule_added_or_removed_changes_its_row_and_the_step_reads_as_rebuilt(
    make_app: Callable[..., WorkbenchApp],
    seeded: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Adding or removing a tier 2 rule mounts or takes away that rule's row, not the whole
    step (2-7 s a time on a loaded machine with 8-14 rules); what it then shows is what a
    rebuild of the step shows, down to the "Remove last rule" button going with the last
    rule and coming back with a new one."""
    seeded("acme", "3m-10m")
    app = make_app()
    rebuilt: list[str] = []
    rebuild = EditorScreen.rebuild_pane

    async def counted(screen: EditorScreen, pane: Any) -> None:
        rebuilt.append(type(pane).__name__)
        await rebuild(screen, pane)

    monkeypatch.setattr(EditorScreen, "rebuild_pane", counted)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "triggers")
        pane = screen.query_one("#fold-tier2").parent
        while pane is not None and not isinstance(pane, TriggerButtons):
            pane = pane.parent
        assert pane is not None
        tier1 = screen.query_one("#field-triggers-tier1")
        before = len(screen.workshop.definition.triggers.tier2)
        await open_block(pilot, "#fold-tier2")
        for _ in range(2):
            await press_button(pilot, "#add-tier2")
        await type_into(pilot, f"#field-triggers-tier2-{before + 1}-within-days", "45")
        assert len(screen.workshop.definition.triggers.tier2) == before + 2
        for _ in range(before + 2):
            await press_button(pilot, "#remove-tier2")
            await press_button(pilot, "#answer-remove")
        assert screen.workshop.definition.triggers.tier2 == []
        assert not screen.query(".remove-tier2"), "no rule left to remove"
        await press_button(pilot, "#add-tier2")
        assert len(screen.query(".remove-tier2")) == 1
        await type_into(pilot, "#field-triggers-tier2-0-min-count", "3")
        assert screen.workshop.definition.triggers.tier2[0].min_count == 3
        assert rebuilt == [], "no rebuild of the step for a rule added or removed"
        assert screen.query_one("#field-triggers-tier1") is tier1, "the step was not rebuilt"
        rows = shown_fields(pane)
        assert ("button", "remove-tier2", "Remove last rule") in rows
        await rebuild(screen, pane)
        await settle(pilot)
        assert screen.query_one("#field-triggers-tier1") is not tier1
        assert shown_fields(pane) == rows


async def test_a_refused_value_in_a_removed_rule_does_not_hold_the_saves_back(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """A "0" refused in the last rule's count, then that rule removed: the refusal goes with
    the rule. Kept, it held every save back for a field no longer on screen."""
    path = seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "triggers")
        last = len(screen.workshop.definition.triggers.tier2) - 1
        await type_into(pilot, f"#field-triggers-tier2-{last}-min-count", "0")
        assert f"triggers.tier2.{last}.min_count" in screen.invalid
        await press_button(pilot, "#remove-tier2")
        await press_button(pilot, "#answer-remove")
        assert len(screen.workshop.definition.triggers.tier2) == last
        assert not screen.invalid
        screen.save_draft()
        await settle(pilot)
        assert len(store.load_definition(path).definition.triggers.tier2) == last


async def test_segments_are_removed_one_by_one_after_a_question_naming_the_lost_sizes(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """A room that wants two bands, or none, had no way but the file. Each segment has a
    Remove button; the question names the sizes no other band covers (they would be
    rejected); the last one removed takes the step away, and the room is on Triggers."""
    path = seeded("bigco", "10m-30m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "segments")
        await press_button(pilot, "#remove-segments-2")
        asked = app.screen
        assert isinstance(asked, ConfirmModal)
        assert asked.question.startswith("Remove the segment Enterprise and its own rules?")
        assert "companies of 1000+ employees: they would be rejected" in asked.question
        # Left on the first answer (the safe one) stays there: it wrapped to "Remove".
        await pilot.press("left", "enter")
        await settle(pilot)
        assert len(screen.workshop.definition.segments) == 3, "kept"

        # Enter on the button, then right and enter typed at once: the keys wait for the
        # question, the arrow moves to the second answer, and it removes the segment.
        button = screen.query_one("#remove-segments-2", Button)
        button.scroll_visible(animate=False)
        button.focus()
        await settle(pilot)
        await pilot.press("enter", "right", "enter")
        await settled_until(pilot, lambda: len(screen.workshop.definition.segments) == 2)
        await keys_handed_on(pilot)
        assert [s.id for s in screen.workshop.definition.segments] == ["smb", "mid-market"]
        assert not screen.query("#remove-segments-2")
        # The cursor on the Remove button now last (it was nowhere, and keys went nowhere);
        # the one case it flipped is named on the status line.
        assert app.focused is not None and app.focused.id == "remove-segments-1"
        status = screen.query_one(SuiteStatusBar)
        assert [flip.name for flip in status.flips] == ["enterprise-demo-request"]

        # Mid-market flips nine cases; SMB, the one left, goes with its step, and the keys
        # typed after the answer are not sent into Triggers.

        await press_button(pilot, "#remove-segments-1")
        await press_button(pilot, "#answer-remove")
        smb_only = screen.workshop.definition
        last = screen.query_one("#remove-segments-0", Button)
        last.scroll_visible(animate=False)
        last.focus()
        await settle(pilot)
        await pilot.press("enter", "right", "enter", "z", "z")
        await settled_until(pilot, lambda: "segments" not in dict(screen.steps()))
        await keys_handed_on(pilot)
        assert screen.workshop.definition.segments == []
        assert screen.query_one("#steps", TabbedContent).active == "step-triggers"
        # The keys typed after the answer changed nothing in the step the room is on.
        assert screen.workshop.definition == smb_only.model_copy(update={"segments": []})
        flipped = screen.query_one(SuiteStatusBar).flips  # the screen was composed again
        assert any(flip.now_passing for flip in flipped), "named on the new status line"
        await screen.take_typing()
        screen.workshop.save()
    assert store.load_definition(path).definition.segments == []


async def test_an_open_own_rules_block_stays_with_its_segment_after_a_removal(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """The open blocks are kept by index: SMB removed, Mid-market's open block showed
    folded and Enterprise's open. And a key refused in a field of the rebuilt step reverts
    that field only (it put the removed segment back, and the save wrote it)."""
    path = seeded("bigco", "10m-30m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "segments")
        await open_block(pilot, "#own-segments-1")
        await press_button(pilot, "#remove-segments-0")
        await press_button(pilot, "#answer-remove")
        assert [s.id for s in screen.workshop.definition.segments] == ["mid-market", "enterprise"]
        assert not screen.query_one("#own-segments-0", Collapsible).collapsed  # Mid-market
        assert screen.query_one("#own-segments-1", Collapsible).collapsed  # Enterprise

        await type_into(pilot, "#field-segments-1-min-employees", "1500x")
        assert [s.id for s in screen.workshop.definition.segments] == ["mid-market", "enterprise"]
        await pilot.press("backspace")
        await settle(pilot)
        segments = screen.workshop.definition.segments
        assert [s.id for s in segments] == ["mid-market", "enterprise"]
        assert segments[1].min_employees == 1500 and segments[0].min_employees == 200
        await screen.take_typing()
        screen.workshop.save()
    assert [s.id for s in store.load_definition(path).definition.segments] == [
        "mid-market",
        "enterprise",
    ]


async def test_the_last_segment_removed_goes_straight_to_triggers(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """The step taken away while shown: the tab bar moved on to SLA, which was rebuilt and
    shown for nothing on the way to Triggers. Only Triggers is shown and rebuilt."""
    seeded("bigco", "10m-30m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "segments")
        for index in (2, 1):
            await press_button(pilot, f"#remove-segments-{index}")
            await press_button(pilot, "#answer-remove")
        rebuilt: list[str | None] = []
        real = screen.rebuild_pane

        async def rebuild(pane: Any) -> None:
            rebuilt.append(pane.id)
            await real(pane)

        screen.rebuild_pane = rebuild  # type: ignore[method-assign]
        shown: list[str] = []
        tabs = screen.query_one("#steps", TabbedContent)

        def seen(active: str) -> None:
            shown.append(active)

        screen.watch(tabs, "active", seen, init=False)
        await press_button(pilot, "#remove-segments-0")
        await press_button(pilot, "#answer-remove")
        await keys_handed_on(pilot)
        assert tabs.active == "step-triggers"
        assert "step-sla" not in shown, shown
        assert rebuilt == ["pane-triggers"], rebuilt
