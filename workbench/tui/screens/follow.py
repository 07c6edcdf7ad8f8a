"""Follow mode (`workbench open --follow`, every seat of `workbench serve` but the
facilitator's): the room's definitions, read-only, taken again from disk as they change.

Kept apart from the editor and home screens: a follower is those screens with their edits
refused (the core's `Workshop.follow`), a disk change reloaded instead of raised as a
conflict, and the folder listing read again while it changes.
"""

from __future__ import annotations

from textual import events, on, work
from textual.widget import Widget
from textual.widgets import TabPane

from workbench.core.domain.errors import WorkbenchError
from workbench.core.domain.suite import Flip
from workbench.core.files.folder import QuickRow, quick_rows
from workbench.core.services.workshop import FOLLOW_REASON, Workshop
from workbench.tui.components.status_bar import SuiteStatusBar
from workbench.tui.components.steps import DefinitionPane
from workbench.tui.components.text import PlainText
from workbench.tui.screens.editor import EditorScreen
from workbench.tui.screens.home import HomeScreen

# How often a follower looks at the disk: the editor's own conflict check runs as often.
FOLLOW_INTERVAL = 2.0


class FollowHomeScreen(HomeScreen):
    """The folder's definitions, listed again when a definition is added or changes state.
    Nothing here writes to the folder: no new definition or version, no commit, and the
    quarterly review is shown without its "write the draft"."""

    INTRO = (
        "Pick a definition and press enter to look at it. This seat follows the room and is "
        "read-only: the facilitator's seat edits, signs and commits."
    )
    COMMIT_HINT = "the facilitator's seat commits it"

    def __init__(self) -> None:
        super().__init__()
        self._seen: list[QuickRow] | None = None

    def on_mount(self) -> None:
        # Textual runs HomeScreen.on_mount as well (handlers run for every class).
        self.set_interval(FOLLOW_INTERVAL, self.follow_folder)

    def load_rows(self) -> None:
        self._seen = quick_rows(self.wb.folder)
        self._reads += 1
        self.show_rows(self._seen)
        self.check_rows(self._seen, self._reads)

    def follow_folder(self) -> None:
        """A quick read of the folder (tomllib only); the full check only when it changed."""
        if self.app.screen is not self:
            return
        if quick_rows(self.wb.folder) != self._seen:
            self.load_rows()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No 'new definition', 'new version' or commit here: they would write to the room's
        folder (or its git history)."""
        if action in ("new", "new_version", "commit"):
            return False
        return super().check_action(action, parameters)

    def action_new(self) -> None:
        self.notify(FOLLOW_REASON, severity="warning", title="Read-only")

    async def action_new_version(self) -> None:
        self.notify(FOLLOW_REASON, severity="warning", title="Read-only")

    def action_commit(self) -> None:
        self.notify(FOLLOW_REASON, severity="warning", title="Read-only")


class FollowScreen(EditorScreen):
    """One definition as the room edits it: every step and case can be looked at, nothing
    can be changed, and a save by the facilitator's seat shows here within a few seconds."""

    def __init__(self, workshop: Workshop) -> None:
        super().__init__(workshop)
        self._reload_problem: str | None = None
        self._updated_at: str | None = None
        # Signed, and signed by one side, as the screen was built: a signature changes the
        # Sign-off step's whole form (the record replaces the signer fields), so it is built
        # again, not refreshed in place.
        self._shown_signed = self._signed_state()
        # The widget the follower was in, by id: while the browser tab is in the background
        # (textual-serve sends a blur) Textual holds no focus, and a refresh then has
        # nothing to put the cursor back on.
        self._last_focus: str | None = None
        self._focus_on_return: str | None = None  # given back when the page is in front

    def on_mount(self) -> None:
        # Textual runs EditorScreen.on_mount as well (handlers run for every class).
        self.watch(self.app, "app_focus", self._app_focus_changed, init=False)

    @on(events.DescendantFocus)
    def _remember_focus(self, event: events.DescendantFocus) -> None:
        self._last_focus = event.widget.id

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_version", "reload"):
            return False  # nothing to keep, nothing to resolve: the disk is the truth here
        return super().check_action(action, parameters)

    def make_pane(self, key: str) -> Widget:
        pane = super().make_pane(key)
        if key == "signoff":
            pane.disabled = True  # the names and the sign button belong to the facilitator
        return pane

    def title_text(self) -> str:
        d = self.workshop.definition
        if d.partial_signoff is not None:
            state = f"draft, signed by {d.partial_signoff.signed_side} only"
        else:
            state = "signed" if d.is_signed else "draft"
        return f"{d.slug} v{d.version} · {state} · following, read-only"

    def update_banner(self) -> None:
        super().update_banner()
        banner = self.query_one("#banner", PlainText)
        if self._reload_problem is not None:
            text = (
                f"✗ The file changed on disk but cannot be shown: {self._reload_problem}. "
                "This seat shows the last version it could read."
            )
        else:
            text = (
                "Following the room: read-only. The facilitator's edits appear here as they "
                "are saved; look at any step or case."
            )
        banner.update(text)
        banner.set_class(self._reload_problem is not None, "-conflict")
        banner.display = True

    def save_note(self) -> str:
        if self._updated_at is not None:
            return f"following · updated {self._updated_at}"
        return "following"

    def action_new_version(self) -> None:
        self.refused_read_only()

    @work(thread=True, exclusive=True, group="watch")
    def watch_disk(self) -> None:
        """A change on disk is the facilitator's save: read it in a thread, then show it."""
        if not self.workshop.changed_on_disk():
            return
        try:
            flipped = self.workshop.reload()
        except WorkbenchError as error:
            problem = str(error)
            if problem != self._reload_problem:
                self._reload_problem = problem
                self.app.call_from_thread(self.update_banner)
            return
        self._reload_problem = None
        self._updated_at = self.wb.now().astimezone().strftime("%H:%M:%S")
        self.app.call_from_thread(self.run_worker, self._show_reloaded(flipped), group="follow")

    async def _show_reloaded(self, flipped: tuple[Flip, ...] = ()) -> None:
        """Every pane again from the file, on the step (and scroll position) being looked at,
        the cursor where it was when that widget is still there. The status line names the
        cases the save flipped, as the facilitator's seat names them: the room watching here
        saw "edge cases 16/17 passing" change with no word of which case."""
        if self._leaving or not self.is_attached:
            return
        active = self._tabs().active
        shown = self.query(f"#pane-{active.removeprefix('step-')}")
        y = shown.first().scroll_y if shown else 0.0
        # In the background the app has no focus: the widget the follower was in still
        # counts, or the refresh below sent the cursor to the tab bar.
        blurred = not self.app.app_focus and self.app.screen is self
        focused = self._last_focus if blurred else getattr(self.focused, "id", None)
        if self._same_steps() and self._signed_state() == self._shown_signed:
            await self._refresh_in_place(active.removeprefix("step-"))
        else:  # a segment or a motion came or went, or a side signed: rebuilt whole
            self._shown_signed = self._signed_state()
            await self.rebuild_all()
            if active in {f"step-{key}" for key, _label in self.steps()}:
                self._tabs().active = active
        self.get_child_by_id("status", SuiteStatusBar).show_flips(flipped)

        def restore() -> None:
            for pane in self.query(f"#pane-{active.removeprefix('step-')}"):
                pane.scroll_to(y=y, animate=False)
            if self.app.app_focus or self.app.screen is not self:
                self._refocus(focused)
            elif focused is not None:
                # Not now: Textual holds no focus while the app is blurred, and the widget
                # it will give the focus back to may be one the refresh replaced.
                self._focus_on_return = focused

        self.call_after_refresh(restore)

    def _refocus(self, focused: str | None, scroll: bool = True) -> None:
        """The cursor back in the widget it was in (by id: a rebuilt step's is a new one);
        somewhere, if that is gone."""
        again = self.query(f"#{focused}") if focused else None
        if again:
            self.set_focus(again.first(), scroll_visible=scroll)
        elif self.focused is None:
            self.focus_next()

    def _app_focus_changed(self, focus: bool) -> None:
        """The page in front again after a refresh in the background: Textual gives the focus
        back to the widget it remembers from the blur, or to none when that one was
        replaced; the follower's widget is the one the refresh left."""
        focused, self._focus_on_return = self._focus_on_return, None
        if focus and focused is not None and self.app.screen is self:
            self._refocus(focused, scroll=False)

    def _signed_state(self) -> tuple[bool, bool]:
        d = self.workshop.definition
        return d.is_signed, d.partial_signoff is not None

    def _same_steps(self) -> bool:
        steps = self._tabs().query(TabPane)  # the Evidence step's own tabs are inside it
        shown = [p.id for p in steps if p.id is not None and p.id.startswith("step-")]
        return shown == [f"step-{key}" for key, _label in self.steps()]

    async def _refresh_in_place(self, active: str) -> None:
        """The step being looked at rebuilt in place, the others when next shown (as after
        a proposal), the cases, sign-off and evidence as after an edit. Recomposing the
        whole screen put each step behind its `Lazy` again: the followers' screens went
        black for seconds after every autosave on a loaded machine."""
        definition = self.workshop.definition
        self.flip_watch.forget()
        for key, pane in self._panes.items():
            if isinstance(pane, DefinitionPane):
                pane.definition = definition  # one not mounted yet composes from it
                if pane.is_attached and key != active:
                    self._stale_steps.add(key)
                    pane.display = False  # its old values never shown: rebuilt when shown
        current = self._panes.get(active)
        if current is not None and current.is_attached:
            self._stale_steps.discard(active)
            await self.rebuild_pane(current)
        self.refresh_readers()
        self.title = self.title_text()
        self.refresh_status()
        self.update_banner()
