"""Holding the room's keys while the screen changes under them (see `WorkbenchApp.hold_keys`).

A button that puts up a question or rebuilds its step holds the keys from the moment it is
pressed, in the same turn as the key that pressed it, so a tab typed right after cannot move
the cursor before the question is up. Whoever handles its press releases the hold once, when
the change is on screen.
"""

from __future__ import annotations

from typing import Self

from textual.dom import DOMNode

from workbench.tui.components.room_button import PRESS_KEYS, RoomButton

# Seconds a change on screen may hold the room's keys before they go on regardless: a
# loaded machine took 2-5 s to rebuild a Triggers step of 14 rules.
HOLD_LIMIT = 8.0


def hold_keys(node: DOMNode) -> None:
    hold = getattr(node.app, "hold_keys", None)
    if hold is not None:
        hold()


def release_keys(node: DOMNode) -> None:
    release = getattr(node.app, "release_keys", None)
    if release is not None:
        release()


def drop_held_keys(node: DOMNode) -> int:
    """Forget the keys held so far (aimed at something no longer on screen); how many."""
    drop = getattr(node.app, "drop_held_keys", None)
    return int(drop()) if drop is not None else 0


class HoldingButton(RoomButton):
    """A button whose press holds the keys typed after it until its handler releases them.

    The app takes the hold for an enter or a space on it as the key arrives
    (`press_holds_keys`), a click or a `press()` from code takes it here."""

    _held_for_key = False

    def press_holds_keys(self, key: str) -> bool:
        """The app asks as `key` arrives with this button focused: will it press me?"""
        if key in PRESS_KEYS and not self.disabled and self.display:
            self._held_for_key = True
            return True
        return False

    def press(self) -> Self:
        if self.disabled or not self.display:
            return self
        if self._held_for_key:
            self._held_for_key = False  # the app held the keys when the enter or space arrived
        else:
            hold_keys(self)
        super().press()
        return self
