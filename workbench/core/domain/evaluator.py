"""The evaluator: a pure function of (definition, lead, as-of time) to a verdict.

Order of decision, following the framework's template:
1. automatic disqualifiers (competitors) and account routing (existing customers);
2. the rule set that applies (the definition itself, a segment chosen by size, or each motion);
3. the fit gate: excluded personas, then size, industry, region, seniority;
4. triggers on activity since the last MQL: tier 1 and 4 instantly, tier 2 within its recency
   window, then an account motion's account facts (tier 2), tier 3 by score unless the review
   rule calls the engagement suspicious;
5. recycling: a hand raise inside the resubmit window goes to whoever owns the first MQL.
Every rule lives here so the TUI, the CLI and the backtest all apply the same one.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from workbench.core.domain.definition import (
    Definition,
    FitGate,
    Motion,
    Scoring,
    Segment,
    Tier2Rule,
    Triggers,
)
from workbench.core.domain.framework import merge_response, response_for
from workbench.core.domain.lead import Activity, Lead
from workbench.core.domain.matching import (
    domain_matches,
    email_domain,
    lowered,
    padded_title,
    title_matches,
)
from workbench.core.domain.sources import by_source, listed_source
from workbench.core.domain.verdict import Reason, Verdict
from workbench.core.domain.vocab import ACCOUNT_TRIGGER, seniority_rank

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# Lower is stronger: with several motions, the most decisive verdict wins.
_STATUS_RANK = {"mql": 0, "routed": 1, "review": 2, "rejected": 3, "nurture": 4}
# A decayed score is a sum of floats, and two engines (this one, the backtest's SQL) add them in
# different orders; a score within a billionth of the threshold reaches it in both.
SCORE_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The clauses that apply to one lead once a segment or motion is chosen."""

    path: str
    fit: FitGate
    fit_path: str
    triggers: Triggers
    triggers_path: str
    scoring: Scoring | None
    scoring_path: str
    response_minutes: dict[str, int]
    response_business_days: dict[str, int] = field(default_factory=dict)
    lead_type: str = "mql"
    segment: str | None = None
    motion: str | None = None
    # A motion's account conditions, named in an AQL's reasons (the facts that made it).
    target_accounts_only: bool = False
    min_engaged_contacts: int = 0
    # A motion that qualifies the account: firmographic fit only, and account-level intent.
    qualifies_account: bool = False
    # Lower-cased once per definition, not once per lead.
    industries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    competitors: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Prepared:
    """A definition with its rule sets built once, for evaluating many leads in a row."""

    definition: Definition
    base: RuleSet
    segments: tuple[tuple[int | None, int | None, RuleSet], ...]
    motions: tuple[tuple[Motion, RuleSet], ...]


def _rule_set(
    definition: Definition, owner: Segment | Motion | None, **stamp: str | bool | int | None
) -> RuleSet:
    """A segment's or motion's rules (or the definition's own, for None), each clause chosen
    by the one rule `Definition.owned` states: its own where it has one, else the main one."""
    fit_path, fit = definition.owned(owner, "fit")
    if isinstance(owner, Motion) and owner.qualifies_account:
        fit = fit.for_account()
    triggers_path, triggers = definition.owned(owner, "triggers")
    scoring_path, scoring = definition.owned(owner, "scoring")
    response_minutes, response_days = merge_response(
        definition.sla.sales.response_minutes,
        definition.sla.sales.response_business_days,
        owner.response_minutes if owner is not None else None,
        owner.response_business_days if owner is not None else None,
    )
    return RuleSet(
        path=""
        if owner is None
        else f"{'segments' if isinstance(owner, Segment) else 'motions'}.{owner.id}",
        fit=fit,
        fit_path=fit_path,
        triggers=triggers,
        triggers_path=triggers_path,
        scoring=scoring,
        scoring_path=scoring_path,
        response_minutes=response_minutes,
        response_business_days=response_days,
        industries=lowered(fit.industries),
        regions=lowered(fit.regions),
        competitors=lowered(fit.competitors),
        **stamp,  # type: ignore[arg-type]
    )


def prepare(definition: Definition) -> Prepared:
    """Build every rule set of a definition once; `run_suite` and the backtest reuse it."""
    base = _rule_set(definition, None)
    segments = tuple(
        (
            segment.min_employees,
            segment.max_employees,
            _rule_set(definition, segment, segment=segment.id),
        )
        for segment in definition.segments
    )
    motions = tuple(
        (
            motion,
            _rule_set(
                definition,
                motion,
                lead_type=motion.lead_type,
                motion=motion.id,
                target_accounts_only=motion.target_accounts_only,
                min_engaged_contacts=motion.min_engaged_contacts,
                qualifies_account=motion.qualifies_account,
            ),
        )
        for motion in definition.motions
    )
    return Prepared(definition, base, segments, motions)


