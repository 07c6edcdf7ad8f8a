"""Clause-level differences between two versions, in words a sales leader can read.

"fit gate: minimum company size 50 → 100", not a line diff of TOML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.core.definition import Definition

_IGNORED = {"version", "status", "supersedes", "created", "signoff", "schema_version"}

_SECTION = {
    "fit": "fit gate",
    "triggers": "triggers",
    "scoring": "scoring",
    "recycling": "recycling",
    "review_rule": "review rule",
    "sla": "SLA",
    "name": "name",
    "slug": "slug",
    "stage": "stage",
}

_LABELS = {
    "fit.min_employees": "minimum company size",
    "fit.max_employees": "maximum company size",
    "fit.min_seniority": "minimum seniority",
    "fit.excluded_personas": "excluded personas",
    "fit.existing_customers": "existing customers go to",
    "triggers.tier1": "tier 1 (instant) triggers",
    "triggers.tier3": "tier 3 score trigger",
    "triggers.tier4": "tier 4 (sales-requested) triggers",
    "triggers.route": "MQLs go to",
    "recycling.resubmit_after_days": "resubmit window (days)",
    "review_rule.min_low_intent_actions": "actions before manual review",
}


@dataclass(frozen=True, slots=True)
class Change:
    clause: str
    before: Any
    after: Any
    text: str


def _fmt(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v) for v in value) + "]" if value else "none"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_fmt(v)}" for k, v in value.items()) + "}"
    return str(value)


def _label(path: str) -> str:
    head = path.split(".", 1)[0]
    section = _SECTION.get(head, head)
    if path in _LABELS:
        return f"{section}: {_LABELS[path]}"
    rest = path[len(head) + 1 :] if "." in path else ""
    return f"{section}: {rest.replace('_', ' ').replace('.', ' ')}" if rest else section


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    else:
        out[prefix] = value


def _keyed(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {str(item[key]): item for item in items}


def diff(old: Definition, new: Definition) -> list[Change]:
    """Every clause that differs, oldest value first; cases, segments, motions matched by name."""
    before = old.model_dump(mode="json")
    after = new.model_dump(mode="json")
    changes: list[Change] = []
    keyed = {"cases": "name", "segments": "id", "motions": "id", "questions": "text"}
    for top in dict.fromkeys([*before, *after]):
        if top in _IGNORED:
            continue
        if top in keyed:
            changes += _diff_keyed(top, before.get(top) or [], after.get(top) or [], keyed[top])
            continue
        flat_old: dict[str, Any] = {}
        flat_new: dict[str, Any] = {}
        _flatten(before.get(top), top, flat_old)
        _flatten(after.get(top), top, flat_new)
        for path in dict.fromkeys([*flat_old, *flat_new]):
            a, b = flat_old.get(path), flat_new.get(path)
            if a == b:
                continue
            changes.append(Change(path, a, b, _sentence(path, a, b)))
    return changes


def _sentence(path: str, a: Any, b: Any) -> str:
    label = _label(path)
    if isinstance(a, list) and isinstance(b, list) and all(not isinstance(x, dict) for x in a + b):
        added = [x for x in b if x not in a]
        removed = [x for x in a if x not in b]
        parts = []
        if added:
            parts.append("added " + ", ".join(map(str, added)))
        if removed:
            parts.append("removed " + ", ".join(map(str, removed)))
        if parts:
            return f"{label}: {'; '.join(parts)}"
    if path.startswith("triggers.tier2") and isinstance(a, list) and isinstance(b, list):
        return f"{label}: {_tier2(a)} → {_tier2(b)}"
    return f"{label} {_fmt(a)} → {_fmt(b)}"


def _tier2(rules: list[dict[str, Any]]) -> str:
    if not rules:
        return "none"
    return "; ".join(f"{r['kind']} {r['min_count']}+ in {r['within_days']} days" for r in rules)


def _diff_keyed(
    top: str, old: list[dict[str, Any]], new: list[dict[str, Any]], key: str
) -> list[Change]:
    what = {
        "cases": "edge case",
        "segments": "segment",
        "motions": "motion",
        "questions": "question",
    }[top]
    a, b = _keyed(old, key), _keyed(new, key)
    changes = []
    for name in dict.fromkeys([*a, *b]):
        if name not in a:
            changes.append(Change(f"{top}.{name}", None, b[name], f"{what} {name}: added"))
        elif name not in b:
            changes.append(Change(f"{top}.{name}", a[name], None, f"{what} {name}: removed"))
        elif a[name] != b[name]:
            flat_a: dict[str, Any] = {}
            flat_b: dict[str, Any] = {}
            _flatten(a[name], "", flat_a)
            _flatten(b[name], "", flat_b)
            for path in dict.fromkeys([*flat_a, *flat_b]):
                if flat_a.get(path) != flat_b.get(path):
                    label = path.replace("_", " ").replace(".", " ")
                    changes.append(
                        Change(
                            f"{top}.{name}.{path}",
                            flat_a.get(path),
                            flat_b.get(path),
                            f"{what} {name}: {label} {_fmt(flat_a.get(path))} → "
                            f"{_fmt(flat_b.get(path))}",
                        )
                    )
    return changes
