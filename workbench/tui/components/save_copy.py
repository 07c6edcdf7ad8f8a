"""Save the room's edits somewhere else when the draft itself cannot be saved.

A full disk, a read-only folder or a file changed by someone else must never cost the room
its work: leaving, quitting or a refused new version offer this dialog. It writes a new file
(never over an existing one) and stays open with the reason when that fails too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from workbench.core.domain.errors import WorkbenchError
from workbench.tui.components.modals import CANCEL
from workbench.tui.components.room_button import RoomButton
from workbench.tui.components.room_input import RoomInput
from workbench.tui.components.text import PlainText


class SaveCopyModal(ModalScreen[Path | None]):
    """Ask where to write a copy; dismiss with the path written, or None if cancelled."""

    BINDINGS = [CANCEL]

    def __init__(self, suggested: Path, write: Callable[[Path], Path]) -> None:
        super().__init__()
        self.suggested = suggested
        self.write = write

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Save the room's edits as a copy (a new file; nothing is replaced)")
            yield RoomInput(str(self.suggested), id="copy-path")
            yield PlainText("", classes="field-error")
            with Horizontal(classes="buttons"):
                yield RoomButton("Save copy", id="save-copy", variant="primary")
                yield RoomButton("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#save-copy")
    def _save(self) -> None:
        text = self.query_one("#copy-path", Input).value.strip()
        error = self.query_one(".field-error", PlainText)
        if not text:
            error.say("✗ type a file path first")
            return
        try:
            written = self.write(Path(text).expanduser())
        except WorkbenchError as problem:
            error.say(f"✗ {problem}")
            return
        self.dismiss(written)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