def evaluate(definition: Definition, lead: Lead, as_of: datetime | None = None) -> Verdict:
    """Decide what a lead is under a definition; never raises on a valid lead."""
    return evaluate_prepared(prepare(definition), lead, as_of)


def evaluate_prepared(prepared: Prepared, lead: Lead, as_of: datetime | None = None) -> Verdict:
    """`evaluate` for a definition already prepared: the same verdict, less setup per lead."""
    moment = as_of or _EPOCH
    definition = prepared.definition
    raising = _raising(prepared, lead)
    disqualified = _disqualify(prepared.base, lead, moment, raising)
    if disqualified is not None:
        return disqualified
    candidates = _rule_sets(prepared, lead)
    if isinstance(candidates, Verdict):
        return candidates
    best: Verdict | None = None
    for rules in candidates:
        verdict = _evaluate_rules(definition, rules, lead, moment, raising)
        if rules.fit.score is not None and verdict.fit_score is None:
            verdict = replace(verdict, fit_score=fit_score(rules.fit, lead)[0])
        if best is None or _STATUS_RANK[verdict.status] < _STATUS_RANK[best.status]:
            best = verdict
    assert best is not None
    return best


def _disqualify(
    rules: RuleSet, lead: Lead, as_of: datetime | None = None, raising: Sequence[Triggers] = ()
) -> Verdict | None:
    """Competitors and existing customers, judged by one rule set's fit gate. With
    `existing_customers = "account-owner-on-hand-raise"`, a customer's contact who raised a
    hand (001: "fills demo form") is an expansion signal for the account owner, and one who
    only read or browsed raised nothing to hand over and stays in nurture; with
    "account-owner" (files signed before that reading), every such contact goes to the owner.
    `raising`: the triggers whose hand raises count (every rule set's)."""
    fit = rules.fit
    path = rules.fit_path
    company = lead.company
    matched = _competitor_match(rules.competitors, lead)
    if matched is not None or company.relationship == "competitor":
        who = (
            matched or f"{company.domain or company.name or 'this company'} is marked a competitor"
        )
        return Verdict(
            status="rejected",
            route="marketing-leadership",
            reasons=(
                Reason(
                    f"{path}.competitors",
                    f"{who}: automatic disqualification, marketing leadership reviews it.",
                ),
            ),
        )
    if company.relationship != "customer" or fit.existing_customers == "prospect":
        return None
    clause = f"{path}.existing_customers"
    if fit.existing_customers == "account-owner":
        return _to_owner(
            clause,
            "The company is an existing customer: an expansion signal for the account owner, "
            "not a new MQL.",
        )
    raised = _customer_hand_raise(raising or (rules.triggers,), lead, as_of or _EPOCH)
    if raised is None:
        return Verdict(
            status="nurture",
            route="nurture",
            reasons=(
                Reason(
                    clause,
                    "The company is an existing customer, and this contact raised no hand: "
                    "nothing for the account owner yet. A hand raise would go to them as an "
                    "expansion signal.",
                ),
            ),
        )
    kind, age = raised
    return _to_owner(
        clause,
        f"The company is an existing customer and {kind} {_when(age)} is a hand raise: an "
        "expansion signal for the account owner, not a new MQL.",
    )


def _to_owner(clause: str, why: str) -> Verdict:
    return Verdict(status="routed", route="account-owner", reasons=(Reason(clause, why),))


def _customer_hand_raise(
    raising: Sequence[Triggers], lead: Lead, as_of: datetime
) -> tuple[str, float] | None:
    """The latest hand raise (a tier 1 or tier 4 kind of any rule set given: a product-led
    motion's usage limit is a customer's hand raise too) inside that rule set's window."""
    latest: tuple[str, float] | None = None
    for activity in lead.activities:
        age = activity.age_days(as_of)
        if age < 0:
            continue
        fresh = any(
            activity.kind in (*triggers.tier1, *triggers.tier4)
            and (triggers.within_days is None or age <= triggers.within_days)
            for triggers in raising
        )
        if fresh and (latest is None or age < latest[1]):
            latest = (activity.kind, age)
    return latest


def _competitor_match(names: frozenset[str], lead: Lead) -> str | None:
    """The value on the competitor list the lead matched, in the room's words, or None: the
    company's domain or the e-mail's (the entry itself or a subdomain of it), else the company
    name. The SQL engine's `_competitor` is the same test."""
    if not names:
        return None
    company = lead.company
    candidates: list[tuple[str, str]] = []
    if company.domain:
        candidates.append(("The company domain", company.domain.strip().lower()))
    if lead.person.email and "@" in lead.person.email:
        candidates.append(
            ("The e-mail domain", lead.person.email.rsplit("@", 1)[1].strip().lower())
        )
    for what, domain in candidates:
        for name in sorted(names):
            if domain == name or domain.endswith("." + name):
                return f"{what} {domain} is on the competitor list ({name!r})"
    if company.name and company.name.strip().lower() in names:
        return f"The company {company.name!r} is on the competitor list"
    return None


