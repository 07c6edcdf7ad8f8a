"""Clause paths: one grammar for naming a clause of a definition, read and set in one place.

A path is dotted (`fit.min_employees`, `triggers.tier2.0.kind`, `segments.2.triggers`); a
segment or motion is named by its index or by its id as verdicts name it (`segments.smb.fit`).
The editing session, the missed-wins analysis and the app's panes all go through here.
"""

from __future__ import annotations

from typing import Any

from workbench.core.domain.definition import Definition, Scoring


def set_path(data: Any, parts: list[str], value: Any) -> None:
    """Set `value` at `parts` inside plain data (dicts and lists); None removes a key."""
    for part in parts[:-1]:
        if isinstance(data, list):
            data = data[int(part)]
        else:
            if data.get(part) is None:  # an unset table (a segment's response_minutes)
                data[part] = {}
            data = data[part]
    last = parts[-1]
    if isinstance(data, list):
        data[int(last)] = value
    elif value is None:
        data.pop(last, None)
    else:
        data[last] = value


def clause_value(definition: Definition, path: str) -> Any:
    """The value at a dotted clause path (`triggers`, `segments.2.triggers`; a segment or
    motion by its index, or by its id as verdicts name it: `segments.smb.fit`). Inside a
    table of values (`sla.sales.response_minutes.tier2`) a key that is not set reads None."""
    value: Any = definition
    for part in indexed_parts(definition, path):
        if isinstance(value, list):
            value = value[int(part)]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            value = getattr(value, part)
    return value


def with_clause(definition: Definition, path: str, value: Any) -> Definition:
    """The definition with one clause set (None restores its default), validated whole."""
    data = definition.model_dump()
    set_path(data, indexed_parts(definition, path), value)
    return Definition.model_validate(data)


def indexed_parts(definition: Definition, path: str) -> list[str]:
    """The path's parts with segments and motions named by index (`segments.smb` →
    `segments`, `2`); ValueError for an id the definition does not have."""
    parts = path.split(".")
    for at in range(1, len(parts)):
        if parts[at - 1] in ("segments", "motions") and not parts[at].isdigit():
            ids = [item.id for item in getattr(definition, parts[at - 1])]
            parts[at] = str(ids.index(parts[at]))
    return parts


def override_seed(definition: Definition, path: str) -> dict[str, Any]:
    """What a segment's or motion's own clause (`segments.2.fit`) starts as: a copy of the
    main one, so the room edits only the difference; own scoring for a definition that has
    none starts from the defaults."""
    main = getattr(definition, path.rsplit(".", 1)[-1])
    seed = main if main is not None else Scoring()
    dumped: dict[str, Any] = seed.model_dump()
    return dumped
