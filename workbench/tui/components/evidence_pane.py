"""The Evidence step: the draft, as the room has it now, replayed over the folder's lead history.

The backtest runs in a worker thread, never on the UI thread. After an edit it waits for a
pause (`delay` seconds) and runs only while this step is the one on screen; a step that was
hidden during edits catches up when it is shown. While a run is under way the last result
stays on screen, marked as being updated.
"""

from __future__ import annotations

import contextlib
import textwrap
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, TabbedContent, TabPane

from workbench.core.evidence.settings import settings_path
from workbench.core.services.backtest_session import (
    Closed,
    EvidenceSession,
    NoSource,
    Outcome,
    error_lines,
)
from workbench.core.services.workshop import Workshop
from workbench.tui.components.report_scroll import ReportScroll
from workbench.tui.components.room_button import RoomButton
from workbench.tui.components.steps import EXPLAIN
from workbench.tui.components.text import PlainText

if TYPE_CHECKING:
    from collections.abc import Callable

    from workbench.core.domain.definition import Definition

STEP_ID = "step-evidence"


def wrap_lines(lines: list[str], width: int) -> list[str]:
    """Wrap long lines to `width`, continuing each under its own indent plus two."""
    out: list[str] = []
    for line in lines:
        if len(line) <= width or width < 20:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")))
        out.extend(
            textwrap.wrap(
                line,
                width,
                initial_indent="",
                subsequent_indent=indent + "  ",
                break_on_hyphens=False,
            )
        )
    return out


def on_screen(widget: Widget) -> bool:
    """Every tab `widget` sits in is the active one of its tabs (the Evidence step, and its
    Backtest or Analysis tab): what is not seen is not run."""
    found = False
    for ancestor in widget.ancestors:
        if isinstance(ancestor, TabPane):
            tabs = next((a for a in ancestor.ancestors if isinstance(a, TabbedContent)), None)
            if tabs is None or tabs.active != ancestor.id:
                return False
            found = True
    return found


def headline(outcome: Outcome) -> list[str]:
    """The three numbers the framework asks for, first: the full report follows."""
    from workbench.core.evidence.report import three_numbers

    if outcome.comparison is not None:
        return three_numbers(outcome.comparison.after, outcome.comparison.before)
    assert outcome.backtest is not None
    return three_numbers(outcome.backtest)


