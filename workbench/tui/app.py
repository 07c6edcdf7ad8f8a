"""The workshop app: home screen, editor, and the plumbing between them and the core."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import Screen

from workbench.core.domain import clock as wall_clock
from workbench.core.files.folder import DEFAULT_DIR
from workbench.tui.commands import ScreenActionsProvider, TextualCommandsWhenTyped
from workbench.tui.components.held_keys import HOLD_LIMIT
from workbench.tui.screens.home import HomeScreen

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.widget import AwaitMount

    from workbench.core.evidence.settings import EvidenceSource
    from workbench.core.services.backtest_session import EvidenceSession
    from workbench.tui.screens.editor import EditorScreen


# The editor, its widgets and the pydantic models load on first use, after the home screen
# has painted: the room sees the folder at once.


class WorkbenchApp(App[None]):
    """`workbench` with no arguments: the room drafts, tests and signs a definition here."""

    CSS_PATH = "app.tcss"
    TITLE = "MQL workbench"
    COMMANDS = {TextualCommandsWhenTyped, ScreenActionsProvider}
    BINDINGS = [
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            id="app.quit",
            tooltip="Leave the workbench; asks first if something would be lost.",
            priority=True,
        ),
        # Moving between fields is decided when the key arrives, not after it has passed
        # through the field being left: otherwise keys typed right after tab, while tab is
        # still on its way, land in the old field ("VP Sales" saved as " Sales").
        Binding(
            "tab",
            "app.focus_next",
            "Next field",
            show=False,
            priority=True,
            id="app.focus_next",
            tooltip="Move to the next field.",
        ),
        Binding(
            "shift+tab",
            "app.focus_previous",
            "Previous field",
            show=False,
            priority=True,
            id="app.focus_previous",
            tooltip="Move to the previous field.",
        ),
    ]

    def __init__(
        self,
        folder: Path = DEFAULT_DIR,
        clock: Callable[[], datetime] | None = None,
        save_delay: float = 0.8,
        evidence: EvidenceSource | None = None,
        evidence_delay: float = 1.5,
        rescue_dir: Path | None = None,
        open_path: Path | None = None,
        follow: bool = False,
        place_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.folder = folder
        # Follow mode (`workbench open --follow`, the other seats of `workbench serve`): every
        # definition opens read-only and is taken again from disk whenever it changes there.
        self.follow = follow
        self._ending_from_signal = False  # a second signal ends the process at once
        # After a signal from outside: set once the exit has saved the room's edits, and once
        # the app has ended; the watchdog (`_end_for_certain`) waits on them.
        self._exit_saved = threading.Event()
        self.ended = threading.Event()
        # `workbench open FILE` (or a definition's folder): the editor opens over the home
        # screen at once; a file that cannot be opened is said there, on the home screen.
        self.open_path = open_path
        # `workbench serve`'s facilitator seat: where this seat keeps the definition and step
        # it is on, so a reload (a new process) opens there again (`core.files.seat_place`).
        self.place_file = place_file
        # The signer fields typed on a draft's Sign-off step, by file: a draft keeps no
        # signers until it is signed, and the room that left the step found them gone.
        # Kept in the served seat's place file too (`keep_signers`), so a reload keeps them.
        self.typed_signers: dict[Path, dict[str, str]] = {}
        self._place: tuple[Path, str] | None = None  # what `remember_place` last kept
        # The definition last opened: home puts its cursor there on the way back (the room
        # just signed it, and `c` commits the row under the cursor).
        self.last_opened: str | None = None
        # Where "Save a copy…" suggests writing the room's edits when the draft cannot be
        # saved (the folder may be the thing that is full or read-only): the home folder.
        self.rescue_dir = rescue_dir if rescue_dir is not None else Path.home()
        # Seconds of quiet typing before an autosave; 0 saves at once (tests use it).
        self.save_delay = save_delay
        # Where the lead history lives when `workbench open` was given the files (they win
        # over the folder's evidence.toml), and the pause after an edit before a backtest.
        self.evidence = evidence
        self.evidence_delay = evidence_delay
        self._evidence_session: EvidenceSession | None = None
        self._clock = clock or (lambda: wall_clock.now())
        # When the app last took a key from the terminal (monotonic seconds): a timer can fire
        # while keys typed before it still wait in a widget's queue, so "typing has paused" is
        # decided from the keys that arrived, not from the edits already applied.
        self.last_key_at = 0.0
        # Keys typed while the screen changes under them (a step rebuilt after one of its
        # buttons, a question coming up or going away): held, then handed on one at a time
        # once the change is on screen. Sent on at once they went to a button being taken
        # away, or moved the cursor before the question was up, and were lost. `_holds`
        # counts the changes under way; `_held_keys` is None when keys pass straight through.
        self._held_keys: deque[events.Key] | None = None
        self._holds = 0
        self._hold_limit: Timer | None = None
        self._hand_on_due = False  # one key handed on per refresh, never two chains

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.last_key_at = time.monotonic()
            if self._held_keys is not None:
                ends_hold = getattr(self.screen, "key_ends_hold", None)
                if ends_hold is not None and ends_hold(event.key):
                    # The room leaves what it waits for (escape on a review still reading
                    # the history): the keys held for it go with it, and it goes at once.
                    self.drop_held_keys()
                    await self._forward_key(event)
                    return
                self._held_keys.append(event)  # after any held before it: typed order
                return
            await self._forward_key(event)
            return
        await super().on_event(event)

    async def _forward_key(self, key: events.Key) -> None:
        """To the focused widget. A key that presses a button which changes the screen holds
        the keys after it here, before it goes on: the press itself happens later, when
        the key has come back up to the app, and a burst of keys a loaded machine read at
        once had all gone on by then (tab moved the cursor before the question was up)."""
        press_holds = getattr(self.focused, "press_holds_keys", None)
        if press_holds is not None and press_holds(key.key):
            self.hold_keys()
        await super().on_event(key)

    def hold_keys(self) -> None:
        """Keep the keys that arrive from now until the matching `release_keys`, in order.
        Never for long: after `HOLD_LIMIT` seconds they go on anyway (a change that never
        ends must not take the keyboard with it)."""
        if self._held_keys is None:
            self._held_keys = deque()
        self._holds += 1
        if self._hold_limit is not None:
            self._hold_limit.stop()
        self._hold_limit = self.set_timer(HOLD_LIMIT, self._hold_expired)

    @property
    def keys_waiting(self) -> bool:
        """Keys held, or still being handed on one per refresh (tests wait on this)."""
        return self._held_keys is not None

    def drop_held_keys(self) -> int:
        """Forget the keys held so far (they were aimed at something no longer on screen);
        how many. Keys typed from now on are held or pass as before."""
        if not self._held_keys:
            return 0
        dropped = len(self._held_keys)
        self._held_keys.clear()
        return dropped

    def release_keys(self) -> None:
        """One change is on screen. Once none is left, the held keys go on as if typed now,
        one per refresh (a tab moves the cursor before the enter after it is read), then
        keys pass straight through."""
        if self._holds == 0:
            return
        self._holds -= 1
        if self._holds == 0:
            if self._hold_limit is not None:
                self._hold_limit.stop()
                self._hold_limit = None
            self._hand_on_later()

    def _hold_expired(self) -> None:
        self._holds = 0
        self._hold_limit = None
        self._hand_on_later()

    def _hand_on_later(self) -> None:
        if not self._hand_on_due:
            self._hand_on_due = True
            self.call_after_refresh(self._hand_on_held_key)

    async def _hand_on_held_key(self) -> None:
        self._hand_on_due = False
        if self._holds or self._held_keys is None:
            return  # held again meanwhile (a key handed on pressed a button): its release
        if not self._held_keys:
            self._held_keys = None
            return
        await self._forward_key(self._held_keys.popleft())
        self._hand_on_later()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast is plain text: it carries names the room typed and lines git wrote,
        and as markup git's "[main 1a2b3c4] Sign MQL definition acme v2" lost its first part
        (a name in square brackets would too). A toast that only informs goes after
        `INFO_TOAST_SECONDS`: at 80x24 "Saved; backtesting now." sat over the Sales signer
        fields for five seconds while the room typed in them. Warnings and errors stay as
        long as Textual keeps them."""
        if timeout is None and severity == "information":
            timeout = INFO_TOAST_SECONDS
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def action_help_quit(self) -> None:
        """ctrl+c (a reflex to leave) says how to quit, in plain text as every toast here."""
        self.notify("Press ctrl+q to quit the workbench.", title="Do you want to quit?")

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's commands, found by typing in the palette, but not its Quit (the app's own
        asks first and is already there) nor Screenshot (a developer's tool whose toast is
        markup, which toasts here are not)."""
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Screenshot"):
                yield command

    def now(self) -> datetime:
        return self._clock()

    def today(self) -> date:
        return wall_clock.local_date(self.now())

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal, but on Linux and macOS the one that survives
        the terminal being closed under it (`workbench.tui.terminal`)."""
        driver = super().get_driver_class()
        if (driver.__module__, driver.__name__) == ("textual.drivers.linux_driver", "LinuxDriver"):
            from workbench.tui.terminal import TerminalDriver

            return TerminalDriver
        return driver

    def get_default_screen(self) -> HomeScreen:
        """The home screen is the app's first screen, not pushed over Textual's blank default:
        the first frame the terminal gets is the folder, without painting and then swapping
        out an empty screen first. A follow seat's home screen follows the folder."""
        if self.follow:
            from workbench.tui.screens.follow import FollowHomeScreen

            return FollowHomeScreen()
        return HomeScreen()

    def on_mount(self) -> None:
        place = None
        if self.place_file is not None:
            from workbench.core.files.seat_place import read_place, read_signers

            place = read_place(self.place_file)
            self.typed_signers.update(read_signers(self.place_file))
        if place is not None:
            # Before `open_path`: `serve acme/v2.toml` starts every seat on that file, and the
            # room may since have gone on to another definition or step.
            if self.open_definition(place.definition, step=place.step) is None:
                self.remember_place(None)  # it no longer opens: the next start is home
        elif self.open_path is not None:
            self.open_definition(self.open_path)
        if not self.is_headless:
            self._exit_on_signals()

    def _exit_on_signals(self) -> None:
        """A hang-up, a terminate or an interrupt from outside (the terminal window closed,
        `workbench serve` stopped with Ctrl+C, which reaches every seat) ends the app as its
        own exit does, so the draft's last edits are saved first (`_on_exit_app`). Ctrl+C
        typed in the terminal is a key, not a signal, while the app runs."""
        loop = asyncio.get_running_loop()
        for name in ("SIGHUP", "SIGTERM", "SIGINT"):
            number = getattr(signal, name, None)  # no SIGHUP on Windows
            if number is not None:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(number, self._signalled, number)

    def _signalled(self, number: signal.Signals) -> None:
        """The first signal ends the app as its own exit does; a second one, while that exit
        is stuck (a query in a worker), ends the process as the signal always did.

        The exit waits for the keys the terminal had already given the app: a terminal
        closed right after typing sends the hang-up while they are still on their way from
        Textual's input thread to the app's queue (`KEYS_IN_FLIGHT`), or held while a step
        opens (F4 then "65", the terminal closed before the SLA step was up), and an exit
        posted before them lost them. It goes once no key is held, after `SIGNAL_KEYS_WAIT`
        seconds at the latest. A watchdog makes sure the process ends (`_end_for_certain`)."""
        if self._ending_from_signal:
            asyncio.get_running_loop().remove_signal_handler(number)
            signal.raise_signal(number)
            return
        self._ending_from_signal = True
        if not self.is_headless:  # a process of its own, never a test's app in pytest's
            threading.Thread(
                target=self._end_for_certain, args=(number,), name="exit-watchdog", daemon=True
            ).start()
        until = time.monotonic() + SIGNAL_KEYS_WAIT

        def exit_once_keys_are_in() -> None:
            if self.keys_waiting and time.monotonic() < until:
                asyncio.get_running_loop().call_later(KEYS_IN_FLIGHT, exit_once_keys_are_in)
            else:
                self.call_later(self.exit)  # behind the keys already in the app's queue

        asyncio.get_running_loop().call_later(KEYS_IN_FLIGHT, exit_once_keys_are_in)

    def _end_for_certain(self, number: signal.Signals) -> None:
        """The watchdog after a signal from outside. A closed terminal must not leave the
        process running (no terminal, deaf to signals: its event loop stuck, as Textual's
        output once left it), so: if the exit has not saved within `EXIT_SAVE_SECONDS`, the
        draft's edits are saved from here; then, if the app has not ended
        `EXIT_AFTER_SAVE_SECONDS` after the save, the process ends at once (`os._exit`, code
        128 + the signal, as a process the signal killed)."""
        if not self._exit_saved.wait(EXIT_SAVE_SECONDS):
            for screen in reversed(self.screen_stack):
                if isinstance(screen, _editor_type()) and not screen.leaving:
                    screen.save_before_exit()
        if not self.ended.wait(EXIT_AFTER_SAVE_SECONDS):
            os._exit(128 + number)

    async def _on_exit_app(self) -> None:
        """Every way the app ends passes here (Textual's own handler runs after this one): a
        browser seat closed or reloaded (textual-serve asks the app to quit), a signal, or the
        room's own quit. Unless the room left through the editor (which saved or asked), the
        edits the draft holds are saved now, not after the autosave's pause: keys typed in
        the last second before a reload were lost."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, _editor_type()) and not screen.leaving:
                # Keys already typed first (as leaving does), but never waited on for long.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(screen.take_typing(), EXIT_TYPING_WAIT)
                screen.save_before_exit()
        self._exit_saved.set()

    def on_unmount(self) -> None:
        gc.unfreeze()  # what the app froze is ordinary garbage again once it has gone
        if self._evidence_session is not None:
            self._evidence_session.close()  # quitting never waits for a backtest

    def evidence_session(self) -> EvidenceSession:
        """The folder's lead history, loaded once per session on the first backtest."""
        if self._evidence_session is None:
            from workbench.core.services.backtest_session import EvidenceSession

            self._evidence_session = EvidenceSession(self.folder, self.evidence)
        return self._evidence_session

    # --- navigation ------------------------------------------------------------------

    def remember_place(self, path: Path | None, step: str = "") -> None:
        """The served facilitator seat's place, kept for its next process (None: home)."""
        self._place = (path, step) if path is not None else None
        self._keep_seat()

    def signers_typed(self, path: Path) -> dict[str, str] | None:
        """The signer fields typed on this draft's Sign-off step, in this process or (served)
        before a reload."""
        return self.typed_signers.get(path.resolve())

    def keep_signers(self, path: Path, values: dict[str, str]) -> None:
        """Keep the signer fields as typed: esc and enter again, or a reload, found them gone."""
        self.typed_signers[path.resolve()] = values
        self._keep_seat()

    def _keep_seat(self) -> None:
        if self.place_file is None:
            return
        from workbench.core.files.seat_place import Place, write_place

        place = Place(*self._place) if self._place is not None else None
        write_place(self.place_file, place, self.typed_signers)

    def open_definition(
        self, path: Path, clause: str | None = None, note: str = "", step: str | None = None
    ) -> AwaitMount | None:
        """Open `path` in the editor; `clause` opens it on that clause's step with its field
        in view, and `note` is said on the status line (what just made this file). An action
        that awaits what this returns (None: not opened) takes no other key until the editor
        is mounted, so keys typed right after it reach the editor, not the screen it leaves.
        `step` opens it on that step (a served seat coming back after a reload)."""
        from workbench.core.domain.errors import WorkbenchError
        from workbench.core.services.workshop import Workshop
        from workbench.tui.screens.editor import EditorScreen

        try:
            workshop = Workshop.open(path, follow=self.follow)
        except WorkbenchError as error:
            self.notify(str(error), severity="error", title="Cannot open")
            return None
        while isinstance(self.screen, EditorScreen):
            self.pop_screen()
        self.last_opened = workshop.definition.slug
        if self.follow:
            from workbench.tui.screens.follow import FollowScreen

            mounted = self.push_screen(FollowScreen(workshop))
        else:
            mounted = self.push_screen(EditorScreen(workshop, clause=clause, note=note, step=step))
        self.call_after_refresh(_freeze_live_objects)
        return mounted

    def _editor_open(self) -> EditorScreen | None:
        """The editor open, also under a dialog: ctrl+q over one skipped the editor's own
        question about a value not applied."""
        from workbench.tui.screens.editor import EditorScreen

        editors = [s for s in self.screen_stack if isinstance(s, EditorScreen)]
        return editors[-1] if editors else None

    def go_home(self) -> None:
        from workbench.tui.screens.editor import EditorScreen

        while isinstance(self.screen, EditorScreen):
            self.pop_screen()
        self.remember_place(None)
        if isinstance(self.screen, HomeScreen):
            self.screen.load_rows()

    def start_new_version(self, slug: str) -> Path:
        """The core's one use case, with every refusal `workbench new-version` makes."""
        from workbench.core.services import versions

        return versions.start_new_version(self.folder / slug, self.today()).path

    async def action_quit(self) -> None:
        from workbench.tui.components.modals import LeaveQuestion

        if any(isinstance(screen, LeaveQuestion) for screen in self.screen_stack):
            return  # asked already: answer it (ctrl+q again stacked a second one)
        editor = self._editor_open()
        if editor is not None:
            await editor.take_typing()  # the keys of a name typed just before ctrl+q
        names = self._unsigned_names(editor)
        if names is None:
            await self._leave_to_quit()
            return

        def answered(choice: str | None) -> None:
            if choice == "lose":
                self.call_later(self._leave_to_quit)

        question = f"{names}\nQuit anyway and lose them?"
        self.push_screen(
            LeaveQuestion(question, [("stay", "Stay"), ("lose", "Quit, lose them")]), answered
        )

    async def _leave_to_quit(self) -> None:
        screen = self._editor_open()
        if screen is None:
            self._quit()
        else:
            await screen.leave(self._quit, "Quit")

    def _unsigned_names(self, editor: EditorScreen | None) -> str | None:
        """The signers typed on a draft's Sign-off step and not yet signed, which a quit
        loses: a draft keeps no signers, and this process keeps them only while it runs (a
        served seat keeps them in its place file). A room typed both names and roles, pressed
        ctrl+q, and found four empty fields the next morning. The open editor's fields are
        read as they show: the message that keeps their keys may still be on its way."""
        if self.place_file is not None:
            return None
        from workbench.tui.components.signoff_pane import SIGNER_KEYS, SignoffPane

        kept = dict(self.typed_signers)
        if editor is not None and not editor.workshop.read_only:
            for pane in editor.query(SignoffPane):
                path = editor.workshop.path.resolve()
                kept[path] = {**kept.get(path, {}), **pane.signers_shown()}
        typed = {
            path: names
            for path, values in kept.items()
            if (names := [values[k].strip() for k in SIGNER_KEYS if values.get(k, "").strip()])
        }
        if not typed:
            return None
        where = " and ".join(f"{path.parent.name} {path.stem}" for path in typed)
        listed = ", ".join(name for names in typed.values() for name in names)
        return (
            f"The signers typed on the Sign-off step of {where} ({listed}) are not signed yet, "
            "and the workbench keeps them only while it runs."
        )

    def _quit(self) -> None:
        """The room's own quit: the next start is at home (a reload keeps the place)."""
        self.remember_place(None)
        self.exit()


