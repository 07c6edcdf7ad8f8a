"""The definition in plain sentences, clause by clause, for `show`, the TUI and exports.

A sales leader should be able to read these aloud in the workshop and agree or object.
"""

from __future__ import annotations

from collections.abc import Callable

from workbench.core.domain.account import ACCOUNT_WINDOW_DAYS, INTENT_MIN_ACTIONS
from workbench.core.domain.bands import BandProblem, band_warnings, size_text
from workbench.core.domain.clause_evidence import evidence_lines, other_evidence_lines
from workbench.core.domain.definition import (
    Definition,
    FitGate,
    Motion,
    Scoring,
    Segment,
    Tier2Rule,
    Triggers,
)
from workbench.core.domain.framework import format_minutes as format_minutes
from workbench.core.domain.framework import response_entries, volume_words
from workbench.core.domain.matching import lowered
from workbench.core.domain.readings import readings
from workbench.core.domain.stages import STAGES


def _list(items: list[str], empty: str = "any") -> str:
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def _fit_parts(fit: FitGate) -> dict[str, str]:
    """The fit gate's sentences keyed by what they describe, so two gates compare part by part."""
    if fit.min_employees is not None and fit.max_employees is not None:
        size = f"Company size {fit.min_employees}-{fit.max_employees} employees."
    elif fit.min_employees is not None:
        size = f"Company size at least {fit.min_employees} employees."
    elif fit.max_employees is not None:
        size = f"Company size at most {fit.max_employees} employees."
    else:
        size = "Any company size."
    return {
        "size": size,
        "industries": f"Industry: {_list(fit.industries)}.",
        "regions": f"Region: {_list(fit.regions)}.",
        "seniority": f"Seniority: {fit.min_seniority} or above."
        if fit.min_seniority
        else "Seniority: any.",
        "personas": f"Not a {_list(list(fit.excluded_personas))}."
        if fit.excluded_personas
        else "No excluded personas.",
        "competitors": f"Not a competitor ({', '.join(fit.competitors)}): those go to "
        "marketing leadership."
        if fit.competitors
        else "Not a competitor (no competitor list yet).",
        "customers": {
            "account-owner": "Contacts at existing customers go to the account owner, not the "
            "SDR queue.",
            "account-owner-on-hand-raise": "A contact at an existing customer who raises a "
            "hand goes to the account owner as an expansion signal, not to the SDR queue; "
            "one who does not stays in nurture.",
        }.get(
            fit.existing_customers, "Contacts at existing customers are treated like any prospect."
        ),
        **_inferred_parts(fit),
    }


_HAND_SET = " (unless the persona is set by hand)"


def _inferred_parts(fit: FitGate) -> dict[str, str]:
    """The clauses read from the lead's own data, and the fit score, as sentences."""
    titles = _list([repr(k) for k in fit.exclude_titles], "")
    domains = _list(fit.exclude_email_domains, "")
    kinds = _list(list(fit.exclude_activities), "")
    return {
        "titles": f"Not a title with the words {titles}{_HAND_SET}."
        if titles
        else "No title is excluded.",
        "email_domains": f"Not an e-mail at a domain ending in {domains}{_HAND_SET}."
        if domains
        else "No e-mail domain is excluded.",
        "activities": f"No {kinds} in the last {fit.exclude_activities_days} days{_HAND_SET}."
        if kinds
        else "No activity excludes.",
        "fit_score": " ".join(fit_score_sentences(fit)) if fit.score else "No fit score.",
        "sources": _sources_apart_sentence(fit),
    }


def _sources_apart_sentence(fit: FitGate) -> str:
    """fit.exclude_sources in the room's words: who is qualified apart, and what still counts."""
    if not fit.exclude_sources:
        return "No lead source is qualified apart."
    sources = _list([repr(s) for s in fit.exclude_sources])
    return (
        f"Leads from {sources} are qualified apart (002: event lists, badge scans and cold "
        "lists get their own qualification): no engagement or score makes them an MQL here, "
        "only a hand raise (tier 1 or 4)."
    )


def fit_score_sentences(fit: FitGate) -> list[str]:
    """The fit axis in words: its threshold and every attribute that takes points."""
    return [sentence for sentence in _fit_score_parts(fit).values() if sentence]