class EvidencePane(Vertical):
    """The backtest report for the definition being edited, refreshed after edits."""

    def __init__(
        self,
        workshop: Workshop,
        session: EvidenceSession,
        folder: Path,
        delay: float,
        clock: Callable[[], datetime],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.workshop = workshop
        self.session = session
        self.folder = folder
        self.delay = delay
        self.clock = clock
        self.comparing = False
        self.base: Definition | None = None  # the signed version the draft would replace
        self.base_known = False
        self._timer: Timer | None = None
        self._stale = True  # the definition changed since the result on screen (or none yet)
        self._backtesting = False
        self._note = ""
        self._outcome: Outcome | None = None
        self._shown_for = ""  # which definition and mode the result on screen is for
        self._updated: datetime | None = None
        self._problem: list[str] | None = None  # a loading or backtest error, in words
        # No lead history configured for this folder: known from the folder itself, before
        # the first look, so the step opens with "Pick the two files…" and the cursor on it.
        self._unset = not session.names_a_source()
        self._pick_waiting = False  # the palette asked to pick before the first look was back

    def compose(self) -> ComposeResult:
        yield PlainText("", id="evidence-status")
        with ReportScroll(id="evidence-scroll"):
            yield PlainText(EXPLAIN["evidence"], classes="explain")
            # A framed button: drawn compact it read as a line of text, and a room that tabbed
            # off it (the cursor was already on it) could not tell it was a button at all.
            pick = RoomButton("Pick the two files…", id="evidence-pick")
            pick.display = self._unset  # no lead history, or one that does not load
            yield pick
            # The report says the bands it is read against (`readings`), once: a line of its
            # own under it printed the same paragraph twice.
            yield PlainText(self._waiting_text(), id="evidence-report")

    def on_mount(self) -> None:
        self._show_status()
        if self._visible():
            self.shown()

    def on_unmount(self) -> None:
        if self._backtesting:
            self.session.supersede()  # nobody will see this run: stop it

    def on_resize(self) -> None:
        self._show_body()

    # --- when to run -----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._backtesting

    def _visible(self) -> bool:
        """This step (and its Backtest tab) is on screen: runs happen only then."""
        return on_screen(self)

    def _focus_pick(self) -> None:
        """The one thing to do on this step without history: Enter picks the files (the tab
        bar's focus gave the room no sign of where the button was)."""
        pick = self.query_one("#evidence-pick", Button)

        def focus() -> None:
            # Still on screen: focusing it on a step the room has left (or never came to)
            # would switch the editor to the Evidence step.
            if pick.display and self._visible():
                pick.focus()

        self.call_after_refresh(focus)

    def first_field(self) -> Button | None:
        """Where the cursor goes on arriving: "Pick the two files…" while it is offered. The
        step key left it on the Backtest/Analysis tab bar, and the pick took it only once the
        first look was back: an enter typed right after F6 went to the tab bar and did
        nothing."""
        pick = self.query("#evidence-pick").first() if self.is_mounted else None
        return pick if isinstance(pick, Button) and pick.display else None

    def shown(self) -> None:
        """The room switched to this step: catch up with any edit made meanwhile."""
        if self.is_mounted and self.query_one("#evidence-pick", Button).display:
            self._focus_pick()
        if self._stale or (self._outcome is None and not self._backtesting):
            self._schedule(0)

    def definition_changed(self) -> None:
        """An edit landed: refresh once typing pauses, if this step is on screen."""
        self._stale = True
        if self._visible():
            self._schedule(self.delay)
        self._show_status()

    def refresh_now(self) -> None:
        """`r`: run again now (and, after a loading error, read the files again)."""
        self._stale = True
        self._schedule(0)

    def toggle_compare(self) -> None:
        """`c`: the draft alone, or the draft against the signed version it would replace."""
        if self.base is None:
            self.notify("There is no signed version to compare with.", title="Evidence")
            return
        self.comparing = not self.comparing
        self.refresh_now()

    def _schedule(self, delay: float) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if delay <= 0:
            self._start()
        else:
            self._timer = self.set_timer(delay, self._start)

    def _start(self) -> None:
        self._timer = None
        if not self._visible():
            return  # stays stale; runs when shown
        self._stale = False
        self._backtesting = True
        self._note = "starting"
        generation = self.session.supersede()
        self._show_status()
        self._backtest(generation, self.workshop.definition, self.comparing)

    # --- the worker ------------------------------------------------------------------------

    def _post(self, callback: Callable[..., object], *args: object) -> None:
        with contextlib.suppress(RuntimeError):  # the app is closing
            self.app.call_from_thread(callback, *args)

    @work(thread=True, exclusive=True, group="evidence")
    def _backtest(self, generation: int, definition: Definition, comparing: bool) -> None:
        try:
            base = self.base
            if not self.base_known:
                base = self.workshop.signed_base(self.folder)
                self._post(self._know_base, base)
            outcome = self.session.run(
                generation,
                definition,
                base if comparing else None,
                lambda text: self._post(self._progress, generation, text),
            )
        except Closed:
            return
        except NoSource:
            self._post(self._finished, generation, None, None, True)
            return
        except Exception as error:  # shown in the panel, never a traceback
            self._post(self._finished, generation, None, error_lines(error), False)
            return
        if outcome is not None:
            self._post(self._finished, generation, outcome, None, False)

    def _know_base(self, base: Definition | None) -> None:
        self.base = base
        self.base_known = True
        if self.is_attached:  # the room may have left the editor meanwhile
            self._show_status()
            self.screen.refresh_bindings()  # 'c' compares only when there is a signed version

    def _progress(self, generation: int, text: str) -> None:
        if self.session.is_current(generation):
            self._note = text
            self._show_status()

    def _finished(
        self,
        generation: int,
        outcome: Outcome | None,
        problem: list[str] | None,
        unset: bool,
    ) -> None:
        if not self.session.is_current(generation):
            return  # a newer run is under way; its result replaces this one
        self._backtesting = False
        self._note = ""
        self._unset = unset
        self._problem = problem
        if outcome is not None:
            self._outcome = outcome
            self._updated = self.clock()
            self._shown_for = self._label(outcome)
        self._show_status()
        self._show_body()
        if self._pick_waiting:
            self._pick_waiting = False
            self.pick_from_palette()

    # --- what is on screen -----------------------------------------------------------------

    def _label(self, outcome: Outcome) -> str:
        """'v2 (draft)', or 'v2 (draft) vs v1 (signed)': the header names the definition."""
        slug = f"{self.workshop.definition.slug} "
        if outcome.comparison is not None:
            before = outcome.comparison.before.definition.removeprefix(slug)
            return f"{outcome.comparison.after.definition.removeprefix(slug)} vs {before}"
        assert outcome.backtest is not None
        return outcome.backtest.definition.removeprefix(slug)

    def _stamp(self) -> str:
        return self._updated.astimezone().strftime("%H:%M:%S") if self._updated else ""

    def status_text(self) -> str:
        keys = "r: refresh"
        if self.base is not None:
            keys += (
                " · c: draft alone"
                if self.comparing
                else f" · c: compare with v{self.base.version} (signed)"
            )
        if self._backtesting:
            shown = f" · showing the result of {self._stamp()}" if self._updated else ""
            return f"… updating: {self._note}{shown}"
        if self._unset:
            return f"No lead history set for {self.folder}/ yet · r: look again"
        if self._problem is not None:
            return "✗ Could not backtest: see below · r: try again"
        if self._updated is None:
            return "Waiting for the first backtest."
        if self._stale:
            return (
                f"… the draft changed: updating after a pause · showing the result of "
                f"{self._stamp()}"
            )
        return f"✓ updated {self._stamp()} · {self._shown_for} · {keys}"

    def _show_status(self) -> None:
        if self.is_mounted:
            status = self.query_one("#evidence-status", PlainText)
            status.update(self.status_text())
            status.set_class(self._problem is not None, "-problem")

    def body_lines(self, width: int = 76) -> list[str]:
        from workbench.core.evidence.report import backtest_lines, comparison_lines

        if self._unset:
            return self._unset_lines()
        if self._problem is not None:
            return [
                "Could not load the lead history or run the backtest:",
                *(f"  {line}" for line in self._problem),
                "",
                "Fix it (the file, evidence.toml or the flags the app was opened with),",
                "then press r to try again.",
            ]
        outcome = self._outcome
        if outcome is None:
            return self._waiting_text().splitlines()
        chart = max(10, min(40, width - 20))
        lines: list[str] = []
        problems = outcome.problems
        if problems is not None and problems.skipped:
            lines += [
                f"⚠ {problems.skipped} rows of the lead history were left out: the end of this "
                "report says which and why.",
                "",
            ]
        lines += [*headline(outcome), ""]
        if outcome.comparison is not None:
            lines += comparison_lines(outcome.comparison, min(chart, 30))
        elif outcome.backtest is not None:
            lines += backtest_lines(outcome.backtest, chart)
        lines += ["", f"Lead history: {outcome.source.describe()}"]
        if problems is not None:
            lines += [f"  {line}" for line in problems.lines()]
        return lines

    def pick_from_palette(self) -> None:
        """The palette's "pick the lead files": the dialog where the room may pick them (no
        lead history yet, or one that does not load: saving never overwrites a history that
        works), else where the history is set. The folder itself says whether it names one;
        whether that one loads is known once the step's first look is back, so until then
        the answer waits for it (it said "it loads" of a file that was missing)."""
        if not self.session.names_a_source():
            self.pick_files()
        elif self._outcome is None and self._problem is None:
            self._pick_waiting = True  # `_finished` answers
            if not self.running:
                self.refresh_now()  # the look is not under way (the file is new): start it
        elif self._outcome is None:
            self.pick_files()
        else:
            self.notify(
                f"{settings_path(self.folder)} already names the lead history and it loads; "
                "edit that file to use other exports.",
                title="Evidence",
            )

    @on(Button.Pressed, "#evidence-pick")
    def pick_files(self) -> None:
        """No lead history yet: pick the exports and save the proposed mapping, in the room."""
        from workbench.tui.components.map_files import MapFilesModal

        def saved(done: bool | None) -> None:
            if done:
                self.notify("Saved; backtesting now.", title="Evidence")
                self.refresh_now()

        self.app.push_screen(MapFilesModal(self.folder), saved)

    def _show_body(self) -> None:
        if not self.is_mounted:
            return
        # Offered with no lead history, and when the history set does not load: the room can
        # pick the files again without leaving (saving never overwrites what is there).
        pick = self.query_one("#evidence-pick", Button)
        offered = self._unset or (self._problem is not None and self._outcome is None)
        newly = offered and not pick.display
        pick.display = offered
        if newly and self._visible():
            self._focus_pick()
        scroll = self.query_one("#evidence-scroll", VerticalScroll)
        width = max(0, scroll.scrollable_content_region.width - 2) or 76  # less the padding
        lines = self.body_lines(width)
        if self._report_shown():
            lines = wrap_lines(lines, width)  # a report line continues under its own indent
        self.query_one("#evidence-report", PlainText).update("\n".join(lines))

    def _report_shown(self) -> bool:
        """A report or an error (wrapped line by line); not the prose of the explanations."""
        return not self._unset and (self._problem is not None or self._outcome is not None)

    def _waiting_text(self) -> str:
        return (
            "The backtest runs when this step is on screen. The first one loads the lead "
            "history (a file of 100,000 leads takes a few seconds); later ones reuse it."
        )

    def _unset_lines(self) -> list[str]:
        folder = self.folder
        path = self.workshop.path
        return [
            "No lead history for this folder yet. Export leads and their activities from the "
            "CRM (CSV or Parquet), then tell the workbench where they are, in one of four ways:",
            "",
            "1. Pick the two files (the button above): the tool proposes the mapping, shows "
            "what it would keep, and saves it with evidence.toml here.",
            "",
            f"2. Write {folder / 'evidence.toml'} (paths relative to it):",
            '     leads = "../data/leads.csv"',
            '     activities = "../data/activities.csv"',
            '     mapping = "hubspot"   # optional: hubspot, salesforce or a mapping file',
            "",
            "3. Open the app with the files (they win over evidence.toml):",
            f"     workbench open {folder} --leads data/leads.csv --activities data/activities.csv",
            "",
            "4. Run one backtest from the command line and remember the files:",
            f"     workbench backtest {path} --leads data/leads.csv "
            "--activities data/activities.csv --remember",
            "",
            "No export at hand? workbench sample-data --out data --leads 20000 --seed 1 writes "
            "a realistic one. Then press r here.",
        ]
