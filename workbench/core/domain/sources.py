"""Lead source clauses: sources qualified apart, points by source, a threshold by source.

002: event lists, trade-show badge scans and cold lists are "separate lead sources with their
own qualification criteria"; MQL scoring is for inbound, engaged leads. 001 (calibration):
"not all sources are equal: consider source-weighted scoring or source-specific MQL
thresholds". A source is compared after trimming and lower-casing, the way the SQL engine's
`lower(trim(lead_source))` does, so "Trade Show " and "trade show" are one source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping


def source_form(value: str | None) -> str | None:
    """The form two sources are compared in; None for an unknown (absent or blank) source."""
    if value is None:
        return None
    form = value.strip().lower()
    return form or None


def check_sources(values: Iterable[str]) -> None:
    """A listed source says something, and says it once (case and spaces aside)."""
    seen: dict[str, str] = {}
    for value in values:
        form = source_form(value)
        if form is None:
            raise ValueError(
                f"an empty lead source {value!r} matches no lead; "
                "write the source as the CRM (or the mapping's [values.lead_source]) names it"
            )
        if form in seen:
            raise ValueError(
                f"lead source {value!r} repeats {seen[form]!r} "
                "(sources are compared ignoring case and surrounding spaces)"
            )
        seen[form] = value


def listed_source(values: Iterable[str], source: str | None) -> str | None:
    """The entry of `values` the lead's source matches, as the room wrote it, or None."""
    form = source_form(source)
    if form is None:
        return None
    for value in values:
        if source_form(value) == form:
            return value
    return None


def by_source(table: Mapping[str, int], source: str | None) -> tuple[str, int] | None:
    """(entry as written, its number) for the lead's source in a table keyed by source."""
    entry = listed_source(table, source)
    return None if entry is None else (entry, table[entry])


def normalized(table: Mapping[str, int]) -> dict[str, int]:
    """A table keyed by source in the compared form (validation keeps the forms distinct)."""
    return {form: value for key, value in table.items() if (form := source_form(key))}


# The words a CRM names 002's sources qualified apart with: Salesforce's "Trade Show" lead
# source, "Purchased List", "Rented List", "List Import", a badge scan, cold calls and emails.
# Whole words of the source, case aside, a plural too ("Trade Shows", "List Imports"). Not
# HubSpot's "Offline Sources": it holds API and integration forms, Salesforce sync and chat,
# where most inbound hand raises of such a portal land.
_APART_WORDS = (
    "trade show",
    "tradeshow",
    "badge",
    "badge scan",
    "booth",
    "event list",
    "list import",
    "list upload",
    "import",
    "imported",
    "purchased",
    "bought",
    "rented",
    "cold",
)
_APART = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in _APART_WORDS) + r")s?\b")


def named_apart(source: str | None) -> bool:
    """Named like a source 002 qualifies apart: an event list, a badge scan, a cold or bought
    list ("Event list imports, trade show badge scans, and cold outreach lists should be
    handled as separate lead sources"). A hint for the room, never a rule: the words are a
    CRM's, and only the room knows what its sources hold."""
    form = source_form(source)
    if form is None:
        return False
    return _APART.search(" ".join(re.findall(r"[a-z0-9]+", form))) is not None