def _rule_sets(prepared: Prepared, lead: Lead) -> list[RuleSet] | Verdict:
    if prepared.segments:
        employees = lead.company.employees
        if employees is None:
            return Verdict(
                status="review",
                route="marketing",
                reasons=(
                    Reason(
                        "segments",
                        "Company size is unknown, and segments are chosen by size: enrich the "
                        "lead before routing it.",
                    ),
                ),
            )
        for low, high, rules in prepared.segments:
            if (low is None or employees >= low) and (high is None or employees <= high):
                return [rules]
        return Verdict(
            status="rejected",
            route="marketing",
            reasons=(
                Reason(
                    "segments",
                    f"No segment covers a company of {employees} employees.",
                ),
            ),
        )
    if prepared.motions:
        company = lead.company
        chosen = [
            rules
            for motion, rules in prepared.motions
            if (company.target_account or not motion.target_accounts_only)
            and company.engaged_contacts >= motion.min_engaged_contacts
            and (company.account_intent or not motion.qualifies_account)
        ]
        if not chosen:
            return Verdict(
                status="nurture",
                route="nurture",
                reasons=(Reason("motions", "No motion applies to this lead."),),
            )
        return chosen
    return [prepared.base]


def _raising(prepared: Prepared, lead: Lead) -> list[Triggers]:
    """The triggers whose hand raises count for a customer's contact: the rule sets that can
    apply to the lead (the segment its size falls in, every segment when the size is unknown,
    every motion), else the definition's own."""
    if prepared.segments:
        employees = lead.company.employees
        fitting = [
            rules
            for low, high, rules in prepared.segments
            if employees is None
            or ((low is None or employees >= low) and (high is None or employees <= high))
        ]
        return [rules.triggers for rules in fitting] or [prepared.base.triggers]
    if prepared.motions:
        return [rules.triggers for _motion, rules in prepared.motions]
    return [prepared.base.triggers]


