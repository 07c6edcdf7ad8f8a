"""The footer of every screen: the keys, shown whether or not the browser tab has focus."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class RoomFooter(Footer):
    """Textual's footer does not build its keys while the app is blurred. In a browser
    (`workbench serve`) the page starts blurred until it is clicked or typed into, so the
    home screen's footer was an empty bar, and a follow seat on a projector, never typed
    into, never showed its keys. Here the keys are shown either way."""

    def bindings_changed(self, screen: Screen[object]) -> None:
        super().bindings_changed(screen)
        if not screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self.recompose)
