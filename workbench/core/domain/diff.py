"""Clause-level differences between two versions, in words a sales leader can read.

"fit gate: minimum company size 50 → 100", not a line diff of TOML. Each clause type has its
own wording: tier 2 rules, scoring points, response times, segments, motions, questions and
edge cases are matched by what they are about (kind, id, text, name), not by position, so
inserting one rule does not make every later rule look changed.

`diff()` is shared by `workbench diff` and the TUI's sign-off step, so both say the same.
Values in a `Change` are JSON-ready (from `model_dump(mode="json")`) for `--json`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from workbench.core.domain.clause_evidence import (
    current_json,
    evidence_state,
    stale_words,
    tier2_keyed,
)
from workbench.core.domain.definition import Definition
from workbench.core.domain.describe import format_minutes
from workbench.core.domain.errors import InputError, Problem

# Identity and lifecycle fields: they change with every version and are not clauses.
_IGNORED = {
    "version",
    "status",
    "supersedes",
    "created",
    "signoff",
    "partial_signoff",
    "schema_version",
}


@dataclass(frozen=True, slots=True)
class Change:
    """One clause that differs: its path in the file, both values, and a sentence."""

    clause: str
    before: Any
    after: Any
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "before": self.before,
            "after": self.after,
            "text": self.text,
        }


Fmt = Callable[[Any], str]
Kind = Literal["value", "flag", "set", "any", "map"]
# A handler for a clause that needs its own wording: (clause path, prefix, before, after).
Handler = Callable[[str, str, Any, Any], list["Change"]]


# --- formatting values ------------------------------------------------------------------


def _plain(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_plain(v)}" for k, v in value.items()) if value else "none"
    return str(value)


def _or(word: str, fmt: Fmt = _plain) -> Fmt:
    """A formatter that says `word` for None: 'no minimum' reads better than 'none'."""
    return lambda value: word if value is None else fmt(value)


def _unit(unit: str, none: str = "none") -> Fmt:
    return lambda value: none if value is None else f"{_plain(value)} {unit}"


def _list_or(empty: str) -> Fmt:
    return lambda value: ", ".join(map(str, value)) if value else empty


def _line(heading: str, label: str, rest: str) -> str:
    return f"{heading}: {label} {rest}" if label else f"{heading}: {rest}"


# --- field tables -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Field:
    """How one field of a clause reads when it changes.

    kind: "value" (a → b), "flag" (switched on/off), "set" (added/removed members),
    "any" (a list where empty means any: a → b when one side is empty, else like "set"),
    "map" (per key, `label` holds `{key}`). A `handler`, when set, words the change itself.
    """

    name: str
    label: str = ""
    kind: Kind = "value"
    fmt: Fmt = _plain
    heading: str | None = None
    handler: Handler | None = None


def _fields(
    path: str,
    prefix: str,
    heading: str,
    a: dict[str, Any],
    b: dict[str, Any],
    spec: tuple[_Field, ...],
) -> list[Change]:
    """Every differing field of one clause, in the table's order; unknown fields still show."""
    known = {field.name: field for field in spec}
    changes: list[Change] = []
    for name in dict.fromkeys([*known, *a, *b]):
        old, new = a.get(name), b.get(name)
        if old == new:
            continue
        field = known.get(name) or _unknown(name, prefix or heading)
        clause = f"{path}.{name}" if path else name
        if field.handler is not None:
            changes += field.handler(clause, prefix, old, new)
            continue
        changes += _field_change(
            clause, _heading(prefix, field.heading or heading), field, old, new
        )
    return changes


def _unknown(name: str, context: str) -> _Field:
    """A field this module has no wording for (added to the model later) still shows up."""
    words = name.replace("_", " ")
    return _Field(name, words) if context else _Field(name, heading=words)