def _fit_score_parts(fit: FitGate) -> dict[str, str | None]:
    """The fit score's sentences keyed by what each describes (None: a table with no points),
    so two scores compare part by part (`_fit_parts_apart`)."""
    score = fit.score
    if score is None:
        return {}

    def points(what: str, table: dict[str, int]) -> str | None:
        said = ", ".join(f"{key} {value:+d}" for key, value in table.items())
        return f"{what} fit points: {said}." if table else None

    bands = [
        f"{band.min_employees or 0}-{band.max_employees or '∞'} employees {band.points:+d}"
        for band in score.size_points
    ]
    return {
        "threshold": f"Fit score of {score.threshold} or more, apart from the behaviour score.",
        "seniority": points("Seniority", {str(k): v for k, v in score.seniority_points.items()}),
        "industry": points("Industry", score.industry_points),
        "email_domain": points("E-mail domain", score.email_domain_points),
        "title": points("Title words", score.title_points),
        "size": f"Size fit points: {', '.join(bands)}." if bands else None,
    }


def fit_sentences(fit: FitGate) -> list[str]:
    parts = _fit_parts(fit)
    if not fit.excluded_personas:
        del parts["personas"]
    for key, present in (
        ("titles", fit.exclude_titles),
        ("email_domains", fit.exclude_email_domains),
        ("activities", fit.exclude_activities),
        ("fit_score", fit.score),
        ("sources", fit.exclude_sources),
    ):
        if not present:
            del parts[key]
    return list(parts.values())


def _trigger_parts(
    triggers: Triggers,
    scoring: Scoring | None,
    lead_type: str = "mql",
    words: Callable[[str], str] = str,
) -> dict[str, str]:
    """The triggers' sentences keyed by tier, in the words of the lead type they produce;
    `words` names the activity kinds (the file's ids by default)."""
    word = lead_type.upper()
    fresh = "" if triggers.within_days is None else f", within the last {triggers.within_days} days"
    parts = {
        "tier1": f"Tier 1 (instant, no score needed): {_list([words(k) for k in triggers.tier1])}"
        f"{fresh}."
        if triggers.tier1
        else "No tier 1 triggers.",
        "tier2": " ".join(tier2_sentence(rule, words) for rule in triggers.tier2)
        or "No tier 2 rules.",
        "tier3": f"Tier 3: a score of {scoring.threshold} or more."
        if triggers.tier3 and scoring is not None
        else "No tier 3 (score) trigger.",
        "tier4": f"Tier 4 (sales asked, fit still applies): "
        f"{_list([words(k) for k in triggers.tier4])}{fresh}."
        if triggers.tier4
        else "No tier 4 triggers.",
        "route": f"{word}s go to: {triggers.route}.",
    }
    return parts


def tier2_sentence(rule: Tier2Rule, words: Callable[[str], str] = str) -> str:
    """'Tier 2: case_study_view with pricing_page_view in one session ...' for a combination;
    `words` names the kinds (the file's ids by default, the room's words on screen)."""
    if not rule.together:
        return (
            f"Tier 2: {words(rule.kind)} {rule.min_count}+ times within the last "
            f"{rule.within_days} days."
        )
    sessions = "one session" if rule.min_count == 1 else f"each of {rule.min_count}+ sessions"
    together = " and ".join(words(kind) for kind in rule.together)
    return (
        f"Tier 2: {words(rule.kind)} with {together} in {sessions} (the same "
        f"UTC day when there is no session id) within the last {rule.within_days} days."
    )


def trigger_sentences(
    triggers: Triggers, scoring: Scoring | None, lead_type: str = "mql"
) -> list[str]:
    """`lead_type` names what the triggers make: a PQL motion's route reads "PQLs go to"."""
    parts = _trigger_parts(triggers, scoring, lead_type)
    lines = [
        parts[tier]
        for tier, present in (
            ("tier1", bool(triggers.tier1)),
            ("tier2", bool(triggers.tier2)),
            ("tier3", triggers.tier3 and scoring is not None),
            ("tier4", bool(triggers.tier4)),
        )
        if present
    ]
    if not lines:
        lines.append(f"No triggers yet: nothing can become an {lead_type.upper()}.")
    lines.append(parts["route"])
    return lines


def scoring_sentences(scoring: Scoring | None, words: Callable[[str], str] = str) -> list[str]:
    if scoring is None:
        return ["No point scoring at this stage."]
    points = ", ".join(
        f"{words(kind)} {value:+d}" for kind, value in scoring.activity_points.items()
    )
    seniority = ", ".join(
        f"{level} {value:+d}" for level, value in scoring.seniority_points.items()
    )
    lines = [f"Threshold {scoring.threshold} points."]
    if scoring.window_days:
        lines.append(f"Only activity in the last {scoring.window_days} days counts.")
    if scoring.half_life_days:
        lines.append(f"Points halve every {scoring.half_life_days} days.")
    lines += source_sentences(scoring)  # before the last two: `_scoring_parts` reads those
    lines.append(f"Behaviour points: {points or 'none'}.")
    lines.append(f"Seniority points: {seniority or 'none'}.")
    return lines


