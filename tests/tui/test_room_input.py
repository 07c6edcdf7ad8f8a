"""RoomInput's own behaviour, in a bare app: what the person typed is never moved."""

from __future__ import annotations

from textual.app import App, ComposeResult

from workbench.tui.components.room_input import RoomInput

LONG = "student, phd candidate, doctoral candidate, open to work, looking for new opportunities"


class TwoFields(App[None]):
    def compose(self) -> ComposeResult:
        yield RoomInput(LONG, id="long")
        yield RoomInput("", id="other")


async def test_a_long_value_shows_its_start_once_left_and_keeps_its_cursor() -> None:
    app = TwoFields()
    async with app.run_test(size=(40, 6)) as pilot:
        field = app.query_one("#long", RoomInput)
        field.focus()
        await pilot.press("end")
        await pilot.pause()
        assert field.scroll_offset.x > 0, "typing at the end shows the end"
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is app.query_one("#other", RoomInput)
        assert field.scroll_offset.x == 0
        assert field.cursor_position == len(LONG)
        assert field.value == LONG
