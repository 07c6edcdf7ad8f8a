"""The quarterly review in the app: the packet the room reads, and a key to write the draft.

The same use case as `workbench review` (`core.services.review`), run in a worker: the
history is loaded and analysed off the event loop, and nothing is written until the room
presses w. The written draft opens in the editor on the first clause the review changed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Header

from workbench.core.services.workshop import FOLLOW_REASON
from workbench.tui.components.held_keys import HOLD_LIMIT, release_keys
from workbench.tui.components.keys_panel import ClosesKeysPanel, close_keys_binding
from workbench.tui.components.report_scroll import ReportScroll
from workbench.tui.components.room_footer import RoomFooter
from workbench.tui.components.text import HEADER_ICON, PlainText

if TYPE_CHECKING:
    from collections.abc import Callable

    from workbench.core.services.review import ReviewPlan
    from workbench.tui.app import WorkbenchApp

NO_HISTORY = (
    "No lead history for this folder: the review reads the quarter's MQLs from it. "
    "Name the files once with `workbench map` (or `workbench backtest ... --remember`), "
    "or in the editor's Evidence step, then press Review again."
)


WRITE_HINT = "press w to write it"
NOT_WRITTEN = "not written yet: press w to write it"
# A follow seat's words for the same lines: the facilitator's seat writes the draft.
FOLLOWER_WRITES = "the facilitator's seat writes it"
READ_ONLY_HINT = (
    "This seat follows the room and is read-only: the facilitator's seat writes the new draft."
)


class ReviewScreen(ClosesKeysPanel):
    """The seven steps for one signed version; w writes the new draft, escape goes back.

    Each line is its own widget indented by CSS, so a line that wraps keeps its indent.

    The keys the room types while the history is read are for the packet: home holds them as
    R is pressed (`keys_held`), and they go on once it is shown. PageDown pressed while
    "reading the lead history…" was lost (that one line had nothing to scroll and took no
    cursor), and the room waited for a page that never came."""

    DEFAULT_CSS = """
    ReviewScreen .review-heading { margin-top: 1; text-style: bold; }
    ReviewScreen .review-line { padding-left: 2; }
    ReviewScreen #review-steps { height: auto; }
    """

    BINDINGS = [
        Binding(
            "w",
            "write",
            "Write the draft",
            id="review.write",
            tooltip="Write the adjustments as the next draft version and open it.",
        ),
        close_keys_binding("review"),
        Binding("escape", "back", "Back", id="review.back", tooltip="Back to the definitions."),
    ]

    def __init__(self, slug: str, *, keys_held: bool = False) -> None:
        super().__init__()
        self.slug = slug
        self.plan: ReviewPlan | None = None
        # Until when the keys held for this screen are ours to release: past the app's own
        # limit its hold is gone, and a late release would end another's.
        self._held_until = time.monotonic() + HOLD_LIMIT if keys_held else None

    @property
    def wb(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    @property
    def read_only(self) -> bool:
        """A follow seat reads the review with the room; only the facilitator's seat writes
        its draft."""
        return self.wb.follow

    def compose(self) -> ComposeResult:
        yield Header(icon=HEADER_ICON)
        report = ReportScroll(id="review-scroll")
        report.take_keys_when_taller = True  # the page keys scroll it once the plan is in
        with report:
            yield PlainText(f"Reviewing {self.slug}: reading the lead history…", id="review-body")
            yield Vertical(id="review-steps")
        yield RoomFooter(compact=True)

    def on_mount(self) -> None:
        self.title = "Quarterly review"
        self.sub_title = self.slug
        self.query_one("#review-scroll", VerticalScroll).focus()
        self.watch_keys_panel()
        self.run_review()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_keys":
            return self.keys_panel_shown()
        if action == "write":
            return not self.read_only and self.plan is not None and self.plan.writable
        return True

    @work(thread=True, exclusive=True, group="review")
    def run_review(self) -> None:
        from workbench.core.domain.errors import WorkbenchError
        from workbench.core.evidence.connection import out_of_memory
        from workbench.core.evidence.settings import load_source
        from workbench.core.services.review import review_history

        folder = self.wb.folder
        try:
            source = self.wb.evidence or load_source(folder)
            if source is None:
                self._post(self.show_text, NO_HISTORY)
                self._post(self.keys_go_on)
                return
            plan = review_history(source, folder / self.slug, self.wb.today())
        except Exception as error:
            known = out_of_memory(error) or error
            if not isinstance(known, WorkbenchError):
                self._post(self.keys_go_on)
                raise
            self._post(self.show_text, f"The review could not run:\n{known}")
            self._post(self.keys_go_on)
            return
        self._post(self.show_plan, plan)  # awaited: the packet's lines are mounted
        self._post(self.keys_go_on)

    def _post(self, callback: Callable[..., object], *args: object) -> None:
        self.app.call_from_thread(callback, *args)

    def keys_go_on(self) -> None:
        """The packet (or what went wrong) is on screen: the keys held since R go on to it,
        after the refresh that lays it out, when the report is tall enough to take the
        cursor (`ReportScroll.take_keys_when_taller`)."""
        held_until, self._held_until = self._held_until, None
        if held_until is None:
            return
        if time.monotonic() <= held_until:
            self.app.call_after_refresh(release_keys, self)

    def key_ends_hold(self, key: str) -> bool:
        """Escape while the history is still read goes back at once (the app asks as the key
        arrives): held with the rest, it waited for the packet, up to `HOLD_LIMIT`."""
        return key == "escape" and self._held_until is not None

    def on_unmount(self) -> None:
        if self._held_until is not None and time.monotonic() <= self._held_until:
            release_keys(self)
        self._held_until = None

    def show_text(self, text: str) -> None:
        self.query_one("#review-body", PlainText).update(text)

    async def show_plan(self, plan: ReviewPlan, written: Path | None = None) -> None:
        from workbench.core.services.review import plan_sections, plan_title

        self.plan = plan
        self.show_text(plan_title(plan))
        steps = self.query_one("#review-steps", Vertical)
        await steps.remove_children()
        widgets: list[PlainText] = []
        if self.read_only:
            hint, unwritten = FOLLOWER_WRITES, f"not written yet: {FOLLOWER_WRITES}"
        else:
            hint, unwritten = WRITE_HINT, NOT_WRITTEN
        sections = plan_sections(plan, written, write_hint=hint, not_written=unwritten)
        for heading, lines in sections:
            widgets.append(PlainText(heading, classes="review-heading"))
            widgets += [PlainText(line, classes="review-line") for line in lines]
        if plan.writable and written is None and self.read_only:
            widgets.append(PlainText(READ_ONLY_HINT, classes="review-heading"))
        elif plan.writable and written is None:
            widgets.append(
                PlainText(
                    "Press w to write the new draft (it opens in the editor), escape to go back.",
                    classes="review-heading",
                )
            )
        await steps.mount_all(widgets)
        self.refresh_bindings()

    def action_write(self) -> None:
        from workbench.core.domain.errors import WorkbenchError
        from workbench.core.services.review import first_changed_clause, write_review, written_note

        if self.plan is None or not self.plan.writable:
            return
        if self.read_only:
            self.notify(FOLLOW_REASON, severity="warning", title="Read-only")
            return
        try:
            made = write_review(self.plan, self.wb.today())
        except WorkbenchError as error:
            self.notify(str(error), severity="error", title="No new version")
            return
        # Said on the editor's status line, not in a toast: at 80 columns a toast hid the
        # step's text for seconds. The draft opens on the first clause the review changed.
        self.app.pop_screen()
        self.wb.open_definition(
            made.path, clause=first_changed_clause(self.plan), note=written_note(self.plan)
        )

    def action_back(self) -> None:
        self.app.pop_screen()
