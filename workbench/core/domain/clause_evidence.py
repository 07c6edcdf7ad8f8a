"""Evidence travels with the clause: what data backs each criterion, kept in the file.

The framework's second requirement is that a definition be data-derived: "can you show the
data that supports each criterion?" A clause set from an accepted analysis proposal, or one
the room backs by hand, keeps its evidence in `Definition.evidence`, keyed by clause path. It
is part of the signed dump, so a signature covers the figure the room agreed on.

When the room edits a clause afterwards its evidence is kept but reads as stale: the figure
was measured for another value. Dropping it would lose what the argument started from (and a
reverted edit would bring nothing back); keeping it silently would claim a figure nobody
measured for the new value. Stale is computed from the file, never stored, so an edit writes
nothing extra while the room types and a value set back reads current again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ValidationError

from workbench.core.domain.clauses import clause_value, with_clause
from workbench.core.domain.definition import (
    ClauseEvidence,
    Definition,
    EvidenceBy,
    FitGate,
    Triggers,
)
from workbench.core.domain.errors import InputError, Problem
from workbench.core.domain.later import signed_dump
from workbench.core.domain.safe_text import printable

EvidenceState = Literal["current", "stale", "gone"]

# The tables a clause path may start with: identity, lifecycle, cases and the evidence itself
# are not criteria anyone backs with data.
# The list clauses where an empty list takes any value (the fit gate's allow-lists).
_ANY_WHEN_EMPTY = frozenset({"industries", "regions"})

CLAUSE_ROOTS = frozenset(
    {"fit", "triggers", "scoring", "recycling", "review_rule", "segments", "motions", "sla"}
)

# Fit clauses that are criteria drawn from who buys. Competitors and existing-customer
# handling are facts about the market, not findings from closed-won deals, and a window
# (exclude_activities_days) belongs to the clause it bounds.
_DATA_FIT = (
    "min_employees",
    "max_employees",
    "industries",
    "regions",
    "min_seniority",
    "excluded_personas",
    "exclude_titles",
    "exclude_email_domains",
    "exclude_activities",
    "score",
)


class ProposalLike(Protocol):
    """What `apply_proposal` reads from an analysis proposal (`evidence.analysis.Proposal`)."""

    @property
    def clause(self) -> str: ...
    @property
    def value(self) -> object: ...
    @property
    def summary(self) -> str: ...
    @property
    def wins_kept(self) -> int: ...
    @property
    def wins_total(self) -> int: ...
    @property
    def others_dropped(self) -> int: ...
    @property
    def others_total(self) -> int: ...
    @property
    def lift(self) -> float | None: ...
    @property
    def period(self) -> tuple[date, date]: ...
    @property
    def source(self) -> str: ...


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        # Without added fields at their defaults: a clause added to the model later must not
        # make every figure recorded before it read as stale.
        return signed_dump(value, mode="json")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def value_json(value: Any) -> str:
    """A clause value as canonical JSON: equal values give equal text, whatever their order
    of keys, so a saved and reloaded file compares the same."""
    return json.dumps(_plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def clause_key(definition: Definition, path: str) -> str | None:
    """`path` with a segment or motion index written as its id (ids survive a reorder), or
    None when no such clause exists: every step is a field of the model, an index into a
    list, a segment or motion id, or a key set in a table."""
    parts = path.split(".")
    if not path or parts[0] not in CLAUSE_ROOTS:
        return None
    value: Any = definition
    for at, part in enumerate(parts):
        if isinstance(value, BaseModel):
            if part not in type(value).model_fields:
                return None
            value = getattr(value, part)
        elif isinstance(value, list):
            ids = [getattr(item, "id", None) for item in value]
            if part in ids:
                value = value[ids.index(part)]
            elif part.isdigit() and int(part) < len(value):
                value = value[int(part)]
                if parts[at - 1] in ("segments", "motions"):
                    parts[at] = value.id
            else:
                return None
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return None
    return ".".join(parts)


def current_json(definition: Definition, path: str) -> str | None:
    """The clause's value now, as JSON; None when the clause is gone (a segment removed)."""
    if clause_key(definition, path) is None:
        return None
    return value_json(clause_value(definition, path))