INFO_TOAST_SECONDS = 3.0  # Textual's default is 5 for every toast
EXIT_TYPING_WAIT = 1.0  # seconds the exit waits for keys still on their way to a field
KEYS_IN_FLIGHT = 0.1  # seconds a signal's exit waits for keys the terminal already sent
SIGNAL_KEYS_WAIT = 4.0  # seconds at most it waits for keys held while a step opens
EXIT_SAVE_SECONDS = 8.0  # after a signal: the exit's own save, or the watchdog saves
EXIT_AFTER_SAVE_SECONDS = 5.0  # after that save: the app ended, or the watchdog ends it


def _editor_type() -> type[EditorScreen]:
    from workbench.tui.screens.editor import EditorScreen

    return EditorScreen


def _freeze_live_objects() -> None:
    """Keep what is alive once an editor is up (modules, the screen's ~800 widgets, the
    definition) out of the garbage collector's full passes, which otherwise take 60-90 ms
    each and land on a keystroke every dozen keys. Collected first, so no garbage (an editor
    left earlier) is kept; thawed when the app ends. A one-off pause when a definition opens,
    never while typing."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def run_app(
    folder: Path,
    evidence: EvidenceSource | None = None,
    open_path: Path | None = None,
    follow: bool = False,
    place_file: Path | None = None,
) -> None:
    app = WorkbenchApp(
        folder, evidence=evidence, open_path=open_path, follow=follow, place_file=place_file
    )
    try:
        app.run()
    finally:
        app.ended.set()  # the watchdog after a signal has nothing left to do