def _source_points_sentence(scoring: Scoring) -> str:
    if not scoring.source_points:
        return "No points by lead source."
    table = ", ".join(f"{source!r} {value:+d}" for source, value in scoring.source_points.items())
    return f"Points by lead source, once per lead: {table}."


def _source_thresholds_sentence(scoring: Scoring) -> str:
    if not scoring.source_thresholds:
        return "One threshold for every lead source."
    table = ", ".join(f"{source!r} {value}" for source, value in scoring.source_thresholds.items())
    return f"Threshold by lead source, instead of {scoring.threshold}: {table}."


def source_sentences(scoring: Scoring) -> list[str]:
    """001: 'not all sources are equal' (sources compared ignoring case and spaces)."""
    lines = []
    if scoring.source_points:
        lines.append(_source_points_sentence(scoring))
    if scoring.source_thresholds:
        lines.append(_source_thresholds_sentence(scoring))
    return lines


def _scoring_parts(scoring: Scoring, words: Callable[[str], str] = str) -> dict[str, str]:
    """Scoring's sentences keyed by setting, so two scorings compare part by part."""
    lines = scoring_sentences(scoring, words)
    return {
        "threshold": lines[0],
        "window": f"Only activity in the last {scoring.window_days} days counts."
        if scoring.window_days
        else "Activity of any age counts.",
        "decay": f"Points halve every {scoring.half_life_days} days."
        if scoring.half_life_days
        else "Points do not decay.",
        "activity": lines[-2],
        "seniority": lines[-1],
        "source_points": _source_points_sentence(scoring),
        "source_thresholds": _source_thresholds_sentence(scoring),
    }


def _evidence(definition: Definition, prefix: str) -> list[str]:
    """The evidence behind the clauses under `prefix`, read beside them (issue 14)."""
    return [f"Evidence, {line}" for line in evidence_lines(definition, prefix)]


def summary(definition: Definition) -> list[tuple[str, list[str]]]:
    """Sections of (heading, sentences) describing the whole definition."""
    stage = STAGES[definition.stage]
    sections: list[tuple[str, list[str]]] = [
        (
            "Definition",
            [
                f"{definition.name} — {definition.slug} v{definition.version}, {definition.status}.",
                f"Stage {stage.label}: {stage.approach}",
            ],
        ),
        (
            "Fit gate (must pass)",
            # With segments or motions, whom this gate decides comes first: a main size of
            # 20-2000 read as the whole rule where each segment has its own band.
            [scope for scope in [fit_scope(definition)] if scope]
            + fit_sentences(definition.fit)
            + _evidence(definition, "fit"),
        ),
        (
            "Triggers (any one of)",
            trigger_sentences(definition.triggers, definition.scoring)
            + _evidence(definition, "triggers"),
        ),
        ("Scoring", scoring_sentences(definition.scoring)),
    ]
    rec = definition.recycling
    rule = definition.review_rule
    sections.append(
        (
            "Recycling and review",
            [
                f"A new hand raise {rec.resubmit_after_days}+ days after the last MQL is a fresh "
                f"MQL; inside that window it goes to {rec.inside_window_route}.",
                _review_sentence(definition)
                if rule.enabled
                else "Suspicious-engagement review is off.",
            ],
        )
    )
    for segment in definition.segments:
        size = f"{segment.min_employees or 0}-{segment.max_employees or '∞'} employees"
        lines = [f"Applies to companies of {size}.", *override_sentences(definition, segment)]
        lines += [f"Warning: {p.message}" for p in segment_warnings(definition, segment.id)]
        sections.append((f"Segment {segment.label or segment.id}", lines))
    for motion in definition.motions:
        lines = [f"Produces {motion.lead_type.upper()}s."]
        if motion.target_accounts_only:
            lines.append("Target accounts only.")
        if motion.min_engaged_contacts:
            lines.append(f"Needs {motion.min_engaged_contacts}+ engaged contacts at the account.")
        if motion.qualifies_account:
            lines.append(account_sentence())
        lines += override_sentences(definition, motion)
        sections.append((f"Motion {motion.label or motion.id}", lines))
    sla = definition.sla
    response = ", ".join(
        f"{k} {v.text()}"
        for k, v in response_entries(sla.sales.response_minutes, sla.sales.response_business_days)
    )
    escalation = (
        f"Missed deadlines escalate to {sla.escalation.to}"
        + (
            f" after {format_minutes(sla.escalation.after_minutes)}"
            if sla.escalation.after_minutes
            else ""
        )
        + (" and the lead is reassigned." if sla.escalation.reassign else ".")
        if sla.escalation
        else "No escalation: a missed deadline has no consequence."
    )
    sections.append(
        (
            "SLA",
            [
                f"Marketing: {sla.marketing.quality_pct}% of MQLs meet the fit criteria, "
                f"{volume_words(sla.marketing.monthly_volume)}, sales notified within "
                f"{sla.marketing.notify_seconds} s, every MQL has "
                f"{', '.join(sla.marketing.required_fields)}.",
                f"Sales: first response within {response or 'no agreed time'}; accept or reject "
                f"within {sla.sales.decide_within_hours} h with a reason; "
                f"{sla.sales.follow_up_touches} touches in {sla.sales.follow_up_days} days.",
                escalation,
            ],
        )
    )
    if definition.signoff:
        s = definition.signoff
        sections.append(
            (
                "Sign-off",
                [
                    f"Marketing: {s.marketing.name}, {s.marketing.role} "
                    f"({s.marketing.signed_at:%Y-%m-%d}).",
                    f"Sales: {s.sales.name}, {s.sales.role} ({s.sales.signed_at:%Y-%m-%d}).",
                    f"Review by {s.review_date.isoformat()}.",
                ],
            )
        )
    other = other_evidence_lines(definition)
    if other:
        sections.append(("Evidence for other clauses", other))
    sections.append(("Where the material disagrees", readings(definition)))
    open_questions = [q.text for q in definition.questions if not q.resolved]
    if open_questions:
        sections.append(("Open questions", open_questions))
    return sections


