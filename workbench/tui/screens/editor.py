"""The workshop editor: the steps as tabs, the suite re-run on every edit, autosave."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.lazy import Lazy
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Collapsible, Header, Input, TabbedContent, TabPane, Tabs

from workbench.core.domain.clauses import clause_value
from workbench.core.domain.definition import Definition, EdgeCase, Expectation
from workbench.core.domain.errors import WorkbenchError
from workbench.core.domain.flipwatch import FlipWatch
from workbench.core.domain.phrases import clause_label
from workbench.core.domain.risky import blocking_at, blocking_by_clause, warnings_at
from workbench.core.domain.suite import Flip
from workbench.core.files import git
from workbench.core.services.analysis_session import adopt_case, adopt_proposal
from workbench.core.services.signoff import commit_paths, commit_signed
from workbench.core.services.workshop import EditResult, Workshop, rescue_name
from workbench.tui.components.analysis_pane import (
    ANALYSIS_TAB,
    BACKTEST_TAB,
    AdoptCaseModal,
    AnalysisPane,
    EvidenceStep,
    HistoryCaseAdoptRequested,
    ProposalApplyRequested,
)
from workbench.tui.components.cases import CasesPane
from workbench.tui.components.clause_evidence import refresh_evidence
from workbench.tui.components.evidence_pane import STEP_ID as EVIDENCE_STEP
from workbench.tui.components.evidence_pane import EvidencePane
from workbench.tui.components.fields import NOTHING_PENDING, ClauseField
from workbench.tui.components.held_keys import (
    HOLD_LIMIT,
    drop_held_keys,
    hold_keys,
    release_keys,
)
from workbench.tui.components.keys_panel import ClosesKeysPanel, close_keys_binding
from workbench.tui.components.modals import (
    CaseModal,
    ConfirmModal,
    LeaveQuestion,
    NewCaseModal,
    QuestionModal,
    ResolveQuestionModal,
)
from workbench.tui.components.room_footer import RoomFooter
from workbench.tui.components.save_copy import SaveCopyModal
from workbench.tui.components.signoff_pane import (
    QuestionToggled,
    SignersTyped,
    SignoffPane,
    SignRequested,
)
from workbench.tui.components.status_bar import SuiteStatusBar
from workbench.tui.components.steps import (
    DefinitionPane,
    FitPane,
    MotionsPane,
    OverridesPane,
    SegmentsPane,
    SlaPane,
    StagePane,
    TriggerButtons,
    TriggersPane,
)
from workbench.tui.components.text import HEADER_ICON, PlainText
from workbench.tui.messages import (
    CaseAcceptRequested,
    CaseAddRequested,
    CaseDeleteRequested,
    CaseEditRequested,
    CaseOpenRequested,
    ClauseEdited,
    UndoRequested,
)

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

PaneT = TypeVar("PaneT", bound=Widget)

_MOUNT_WAIT = 3.0  # seconds a step key waits for its step to be mounted (a loaded machine)
_MOUNT_TRIES = 20  # refreshes `show_step` waits for a step to be mounted before its cursor
STEP_KEYS = ["f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9"]
# Seconds a toast saying a case's why stays: a sentence of the room's to read, not a word.
WHY_TOAST_SECONDS = 10.0
# The step that edits each top-level clause, where it is not the step of the same name.
CLAUSE_STEPS = {"scoring": "triggers", "recycling": "triggers", "review_rule": "triggers"}
# A step's tab names the key that shows it, "F2 Fit gate": a tab reading "2 Fit gate" had the
# room press 2 as the editor opened, which typed over the definition's name and saved it.
# Where the labels would not fit the terminal's width, names are shortened one at a time in
# this order, only as far as needed: every step stays in sight rather than scrolling off the
# tab bar. At 80 columns seven steps shorten Edge cases, eight also Fit gate, Triggers and
# Sign-off (and Segments is kept), nine all of them; at 120 every name is whole.
SHORT_LABELS = {
    "cases": "Cases",
    "fit": "Fit",
    "triggers": "Trig",
    "signoff": "Sign",
    "segments": "Seg",
    "evidence": "Evid",
    "motions": "Mot",
}


def tab_label(index: int, label: str) -> str:
    """A step's tab: its key, then its name ("F2 Fit gate")."""
    return f"{STEP_KEYS[index].upper()} {label}"


def tab_labels(steps: list[tuple[str, str]], width: int) -> list[str]:
    """The steps' tab labels for a tab bar `width` columns wide: whole names where they fit,
    else names shortened one at a time, in `SHORT_LABELS`'s order, until they are within it."""
    names = dict(steps)

    def labels() -> list[str]:
        return [tab_label(index, names[key]) for index, (key, _label) in enumerate(steps)]

    def needed() -> int:
        return sum(len(text) + 2 for text in labels())  # a tab's padding: a column each side

    for key, short in SHORT_LABELS.items():
        if needed() <= width:
            break
        if key in names:
            names[key] = short
    return labels()


def short_reason(message: str) -> str:
    """A refusal as the status line says it: the reason without its parenthesised aside
    ("… repeats 'Events' (sources are compared ignoring case …)" ends at 'Events')."""
    if message.endswith(")") and " (" in message:
        return message[: message.rindex(" (")]
    return message


def _notes_said(result: EditResult) -> str:
    """What the core filled in by itself on a case it wrote (a seniority read from the job
    title), said after the case's verdict: the form's own field was left as the room set it."""
    return "".join(f"; {note}" for note in result.notes)


