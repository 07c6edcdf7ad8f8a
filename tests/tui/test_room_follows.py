"""The room can follow the cursor: the focused field says so, the flip line names only real
flips of settled values in the room's words, and risky values are warned where typed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Collapsible, Input, Label, Select

from tests.tui.pilot_steps import open_first, settle, type_text
from tests.tui.test_workshop_flow import status_text
from workbench.core.evidence.sample import sample_data, write_sample
from workbench.core.evidence.settings import EvidenceSource
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.fields import FOCUS_MARK, ClauseField
from workbench.tui.components.text import PlainText
from workbench.tui.screens.editor import EditorScreen


async def focus_field(pilot: Pilot[None], field_id: str) -> ClauseField:
    screen = pilot.app.screen
    field = screen.query_one(f"#{field_id}", ClauseField)
    editor = field.query_one(Input)
    editor.scroll_visible(animate=False)
    editor.focus()
    await settle(pilot)
    return field


async def test_half_typed_values_name_no_flip_until_the_field_is_left(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    app = make_app(save_delay=600)  # typing never "pauses" here: only leaving settles
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        assert isinstance(app.screen, EditorScreen)
        app.screen.show_step("fit")
        await settle(pilot)
        field = await focus_field(pilot, "field-fit-min-employees")
        label = str(field.query_one(".field-label", Label).render())
        assert label.startswith(FOCUS_MARK.strip()), "the focused field is marked in words"
        assert field.has_class("-focused")
        # 50 → 500 (flips cases on the way) → 50: the room settled on what it had.
        await pilot.press("end", "0")
        await settle(pilot)
        assert not app.screen.workshop.suite.ok, "the half-typed 500 fails cases"
        assert "employees flipped" not in status_text(app), "a half-typed value is not reported"
        await pilot.press("backspace")
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        assert not field.has_class("-focused")
        assert "employees flipped" not in status_text(app), "50 → 500 → 50 flipped nothing"
        # Now a real one, settled by leaving the field.
        await focus_field(pilot, "field-fit-min-employees")
        await pilot.press("end", "0", "tab")
        await settle(pilot)
        text = status_text(app)
        assert "Fit gate: minimum employees flipped" in text
        assert "PASS→PASS" not in text and "FAIL→FAIL" not in text
        assert all(len(line) <= 78 for line in text.splitlines()), text


async def test_a_refused_value_names_no_flip(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    app = make_app(save_delay=600)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        assert isinstance(app.screen, EditorScreen)
        app.screen.show_step("fit")
        await settle(pilot)
        await focus_field(pilot, "field-fit-min-employees")
        # 50 → 5000, above the maximum: refused; the 500 on the way flipped cases.
        await pilot.press("end")
        await type_text(pilot, "00")
        await settle(pilot)
        assert app.screen.invalid
        await pilot.press("tab")
        await settle(pilot)
        assert "employees flipped" not in status_text(app), status_text(app)
        assert "not saved: Fit gate: minimum employees invalid" in status_text(app)


async def test_tier_4_reads_without_scrolling_inside_a_list(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    seeded("acme", "3m-10m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        assert isinstance(app.screen, EditorScreen)
        app.screen.show_step("triggers")
        await settle(pilot)
        tier4 = app.screen.query_one("#fold-tier4", Collapsible)
        assert "sales requested" in str(tier4.title), "the folded tier names its value"
        tier4.collapsed = False
        await settle(pilot)
        assert app.screen.query_one("#fold-tier1", Collapsible).collapsed, "one tier at a time"
        field = app.screen.query_one("#field-triggers-tier4", ClauseField)
        ticked = str(field.query_one(".field-ticked", PlainText).render())
        assert ticked == "ticked: sales requested"
        from textual.widgets import SelectionList

        listing = field.query_one(SelectionList)
        assert listing.max_scroll_y == 0, "the list never scrolls inside the step"


async def test_a_region_the_history_never_uses_is_warned_with_its_values(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path], workdir: Path
) -> None:
    seeded("acme", "3m-10m")
    leads, activities = write_sample(Path("data"), *sample_data(200, 7))
    app = make_app(evidence=EvidenceSource(leads, activities))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        assert isinstance(app.screen, EditorScreen)
        app.screen.show_step("fit")
        await settle(pilot)
        field = await focus_field(pilot, "field-fit-regions")
        await pilot.press("end", ",", "space")
        await type_text(pilot, "mars")
        await settle(pilot)
        warning = field.query_one(".field-warning", PlainText)
        assert not warning.has_class("-shown"), "no history loaded yet: no warning"
        app.screen.show_step("evidence")  # the first backtest loads the history
        await settle(pilot)
        app.screen.show_step("fit")
        await settle(pilot)
        await focus_field(pilot, "field-fit-regions")
        await pilot.press("end", "s")  # 'marss'
        await settle(pilot)
        text = str(warning.render())
        assert warning.has_class("-shown")
        assert "'marss'" in text and "north-america" in text and "europe" not in text.split(":")[0]
        assert app.screen.workshop.definition.fit.regions[-1] == "marss", "warned, not refused"


async def test_a_dropdown_keeps_its_focus_marker_after_a_choice(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # The dropdown hands focus to its list and back; the marker used to follow the last
    # event, and the list's blur could come last: the field lost its "»" with the cursor in it.
    seeded("acme", "3m-10m")
    app = make_app(save_delay=600)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        assert isinstance(app.screen, EditorScreen)
        app.screen.show_step("fit")
        await settle(pilot)
        field = app.screen.query_one("#field-fit-min-seniority", ClauseField)
        dropdown = field.query_one(Select)
        dropdown.scroll_visible(animate=False)
        dropdown.focus()
        await settle(pilot)
        before = dropdown.value
        await pilot.press("enter")  # open
        await settle(pilot)
        await pilot.press("down", "enter")  # choose the next seniority
        await settle(pilot)
        assert dropdown.value != before, "a choice was made"
        assert app.focused is dropdown
        label = str(field.query_one(".field-label", Label).render())
        assert label.startswith(FOCUS_MARK.strip()), label
        assert field.has_class("-focused")
