"""Risky values, warned where they are typed: the value is accepted, the room is told why
it may regret it. Lint finds the same things in a file; these say it at the field.

- a review date more than two quarters out (lint's REVIEW_MAX_DAYS);
- a region or industry that the folder's lead history never uses (with the values it has),
  or that the edge cases write in other words ("North America" for north-america);
- a response time slower than the framework's table (framework.RESPONSE_ROWS).

And what signing refuses (lint's errors), said under the field of the clause it is about
(`blocking_by_clause`): 30 points on "contact sales", a tier 1 trigger, showed nothing at the
field while the edge cases passed and the draft saved; home and Sign-off said it later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from workbench.core.domain.bands import fit_disagreements
from workbench.core.domain.clauses import clause_value
from workbench.core.domain.definition import Definition
from workbench.core.domain.framework import RESPONSE_ROWS, ResponseRow
from workbench.core.domain.lint import (
    FIT_VALUE_FIELDS,
    REVIEW_MAX_DAYS,
    lint,
    spelled_unlike_cases,
)

_SHOWN = 8  # values of the history offered in a warning, at most


def review_date_warning(due: date, today: date) -> str | None:
    """More than two quarters out: calibrate at least quarterly."""
    days = (due - today).days
    if days > REVIEW_MAX_DAYS:
        return (
            f"{days} days out, more than two quarters ({REVIEW_MAX_DAYS} days): the definition "
            "is measured and adjusted every quarter, and this skips a review"
        )
    return None


def response_time_warning(key: str, minutes: int | None, unit: str = "minutes") -> str | None:
    """Slower than the framework's row for this trigger (demo < 5 min, content < 1 business
    day); `unit` is 'minutes' or 'business_days', as the clause holds it."""
    row = _row_for_key(key)
    if minutes is None or row is None:
        return None
    given = minutes * (1440 if unit == "business_days" else 1)
    if given <= row.limit.nominal_minutes():
        return None
    return f"slower than the framework's row '{row.name}' ({row.words})"


def _row_for_key(key: str) -> ResponseRow | None:
    """The row a response-time key answers to: a kind's own row, tier 3's score threshold,
    `content`'s content-triggered; a tier key other than 3 covers mixed triggers, so none."""
    for row in RESPONSE_ROWS:
        if key in row.kinds or (key == "content" and row.name == "content-triggered"):
            return row
    return RESPONSE_ROWS[3] if key == "tier3" else None


def unused_values_warning(
    values: Sequence[str], known: Sequence[str] | None, column: str
) -> str | None:
    """Values the lead history never uses (matched as the evaluator does, ignoring case),
    with the values it has; None without a history or when every value is used."""
    if known is None or not values:
        return None
    have = {k.lower() for k in known}
    unused = [v for v in values if v.lower() not in have]
    if not unused:
        return None
    offered = ", ".join(known[:_SHOWN]) + (
        f" (+{len(known) - _SHOWN} more)" if len(known) > _SHOWN else ""
    )
    names = ", ".join(repr(v) for v in unused)
    return f"{names}: no lead in the history has this {column}; it has {offered or 'none'}"


def warnings_at(
    definition: Definition, path: str, history: Mapping[str, Sequence[str]] | None
) -> list[str]:
    """The warnings for what the clause at `path` holds now in `definition`."""
    try:
        value = clause_value(definition, path)
    except (AttributeError, IndexError, ValueError):
        return []  # a path the definition no longer has (a rule removed meanwhile)
    return (
        clause_warnings(path, value, history)
        + _spelling_warnings(definition, path, value)
        + _band_fit_warnings(definition, path)
    )


def _spelling_warnings(definition: Definition, path: str, value: Any) -> list[str]:
    """A region or industry typed in other words than the edge cases write it ("North
    America" for north-america): said as it is typed, with or without a lead history."""
    parts = path.split(".")
    if parts[-1] not in FIT_VALUE_FIELDS or "fit" not in parts or not isinstance(value, list):
        return []
    found = spelled_unlike_cases(definition, value, FIT_VALUE_FIELDS[parts[-1]])
    if not found:
        return []
    said = ", ".join(f"{typed!r} as {other!r}" for typed, other in found)
    return [f"the edge cases write {said}: the gate compares whole values"]


def _band_fit_warnings(definition: Definition, path: str) -> list[str]:
    """A segment's band edge typed past what the fit gate it uses lets through (SMB widened
    to 249 while its own fit gate stops at 199): said under the edge being typed, not only at
    the top of the step, off-screen at 80x24."""
    parts = path.split(".")
    if not (
        len(parts) == 3
        and parts[0] == "segments"
        and parts[1].isdigit()
        and parts[2] in ("min_employees", "max_employees")
        and int(parts[1]) < len(definition.segments)
    ):
        return []
    segment = definition.segments[int(parts[1])]
    return [p.message for p in fit_disagreements(definition) if p.segments == (segment.id,)]


def clause_warnings(
    path: str, value: Any, history: Mapping[str, Sequence[str]] | None
) -> list[str]:
    """The warnings for the value a clause path now holds; `history` maps a leads column
    (industry, region) to its distinct values, or is None when no history is loaded."""
    parts = path.split(".")
    last = parts[-1]
    found: str | None = None
    if last in FIT_VALUE_FIELDS and any(p == "fit" for p in parts):
        column = FIT_VALUE_FIELDS[last]
        known = None if history is None else history.get(column)
        found = unused_values_warning(list(value or []), known, column)
    elif len(parts) >= 2 and parts[-2] in ("response_minutes", "response_business_days"):
        unit = "business_days" if parts[-2] == "response_business_days" else "minutes"
        found = response_time_warning(last, value if isinstance(value, int) else None, unit)
    return [found] if found else []


BLOCKS_SIGNING = "blocks signing"


def blocking_by_clause(definition: Definition, today: date) -> dict[str, list[str]]:
    """What signing would refuse (lint's errors), by the clause each is about, worded for the
    field: "blocks signing: contact sales is a tier 1 trigger and also earns 30 points…"."""
    found: dict[str, list[str]] = {}
    for finding in lint(definition, today=today):
        if finding.severity == "error":
            found.setdefault(finding.clause, []).append(f"{BLOCKS_SIGNING}: {finding.message}")
    return found


def blocking_at(blocking: Mapping[str, Sequence[str]], path: str) -> list[str]:
    """The refusals about the clause at `path`, or inside it (an item of a list field)."""
    return [
        said
        for clause, lines in blocking.items()
        if clause == path or clause.startswith(path + ".")
        for said in lines
    ]
