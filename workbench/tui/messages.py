"""Messages the workshop's widgets send, named for what they mean to the room."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.message import Message
from textual.widget import Widget


@dataclass
class ClauseEdited(Message):
    """A field changed: set `path` (e.g. 'fit.min_employees') to `value` in the draft."""

    path: str
    value: Any
    field: Widget


@dataclass
class DefinitionChosen(Message):
    """Open this definition file in the editor."""

    path: Path


@dataclass
class SuiteRefreshed(Message):
    """The suite was re-run after an edit; panes showing results should redraw."""


@dataclass
class CaseOpenRequested(Message):
    """Show one case's lead, verdict and reasons."""

    name: str


@dataclass
class CaseAcceptRequested(Message):
    """Make a case expect what the definition now does (deciding a 'depends' case)."""

    name: str


@dataclass
class CaseAddRequested(Message):
    """Open the lead form for a new case."""


@dataclass
class CaseEditRequested(Message):
    """Open the lead form, filled in from this case, to change it."""

    name: str


@dataclass
class CaseDeleteRequested(Message):
    """Remove this case from the suite (after asking the room)."""

    name: str


@dataclass
class UndoRequested(Message):
    """Take back the last deleted case or expectation change."""
