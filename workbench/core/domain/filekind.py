"""Which kind of workbench file a parsed TOML document is, told by its top-level keys.

A lead file handed over where a definition belongs (or a definition given as `--lead`, or
evidence.toml given as `--mapping`) fails validation on nearly every key: 7 to 16 "unknown
key" and "required" lines that hide the one fact that matters. `refuse_other_kind` turns
that into one line saying which kind was expected and which was found.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from workbench.core.domain.errors import InputError, Problem

Kind = Literal["definition", "lead", "evidence settings", "mapping"]

DESCRIBED: dict[Kind, str] = {
    "definition": "a definition file (slug, stage, [fit], [triggers], [[cases]]; "
    "DIR/<slug>/v<N>.toml)",
    "lead": "a lead file ([person], [company], [[activities]])",
    "evidence settings": "a lead-history settings file (leads = and activities = file paths; "
    "DIR/evidence.toml)",
    "mapping": "a column mapping file (preset, [leads], [activities], [values.<column>])",
}

_DEFINITION_KEYS = {"schema_version", "slug", "stage", "fit", "triggers", "sla", "cases"}
_LEAD_KEYS = {"person", "company", "activities", "history"}
_SETTINGS_KEYS = {"leads", "activities", "mapping"}
_MAPPING_KEYS = {"preset", "date_formats", "leads", "activities", "values"}


def kind_of(data: dict[str, Any]) -> Kind | None:
    """The kind the document looks like, or None when it looks like none of them."""
    keys = set(data)
    if len(keys & _DEFINITION_KEYS) >= 2:
        return "definition"
    if not keys:
        return None
    if keys <= _LEAD_KEYS and (
        isinstance(data.get("activities"), list)
        or isinstance(data.get("person"), dict)
        or isinstance(data.get("company"), dict)
    ):
        return "lead"
    if keys <= _SETTINGS_KEYS and (
        isinstance(data.get("leads"), str) or isinstance(data.get("activities"), str)
    ):
        return "evidence settings"
    if keys <= _MAPPING_KEYS and (
        keys & {"preset", "date_formats", "values"}
        or isinstance(data.get("leads"), dict)
        or isinstance(data.get("activities"), dict)
    ):
        return "mapping"
    return None


def refuse_other_kind(expected: Kind, data: dict[str, Any], path: Path) -> None:
    """Raise one located InputError when the document is plainly another kind of file."""
    found = kind_of(data)
    if found is not None and found != expected:
        raise InputError(
            [
                Problem(
                    f"expected {DESCRIBED[expected]}, but this is {DESCRIBED[found]}",
                    file=path,
                )
            ]
        )