def evidence_state(definition: Definition, path: str) -> EvidenceState:
    """current: the clause still holds the value the figure was for; stale: edited since;
    gone: the clause no longer exists."""
    now = current_json(definition, path)
    if now is None:
        return "gone"
    return "current" if now == definition.evidence[path].for_value else "stale"


def _bad_clause(path: str, field: str) -> InputError:
    roots = ", ".join(sorted(CLAUSE_ROOTS))
    return InputError(
        [
            Problem(
                f"no clause {printable(path, one_line=True)!r} in this definition; expected a "
                f"clause path under {roots}, such as fit.min_seniority or triggers.tier2.0",
                field=field,
            )
        ]
    )


def record_evidence(
    definition: Definition,
    clause: str,
    text: str,
    *,
    on: date,
    by: EvidenceBy = "hand",
    wins_kept: int | None = None,
    wins_total: int | None = None,
    others_dropped: int | None = None,
    others_total: int | None = None,
    lift: float | None = None,
    period: tuple[date, date] | None = None,
    source: str = "",
    field: str = "clause",
    review_quarter: str | None = None,
) -> Definition:
    """The definition with `clause`'s evidence set to `text` (and the counts behind it), for
    the clause's value as it stands. Replaces any earlier evidence for that clause: the
    latest figure is the one the room argues from. A bad clause or figure is an InputError."""
    path = clause_key(definition, clause)
    if path is None:
        raise _bad_clause(clause, field)
    try:
        evidence = ClauseEvidence(
            figure=text,
            for_value=value_json(clause_value(definition, path)),
            wins_kept=wins_kept,
            wins_total=wins_total,
            others_dropped=others_dropped,
            others_total=others_total,
            lift=lift,
            period_start=period[0] if period else None,
            period_end=period[1] if period else None,
            source=source.strip() or None,
            recorded_on=on,
            recorded_by=by,
            review_quarter=review_quarter,
        )
    except ValidationError as error:
        raise InputError(
            [
                Problem(f"evidence for {path}: {e['msg']}", field=".".join(map(str, e["loc"])))
                for e in error.errors()
            ]
        ) from None
    data = definition.model_dump()
    data["evidence"] = {**data.get("evidence", {}), path: evidence.model_dump()}
    return Definition.model_validate(data)


def draft_change(definition: Definition, proposal: ProposalLike) -> str:
    """What applying the proposal would take out of (or put into) the draft, in words: a
    list clause's removals first ("removes pricing inquiry; adds trial signup"), a value's
    old value ("it has director"). Empty when nothing would change."""
    from workbench.core.domain.phrases import activity_label

    try:
        current = clause_value(definition, proposal.clause)
    except (AttributeError, IndexError, KeyError, ValueError):
        return ""
    value = proposal.value
    # A segment's own triggers read as the main ones: `segments.smb.triggers.tier2`.
    parts = proposal.clause.split(".")
    if parts[-2:] == ["triggers", "tier2"] and isinstance(value, list):
        return _rules_change(current, value)
    if isinstance(current, list) and isinstance(value, list):
        words = activity_label if "triggers" in parts else str
        # Lists compare as the gate does: ignoring case ("FinTech" is "fintech").
        had = {str(v).casefold() for v in current}
        wanted = {str(v).casefold() for v in value}
        gone = [words(str(v)) for v in current if str(v).casefold() not in wanted]
        new = [words(str(v)) for v in value if str(v).casefold() not in had]
        if not current and new and parts[-1] in _ANY_WHEN_EMPTY:
            # An empty allow-list takes any value: "adds" read as widening what narrows it.
            return f"limits to {', '.join(new)} (was any)"
        said = [f"removes {', '.join(gone)}"] if gone else []
        said += [f"adds {', '.join(new)}"] if new else []
        return "; ".join(said)
    if current != value:
        return f"it has {'none' if current is None else current}"
    return ""