def _evaluate_rules(
    definition: Definition,
    rules: RuleSet,
    lead: Lead,
    as_of: datetime,
    raising: Sequence[Triggers] = (),
) -> Verdict:
    stamp = {"lead_type": rules.lead_type, "segment": rules.segment, "motion": rules.motion}
    base = definition.fit
    if rules.fit is not base and (
        rules.fit.competitors != base.competitors
        or rules.fit.existing_customers != base.existing_customers
    ):
        # A segment's or motion's own fit gate brings its own competitor list and customer rule
        # (when they equal the base fit's, `evaluate` has already applied them).
        own = _disqualify(rules, lead, as_of, raising)
        if own is not None:
            return replace(own, **stamp)  # type: ignore[arg-type]
    fit_verdict = _check_fit(rules, lead)
    if fit_verdict is not None:
        return replace(fit_verdict, **stamp)  # type: ignore[arg-type]

    history = lead.history
    last_mql = history.last_mql_days_ago if history is not None else None
    # Only activity since the last MQL can make a new one: the old hand raise made the old MQL.
    ages: list[tuple[str, float, int]] = []
    for activity in lead.activities:
        age = activity.age_days(as_of)
        if age < 0 or (last_mql is not None and age >= last_mql):
            continue
        ages.append((activity.kind, age, activity.count))
    excluded = _excluding_activity(rules, lead, ages)
    if excluded is not None:
        return Verdict(
            status="rejected",
            route="marketing",
            reasons=(excluded,),
            **stamp,  # type: ignore[arg-type]
        )

    triggers = rules.triggers
    word = rules.lead_type.upper()
    path = rules.triggers_path
    fired = _instant(triggers.tier1, ages, 1, path + ".tier1", word, triggers.within_days)
    apart = _source_apart(rules, lead)
    if fired is None and apart is None:
        sessions = _sessions(lead, as_of, last_mql) if _combines(triggers) else []
        fired = _tier2(triggers, ages, path, sessions)
    if fired is None:
        fired = _instant(triggers.tier4, ages, 4, path + ".tier4", word, triggers.within_days)
    if fired is None and rules.qualifies_account and apart is None:
        fired = _account_fires(rules, lead)

    score = _score(rules.scoring, lead, ages) if rules.scoring is not None else None
    score_label = None if score is None else round(score)

    if fired is None and apart is not None:
        # Qualified apart: no engagement, score or review rule decides it here.
        return Verdict(
            status="rejected",
            route="marketing",
            score=score_label,
            reasons=(apart, *_stale_hand_raise(rules, ages)),
            **stamp,  # type: ignore[arg-type]
        )
    if fired is None:
        suspicious = _suspicious(definition, rules, ages, score, lead)
        if suspicious is not None:
            return Verdict(
                status="review",
                route=definition.review_rule.route,
                score=score_label,
                reasons=(suspicious,),
                **stamp,  # type: ignore[arg-type]
            )
        if (
            triggers.tier3
            and rules.scoring is not None
            and score is not None
            and _reaches(score, source_threshold(rules.scoring, lead)[0])
        ):
            threshold, where = source_threshold(rules.scoring, lead)
            fired = (
                3,
                "score",
                Reason(
                    rules.triggers_path + ".tier3",
                    f"Score {score_label} reached the threshold of {threshold} "
                    f"[{rules.scoring_path}.{where}].",
                ),
            )

    recycling = definition.recycling
    inside_window = last_mql is not None and last_mql < recycling.resubmit_after_days
    if fired is None:
        if (
            inside_window
            and history is not None
            and history.last_mql_outcome
            in (
                None,
                "open",
                "accepted",
            )
        ):
            return Verdict(
                status="routed",
                route=recycling.inside_window_route,
                score=score_label,
                reasons=(
                    Reason(
                        "recycling.resubmit_after_days",
                        f"Already an MQL {_days(last_mql)} ago, inside the "
                        f"{recycling.resubmit_after_days}-day window: it stays with its owner.",
                    ),
                ),
                **stamp,  # type: ignore[arg-type]
            )
        return Verdict(
            status="nurture",
            route="nurture",
            score=score_label,
            reasons=(
                _no_trigger_reason(rules, score_label, lead),
                *_stale_hand_raise(rules, ages),
            ),
            **stamp,  # type: ignore[arg-type]
        )

    tier, trigger, why = fired
    if inside_window:
        return Verdict(
            status="routed",
            route=recycling.inside_window_route,
            tier=tier,
            trigger=trigger,
            score=score_label,
            reasons=(
                why,
                Reason(
                    "recycling.resubmit_after_days",
                    f"The last MQL was {_days(last_mql)} ago, inside the "
                    f"{recycling.resubmit_after_days}-day window: no second MQL, it goes to "
                    "whoever owns the first.",
                ),
            ),
            **stamp,  # type: ignore[arg-type]
        )
    if rules.motion is not None and rules.lead_type != "mql" and trigger != ACCOUNT_TRIGGER:
        # Said with the trigger, not as a reason of its own: the clause that fired stays one.
        why = Reason(why.clause, f"{why.text} {_qualified_as(rules, lead)}")
    reasons = [why]
    if last_mql is not None:
        reasons.append(
            Reason(
                "recycling.resubmit_after_days",
                f"The last MQL was {_days(last_mql)} ago, at or past the "
                f"{recycling.resubmit_after_days}-day window: fresh intent, a new MQL.",
            )
        )
    deadline = _response(rules, trigger, tier)
    return Verdict(
        status="mql",
        route=triggers.route,
        tier=tier,
        trigger=trigger,
        response_minutes=deadline[0],
        response_business_days=deadline[1],
        score=score_label,
        reasons=tuple(reasons),
        **stamp,  # type: ignore[arg-type]
    )


def _check_fit(rules: RuleSet, lead: Lead) -> Verdict | None:
    fit = rules.fit
    path = rules.fit_path
    person = lead.person
    company = lead.company
    if person.persona in fit.excluded_personas:
        return Verdict(
            status="rejected",
            route="marketing",
            reasons=(
                Reason(
                    f"{path}.excluded_personas",
                    f"The contact is a {person.persona}, an excluded persona: not a real prospect.",
                ),
            ),
        )
    inferred = _inferred_exclusion(rules, lead)
    if inferred is not None:
        return Verdict(status="rejected", route="marketing", reasons=(inferred,))
    failed: list[Reason] = []
    unknown: list[Reason] = []
    employees = company.employees
    if fit.min_employees is not None or fit.max_employees is not None:
        if employees is None:
            unknown.append(Reason(f"{path}.min_employees", "Company size is unknown."))
        elif fit.min_employees is not None and employees < fit.min_employees:
            failed.append(
                Reason(
                    f"{path}.min_employees",
                    f"{employees} employees is below the minimum company size of "
                    f"{fit.min_employees}.",
                )
            )
        elif fit.max_employees is not None and employees > fit.max_employees:
            failed.append(
                Reason(
                    f"{path}.max_employees",
                    f"{employees} employees is above the maximum company size of "
                    f"{fit.max_employees}.",
                )
            )
    _check_listed(
        fit.industries,
        rules.industries,
        company.industry,
        f"{path}.industries",
        "industry",
        failed,
        unknown,
    )
    _check_listed(
        fit.regions, rules.regions, company.region, f"{path}.regions", "region", failed, unknown
    )
    if fit.min_seniority is not None:
        if person.seniority is None:
            unknown.append(Reason(f"{path}.min_seniority", "The contact's seniority is unknown."))
        elif seniority_rank(person.seniority) < seniority_rank(fit.min_seniority):
            failed.append(
                Reason(
                    f"{path}.min_seniority",
                    f"Seniority {person.seniority} is below the minimum of {fit.min_seniority}.",
                )
            )
    if fit.score is not None:
        total, parts = fit_score(fit, lead)
        if total < fit.score.threshold:
            said = ", ".join(parts) if parts else "no fit attribute took points"
            failed.append(
                Reason(
                    f"{path}.score.threshold",
                    f"Fit score {total} is below the fit threshold of {fit.score.threshold} "
                    f"({said}): a bad fit, however high the intent.",
                )
            )
    if failed:
        return Verdict(status="rejected", route="marketing", reasons=tuple(failed))
    if unknown:
        return Verdict(
            status="review",
            route="marketing",
            reasons=tuple(
                Reason(r.clause, f"{r.text} Enrich the lead before the fit gate can pass.")
                for r in unknown
            ),
        )
    return None


