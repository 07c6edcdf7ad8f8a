"""The words the room reads: one place for every label the screen builds from the vocabulary.

A projector audience reads "demo request", "2 days ago", "tier 1" and "Enterprise: minimum
employees", not `demo_request`, `2`, `t1` or `segments.1.min_employees`. The front-ends take
their words from here so a vocabulary is never retyped (and never drifts) in the UI.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from workbench.core.domain.vocab import ACCOUNT_TRIGGER, ACTIVITY_KINDS, TIER_KEYS

if TYPE_CHECKING:
    from workbench.core.domain.definition import Definition
    from workbench.core.domain.lead import Activity
    from workbench.core.domain.suite import Flip

# Kinds whose words are not just the identifier with spaces.
_KIND_WORDS = {"chatbot_identified": "chatbot identified them"}

ACTIVITY_LABELS: dict[str, str] = {
    kind: _KIND_WORDS.get(kind, kind.replace("_", " ")) for kind in ACTIVITY_KINDS
}

# The last part of a clause path, in words. Anything not listed reads as itself, spaced.
_FIELD_WORDS = {
    "name": "name",
    "stage": "stage",
    "label": "label",
    "min_employees": "minimum employees",
    "max_employees": "maximum employees",
    "industries": "industries",
    "regions": "regions",
    "min_seniority": "minimum seniority",
    "excluded_personas": "excluded personas",
    "competitors": "competitors",
    "existing_customers": "existing customers",
    "route": "MQLs go to",
    "tier3": "tier 3 (score threshold)",
    "threshold": "score threshold",
    "window_days": "score window (days)",
    "half_life_days": "score half-life (days)",
    "resubmit_after_days": "fresh MQL after (days)",
    "inside_window_route": "inside the window, goes to",
    "enabled": "on or off",
    "min_low_intent_actions": "actions before review",
    "high_intent": "counts as high intent",
    "score_rule": "a score alone goes to review",
    "min_engaged_contacts": "engaged contacts needed",
    "target_accounts_only": "target accounts only",
    "quality_pct": "meet fit (%)",
    "monthly_volume": "MQLs per month",
    "notify_seconds": "notify within (s)",
    "required_fields": "every MQL has",
    "decide_within_hours": "accept/reject within (h)",
    "follow_up_touches": "follow-up touches",
    "follow_up_days": "follow-up within (days)",
    "rejection_reasons": "rejection reasons",
    "to": "escalate to",
    "after_minutes": "escalate after (min)",
    "reassign": "reassign the lead",
    "min_count": "at least",
    "within_days": "within days",
    "kind": "kind",
    "expect": "expectation",
}

_PART_WORDS = {
    "fit": "fit gate",
    "triggers": "",
    "scoring": "scoring",
    "recycling": "recycling",
    "review_rule": "review rule",
    "sla": "SLA",
    "marketing": "marketing",
    "sales": "sales",
    "escalation": "escalation",
}


def activity_label(kind: str) -> str:
    """'demo_request' → 'demo request'; an unknown kind reads as itself, spaced."""
    return ACTIVITY_LABELS.get(kind, kind.replace("_", " "))


def tier_name(tier: int | str) -> str:
    """1, 't1' or 'tier1' → 'tier 1'."""
    text = str(tier).removeprefix("tier").removeprefix("t")
    return f"tier {text}"


def trigger_label(key: str) -> str:
    """A response-time key or a verdict's trigger: a tier ('tier2' → 'tier 2'), an activity
    kind, or an account motion's facts ('account' → 'account-level intent'), in words."""
    if key == "content":  # framework.CONTENT_KEY: any content kind
        return "content-triggered"
    if key == ACCOUNT_TRIGGER:  # an account motion's facts, not an activity
        return "account-level intent"
    return tier_name(key) if key in TIER_KEYS else activity_label(key)


