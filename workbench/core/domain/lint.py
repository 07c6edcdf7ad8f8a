"""Anti-pattern lint: the framework's failure modes and its four requirements, as rules.

A good MQL definition is objective (a machine can apply it), data-derived (each criterion is
backed by evidence), agreed (marketing AND sales signed the same text) and calibrated
(reviewed and adjusted). Each rule below guards one of those, or one item of the framework's
anti-pattern list, and points at the clause to change with the framework's own advice.

Severities follow one principle, so CI fails only where it should:

- error: applied as written, the definition makes wrong MQL decisions today. `no-fit-gate`
  (a student downloading every ebook becomes an MQL) and `demo-request-scored` (a prospect
  who asked for a demo waits on blog-visit points, or the file claims they must),
  `fit-score-unreachable` (a fit bar no lead clears) and `no-trigger` (nothing can make a
  lead an MQL) break the contract itself. `check` fails on these, on the latest version
  whether signed or not, and `sign` refuses them.
- warning: the definition decides correctly today, but the agreement around it is weak or
  will drift: stale tier 2 signals, content downloads as triggers, no rejection reasons to
  calibrate from, an SLA nobody escalates or weaker than the framework's, no trigger type for
  the SDR, only manual triggers, one response time for every trigger, a threshold
  untouched for a year, a review too far out, a one-sided or self-countersigned sign-off, no
  edge cases as evidence. Each is a conversation for the next review, not a broken build.
- info: reserved for hints that need no action; no rule uses it yet, but every front-end
  prints and counts it, so adding one needs no other change.

Review dates are checked only on signed versions: a draft has no sign-off yet and `sign`
always sets a review date (by default the end of this quarter, or of the next within 30 days,
never more than 121 days out). Whether a review date has passed is `check`'s concern, because it depends on the day
CI runs, not on the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from workbench.core.domain.account import intent_kinds
from workbench.core.domain.bands import band_warnings, size_text
from workbench.core.domain.clause_evidence import (
    current_json,
    evidence_state,
    stale_words,
    unbacked,
)
from workbench.core.domain.definition import (
    Definition,
    FitGate,
    Motion,
    Scoring,
    Segment,
    Triggers,
)
from workbench.core.domain.framework import (
    LOW_INTENT_TRIGGERS,
    merge_response,
    response_entries,
    response_for,
    response_row,
)
from workbench.core.domain.phrases import activity_label
from workbench.core.domain.points_text import band_text
from workbench.core.domain.safe_text import printable
from workbench.core.domain.sources import normalized, source_form
from workbench.core.domain.templates import HAND_RAISES

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

TIER2_MAX_DAYS = 30  # the framework: "require Tier 2 actions within the last 14-30 days"
STALE_AFTER_DAYS = 365  # "MQL threshold hasn't changed in 12 months"
REVIEW_MAX_DAYS = 183  # two quarters; `sign`'s default (a quarter end) is at most 121


@dataclass(frozen=True, slots=True)
class Rule:
    """One lint rule as documentation: what it guards and what to do about it."""

    id: str
    severity: Severity
    guards: str  # the requirement or anti-pattern, in the framework's words
    advice: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule tripped at one clause: `clause` is the dotted path a reviewer edits."""

    rule: str
    severity: Severity
    clause: str
    message: str
    advice: str

    def to_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "clause": self.clause,
            "message": self.message,
            "advice": self.advice,
        }


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "no-fit-gate",
            "error",
            "objective; anti-pattern 'no fit gate'",
            "Fit is a prerequisite: a student downloading every resource is not an MQL. Set a "
            "company size, industry, region or minimum seniority from your closed-won deals, "
            "and exclude students, job seekers and consultants.",
        ),
        Rule(
            "no-trigger",
            "error",
            "objective: a machine decides which leads are MQLs, so something must decide yes",
            "Nothing in the definition can make a lead an MQL: no tier 1 or tier 4 hand raise, "
            "no tier 2 engagement, no tier 3 score and no account motion. Start from the "
            "framework's tiers: demo request and contact sales as tier 1, pricing visits as "
            "tier 2, a score threshold as tier 3.",
        ),
        Rule(
            "account-motion-without-intent",
            "warning",
            "objective: a machine decides from the history, not from facts typed on a case",
            "An account motion qualifies an account on account-level intent: two high-intent "
            "actions by its contacts within 30 days. High intent is the review rule's "
            "high-intent kinds and the account motions' own trigger kinds, and none is set, "
            "so in a backtest and in the warehouse no account ever shows intent and the motion "
            "qualifies nobody (an edge case can still type the fact in). Tick high-intent "
            "kinds on the review rule, or give the motion trigger kinds of its own.",
        ),
        Rule(
            "demo-request-scored",
            "error",
            "anti-pattern 'demo requests require additional scoring before MQL'",
            "A prospect who explicitly asks for a demo has declared intent: demo request + fit "
            "= instant MQL. Make hand raises tier 1 triggers and remove their points, so "
            "nobody has to reach a score from blog visits first.",
        ),
        Rule(
            "fit-score-unreachable",
            "error",
            "objective; 004 'fit and intent as two axes': a fit bar no lead can clear",
            "The fit score's threshold is above the most points any lead can take, so the fit "
            "gate fails every lead and nothing becomes an MQL. Lower fit.score.threshold or "
            "give fit attributes (seniority, size, industry) the points 002 suggests.",
        ),
        Rule(
            "tier3-score-unreachable",
            "warning",
            "objective: every clause on the page decides something",
            "No activity earns points, and the seniority and source points together stay "
            "below the threshold, so the tier 3 score never makes an MQL though the page says "
            "it does. Give the activities that show intent their points (002's scoring "
            "table), lower the threshold, or switch tier 3 off.",
        ),
        Rule(
            "tier3-reviewed-without-intent",
            "warning",
            "001: tier 3 is the catch-all; review is for high volume with low intent",
            "With review_rule.score_rule on, a tier 3 score with no recent high-intent action "
            "goes to review, so tier 3 never qualifies the lead who engages over time without "
            "a tier 1 or 2 action, the lead 001 made it for. Set review_rule.score_rule = "
            "false: high volume (min_low_intent_actions) still goes to a person.",
        ),
        Rule(
            "segment-bands",
            "warning",
            "objective: a machine decides each company size once and as the room reads it",
            "Segments are chosen by company size: an overlap hands the shared sizes to the "
            "first segment, a gap between two bands rejects those companies as 'no segment', "
            "and a fit gate stricter than its segment's band rejects part of the band by fit. "
            "Move the band's edges, or the gate's size, so they agree.",
        ),
        Rule(
            "fit-size-band-never-applies",
            "warning",
            "objective: every clause on the page decides something",
            "No lead this gate decides is in that size band (the gate's own size range, within "
            "its segment's), so its points never count and the room reads a rule that does "
            "nothing. Remove the band, or move it to the gate whose companies are that size.",
        ),
        Rule(
            "fit-size-bands-stack",
            "info",
            "agreed: the room signs the points a company gets, not two numbers to add up",
            "Every size band a company is in adds its points, so companies in two bands get "
            "both. If that is meant (a bonus on top for the largest), leave it; if the bands "
            "were meant as steps, make them meet without sharing a size (50-199, 200+).",
        ),
        Rule(
            "title-keyword-outside-ascii",
            "warning",
            "objective: a machine applies it the same way in every engine",
            "Title keywords match on the letters a-z and digits only: any other letter is a "
            "word break in Python and in every SQL engine alike, so 'Étudiant' reads as "
            "'tudiant'. Write the keyword in plain letters, or add both spellings.",
        ),
        Rule(
            "fit-value-spelled-unlike-cases",
            "warning",
            "objective: a machine decides, so it must read the value as the CRM writes it",
            "The fit gate compares whole values, ignoring only case: 'North America' does not "
            "match a lead whose region is 'north-america'. Write the value as the edge cases "
            "(and your CRM, see `workbench map`) write it.",
        ),
        Rule(
            "source-apart-and-scored",
            "warning",
            "objective; 002 'event lists and badge scans get their own qualification'",
            "A source qualified apart (fit.exclude_sources) never reaches MQL scoring, so its "
            "points or threshold by source (scoring.source_points, scoring.source_thresholds) "
            "decide nothing. Keep the source in one place: qualify it apart, or score it.",
        ),
        Rule(
            "tier2-without-recency",
            "warning",
            "trigger rule 'tier 2 triggers should have a recency requirement'",
            f"Pricing page visits from 6 months ago are stale. Require tier 2 actions within "
            f"the last 14-{TIER2_MAX_DAYS} days.",
        ),
        Rule(
            "content-download-trigger",
            "warning",
            "anti-pattern 'treating all MQLs the same'; content is low intent",
            "A content download is one low-intent action: nurture until a higher-intent "
            "signal. Let downloads earn tier 3 points instead of triggering an MQL, or at "
            "least flag the trigger type so the SDR knows what the prospect did.",
        ),
        Rule(
            "no-rejection-reasons",
            "warning",
            "calibrated; anti-pattern 'no rejection reason tracking'",
            "Without structured rejection data, marketing cannot improve the definition. Make "
            "the rejection reason a required field with the standard list: bad fit "
            "(company), bad fit (person), not interested, unreachable, duplicate, competitor/"
            "student/job seeker, already a customer, timing.",
        ),
        Rule(
            "sla-without-escalation",
            "warning",
            "anti-pattern 'MQL SLA exists but isn't enforced'",
            "A response time SLA without escalation when it is missed is a suggestion, not an "
            "SLA. Automate escalation (for example to the SDR manager) at the SLA deadline.",
        ),
        Rule(
            "one-response-time",
            "warning",
            "anti-pattern 'treating all MQLs the same'",
            "Respond by intent: demo request and contact sales < 5 minutes, pricing < 15 "
            "minutes, score threshold < 4 hours, content-triggered < 1 business day.",
        ),
        Rule(
            "slower-than-framework",
            "warning",
            "the framework's 'SLA response time by lead type'",
            "Answer each trigger at least as fast as the framework's row for it: demo request "
            "and contact sales under 5 minutes, a pricing conversion under 15 minutes, a score "
            "threshold under 4 hours, a content-triggered MQL within 1 business day.",
        ),
        Rule(
            "fit-gate-without-company-or-role",
            "warning",
            "anti-pattern 'no fit gate': 'regardless of company size, industry, or role'",
            "The gate keeps out students and job seekers, but a tier 3 score still makes an "
            "MQL of anyone else, at any company, in any role. Set a company size, industry, "
            "region or minimum seniority from your closed-won deals, or a fit score.",
        ),
        Rule(
            "sla-weaker-than-framework",
            "warning",
            "agreed: the framework's marketing and sales SLAs",
            "The framework's SLAs: at least 70% of MQLs meet the ICP fit criteria, sales is "
            "notified within 30 seconds, the SDR accepts or rejects within 48 hours, and a "
            "minimum 3-touch follow-up within 7 days. A weaker commitment is a choice the room "
            "should make out loud.",
        ),
        Rule(
            "no-trigger-type-field",
            "warning",
            "anti-pattern 'treating all MQLs the same'",
            "At minimum, flag the MQL trigger type so the SDR knows what action the prospect "
            "took: keep mql_trigger in sla.marketing.required_fields.",
        ),
        Rule(
            "manual-triggers-only",
            "warning",
            "objective: 'can a machine apply the definition with no human input?'",
            "Only tier 4 (a person's manual request) can make an MQL, so no lead qualifies by "
            "the definition itself. Add the hand raises as tier 1 triggers (demo request, "
            "contact sales) so the machine decides the clear cases.",
        ),
        Rule(
            "stale-threshold",
            "warning",
            "calibrated; anti-pattern 'MQL threshold hasn't changed in 12 months'",
            "Your ICP, content and traffic sources have shifted. Calibrate quarterly: above "
            "60% acceptance, test a 10% lower threshold; below 30%, raise it. If the data "
            "says keep it, record that review by re-signing.",
        ),
        Rule(
            "review-date",
            "warning",
            "calibrated: 'when was the last time you reviewed and adjusted the criteria?'",
            "Set a review date: 'we'll revisit this definition at the end of the quarter'. "
            "Calibrate quarterly; two quarters is the longest a definition should go unreviewed.",
        ),
        Rule(
            "one-sided-signoff",
            "warning",
            "agreed: 'marketing AND sales signed off on the same definition'",
            "Both sides must agree in writing. An objective definition that sales did not "
            "agree to gets ignored: get the other side's sign-off before treating it as in "
            "force.",
        ),
        Rule(
            "no-edge-cases",
            "warning",
            "data-derived: 'can you show the data that supports each criterion?'",
            "Add the cases the room argued about (from closed-won deals and rejected MQLs) "
            "with their agreed outcomes, so every criterion has evidence and every change "
            "shows what it flips.",
        ),
        Rule(
            "clause-without-evidence",
            "warning",
            "data-derived: 'built from analysis of closed-won deals, not from sales team opinions'",
            "This folder names a lead history to analyse, so this criterion can be shown "
            "from data: accept a proposal from `workbench analyze`, or record the figure that "
            "backs it with `workbench evidence DEFINITION --clause CLAUSE --note TEXT`.",
        ),
        Rule(
            "evidence-stale",
            "warning",
            "data-derived: the evidence must be for the criterion as written",
            "The clause was edited after its evidence was recorded, so the figure describes a "
            "value the definition no longer holds. Re-run the analysis for the new value, or "
            "record the figure that backs it now.",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class _Context:
    definition: Definition
    history: Sequence[Definition]
    today: date
    lead_history: bool = False


def lint(
    definition: Definition,
    history: Iterable[Definition] = (),
    *,
    today: date,
    lead_history: bool = False,
) -> list[Finding]:
    """Every rule against one definition; `history` is the earlier versions of its slug.

    Pure: the same definition, history and `today` always give the same findings. Versions
    of other slugs, or not earlier than `definition`, are ignored in `history`.
    `lead_history` says the room has closed-won data to show (the front-ends pass it when the
    folder has an evidence.toml): only then is a criterion without evidence a finding, since
    without data nobody can be asked for it.
    """
    earlier = [d for d in history if d.slug == definition.slug and d.version < definition.version]
    context = _Context(definition, sorted(earlier, key=lambda d: d.version), today, lead_history)
    findings: list[Finding] = []
    for check in _CHECKS:
        findings.extend(check(context))
    return findings


def _finding(rule: str, clause: str, message: str) -> Finding:
    spec = RULES[rule]
    return Finding(rule, spec.severity, clause, message, spec.advice)


# --- where each clause lives ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _RuleSet:
    """The clauses one segment or motion applies, with the path of the table that holds each."""

    triggers_path: str
    triggers: Triggers
    scoring_path: str
    scoring: Scoring | None
    response_path: str
    response_minutes: dict[str, int]


def _rule_sets(definition: Definition) -> list[_RuleSet]:
    """The evaluator's rule sets, as lint reads them (`Definition.owned` picks each clause)."""
    base_response = definition.sla.sales.response_minutes
    found = []
    for owner in definition.owners():
        triggers_path, triggers = definition.owned(owner, "triggers")
        scoring_path, scoring = definition.owned(owner, "scoring")
        response_path, response = definition.owned(owner, "response_minutes")
        found.append(
            _RuleSet(
                triggers_path,
                triggers,
                scoring_path,
                scoring,
                response_path,
                {**base_response, **response},
            )
        )
    return found


def _unique(findings: Iterable[Finding]) -> Iterator[Finding]:
    """A clause shared by several segments is reported once, not once per segment."""
    seen: set[tuple[str, str]] = set()
    for finding in findings:
        key = (finding.rule, finding.clause)
        if key not in seen:
            seen.add(key)
            yield finding


# --- objective ---------------------------------------------------------------------


def _constrained(fit: FitGate) -> bool:
    """Does the gate exclude anyone by who they are? Competitor lists alone do not count."""
    return bool(
        _company_or_role(fit)
        or fit.excluded_personas
        or fit.exclude_titles
        or fit.exclude_email_domains
    )


def _company_or_role(fit: FitGate) -> bool:
    """Does the gate look at the company or the person's role (001: "regardless of company
    size, industry, or role")? Exclusions of students and job seekers do not."""
    return bool(
        (fit.min_employees or 0) > 0
        or fit.max_employees is not None
        or fit.industries
        or fit.regions
        or (fit.min_seniority is not None and fit.min_seniority != "intern")
        or _score_can_fail(fit)
    )


def fit_score_floor(fit: FitGate) -> int | None:
    """The fewest fit points any lead can take (None: no fit score): `fit_score_ceiling`'s
    mirror. An unknown value adds 0, so a single-valued table's floor is its lowest entry or
    0."""
    return _fit_score_bound(fit, lowest=True)


def _score_can_fail(fit: FitGate) -> bool:
    """A fit score some lead falls below: `threshold = 0` with no negative points keeps
    nobody out, so it is no gate at all."""
    floor = fit_score_floor(fit)
    return fit.score is not None and floor is not None and floor < fit.score.threshold


def fit_score_ceiling(fit: FitGate) -> int | None:
    """The most fit points any lead can take (None: no fit score). Each seniority and each
    industry is one value; several domain, title and size entries can match at once."""
    return _fit_score_bound(fit, lowest=False)


def _fit_score_bound(fit: FitGate, lowest: bool) -> int | None:
    """The fewest (`lowest`) or the most fit points a lead can take: one entry of a
    single-valued table or 0 (an unknown value), and every entry of the same sign from the
    tables whose entries can match together."""
    score = fit.score
    if score is None:
        return None
    sign = -1 if lowest else 1

    def one(values: Iterable[int]) -> int:
        return sign * max([0, *(sign * v for v in values)])

    def every(values: Iterable[int]) -> int:
        return sum(v for v in values if sign * v > 0)

    return (
        one(score.seniority_points.values())
        + one(score.industry_points.values())
        + every(score.email_domain_points.values())
        + every(score.title_points.values())
        + every(band.points for band in score.size_points)
    )


def _fit_score_unreachable(context: _Context) -> Iterator[Finding]:
    for clause, gate, _narrowed in _fit_gates(context.definition):
        ceiling = fit_score_ceiling(gate)
        if gate.score is not None and ceiling is not None and ceiling < gate.score.threshold:
            yield _finding(
                "fit-score-unreachable",
                f"{clause}.score.threshold",
                f"a fit score of {gate.score.threshold} is needed, but the most a lead can "
                f"take is {ceiling}: every lead fails the fit gate",
            )


def _tier3_score_unreachable(context: _Context) -> Iterator[Finding]:
    """A tier 3 score no lead reaches. Activity points add up without a bound (each activity
    in the window counts), so only a score with no positive activity points can be out of
    reach: its seniority and source points are added once per lead, and each source is held
    to its own threshold (`evaluator.source_threshold`). A source the fit gate qualifies apart
    (`exclude_sources`) never reaches tier 3 at all. A scoring table several segments share
    is out of reach only if it is for the leads of every one of them."""
    definition = context.definition
    reach: dict[str, list[tuple[int, int]]] = {}
    tables: dict[str, Scoring] = {}
    for owner in definition.owners():
        _path, triggers = definition.owned(owner, "triggers")
        scoring_path, scoring = definition.owned(owner, "scoring")
        _fit_path, fit = definition.owned(owner, "fit")
        if not triggers.tier3 or scoring is None:
            continue
        tables[scoring_path] = scoring
        found = reach.setdefault(scoring_path, [])
        if any(points > 0 for points in scoring.activity_points.values()):
            found.append((1, 0))  # activity points reach any threshold
            continue
        seniority = max([0, *scoring.seniority_points.values()])
        points = normalized(scoring.source_points)
        thresholds = normalized(scoring.source_thresholds)
        apart = {form for entry in fit.exclude_sources if (form := source_form(entry))}
        # Each listed source, and any other (or none), which takes no source points.
        for source in {*points, *thresholds} - apart:
            found.append(
                (seniority + points.get(source, 0), thresholds.get(source, scoring.threshold))
            )
        found.append((seniority, scoring.threshold))
    for scoring_path, pairs in reach.items():
        if any(best >= needed for best, needed in pairs):
            continue
        scoring = tables[scoring_path]
        by_source = (
            f" ({', '.join(f'{k} {v}' for k, v in scoring.source_thresholds.items())} by source)"
            if scoring.source_thresholds
            else ""
        )
        yield _finding(
            "tier3-score-unreachable",
            f"{scoring_path}.threshold",
            f"a score of {scoring.threshold}{by_source} is needed, but no activity earns points "
            f"and seniority and source points reach at most {max(b for b, _ in pairs)}: the "
            "tier 3 score qualifies nobody",
        )


def _tier3_reviewed_without_intent(context: _Context) -> Iterator[Finding]:
    """The score rule (files before `score_rule` existed read it on) sends every tier 3 score
    without a recent high-intent action to review: 001's catch-all never fires for them."""
    definition = context.definition
    rule = definition.review_rule
    if not (rule.enabled and rule.score_rule):
        return
    if definition.scores_tier3():
        yield _finding(
            "tier3-reviewed-without-intent",
            "review_rule.score_rule",
            "a tier 3 score with no high-intent action goes to review, so the score "
            "alone never makes an MQL",
        )


def _segment_bands(context: _Context) -> Iterator[Finding]:
    """The Segments step's warnings (`bands`), in its words, for `check` and sign-off: a band
    its own fit gate cuts short was said only where the room typed it, and CI stayed green."""
    segments = context.definition.segments
    for problem in band_warnings(context.definition):
        # The step's path names a segment by place ("segments.0."), lint's by id.
        clause = re.sub(
            r"^segments\.(\d+)\.", lambda m: f"segments.{segments[int(m[1])].id}.", problem.clause
        )
        yield _finding("segment-bands", clause, problem.message)


def _fit_size_band_never_applies(context: _Context) -> Iterator[Finding]:
    """A fit score's size band outside every size its gate can see: the 10m-30m template's SMB
    gate (50-199 employees) carried '200+ employees +10' from the main gate's score. A gate
    shared by several segments sees each one's band: dead only where it is dead in all."""
    definition = context.definition
    seen: dict[str, tuple[FitGate, list[tuple[int, int | None]]]] = {}
    for owner in definition.owners():
        path, gate = definition.owned(owner, "fit")
        if gate.score is None:
            continue
        low, high = gate.min_employees or 0, gate.max_employees
        if isinstance(owner, Segment):
            low = max(low, owner.min_employees or 0)
            highs = [h for h in (high, owner.max_employees) if h is not None]
            high = min(highs) if highs else None
        if high is not None and low > high:
            continue  # the gate and its segment share no size: it decides no company at all
        ranges = seen.setdefault(path, (gate, []))[1]
        if (low, high) not in ranges:  # two motions sharing the main gate see one range
            ranges.append((low, high))
    for path, (gate, ranges) in seen.items():
        assert gate.score is not None
        for index, band in enumerate(gate.score.size_points):
            band_low, band_high = band.min_employees or 0, band.max_employees
            if any(
                (high is None or band_low <= high) and (band_high is None or band_high >= low)
                for low, high in ranges
            ):
                continue
            sizes = " or ".join(size_text(low, high) for low, high in ranges)
            yield _finding(
                "fit-size-band-never-applies",
                f"{path}.score.size_points[{index}]",
                f"{band_text(band.min_employees, band.max_employees)} employees "
                f"{band.points:+d} never applies: this gate decides companies of {sizes} "
                "employees",
            )


def _fit_size_bands_stack(context: _Context) -> Iterator[Finding]:
    """Two size bands of one fit score sharing sizes: both count (`FitScore`), so '50-500 +5'
    and '200+ +10' score a company of 300 +15, which the facilitator had typed as two steps
    and the room read as such."""
    return _unique(_stacked_bands(context.definition))


def _stacked_bands(definition: Definition) -> Iterator[Finding]:
    for clause, gate, _narrowed in _fit_gates(definition):
        if gate.score is None:
            continue
        # (place, band); a band of +0 adds nothing to stack
        bands = [(at, band) for at, band in enumerate(gate.score.size_points) if band.points]
        for later, (at, band) in enumerate(bands):
            for _place, earlier in bands[:later]:
                low = max(band.min_employees or 0, earlier.min_employees or 0)
                highs = [h for h in (band.max_employees, earlier.max_employees) if h is not None]
                high = min(highs) if highs else None
                if high is not None and low > high:
                    continue
                yield _finding(
                    "fit-size-bands-stack",
                    f"{clause}.score.size_points[{at}]",
                    f"{band_text(earlier.min_employees, earlier.max_employees)} employees "
                    f"{earlier.points:+d} and {band_text(band.min_employees, band.max_employees)}"
                    f" {band.points:+d} both count for companies of {size_text(low, high)}: "
                    f"they score {earlier.points + band.points:+d}",
                )


def _title_keyword_outside_ascii(context: _Context) -> Iterator[Finding]:
    for clause, gate, _narrowed in _fit_gates(context.definition):
        keywords = [(f"{clause}.exclude_titles", k) for k in gate.exclude_titles]
        if gate.score is not None:
            keywords += [(f"{clause}.score.title_points", k) for k in gate.score.title_points]
        for where, keyword in keywords:
            if not keyword.isascii():
                yield _finding(
                    "title-keyword-outside-ascii",
                    where,
                    f"title keyword {keyword!r} has letters outside a-z, which read as word breaks",
                )


def _folded(value: str) -> str:
    """Letters and digits only, lower case: 'North America' and 'north-america' alike."""
    return "".join(ch for ch in value.lower() if ch.isalnum())


# A fit gate's lists of values and the lead field (and lead-history column) each is compared
# with: lint's spelling rule and the warnings under the field (`risky`) read the same table.
FIT_VALUE_FIELDS = {"industries": "industry", "regions": "region"}


def spelled_unlike_cases(
    definition: Definition, values: Sequence[str], field: str
) -> list[tuple[str, str]]:
    """(value typed, as an edge case writes it) for each value whose words a case writes
    otherwise, where the gate lists no value that matches the case ("North America" where a
    case says "north-america"): the gate then fails that case's lead without a word. Each
    spelling a case writes counts, and every value of the gate."""
    written: dict[str, list[str]] = {}
    for case in definition.cases:
        found = getattr(case.lead.company, field, None)
        if isinstance(found, str) and found.strip():
            spellings = written.setdefault(_folded(found), [])
            if found.strip() not in spellings:
                spellings.append(found.strip())
    listed = {value.strip().lower() for value in values}
    out: list[tuple[str, str]] = []
    said: set[str] = set()
    for value in values:
        key = _folded(value)
        missing = [w for w in written.get(key, []) if w.lower() not in listed]
        if missing and key not in said:
            said.add(key)
            out.append((value, missing[0]))
    return out


def _fit_value_spelled_unlike_cases(context: _Context) -> Iterator[Finding]:
    def found() -> Iterator[Finding]:
        for clause, gate, _narrowed in _fit_gates(context.definition):
            for attr, field in FIT_VALUE_FIELDS.items():
                for typed, other in spelled_unlike_cases(
                    context.definition, getattr(gate, attr), field
                ):
                    yield _finding(
                        "fit-value-spelled-unlike-cases",
                        f"{clause}.{attr}",
                        f"{field} {typed!r} is written {other!r} in the edge cases: the gate "
                        f"compares whole values, so a lead written {other!r} does not match",
                    )

    return _unique(found())


_SOURCE_TABLES = {"source_points": "its points", "source_thresholds": "its threshold"}


def _source_apart_and_scored(context: _Context) -> Iterator[Finding]:
    """A source both qualified apart and given points or a threshold by source."""
    definition = context.definition

    def found() -> Iterator[Finding]:
        for owner in definition.owners():
            fit_path, gate = definition.owned(owner, "fit")
            scoring_path, scoring = definition.owned(owner, "scoring")
            apart = {source_form(v): v for v in gate.exclude_sources}
            if scoring is None or not apart:
                continue
            for table in ("source_points", "source_thresholds"):
                for key in getattr(scoring, table):
                    if source_form(key) in apart:
                        yield _finding(
                            "source-apart-and-scored",
                            f"{scoring_path}.{table}.{key}",
                            f"lead source {key!r} is qualified apart in "
                            f"{fit_path}.exclude_sources ({apart[source_form(key)]!r}), so "
                            f"{_SOURCE_TABLES[table]} by source is never used",
                        )

    return _unique(found())


def _fit_gates(definition: Definition) -> list[tuple[str, FitGate, bool]]:
    """(clause, gate, narrowed otherwise): a segment's size band or a target-account list
    also keeps unfit leads out, so a bare gate behind one is not 'no fit gate'. Nor is a
    pre-$1M rule set whose only triggers are hand raises: 001's stage table has no formal MQL
    there, "every inbound demo request goes directly to the founder"."""
    gates = []
    for owner in definition.owners():
        path, gate = definition.owned(owner, "fit")
        narrowed = False
        if isinstance(owner, Segment):
            narrowed = (owner.min_employees or 0) > 0 or owner.max_employees is not None
        elif isinstance(owner, Motion):
            narrowed = owner.target_accounts_only
        if definition.stage == "pre-1m":
            _path, triggers = definition.owned(owner, "triggers")
            narrowed = narrowed or not (triggers.tier2 or triggers.tier3)
        gates.append((path, gate, narrowed))
    return gates


def _no_fit_gate(context: _Context) -> Iterator[Finding]:
    for clause, gate, narrowed in _fit_gates(context.definition):
        if narrowed or _constrained(gate):
            continue
        floor = fit_score_floor(gate)
        if gate.score is not None and floor is not None:
            # The score is all the gate has, and it keeps nobody out.
            yield _finding(
                "no-fit-gate",
                f"{clause}.score.threshold",
                f"a fit score of {gate.score.threshold} is needed, but the fewest points a lead "
                f"can take is {floor}: every lead passes, and nothing else in the gate "
                "excludes anyone",
            )
            continue
        yield _finding(
            "no-fit-gate",
            clause,
            "no company size, industry, region, seniority or excluded persona: "
            "leads become MQLs on behaviour alone",
        )


def _fit_gate_without_company_or_role(context: _Context) -> Iterator[Finding]:
    """Where a behaviour score makes MQLs (001's "downloaded 5 ebooks = MQL"), a gate that
    keeps out students and job seekers but looks at no company size, industry, region or
    seniority. Per rule set: one that scores, and that nothing else narrows. A warning: such
    a gate was accepted before, and a signed file keeps passing `check`."""
    definition = context.definition

    def found() -> Iterator[Finding]:
        for owner in definition.owners():
            clause, gate = definition.owned(owner, "fit")
            triggers = definition.owned(owner, "triggers")[1]
            scores = triggers.tier3 and definition.owned(owner, "scoring")[1] is not None
            if isinstance(owner, Segment):
                narrowed = (owner.min_employees or 0) > 0 or owner.max_employees is not None
            else:
                narrowed = isinstance(owner, Motion) and owner.target_accounts_only
            if scores and not narrowed and _constrained(gate) and not _company_or_role(gate):
                yield _finding(
                    "fit-gate-without-company-or-role",
                    clause,
                    "no company size, industry, region or seniority, and a tier 3 score makes "
                    "MQLs: a lead from any company, in any role, becomes an MQL on behaviour "
                    "alone",
                )

    return _unique(found())


def qualifies_nobody(definition: Definition) -> bool:
    """No rule set has a trigger, nor qualifies accounts: every lead is rejected, whatever it
    does. A segment or motion of its own without triggers may be deliberate (nurture only);
    all of them is not. Public so the Triggers step says "cannot be signed" as it happens."""
    for owner in definition.owners():
        if isinstance(owner, Motion) and owner.qualifies_account and intent_kinds(definition):
            return False  # with no intent kind no account qualifies: a warning of its own
        triggers = definition.owned(owner, "triggers")[1]
        scored = triggers.tier3 and definition.owned(owner, "scoring")[1] is not None
        if triggers.tier1 or triggers.tier2 or triggers.tier4 or scored:
            return False
    return True


def _no_trigger(context: _Context) -> Iterator[Finding]:
    definition = context.definition
    if qualifies_nobody(definition):
        # The table the first rule set reads: with segments or motions the main [triggers]
        # may hold hand raises nobody applies, and pointing there would fix nothing.
        yield _finding(
            "no-trigger",
            definition.owned(definition.owners()[0], "triggers")[0],
            "no tier 1, 2, 3 or 4 trigger: no lead can ever become an MQL",
        )


def _account_motion_without_intent(context: _Context) -> Iterator[Finding]:
    definition = context.definition
    if intent_kinds(definition):
        return
    for motion in definition.motions:
        if motion.qualifies_account:
            yield _finding(
                "account-motion-without-intent",
                f"motions.{motion.id}.qualifies",
                f"the {motion.label or motion.id} motion qualifies accounts, but no activity "
                "kind counts as account-level intent (the review rule's high_intent and the "
                "account motions' trigger kinds are empty): no account in the history can "
                "ever qualify",
            )


def scored_hand_raises(definition: Definition) -> list[Finding]:
    """The `demo-request-scored` findings: a tier 1 trigger that also earns points, or a hand
    raise that earns points without being an instant trigger (tier 1 or 4). Public so the
    Triggers step's note says "cannot be signed" exactly where signing refuses."""
    return list(_demo_request_scored_in(definition))


def _demo_request_scored(context: _Context) -> Iterator[Finding]:
    return _demo_request_scored_in(context.definition)


def points_refused(kind: str, triggers: Triggers) -> str | None:
    """Why positive points on `kind` fail `demo-request-scored` under `triggers`, or None.

    The one rule: lint reports it and `fit-scoring` leaves such points out of what it
    writes, so a fitted draft can be signed."""
    if kind in triggers.tier1:
        return "tier 1"
    if kind in HAND_RAISES and kind not in triggers.tier4:
        return "hand raise"
    return None


def _demo_request_scored_in(definition: Definition) -> Iterator[Finding]:
    def found() -> Iterator[Finding]:
        for rules in _rule_sets(definition):
            if rules.scoring is None:
                continue
            for kind, points in rules.scoring.activity_points.items():
                clause = f"{rules.scoring_path}.activity_points.{kind}"
                if points <= 0:
                    continue
                why = points_refused(kind, rules.triggers)
                if why == "tier 1":
                    yield _finding(
                        "demo-request-scored",
                        clause,
                        f"{activity_label(kind)} is a tier 1 trigger and also earns {points} "
                        "points: a tier "
                        "1 trigger is an instant MQL, not something to score",
                    )
                elif why == "hand raise":
                    yield _finding(
                        "demo-request-scored",
                        clause,
                        f"{activity_label(kind)} earns {points} points but is not a tier 1 "
                        "trigger, so a "
                        "prospect who asked must also reach the score threshold",
                    )

    return _unique(found())


def _content_download_trigger(context: _Context) -> Iterator[Finding]:
    def found() -> Iterator[Finding]:
        for rules in _rule_sets(context.definition):
            triggers, path = rules.triggers, rules.triggers_path
            for tier in ("tier1", "tier4"):
                if any(kind in getattr(triggers, tier) for kind in LOW_INTENT_TRIGGERS):
                    yield _finding(
                        "content-download-trigger",
                        f"{path}.{tier}",
                        f"a content download is a {tier[:4]} {tier[4:]} MQL trigger",
                    )
            for index, rule in enumerate(triggers.tier2):
                if rule.kind in LOW_INTENT_TRIGGERS:
                    yield _finding(
                        "content-download-trigger",
                        f"{path}.tier2[{index}]",
                        f"{rule.min_count}+ content downloads make a tier 2 MQL",
                    )

    return _unique(found())


def _trigger_keys(triggers: Triggers) -> set[str]:
    """What can make an MQL in these triggers: each activity kind a tier names, and the score."""
    keys = set(triggers.tier1) | set(triggers.tier4)
    keys |= {kind for rule in triggers.tier2 for kind in rule.kinds}
    return keys | ({"score"} if triggers.tier3 else set())


def _one_response_time(context: _Context) -> Iterator[Finding]:
    definition = context.definition
    sales = definition.sla.sales

    def found() -> Iterator[Finding]:
        for owner in definition.owners():
            path, _own = definition.owned(owner, "response_minutes")
            merged = merge_response(
                sales.response_minutes,
                sales.response_business_days,
                owner.response_minutes if owner is not None else None,
                owner.response_business_days if owner is not None else None,
            )
            table = response_entries(*merged)
            _path, triggers = definition.owned(owner, "triggers")
            if len(_trigger_keys(triggers)) <= 1 and table:
                continue  # one trigger (pre-$1M's demo request) needs one response time
            if not table:
                message = "no response time is set for any trigger"
            elif len(table) == 1:
                ((key, deadline),) = table
                message = f"one response time ({deadline.text()}, for {key}) for every trigger"
            elif len({deadline for _key, deadline in table}) == 1:
                message = f"every trigger has the same response time ({table[0][1].text()})"
            else:
                continue
            yield _finding("one-response-time", path, message)

    return _unique(found())


def _slower_than_framework(context: _Context) -> Iterator[Finding]:
    """Magnitudes, not only presence: each trigger a rule set can fire, against its row."""
    definition = context.definition
    sales = definition.sla.sales

    def found() -> Iterator[Finding]:
        for owner in definition.owners():
            triggers_path, triggers = definition.owned(owner, "triggers")
            own_minutes = owner.response_minutes if owner is not None else None
            own_days = owner.response_business_days if owner is not None else None
            minutes, days = merge_response(
                sales.response_minutes, sales.response_business_days, own_minutes, own_days
            )
            fired = [(kind, 1) for kind in triggers.tier1]
            fired += [(rule.kind, 2) for rule in triggers.tier2]
            fired += [("score", 3)] if triggers.tier3 else []
            fired += [(kind, 4) for kind in triggers.tier4]
            for trigger, tier in fired:
                row = response_row(trigger, tier)
                deadline = response_for(minutes, days, trigger, tier)
                if row is None or deadline is None:
                    continue
                key, given = deadline
                if given.nominal_minutes() <= row.limit.nominal_minutes():
                    continue
                unit = "response_business_days" if given.business_days else "response_minutes"
                own = own_days if given.business_days else own_minutes
                clause = (
                    f"{'segments' if isinstance(owner, Segment) else 'motions'}.{owner.id}"
                    if owner is not None and own is not None and key in own
                    else "sla.sales"
                ) + f".{unit}.{key}"
                message = (
                    f"{clause} is {given.value_text()}; the framework's row '{row.name}' is "
                    f"{row.words}"
                )
                if key != trigger and tier != 3:
                    message += (
                        f" (it answers {activity_label(trigger)} in {triggers_path}.tier{tier})"
                    )
                yield _finding("slower-than-framework", clause, message)

    return _unique(found())


# --- signals that go stale -----------------------------------------------------------


def _tier2_without_recency(context: _Context) -> Iterator[Finding]:
    def found() -> Iterator[Finding]:
        for rules in _rule_sets(context.definition):
            for index, rule in enumerate(rules.triggers.tier2):
                if rule.within_days > TIER2_MAX_DAYS:
                    yield _finding(
                        "tier2-without-recency",
                        f"{rules.triggers_path}.tier2[{index}]",
                        f"{rule.kind} counts actions from the last {rule.within_days} days, "
                        f"more than {TIER2_MAX_DAYS}",
                    )
        # The same staleness lets an old pricing view clear high volume from review.
        days = context.definition.review_rule.high_intent_days
        if days is not None and days > TIER2_MAX_DAYS:
            yield _finding(
                "tier2-without-recency",
                "review_rule.high_intent_days",
                f"a high-intent action from the last {days} days clears high volume from "
                f"review, more than {TIER2_MAX_DAYS}",
            )

    return _unique(found())


# --- the SLA -----------------------------------------------------------------------


def _no_rejection_reasons(context: _Context) -> Iterator[Finding]:
    if not context.definition.sla.sales.rejection_reasons:
        yield _finding(
            "no-rejection-reasons",
            "sla.sales.rejection_reasons",
            "sales can reject an MQL without a standard reason",
        )


def _sla_weaker_than_framework(context: _Context) -> Iterator[Finding]:
    """Each SLA figure against the framework's: magnitudes, like `slower-than-framework`."""
    sla = context.definition.sla
    marketing, sales = sla.marketing, sla.sales
    checks = (
        (
            marketing.quality_pct < 70,
            "sla.marketing.quality_pct",
            f"{marketing.quality_pct}% of MQLs meeting the fit criteria, where the framework "
            "commits to at least 70%",
        ),
        (
            marketing.notify_seconds > 30,
            "sla.marketing.notify_seconds",
            f"sales notified within {marketing.notify_seconds} seconds, where the framework "
            "says within 30",
        ),
        (
            sales.decide_within_hours > 48,
            "sla.sales.decide_within_hours",
            f"the SDR accepts or rejects within {sales.decide_within_hours} hours, where the "
            "framework says within 48",
        ),
        (
            sales.follow_up_touches < 3 or sales.follow_up_days > 7,
            "sla.sales.follow_up_touches"
            if sales.follow_up_touches < 3
            else "sla.sales.follow_up_days",
            f"{sales.follow_up_touches} follow-up "
            f"{'touch' if sales.follow_up_touches == 1 else 'touches'} within "
            f"{sales.follow_up_days} days, where the framework asks at least 3 within 7",
        ),
    )
    for weaker, clause, message in checks:
        if weaker:
            yield _finding("sla-weaker-than-framework", clause, message)


def _no_trigger_type_field(context: _Context) -> Iterator[Finding]:
    if "mql_trigger" not in context.definition.sla.marketing.required_fields:
        yield _finding(
            "no-trigger-type-field",
            "sla.marketing.required_fields",
            "an MQL reaches sales without the action that made it one (mql_trigger)",
        )


def _manual_triggers_only(context: _Context) -> Iterator[Finding]:
    """Tier 4 is manual (001): a definition that only it can fire is decided by people."""
    definition = context.definition
    if qualifies_nobody(definition):
        return  # `no-trigger` says it
    automatic = False
    for owner in definition.owners():
        if isinstance(owner, Motion) and owner.qualifies_account:
            automatic = True
        triggers = definition.owned(owner, "triggers")[1]
        scored = triggers.tier3 and definition.owned(owner, "scoring")[1] is not None
        automatic = automatic or bool(triggers.tier1 or triggers.tier2 or scored)
    if not automatic:
        yield _finding(
            "manual-triggers-only",
            "triggers",
            "only tier 4, a person's request, can make an MQL: no hand raise, visit or score "
            "qualifies a lead by itself",
        )


def _sla_without_escalation(context: _Context) -> Iterator[Finding]:
    if context.definition.sla.escalation is None:
        yield _finding(
            "sla-without-escalation",
            "sla.escalation",
            "nothing happens when a response deadline is missed",
        )


# --- agreed and calibrated -----------------------------------------------------------


def signed_on(definition: Definition) -> date | None:
    """When a version came into force: the later of its signers' dates (both must sign).

    Reads the sides with getattr, so a sign-off with one side missing still has a date.
    """
    signoff = definition.signoff
    if signoff is None:
        return None
    dates = [
        signer.signed_at.date()
        for signer in (getattr(signoff, "marketing", None), getattr(signoff, "sales", None))
        if signer is not None and getattr(signer, "signed_at", None) is not None
    ]
    return max(dates) if dates else definition.created


def _stale_threshold(context: _Context) -> Iterator[Finding]:
    """The same threshold, signed version after signed version, for more than a year.

    The newest signed run counts back from this version (or, for a draft, from the last
    signed version before it): a draft that keeps the threshold keeps the clock running.
    """
    current = context.definition
    if current.scoring is None:
        return
    threshold = current.scoring.threshold
    candidates = [*context.history, current]
    signed = [d for d in candidates if d.is_signed and d.signoff is not None]
    since: tuple[Definition, date] | None = None
    for version in reversed(signed):
        when = signed_on(version)
        if version.scoring is None or version.scoring.threshold != threshold or when is None:
            break
        since = (version, when)
    if since is None:
        return
    version, when = since
    days = (context.today - when).days
    if days > STALE_AFTER_DAYS:
        yield _finding(
            "stale-threshold",
            "scoring.threshold",
            f"threshold {threshold} unchanged since v{version.version} was signed on "
            f"{when.isoformat()} ({days} days)",
        )


def _review_date(context: _Context) -> Iterator[Finding]:
    definition = context.definition
    if not definition.is_signed or definition.signoff is None:
        return
    review = getattr(definition.signoff, "review_date", None)
    if review is None:
        yield _finding("review-date", "signoff.review_date", "signed without a review date")
        return
    start = signed_on(definition) or definition.created
    days = (review - start).days
    if days > REVIEW_MAX_DAYS:
        yield _finding(
            "review-date",
            "signoff.review_date",
            f"the review on {review.isoformat()} is {days} days after signing "
            f"({start.isoformat()}), more than two quarters",
        )


def _one_sided_signoff(context: _Context) -> Iterator[Finding]:
    """A sign-off with a side missing, complete or partial (`partial_signoff`, one SSH side
    so far, is read with getattr so this rule does not depend on that model)."""
    definition = context.definition
    signoff = definition.signoff or getattr(definition, "partial_signoff", None)
    if signoff is None:
        return
    marketing = getattr(signoff, "marketing", None)
    sales = getattr(signoff, "sales", None)
    if marketing is None and sales is None:
        yield _finding("one-sided-signoff", "signoff", "neither side has signed")
    elif marketing is None or sales is None:
        signed, missing = ("sales", "marketing") if marketing is None else ("marketing", "sales")
        yield _finding(
            "one-sided-signoff",
            f"signoff.{missing}",
            f"signed by {signed} only; {missing} has not signed",
        )
    elif _same_person(marketing.name, sales.name):
        yield _finding(
            "one-sided-signoff",
            "signoff",
            f"{marketing.name} signed for both marketing and sales",
        )


def _same_person(first: str, second: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def _no_edge_cases(context: _Context) -> Iterator[Finding]:
    if not context.definition.cases:
        yield _finding("no-edge-cases", "cases", "no edge cases show what the definition decides")


def _clause_without_evidence(context: _Context) -> Iterator[Finding]:
    if not context.lead_history:
        return
    for clause in unbacked(context.definition):
        yield _finding(
            "clause-without-evidence",
            clause,
            f"{clause} has no evidence: no figure from the lead history shows it picks buyers",
        )


def _stale(definition: Definition, clause: str, measured: str) -> str:
    """'recorded for director, and the clause has changed since'; a whole table of clauses
    names what changed ('recorded before industries, regions changed')."""
    words = stale_words(measured, current_json(definition, clause) or "null", say_now=False)
    if words.startswith("measured before"):
        return "recorded" + words.removeprefix("measured")
    return "recorded" + words.removeprefix("measured") + ", and the clause has changed since"


def _evidence_stale(context: _Context) -> Iterator[Finding]:
    definition = context.definition
    for clause, evidence in definition.evidence.items():
        state = evidence_state(definition, clause)
        if state == "stale":
            yield _finding(
                "evidence-stale",
                clause,
                f"the evidence for {clause} ({printable(evidence.figure, one_line=True)}) was "
                + printable(_stale(definition, clause, evidence.for_value), one_line=True),
            )
        elif state == "gone":
            yield _finding(
                "evidence-stale",
                clause,
                f"evidence is recorded for {clause}, which this definition no longer has",
            )


_CHECKS: tuple[Callable[[_Context], Iterable[Finding]], ...] = (
    _no_fit_gate,
    _fit_gate_without_company_or_role,
    _no_trigger,
    _account_motion_without_intent,
    _demo_request_scored,
    _fit_score_unreachable,
    _tier3_score_unreachable,
    _tier3_reviewed_without_intent,
    _segment_bands,
    _fit_size_band_never_applies,
    _fit_size_bands_stack,
    _title_keyword_outside_ascii,
    _fit_value_spelled_unlike_cases,
    _source_apart_and_scored,
    _tier2_without_recency,
    _content_download_trigger,
    _no_rejection_reasons,
    _sla_without_escalation,
    _sla_weaker_than_framework,
    _no_trigger_type_field,
    _manual_triggers_only,
    _one_response_time,
    _slower_than_framework,
    _stale_threshold,
    _review_date,
    _one_sided_signoff,
    _no_edge_cases,
    _clause_without_evidence,
    _evidence_stale,
)


def lint_lines(findings: list[Finding]) -> list[str]:
    """`workbench lint`'s text: a line per finding, `SEVERITY rule clause: message`, and a
    rule's advice once, under its first finding (fifteen clauses without evidence printed
    the same two lines fifteen times)."""
    lines: list[str] = []
    said: set[str] = set()
    for finding in findings:
        lines.append(
            f"{finding.severity.upper()} {finding.rule} {finding.clause}: {finding.message}"
        )
        if finding.advice not in said:
            said.add(finding.advice)
            lines.append(f"    {finding.advice}")
    return lines
