"""An Input whose editing keys are handled in the order they were typed.

Textual hands a printable key to the focused Input at once, but runs a non-printable key's
binding (backspace, delete, arrows, home, end, enter) only after the key has bubbled up to
the App through every container's message queue. On a busy event loop, with keys arriving
together, the characters typed after a backspace are inserted before the backspace runs,
which then deletes them: "1000" typed over "50" was saved as 1100, 5100 or 0. This Input
runs its own bindings when the key reaches it, in the order the keys came; every key it does
not bind still bubbles as before (ctrl+n, escape, the screen's keys).
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class RoomInput(Input):
    """`Input`, with its own key bindings run in typing order."""

    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if binding.priority:
                continue  # already had its turn before the key was forwarded here
            if await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return
        await super()._on_key(event)