def _rules_change(current: Any, value: list[Any]) -> str:
    """Tier 2 rules by their kinds (a combination by all of its kinds, as `diff` keys them):
    the rules removed and added, and a kept rule whose count or window the proposal changes
    ("changes pricing page view to 3+ in 14 days"). A combination replaced by a count of the
    same kind is a removal and an addition: "changes case study view" hid that "with pricing
    page view in one session" was gone."""
    from workbench.core.domain.phrases import activity_label

    def named(key: str) -> str:
        kind, *together = key.split("#", 1)[0].split("+")
        alone = activity_label(kind)
        return f"{alone} with {' and '.join(map(activity_label, together))}" if together else alone

    had = {
        key: (rule.get("min_count"), rule.get("within_days"))
        for key, rule in tier2_keyed([r.model_dump() for r in current]).items()
    }
    wanted = {
        key: (rule.get("min_count"), rule.get("within_days"))
        for key, rule in tier2_keyed([r for r in value if isinstance(r, dict)]).items()
    }
    said = []
    gone = [named(k) for k in had if k not in wanted]
    new = [named(k) for k in wanted if k not in had]
    moved = [
        f"{named(k)} to {n}+ in {d} days"
        for k, (n, d) in wanted.items()
        if k in had and had[k] != (n, d)
    ]
    said += [f"removes {', '.join(gone)}"] if gone else []
    said += [f"adds {', '.join(new)}"] if new else []
    said += [f"changes {', '.join(moved)}"] if moved else []
    return "; ".join(said)


def _shared_table(definition: Definition, path: str) -> InputError | None:
    """A segment's or motion's clause under a table it does not have of its own any more
    (`segments.smb.fit.regions` once SMB uses the main fit gate), said as such."""
    parts = path.split(".")
    if len(parts) < 4 or parts[0] not in ("segments", "motions"):
        return None
    owners = definition.segments if parts[0] == "segments" else definition.motions
    owner = next((o for o in owners if o.id == parts[1]), None)
    if owner is None or getattr(owner, parts[2], True) is not None:
        return None
    label = owner.label or owner.id
    return InputError(
        [
            Problem(
                f"{label} uses the main {parts[2]} now, not its own: give it its own "
                f"{parts[2]} first (the {parts[0].capitalize()} step), then apply the proposal",
                field=path,
            )
        ]
    )


def apply_proposal(definition: Definition, proposal: ProposalLike, *, on: date) -> Definition:
    """The definition with the proposal's clause set to its value and the proposal's figure,
    counts, period and source recorded as that clause's evidence."""
    if clause_key(definition, proposal.clause) is None:
        raise _shared_table(definition, proposal.clause) or _bad_clause(proposal.clause, "clause")
    try:
        changed = with_clause(definition, proposal.clause, proposal.value)
    except ValidationError as error:
        raise InputError(
            [
                Problem(f"proposal for {proposal.clause}: {e['msg']}", field=proposal.clause)
                for e in error.errors()
            ]
        ) from None
    return record_evidence(
        changed,
        proposal.clause,
        proposal.summary,
        on=on,
        by="proposal",
        wins_kept=proposal.wins_kept,
        wins_total=proposal.wins_total,
        others_dropped=proposal.others_dropped,
        others_total=proposal.others_total,
        lift=proposal.lift,
        period=proposal.period,
        source=proposal.source,
    )


def forget_evidence(definition: Definition, clause: str) -> Definition:
    """The definition without `clause`'s evidence (the room withdraws a figure)."""
    data = definition.model_dump()
    data["evidence"] = {k: v for k, v in data.get("evidence", {}).items() if k != clause}
    return Definition.model_validate(data)


# --- in words --------------------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def shown_value(raw: str) -> str:
    """A stored clause value in a few words: `"director"` → director, lists joined."""
    value = json.loads(raw)
    if value is None:
        return "none"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return ", ".join(map(str, value)) or "none"
    return raw


