"""Each clause's evidence as a read-only line under its field, in the fit and triggers steps.

The line is text the app writes, never a field the person types in: after an edit it is
updated in place (a figure measured for another value reads STALE at once), and lines are
mounted or removed only when a clause gains or loses evidence. A clause with no field of its
own (the fit score, a whole tier 2 table) shows its line under the step's explanation.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.containers import Horizontal
from textual.widget import Widget

from workbench.core.domain.clause_evidence import evidence_line
from workbench.core.domain.definition import Definition
from workbench.tui.components.fields import ClauseField
from workbench.tui.components.text import PlainText

LINE_CLASS = "evidence-line"


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + ".")


def evidence_keys(definition: Definition, prefixes: Sequence[str]) -> list[str]:
    return [k for k in definition.evidence if any(_under(k, p) for p in prefixes)]


def _text(definition: Definition, key: str) -> str:
    return f"Evidence: {evidence_line(definition, key)}"


def _field_for(pane: Widget, key: str) -> ClauseField | None:
    """The field that edits `key`, else the first one inside it (a tier 2 rule's kind)."""
    fields = list(pane.query(ClauseField).results(ClauseField))
    for field in fields:
        if field.path == key:
            return field
    return next((f for f in fields if f.path.startswith(key + ".")), None)


def show_evidence(pane: Widget, definition: Definition, prefixes: Sequence[str]) -> None:
    """Mount one line per clause with evidence, under its field (or its field's row)."""
    for old in pane.query(f".{LINE_CLASS}"):
        old.remove()
    after: dict[int, Widget] = {}
    top = pane.query(".explain").first() if pane.query(".explain") else None
    for key in evidence_keys(definition, prefixes):
        # Named, not given an id: a remount may run before the old lines are gone.
        line = PlainText(_text(definition, key), name=key, classes=f"{LINE_CLASS} field-help")
        field = _field_for(pane, key)
        anchor: Widget | None = field
        if field is not None and isinstance(field.parent, Horizontal):
            anchor = field.parent  # under the row, not squeezed in as a third column
        anchor = anchor or top
        holder = anchor.parent if anchor is not None else None
        if anchor is None or not isinstance(holder, Widget):
            pane.mount(line)
            continue
        holder.mount(line, after=after.get(id(anchor), anchor))
        after[id(anchor)] = line


def refresh_evidence(pane: Widget, definition: Definition, prefixes: Sequence[str]) -> None:
    """After an edit: the same clauses update their text; a new or withdrawn one remounts."""
    lines = list(pane.query(f".{LINE_CLASS}").results(PlainText))  # one walk: it runs per key
    if sorted(str(line.name) for line in lines) != sorted(evidence_keys(definition, prefixes)):
        show_evidence(pane, definition, prefixes)
        return
    for line in lines:
        line.update(_text(definition, str(line.name)))  # the same text again does nothing
