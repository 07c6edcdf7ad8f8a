"""Risky values, warned where they are typed: the value is accepted, the room is told why
it may regret it. Lint finds the same things in a file; these say it at the field.

- a review date more than two quarters out (lint's REVIEW_MAX_DAYS);
- a region or industry that the folder's lead history never uses (with the values it has);
- a response time slower than the framework's table (templates.RESPONSE_MINUTES).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from workbench.core.domain.clauses import clause_value
from workbench.core.domain.definition import Definition
from workbench.core.domain.lint import REVIEW_MAX_DAYS
from workbench.core.domain.phrases import trigger_label
from workbench.core.domain.templates import RESPONSE_MINUTES

# A fit clause's list field and the lead-history column its values are matched against.
HISTORY_COLUMNS = {"industries": "industry", "regions": "region"}
_SHOWN = 8  # values of the history offered in a warning, at most


def review_date_warning(due: date, today: date) -> str | None:
    """More than two quarters out: calibrate at least quarterly."""
    days = (due - today).days
    if days > REVIEW_MAX_DAYS:
        return (
            f"{days} days out, more than two quarters: review at least quarterly "
            f"(at most {REVIEW_MAX_DAYS} days)"
        )
    return None


def response_time_warning(key: str, minutes: int | None) -> str | None:
    """Slower than the framework's table for this trigger (demo < 5 min, tier 3 < 4 h)."""
    limit = RESPONSE_MINUTES.get(key)
    if minutes is None or limit is None or minutes <= limit:
        return None
    return f"slower than the framework's {limit} min for {trigger_label(key)}"


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
    return clause_warnings(path, value, history)


def clause_warnings(
    path: str, value: Any, history: Mapping[str, Sequence[str]] | None
) -> list[str]:
    """The warnings for the value a clause path now holds; `history` maps a leads column
    (industry, region) to its distinct values, or is None when no history is loaded."""
    parts = path.split(".")
    last = parts[-1]
    found: str | None = None
    if last in HISTORY_COLUMNS and any(p == "fit" for p in parts):
        column = HISTORY_COLUMNS[last]
        known = None if history is None else history.get(column)
        found = unused_values_warning(list(value or []), known, column)
    elif len(parts) >= 2 and parts[-2] == "response_minutes":
        found = response_time_warning(last, value if isinstance(value, int) else None)
    return [found] if found else []
