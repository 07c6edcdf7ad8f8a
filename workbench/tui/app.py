"""The workshop app: home screen, editor, and the plumbing between them and the core."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from workbench.core import store
from workbench.core.errors import WorkbenchError
from workbench.core.workshop import Workshop
from workbench.tui.commands import ScreenActionsProvider
from workbench.tui.components.modals import ConfirmModal
from workbench.tui.screens.editor import EditorScreen
from workbench.tui.screens.home import HomeScreen


class WorkbenchApp(App[None]):
    """`workbench` with no arguments: the room drafts, tests and signs a definition here."""

    CSS_PATH = "app.tcss"
    TITLE = "MQL workbench"
    COMMANDS = App.COMMANDS | {ScreenActionsProvider}
    BINDINGS = [
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            id="app.quit",
            tooltip="Leave the workbench; asks first if something would be lost.",
            priority=True,
        ),
    ]

    def __init__(
        self,
        folder: Path = store.DEFAULT_DIR,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.folder = folder
        self._clock = clock or (lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self._clock()

    def today(self) -> date:
        return self.now().date()

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())

    # --- navigation ------------------------------------------------------------------

    def open_definition(self, path: Path) -> None:
        try:
            workshop = Workshop.open(path)
        except WorkbenchError as error:
            self.notify(str(error), severity="error", title="Cannot open")
            return
        while isinstance(self.screen, EditorScreen):
            self.pop_screen()
        self.push_screen(EditorScreen(workshop))

    def go_home(self) -> None:
        while isinstance(self.screen, EditorScreen):
            self.pop_screen()
        if isinstance(self.screen, HomeScreen):
            self.screen.load_rows()

    def start_new_version(self, slug: str) -> Path:
        return store.new_version(self.folder, slug, self.today())

    async def action_quit(self) -> None:
        screen = self.screen
        if isinstance(screen, EditorScreen):
            reason = screen.unsaved_reason()
            if reason is not None:

                def answered(choice: str | None) -> None:
                    if choice == "quit":
                        self.exit()
                    elif choice == "new-version":
                        screen.action_new_version()

                self.push_screen(
                    ConfirmModal(
                        f"{reason}\nQuit anyway and lose it?",
                        [
                            ("stay", "Stay"),
                            ("new-version", "Keep as new version"),
                            ("quit", "Quit, lose it"),
                        ],
                    ),
                    answered,
                )
                return
        self.exit()


def run_app(folder: Path) -> None:
    WorkbenchApp(folder).run()
