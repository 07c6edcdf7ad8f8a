"""Pick the lead history in the room: two files, the proposed mapping, what it would keep, save.

The Evidence step with no lead history opens this: the facilitator types the two exports'
paths, the tool proposes a mapping (`propose`, in a worker: reading a large export takes
seconds), shows it with how many leads and activities it would keep, and saves the mapping
and `evidence.toml` next to the definitions, so the room never leaves for a terminal. Nothing
here writes into a field: the proposal appears below the inputs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from workbench.core.domain.errors import AlreadyExists, Problem, WorkbenchError
from workbench.core.evidence.load import Problems
from workbench.core.evidence.propose import Proposal, propose, summary_lines, would_keep
from workbench.core.evidence.settings import EvidenceSource, save_source, settings_path
from workbench.core.files.tomlfile import atomic_write
from workbench.core.services.backtest_session import error_lines
from workbench.tui.components.modals import CANCEL
from workbench.tui.components.report_scroll import ReportScroll
from workbench.tui.components.room_button import RoomButton
from workbench.tui.components.room_input import RoomInput
from workbench.tui.components.text import PlainText

MAPPING_FILE = "mapping.toml"


def _has_content(proposal: Proposal) -> bool:
    """Whether the mapping says anything a file in the canonical shape would not need."""
    return any(line and not line.startswith("#") for line in proposal.toml().splitlines())


def save_proposal(folder: Path, proposal: Proposal) -> list[Path]:
    """Write the mapping (when it says anything) and evidence.toml next to the definitions;
    refuses, writing nothing, when either file is there already. Returns what it wrote."""
    mapping = folder / MAPPING_FILE if _has_content(proposal) else None
    taken = [p for p in (settings_path(folder), mapping) if p is not None and p.exists()]
    if taken:
        raise AlreadyExists(
            [Problem("already exists: remove it or edit it by hand", file=p) for p in taken]
        )
    written: list[Path] = []
    if mapping is not None:
        atomic_write(mapping, proposal.toml().encode("utf-8"), create=True)
        written.append(mapping)
    source = EvidenceSource(
        proposal.leads_file.resolve(), proposal.activities_file.resolve(), mapping
    )
    written.append(save_source(folder, source))
    return written


def keeps_nothing_lines(kept: Problems, shown: int = 3) -> list[str]:
    """Why a proposal would keep no lead, one line per problem: saving it would give the room
    an empty history, so it is not offered."""
    first = kept.leads.first[:shown]
    lines = ["Not saved: it would keep no lead. The first problems:"]
    lines += [f"  leads {p.where}: {p.reason}" for p in first]
    more = kept.leads.skipped - len(first)
    if more > 0:
        lines.append(f"  ... and {more:,} more")
    lines.append("Fix them in a mapping file (date formats, column names), or pick other files.")
    return lines


class MapFilesModal(ModalScreen[bool]):
    """Two paths in, a proposed mapping out; dismisses True once the files are saved."""

    BINDINGS = [CANCEL]

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.proposal: Proposal | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="map-dialog"):
            yield Label(f"Lead history for {self.folder}/: two CRM exports (CSV or Parquet)")
            yield Label("Leads file")
            yield RoomInput(placeholder="e.g. data/leads.csv", id="map-leads", compact=True)
            yield Label("Activities file")
            yield RoomInput(
                placeholder="e.g. data/activities.csv", id="map-activities", compact=True
            )
            yield PlainText("", classes="field-error", id="map-error")
            with ReportScroll(id="map-scroll"):
                yield PlainText(
                    "Type both paths, then propose: the tool guesses the mapping and says "
                    "what it would keep.",
                    id="map-proposal",
                )
            with Horizontal(classes="buttons"):
                yield RoomButton("Propose", id="map-propose", variant="primary")
                yield RoomButton("Save", id="map-save", disabled=True)
                yield RoomButton("Cancel", id="cancel")

    def _paths(self) -> tuple[Path, Path] | None:
        leads = self.query_one("#map-leads", Input).value.strip()
        activities = self.query_one("#map-activities", Input).value.strip()
        if not leads or not activities:
            self.query_one("#map-error", PlainText).say("✗ type both paths first")
            return None
        return Path(leads).expanduser(), Path(activities).expanduser()

    @on(Input.Changed)
    def _paths_changed(self) -> None:
        """A proposal is for the files it read: another path needs another proposal."""
        self.proposal = None
        self.query_one("#map-save", Button).disabled = True

    @on(Input.Submitted)
    def _enter(self) -> None:
        """Enter in a path: propose; once a proposal for these files can be saved, save
        (it proposed again, and saving took tab, tab, enter)."""
        if self.proposal is not None:
            self._save()
        else:
            self._propose_pressed()

    @on(Button.Pressed, "#map-propose")
    def _propose_pressed(self) -> None:
        paths = self._paths()
        if paths is None:
            return
        self.query_one("#map-error", PlainText).say("")
        self.query_one("#map-proposal", PlainText).update("… reading the files")
        self._propose(*paths)

    @work(thread=True, exclusive=True, group="map-files")
    def _propose(self, leads: Path, activities: Path) -> None:
        try:
            proposal = propose(leads, activities)
            kept = None if proposal.missing_required() else would_keep(proposal)
        except Exception as error:  # shown in the dialog, never a traceback
            self._post(self._failed, leads, activities, error_lines(error))
            return
        self._post(self._proposed, leads, activities, proposal, kept)

    def _post(self, callback: Callable[..., object], *args: object) -> None:
        with contextlib.suppress(RuntimeError):  # the app is closing
            self.app.call_from_thread(callback, *args)

    def _current(self, leads: Path, activities: Path) -> bool:
        """The inputs still name the files this result is for."""
        return self.is_attached and self._read() == (leads, activities)

    def _read(self) -> tuple[Path, Path]:
        return (
            Path(self.query_one("#map-leads", Input).value.strip()).expanduser(),
            Path(self.query_one("#map-activities", Input).value.strip()).expanduser(),
        )

    def _failed(self, leads: Path, activities: Path, lines: list[str]) -> None:
        if self._current(leads, activities):
            self.query_one("#map-proposal", PlainText).update("\n".join(lines))

    def _proposed(
        self, leads: Path, activities: Path, proposal: Proposal, kept: Problems | None
    ) -> None:
        if not self._current(leads, activities):
            return
        lines = summary_lines(proposal, kept)
        save = self.query_one("#map-save", Button)
        save.label = "Save"
        if proposal.missing_required():
            lines.append("Name the missing column in a mapping file, or pick other files.")
        elif kept is not None and not kept.leads.rows_loaded:
            save.label = "Save (keeps no lead)"
            lines += keeps_nothing_lines(kept)
        else:
            self.proposal = proposal
            save.disabled = False
            where = f"{self.folder / MAPPING_FILE} and " if _has_content(proposal) else ""
            lines.append(
                f"Enter (or Save) writes {where}{settings_path(self.folder)}; another path "
                "proposes again."
            )
        self.query_one("#map-proposal", PlainText).update("\n".join(lines))

    @on(Button.Pressed, "#map-save")
    def _save(self) -> None:
        if self.proposal is None:
            return
        try:
            save_proposal(self.folder, self.proposal)
        except WorkbenchError as error:
            self.query_one("#map-error", PlainText).say(
                "✗ " + "; ".join(str(p) for p in error.problems)
            )
            return
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