def _inferred_exclusion(rules: RuleSet, lead: Lead) -> Reason | None:
    """Title keywords and e-mail domains that exclude a lead whose persona nobody set."""
    fit = rules.fit
    if not (fit.exclude_titles or fit.exclude_email_domains) or lead.person.persona_by_hand:
        return None
    path = rules.fit_path
    title = lead.person.title
    padded = padded_title(title)
    for keyword in fit.exclude_titles:
        if title_matches(padded, keyword):
            return Reason(
                f"{path}.exclude_titles",
                f"Title {title!r} matches {path}.exclude_titles ({keyword!r}): "
                "not a real prospect.",
            )
    domain = email_domain(lead.person.email)
    for entry in fit.exclude_email_domains:
        if domain_matches(domain, entry):
            return Reason(
                f"{path}.exclude_email_domains",
                f"E-mail domain {domain} matches {path}.exclude_email_domains ({entry!r}): "
                "not a real prospect.",
            )
    return None


def _excluding_activity(
    rules: RuleSet, lead: Lead, ages: list[tuple[str, float, int]]
) -> Reason | None:
    """An excluding activity (a careers-page view) since the last MQL, inside its window."""
    fit = rules.fit
    if not fit.exclude_activities or lead.person.persona_by_hand:
        return None
    days = fit.exclude_activities_days
    latest: tuple[str, float] | None = None
    for kind, age, _count in ages:
        if kind in fit.exclude_activities and age <= days and (latest is None or age < latest[1]):
            latest = (kind, age)
    if latest is None:
        return None
    return Reason(
        f"{rules.fit_path}.exclude_activities",
        f"{latest[0]} {_when(latest[1])} matches {rules.fit_path}.exclude_activities "
        f"(within {_days(days)}): not a real prospect for now.",
    )


def fit_score(fit: FitGate, lead: Lead) -> tuple[int, list[str]]:
    """The fit axis: the lead's fit points and each contribution in the room's words.

    Every entry that matches adds its points; an unknown value adds 0."""
    score = fit.score
    if score is None:
        return 0, []
    person = lead.person
    company = lead.company
    parts: list[tuple[str, int]] = []
    if person.seniority is not None and score.seniority_points.get(person.seniority):
        parts.append((f"seniority {person.seniority}", score.seniority_points[person.seniority]))
    industry = (company.industry or "").strip().lower()
    if industry:
        for name, points in score.industry_points.items():
            if points and name.strip().lower() == industry:
                parts.append((f"industry {company.industry}", points))
    domain = email_domain(person.email)
    for entry, points in score.email_domain_points.items():
        if points and domain_matches(domain, entry):
            parts.append((f"e-mail domain {domain}{_via(domain, entry)}", points))
    padded = padded_title(person.title)
    for keyword, points in score.title_points.items():
        if points and title_matches(padded, keyword):
            parts.append((f"title {person.title!r}{_via(person.title, keyword)}", points))
    employees = company.employees
    if employees is not None:
        for band in score.size_points:
            if (
                band.points
                and (band.min_employees is None or employees >= band.min_employees)
                and (band.max_employees is None or employees <= band.max_employees)
            ):
                parts.append((f"size {employees} employees", band.points))
    return sum(p for _, p in parts), [f"{what} {points:+d}" for what, points in parts]