def segment_warnings(definition: Definition, segment_id: str) -> list[BandProblem]:
    """The band problems a segment is part of: overlaps, gaps next to it, fit disagreements."""
    return [p for p in band_warnings(definition) if segment_id in p.segments]


def _fit_parts_apart(fit: FitGate) -> dict[str, str]:
    """`_fit_parts` with the fit score part by part: a segment whose score drops one size band
    said its whole score again, and one without the main score's industry points said nothing
    of it ("No industry fit points.")."""
    parts = _fit_parts(fit)
    if fit.score is None:
        return parts
    del parts["fit_score"]
    for key, sentence in _fit_score_parts(fit).items():
        named = {"email_domain": "e-mail domain", "title": "title word"}.get(key, key)
        parts[f"fit_score.{key}"] = sentence or f"No {named} fit points."
    return parts


def _disqualifiers_added(own: FitGate, main: FitGate) -> dict[str, str]:
    """A segment's or motion's own competitors and customer rule, as they act: the main fit
    gate's apply to every lead first (`evaluator.evaluate`), so its own list only adds names,
    and its own customer rule counts only where the main one treats customers as prospects.
    SMB's own list said "Not a competitor (rivalcrm.com, RivalCRM)" after the room had added
    globexcrm.com on the Fit step, and a globexcrm.com lead in SMB was rejected all the same."""
    parts = _fit_parts(main)
    known = lowered(main.competitors)
    added = [name for name in own.competitors if lowered([name]) - known]
    said = {"competitors": parts["competitors"], "customers": parts["customers"]}
    if added:
        besides = ", besides the main list" if main.competitors else ""
        said["competitors"] = (
            f"Also not a competitor ({', '.join(added)}){besides}: those go to marketing "
            "leadership."
        )
    if main.existing_customers == "prospect":
        said["customers"] = _fit_parts(own)["customers"]
    return said


def _differs(own: dict[str, str], main: dict[str, str]) -> list[str]:
    return [sentence for key, sentence in own.items() if main.get(key) != sentence]