def days_ago(days: float) -> str:
    """0 → 'today', 1 → '1 day ago', 2 → '2 days ago', 0.5 → '0.5 days ago', and a lead
    from history's exact 128.353 → 'about 128 days ago': read aloud, not to the minute."""
    if days == 0:
        return "today"
    if float(days).is_integer():
        shown = int(days)
        return f"{shown} day ago" if shown == 1 else f"{shown} days ago"
    tenth = round(days, 1)
    if tenth >= 1:
        whole = round(days)
        return f"about {whole} day ago" if whole == 1 else f"about {whole} days ago"
    return f"{tenth:g} days ago" if tenth else "today"


def activity_phrase(kind: str, days: float = 0, count: int = 1) -> str:
    """One activity as read aloud: 'blog visit 3 days ago ×200'."""
    text = f"{activity_label(kind)} {days_ago(days)}"
    return text if count == 1 else f"{text} ×{count}"


def activities_phrase(activities: Sequence[Activity]) -> str:
    """A lead's activities as the room reads them: 'demo request today, pricing page view 3
    days ago ×2'; an activity with a date shows the date."""
    parts = []
    for activity in activities:
        if activity.days_ago is not None:
            parts.append(activity_phrase(activity.kind, activity.days_ago, activity.count))
        else:
            assert activity.at is not None
            when = f"on {activity.at:%Y-%m-%d %H:%M}"
            text = f"{activity_label(activity.kind)} {when}"
            parts.append(text if activity.count == 1 else f"{text} ×{activity.count}")
    return ", ".join(parts) or "none"


def clause_label(definition: Definition, path: str) -> str:
    """A clause path as the room would say it, with segment and motion names taken from the
    definition: 'segments.1.min_employees' or 'segments.enterprise.min_employees' →
    'Enterprise: minimum employees',
    'triggers.tier2.0.within_days' → 'tier 2 rule 1: within days'."""
    from workbench.core.domain.clauses import indexed_parts  # it imports the definition

    try:  # by id too, as verdicts, proposals and evidence name it: 'segments.smb.fit'
        parts = indexed_parts(definition, path)
    except ValueError:
        parts = path.split(".")
    owner = ""
    if len(parts) >= 2 and parts[0] in ("segments", "motions") and parts[1].isdigit():
        items = definition.segments if parts[0] == "segments" else definition.motions
        index = int(parts[1])
        if index < len(items):
            item = items[index]
            owner = item.label or item.id
        else:
            owner = f"{parts[0][:-1]} {index + 1}"
        parts = parts[2:]
    if parts[:1] == ["cases"] and len(parts) >= 2:
        words = f"case {parts[1]}" + (f": {_field(parts[-1])}" if len(parts) > 2 else "")
        return f"{owner}: {words}" if owner else words
    words = _words(parts)
    if owner:
        return f"{owner}: {words}" if words else owner
    return words[:1].upper() + words[1:]


def _field(part: str) -> str:
    if part in _FIELD_WORDS:
        return _FIELD_WORDS[part]
    if part in TIER_KEYS:
        return tier_name(part)
    return trigger_label(part)


_KEYED = {  # a table of values keyed by a kind or a tier, and how one of its keys reads
    "activity_points": "points for {what}",
    "seniority_points": "points for {what}",
    "response_minutes": "response time for {what}",
    "response_business_days": "response time for {what} (business days)",
}


def _words(parts: Sequence[str]) -> str:
    """'triggers.tier2.0.within_days' → 'tier 2 rule 1: within days'."""
    heads: list[str] = []
    tail = ""
    at = 0
    while at < len(parts):
        part = parts[at]
        last = at == len(parts) - 1
        if part in _KEYED and not last:
            what = _field(parts[at + 1])
            tail = _KEYED[part].format(what=what)
            at += 2
            continue
        if part in TIER_KEYS and not last and parts[at + 1].isdigit():
            heads.append(f"{tier_name(part)} rule {int(parts[at + 1]) + 1}")
            at += 2
            continue
        if last:
            tail = _field(part)
        elif part in _PART_WORDS:
            if _PART_WORDS[part]:
                heads.append(_PART_WORDS[part])
        else:
            heads.append(_field(part))
        at += 1
    if heads and tail:
        return f"{' '.join(heads)}: {tail}"
    return tail or " ".join(heads)