def _heading(prefix: str, heading: str) -> str:
    """'segment smb: fit gate', or just 'segment smb' for the segment's own fields."""
    return f"{prefix}{heading}" if heading else prefix.removesuffix(": ")


def _field_change(clause: str, heading: str, field: _Field, old: Any, new: Any) -> list[Change]:
    kind = field.kind
    if kind == "any" and old and new:
        kind = "set"
    if kind == "flag":
        return [Change(clause, old, new, _line(heading, field.label, f"switched {_plain(new)}"))]
    if kind == "set" and isinstance(old, list) and isinstance(new, list):
        return [Change(clause, old, new, _line(heading, field.label, _members(old, new)))]
    if kind == "map" and isinstance(old, dict) and isinstance(new, dict):
        return _map(clause, heading, field, old, new)
    text = _line(heading, field.label, f"{field.fmt(old)} → {field.fmt(new)}")
    return [Change(clause, old, new, text)]


def _members(old: list[Any], new: list[Any]) -> str:
    added = [str(x) for x in new if x not in old]
    removed = [str(x) for x in old if x not in new]
    parts = []
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    return "; ".join(parts) if parts else "order changed"


def _map(
    clause: str, heading: str, field: _Field, old: dict[str, Any], new: dict[str, Any]
) -> list[Change]:
    """Per key: 'pricing_page_view points 10 → 15', or added/removed with the value."""
    changes = []
    for key in dict.fromkeys([*old, *new]):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        label = field.label.format(key=key)
        if key not in old:
            rest = f"added ({field.fmt(b)})"
        elif key not in new:
            rest = f"removed (was {field.fmt(a)})"
        else:
            rest = f"{field.fmt(a)} → {field.fmt(b)}"
        changes.append(Change(f"{clause}.{key}", a, b, _line(heading, label, rest)))
    return changes


# --- clauses ----------------------------------------------------------------------------


def _tier2_terms(rule: dict[str, Any]) -> str:
    together = rule.get("together") or []
    if together:
        sessions = "one session" if rule["min_count"] == 1 else f"{rule['min_count']}+ sessions"
        return (
            f"with {' and '.join(together)} in {sessions} within the last "
            f"{rule['within_days']} days"
        )
    return f"{rule['min_count']}+ times within the last {rule['within_days']} days"