def stale_words(measured: str, now: str, *, say_now: bool = True) -> str:
    """Why evidence is stale, in a few words: 'measured for director, the clause is now vp'.
    For a whole table of clauses (a review's note on the fit gate) or a list of tier 2 rules
    the values would be pages of JSON, so it names what changed instead: 'measured before
    industries, regions changed', 'measured before case study view+pricing page view
    changed'."""
    old, new = json.loads(measured), json.loads(now)
    if _rules(old) and _rules(new):
        # A list of rules (tier 2's): each named by its kinds, as `diff` keys them.
        if sorted(map(json.dumps, old)) == sorted(map(json.dumps, new)):
            return "measured before the rules' order changed"
        old, new = tier2_keyed(old), tier2_keyed(new)
    if isinstance(old, dict) and isinstance(new, dict):
        changed = [key for key in {**old, **new} if old.get(key) != new.get(key)]
        if changed:
            named = ", ".join(key.replace("_", " ") for key in changed[:4])
            if len(changed) > 4:
                named += f" and {len(changed) - 4} more"
            return f"measured before {named} changed"
        # Equal values written differently (1 and 1.0): the whole value, cut short.
    said = f"measured for {_short(measured)}"
    return f"{said}, the clause is now {_short(now)}" if say_now else said


def _rules(value: Any) -> bool:
    """A list of rules with a `kind` each (tier 2), which a stale note names rule by rule."""
    return isinstance(value, list) and all(
        isinstance(item, dict) and isinstance(item.get("kind"), str) for item in value
    )


def tier2_keyed(rules: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Tier 2 rules keyed by their kinds, 'case_study_view+pricing_page_view' for a
    combination, so a combination and a count of the same kind are two rules; a repeated key
    gets '#2', '#3', so nothing is silently merged. One keying for `diff`, a proposal's change
    and a stale note."""
    out: dict[str, dict[str, Any]] = {}
    for rule in rules:
        name = "+".join([str(rule.get("kind")), *(str(t) for t in rule.get("together") or [])])
        key, number = name, 2
        while key in out:
            key, number = f"{name}#{number}", number + 1
        out[key] = rule
    return out


def _short(raw: str) -> str:
    """`shown_value`, cut at 120 characters: a list of rules stays one readable line."""
    text = shown_value(raw)
    return text if len(text) <= 120 else text[:119] + "…"


def evidence_text(evidence: ClauseEvidence) -> str:
    """One evidence record in the room's words: figure, counts, period, data, who and when."""
    parts = [printable(evidence.figure, one_line=True)]
    counts = []
    # A proposal's figure already says "keeps 84% of wins (36 of 43), drops …": not twice.
    said = evidence.figure
    if (
        evidence.wins_kept is not None
        and evidence.wins_total is not None
        and f"({evidence.wins_kept} of {evidence.wins_total})" not in said
    ):
        counts.append(
            f"wins kept {evidence.wins_kept} of {evidence.wins_total} "
            f"({_pct(evidence.wins_kept, evidence.wins_total)})"
        )
    if (
        evidence.others_dropped is not None
        and evidence.others_total is not None
        and f"({evidence.others_dropped} of {evidence.others_total})" not in said
    ):
        counts.append(
            f"non-buyers dropped {evidence.others_dropped} of {evidence.others_total} "
            f"({_pct(evidence.others_dropped, evidence.others_total)})"
        )
    if evidence.lift is not None:
        counts.append(f"lift {evidence.lift:.1f}x")
    if counts:
        parts.append(", ".join(counts))
    if evidence.period_start or evidence.period_end:
        start = evidence.period_start.isoformat() if evidence.period_start else "…"
        end = evidence.period_end.isoformat() if evidence.period_end else "…"
        parts.append(f"{start} to {end}")
    if evidence.source:
        parts.append(f"from {printable(evidence.source, one_line=True)}")
    who = {
        "proposal": "an accepted proposal",
        "hand": "recorded by hand",
        "review": f"quarterly review {evidence.review_quarter or ''}".rstrip(),
    }[evidence.recorded_by]
    parts.append(f"{who}, {evidence.recorded_on.isoformat()}")
    return "; ".join(parts)


def evidence_line(definition: Definition, path: str) -> str:
    """`evidence_text`, with what became of the clause since: stale or gone."""
    evidence = definition.evidence[path]
    text = evidence_text(evidence)
    state = evidence_state(definition, path)
    if state == "stale":
        now = current_json(definition, path) or "null"
        text += f" — STALE: {stale_words(evidence.for_value, now)}"
    elif state == "gone":
        text += " — the clause no longer exists"
    return text


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + ".")