def _via(value: str | None, entry: str) -> str:
    """' (edu)' when the entry that matched is not the value itself."""
    return "" if (value or "").strip().lower() == entry.strip().lower() else f" ({entry})"


def _check_listed(
    allowed: list[str],
    wanted: frozenset[str],
    value: str | None,
    clause: str,
    what: str,
    failed: list[Reason],
    unknown: list[Reason],
) -> None:
    if not allowed:
        return
    if not value:
        unknown.append(Reason(clause, f"The company's {what} is unknown."))
        return
    if value.strip().lower() not in wanted:
        failed.append(
            Reason(clause, f"The {what} {value!r} is not one of {', '.join(sorted(allowed))}.")
        )


def _qualified_as(rules: RuleSet, lead: Lead) -> str:
    """'Qualified as an AQL ...': the lead type in its own word, with the account facts that
    chose the motion (target account, engaged contacts) so the room sees what made it."""
    word = rules.lead_type.upper()
    article = "an" if word[0] in "AEIOU" else "a"
    said = _account_said(rules, lead)
    account = f": {said}" if said else ""
    if rules.qualifies_account:
        account += (
            " (the account is qualified, so the contact's seniority and persona do not count)"
        )
    return f"Qualified as {article} {word} by the {rules.motion} motion{account}."


def _account_said(rules: RuleSet, lead: Lead) -> str:
    """'Stark Analytics is a target account with 5 engaged contacts (the motion needs 3+) and
    account-level intent': the account facts a motion looks at, or '' when it looks at none."""
    company = lead.company
    facts = []
    if rules.target_accounts_only or company.target_account:
        facts.append("a target account" if company.target_account else "not a target account")
    if rules.min_engaged_contacts or company.engaged_contacts:
        facts.append(
            f"{company.engaged_contacts} engaged contacts"
            + (
                f" (the motion needs {rules.min_engaged_contacts}+)"
                if rules.min_engaged_contacts
                else ""
            )
        )
    if rules.qualifies_account:
        facts.append(
            "account-level intent" if company.account_intent else "no account-level intent"
        )
    if not facts:
        return ""
    said = facts[0] + (" with " + " and ".join(facts[1:]) if facts[1:] else "")
    return f"{company.name or 'the account'} is {said}"


def _account_fires(rules: RuleSet, lead: Lead) -> tuple[int, str, Reason] | None:
    """An account motion's own facts as a trigger, once its gate passes: firmographic fit,
    engaged contacts at or above the motion's minimum and account-level intent (000/002:
    the account is qualified "when firmographic data, intent signals, and engagement from
    multiple contacts ... meet a threshold"), whatever the contact did.

    Tier 2, because account-level intent is a high-intent signal (002's "multiple page
    visits, research on product-specific topics"), not a hand raise: it is checked after the
    motion's tier 1, 2 and 4 triggers, so a demo request still names itself, and before the
    review rule and tier 3, which judge one person's engagement, not the account's."""
    company = lead.company
    if not (
        company.account_intent
        and company.engaged_contacts >= rules.min_engaged_contacts
        and (company.target_account or not rules.target_accounts_only)
    ):
        return None
    word = rules.lead_type.upper()
    article = "an" if word[0] in "AEIOU" else "a"
    return (
        2,
        ACCOUNT_TRIGGER,
        Reason(
            f"{rules.path}.qualifies",
            f"{_account_said(rules, lead)}: the account is qualified as {article} {word} by "
            f"the {rules.motion} motion, a tier 2 signal (account-level intent); the contact's "
            "seniority, persona and own activity do not decide it.",
        ),
    )


def _instant(
    kinds: Sequence[str],
    ages: list[tuple[str, float, int]],
    tier: int,
    clause: str,
    word: str = "MQL",
    within_days: int | None = None,
) -> tuple[int, str, Reason] | None:
    if not kinds:
        return None
    latest: tuple[str, float] | None = None
    for kind, age, _count in ages:
        if kind in kinds and (latest is None or age < latest[1]):
            latest = (kind, age)
    if latest is None:
        return None
    if within_days is not None and latest[1] > within_days:
        # The latest hand raise is the freshest one: if it is stale, every one is.
        return None
    label = (
        f"an instant {word}, no score needed"
        if tier == 1
        else "sales asked for it; fit still applies"
    )
    return (
        tier,
        latest[0],
        Reason(clause, f"{latest[0]} {_when(latest[1])} is a tier {tier} trigger: {label}."),
    )