class EditorScreen(ClosesKeysPanel):
    """One definition, edited by the room; every value shown comes from the core."""

    BINDINGS = [
        Binding(
            "ctrl+n",
            "next_step",
            "Next",
            id="editor.next",
            tooltip="Go to the next workshop step.",
            priority=True,
        ),
        Binding(
            "ctrl+b",
            "previous_step",
            "Back",
            show=False,  # the footer holds Quit at 80 columns; Back stays in the palette
            id="editor.back",
            tooltip="Go to the previous workshop step.",
            priority=True,
        ),
        Binding(
            "ctrl+o",
            "add_question",
            "Question",
            show=False,  # named on the Sign-off step ("ctrl+o parks one") and in the palette
            id="editor.question",
            tooltip="Park an open question with the draft.",
        ),
        Binding(
            "ctrl+t",
            "goto_cases",
            "Cases",
            show=False,  # the tab bar shows the step and its F-key; the palette has it
            id="editor.cases",
            tooltip="Show the edge-case suite.",
            priority=True,
        ),
        Binding(
            "ctrl+s",
            "sign",
            "Sign-off",
            id="editor.sign",
            tooltip="Go to sign-off; there, sign both sides.",
        ),
        # Escape closes Textual's keys panel (the palette's "Keys") when it is shown, and only
        # that: it left the definition for home under the panel. First, so it wins the key.
        close_keys_binding("editor"),
        Binding(
            "escape", "home", "Home", id="editor.home", tooltip="Back to the list of definitions."
        ),
        Binding(
            "r",
            "refresh_evidence",
            "Refresh",
            show=False,  # named on the Evidence step's own status line; no room in the footer
            id="editor.evidence_refresh",
            tooltip="Run the backtest again now, on the draft as it is.",
        ),
        Binding(
            "c",
            "compare_evidence",
            "Compare",
            show=False,
            id="editor.evidence_compare",
            tooltip="Backtest the draft against the signed version it would replace, or alone.",
        ),
        # The Evidence step's two tabs: left and right switch them only from their own tab
        # bar, and nothing on screen said so. The footer names the one not shown.
        Binding(
            "t",
            f"evidence_tab('{ANALYSIS_TAB}')",
            "Analysis",
            id="editor.evidence_analysis",
            tooltip="Show the Evidence step's Analysis tab: what the lead history says.",
        ),
        Binding(
            "t",
            f"evidence_tab('{BACKTEST_TAB}')",
            "Backtest",
            id="editor.evidence_backtest",
            tooltip="Show the Evidence step's Backtest tab: the draft replayed over the history.",
        ),
        Binding(
            "ctrl+r",
            "reload",
            "Reload",  # short for the footer: the banner and this tooltip say "from disk"
            id="editor.reload",
            tooltip="Drop unsaved edits and load the file as it is on disk.",
        ),
        Binding(
            "ctrl+g",
            "new_version",
            "New version",
            id="editor.new_version",
            tooltip="Start a draft v(N+1) from this definition.",
        ),
        *[
            Binding(
                key,
                f"goto_step({index})",
                f"Step {index + 1}",
                show=False,
                id=f"editor.step{index + 1}",
                tooltip=f"Jump to step {index + 1}.",
                priority=True,
            )
            for index, key in enumerate(STEP_KEYS)
        ],
        # A step's number, from when the tabs read "2 Fit gate": not a priority, so a field
        # takes a digit typed into it and only the tab bar, a table or a button hands it on to
        # the screen. Kept working for hands that learnt it, but no longer offered anywhere
        # (`system`: not in the keys panel; the palette's "Go to step" entries cover it): the
        # tabs name the F-keys, and nothing on screen invites a bare digit.
        *[
            Binding(
                str(index + 1),
                f"digit_step({index})",
                f"Step {index + 1}",
                show=False,
                id=f"editor.digit{index + 1}",
                tooltip=f"Jump to step {index + 1} ({STEP_KEYS[index].upper()} does too).",
                system=True,
            )
            for index in range(len(STEP_KEYS))
        ],
    ]

    def __init__(
        self,
        workshop: Workshop,
        *,
        clause: str | None = None,
        note: str = "",
        step: str | None = None,
    ) -> None:
        super().__init__()
        self.workshop = workshop
        self.start_clause = clause  # opened on this clause's step, its field in view
        self.start_step = step  # or on this step (a served seat back after a reload)
        self.start_note = note  # said on the status line once mounted
        self.invalid: dict[str, str] = {}
        self._keys_offered: tuple[object, ...] | None = None  # what update_banner last offered
        self._save_timer: Timer | None = None
        self._saved_at: str | None = None  # when this screen last wrote the draft
        self._leaving = False  # set once the room has left: late messages change nothing
        self.flip_watch = FlipWatch()
        # Every step pane made, by step: an edit updates the mounted ones from here instead of
        # walking the screen's 400-800 widgets once per kind of pane (~4 ms a walk, five a key).
        self._panes: dict[str, Widget] = {}
        # Steps whose pane shows the draft as it was before a proposal was applied: hidden,
        # they are rebuilt when next shown, not all at once under the room's keypress.
        self._stale_steps: set[str] = set()
        self._freshening: dict[str, asyncio.Event] = {}  # a stale step's rebuild under way

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show 'new version' and 'reload' only when they are the way forward."""
        if action == "new_version":
            if self.workshop.conflict:  # the room's edits kept: a new version, or a copy
                return self.workshop.dirty or bool(self.invalid)
            return self.workshop.read_only
        if action == "reload":
            return bool(self.workshop.conflict)
        if action == "close_keys":
            return self.keys_panel_shown()
        if action in ("goto_step", "digit_step"):
            # F8, F9, 8 and 9 name no step of a definition with seven; a digit belongs to the
            # field the cursor is in (a dropdown, a tick list), not only to a text box.
            if action == "digit_step" and any(
                isinstance(node, ClauseField)
                for node in (self.focused.ancestors_with_self if self.focused else [])
            ):
                return False
            return bool(parameters) and parameters[0] in range(len(self.steps()))
        if action == "evidence_tab":
            # On the Evidence step, the tab not on screen (a field inside it keeps its 't').
            step = self._evidence_tabs()
            if step is None or self._tabs().active != EVIDENCE_STEP:
                return False
            return bool(parameters) and parameters[0] != step.active_tab
        if action in ("refresh_evidence", "compare_evidence"):
            # Keys of the Evidence step only; elsewhere 'r' and 'c' belong to the fields.
            pane = self._evidence_pane()
            if pane is None or self._tabs().active != EVIDENCE_STEP:
                return False
            if self._analysis_shown():
                return action == "refresh_evidence"  # 'r' runs the analysis again
            return True  # 'c' with no signed version says so rather than doing nothing
        return True

    def palette_offers(self, action: str) -> bool:
        """No question to park in the palette where nothing can be written (the key still
        says why)."""
        return not (action == "add_question" and self.workshop.read_only)

    # The Analysis tab's apply and adopt keys, offered by `_analysis_commands` from any step.
    # The palette's "Analysis: what the lead history says" and "Evidence: backtest the draft
    # now" stand for the footer's `t`; its "Go to step 2: Fit gate (F2)" for the digits, which
    # were listed a second time as "Step 2".
    PALETTE_COVERS = frozenset(
        {
            "analysis.apply",
            "analysis.adopt",
            "editor.evidence_analysis",
            "editor.evidence_backtest",
            *(f"editor.digit{index + 1}" for index in range(len(STEP_KEYS))),
        }
    )

    @property
    def PALETTE_COMMANDS(self) -> list[tuple[str, str, str]]:
        commands = [
            (
                f"Go to step {index + 1}: {label} ({STEP_KEYS[index].upper()})",
                f"goto_step({index})",
                f"Show the {label} step (key {STEP_KEYS[index].upper()}, also from inside a field).",
            )
            for index, (_key, label) in enumerate(self.steps())
        ]
        commands.append(
            (
                "Evidence: backtest the draft now",
                "show_evidence('refresh')",
                "Replay the draft over the lead history: MQLs per month, acceptance, "
                "false negatives.",
            )
        )
        if not self.workshop.follow:
            commands.append(
                (
                    "Evidence: pick the lead files (the CRM's leads and activities exports)",
                    "show_evidence('pick')",
                    "Name the two exports; the tool proposes how their columns map and says "
                    "what it would keep before anything is saved.",
                )
            )
        pane = self._evidence_pane()
        if pane is not None and pane.base is not None:
            if pane.comparing:
                label = "Evidence: show the draft alone"
                help_text = "The backtest of the draft, without the signed version beside it."
            else:
                label = f"Evidence: compare with v{pane.base.version} (signed)"
                help_text = "What adopting the draft instead of the signed version changes."
            commands.append((label, "show_evidence('compare')", help_text))
        commands += self._analysis_commands()
        return commands

    def _analysis_commands(self) -> list[tuple[str, str, str]]:
        """The Analysis tab's actions, offered from any step (apply and adopt only on a
        draft the room may change)."""
        commands = [
            (
                "Analysis: what the lead history says",
                "analysis('show')",
                "The buyer profile, the behaviour of wins, the clause values the history "
                "supports and the cases where the draft and history disagree.",
            )
        ]
        if not self.workshop.read_only:
            commands += [
                (
                    "Analysis: apply the selected proposal",
                    "analysis('apply')",
                    "Write the selected proposal's clause value into the draft; the edge "
                    "cases and the backtest run again.",
                ),
                (
                    "Analysis: adopt the selected case from history",
                    "analysis('adopt')",
                    "Add the lead to the edge cases with the expectation the room agrees on.",
                ),
            ]
        return commands

    @property
    def wb(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    # --- layout ----------------------------------------------------------------------

    def steps(self) -> list[tuple[str, str]]:
        d = self.workshop.definition
        steps = [("stage", "Stage"), ("fit", "Fit gate"), ("triggers", "Triggers")]
        if d.segments:
            steps.append(("segments", "Segments"))
        if d.motions:
            steps.append(("motions", "Motions"))
        steps += [
            ("sla", "SLA"),
            ("cases", "Edge cases"),
            ("evidence", "Evidence"),
            ("signoff", "Sign-off"),
        ]
        return steps

    def make_pane(self, key: str) -> Widget:
        d = self.workshop.definition
        panes: dict[str, Any] = {
            "stage": lambda: StagePane(d),
            "fit": lambda: FitPane(d),
            "triggers": lambda: TriggersPane(d),
            "segments": lambda: SegmentsPane(d),
            "motions": lambda: MotionsPane(d),
            "sla": lambda: SlaPane(d),
            "cases": lambda: CasesPane(self.workshop.suite, read_only=self.workshop.read_only),
            "evidence": self._evidence_step,
            "signoff": lambda: SignoffPane(
                self.workshop,
                self.wb.folder,
                self.wb.today(),
                typed=self.wb.signers_typed(self.workshop.path),
            ),
        }
        pane: Widget = panes[key]()
        pane.id = f"pane-{key}"
        self._panes[key] = pane
        if self.workshop.read_only and key not in ("cases", "evidence", "signoff"):
            pane.disabled = True
        return pane

    def _evidence_step(self) -> EvidenceStep:
        """The Evidence step's two tabs over one lead history: the backtest and the analysis
        (each kept in the panes by its own key, so edits reach it)."""
        backtest = EvidencePane(
            self.workshop,
            self.wb.evidence_session(),
            self.wb.folder,
            self.wb.evidence_delay,
            self.wb.now,
        )
        analysis = AnalysisPane(
            self.workshop, self.wb.evidence_session(), self.wb.folder, self.wb.now
        )
        self._panes["backtest"] = backtest
        self._panes["analysis"] = analysis
        return EvidenceStep(backtest, analysis)

    def title_text(self) -> str:
        d = self.workshop.definition
        if d.partial_signoff is not None:
            state = f"draft, signed by {d.partial_signoff.signed_side} only"
        else:
            state = "SIGNED, read-only" if self.workshop.read_only else "draft"
        return f"{d.slug} v{d.version} · {state}"

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon=HEADER_ICON)
        yield PlainText("", id="banner")
        with TabbedContent(id="steps"):
            for index, (key, label) in enumerate(self.steps()):
                with TabPane(tab_label(index, label), id=f"step-{key}"):
                    pane = self.make_pane(key)
                    yield pane if index == 0 else Lazy(pane)
        yield SuiteStatusBar(id="status")
        yield RoomFooter(compact=True)  # every key in sight at 80 columns

    def on_mount(self) -> None:
        self.watch_keys_panel()
        self.fit_tab_labels(self.app.size.width)
        self.title = self.title_text()
        self.fit_header(self.app.size.width)
        self.refresh_status()
        if self.start_note:
            self.get_child_by_id("status", SuiteStatusBar).show_note(self.start_note)
        self.update_banner()
        self.set_interval(2.0, self.watch_disk)
        if self.start_clause:
            self.show_clause(self.start_clause)
        elif self.start_step in [key for key, _label in self.steps()]:
            self.show_step(self.start_step)
        else:
            # The cursor in the first step's first field, as a form opens: a room that types
            # the moment the draft appears (its name, after `v` or enter on home) types into
            # it, not into the tab bar, which took the letters without a word. The first
            # step is composed with the screen (the others are `Lazy`), so this holds before
            # the app hands on the keys typed behind the one that opened it.
            self._focus_first(self.steps()[0][0])

    def on_resize(self, event: events.Resize) -> None:
        self.fit_tab_labels(event.size.width)
        self.fit_header(event.size.width)

    def fit_header(self, width: int) -> None:
        """The file's path beside the title only where both fit: at 80 columns a long slug's
        title was cut ("acme-inboun…"); the title says which definition and version it is."""
        path = str(self.workshop.path)
        both = len(self.title_text()) + len(path) + 8  # the header's icon, spacing and dash
        self.sub_title = path if both <= width else ""

    def fit_tab_labels(self, width: int) -> None:
        steps = self.steps()
        tabs = self._tabs()
        for (key, _label), text in zip(steps, tab_labels(steps, width), strict=True):
            tab = tabs.get_tab(f"step-{key}")
            if tab.label_text != text:
                tab.label = text

    def conflict_words(self) -> str:
        """What the room can do about a file changed on disk, and only what works: with
        nothing unsaved there is nothing to lose; edits become the next version only on top
        of a version signed meanwhile, otherwise ctrl+g offers to save them as a copy."""
        if not self.workshop.dirty and not self.invalid:  # a refused value is unsaved too
            return (
                "✗ This file changed on disk (another program or person wrote it). The room "
                "had nothing unsaved: ctrl+r shows it as it is on disk now."
            )
        keep = (
            "ctrl+g keeps them as a new version"
            if self.workshop.disk_is_signed()
            else "ctrl+g offers to save them as a copy to compare"
        )
        return (
            "✗ This file changed on disk since it was opened; your edits are NOT saved. "
            f"ctrl+r reloads from disk (drops your edits) · {keep}."
        )

    def update_banner(self) -> None:
        # The keys offered (ctrl+r, ctrl+g) follow this state; the footer is rebuilt for each
        # refresh, and a save after every pause in the typing asked for one.
        keys = (
            self.workshop.conflict,
            self.workshop.read_only,
            self.check_action("new_version", ()),
        )
        if keys != self._keys_offered:
            self._keys_offered = keys
            self.refresh_bindings()
        try:
            banner = self.get_child_by_id("banner", PlainText)
        except NoMatches:  # the screen recomposing (`rebuild_all`), which updates it after
            return
        if self.workshop.conflict:
            banner.update(self.conflict_words())
            banner.set_class(True, "-conflict")
            banner.display = True
        elif self.workshop.save_error and self.workshop.dirty:
            banner.update(
                f"✗ The draft could not be saved: {self.workshop.save_error}. The room's edits "
                "are kept here; leaving asks first and offers to save a copy elsewhere."
            )
            banner.set_class(True, "-conflict")
            banner.display = True
        elif self.workshop.definition.partial_signoff is not None:
            partial = self.workshop.definition.partial_signoff
            banner.update(
                f"{partial.signed_side.capitalize()} has signed with SSH; waiting for "
                f"{partial.missing_side}: workbench sign {self.workshop.path} --as "
                f"{partial.missing_side} --ssh-key KEY. Read-only: an edit would void the "
                "first signature."
            )
            banner.set_class(self.workshop.integrity == "altered", "-conflict")
            banner.display = True
        elif self.workshop.read_only:
            integrity = " ALTERED AFTER SIGNING." if self.workshop.integrity == "altered" else ""
            banner.update(
                f"Signed version: read-only.{integrity} ctrl+g starts a new version to change it."
            )
            banner.set_class(self.workshop.integrity == "altered", "-conflict")
            banner.display = True
        else:
            banner.display = False

    def refresh_status(self) -> None:
        try:
            status = self.get_child_by_id("status", SuiteStatusBar)
        except NoMatches:  # the screen recomposing (`rebuild_all`), which refreshes it after
            return
        status.show(self.workshop.status_line(), not self.workshop.suite.ok, self.save_note())
        status.show_refused(short_reason(next(iter(self.invalid.values()))) if self.invalid else "")

    def save_note(self) -> str:
        """Where the draft stands, worked out from the session every time, so the status bar
        can never say "saved" while the banner says the opposite."""
        workshop = self.workshop
        if workshop.read_only:
            return "read-only"
        if workshop.conflict and not workshop.dirty and not self.invalid:
            # Nothing of the room's is lost: said as the banner says it, not shouted.
            return "file changed on disk, nothing unsaved: ctrl+r shows it"
        if workshop.conflict:
            return "NOT SAVED: file changed on disk"
        if self.invalid:
            where = clause_label(workshop.definition, next(iter(self.invalid)))
            return f"not saved: {where} invalid"
        if workshop.dirty:
            if workshop.save_error:
                return f"NOT SAVED: {workshop.save_error}"
            return "saving…"
        return f"saved {self._saved_at}" if self._saved_at else "saved"

    # --- edits -----------------------------------------------------------------------

    @on(ClauseEdited)
    async def on_clause_edited(self, event: ClauseEdited) -> None:
        event.stop()
        value = event.value
        if isinstance(event.field, ClauseField):
            value = event.field.shown(value)  # a stale message never undoes later keys
            await self.apply_edit(event.path, value, event.field)
            return
        try:
            await self.apply_edit(event.path, value, event.field)
        finally:
            # A step's button held the keys typed since (DefinitionPane.edit): the step is
            # rebuilt and the cursor placed, so they go on now, as if typed after.
            release_keys(self)

    async def apply_edit(self, path: str, value: Any, source: Widget) -> None:
        if self.workshop.read_only or self._leaving:
            return  # the fields are disabled; a mount-time echo is not an edit
        before = self.workshop.suite
        items_before = _items(self.workshop.definition, path)
        steps_before = self.steps()
        parts_before = _parts(self.workshop.definition, path)
        typed = isinstance(source, ClauseField)
        if typed:
            self.workshop.typing_started(path)
        result = self.workshop.apply(path, value)
        errors = list(result.errors)
        if isinstance(source, ClauseField):
            errors = [source.in_room_words(error) for error in errors]
            source.sent(value)
            if source.is_attached:  # a rebuilt pane's old field may still have a message out
                source.set_errors(result.errors)
                source.set_warnings(self.warnings_for(path) if result.ok else [])
        elif result.errors:
            self.notify("; ".join(result.errors), severity="error", title="Not applied")
        if not result.ok:
            self.invalid[path] = "; ".join(errors)
            # "72." refused: the draft drops the "72" taken before it, and the suite, the
            # evidence and the headings read the value from before the field's keys.
            if typed and self.workshop.refused_typing(path).changed:
                self.after_change(None, edited=path)
            else:
                self.refresh_status()
            return
        was_refused = self.invalid.pop(path, None) is not None
        if not result.changed:
            if was_refused:
                self.refresh_summaries()  # typed back to the draft's value: shown again
            if was_refused and self.workshop.dirty:
                # Typed back to the value already applied ("999", "9999" refused, backspace):
                # nothing changed, but the save held back while the field was refused is due.
                self.schedule_save()
            self.refresh_status()
            return
        # A rule added or removed by a button changes one row, not the step (and before
        # after_change, so the evidence lines it remounts find the new row to sit under).
        if not typed:
            self._forget_removed(path, value, items_before)
        rows_shown = await self._show_rows(source, path)
        if typed:
            # A key is not a settled value: its flips are named once typing pauses or the
            # field is left (FlipWatch), never per half-typed value.
            self.flip_watch.typing(path, before)
            self.after_change(None, edited=path)
        else:
            self.after_change(list(result.flips), edited=path)
        if not typed and self.steps() != steps_before:
            # The stage's segments or motions added (`stage_parts`): a step of their own,
            # between the triggers and the SLA, and the room taken to it, the keys typed
            # since the button held until its first field has the cursor (the first one went
            # to the tab bar while the step was mounted: "Small biz" saved as "mall biz").
            # The last one removed: the step goes, and the room is on the step before it.
            shown = await self._change_steps(steps_before)
            if shown in dict(steps_before):  # a step taken away, not one added
                self._part_removed(parts_before, bool(result.flips), drop_keys=True)
            await self.action_goto_step([key for key, _label in self.steps()].index(shown))
            return
        if not isinstance(source, ClauseField):
            if not rows_shown:
                await self.rebuild_pane(source)
            if isinstance(value, list) and len(value) > items_before:
                self._focus_added(source, f"{path}.{len(value) - 1}.")
            elif isinstance(value, list) and len(value) < items_before:
                self._focus_removed(source, path)
                if parts_before:
                    self._focus_part_removed(source, path, parts_before, bool(result.flips))
        if path == "stage":
            self.title = self.title_text()

    async def _show_rows(self, source: Widget, path: str) -> bool:
        """A tier 2 rule appended or removed by the step's button, shown by that row alone
        (TriggerButtons.show_tier2)."""
        if not (isinstance(source, TriggerButtons) and path.endswith(".tier2")):
            return False
        source.definition = self.workshop.definition
        return await source.show_tier2(path.removesuffix(".tier2"))

    def _forget_removed(self, path: str, value: Any, items_before: int) -> None:
        """A value refused in an item a button took away (the last tier 2 rule, or any list
        clause shrunk) goes with it: left in `invalid`, it held every save back for a field
        no longer on screen."""
        if isinstance(value, list) and len(value) < items_before:
            gone = tuple(f"{path}.{index}." for index in range(len(value), items_before))
            if path in ("segments", "motions"):
                # One taken from anywhere in the list: the items after it move up an index,
                # and the rebuilt step shows each one's value from the draft.
                gone = (f"{path}.",)
            for refused in [p for p in self.invalid if p.startswith(gone)]:
                del self.invalid[refused]

    def _focus_added(self, pane: Widget, prefix: str) -> None:
        """After "Add tier 2 rule" (a list grown by a button), the cursor in the new item's
        first field: the rebuild took the focus with the button, and the next tab went back
        to the top of the step."""
        for field in pane.query(ClauseField):
            if field.path.startswith(prefix):
                target = next((w for w in field.query("*") if w.focusable), None)
                if target is not None:
                    self.set_focus(target)
                    field.call_after_refresh(field.scroll_visible, animate=False)
                return

    def _focus_removed(self, pane: Widget, path: str) -> None:
        """After "Remove last rule", the cursor back on that button, or on its fold's title
        once none is left: the rebuild took the focus, and the next tab went to the top of
        the step, so clearing six rules meant tabbing back down six times. Not on "Add tier
        2 rule": one enter too many would add a rule, with no question asked."""
        if not path.endswith(".tier2"):
            return
        prefix = path.removesuffix(".tier2")
        target: Widget | None = next(
            (b for b in pane.query(".remove-tier2") if b.name == prefix), None
        )
        if target is None:
            add = next((b for b in pane.query(".add-tier2") if b.name == prefix), None)
            folds = [a for a in add.ancestors if isinstance(a, Collapsible)] if add else []
            # By its type's name: Textual exports Collapsible, not the title widget.
            titles = folds[0].query("CollapsibleTitle") if folds else None
            target = titles.first() if titles else None
            # Keys typed meanwhile were aimed at a rule that is no longer there: sent on, a
            # burst of enter-tab-enter too many folded tier 2, opened tier 3 and switched it
            # off. Not used, and said.
            dropped = drop_held_keys(self)
            if dropped:
                self.notify(
                    f"No tier 2 rule is left: the {dropped} key(s) typed after the last "
                    "removal were not used, so they changed nothing else."
                )
        if target is not None:
            self.set_focus(target)
            target.call_after_refresh(target.scroll_visible, animate=False)

    def _focus_part_removed(
        self, pane: Widget, path: str, parts_before: list[tuple[str, str]], flipped: bool
    ) -> None:
        """After "Remove Enterprise", the cursor on the Remove button now in its place (the
        one before it, for the last): the rebuild took the focus with the button, and the
        keys typed after the answer went nowhere. The status line says what went."""
        now = [part.id for part in getattr(self.workshop.definition, path)]
        gone = next(
            (
                at
                for at, (ident, _name) in enumerate(parts_before)
                if at >= len(now) or now[at] != ident
            ),
            len(now),
        )
        self._part_removed(parts_before, flipped)
        target = next(iter(pane.query(f"#remove-{path}-{min(gone, len(now) - 1)}")), None)
        if target is not None:
            self.set_focus(target)
            target.call_after_refresh(target.scroll_visible, animate=False)

    def _part_removed(
        self, parts_before: list[tuple[str, str]], flipped: bool, drop_keys: bool = False
    ) -> None:
        """Say which segment or motion went, where no case flipped (a flip is named by
        `after_change`; an older flip line read as the removal's news). `drop_keys`: the
        last one went with its step, and the keys typed after the answer were aimed at it;
        not sent on into the step before, and said."""
        definition = self.workshop.definition
        kept = {p.id for p in definition.segments} | {p.id for p in definition.motions}
        names = [name for ident, name in parts_before if ident not in kept]
        dropped = drop_held_keys(self) if drop_keys else 0
        if not names or (flipped and not dropped):
            return
        note = f"{names[0]} removed" + ("" if flipped else "; no edge case flipped")
        if dropped:
            note += f"; the {dropped} key(s) typed after it were not used"
        self.get_child_by_id("status", SuiteStatusBar).show_note(note + ".")

    async def _offer_refused_again(self) -> None:
        """A value refused because of another field ("Move the other edge first": SMB's
        maximum over mid-market's minimum) may hold once that field has moved. Each refused
        field's text is applied again, as it stands on screen, once the room has settled on
        the other value: the field that moved was left, or typing paused (not at every key:
        a passing "250" on the way to "210" must not decide it). Only read, never written:
        the keys stay the field's."""
        await self.take_typing()  # what every field shows, keys still in flight included
        for field in self.query(ClauseField):
            if field.path in self.invalid:
                shown = field.shown_value()
                if shown is not NOTHING_PENDING:
                    await self.apply_edit(field.path, shown, field)

    async def _offer_refused_when_idle(self) -> None:
        """The pause's turn to offer refused fields again, once no key has arrived for the
        save delay. The save timer counts from the last edit applied; on a loaded machine it
        can fire while keys typed after that edit still wait in the queues, and the field
        then shows a value the person is typing through."""
        quiet = time.monotonic() - self.wb.last_key_at
        if self.wb.message_queue_size or quiet < self.wb.save_delay:
            if self._save_timer is None:
                self._save_timer = self.set_timer(
                    max(self.wb.save_delay - quiet, 0.05), self._save_if_valid
                )
            return
        await self._offer_refused_again()

    def warnings_for(self, path: str) -> list[str]:
        """Risky values the core accepted, for the field at `path`; the lead history's
        regions and industries count only once the evidence session has loaded it."""
        history = self.wb.evidence_session().history_values
        return warnings_at(self.workshop.definition, path, history)

    def settle_flips(self, path: str | None = None) -> None:
        """Name the flips of the values the room settled on (`path`, or every field with keys
        in flight): typing paused, or the field was left. A refused value names none."""
        paths = [path] if path is not None else list(self.flip_watch.pending_paths())
        for settled in paths:
            if not self.flip_watch.pending(settled):
                continue
            found = self.flip_watch.settle(
                settled, self.workshop.suite, refused=settled in self.invalid
            )
            if found:
                label = clause_label(self.workshop.definition, settled)
                self.query_one(SuiteStatusBar).show_flips(found, label)
                self._point_cases_at(found)

    def _point_cases_at(self, flips: Sequence[Flip]) -> None:
        """The Cases step's cursor on the first case a settled edit made fail: the room goes
        there to look at it, and at 80x24 it may be rows out of sight. Keys still in flight
        move nothing ("00" typed and taken back is no edit). When an edit makes that case
        pass again, the cursor goes back to where the room had it: Down twice from row 3
        opened row 13 after an undo."""
        flips = [flip for flip in flips if not (flip.added or flip.removed)]  # moved no cursor
        failing = [flip.name for flip in flips if not flip.now_passing]
        for cases in self.mounted_panes(CasesPane):
            for flip in flips:
                if flip.now_passing:
                    cases.unpoint(flip.name)
            if failing:
                cases.point_at(failing[0])

    @on(events.DescendantBlur)
    def _field_left(self, event: events.DescendantBlur) -> None:
        for node in event.widget.ancestors_with_self:
            if isinstance(node, ClauseField):
                self.settle_flips(node.path)
                if node.path not in self.invalid:
                    self.workshop.typing_settled(node.path)
                if self.invalid and not self._leaving:
                    self.call_later(self._offer_refused_again)  # the value left is settled
                return

    def mounted_panes(self, kind: type[PaneT]) -> list[PaneT]:
        """The step panes of one kind that are in the screen now (a step not yet shown is
        not mounted; a pane replaced by a rebuild is no longer attached)."""
        return [p for p in self._panes.values() if isinstance(p, kind) and p.is_attached]

    def after_change(self, flips: list[Any] | None, edited: str | None = None) -> None:
        definition = self.workshop.definition
        for pane in self.mounted_panes(DefinitionPane):
            # A field's edit does not rebuild its pane; the pane's buttons (add a rule, give a
            # segment its own triggers) must still start from the definition as it now is.
            pane.definition = definition
        self.refresh_summaries()
        for fit in self.mounted_panes(FitPane):
            refresh_evidence(fit, definition, fit.EVIDENCE)
            fit.refresh_scope(definition)
        self.show_blocking()
        self.refresh_status()
        if flips is not None:
            label = clause_label(definition, edited) if edited else None
            self.get_child_by_id("status", SuiteStatusBar).show_flips(flips, label)
        self.refresh_readers(flips)
        self.schedule_save()

    def show_blocking(self) -> None:
        """What signing refuses, under the field of the clause it is about (the SLA's
        warnings are said there too): 30 points on "contact sales", a tier 1 trigger, showed
        nothing at the field; home and Sign-off said it later. Only the fields whose say
        changes are touched: this runs after every edit."""
        blocking = (
            {}
            if self.workshop.read_only
            else blocking_by_clause(self.workshop.definition, self.wb.today())
        )
        for pane in self.mounted_panes(DefinitionPane):
            for field in pane.query(ClauseField):
                if field.blocking or any(
                    c == field.path or c.startswith(field.path + ".") for c in blocking
                ):
                    field.set_blocking(blocking_at(blocking, field.path))

    def refresh_summaries(self) -> None:
        """The folds' titles and the segments' sentences, from the draft: a refused field's
        value is the one from before its keys there (`Workshop.refused_typing`)."""
        shown = self.workshop.definition
        for overrides in self.mounted_panes(OverridesPane):
            overrides.refresh_summaries(shown)
        for triggers in self.query(TriggersPane):
            triggers.refresh_titles(shown)

    def refresh_readers(self, flips: list[Any] | None = None) -> None:
        """The panes that read the suite or the draft as a whole (cases, sign-off, evidence,
        analysis), after an edit here or a save read from disk (a follow seat)."""
        for cases in self.mounted_panes(CasesPane):
            cases.show(self.workshop.suite)
        if flips is not None:
            self._point_cases_at(flips)
        for signoff in self.mounted_panes(SignoffPane):
            signoff.refresh_suite()
        for evidence in self.mounted_panes(EvidencePane):
            evidence.definition_changed()
        for analysis in self.mounted_panes(AnalysisPane):
            analysis.definition_changed()

    def schedule_save(self) -> None:
        """Save once typing pauses, and never while a field holds a value that was refused:
        '9999999' must not leave a stray '999' in the file on its way to being rejected."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if self.wb.save_delay <= 0:
            self._save_if_valid()
        else:
            self._save_timer = self.set_timer(self.wb.save_delay, self._save_if_valid)

    def _save_if_valid(self) -> None:
        self._save_timer = None
        self.settle_flips()  # typing paused: the values on screen are settled
        if self.invalid:
            self.refresh_status()
            self.call_later(self._offer_refused_when_idle)
            return
        self.save_draft()

    async def _change_steps(self, steps_before: list[tuple[str, str]]) -> str:
        """The Segments or Motions step added or taken away in place: its tab only, the
        others renumbered and rebuilt when next shown (`_rebuild_steps`). Composing the whole
        screen again blanked it for 2.4 s on a loaded machine, in front of the room.

        The step to show the room: the one added, else the one before the step taken away."""
        tabs = self.query_one("#steps", TabbedContent)
        now = self.steps()
        keys = [key for key, _label in steps_before]
        shown = next((key for key, _label in now if key not in keys), None)
        for at, key in enumerate(keys):
            if key not in dict(now):
                earlier = [k for k in keys[:at] if k in dict(now)] or [now[0][0]]
                shown = shown or earlier[-1]
                if tabs.active == f"step-{key}":
                    # On the step before it first: taken away while shown, the tab bar
                    # moved on to SLA, which was rebuilt and shown for nothing.
                    tabs.active = f"step-{shown}"
                self._panes.pop(key, None)
                await tabs.remove_pane(f"step-{key}")
        for built in self._panes.values():
            if isinstance(built, DefinitionPane):
                built.definition = self.workshop.definition  # a step not shown yet, too
        await self._rebuild_steps()  # before the new step, which is built as the draft is
        for index, (key, label) in enumerate(now):
            if key not in dict(steps_before):
                tab = TabPane(tab_label(index, label), self.make_pane(key), id=f"step-{key}")
                await tabs.add_pane(tab, before=f"step-{now[index + 1][0]}")
        self.fit_tab_labels(self.size.width)
        return shown or now[0][0]

    async def rebuild_pane(self, pane: Widget) -> None:
        if isinstance(pane, DefinitionPane):
            pane.definition = self.workshop.definition
            await pane.recompose()

    async def rebuild_all(self) -> None:
        """After a reload or signing: every pane shows the definition as it now is."""
        self.flip_watch.forget()
        self._stale_steps.clear()  # the new panes show the draft as it is, and are shown
        await self.recompose()
        self.fit_tab_labels(self.size.width)
        self.title = self.title_text()
        self.refresh_status()
        self.update_banner()

    # --- saving ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="save")
    def save_draft(self) -> None:
        try:
            if self.workshop.save():
                self._saved_at = self.wb.now().astimezone().strftime("%H:%M:%S")
        except WorkbenchError:
            pass  # the session holds why (conflict or save_error); the line and banner say it
        self.app.call_from_thread(self.update_banner)
        self.app.call_from_thread(self.refresh_status)

    @work(thread=True, exclusive=True, group="watch")
    def watch_disk(self) -> None:
        if self.workshop.conflict or self.workshop.read_only:
            return
        if self.workshop.changed_on_disk():
            self.workshop.conflict = "changed on disk"
            self.app.call_from_thread(self.update_banner)
            self.app.call_from_thread(self.refresh_status)

    async def unsaved_reason(self) -> str | None:
        """Why leaving now would lose something, after taking in every key already typed and
        trying to save; None if nothing would be lost."""
        await self.take_typing()
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if not self.workshop.read_only and not self.workshop.conflict:
            with contextlib.suppress(WorkbenchError):
                self.workshop.save()
        self.refresh_status()
        self.update_banner()
        if self.workshop.conflict and self.workshop.dirty:
            return "The file changed on disk, so the room's latest edits were not saved."
        if self.invalid:
            path, message = next(iter(self.invalid.items()))
            where = clause_label(self.workshop.definition, path)
            # The rest is in the file: "lose it" had read as losing every edit of the room.
            kept = "" if self.workshop.dirty else " The room's other edits are saved."
            more = len(self.invalid) - 1
            if more:
                fields = "field" if more == 1 else "fields"
                return (
                    f"{where} ({message}) and {more} other {fields} hold values that were not "
                    f"applied.{kept}"
                )
            return f"{where} holds a value that was not applied ({message}).{kept}"
        if self.workshop.dirty:
            return f"The draft could not be saved ({self.workshop.save_error})."
        return None

    async def take_typing(self) -> None:
        """Apply what the fields show before deciding anything on the room's behalf.

        A key typed just before ctrl+q may still be waiting in the field's queue, and its
        edit still on its way here as a message: first let the focused widget handle what it
        was sent (a callback queued behind those keys), then apply every field whose text
        differs from what it last sent. What is on screen is what is saved.
        """
        focused = self.app.focused
        if focused is not None and focused.is_attached:
            handled = asyncio.Event()
            focused.call_later(handled.set)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(handled.wait(), timeout=2.0)
        for field in self.query(ClauseField):
            pending = field.pending_value()
            if pending is not NOTHING_PENDING:
                await self.apply_edit(field.path, pending, field)

    # --- actions ---------------------------------------------------------------------

    def _tabs(self) -> TabbedContent:
        return self.get_child_by_id("steps", TabbedContent)

    def _evidence_pane(self) -> EvidencePane | None:
        """Asked for each binding every time the footer refreshes: no walk of the screen."""
        panes = self.mounted_panes(EvidencePane)
        return panes[0] if panes else None

    @on(TabbedContent.TabActivated, "#steps")
    async def _step_shown(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()  # 'r' and 'c' belong to the Evidence step
        if event.pane.id is not None:
            key = event.pane.id.removeprefix("step-")
            if not self._leaving:
                self.wb.remember_place(self.workshop.path, key)
            await self._freshen(key)
            self.call_after_refresh(self.show_blocking)  # the step's fields, once mounted
        if event.pane.id == "step-signoff":
            for signoff in self.mounted_panes(SignoffPane):
                signoff.refresh_evidence()
        if event.pane.id == EVIDENCE_STEP:
            pane = self._evidence_pane()
            if pane is not None:
                pane.shown()
            for analysis in self.mounted_panes(AnalysisPane):
                analysis.shown()

    async def action_goto_step(self, index: int) -> None:
        """A step key (F1-F9): the step, the cursor in its first field. Right after the editor
        opens, its steps are still being mounted (`Lazy`); the keys typed after the step key
        are meant for that field, so the key is not done until the field has the cursor: the
        app hands on the next key only then (the tab bar would have dropped them)."""
        steps = self.steps()
        if not 0 <= index < len(steps):
            return
        key = steps[index][0]
        await self._freshen(key)  # rebuilt before it is shown, so the cursor lands for good
        self._tabs().active = f"step-{key}"
        deadline = asyncio.get_running_loop().time() + _MOUNT_WAIT
        while not self._focus_first(key):
            if asyncio.get_running_loop().time() > deadline:
                self._hold_for_step(key)
                return
            await asyncio.sleep(0.01)

    def _hold_for_step(self, key: str) -> None:
        """A step still mounting after `_MOUNT_WAIT` (a segmented draft's SLA step took 4 s on
        a loaded machine): the keys typed behind the step key wait, held by the app, until
        its field has the cursor, and the cursor leaves the field of the step left behind.
        They had gone on to that hidden field: F5 then "85" saved the draft's name as "85".
        The app hands them on after `HOLD_LIMIT` seconds at the latest."""
        hold_keys(self)
        focused = self.focused
        if focused is not None and not any(
            node.id == f"pane-{key}" for node in focused.ancestors_with_self
        ):
            self._tabs().query_one(Tabs).focus()
        timer: Timer | None = None
        # Past the app's own limit its hold is gone: a late release would end another's.
        until = time.monotonic() + HOLD_LIMIT

        def attempt() -> None:
            if time.monotonic() > until:
                if timer is not None:
                    timer.stop()
                return
            try:
                waiting = self._tabs().active == f"step-{key}" and not self._focus_first(key)
            except NoMatches:  # the screen is being recomposed (a follow seat's reload)
                waiting = True
            if waiting:
                return
            if timer is not None:
                timer.stop()
            release_keys(self)

        timer = self.set_interval(0.05, attempt)

    async def action_digit_step(self, index: int) -> None:
        """A step's number pressed outside a field: that step (the tabs name F-keys now)."""
        await self.action_goto_step(index)

    def show_step(self, key: str) -> None:
        """Switch to a step and put the cursor in its first field, ready to type."""
        if self._after_freshen(key, lambda: self.show_step(key)):
            return
        self._tabs().active = f"step-{key}"
        if not self._focus_first(key):  # not mounted yet (Lazy): once it is
            self.call_after_refresh(self._focus_when_mounted, key, _MOUNT_TRIES)

    def _focus_when_mounted(self, key: str, tries: int) -> None:
        if self._tabs().active != f"step-{key}":
            return  # the room has moved on to another step
        if not self._focus_first(key) and tries > 0:
            self.call_after_refresh(self._focus_when_mounted, key, tries - 1)

    def _focus_first(self, key: str) -> bool:
        """The cursor in the step's first field; False only while the step is not mounted
        whole (its first field may be missing yet). A mounted step with nothing to focus (a
        signed or followed definition's disabled fields) is done: nothing to wait for."""
        panes = list(self.query(f"#pane-{key}"))
        if not panes or not all(pane.is_mounted for pane in panes):
            return False
        for pane in panes:
            # A pane may name its own first field: Sign-off's is the first signer left to
            # type, not the question list carried over from the last version above it;
            # Evidence's, without a lead history, is "Pick the two files…".
            chosen = pane.first_field() if isinstance(pane, SignoffPane | EvidenceStep) else None
            for widget in [chosen] if chosen is not None else pane.query("*"):
                if widget.focusable:
                    if widget is self.focused and isinstance(widget, Input):
                        widget.select_all()  # as focusing it would: the next key replaces
                    self.set_focus(widget)
                    # In view once the step is laid out: Sign-off's first signer sits below
                    # the questions at 80x24, and a step left scrolled down (Triggers, at the
                    # foot of its tier 2 rules) kept the cursor out of sight on the way back.
                    widget.call_after_refresh(widget.scroll_visible, animate=False)
                    return True
        return True

    def step_of(self, clause: str) -> str:
        """The step that edits a clause path: `fit.industries` → fit, `scoring.threshold` →
        triggers; evidence is shown under the clause it backs; anything else is on step 1."""
        clause = clause.removeprefix("evidence.")
        head = clause.split(".", 1)[0]
        key = CLAUSE_STEPS.get(head, head)
        return key if key in dict(self.steps()) else self.steps()[0][0]

    def show_clause(self, clause: str, tries: int = 3) -> None:
        """Switch to the clause's step and bring its field into view with the cursor in it
        (opening the fold that holds it); the step mounts lazily, so try after a refresh."""
        key = self.step_of(clause)
        if self._after_freshen(key, lambda: self.show_clause(clause, tries)):
            return
        self._tabs().active = f"step-{key}"
        if not self._reveal(key, clause.removeprefix("evidence.")) and tries > 0:
            self.call_after_refresh(self.show_clause, clause, tries - 1)

    def _reveal(self, key: str, clause: str) -> bool:
        fields = [f for p in self.query(f"#pane-{key}") for f in p.query(ClauseField)]
        if not fields:
            return False
        field = next((f for f in fields if f.path == clause), None) or next(
            (f for f in fields if f.path.startswith(clause + ".")), None
        )
        if field is None:
            return self._focus_first(key)
        for fold in field.ancestors:
            if isinstance(fold, Collapsible) and fold.collapsed:
                fold.collapsed = False
        target = next((w for w in field.query("*") if w.focusable), None)
        if target is not None:
            self.set_focus(target, scroll_visible=False)
        field.call_after_refresh(field.scroll_visible, animate=False)
        return True

    def _step_index(self) -> int:
        keys = [f"step-{key}" for key, _label in self.steps()]
        active = self._tabs().active
        return keys.index(active) if active in keys else 0

    async def action_next_step(self) -> None:
        if self._step_index() + 1 < len(self.steps()):  # on the last step: nothing to do
            await self.action_goto_step(self._step_index() + 1)

    async def action_previous_step(self) -> None:
        # On the first step, nothing: going "to" it would select the field's text, and the
        # next key would replace it (ctrl+b is also a readline user's cursor-left).
        if self._step_index() > 0:
            await self.action_goto_step(self._step_index() - 1)

    def action_goto_cases(self) -> None:
        self.show_step("cases")

    def action_refresh_evidence(self) -> None:
        if self._analysis_shown():
            for analysis in self.mounted_panes(AnalysisPane):
                analysis.refresh_now()
            return
        pane = self._evidence_pane()
        if pane is not None:
            pane.refresh_now()

    def action_compare_evidence(self) -> None:
        pane = self._evidence_pane()
        if pane is not None:
            pane.toggle_compare()

    def action_show_evidence(self, then: str = "") -> None:
        """From the palette, on any step: show the Evidence step, then refresh or compare."""
        self.show_step("evidence")

        def act(tries: int = _MOUNT_TRIES) -> None:
            step = self._evidence_tabs()
            if step is not None:
                step.show_tab(BACKTEST_TAB)
            pane = self._evidence_pane()
            if pane is None or not pane.is_mounted:
                if tries > 0:  # the step is mounted on first show (`Lazy`)
                    self.call_after_refresh(act, tries - 1)
                return
            if then == "pick":
                pane.pick_from_palette()
            elif then == "compare":
                pane.toggle_compare()
            elif then == "refresh" and not pane.running:
                pane.refresh_now()  # unless showing the step started a run already

        self.call_after_refresh(act)

    # --- the Analysis tab --------------------------------------------------------------

    def _evidence_tabs(self) -> EvidenceStep | None:
        panes = self.mounted_panes(EvidenceStep)
        return panes[0] if panes else None

    def _analysis_shown(self) -> bool:
        step = self._evidence_tabs()
        return step is not None and step.active_tab == ANALYSIS_TAB

    def action_evidence_tab(self, tab: str) -> None:
        """`t` on the Evidence step: the other of its two tabs. A cursor left in the tab
        now hidden goes to the tab bar, where left and right switch them too."""
        step = self._evidence_tabs()
        if step is None:
            return
        step.show_tab(tab)
        focused = self.focused
        if (
            focused is not None
            and step in focused.ancestors
            and not any(node.id == tab for node in focused.ancestors)
        ):
            step.query_one(Tabs).focus()

    def action_analysis(self, then: str = "show") -> None:
        """From the palette, on any step: show the Analysis tab, then apply or adopt the
        selected row there (the room still sees what it applies)."""
        self.show_step("evidence")

        def act() -> None:
            step = self._evidence_tabs()
            if step is None:
                return
            step.show_tab(ANALYSIS_TAB)
            step.analysis.query_one("#analysis-proposals").focus()
            if then == "apply":
                step.analysis.apply_selected(require_focus=False)
            elif then == "adopt":
                step.analysis.action_adopt()

        self.call_after_refresh(act)

    @on(ProposalApplyRequested)
    async def _apply_proposal(self, event: ProposalApplyRequested) -> None:
        """One proposal, by the room's keypress: the clause changes, the suite re-runs (the
        status bar names the flips), the backtest and analysis follow, autosave saves."""
        event.stop()
        if self.refused_read_only() or self._leaving:
            return
        await self.take_typing()  # a value typed on another step lands first
        proposal = event.proposal
        result = adopt_proposal(self.workshop, proposal)
        if not result.ok:
            self.notify("; ".join(result.errors), severity="error", title="Not applied")
            return
        label = clause_label(self.workshop.definition, proposal.clause)
        if not result.changed:
            self.notify(f"The draft already has {label} as proposed.", title="No change")
            return
        self.notify(f"{label}: {proposal.summary}", title="Proposal applied")
        for pane in self._panes.values():
            if isinstance(pane, DefinitionPane):
                pane.definition = self.workshop.definition  # a step not shown yet, too
        self.after_change(list(result.flips), edited=proposal.clause)
        if not result.flips:  # a flip names the clause itself; else say what was applied
            self._say_on_status(f"applied: {label}: {proposal.summary}")
        await self._rebuild_steps()

    async def _rebuild_steps(self) -> None:
        """The fields show the draft as it now is: the step on screen at once; a hidden step
        when it is next shown (rebuilding every mounted step took 1.3-1.6 s of a 0.5 s apply
        headless, seconds on a loaded machine). A step holding a refused value is rebuilt
        now, as before: its refusal is settled by the value the rebuild shows. A stale step
        is hidden until it is rebuilt: shown from its tab bar, its old fields take no click
        and no key that the rebuild would then throw away (hiding costs one style; disabling
        restyled every field, 0.2 s an apply)."""
        active = self._tabs().active
        refused = {self.step_of(path) for path in self.invalid}
        for key, pane in self._panes.items():
            if not isinstance(pane, DefinitionPane) or not pane.is_attached:
                continue
            if f"step-{key}" == active or key in refused:
                await self._freshen(key)  # a rebuild already under way ends first
                await self.rebuild_pane(pane)
            elif key not in self._stale_steps:
                self._stale_steps.add(key)
                pane.display = False

    async def _freshen(self, key: str) -> None:
        """Rebuild a step left stale by a proposal, before it is shown or focused. Once: a
        tab click and a step key on the same step both wait for the one rebuild (two at
        once left the first one's fields sending edits from outside the screen)."""
        running = self._freshening.get(key)
        if running is not None:
            await running.wait()
            return
        pane = self._panes.get(key)
        if key not in self._stale_steps:
            return
        self._stale_steps.discard(key)
        if pane is None or not pane.is_attached:
            return
        done = self._freshening[key] = asyncio.Event()
        try:
            await self.rebuild_pane(pane)
        finally:
            pane.display = True
            del self._freshening[key]
            done.set()

    def _after_freshen(self, key: str, then: Callable[[], object]) -> bool:
        """True if the step is stale: `then` runs once it is rebuilt (focusing a field of the
        old pane would lose the cursor, and the keys after it, when the rebuild replaces it)."""
        if key not in self._stale_steps and key not in self._freshening:
            return False

        async def fresh_then() -> None:
            await self._freshen(key)
            then()

        self.call_later(fresh_then)
        return True

    @on(HistoryCaseAdoptRequested)
    def _adopt_case(self, event: HistoryCaseAdoptRequested) -> None:
        """A lead from history joins the suite once the room has chosen its expectation."""
        event.stop()
        if self.refused_read_only():
            return
        case = event.case
        from workbench.core.domain.evaluator import evaluate

        def chosen(expect: Expectation | None) -> None:
            if expect is None or self._leaving:
                return
            result = adopt_case(self.workshop, case, expect)
            if not result.ok:
                self.notify("; ".join(result.errors), severity="error", title="Not adopted")
                return
            name = self.workshop.definition.cases[-1].name
            verdict = self.workshop.suite.by_name()[name]
            self.notify(
                f"{name} expects {expect.label()}: {'PASS' if verdict.passed else 'FAIL'}, "
                f"{verdict.verdict.summary()}" + _notes_said(result),
                title="Case adopted",
            )
            self.after_change(list(result.flips), edited=f"cases.{name}")

        verdict = evaluate(self.workshop.definition, case.lead)
        self.app.push_screen(AdoptCaseModal(case, verdict), chosen)

    def action_sign(self) -> None:
        """The Sign-off step; pressed again there, sign. On a signed definition or a follow
        seat the second press says why it signs nothing: it did nothing at all, and the
        footer still offered it."""
        if self._tabs().active != "step-signoff":
            self.show_step("signoff")
        elif not self.refused_read_only():
            for pane in self.query(SignoffPane):
                pane.request_sign()

    def action_add_question(self) -> None:
        if self.refused_read_only():
            return

        def parked(text: str | None) -> None:
            if text:
                result = self.workshop.add_question(text)
                if result.ok:
                    self.notify(f"Parked: {text}", title="Open question")
                    self.after_change([])
                    self.call_later(self._show_questions)

        self.app.push_screen(QuestionModal(), parked)

    def refused_read_only(self) -> bool:
        """Say why an edit is not taken (the core's words: signed, or waiting for the other
        side's signature) and return True; False when the draft can be edited."""
        reason = self.workshop.read_only_reason()
        if reason is not None:
            self.notify(reason, severity="warning", title="Read-only")
        return reason is not None

    async def _show_questions(self) -> None:
        for pane in self.query(SignoffPane):
            await pane.show_questions()

    @on(QuestionToggled)
    async def _toggle_question(self, event: QuestionToggled) -> None:
        if self.refused_read_only():
            return
        question = self.workshop.definition.questions[event.index]
        if question.resolved:  # opened again, its answer kept
            if self.workshop.toggle_question(event.index).ok:
                self.after_change([])
            return

        def settled(answer: str | None) -> None:
            if answer is None:
                return  # escape: left open
            current = self.workshop.definition.questions
            # Still the question asked about (a reload may have changed the list meanwhile).
            if event.index >= len(current) or current[event.index] != question:
                self.notify(
                    "The questions changed meanwhile (the file was read again); enter on it "
                    "again to resolve it.",
                    severity="warning",
                    title="Not resolved",
                )
                return
            if self.workshop.toggle_question(event.index, answer).ok:
                self.after_change([])

        self.app.push_screen(ResolveQuestionModal(question.text, question.answer or ""), settled)

    async def action_home(self) -> None:
        await self.leave(self.wb.go_home, "Leave")

    async def leave(self, go: Callable[[], None], verb: str) -> None:
        """Go (home, or quit) unless that would lose the room's work; then ask first."""
        reason = await self.unsaved_reason()
        if reason is None:
            self._leaving = True
            go()
            return

        def answered(choice: str | None) -> None:
            if choice == "lose":
                self._leaving = True
                self._drop_refused()
                go()
            elif choice == "new-version":
                self.action_new_version()
            elif choice == "copy":
                self.offer_copy(then=go)

        self.app.push_screen(
            LeaveQuestion(
                f"{reason}\n{verb} anyway and lose {'them' if len(self.invalid) > 1 else 'it'}?",
                self.leave_answers(verb),
            ),
            answered,
        )

    @property
    def leaving(self) -> bool:
        """The room has left this editor (saved, or chose to lose its edits)."""
        return self._leaving

    def save_before_exit(self) -> None:
        """The app ends without the room's say: the core saves the draft's edits now, or
        writes them to a copy where the draft cannot take them (`Workshop.save_before_exit`)."""
        self._leaving = True
        with contextlib.suppress(WorkbenchError, OSError):
            self.workshop.save_before_exit(self.wb.rescue_dir, self.wb.now(), list(self.invalid))

    def _drop_refused(self) -> None:
        """Leaving with a value refused: its clause back as it was before the field was typed
        in, and saved. "1,500" typed into MQLs a month was refused, and the file kept the
        "1" its first key made valid."""
        reverted = [self.workshop.revert_typing(path) for path in list(self.invalid)]
        if any(result.changed for result in reverted):
            with contextlib.suppress(WorkbenchError):
                self.workshop.save()

    def leave_answers(self, verb: str) -> list[tuple[str, str]]:
        """Stay; save a copy elsewhere whenever the draft itself could not be saved; keep the
        edits as a new version when the file changed under us; or lose them. For a value that
        was refused there is nothing valid to keep."""
        answers = [("stay", "Stay")]
        if not self.invalid:
            answers.append(("copy", "Save a copy…"))
        # Not from under a dialog (ctrl+q over one): the new version's editor would open on
        # top of it, and escape from there land on the dialog of the file left behind.
        if self.workshop.conflict and not self.invalid and self.app.screen is self:
            answers.append(("new-version", "Keep as new version"))
        answers.append(("lose", f"{verb}, lose it"))
        return answers

    def offer_copy(self, then: Callable[[], None] | None = None) -> None:
        """Ask where to write the room's edits as a new file; `then` runs once it is written."""
        suggested = self.wb.rescue_dir / rescue_name(self.workshop.definition, self.wb.now())

        def written(path: Path | None) -> None:
            if path is None:
                return
            self.notify(f"The room's edits are in {path}", title="Copy saved")
            if then is not None:
                self._leaving = True
                then()

        self.app.push_screen(SaveCopyModal(suggested, self.workshop.save_copy), written)

    async def action_reload(self) -> None:
        step = self._tabs().active.removeprefix("step-")
        try:
            self.workshop.reload()
        except WorkbenchError as error:
            self.notify(str(error), severity="error", title="Cannot reload")
            return
        self.invalid.clear()
        await self.rebuild_all()
        if step in {key for key, _label in self.steps()}:
            self.show_step(step)  # the room stays where it was looking
        self.notify("Reloaded from disk.")

    def action_new_version(self) -> None:
        """Signed: start v(N+1) from it. In conflict: keep the room's edits as the next
        version where that is valid; where it is not (the draft on disk is still a draft),
        say why and offer a copy or a reload instead of a second draft."""
        try:
            if self.workshop.read_only:
                path = self.wb.start_new_version(self.workshop.definition.slug)
            else:
                path = self.workshop.keep_as_new_version(self.wb.folder, self.wb.today())
        except WorkbenchError as error:
            if self.workshop.read_only:
                self.notify(str(error), severity="error", title="No new version")
                return

            def answered(choice: str | None) -> None:
                if choice == "copy":
                    self.offer_copy()
                elif choice == "reload":
                    self.run_worker(self.action_reload())

            self.app.push_screen(
                ConfirmModal(
                    f"The room's edits cannot be a new version: {error}",
                    [("stay", "Stay"), ("copy", "Save a copy…"), ("reload", "Reload, lose them")],
                ),
                answered,
            )
            return
        self.notify(f"Created {path}", title="New version")
        self.wb.open_definition(path)

    # --- cases -----------------------------------------------------------------------

    @on(CaseOpenRequested)
    def _open_case(self, event: CaseOpenRequested) -> None:
        result = self.workshop.suite.by_name().get(event.name)
        if result is None:
            return

        def closed(choice: Expectation | str | None) -> None:
            if choice == "accept":
                self._accept(event.name)
            elif choice == "edit":
                self._edit_case(event.name)
            elif choice == "delete":
                self._delete_case(event.name)
            elif isinstance(choice, Expectation):
                if self.refused_read_only():
                    return
                outcome = self.workshop.set_expectation(event.name, choice)
                if outcome.ok and outcome.changed:
                    self.notify(
                        f"{event.name} now expects {choice.label()}. u on the cases undoes it.",
                        title="Expectation changed",
                    )
                    self.after_change(list(outcome.flips), edited=f"cases.{event.name}.expect")

        self.app.push_screen(CaseModal(result, self.workshop.read_only), closed)

    @on(CaseAcceptRequested)
    def _accept_case(self, event: CaseAcceptRequested) -> None:
        self._accept(event.name)

    def _accept(self, name: str) -> None:
        """Accept what the definition does now: at once for a 'depends' case; for any other
        case only after the room has seen the agreed and the new expectation side by side."""
        if self.refused_read_only() or name not in self.workshop.suite.by_name():
            return
        proposal = self.workshop.acceptance(name)
        if not proposal.changes:
            self.notify(f"{name} already expects what the definition does.", title="No change")
            return
        if not proposal.needs_confirmation:
            # Accepted at once, the why left as the room wrote it: said, with how to change it.
            self._accept_now(name, f"\n{proposal.why_said()}\nm on the cases edits it.")
            return

        def answered(choice: str | None) -> None:
            # The answers hold the keys typed after them: the form's own `held` releases
            # them once the why has the cursor (typed at once, they went to the cases).
            if choice == "accept-edit" and self._accept_now(name):
                self._edit_case(name, held=True, focus="why")
                return
            if choice == "accept":
                self._accept_now(name)
            release_keys(self)

        self.app.push_screen(
            ConfirmModal(
                f"{name} is not a 'depends' case: the room agreed its outcome.\n"
                f"  agreed:        {proposal.old.label()}\n"
                f"  does now:      {proposal.new.label()}\n"
                f"{proposal.why_said()}\n"
                "Change the agreed expectation to what the definition does now?",
                [
                    ("keep", f"Keep {proposal.old.label()}"),
                    ("accept", f"Expect {proposal.new.label()}"),
                    ("accept-edit", f"Expect {proposal.new.label()}, edit the why"),
                ],
                holding=True,
            ),
            answered,
        )

    def _accept_now(self, name: str, why: str = "") -> bool:
        """Make the case expect what the definition does now; `why`: the case's why as said
        with the change. Whether it changed."""
        result = self.workshop.accept_actual(name, confirmed=True)
        if not result.ok:
            self.notify("; ".join(result.errors), severity="error", title="Not changed")
            return False
        expect = self.workshop.suite.by_name()[name].case.expect
        self.notify(
            f"{name} now expects {expect.label()}. u on the cases undoes it.{why}",
            title="Expectation changed",
            timeout=WHY_TOAST_SECONDS if why else None,
        )
        self.after_change(list(result.flips), edited=f"cases.{name}.expect")
        return True

    @on(UndoRequested)
    def _undo(self) -> None:
        """`u` on the cases: the last deleted case back where it stood, or the last
        expectation change taken back, whichever came later."""
        if self.refused_read_only():
            return
        change = self.workshop.last_expectation
        deleted = self.workshop.last_deleted
        said = self.workshop.undo_says()
        result = self.workshop.undo()
        if not result.ok or said is None:
            self.notify("; ".join(result.errors), severity="warning", title="Nothing undone")
            return
        self.notify(said, title="Undone")
        if deleted is not None:
            self.after_change(list(result.flips))
            for cases in self.mounted_panes(CasesPane):
                cases.select(deleted.case.name)
        elif change is not None:
            self.after_change(list(result.flips), edited=f"cases.{change.case_name}.expect")

    @on(CaseAddRequested)
    def _add_case(self) -> None:
        if self.refused_read_only():
            release_keys(self)  # held by the cases' `a`: no form comes
            return

        def added(outcome: tuple[EdgeCase, EditResult] | None) -> None:
            if outcome is None:
                return
            case, result = outcome
            verdict = self.workshop.suite.by_name()[case.name]
            said = (
                f"{case.name}: {'PASS' if verdict.passed else 'FAIL'}, {verdict.verdict.summary()}"
            ) + _notes_said(result)
            self.notify(said, title="Case added")
            self.after_change(list(result.flips))
            self._say_on_status(f"case added: {said}")
            for cases in self.mounted_panes(CasesPane):
                cases.select(case.name)

        segments, lead_types = self._case_choices()
        modal = NewCaseModal(self.workshop.add_case, segments=segments, lead_types=lead_types)
        modal.held = True
        self.app.push_screen(modal, added)

    def _say_on_status(self, note: str) -> None:
        """The status bar's second line: what the room just did, in place of an older flip."""
        self.get_child_by_id("status", SuiteStatusBar).show_note(note)

    @on(CaseEditRequested)
    def _edit_case_requested(self, event: CaseEditRequested) -> None:
        self._edit_case(event.name, held=True)

    def _edit_case(self, name: str, held: bool = False, focus: str = "name") -> None:
        """The add-case form, filled in from the case; the core refuses a taken name and the
        form stays open saying so. `held`: the cases' `m` held the keys typed after it,
        released here when no form comes, else by the form once it has the cursor. `focus`:
        the field with the cursor (the why, after an accept that left it as it was)."""
        case = next((c for c in self.workshop.definition.cases if c.name == name), None)
        if self.refused_read_only() or case is None:
            if held:
                release_keys(self)
            return

        def edited(outcome: tuple[EdgeCase, EditResult] | None) -> None:
            if outcome is None:
                return
            changed, result = outcome
            if not result.changed:
                return
            verdict = self.workshop.suite.by_name()[changed.name]
            renamed = f" (was {name})" if changed.name != name else ""
            said = (
                f"{changed.name}{renamed}: {'PASS' if verdict.passed else 'FAIL'}, "
                f"{verdict.verdict.summary()}"
            ) + _notes_said(result)
            self.notify(said, title="Case changed")
            self.after_change(list(result.flips), edited=f"cases.{changed.name}")
            if not result.flips or result.notes:  # a flip names the case; a note is news
                self._say_on_status(f"case changed: {said}")
            for cases in self.mounted_panes(CasesPane):
                cases.select(changed.name)  # a renamed case keeps the cursor

        def submit(changed: EdgeCase) -> EditResult:
            return self.workshop.edit_case(name, changed)

        segments, lead_types = self._case_choices()
        modal = NewCaseModal(submit, case, segments=segments, lead_types=lead_types, focus=focus)
        modal.held = held
        self.app.push_screen(modal, edited)

    def _case_choices(self) -> tuple[list[str], list[str]]:
        """What a case may expect beyond status, route and tier: the definition's segments,
        its motions' lead types."""
        definition = self.workshop.definition
        return (
            [segment.id for segment in definition.segments],
            [motion.lead_type for motion in definition.motions],
        )

    @on(CaseDeleteRequested)
    def _delete_case_requested(self, event: CaseDeleteRequested) -> None:
        self._delete_case(event.name)

    def _delete_case(self, name: str) -> None:
        """Ask first, naming the case and what it was for; then remove it."""
        if self.refused_read_only():
            return
        case = next((c for c in self.workshop.definition.cases if c.name == name), None)
        if case is None:
            return

        def answered(choice: str | None) -> None:
            if choice != "delete":
                return
            result = self.workshop.delete_case(name)
            if not result.ok:
                self.notify("; ".join(result.errors), severity="error", title="Not deleted")
                return
            self.notify(
                f"{name} is no longer in the suite. u on the cases brings it back.",
                title="Case deleted",
            )
            self.after_change(list(result.flips))

        why = f"\nWhy it was there: {case.why}" if case.why else ""
        self.app.push_screen(
            ConfirmModal(
                f"Delete the edge case {name} (expects {case.expect.label()})?{why}\n"
                "It leaves the suite and the saved draft.",
                [("keep", "Keep it"), ("delete", f"Delete {name}")],
            ),
            answered,
        )

    # --- signing ---------------------------------------------------------------------

    @on(SignersTyped)
    def _signers_typed(self, event: SignersTyped) -> None:
        """Kept for this file: esc and enter again, or a reload, found the names gone."""
        self.wb.keep_signers(self.workshop.path, event.values)

    @on(SignRequested)
    def _sign(self, event: SignRequested) -> None:
        pane = self.query_one(SignoffPane)
        if self.invalid:
            pane.show_error(
                f"{clause_label(self.workshop.definition, next(iter(self.invalid)))} holds a "
                "value that was not applied; fix it first"
            )
            return
        open_questions = [q.text for q in self.workshop.definition.questions if not q.resolved]
        if open_questions:

            def answered(choice: str | None) -> None:
                if choice == "sign":
                    self._sign_now(event)
                elif choice == "back":  # to resolve them: the cursor on the first still open
                    pane.focus_open_question()

            listing = "\n".join(f"• {text}" for text in open_questions)
            self.app.push_screen(
                ConfirmModal(
                    f"{len(open_questions)} open question{'' if len(open_questions) == 1 else 's'} would be "
                    f"signed as open:\n{listing}\n"
                    "Resolve them first (enter on a question), or sign with them on record?",
                    [("back", "Go back"), ("sign", "Sign with them open")],
                ),
                answered,
            )
            return
        self._sign_now(event)

    def _sign_now(self, event: SignRequested) -> None:
        pane = self.query_one(SignoffPane)
        try:
            result = self.workshop.sign(
                event.marketing, event.sales, event.review_date, self.wb.now()
            )
        except WorkbenchError as error:
            # Each reason with the clause it is about ("motions.product-led.fit: no-fit-gate:
            # …"): a room signing a definition with segments and motions must know which.
            pane.show_error(
                "; ".join(
                    f"{p.field}: {p.message}" if p.field else p.message for p in error.problems
                )
            )
            return
        definition = result.definition
        if definition.status == "signed":  # the names are the record's now, not a draft's
            self.wb.keep_signers(self.workshop.path, {})
        lines = git.commit_lines(commit_paths(result.path), definition.slug, definition.version)
        in_repo = git.repo_root(result.path) is not None
        self.call_later(self._after_sign, result.path, lines, in_repo)

    async def _after_sign(self, path: Any, lines: list[str], in_repo: bool) -> None:
        await self.rebuild_all()
        self._tabs().active = "step-signoff"
        text = f"Signed and written: {path}\n\n"
        if in_repo:
            text += "Commit it to git now?\n" + "\n".join(lines)
            answers = [("commit", "Commit now"), ("later", "Not now")]
        else:
            text += "Not in a git repository. To record it, run in your repository:\n" + "\n".join(
                lines
            )
            answers = [("later", "OK")]

        def answered(choice: str | None) -> None:
            if choice == "commit":
                # git takes seconds on a loaded machine: with no word, a facilitator pressed
                # enter again on a dialog that was already gone.
                self.notify(f"Committing {path} to git…", title="Committing", timeout=4)
                self.commit_signed(path)

        self.app.push_screen(ConfirmModal(text, answers), answered)

    @work(thread=True, exclusive=True, group="git")
    def commit_signed(self, path: Any) -> None:
        try:
            summary = commit_signed(path)
        except WorkbenchError as error:
            self.app.call_from_thread(
                self.notify, str(error), severity="error", title="Not committed"
            )
            return
        self.app.call_from_thread(self.notify, summary, title="Committed")


def _parts(definition: Definition, path: str) -> list[tuple[str, str]]:
    """The segments or motions (id, name) before an edit of the whole list, else nothing."""
    if path not in ("segments", "motions"):
        return []
    return [(part.id, part.label or part.id) for part in getattr(definition, path)]


def _items(definition: Any, path: str) -> int:
    """How many items the list clause at `path` holds (0 for anything else): a button that
    adds one is told from one that removes one."""
    try:
        value = clause_value(definition, path)
    except (KeyError, IndexError, AttributeError, ValueError):
        return 0
    return len(value) if isinstance(value, list) else 0
