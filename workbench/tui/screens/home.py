"""Home: the definitions in the folder and where each one stands."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header

from workbench.core.domain.safe_text import printable
from workbench.core.domain.stages import STAGES
from workbench.core.files.folder import QuickRow, folder_signature, quick_rows, review_state
from workbench.tui.components.held_keys import hold_keys, release_keys
from workbench.tui.components.room_footer import RoomFooter
from workbench.tui.components.row_table import RowTable
from workbench.tui.components.text import HEADER_ICON, PlainText

if TYPE_CHECKING:
    from pathlib import Path

    from workbench.tui.app import WorkbenchApp


FOLLOW_SECONDS = 2.0  # how often home looks for version files changed beside it


class DefinitionsTable(RowTable):
    """Home's table. Enter opens the row's definition as a message the screen handles after
    the key is done, so the keys typed right behind it (a step key, then a value) had gone
    on to this table and home: F5 lost, and "27" read as step 2 and a 7 typed over Min
    employees. The app holds them as enter arrives (`press_holds_keys`, as for a button);
    the screen releases them once the editor is up."""

    held_for_enter = False

    def press_holds_keys(self, key: str) -> bool:
        if key == "enter" and self.row_count and not self.held_for_enter:
            self.held_for_enter = True
            return True
        return False


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding(
            "n",
            "new",
            "New definition",
            id="home.new",
            tooltip="Start a draft from a stage template.",
        ),
        Binding(
            "enter",
            "open",
            "Open",
            id="home.open",
            tooltip="Open the selected definition (its draft if there is one).",
        ),
        Binding(
            "v",
            "new_version",
            "New version",
            id="home.new_version",
            tooltip="Start a draft v(N+1) from the latest signed version.",
            # Run by the app as the key arrives (home has no text field to type a v into):
            # the keys typed after it wait for the new draft's editor instead of reaching
            # the folder table.
            priority=True,
        ),
        Binding(
            "R",
            "review",
            "Review",
            id="home.review",
            tooltip="The quarterly review of the signed version due for review: the quarter's "
            "figures, the calibration rules, and a new draft with the changes.",
        ),
        Binding(
            "c",
            "commit",
            "Commit",
            id="home.commit",
            tooltip="Commit the selected signed version to git (it was signed, not committed).",
        ),
        Binding("r", "refresh", "Refresh", id="home.refresh", tooltip="Read the folder again."),
        Binding(
            "q", "app.quit", "Quit", show=False, id="home.quit", tooltip="Leave the workbench."
        ),
    ]

    # What the intro and the detail line offer: a follow seat (`FollowHomeScreen`) changes
    # nothing in the folder, so it names no key that would.
    INTRO = (
        "Pick a definition and press enter to open it (its draft if there is one), "
        "n to start a new one, v for a new version of a signed one."
    )
    COMMIT_HINT = "press c to commit it"

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[QuickRow] = []
        self._reads = 0  # folder reads so far: a check shows its rows only for the latest
        self._signature: tuple[tuple[str, int, int], ...] = ()  # the folder as last read

    @property
    def wb(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(icon=HEADER_ICON)
        with Vertical(id="home"):
            yield PlainText("", id="home-intro", classes="explain")
            yield DefinitionsTable(id="definitions")
            yield PlainText("", id="home-detail", classes="summary")
        yield RoomFooter(compact=True)  # every key in sight at 80 columns

    def on_mount(self) -> None:
        self.title = "MQL workbench"
        self.sub_title = str(self.wb.folder)
        table = self.query_one("#definitions", DataTable)
        for label, key in (
            ("Definition", "slug"),
            ("Stage", "stage"),
            ("Latest", "latest"),
            ("Status", "status"),
            # The date before the names: at 80 columns long names pushed it out of sight.
            ("Review by", "review"),
            ("Signed by", "signers"),
        ):
            table.add_column(label, key=key)
        self.load_rows()
        # A version made beside the app (`workbench new-version` in another terminal) was
        # not listed until `r`; `v` then said "a draft already exists (v3)".
        self.set_interval(FOLLOW_SECONDS, self._follow_folder)

    def _follow_folder(self) -> None:
        """Read the rows again when a version file was added, removed or written."""
        # `is_active`: home on top. `is_current` is also true under a dialog or the editor,
        # where a read of the folder rebuilt the table every time the editor saved.
        if self.is_active and folder_signature(self.wb.folder) != self._signature:
            self.load_rows()

    def load_rows(self) -> None:
        """Rows at once from a quick read (tomllib only, no validation: a few ms even for a
        folder of many versions), then the full check in a worker marks any file that would
        not open.

        The check starts only after the rows have been painted: its thread imports pydantic
        and the models (over 100 ms of Python holding the GIL), which would otherwise compete
        with the first paint and keep the room looking at an empty terminal."""
        self._signature = folder_signature(self.wb.folder)
        rows = quick_rows(self.wb.folder)
        self._reads += 1
        self.show_rows(rows)
        self.call_after_refresh(self.check_rows, rows, self._reads)

    @work(thread=True, exclusive=True, group="home")
    def check_rows(self, rows: list[QuickRow], read: int) -> None:
        from workbench.core.services.signoff import checked_row

        today = self.wb.today()
        checked = [checked_row(self.wb.folder, row, today) for row in rows]
        if checked != rows:
            self.app.call_from_thread(self._show_checked, checked, read)

    def _show_checked(self, rows: list[QuickRow], read: int) -> None:
        """A check's rows, unless the folder was read again since it started: a thread
        worker is not stopped by the next one, and a slow check finishing last would put
        back rows from before a file changed."""
        if read == self._reads:
            self.show_rows(rows)

    def show_rows(self, rows: list[QuickRow]) -> None:
        table = self.query_one("#definitions", DataTable)
        cursor = table.cursor_row
        # The definition under the cursor, kept by its id: a definition added above it moved
        # the cursor, by position, onto another one that enter, v, c or R then acted on.
        was = self.rows[cursor].slug if 0 <= cursor < len(self.rows) else None
        self.rows = rows
        table.clear()
        intro = self.query_one("#home-intro", PlainText)
        folder = self.wb.folder
        if not folder.exists():
            intro.update(
                f"The folder {folder} does not exist yet. Press n to create it and start a "
                "definition from a stage template."
            )
        elif not rows:
            intro.update(
                f"No definitions in {folder} yet. Press n to start one from a stage template; "
                "the room edits it, tests it against the edge cases and signs it."
            )
        else:
            intro.update(self.INTRO)
        today = self.wb.today()
        for row in rows:
            stage = STAGES.get(row.stage)
            cells = (
                row.slug,
                stage.label if stage else row.stage,
                f"v{row.latest_version}",
                f"{row.status} ✗" if row.blocked else row.status,
                review_state(row.review_date, today).label,
                row.signers_label or "—",
            )
            table.add_row(*(printable(cell, one_line=True) for cell in cells), key=row.slug)
        if rows:
            opened = self.wb.last_opened
            slugs = [row.slug for row in rows]
            if opened in slugs:
                cursor = slugs.index(opened)  # back from the definition the room worked on
                self.wb.last_opened = None  # once: later reads keep the room's own cursor
            elif was in slugs:
                cursor = slugs.index(was)
            table.move_cursor(row=min(max(cursor, 0), len(rows) - 1))
        self.show_detail()

    @on(DataTable.RowHighlighted, "#definitions")
    def show_detail(self) -> None:
        detail = self.query_one("#home-detail", PlainText)
        row = self.selected()
        lines: list[str] = []
        if row is not None and row.problem:
            lines.append(f"✗ {row.problem}")
        elif row is not None:
            lines += [row.name, str(row.open_path)]
            if row.blocked:
                lines.append(f"✗ the draft cannot be signed yet: {row.blocked}")
            if row.signers:  # whole here: at 80 columns the table's column cuts the second name
                version = f"v{row.signed_version} " if row.signed_version is not None else ""
                lines.append(f"{version}signed by {row.signers}")
            if self.review_due(row):
                state = review_state(row.review_date, self.wb.today())
                lines.append(f"review {state.label}: press R to review")
            elif row.review_date is not None:
                # Not due yet: a facilitator preparing the quarter's meeting opens it early.
                lines.append(f"next review by {row.review_date.isoformat()}: R opens it early")
            if row.uncommitted is not None:
                # "Not now" after signing: said here until git has it, a later draft or not.
                lines.append(
                    f"✗ v{row.uncommitted[0]} signed but not committed to git: {self.COMMIT_HINT}"
                )
        detail.update("\n".join(lines))
        self.refresh_bindings()

    @property
    def PALETTE_COMMANDS(self) -> list[tuple[str, str, str]]:
        """The palette's Review entry names the definition it reviews and when it is due."""
        row = self.selected()
        if row is None or row.review_date is None or not self.review_offered(row):
            return []
        state = review_state(row.review_date, self.wb.today())
        when = state.label if self.review_due(row) else f"early, next by {state.label}"
        return [
            (
                f"Review {row.slug}: {when}",
                "review",
                f"The quarterly review of {row.name}'s signed version: the quarter's figures, "
                "the calibration rules, and a new draft with the changes.",
            )
        ]

    def review_due(self, row: QuickRow) -> bool:
        """A signed version whose review date is due soon or overdue (the rule `check` warns
        by): the room is offered the quarterly review."""
        if row.problem or row.review_date is None:
            return False
        return review_state(row.review_date, self.wb.today()).level in ("due-soon", "overdue")

    def review_offered(self, row: QuickRow) -> bool:
        """Any signed version's review, due or not: the room prepares the quarter's meeting
        ahead of the date, as `workbench review` lets it."""
        return not row.problem and row.review_date is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "review":
            row = self.selected()
            return row is not None and self.review_offered(row)
        if action == "commit":
            row = self.selected()
            return row is not None and row.uncommitted is not None
        return True

    def action_commit(self) -> None:
        row = self.selected()
        if row is None or row.uncommitted is None:
            return
        # Taken at once: a second `c` while git runs would start a second commit.
        self.rows = [replace(r, uncommitted=None) if r is row else r for r in self.rows]
        self.show_detail()
        self.notify(f"Committing {row.uncommitted[1]} to git…", title="Committing", timeout=4)
        self.commit_row(row.uncommitted[1])

    @work(thread=True, exclusive=True, group="home-git")
    def commit_row(self, path: Path) -> None:
        """git add + commit of a signed version, as the editor's "Commit now"."""
        from workbench.core.domain.errors import WorkbenchError
        from workbench.core.services.signoff import commit_signed

        try:
            summary = commit_signed(path)
        except WorkbenchError as error:
            self.app.call_from_thread(
                self.notify, str(error), severity="error", title="Not committed"
            )
            self.app.call_from_thread(self.load_rows)
            return
        self.app.call_from_thread(self.notify, summary, title="Committed")
        self.app.call_from_thread(self.load_rows)

    def action_review(self) -> None:
        from workbench.tui.screens.review import ReviewScreen

        row = self.selected()
        if row is None or not self.review_offered(row):
            return
        # The keys typed next (PageDown) are for the packet: held until it is shown.
        hold_keys(self)
        self.app.push_screen(ReviewScreen(row.slug, keys_held=True))

    def selected(self) -> QuickRow | None:
        table = self.query_one("#definitions", DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowSelected, "#definitions")
    async def action_open(self) -> None:
        table = self.query_one("#definitions", DefinitionsTable)
        held, table.held_for_enter = table.held_for_enter, False
        try:
            row = self.selected()
            if row is None:
                return
            if row.problem:
                self.notify(printable(row.problem), severity="error", title="Cannot open")
                return
            opened = self.wb.open_definition(row.open_path)
            if opened is not None:
                await opened  # the keys typed next are the editor's
        finally:
            if held:
                release_keys(self)

    def action_new(self) -> None:
        from workbench.core.services.versions import start_definition
        from workbench.tui.components.modals import NewDefinitionModal

        def create(slug: str, name: str, stage: str) -> Path:
            return start_definition(self.wb.folder, slug, stage, self.wb.today(), name or None)

        def created(path: Path | None) -> None:
            if path is not None:
                self.wb.open_definition(path)

        self.app.push_screen(NewDefinitionModal(self.wb.folder, create), created)

    async def action_new_version(self) -> None:
        from workbench.core.domain.errors import WorkbenchError

        row = self.selected()
        if row is None:
            return
        try:
            path = self.wb.start_new_version(row.slug)
        except WorkbenchError as error:
            self.notify(str(error), severity="error", title="No new version")
            return
        self.notify(f"Created {path}", title="New version")
        opened = self.wb.open_definition(path)
        if opened is not None:
            await opened  # the keys typed next are the editor's

    def action_refresh(self) -> None:
        self.load_rows()