def _tier2(
    triggers: Triggers,
    ages: list[tuple[str, float, int]],
    path: str,
    sessions: Sequence[tuple[str, float, str]] = (),
) -> tuple[int, str, Reason] | None:
    for index, rule in enumerate(triggers.tier2):
        if rule.together:
            combined = _together(rule, sessions, f"{path}.tier2[{index}]")
            if combined is not None:
                return combined
            continue
        seen = sum(
            count for kind, age, count in ages if kind == rule.kind and age <= rule.within_days
        )
        if seen >= rule.min_count:
            return (
                2,
                rule.kind,
                Reason(
                    f"{path}.tier2[{index}]",
                    f"{rule.kind} {seen} times in the last {rule.within_days} days meets the "
                    f"tier 2 rule of {rule.min_count}+.",
                ),
            )
    return None


def _combines(triggers: Triggers) -> bool:
    return any(rule.together for rule in triggers.tier2)


def _sessions(lead: Lead, as_of: datetime, last_mql: float | None) -> list[tuple[str, float, str]]:
    """(kind, age, session) of each activity since the last MQL, for tier 2 combinations.

    The session is the activity's session id, or without one its UTC calendar day: two
    activities combine only when they share it."""
    found: list[tuple[str, float, str]] = []
    for activity in lead.activities:
        age = activity.age_days(as_of)
        if age < 0 or (last_mql is not None and age >= last_mql):
            continue
        found.append((activity.kind, age, _session_of(activity, as_of)))
    return found


def _session_of(activity: Activity, as_of: datetime) -> str:
    """Keys never equal across kinds: a session id, a UTC date, or whole days ago.

    An activity written relative to now (`days_ago`, as edge cases are) falls on the day its
    whole number of days ago names ("today", "2 days ago"), so a case gives the same answer at
    any hour it is run; an absolute time (history, the replay) falls on its UTC date."""
    if activity.session_id is not None:
        return f"session {activity.session_id}"
    if activity.days_ago is not None:
        return f"days-ago {math.floor(activity.days_ago)}"
    return f"day {_utc_day(activity, as_of).isoformat()}"


def _utc_day(activity: Activity, as_of: datetime) -> date:
    if activity.at is not None:
        moment = activity.at
    else:
        moment = as_of - timedelta(days=activity.days_ago or 0)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).date()


def _together(
    rule: Tier2Rule, sessions: Sequence[tuple[str, float, str]], clause: str
) -> tuple[int, str, Reason] | None:
    """A combination: the sessions (or days) holding every kind of the rule inside its window.

    A session counts when each kind has an activity in it within the last `within_days`
    days (each kind's latest one is the one that matters); the reason names the freshest
    complete session, aged by the oldest of those latest activities."""
    wanted = rule.kinds
    latest: dict[str, dict[str, float]] = {}
    for kind, age, session in sessions:
        if kind in wanted and age <= rule.within_days:
            ages = latest.setdefault(session, {})
            ages[kind] = min(age, ages.get(kind, age))
    complete = sorted(
        (max(ages.values()), session)
        for session, ages in latest.items()
        if len(ages) == len(wanted)
    )
    if len(complete) < rule.min_count:
        return None
    age, session = complete[0]
    names = " and ".join([", ".join(wanted[:-1]), wanted[-1]])
    kind_of_place, _, name = session.partition(" ")
    if rule.min_count == 1:
        what = f"{names} in one {kind_of_place} ({name}) {_when(age)}"
    else:
        what = (
            f"{names} together in {len(complete)} sessions or days within the last "
            f"{rule.within_days} days ({rule.min_count}+ needed)"
        )
    return (2, rule.kind, Reason(clause, f"{what} meet {clause}, a tier 2 combination."))


def _source_apart(rules: RuleSet, lead: Lead) -> Reason | None:
    """The lead's source is qualified apart (fit.exclude_sources), said in the room's words.

    002 gives event lists, badge scans and cold lists their own qualification, so engagement
    (tier 2, an account's facts) and the score (tier 3) do not make them an MQL. A hand raise
    does: 001's tier 1 bypasses scoring whatever brought the lead in, and tier 4 is sales
    asking for this very contact; both still pass the fit gate first."""
    entry = listed_source(rules.fit.exclude_sources, lead.lead_source)
    if entry is None:
        return None
    clause = f"{rules.fit_path}.exclude_sources"
    return Reason(
        clause,
        f"{clause}: lead source {lead.lead_source!r} is qualified apart (002: event lists and "
        "badge scans get their own qualification); only a hand raise (tier 1 or 4) makes it "
        "an MQL here.",
    )


def source_threshold(scoring: Scoring, lead: Lead) -> tuple[int, str]:
    """(threshold, clause under scoring) for this lead: its source's own, else the main one."""
    found = by_source(scoring.source_thresholds, lead.lead_source)
    if found is None:
        return scoring.threshold, "threshold"
    return found[1], f"source_thresholds.{found[0]}"


