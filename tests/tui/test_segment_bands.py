"""In the app: a band that would overlap is refused at its field with the core's reason, a gap
is warned with the companies that fall through, and a segment's own response time is typed
where its summary shows it (issue 12, section 4)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.geometry import Region
from textual.widgets import Input

from tests.tui.pilot_steps import open_step, settle
from tests.tui.test_overrides import open_block, type_into
from workbench.core.files import store
from workbench.tui.app import WorkbenchApp
from workbench.tui.components.fields import ClauseField
from workbench.tui.components.text import PlainText


async def test_an_overlapping_band_is_refused_at_its_field_and_a_gap_is_warned(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("bigco", "10m-30m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "segments")
        # Without a warning the line takes no row (it cost one at 80x24).
        assert not screen.query_one("#band-warnings", PlainText).display
        await type_into(pilot, "#field-segments-1-min-employees", "150")
        assert screen.workshop.definition.segments[1].min_employees == 200, "refused"
        field = screen.query_one("#field-segments-1-min-employees", ClauseField)
        assert field.has_class("-invalid")
        shown = str(field.query_one(".field-error", PlainText).render())
        assert "overlaps SMB's 50-199" in shown

        await type_into(pilot, "#field-segments-1-min-employees", "300")
        assert screen.workshop.definition.segments[1].min_employees == 300
        assert not field.has_class("-invalid")
        warnings = screen.query_one("#band-warnings", PlainText)
        assert warnings.display
        assert "No segment covers companies of 200-299 employees" in str(warnings.render())
        assert store.load_definition(path).definition.segments[1].min_employees == 300


async def test_a_segments_own_response_time_is_typed_where_it_is_shown(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    path = seeded("bigco", "10m-30m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "segments")
        await open_block(pilot, "#own-segments-1")
        await type_into(pilot, "#field-segments-1-response-minutes-tier2", "45")
        assert screen.workshop.definition.segments[1].response_minutes == {"tier2": 45}
        summary = str(screen.query_one("#summary-segments-1", PlainText).render())
        assert "Response times: tier2 45 min." in summary
        on_disk = store.load_definition(path).definition.segments[1]
        assert on_disk.response_minutes == {"tier2": 45}


async def test_a_band_refused_over_the_next_one_is_taken_once_the_next_one_moves(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # SMB is 50-199 and mid-market starts at 200: SMB up to 249 is refused ("move the other
    # edge first"). Once mid-market starts at 250, the 249 on screen is a valid band: it is
    # applied and saved, not left refused with "not saved" until it is typed again.
    path = seeded("bigco", "10m-30m")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "segments")
        await type_into(pilot, "#field-segments-0-max-employees", "249")
        smb = screen.query_one("#field-segments-0-max-employees", ClauseField)
        assert smb.has_class("-invalid")
        assert screen.workshop.definition.segments[0].max_employees == 199
        await type_into(pilot, "#field-segments-1-min-employees", "250")
        assert not smb.has_class("-invalid")
        assert not screen.invalid
        bands = [(s.min_employees, s.max_employees) for s in screen.workshop.definition.segments]
        assert bands[:2] == [(50, 249), (250, 999)]
        assert "not saved" not in screen.save_note()
        # SMB's own fit gate still stops at 199: said under the edge that was typed.
        warning = str(smb.query_one(".field-warning", PlainText).render())
        assert "its own fit gate allows at most 199 employees" in warning, warning
    on_disk = store.load_definition(path).definition.segments
    assert [(s.min_employees, s.max_employees) for s in on_disk[:2]] == [(50, 249), (250, 999)]


async def test_a_value_typed_through_does_not_decide_a_refused_band(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # On a loaded machine the save timer can fire while keys typed after the last applied
    # edit still wait in the queues: mid-market shows "250" on its way to "210". SMB's
    # refused 249 must not be taken then; leaving mid-market at 210 offers it again, and it
    # is still refused.
    path = seeded("bigco", "10m-30m")
    app = make_app(save_delay=30.0)  # the pause never comes by itself in this test
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "segments")
        await type_into(pilot, "#field-segments-0-max-employees", "249")
        smb = screen.query_one("#field-segments-0-max-employees", ClauseField)
        assert smb.has_class("-invalid")
        await type_into(pilot, "#field-segments-1-min-employees", "250")
        app.last_key_at = time.monotonic()  # a key arrived; its edit is still on its way
        screen._save_if_valid()  # the timer fires
        await settle(pilot)
        assert smb.has_class("-invalid"), "249 was taken against a value typed through"
        assert screen.workshop.definition.segments[0].max_employees == 199
        await pilot.press("backspace", "backspace", "1", "0", "tab")
        await settle(pilot)
        bands = [(s.min_employees, s.max_employees) for s in screen.workshop.definition.segments]
        assert bands[:2] == [(50, 199), (210, 999)]
        assert smb.has_class("-invalid")
        error = str(smb.query_one(".field-error", PlainText).render())
        assert "249" in error or "overlap" in error, error
    on_disk = store.load_definition(path).definition.segments
    assert [(s.min_employees, s.max_employees) for s in on_disk[:2]] == [(50, 199), (200, 999)]


async def test_a_refused_band_is_taken_once_the_field_that_moved_is_left(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # Leaving the field that moved settles its value: the refused band next to it is offered
    # again at once, without waiting for the pause.
    path = seeded("bigco", "10m-30m")
    app = make_app(save_delay=30.0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "segments")
        await type_into(pilot, "#field-segments-0-max-employees", "249")
        smb = screen.query_one("#field-segments-0-max-employees", ClauseField)
        assert smb.has_class("-invalid")
        await type_into(pilot, "#field-segments-1-min-employees", "250")
        assert smb.has_class("-invalid"), "no pause yet, the field not left"
        await pilot.press("tab")
        await settle(pilot)
        assert not smb.has_class("-invalid")
        bands = [(s.min_employees, s.max_employees) for s in screen.workshop.definition.segments]
        assert bands[:2] == [(50, 249), (250, 999)]
    assert store.load_definition(path).definition.segments[0].max_employees in (199, 249)


async def test_tabbing_on_past_a_refused_band_keeps_the_cursor_in_view(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    # Leaving a field offers a refused band again, and a refusal brings its reason into
    # view. Said again unchanged, it pulled the view back to SMB at every tab, the cursor
    # out of sight at 80x24.
    seeded("bigco", "10m-30m")
    app = make_app(save_delay=30.0)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "segments")
        await type_into(pilot, "#field-segments-0-max-employees", "249")
        assert screen.query_one("#field-segments-0-max-employees", ClauseField).has_class(
            "-invalid"
        )
        pane = screen.query_one("#pane-segments")
        start = screen.query_one("#field-segments-2-min-employees Input", Input)
        start.scroll_visible(animate=False)
        start.focus()
        await settle(pilot)
        moved = 0
        for _ in range(5):
            await pilot.press("tab")
            await settle(pilot)
            await pilot.pause(0.2)
            focused = app.focused
            assert focused is not None
            if pane not in focused.ancestors:
                break  # past the step's last field: the tab bar
            assert focused.region.overlaps(pane.region), f"{focused!r} out of view"
            moved += 1
        assert moved >= 2


async def test_a_refused_bands_reason_is_shown_whole_under_its_field_at_80x24(
    make_app: Callable[..., WorkbenchApp], seeded: Callable[..., Path]
) -> None:
    """Under SMB's max employees, 26 columns wide at 80x24, "✗ Mid-market's size b…" was
    all the room read of why 249 was refused (and the status line cut it too). The reason
    wraps under the field, every word of it on screen."""
    seeded("bigco", "10m-30m")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(pilot, "segments")
        await type_into(pilot, "#field-segments-0-max-employees", "249")
        field = screen.query_one("#field-segments-0-max-employees", ClauseField)
        assert field.has_class("-invalid")
        error = field.query_one(".field-error", PlainText)
        width, height = error.outer_size
        assert width < 40, "a narrow column: the case that was cut"
        lines = [strip.text.strip() for strip in error.render_lines(Region(0, 0, width, height))]
        said = " ".join(line for line in lines if line)
        assert "…" not in said
        reason = error.shown
        assert reason.startswith("✗ Mid-market's size band 200-999 overlaps SMB's 50-249")
        assert said.split() == reason.split(), (said, reason)