def _pass_fail(passing: bool | None) -> str:
    return "PASS" if passing else "FAIL"


def flip_words(flip: Flip) -> str:
    """'intern-demo-request PASS→FAIL (now mql → sdr, tier 1)'; a case added or removed:
    'added won-0042: FAIL (now nurture, expected mql)', 'removed intern-demo: was PASS
    (rejected)'."""
    if flip.added:
        wanted = "" if flip.now_passing else f", expected {flip.expected}"
        return f"added {flip.name}: {_pass_fail(flip.now_passing)} (now {flip.after}{wanted})"
    if flip.removed:
        wanted = "" if flip.was_passing else f", expected {flip.expected}"
        return f"removed {flip.name}: was {_pass_fail(flip.was_passing)} ({flip.before}{wanted})"
    before = _pass_fail(flip.was_passing)
    after = _pass_fail(flip.now_passing)
    return f"{flip.name} {before}→{after} (now {flip.after})"


def _flip_name(flip: Flip) -> str:
    """A flip by name only, when the line has no room for the verdict."""
    if flip.added:
        return f"added {flip.name}: {_pass_fail(flip.now_passing)}"
    if flip.removed:
        return f"removed {flip.name}: was {_pass_fail(flip.was_passing)}"
    return f"{flip.name} {'FAIL→PASS' if flip.now_passing else 'PASS→FAIL'}"


def flip_line(flips: Sequence[Flip], edited: str | None, width: int) -> str:
    """The status bar's flip line, at most `width` columns: the edit, then as many flips as
    fit in full, then how many more (ctrl+t lists them); cut with '…' only as a last resort.
    The cases added or removed come after the flips, in words of their own: "flipped" (or
    the edit's name) is said of the flips only."""
    if not flips:
        return ""
    flipped = [f for f in flips if not (f.added or f.removed)]
    came = [f for f in flips if f.added]
    went = [f for f in flips if f.removed]
    flips = [*flipped, *came, *went]
    # The case edited is the one that flipped: named once, "case X PASS→FAIL (now …)", not
    # "case X flipped X PASS→FAIL" (nor, counted, "case 1 case to FAIL").
    itself = edited is not None and all(
        edited in (f"case {f.name}", f"case {f.name}: expectation") for f in flipped
    )
    if not flipped:
        cause = ""
    else:
        cause = "case " if itself else f"{edited} flipped " if edited else "flipped "
    words = [flip_words(f) for f in flips]
    names = [_flip_name(f) for f in flips]
    candidates: list[str] = []
    for shown in range(len(flips), 0, -1):
        more = len(flips) - shown
        suffix = f" (+{more} more: ctrl+t)" if more else ""
        candidates.append(cause + " | ".join(words[:shown]) + suffix)
        candidates.append(cause + " | ".join(names[:shown]) + suffix)
    # Every case by name without the clause (a case's own expectation named the case twice
    # and left room for "1 case(s)"), then the clause and how many.
    candidates.append(" | ".join(names))
    failing = sum(1 for f in flipped if not f.now_passing)
    count = f"{len(flipped)} case{'' if len(flipped) == 1 else 's'}"
    # Which way they went: "flipped 10 cases" read the same after a size floor of 600 and
    # after setting it back to 50.
    if failing == len(flipped):
        way = " to FAIL"
    elif failing == 0:
        way = " to PASS"
    else:
        way = f" ({failing} to FAIL)"
    said = [f"{count}{way}"] if flipped else []
    said += [f"{len(came)} added"] if came else []
    said += [f"{len(went)} removed"] if went else []
    summary = ", ".join(said)
    if flipped and not itself:
        candidates.append(f"{cause}{summary}: ctrl+t lists them")
        candidates.append(f"{cause}{summary}: ctrl+t")
    candidates.append(f"{summary}: ctrl+t")
    candidates.append(
        f"{len(flips)} {'flipped' if len(flipped) == len(flips) else 'changed'}: ctrl+t"
    )
    for text in candidates:
        if len(text) <= width:
            return text
    return candidates[-1][: max(width - 1, 0)] + "…"