def evidence_lines(definition: Definition, prefix: str = "") -> list[str]:
    """'clause: evidence' for every clause at or under `prefix` (all when empty), file order."""
    return [
        f"{path}: {evidence_line(definition, path)}"
        for path in definition.evidence
        if not prefix or _under(path, prefix)
    ]


def other_evidence_lines(definition: Definition) -> list[str]:
    """Evidence for clauses outside the fit gate and the main triggers."""
    return [
        f"{path}: {evidence_line(definition, path)}"
        for path in definition.evidence
        if not (_under(path, "fit") or _under(path, "triggers"))
    ]


# --- which clauses want evidence ----------------------------------------------------------


def _fit_clauses(path: str, fit: FitGate) -> Iterator[str]:
    for name in _DATA_FIT:
        if getattr(fit, name) != FitGate.model_fields[name].get_default(call_default_factory=True):
            yield f"{path}.{name}"


def _trigger_clauses(path: str, triggers: Triggers) -> Iterator[str]:
    if triggers.tier1:
        yield f"{path}.tier1"
    for index in range(len(triggers.tier2)):
        yield f"{path}.tier2.{index}"
    if triggers.tier3:
        yield f"{path}.tier3"
    if triggers.tier4:
        yield f"{path}.tier4"


def _clause_tables(definition: Definition) -> dict[str, list[str]]:
    """Each rule set's fit gate and triggers (a segment's own under its own path, each once),
    with the criteria it sets: the clauses the data-derived requirement asks evidence for."""
    tables: dict[str, list[str]] = {}
    for owner in definition.owners():
        fit_path, fit = definition.owned(owner, "fit")
        trig_path, triggers = definition.owned(owner, "triggers")
        tables.setdefault(fit_path, list(_fit_clauses(fit_path, fit)))
        tables.setdefault(trig_path, list(_trigger_clauses(trig_path, triggers)))
    return tables


def data_clauses(definition: Definition) -> list[str]:
    """The fit and trigger criteria this definition sets, each once (a segment's own clause
    under its own path): the clauses the data-derived requirement asks evidence for."""
    return [path for paths in _clause_tables(definition).values() for path in paths]


def backed(definition: Definition, path: str) -> bool:
    """Is there evidence for `path`, for a table holding it (`triggers.tier2` backs rule 0),
    or for a part of it (`fit.score.threshold` backs `fit.score`)?"""
    return any(_under(path, key) or _under(key, path) for key in definition.evidence)


def unbacked(definition: Definition) -> list[str]:
    """The fit and trigger criteria with no evidence at all."""
    return [path for path in data_clauses(definition) if not backed(definition, path)]


def unbacked_words(definition: Definition) -> str:
    """`unbacked` grouped by the fit gate or triggers that hold each clause, one with none of
    its clauses backed said in a word: 'fit: min_employees, industries; segments.smb.fit (all
    9)'. One path per clause made 15 lines on a $10-30M definition's Sign-off step."""
    missing = set(unbacked(definition))
    said = []
    for table, paths in _clause_tables(definition).items():
        bare = [path.removeprefix(f"{table}.") for path in paths if path in missing]
        if not bare:
            continue
        if len(bare) == len(paths) > 1:
            said.append(f"{table} (all {len(paths)})")
        else:
            said.append(f"{table}: {', '.join(bare)}")
    return "; ".join(said)