def _score(scoring: Scoring, lead: Lead, ages: list[tuple[str, float, int]]) -> float:
    total = 0.0
    points = scoring.activity_points
    for kind, age, count in ages:
        value = points.get(kind)  # type: ignore[call-overload]
        if not value:
            continue
        if scoring.window_days is not None and age > scoring.window_days:
            continue
        weight = 1.0 if scoring.half_life_days is None else 0.5 ** (age / scoring.half_life_days)
        total += value * count * weight
    if lead.person.seniority is not None:
        total += scoring.seniority_points.get(lead.person.seniority, 0)
    found = by_source(scoring.source_points, lead.lead_source)
    if found is not None:
        total += found[1]  # once per lead, whatever it did
    return total


def _suspicious(
    definition: Definition,
    rules: RuleSet,
    ages: list[tuple[str, float, int]],
    score: float | None,
    lead: Lead,
) -> Reason | None:
    rule = definition.review_rule
    if not rule.enabled:
        return None
    triggers = rules.triggers
    high = set(rule.high_intent) | set(triggers.tier1) | set(triggers.tier4)
    for tier2 in triggers.tier2:
        high.update(tier2.kinds)
    fresh = rule.high_intent_days
    if any(kind in high and (fresh is None or age <= fresh) for kind, age, _count in ages):
        return None
    actions = sum(count for _kind, _age, count in ages)
    stale = _stale_high_intent(fresh, high, ages)
    recent = "" if fresh is None else f" in the last {fresh} days"
    scoring = rules.scoring
    if (
        rule.score_rule
        and triggers.tier3
        and scoring is not None
        and score is not None
        and _reaches(score, source_threshold(scoring, lead)[0])
    ):
        return Reason(
            "review_rule",
            f"Score {round(score)} reached the threshold with no high-intent action{recent}: "
            "high volume and low intent is suspicious (researcher, journalist, competitor?), "
            f"so a person reviews it.{stale}",
        )
    if rule.min_low_intent_actions is not None and actions >= rule.min_low_intent_actions:
        return Reason(
            "review_rule.min_low_intent_actions",
            f"{actions} actions and none of them high-intent{recent}: suspicious engagement, "
            f"so a person reviews it.{stale}",
        )
    return None


def _stale_hand_raise(rules: RuleSet, ages: list[tuple[str, float, int]]) -> list[Reason]:
    """Says why a hand raise since the last MQL made none: it is older than the window."""
    triggers = rules.triggers
    days = triggers.within_days
    if days is None:
        return []
    raised = [
        (age, kind) for kind, age, _count in ages if kind in (*triggers.tier1, *triggers.tier4)
    ]
    if not raised:
        return []
    age, kind = min(raised)
    return [
        Reason(
            f"{rules.triggers_path}.within_days",
            f"{kind} {_when(age)} is older than the {days}-day window of "
            f"{rules.triggers_path}.within_days: a stale hand raise makes no MQL.",
        )
    ]


def _stale_high_intent(
    days: int | None, high: Collection[str], ages: list[tuple[str, float, int]]
) -> str:
    """' The latest high-intent action, X N days ago, is older than ...': why it did not count."""
    if days is None:
        return ""
    stale = [(age, kind) for kind, age, _count in ages if kind in high]
    if not stale:
        return ""
    age, kind = min(stale)
    return (
        f" The latest high-intent action, {kind} {_when(age)}, is older than the {days} days "
        "of review_rule.high_intent_days: stale intent."
    )


def _reaches(score: float, threshold: int) -> bool:
    return score >= threshold - SCORE_TOLERANCE


def _no_trigger_reason(rules: RuleSet, score: int | None, lead: Lead) -> Reason:
    if score is not None and rules.scoring is not None and rules.triggers.tier3:
        threshold = source_threshold(rules.scoring, lead)[0]
        return Reason(
            rules.triggers_path,
            f"Fit passes but no trigger fired (score {score} of {threshold}): "
            "nurture until a higher-intent signal.",
        )
    return Reason(
        rules.triggers_path,
        "Fit passes but no trigger fired: nurture until a hand raise.",
    )


def _response(rules: RuleSet, trigger: str, tier: int) -> tuple[int | None, int | None]:
    """The verdict's deadline: the trigger's own key, `content` for a content kind, else
    the tier's; in minutes or in business days, as the definition writes it."""
    found = response_for(rules.response_minutes, rules.response_business_days, trigger, tier)
    if found is None:
        return None, None
    deadline = found[1]
    if deadline.business_days:
        return None, deadline.business_days
    return deadline.minutes, None


def _when(age: float) -> str:
    if age < 1:
        return "today"
    return f"{_days(age)} ago"


def _days(age: float | None) -> str:
    if age is None:
        return "?"
    whole = int(age) if float(age).is_integer() else round(age, 1)
    return f"{whole} day" if whole == 1 else f"{whole} days"