def override_sentences(
    definition: Definition, part: Segment | Motion, words: Callable[[str], str] = str
) -> list[str]:
    """Only what a segment or motion changes from the main rules, in sentences; `words` names
    the activity kinds (the room's words on screen, the file's ids in the CLI's output).

    A clause copied from the main one ("Give it its own") and not yet edited changes nothing,
    so it says nothing; "Uses the main rules" is said only when nothing at all differs."""
    lead_type = part.lead_type if isinstance(part, Motion) else "mql"
    lines: list[str] = []
    if part.fit is not None:
        own_fit = _fit_parts_apart(part.fit)
        own_fit.update(_disqualifiers_added(part.fit, definition.fit))
        lines += _differs(own_fit, _fit_parts_apart(definition.fit))
    scoring = part.scoring or definition.scoring
    triggers = part.triggers or definition.triggers
    own = _trigger_parts(triggers, scoring, lead_type, words)
    main = _trigger_parts(definition.triggers, definition.scoring, "mql", words)
    if lead_type != "mql" and own["route"].split(":")[-1] == main["route"].split(":")[-1]:
        main["route"] = own["route"]  # "PQLs go to: sdr" repeats the main route in its words
    lines += _differs(own, main)
    if part.scoring is not None:
        if definition.scoring is None:
            lines += scoring_sentences(part.scoring, words)
        else:
            lines += _differs(
                _scoring_parts(part.scoring, words), _scoring_parts(definition.scoring, words)
            )
    sales = definition.sla.sales
    main_times = dict(response_entries(sales.response_minutes, sales.response_business_days))
    changed = {
        key: deadline
        for key, deadline in response_entries(part.response_minutes, part.response_business_days)
        if main_times.get(key) != deadline
    }
    if changed:
        lines.append(
            "Response times: " + ", ".join(f"{k} {v.text()}" for k, v in changed.items()) + "."
        )
    if not lines:
        lines.append("Uses the main rules: the definition's own fit gate, triggers and SLA.")
    return lines


def fit_scope(definition: Definition) -> str | None:
    """Whom the definition's own fit gate decides, when segments or motions share the leads:
    a room changed it on the Fit step, saw no lead move, and nothing said that every segment
    but one had its own. None without segments or motions."""
    if definition.segments:
        parts: list[Segment | Motion] = list(definition.segments)
        step = "Segments"
    elif definition.motions:
        parts = list(definition.motions)
        step = "Motions"
    else:
        return None

    def named(part: Segment | Motion) -> str:
        name = part.label or part.id
        if isinstance(part, Segment):
            return f"{name} ({size_text(part.min_employees or 0, part.max_employees)})"
        return name

    using = [named(p) for p in parts if p.fit is None]
    own = [named(p) for p in parts if p.fit is not None]
    # The main gate's competitors and existing customers disqualify every lead, whatever
    # gate decides the rest (`evaluator._disqualify(prepared.base)`).
    everyone = "Its competitors and existing customers apply to every lead."
    if not using:
        return (
            f"{_and(own)} {'has' if len(own) == 1 else 'each have'} "
            f"{'its' if len(own) == 1 else 'their'} own fit gate ({step} step): of this one, "
            "only the competitors and existing customers apply, to every lead."
        )
    said = f"This fit gate applies to {_and(using)}"
    if definition.segments:
        said += ", within its size band" if len(using) == 1 else ", within their size bands"
    if own:
        said += f"; {_and(own)} " + ("has its own" if len(own) == 1 else "each have their own")
        said += f" ({step} step)"
        return f"{said}. {everyone}"
    return said + "."


def _and(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def account_sentence() -> str:
    """How an account motion qualifies, in the room's words (see `domain.account`)."""
    return (
        "Qualifies the account, not the person: only the company clauses of the fit gate "
        "apply (size, industry, region, competitors, existing customers), never the contact's "
        "seniority or persona, and the account needs account-level intent (in a backtest: "
        f"{INTENT_MIN_ACTIONS}+ high-intent actions by its contacts in {ACCOUNT_WINDOW_DAYS} "
        f"days; contacts are engaged with any activity in those {ACCOUNT_WINDOW_DAYS} days). "
        "Those account facts make the AQL themselves (tier 2, account-level intent) when the "
        "contact fired none of the motion's tier 1, 2 or 4 triggers."
    )


def _review_sentence(definition: Definition) -> str:
    """The suspicious-engagement rule in words: what goes to a person, and, with the score rule
    off (001's reading), that a tier 3 score below high volume is an MQL."""
    rule = definition.review_rule
    scores = definition.scores_tier3()
    many = rule.min_low_intent_actions
    what = []
    if rule.score_rule and scores:
        what.append("A score at the threshold")
    if many is not None:
        what.append(f"{many}+ actions")
    if not what:
        return "Suspicious-engagement review catches nothing: no action count is set."
    recent = "" if rule.high_intent_days is None else f" in the last {rule.high_intent_days} days"
    sentence = (
        f"{' or '.join(what)} with no high-intent action{recent} goes to {rule.route} for manual "
        "review."
    )
    if scores and not rule.score_rule and many is not None:
        sentence += " A tier 3 score with fewer actions is an MQL (the catch-all)."
    return sentence