def _by_key(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    """Items keyed by `key`; a repeated key gets '#2', '#3' so nothing is silently merged."""
    keyed: dict[str, dict[str, Any]] = {}
    for item in items:
        name = str(item.get(key))
        number = 2
        unique = name
        while unique in keyed:
            unique = f"{name}#{number}"
            number += 1
        keyed[unique] = item
    return keyed


def _tier2(path: str, prefix: str, old: Any, new: Any) -> list[Change]:
    """One sentence per rule: added, removed, or what now counts (count, window)."""
    heading = f"{prefix}tier 2"
    a, b = tier2_keyed(old or []), tier2_keyed(new or [])
    changes = []
    for kind in dict.fromkeys([*a, *b]):
        clause = f"{path}.{kind}"
        if kind not in a:
            changes.append(
                Change(clause, None, b[kind], f"{heading}: added {kind} {_tier2_terms(b[kind])}")
            )
        elif kind not in b:
            text = f"{heading}: removed {kind} (was {_tier2_terms(a[kind])})"
            changes.append(Change(clause, a[kind], None, text))
        else:
            changes += _tier2_changed(clause, heading, kind, a[kind], b[kind])
    if not changes and old != new:
        changes.append(Change(path, old, new, f"{heading}: order of rules changed"))
    return changes


def _tier2_changed(
    clause: str, heading: str, kind: str, a: dict[str, Any], b: dict[str, Any]
) -> list[Change]:
    changes = []
    if a["min_count"] != b["min_count"]:
        text = f"{heading}: {kind} now needs {b['min_count']}+ times (was {a['min_count']}+)"
        changes.append(Change(f"{clause}.min_count", a["min_count"], b["min_count"], text))
    if a["within_days"] != b["within_days"]:
        # "only" says a narrower window; a wider one counts more, and saying "only" of it
        # read as the opposite of the change.
        wider = b["within_days"] > a["within_days"]
        text = (
            f"{heading}: {kind} now counts {'' if wider else 'only '}in the last "
            f"{b['within_days']} days (was {a['within_days']}{': a longer window' if wider else ''})"
        )
        changes.append(Change(f"{clause}.within_days", a["within_days"], b["within_days"], text))
    return changes


def _bands(value: Any) -> str:
    """'200-∞ employees +10': a fit score's size bands as the room wrote them."""
    if not value:
        return "none"
    return ", ".join(
        f"{b.get('min_employees') or 0}-{b.get('max_employees') or '∞'} employees {b['points']:+d}"
        for b in value
    )


_FIT_SCORE = (
    _Field("threshold", "threshold"),
    _Field("seniority_points", "{key} seniority points", kind="map"),
    _Field("industry_points", "industry {key} points", kind="map"),
    _Field("email_domain_points", "e-mail domain {key} points", kind="map"),
    _Field("title_points", "title word {key} points", kind="map"),
    _Field("size_points", "size bands", fmt=_bands),
)


def _fit_score(path: str, prefix: str, old: Any, new: Any) -> list[Change]:
    return _optional(path, prefix, "fit score", old, new, _FIT_SCORE)


_FIT = (
    _Field("min_employees", "minimum company size", fmt=_or("no minimum")),
    _Field("max_employees", "maximum company size", fmt=_or("no maximum")),
    _Field("industries", "industries", kind="any", fmt=_list_or("any")),
    _Field("regions", "regions", kind="any", fmt=_list_or("any")),
    _Field("min_seniority", "minimum seniority", fmt=_or("any")),
    _Field("excluded_personas", "excluded personas", kind="set"),
    _Field("competitors", "competitors", kind="set"),
    _Field("existing_customers", "contacts at existing customers go to"),
    _Field("exclude_titles", "excluded title words", kind="set"),
    _Field("exclude_email_domains", "excluded e-mail domains", kind="set"),
    _Field("exclude_activities", "excluding activities", kind="set"),
    _Field("exclude_activities_days", "excluding activities count within", fmt=_unit("days")),
    _Field("score", handler=_fit_score),
    _Field("exclude_sources", "lead sources qualified apart", kind="set"),
)

_TRIGGERS = (
    _Field("route", "MQLs go to"),
    _Field("tier1", "", kind="set", heading="tier 1 (instant)"),
    _Field("tier2", handler=_tier2),
    _Field("tier3", "score threshold trigger", kind="flag", heading="tier 3"),
    _Field("tier4", "", kind="set", heading="tier 4 (sales-requested)"),
    _Field("within_days", "a hand raise counts for", fmt=_unit("days", none="ever")),
)

_SCORING = (
    _Field("threshold", "threshold"),
    _Field("window_days", "window", fmt=_unit("days", none="no window")),
    _Field("half_life_days", "points halve every", fmt=_unit("days", none="never")),
    _Field("activity_points", "{key} points", kind="map"),
    _Field("seniority_points", "{key} seniority points", kind="map"),
    _Field("source_points", "lead source {key} points", kind="map"),
    _Field("source_thresholds", "lead source {key} threshold", kind="map"),
)

_RECYCLING = (
    _Field("resubmit_after_days", "a new hand raise is a fresh MQL after", fmt=_unit("days")),
    _Field("inside_window_route", "a hand raise inside that window goes to"),
)

_REVIEW_RULE = (
    _Field("enabled", "suspicious-engagement review", kind="flag"),
    _Field(
        "min_low_intent_actions",
        "low-intent actions before manual review",
        fmt=_or("no count rule"),
    ),
    _Field("high_intent", "high-intent actions", kind="set"),
    _Field("route", "suspicious leads go to"),
    _Field(
        "high_intent_days",
        "a high-intent action counts for",
        fmt=_unit("days", none="ever since the last MQL"),
    ),
    _Field("score_rule", "a tier 3 score with no high-intent action reviewed", kind="flag"),
)

_MARKETING_SLA = (
    _Field("quality_pct", "MQLs meeting the fit criteria", fmt=lambda v: f"{v}%"),
    _Field("monthly_volume", "MQLs a month"),
    _Field("required_fields", "fields every MQL has", kind="set"),
    _Field("notify_seconds", "sales notified within", fmt=_unit("s")),
)

_RESPONSE = _Field("response_minutes", "response time for {key}", kind="map", fmt=format_minutes)

_RESPONSE_DAYS = _Field(
    "response_business_days",
    "response time for {key}",
    kind="map",
    fmt=lambda v: f"{v} business day" if v == 1 else f"{v} business days",
)

_SALES_SLA = (
    _RESPONSE,
    _RESPONSE_DAYS,
    _Field("decide_within_hours", "accept or reject within", fmt=_unit("h")),
    _Field("rejection_reasons", "rejection reasons", kind="set"),
    _Field("follow_up_touches", "follow-up touches"),
    _Field("follow_up_days", "follow-up within", fmt=_unit("days")),
)


def _after_deadline(value: Any) -> str:
    return f"{format_minutes(int(value))} after the deadline" if value else "at the deadline"


_ESCALATION = (
    _Field("to", "missed deadlines escalate to"),
    _Field("after_minutes", "escalation", fmt=_after_deadline),
    _Field("reassign", "reassigning the lead on escalation", kind="flag"),
)


def _fit(path: str, prefix: str, old: Any, new: Any) -> list[Change]:
    return _optional(path, prefix, "fit gate", old, new, _FIT)


def _triggers(path: str, prefix: str, old: Any, new: Any) -> list[Change]:
    return _optional(path, prefix, "triggers", old, new, _TRIGGERS)


def _scoring(path: str, prefix: str, old: Any, new: Any) -> list[Change]:
    return _optional(path, prefix, "scoring", old, new, _SCORING)


# (what is added or removed, what applies without it): inside a segment or motion, a
# missing clause falls back to the definition's own; at the top level only scoring is optional.
_OWN = {
    "fit gate": ("own fit gate", "the main fit gate applies"),
    "triggers": ("own triggers", "the main triggers apply"),
    "scoring": ("own scoring", "the main scoring applies"),
    "response times": ("own response times", "the main SLA response times apply"),
}
_TOP_OPTIONAL = {"scoring": ("point scoring", "")}


def _optional(
    path: str, prefix: str, heading: str, old: Any, new: Any, spec: tuple[_Field, ...]
) -> list[Change]:
    """A clause that may be absent: a segment's own fit gate, the scoring table."""
    what, fallback = (_OWN if prefix else _TOP_OPTIONAL).get(heading, (heading, ""))
    head = _heading(prefix, "" if prefix else heading)
    if old is None:
        return [Change(path, old, new, f"{head}: {what} added")]
    if new is None:
        rest = f" ({fallback})" if fallback else ""
        return [Change(path, old, new, f"{head}: {what} removed{rest}")]
    return _fields(path, prefix, heading, old, new, spec)


def _response_override(path: str, prefix: str, old: Any, new: Any) -> list[Change]:
    if old is None or new is None:
        return _optional(path, prefix, "response times", old, new, ())
    return _map(path, f"{prefix}SLA", _RESPONSE, old, new)


def _response_days_override(path: str, prefix: str, old: Any, new: Any) -> list[Change]:
    if old is None or new is None:
        return _optional(path, prefix, "response times in business days", old, new, ())
    return _map(path, f"{prefix}SLA", _RESPONSE_DAYS, old, new)


def _sla(path: str, prefix: str, old: Any, new: Any) -> list[Change]:
    heading = "SLA"
    changes = _fields(
        f"{path}.marketing", prefix, heading, old["marketing"], new["marketing"], _MARKETING_SLA
    )
    changes += _fields(f"{path}.sales", prefix, heading, old["sales"], new["sales"], _SALES_SLA)
    a, b = old.get("escalation"), new.get("escalation")
    clause = f"{path}.escalation"
    if a != b and a is None:
        text = f"{prefix}{heading}: escalation added ({_escalation_text(b)})"
        changes.append(Change(clause, a, b, text))
    elif a != b and b is None:
        text = f"{prefix}{heading}: escalation removed: a missed deadline has no consequence"
        changes.append(Change(clause, a, b, text))
    elif a != b:
        changes += _fields(clause, prefix, heading, a, b, _ESCALATION)
    return changes


def _escalation_text(escalation: dict[str, Any]) -> str:
    text = f"to {escalation['to']}"
    if escalation.get("after_minutes"):
        text += f" after {format_minutes(escalation['after_minutes'])}"
    return text + (", lead reassigned" if escalation.get("reassign") else "")


def _size(group: dict[str, Any]) -> str:
    low, high = group.get("min_employees"), group.get("max_employees")
    if low is None and high is None:
        return "any size"
    if high is None:
        return f"{low}+ employees"
    return f"{low or 0}-{high} employees"


_SEGMENT = (
    _Field("label", "label"),
    _Field("min_employees", "minimum company size", fmt=_or("no minimum")),
    _Field("max_employees", "maximum company size", fmt=_or("no maximum")),
    _Field("fit", handler=_fit),
    _Field("triggers", handler=_triggers),
    _Field("scoring", handler=_scoring),
    _Field("response_minutes", handler=_response_override),
    _Field("response_business_days", handler=_response_days_override),
)

_MOTION = (
    _Field("label", "label"),
    _Field("lead_type", "produces", fmt=lambda v: f"{str(v).upper()}s"),
    _Field("target_accounts_only", "target accounts only", kind="flag"),
    _Field("min_engaged_contacts", "engaged contacts needed at the account"),
    _Field("qualifies", "qualifies the", fmt=lambda v: f"{v}"),
    _Field("fit", handler=_fit),
    _Field("triggers", handler=_triggers),
    _Field("scoring", handler=_scoring),
    _Field("response_minutes", handler=_response_override),
    _Field("response_business_days", handler=_response_days_override),
)


def _groups(what: str, spec: tuple[_Field, ...]) -> Handler:
    """Segments or motions, matched by id; inside one, every clause reads as at top level."""

    def handler(path: str, prefix: str, old: Any, new: Any) -> list[Change]:
        a, b = _by_key(old or [], "id"), _by_key(new or [], "id")
        changes: list[Change] = []
        for key in dict.fromkeys([*a, *b]):
            clause = f"{path}.{key}"
            head = f"{prefix}{what} {key}"
            if key not in a:
                extra = f" ({_size(b[key])})" if what == "segment" else ""
                changes.append(Change(clause, None, b[key], f"{head}: added{extra}"))
            elif key not in b:
                changes.append(Change(clause, a[key], None, f"{head}: removed"))
            elif a[key] != b[key]:
                changes += _fields(clause, f"{head}: ", "", a[key], b[key], spec)
        return changes

    return handler


def _questions(path: str, prefix: str, old: Any, new: Any) -> list[Change]:
    """Questions matched by their text: added, removed, resolved, reopened, answered."""
    a, b = _by_key(old or [], "text"), _by_key(new or [], "text")
    changes: list[Change] = []
    for key in dict.fromkeys([*a, *b]):
        clause = f"{path}.{key}"
        if key not in a:
            state = " (already resolved)" if b[key].get("resolved") else ""
            changes.append(Change(clause, None, b[key], f"{prefix}question added{state}: {key}"))
        elif key not in b:
            changes.append(Change(clause, a[key], None, f"{prefix}question removed: {key}"))
        elif a[key] != b[key]:
            changes += _question_changed(clause, prefix, key, a[key], b[key])
    return changes


def _question_changed(
    clause: str, prefix: str, key: str, a: dict[str, Any], b: dict[str, Any]
) -> list[Change]:
    changes = []
    if a.get("resolved") != b.get("resolved"):
        if b.get("resolved"):
            answer = f" (answer: {b['answer']})" if b.get("answer") else ""
            text = f"{prefix}question resolved: {key}{answer}"
        else:
            text = f"{prefix}question reopened: {key}"
        changes.append(Change(f"{clause}.resolved", a.get("resolved"), b.get("resolved"), text))
    elif a.get("answer") != b.get("answer"):
        text = (
            f"{prefix}question {key}: answer {_plain(a.get('answer'))} → {_plain(b.get('answer'))}"
        )
        changes.append(Change(f"{clause}.answer", a.get("answer"), b.get("answer"), text))
    if a.get("raised_by") != b.get("raised_by"):
        text = (
            f"{prefix}question {key}: raised by {_plain(a.get('raised_by'))} → "
            f"{_plain(b.get('raised_by'))}"
        )
        changes.append(Change(f"{clause}.raised_by", a.get("raised_by"), b.get("raised_by"), text))
    return changes


def expectation_text(expect: dict[str, Any]) -> str:
    """'mql → sdr, tier 1': an expected outcome the way the room says it."""
    text = str(expect["status"])
    if expect.get("route"):
        text += f" → {expect['route']}"
    for field in ("tier", "lead_type", "segment"):
        if expect.get(field) is not None:
            text += f", {field.replace('_', ' ')} {expect[field]}"
    return text


def _cases(path: str, prefix: str, old: Any, new: Any) -> list[Change]:
    """Edge cases matched by name: added, removed, expected outcome, why, the lead."""
    a, b = _by_key(old or [], "name"), _by_key(new or [], "name")
    changes: list[Change] = []
    for name in dict.fromkeys([*a, *b]):
        clause = f"{path}.{name}"
        head = f"{prefix}edge case {name}"
        if name not in a:
            text = f"{head}: added (expected {expectation_text(b[name]['expect'])})"
            changes.append(Change(clause, None, b[name], text))
        elif name not in b:
            text = f"{head}: removed (was expected {expectation_text(a[name]['expect'])})"
            changes.append(Change(clause, a[name], None, text))
        elif a[name] != b[name]:
            changes += _case_changed(clause, head, a[name], b[name])
    return changes


def _case_changed(clause: str, head: str, a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    changes = []
    if a["expect"] != b["expect"]:
        changes.append(
            Change(
                f"{clause}.expect",
                a["expect"],
                b["expect"],
                f"{head}: {_expect_change(a['expect'], b['expect'])}",
            )
        )
    if a.get("why") != b.get("why"):
        text = f"{head}: why changed from “{a.get('why') or ''}” to “{b.get('why') or ''}”"
        changes.append(Change(f"{clause}.why", a.get("why"), b.get("why"), text))
    if a.get("depends") != b.get("depends"):
        text = f"{head}: {'now' if b.get('depends') else 'no longer'} marked 'depends'"
        changes.append(Change(f"{clause}.depends", a.get("depends"), b.get("depends"), text))
    if a.get("lead") != b.get("lead"):
        changes += _lead_changed(f"{clause}.lead", head, a["lead"], b["lead"])
    return changes


def _expect_change(a: dict[str, Any], b: dict[str, Any]) -> str:
    """'expected rejected → rejected, route changed marketing-leadership → marketing'."""
    text = f"expected {a['status']} → {b['status']}"
    for field in ("route", "tier", "lead_type", "segment"):
        if a.get(field) != b.get(field):
            label = field.replace("_", " ")
            text += f", {label} changed {_or('any')(a.get(field))} → {_or('any')(b.get(field))}"
    return text


def _activity(activity: dict[str, Any]) -> str:
    when = (
        f"{_plain(activity['days_ago'])} days ago"
        if activity.get("days_ago") is not None
        else f"at {activity.get('at')}"
    )
    count = f" ×{activity['count']}" if activity.get("count", 1) != 1 else ""
    return f"{activity['kind']}{count} {when}"


def _lead_changed(clause: str, head: str, a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    """The scenario itself changed: 'lead company employees 10 → 20'."""
    changes = []
    for section in dict.fromkeys([*a, *b]):
        old, new = a.get(section), b.get(section)
        if old == new:
            continue
        path = f"{clause}.{section}"
        if section == "activities":
            fmt: Fmt = _list_or("none")
            before = [_activity(x) for x in old or []]
            after = [_activity(x) for x in new or []]
            text = f"{head}: lead activities {fmt(before)} → {fmt(after)}"
            changes.append(Change(path, old, new, text))
        elif isinstance(old, dict) and isinstance(new, dict):
            for key in dict.fromkeys([*old, *new]):
                if old.get(key) != new.get(key):
                    text = (
                        f"{head}: lead {section} {key.replace('_', ' ')} "
                        f"{_plain(old.get(key))} → {_plain(new.get(key))}"
                    )
                    changes.append(Change(f"{path}.{key}", old.get(key), new.get(key), text))
        else:
            text = f"{head}: lead {section} {_plain(old)} → {_plain(new)}"
            changes.append(Change(path, old, new, text))
    return changes


def _section(heading: str, spec: tuple[_Field, ...]) -> Handler:
    """A plain clause (recycling, review rule): its fields under one heading."""
    return lambda path, prefix, a, b: _fields(path, prefix, heading, a or {}, b or {}, spec)


def _evidence(path: str, prefix: str, old: Any, new: Any) -> list[Change]:
    """Evidence per clause: recorded, withdrawn, or a new figure (issue 14)."""
    a, b = old or {}, new or {}
    changes: list[Change] = []
    for clause in dict.fromkeys([*a, *b]):
        key = f"{path}.{clause}"
        head = f"{prefix}evidence for {clause}"
        if clause not in a:
            changes.append(Change(key, None, b[clause], f"{head}: {b[clause]['figure']}"))
        elif clause not in b:
            text = f"{head}: withdrawn (was {a[clause]['figure']})"
            changes.append(Change(key, a[clause], None, text))
        elif a[clause] != b[clause]:
            was, now = a[clause]["figure"], b[clause]["figure"]
            text = (
                f"{head}: {was} → {now}"
                if was != now
                else f"{head}: recorded again ({now}), with other counts, period or data"
            )
            changes.append(Change(key, a[clause], b[clause], text))
    return changes


def _beside(changes: list[Change]) -> list[Change]:
    """Each evidence change right after the change to the clause it backs, if any."""
    placed = [c for c in changes if not c.clause.startswith("evidence.")]
    for change in changes:
        if not change.clause.startswith("evidence."):
            continue
        backs = change.clause.removeprefix("evidence.")
        near = [
            at
            for at, other in enumerate(placed)
            if not other.clause.startswith("evidence.")
            and (_within(other.clause, backs) or _within(backs, other.clause))
        ]
        placed.insert(near[-1] + 1 if near else len(placed), change)
    return placed


def _within(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + ".")


_TOP = (
    _Field("name", heading="name"),
    _Field("slug", heading="slug"),
    _Field("stage", heading="stage"),
    _Field("fit", handler=_fit),
    _Field("triggers", handler=_triggers),
    _Field("scoring", handler=_scoring),
    _Field("recycling", handler=_section("recycling", _RECYCLING)),
    _Field("review_rule", handler=_section("review rule", _REVIEW_RULE)),
    _Field("segments", handler=_groups("segment", _SEGMENT)),
    _Field("motions", handler=_groups("motion", _MOTION)),
    _Field("sla", handler=_sla),
    _Field("questions", handler=_questions),
    _Field("cases", handler=_cases),
    _Field("evidence", handler=_evidence),
)


def diff(old: Definition, new: Definition) -> list[Change]:
    """Every clause that differs, in file order, oldest value first.

    Identity and lifecycle fields (version, status, supersedes, created, signoff) are not
    clauses: a new version always changes them, and `headline()` states them once.
    """
    before = {k: v for k, v in old.model_dump(mode="json").items() if k not in _IGNORED}
    after = {k: v for k, v in new.model_dump(mode="json").items() if k not in _IGNORED}
    changes = _fields("", "", "", before, after, _TOP)
    recorded = {
        c.clause.removeprefix("evidence.") for c in changes if c.clause.startswith("evidence.")
    }
    return _beside([_with_evidence(new, c, recorded) for c in changes])


def _with_evidence(new: Definition, change: Change, recorded: set[str]) -> Change:
    """A changed clause that has evidence in the new version says what it is, or that it was
    measured for another value: a reviewer sees the data beside the change it backs.

    When the same diff records that evidence (`recorded`: the clauses whose evidence changed),
    the evidence line placed right after the change already says the figure; saying it on the
    clause's line too printed every review figure twice."""
    evidence = new.evidence.get(change.clause)
    if evidence is None:
        return change
    if evidence_state(new, change.clause) == "current":
        if change.clause in recorded:
            return change
        note = f" (evidence: {evidence.figure})"
    else:
        now = current_json(new, change.clause) or "null"
        # The change's own line says the new value; a table of clauses names what changed.
        note = f" (its evidence is stale: {stale_words(evidence.for_value, now, say_now=False)})"
    return replace(change, text=change.text + note)


def version_label(definition: Definition, integrity: str | None = None) -> str:
    """'v2 (signed)', or 'v2 (signed, ALTERED)' when the content no longer matches its hash."""
    state = definition.status + (", ALTERED" if integrity == "altered" else "")
    return f"v{definition.version} ({state})"


def headline(
    old: Definition,
    new: Definition,
    old_integrity: str | None = None,
    new_integrity: str | None = None,
) -> str:
    """'acme-inbound v1 (signed) → v2 (draft)': what is compared, stated once."""
    return f"{new.slug} {version_label(old, old_integrity)} → {version_label(new, new_integrity)}"


def signoff_changes(old: Definition, new: Definition) -> list[str]:
    """Between two signed versions, what the sign-off itself changed: the review date and
    each side's signer ('sales: Sam Ortiz, VP Sales → Sam Ortiz, CRO'). Not clauses, but
    what the room reads when it asks who agreed to what, and until when."""
    before, after = old.signoff or old.partial_signoff, new.signoff or new.partial_signoff
    if before is None or after is None:
        return []
    lines = []
    if before.review_date != after.review_date:
        lines.append(f"review date: {before.review_date} → {after.review_date}")
    for side in ("marketing", "sales"):
        a, b = getattr(before, side), getattr(after, side)
        was = f"{a.name}, {a.role}" if a is not None else "not signed"
        now = f"{b.name}, {b.role}" if b is not None else "not signed"
        if was != now:
            lines.append(f"{side}: {was} → {now}")
    return lines


def check_comparable(old: Definition, new: Definition, old_path: Path, new_path: Path) -> None:
    """Refuse a diff between two definitions: every clause would differ, which says nothing."""
    if old.slug != new.slug:
        raise InputError(
            [
                Problem(
                    f"is {old.slug} but {new_path} is {new.slug}; a diff compares two versions "
                    "of the same definition",
                    file=old_path,
                )
            ]
        )
