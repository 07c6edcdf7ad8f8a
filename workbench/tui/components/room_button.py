"""The app's button: space presses it as enter does.

Textual's Button takes enter only, and a room presses a focused button with space as often
as with enter: a facilitator's space on "Add scoring" or "Add tier 2 rule" did nothing. Every
button the app draws is a `RoomButton` (or a `HoldingButton`, which is one), so the key is
bound here once.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Button

# The keys that press a focused button; `HoldingButton.press_holds_keys` holds for each.
PRESS_KEYS = ("enter", "space")


class RoomButton(Button):
    """A button that space presses as well as enter."""

    BINDINGS = [
        Binding(
            "space",
            "press",
            show=False,
            id="button.press_space",
            tooltip="Press the button the cursor is on, as enter does.",
        )
    ]
