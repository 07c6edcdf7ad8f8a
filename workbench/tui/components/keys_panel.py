"""Escape closes Textual's keys panel before it does the screen's own escape.

The palette's "Keys" mounts the panel on the screen, through no binding the screen hears;
escape pressed to close it went home from the editor (and back from the review) instead.
A screen adds `close_keys_binding(...)` before its own escape binding, lets `check_action`
answer for "close_keys" with `keys_panel_shown`, and calls `watch_keys_panel` on mount so the
footer says which escape it is.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import HelpPanel


def close_keys_binding(screen_id: str) -> Binding:
    """Escape, first of the screen's escapes, enabled only while the keys panel is shown."""
    return Binding(
        "escape",
        "close_keys",
        "Close keys",
        id=f"{screen_id}.close_keys",
        tooltip="Close the keys panel.",
    )


class ClosesKeysPanel(Screen[Any]):
    """A screen whose escape first closes Textual's keys panel (see the module's note)."""

    _keys_panel_was_shown = False  # what the footer's escape was last drawn for

    def watch_keys_panel(self) -> None:
        """Call from `on_mount`: the footer follows the panel as it comes and goes."""
        self.screen_layout_refresh_signal.subscribe(self, self._follow_keys_panel)

    def action_close_keys(self) -> None:
        self.query(HelpPanel).remove()

    def keys_panel_shown(self) -> bool:
        """Textual's keys panel is on this screen: the app mounts it as the screen's child."""
        return any(isinstance(child, HelpPanel) for child in self.children)

    def _follow_keys_panel(self, _screen: Screen[Any]) -> None:
        shown = self.keys_panel_shown()
        if shown != self._keys_panel_was_shown:
            self._keys_panel_was_shown = shown
            self.refresh_bindings()
