"""Anti-pattern lint: every rule tripped by a definition made for it, and not by a good one.

Definitions start from the stage templates (which lint clean) and change one clause. Dates
are relative to a fixed TODAY, so nothing here depends on the real date; `workbench lint`
runs through typer's runner, with dates relative to date.today() since the CLI uses it.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.core.domain.definition import Definition
from workbench.core.domain.lint import RULES, SEVERITIES, Finding, lint
from workbench.core.domain.templates import from_template
from workbench.core.domain.vocab import STAGE_IDS
from workbench.core.files import store
from workbench.core.services.signoff import default_review_date, lint_cautions, sign

TODAY = date(2030, 6, 1)
CREATED = date(2030, 1, 2)
MARKETING = "Dana Reyes, VP Marketing"
SALES = "Sam Okafor, VP Sales"


def template(stage: str = "3m-10m", slug: str = "acme") -> Definition:
    return from_template(slug, stage, CREATED)


def edited(definition: Definition, change: Callable[[dict[str, Any]], None]) -> Definition:
    """A copy with `change` applied to its data, validated like a file would be."""
    data = definition.model_dump()
    change(data)
    return Definition.model_validate(data)


def signed(
    definition: Definition,
    on: date,
    review: date | None = None,
    *,
    version: int | None = None,
    threshold: int | None = None,
    marketing: str = MARKETING,
    sales: str = SALES,
) -> Definition:
    """`definition` as a signed version, signed on `on`, through the real `sign`."""

    def change(data: dict[str, Any]) -> None:
        data.update(status="draft", signoff=None)
        if version is not None:
            data["version"] = version
        if threshold is not None:
            data["scoring"]["threshold"] = threshold

    source = edited(definition, change)
    at = datetime(on.year, on.month, on.day, 10, 0, tzinfo=UTC)
    due = review or on + timedelta(days=90)
    return _sign_in_memory(source, marketing, sales, due, at)


def _sign_in_memory(
    definition: Definition, marketing: str, sales: str, review: date, now: datetime
) -> Definition:
    # `sign` writes the file it signs; a throwaway file keeps these tests in memory otherwise.
    with tempfile.TemporaryDirectory() as folder:
        path = store.create(definition, Path(folder))
        result = sign(store.load_definition(path), marketing, sales, review, now)
        return result.definition


def found(definition: Definition, history: list[Definition] | None = None) -> list[Finding]:
    return lint(definition, history or [], today=TODAY)


def of_rule(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def rule_ids(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


# --- the catalogue ------------------------------------------------------------------------


def test_every_rule_has_an_id_a_severity_and_advice() -> None:
    assert set(RULES) == {
        "no-fit-gate",
        "no-trigger",
        "account-motion-without-intent",
        "demo-request-scored",
        "tier2-without-recency",
        "content-download-trigger",
        "no-rejection-reasons",
        "sla-without-escalation",
        "one-response-time",
        "slower-than-framework",
        "stale-threshold",
        "review-date",
        "one-sided-signoff",
        "no-edge-cases",
        "fit-score-unreachable",
        "tier3-score-unreachable",
        "tier3-reviewed-without-intent",
        "segment-bands",
        "fit-size-band-never-applies",
        "fit-size-bands-stack",
        "title-keyword-outside-ascii",
        "fit-value-spelled-unlike-cases",
        "source-apart-and-scored",
        "clause-without-evidence",
        "evidence-stale",
        "sla-weaker-than-framework",
        "no-trigger-type-field",
        "manual-triggers-only",
        "fit-gate-without-company-or-role",
    }
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id
        assert rule.severity in SEVERITIES
        assert len(rule.advice) > 40
    errors = {rule_id for rule_id, rule in RULES.items() if rule.severity == "error"}
    assert errors == {"no-fit-gate", "no-trigger", "demo-request-scored", "fit-score-unreachable"}


@pytest.mark.parametrize("stage", STAGE_IDS)
def test_every_stage_template_lints_clean(stage: str) -> None:
    assert found(template(stage)) == []


def test_lint_is_pure_and_findings_serialise() -> None:
    definition = edited(template(), lambda d: d["sla"].update(escalation=None))
    first = found(definition)
    assert first == found(definition)
    assert first[0].to_dict() == {
        "rule": "sla-without-escalation",
        "severity": "warning",
        "clause": "sla.escalation",
        "message": first[0].message,
        "advice": RULES["sla-without-escalation"].advice,
    }
    json.dumps([f.to_dict() for f in first])


# --- one definition per rule that trips it -----------------------------------------------------


def _no_fit(data: dict[str, Any]) -> None:
    data["fit"] = {"competitors": ["rivalcrm.com"]}


def _no_triggers(data: dict[str, Any]) -> None:
    data["triggers"].update(tier1=[], tier2=[], tier3=False, tier4=[])


def _demo_scored(data: dict[str, Any]) -> None:
    data["scoring"]["activity_points"]["demo_request"] = 20


def _stale_tier2(data: dict[str, Any]) -> None:
    data["triggers"]["tier2"][0]["within_days"] = 90


def _content_tier2(data: dict[str, Any]) -> None:
    data["triggers"]["tier2"].append(
        {"kind": "content_download", "min_count": 3, "within_days": 14}
    )


def _no_reasons(data: dict[str, Any]) -> None:
    data["sla"]["sales"]["rejection_reasons"] = []


def _no_escalation(data: dict[str, Any]) -> None:
    data["sla"]["escalation"] = None


def _one_time(data: dict[str, Any]) -> None:
    data["sla"]["sales"]["response_minutes"] = {"tier1": 5, "tier2": 5, "tier3": 5}
    data["sla"]["sales"]["response_business_days"] = {}


def _slow_tier3(data: dict[str, Any]) -> None:
    data["sla"]["sales"]["response_minutes"]["tier3"] = 480


def _students_kept_out_only(data: dict[str, Any]) -> None:
    data["fit"] = {"excluded_personas": ["student", "job-seeker"]}


def _slow_notification(data: dict[str, Any]) -> None:
    data["sla"]["marketing"]["notify_seconds"] = 3600


def _no_trigger_type(data: dict[str, Any]) -> None:
    data["sla"]["marketing"]["required_fields"].remove("mql_trigger")


def _manual_only(data: dict[str, Any]) -> None:
    data["triggers"].update(tier1=[], tier2=[], tier3=False, tier4=["sales_requested"])


def _no_cases(data: dict[str, Any]) -> None:
    data["cases"] = []


def _fit_bar_too_high(data: dict[str, Any]) -> None:
    # The template's fit points reach 15 (vp) + 10 (200+ employees) at most.
    data["fit"]["score"]["threshold"] = 26


def _score_out_of_reach(data: dict[str, Any]) -> None:
    # Only negative activity points: the template's seniority points reach 20 (c-level).
    data["scoring"]["activity_points"] = {"careers_page_view": -30, "unsubscribe": -20}
    data["scoring"]["threshold"] = 21


def _score_reviewed_without_intent(data: dict[str, Any]) -> None:
    data["review_rule"]["score_rule"] = True  # as every file before the key read it


def _dead_size_band(data: dict[str, Any]) -> None:
    data["fit"]["score"]["size_points"].append({"max_employees": 20, "points": -5})


def _stacked_size_bands(data: dict[str, Any]) -> None:
    data["fit"]["score"]["size_points"].append(
        {"min_employees": 50, "max_employees": 500, "points": 5}
    )


def _accented_keyword(data: dict[str, Any]) -> None:
    data["fit"]["exclude_titles"].append("Étudiant")


def _region_in_other_words(data: dict[str, Any]) -> None:
    data["fit"]["regions"] = ["North America", "europe"]  # the cases write north-america


def _source_apart_and_scored(data: dict[str, Any]) -> None:
    data["fit"]["exclude_sources"] = ["Events"]
    data["scoring"]["source_points"] = {"organic": 5, "EVENTS ": 10}


def _stale_threshold() -> tuple[Definition, list[Definition]]:
    v1 = signed(template(), TODAY - timedelta(days=400))
    return signed(v1, TODAY - timedelta(days=100), version=2), [v1]


def _far_review() -> tuple[Definition, list[Definition]]:
    on = TODAY - timedelta(days=10)
    return signed(template(), on, on + timedelta(days=200)), []


def _stale_evidence(data: dict[str, Any]) -> None:
    # Evidence measured for "manager"; the template's clause says director.
    data["evidence"] = {
        "fit.min_seniority": {
            "figure": "91 of 96 wins were manager or above",
            "for_value": '"manager"',
            "recorded_on": TODAY,
            "recorded_by": "hand",
        }
    }


def _same_person() -> tuple[Definition, list[Definition]]:
    return signed(template(), TODAY, sales="Dana Reyes, VP Sales"), []


SIMPLE: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "no-fit-gate": (_no_fit, "fit"),
    "no-trigger": (_no_triggers, "triggers"),
    "demo-request-scored": (_demo_scored, "scoring.activity_points.demo_request"),
    "tier2-without-recency": (_stale_tier2, "triggers.tier2[0]"),
    # Appended after the template's own tier 2 rules.
    "content-download-trigger": (
        _content_tier2,
        f"triggers.tier2[{len(template().triggers.tier2)}]",
    ),
    "no-rejection-reasons": (_no_reasons, "sla.sales.rejection_reasons"),
    "sla-without-escalation": (_no_escalation, "sla.escalation"),
    "one-response-time": (_one_time, "sla.sales.response_minutes"),
    "slower-than-framework": (_slow_tier3, "sla.sales.response_minutes.tier3"),
    "no-edge-cases": (_no_cases, "cases"),
    "sla-weaker-than-framework": (_slow_notification, "sla.marketing.notify_seconds"),
    "no-trigger-type-field": (_no_trigger_type, "sla.marketing.required_fields"),
    "manual-triggers-only": (_manual_only, "triggers"),
    "fit-gate-without-company-or-role": (_students_kept_out_only, "fit"),
    "fit-score-unreachable": (_fit_bar_too_high, "fit.score.threshold"),
    "tier3-score-unreachable": (_score_out_of_reach, "scoring.threshold"),
    "tier3-reviewed-without-intent": (_score_reviewed_without_intent, "review_rule.score_rule"),
    "fit-size-band-never-applies": (
        _dead_size_band,
        f"fit.score.size_points[{len(template().fit.score.size_points)}]",  # type: ignore[union-attr]
    ),
    "fit-size-bands-stack": (
        _stacked_size_bands,
        f"fit.score.size_points[{len(template().fit.score.size_points)}]",  # type: ignore[union-attr]
    ),
    "title-keyword-outside-ascii": (_accented_keyword, "fit.exclude_titles"),
    "fit-value-spelled-unlike-cases": (_region_in_other_words, "fit.regions"),
    "source-apart-and-scored": (_source_apart_and_scored, "scoring.source_points.EVENTS "),
    "evidence-stale": (_stale_evidence, "fit.min_seniority"),
}
WITH_HISTORY: dict[str, tuple[Callable[[], tuple[Definition, list[Definition]]], str]] = {
    "stale-threshold": (_stale_threshold, "scoring.threshold"),
    "review-date": (_far_review, "signoff.review_date"),
    "one-sided-signoff": (_same_person, "signoff"),
}


# Tripped only with a lead history to show (tests/test_clause_evidence.py).
WITH_LEAD_HISTORY = {"clause-without-evidence"}
# Tripped only by a template with an account motion (the $30M+ one, below).
WITH_MOTIONS = {"account-motion-without-intent"}
# Tripped only by a template with segments (the $10-30M one, below).
WITH_SEGMENTS = {"segment-bands"}


def test_every_rule_has_a_definition_that_trips_it() -> None:
    tripped = set(SIMPLE) | set(WITH_HISTORY) | WITH_LEAD_HISTORY | WITH_MOTIONS | WITH_SEGMENTS
    assert tripped == set(RULES)


def test_stacked_size_bands_say_what_a_company_in_both_scores() -> None:
    base = template()
    assert of_rule(found(base), "fit-size-bands-stack") == []
    (finding,) = of_rule(found(edited(base, _stacked_size_bands)), "fit-size-bands-stack")
    assert finding.severity == "info"
    assert finding.message == (
        "200+ employees +10 and 50-500 +5 both count for companies of 200-500: they score +15"
    )

    def steps(data: dict[str, Any]) -> None:  # bands that meet without sharing a size
        data["fit"]["score"]["size_points"] = [
            {"min_employees": 50, "max_employees": 199, "points": 5},
            {"min_employees": 200, "points": 10},
        ]

    assert of_rule(found(edited(base, steps)), "fit-size-bands-stack") == []

    def zero(data: dict[str, Any]) -> None:  # a +0 band adds nothing to stack
        data["fit"]["score"]["size_points"].append({"min_employees": 300, "points": 0})

    assert of_rule(found(edited(base, zero)), "fit-size-bands-stack") == []
    # 30m-plus: inbound and account-based share the main gate; said once, at its clause
    (shared,) = of_rule(
        found(edited(template("30m-plus"), _stacked_size_bands)), "fit-size-bands-stack"
    )
    assert shared.clause == "fit.score.size_points[1]"


def test_a_segment_band_its_own_fit_gate_cuts_short_is_warned_of() -> None:
    """SMB's band moved to 50-249 and mid-market's to 250: SMB's own fit gate still stops at
    199, so every company of 200-249 was rejected by fit. The Segments step said so; `check`
    and sign-off did not."""
    base = template("10m-30m")
    assert of_rule(found(base), "segment-bands") == []

    def widened(data: dict[str, Any]) -> None:
        data["segments"][0]["max_employees"] = 249
        data["segments"][1]["min_employees"] = 250

    (finding,) = of_rule(found(edited(base, widened)), "segment-bands")
    assert finding.clause == "segments.smb.fit.max_employees"
    assert "companies of 200-249 in its band are rejected by fit" in finding.message

    def gap(data: dict[str, Any]) -> None:
        data["segments"][1]["min_employees"] = 300

    (finding,) = of_rule(found(edited(base, gap)), "segment-bands")
    assert "No segment covers companies of 200-299 employees" in finding.message


@pytest.mark.parametrize("rule", sorted(SIMPLE))
def test_a_one_clause_change_trips_exactly_its_rule(rule: str) -> None:
    change, clause = SIMPLE[rule]
    findings = found(edited(template(), change))
    assert [(f.rule, f.clause) for f in findings] == [(rule, clause)]
    assert findings[0].severity == RULES[rule].severity
    assert findings[0].advice == RULES[rule].advice


@pytest.mark.parametrize("rule", sorted(WITH_HISTORY))
def test_a_history_or_sign_off_trips_exactly_its_rule(rule: str) -> None:
    make, clause = WITH_HISTORY[rule]
    definition, history = make()
    assert [(f.rule, f.clause) for f in found(definition, history)] == [(rule, clause)]


# --- no-fit-gate ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fit",
    [
        {"min_employees": 20},
        {"max_employees": 500},
        {"industries": ["software"]},
        {"regions": ["europe"]},
        {"min_seniority": "manager"},
        {"score": {"threshold": 10, "seniority_points": {"vp": 15}}},
        {"score": {"threshold": 0, "email_domain_points": {"gmail.com": -10}}},
    ],
)
def test_any_one_fit_constraint_is_a_fit_gate(fit: dict[str, Any]) -> None:
    assert found(edited(template(), lambda d: d.update(fit=fit))) == []


@pytest.mark.parametrize(
    "fit",
    [
        {"excluded_personas": ["student"]},
        {"exclude_email_domains": ["edu"]},
        {"exclude_titles": ["student", "open to work"]},
    ],
)
def test_exclusions_alone_are_no_fit_gate_where_a_score_makes_mqls(fit: dict[str, Any]) -> None:
    # 001: "Leads MQL purely on behavior (downloaded 5 ebooks = MQL) regardless of company
    # size, industry, or role." Keeping students out does not look at the company or the role.
    # A warning: such a gate passed lint before, and a file signed with it keeps passing check.
    findings = found(edited(template(), lambda d: d.update(fit=fit)))
    assert [(f.rule, f.clause, f.severity) for f in findings] == [
        ("fit-gate-without-company-or-role", "fit", "warning")
    ]
    assert "a tier 3 score makes MQLs" in findings[0].message

    # Without a behaviour score (hand raises and tier 2 visits, as before $1M) it is a gate.
    def unscored(data: dict[str, Any]) -> None:
        data.update(fit=fit)
        data["triggers"]["tier3"] = False

    assert found(edited(template(), unscored)) == []


def test_a_narrowed_rule_set_that_scores_does_not_flag_a_shared_gate() -> None:
    # Only the account motion (target accounts only) scores; the others share the main gate
    # and have no score: nothing makes an MQL of anyone on behaviour alone.
    def bare(data: dict[str, Any]) -> None:
        data["fit"] = {"excluded_personas": ["student"]}
        data["triggers"]["tier3"] = False  # inbound, on the main triggers, has no score
        for motion in data["motions"]:
            if motion.get("target_accounts_only"):
                motion["triggers"]["tier3"] = True  # account-based shares the main gate

    definition = edited(template("30m-plus"), bare)
    assert definition.motions[2].target_accounts_only and definition.motions[2].fit is None
    assert of_rule(found(definition), "fit-gate-without-company-or-role") == []
    # Give the inbound motion the score back, and the shared gate is flagged for it.
    scored = edited(definition, lambda d: d["triggers"].update(tier3=True))
    assert [f.clause for f in of_rule(found(scored), "fit-gate-without-company-or-role")] == ["fit"]


def test_a_fit_score_no_lead_can_fail_is_no_fit_gate() -> None:
    # `threshold = 0` and only positive points: every lead passes.
    fit = {"score": {"threshold": 0, "seniority_points": {"vp": 15}}}
    findings = found(edited(template(), lambda d: d.update(fit=fit)))
    assert [(f.rule, f.clause) for f in findings] == [("no-fit-gate", "fit.score.threshold")]
    assert "the fewest points a lead can take is 0: every lead passes" in findings[0].message


@pytest.mark.parametrize(
    ("where", "value", "says"),
    [
        ("marketing.quality_pct", 20, "20% of MQLs meeting the fit criteria"),
        ("marketing.notify_seconds", 31, "within 31 seconds"),
        ("sales.decide_within_hours", 72, "within 72 hours"),
        ("sales.follow_up_touches", 1, "1 follow-up touch within 7 days"),
        ("sales.follow_up_days", 14, "3 follow-up touches within 14 days"),
    ],
)
def test_each_sla_figure_weaker_than_the_frameworks_is_named(
    where: str, value: int, says: str
) -> None:
    side, key = where.split(".")

    def weaker(data: dict[str, Any]) -> None:
        data["sla"][side][key] = value

    findings = of_rule(found(edited(template(), weaker)), "sla-weaker-than-framework")
    assert len(findings) == 1 and says in findings[0].message, findings
    assert findings[0].clause == f"sla.{where}"


def test_the_frameworks_own_sla_figures_are_not_weaker() -> None:
    def exact(data: dict[str, Any]) -> None:
        data["sla"]["marketing"].update(quality_pct=70, notify_seconds=30)
        data["sla"]["sales"].update(decide_within_hours=48, follow_up_touches=3, follow_up_days=7)

    assert of_rule(found(edited(template(), exact)), "sla-weaker-than-framework") == []


def test_a_hand_raise_beside_tier_4_is_not_manual_only() -> None:
    def hand_raise_and_manual(data: dict[str, Any]) -> None:
        data["triggers"].update(tier1=["demo_request"], tier2=[], tier3=False)

    findings = found(edited(template(), hand_raise_and_manual))
    assert of_rule(findings, "manual-triggers-only") == []


@pytest.mark.parametrize(
    "fit", [{}, {"min_employees": 0}, {"min_seniority": "intern"}, {"competitors": ["rival"]}]
)
def test_a_gate_that_excludes_nobody_is_no_fit_gate(fit: dict[str, Any]) -> None:
    findings = found(edited(template(), lambda d: d.update(fit=fit)))
    assert rule_ids(findings) == {"no-fit-gate"}
    assert findings[0].severity == "error"


def test_segments_size_bands_count_as_a_gate_and_own_gates_are_named() -> None:
    def bare_base(data: dict[str, Any]) -> None:
        data["fit"] = {}

    assert found(edited(template("10m-30m"), bare_base)) == []  # mid-market is banded

    def bare_smb(data: dict[str, Any]) -> None:
        data["segments"][0].update(min_employees=None, max_employees=None, fit={})

    findings = found(edited(template("10m-30m"), bare_smb))
    gates = [(f.rule, f.clause) for f in findings if f.rule != "segment-bands"]
    assert gates == [("no-fit-gate", "segments.smb.fit")]
    assert rule_ids(findings) == {"no-fit-gate", "segment-bands"}  # SMB now spans every size


def test_a_motion_gate_and_target_accounts() -> None:
    def bare(data: dict[str, Any]) -> None:
        data["fit"] = {}
        data["motions"][1]["fit"] = {}

    findings = of_rule(found(edited(template("30m-plus"), bare)), "no-fit-gate")
    # inbound uses the bare base gate, product-led its own bare gate; account-based is
    # target accounts only, which keeps unfit accounts out.
    assert sorted(f.clause for f in findings) == ["fit", "motions.product-led.fit"]


# --- no-trigger ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tier", [{"tier1": ["demo_request"]}, {"tier4": ["contact_sales"]}, {"tier3": True}]
)
def test_any_one_tier_is_a_trigger(tier: dict[str, Any]) -> None:
    def change(data: dict[str, Any]) -> None:
        _no_triggers(data)
        data["triggers"].update(tier)

    assert "no-trigger" not in rule_ids(found(edited(template(), change)))


def test_a_segment_without_triggers_may_be_nurture_only_but_not_every_one() -> None:
    definition = template("10m-30m")

    def quiet(*names: str) -> Callable[[dict[str, Any]], None]:
        def change(data: dict[str, Any]) -> None:
            data["triggers"].update(tier1=[], tier2=[], tier3=False, tier4=[])
            for segment in data["segments"]:
                if segment["id"] in names or segment["triggers"] is None:
                    segment["triggers"] = {"tier1": [], "tier2": [], "tier3": False}

        return change

    ids = [s.id for s in definition.segments]
    assert "no-trigger" not in rule_ids(found(edited(definition, quiet(*ids[:-1]))))
    assert "no-trigger" in rule_ids(found(edited(definition, quiet(*ids))))

    # The main [triggers] still holds hand raises, but with segments nobody applies it: the
    # finding names the table the first segment reads.
    def own_empty(data: dict[str, Any]) -> None:
        for segment in data["segments"]:
            segment["triggers"] = {"tier1": [], "tier2": [], "tier3": False}

    hollow = edited(definition, own_empty)
    assert hollow.triggers.tier1
    assert [(f.rule, f.clause) for f in of_rule(found(hollow), "no-trigger")] == [
        ("no-trigger", f"segments.{ids[0]}.triggers")
    ]


def _no_intent_kinds(data: dict[str, Any]) -> None:
    """No review-rule high intent, and the account motion's triggers cleared."""
    data["review_rule"]["high_intent"] = []
    for motion in data["motions"]:
        if motion.get("qualifies") == "account":
            motion["triggers"] = {"tier1": [], "tier2": [], "tier3": False}


def test_an_account_motion_without_intent_kinds_is_flagged_exactly() -> None:
    """Account-level intent counts the review rule's high-intent kinds and the account
    motions' trigger kinds; with none, no account in a history ever qualifies."""
    definition = edited(template("30m-plus"), _no_intent_kinds)
    findings = found(definition)
    (motion,) = [m for m in definition.motions if m.qualifies_account]
    assert [(f.rule, f.clause) for f in findings] == [
        ("account-motion-without-intent", f"motions.{motion.id}.qualifies")
    ]
    assert findings[0].severity == "warning"
    assert findings[0].advice == RULES["account-motion-without-intent"].advice

    # One kind is enough: a high-intent kind on the review rule, or a trigger of its own.
    def one_kind(data: dict[str, Any]) -> None:
        _no_intent_kinds(data)
        data["review_rule"]["high_intent"] = ["pricing_page_view"]

    def own_trigger(data: dict[str, Any]) -> None:
        _no_intent_kinds(data)
        for motion in data["motions"]:
            if motion.get("qualifies") == "account":
                motion["triggers"]["tier4"] = ["sales_requested"]

    for change in (one_kind, own_trigger):
        assert "account-motion-without-intent" not in rule_ids(
            found(edited(template("30m-plus"), change))
        )


def test_an_account_motion_without_intent_kinds_is_no_trigger_either() -> None:
    """With nothing else to qualify a lead, such a motion leaves the definition qualifying
    nobody: `no-trigger` (an error) as well."""

    def change(data: dict[str, Any]) -> None:
        _no_intent_kinds(data)
        data["triggers"].update(tier1=[], tier2=[], tier3=False, tier4=[])
        for motion in data["motions"]:
            motion["triggers"] = {"tier1": [], "tier2": [], "tier3": False}

    assert {"no-trigger", "account-motion-without-intent"} <= rule_ids(
        found(edited(template("30m-plus"), change))
    )


def test_an_account_motion_qualifies_without_triggers() -> None:
    def change(data: dict[str, Any]) -> None:
        data["triggers"].update(tier1=[], tier2=[], tier3=False, tier4=[])
        for motion in data["motions"]:
            motion["triggers"] = {"tier1": [], "tier2": [], "tier3": False}

    definition = edited(template("30m-plus"), change)
    assert any(m.qualifies_account for m in definition.motions)
    assert "no-trigger" not in rule_ids(found(definition))


def test_a_draft_without_triggers_is_not_signed() -> None:
    draft = edited(template(), _no_triggers)
    with pytest.raises(Exception, match="no-trigger"):
        signed(draft, TODAY)


# --- demo-request-scored -------------------------------------------------------------------------


def test_a_hand_raise_that_is_not_tier1_but_scored_must_earn_its_score() -> None:
    def change(data: dict[str, Any]) -> None:
        data["triggers"]["tier1"] = ["contact_sales"]
        data["scoring"]["activity_points"]["demo_request"] = 40

    (finding,) = found(edited(template(), change))
    assert finding.rule == "demo-request-scored"
    assert "not a tier 1 trigger" in finding.message


def test_negative_points_or_an_unscored_hand_raise_are_fine() -> None:
    def change(data: dict[str, Any]) -> None:
        data["scoring"]["activity_points"]["demo_request"] = -5

    assert found(edited(template(), change)) == []


def test_a_shared_scoring_table_is_reported_once_and_a_segment_table_by_its_path() -> None:
    shared = found(edited(template("10m-30m"), _demo_scored))
    assert [f.clause for f in shared] == ["scoring.activity_points.demo_request"]

    def own(data: dict[str, Any]) -> None:
        data["segments"][0]["scoring"] = {
            "threshold": 60,
            "activity_points": {"contact_sales": 10, "blog_visit": 1},
        }

    findings = found(edited(template("10m-30m"), own))
    assert [f.clause for f in findings] == ["segments.smb.scoring.activity_points.contact_sales"]


# --- tier 2, content, response times ---------------------------------------------------------------


def test_a_thirty_day_window_is_recent_enough() -> None:
    def change(data: dict[str, Any]) -> None:
        data["triggers"]["tier2"][0]["within_days"] = 30

    assert found(edited(template(), change)) == []


def test_tier2_in_a_segment_is_named_by_its_path() -> None:
    def change(data: dict[str, Any]) -> None:
        data["segments"][0]["triggers"]["tier2"][0]["within_days"] = 45

    (finding,) = found(edited(template("10m-30m"), change))
    assert finding.clause == "segments.smb.triggers.tier2[0]"
    assert "45 days" in finding.message


def test_content_downloads_in_tier4() -> None:
    def change(data: dict[str, Any]) -> None:
        data["triggers"]["tier4"].append("content_download")

    findings = found(edited(template(), change))
    assert [(f.rule, f.clause) for f in findings] == [
        ("content-download-trigger", "triggers.tier4")
    ]


def test_a_scored_content_download_made_tier1_trips_both_rules() -> None:
    def change(data: dict[str, Any]) -> None:
        data["triggers"]["tier1"].append("content_download")

    findings = found(edited(template(), change))
    assert [(f.rule, f.clause) for f in findings] == [
        ("demo-request-scored", "scoring.activity_points.content_download"),
        ("content-download-trigger", "triggers.tier1"),
    ]
    assert "a tier 1 trigger and also earns 5 points" in findings[0].message


def test_a_scored_hand_raise_is_named_by_its_own_kind() -> None:
    # The room scored "contact sales" and read about a demo request (the rule's id): the
    # message names the kind scored, in the words the Triggers step labels it with.
    def change(data: dict[str, Any]) -> None:
        data["scoring"]["activity_points"]["contact_sales"] = 30

    [finding] = of_rule(found(edited(template(), change)), "demo-request-scored")
    assert finding.clause == "scoring.activity_points.contact_sales"
    assert finding.message.startswith("contact sales is a tier 1 trigger and also earns 30")
    assert "demo" not in finding.message


def test_content_downloads_may_earn_points() -> None:
    assert template().scoring is not None
    assert template().scoring.activity_points["content_download"] > 0  # type: ignore[union-attr]
    assert found(template()) == []


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ({}, "no response time"),
        ({"tier1": 5}, "one response time"),
        ({"demo_request": 5, "tier3": 5}, "same response time (5 min)"),
    ],
)
def test_one_response_time_for_every_trigger(table: dict[str, int], says: str) -> None:
    def change(data: dict[str, Any]) -> None:
        data["sla"]["sales"]["response_minutes"] = table
        data["sla"]["sales"]["response_business_days"] = {}

    (finding,) = found(edited(template(), change))
    assert finding.rule == "one-response-time"
    assert says in finding.message


def test_a_motion_override_that_flattens_response_times_is_named() -> None:
    def change(data: dict[str, Any]) -> None:
        data["sla"]["sales"]["response_minutes"] = {"tier1": 5}
        data["sla"]["sales"]["response_business_days"] = {}
        data["motions"][2]["response_minutes"] = {"tier1": 60, "tier2": 60}

    clauses = [
        f.clause for f in of_rule(found(edited(template("30m-plus"), change)), "one-response-time")
    ]
    assert "sla.sales.response_minutes" in clauses
    assert "motions.account-based.response_minutes" in clauses


def test_one_custom_rejection_reason_is_a_reason() -> None:
    def change(data: dict[str, Any]) -> None:
        data["sla"]["sales"]["rejection_reasons"] = ["wrong-territory"]

    assert found(edited(template(), change)) == []


# --- stale-threshold ----------------------------------------------------------------------------


def test_one_signed_version_older_than_a_year_is_stale() -> None:
    v1 = signed(template(), TODAY - timedelta(days=366))
    (finding,) = of_rule(found(v1), "stale-threshold")
    assert "since v1" in finding.message
    assert "366 days" in finding.message


def test_a_year_to_the_day_is_not_yet_stale() -> None:
    assert of_rule(found(signed(template(), TODAY - timedelta(days=365))), "stale-threshold") == []


def test_a_changed_threshold_restarts_the_clock() -> None:
    v1 = signed(template(), TODAY - timedelta(days=500))
    v2 = signed(v1, TODAY - timedelta(days=200), version=2, threshold=80)
    assert of_rule(found(v2, [v1]), "stale-threshold") == []


def test_a_draft_that_keeps_a_stale_threshold_keeps_the_clock_running() -> None:
    v1 = signed(template(), TODAY - timedelta(days=500))
    v2 = signed(v1, TODAY - timedelta(days=200), version=2)
    draft = edited(template(), lambda d: d.update(version=3, supersedes=2))
    (finding,) = of_rule(found(draft, [v1, v2]), "stale-threshold")
    assert "since v1" in finding.message
    changed = edited(draft, lambda d: d["scoring"].update(threshold=70))
    assert of_rule(found(changed, [v1, v2]), "stale-threshold") == []


def test_the_sign_off_step_lists_a_drafts_warnings_with_its_history_and_not_the_evidence() -> None:
    # What the Sign-off step shows before anyone signs: the warnings `check` prints for the
    # draft, the stale threshold read against the earlier signed versions, and nothing for
    # evidence (the step's data section says that) or for a file already signed.
    v1 = signed(template(), TODAY - timedelta(days=500))
    draft = edited(template(), lambda d: d.update(version=2, supersedes=1))
    rules = {f.rule for f in lint_cautions(draft, [v1], TODAY)}
    assert rules == {"stale-threshold"}
    assert lint_cautions(draft, [], TODAY) == []
    slow = edited(draft, lambda d: d["sla"]["marketing"].update(notify_seconds=300))
    assert {f.rule for f in lint_cautions(slow, [], TODAY)} == {"sla-weaker-than-framework"}
    assert lint_cautions(v1, [], TODAY) == []  # signed: nothing left to change


def test_history_of_other_slugs_and_later_versions_is_ignored() -> None:
    other = signed(template(slug="other"), TODAY - timedelta(days=900))
    later = signed(template(), TODAY - timedelta(days=900), version=5)
    current = signed(template(), TODAY - timedelta(days=30))
    assert of_rule(found(current, [other, later]), "stale-threshold") == []


def test_no_scoring_no_threshold_rule() -> None:
    old = signed(template("pre-1m"), TODAY - timedelta(days=900))
    assert of_rule(found(old), "stale-threshold") == []


# --- review-date ---------------------------------------------------------------------------------


def test_the_sign_default_review_date_never_trips_the_rule() -> None:
    start = date(2031, 1, 1)
    for offset in range(366):
        day = start + timedelta(days=offset)
        review = default_review_date(day)
        assert (review - day).days <= 183, day


def test_a_review_within_two_quarters_is_fine_and_drafts_are_not_checked() -> None:
    on = TODAY - timedelta(days=10)
    assert of_rule(found(signed(template(), on, on + timedelta(days=183))), "review-date") == []
    assert of_rule(found(template()), "review-date") == []


def test_a_signed_definition_without_a_review_date() -> None:
    v1 = signed(template(), TODAY)
    assert v1.signoff is not None
    record = SimpleNamespace(
        review_date=None, marketing=v1.signoff.marketing, sales=v1.signoff.sales
    )
    findings = of_rule(found(v1.model_copy(update={"signoff": record})), "review-date")
    assert [f.message for f in findings] == ["signed without a review date"]


# --- one-sided-signoff ------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["marketing", "sales"])
def test_a_sign_off_missing_a_side(missing: str) -> None:
    v1 = signed(template(), TODAY)
    assert v1.signoff is not None
    sides = {"marketing": v1.signoff.marketing, "sales": v1.signoff.sales, missing: None}
    record = SimpleNamespace(review_date=v1.signoff.review_date, **sides)
    (finding,) = of_rule(found(v1.model_copy(update={"signoff": record})), "one-sided-signoff")
    assert finding.clause == f"signoff.{missing}"
    assert f"{missing} has not signed" in finding.message


def test_a_partial_sign_off_on_a_draft_is_one_sided() -> None:
    v1 = signed(template(), TODAY)
    assert v1.signoff is not None
    partial = SimpleNamespace(marketing=v1.signoff.marketing, sales=None)
    draft = template().model_copy(update={"partial_signoff": partial})
    (finding,) = found(draft)
    assert (finding.rule, finding.clause) == ("one-sided-signoff", "signoff.sales")


def test_two_different_people_are_two_sides() -> None:
    assert of_rule(found(signed(template(), TODAY)), "one-sided-signoff") == []


# --- workbench lint -------------------------------------------------------------------------------


def write(folder: Path, definition: Definition) -> Path:
    return store.create(definition, folder)


def test_cli_clean_definition_exits_zero(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, template())
    result = runner.invoke(app, ["lint", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{path}: no anti-patterns found"


def test_cli_error_finding_exits_one_with_one_line_per_finding(
    runner: CliRunner, tmp_path: Path
) -> None:
    def change(data: dict[str, Any]) -> None:
        _no_fit(data)
        _no_escalation(data)

    path = write(tmp_path, edited(template(), change))
    result = runner.invoke(app, ["lint", str(path)])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ERROR no-fit-gate fit: no company size")
    assert lines[1] == f"    {RULES['no-fit-gate'].advice}"
    assert lines[2].startswith("WARNING sla-without-escalation sla.escalation: ")
    assert lines[-1] == f"{path}: 1 error, 1 warning"
    assert "Traceback" not in result.output


def test_cli_warnings_only_exit_zero_and_json(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, edited(template(), _stale_tier2))
    result = runner.invoke(app, ["lint", str(path), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["path"] == str(path)
    assert (payload["error"], payload["warning"], payload["info"]) == (0, 1, 0)
    assert payload["findings"][0]["rule"] == "tier2-without-recency"
    assert payload["findings"][0]["clause"] == "triggers.tier2[0]"


def test_cli_reads_earlier_versions_for_a_stale_threshold(
    runner: CliRunner, tmp_path: Path
) -> None:
    today = date.today()
    v1 = write(tmp_path, from_template("acme", "3m-10m", today - timedelta(days=420)))
    long_ago = datetime.now(UTC) - timedelta(days=400)
    sign(
        store.load_definition(v1), MARKETING, SALES, long_ago.date() + timedelta(days=90), long_ago
    )
    v2 = store.new_version(tmp_path, "acme", today)
    (tmp_path / "acme" / "v0.toml").write_text("not toml", encoding="utf-8")  # not a version
    result = runner.invoke(app, ["lint", str(v2)])
    assert result.exit_code == 0, result.output
    assert "WARNING stale-threshold scoring.threshold: threshold 75 unchanged since v1" in (
        result.stdout
    )
    assert result.stderr == ""


def test_cli_an_unreadable_earlier_version_is_a_note_not_a_failure(
    runner: CliRunner, tmp_path: Path
) -> None:
    write(tmp_path, template())
    path = write(tmp_path, edited(template(), lambda d: d.update(version=2)))
    (tmp_path / "acme" / "v1.toml").write_text("name = [", encoding="utf-8")
    result = runner.invoke(app, ["lint", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("note: earlier version skipped: ")
    assert "v1.toml: malformed TOML" in result.stderr


@pytest.mark.parametrize("content", [None, "name = [", "unknown_key = 1\n"])
def test_cli_bad_input_exits_two(runner: CliRunner, tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "v1.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["lint", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output
    assert result.stdout == ""


# --- slower-than-framework: magnitudes, not only presence ----------------------------------


def test_a_segment_slower_than_the_score_threshold_row_names_the_row() -> None:
    def change(data: dict[str, Any]) -> None:
        data["segments"][0]["response_minutes"] = {"tier3": 480}

    (finding,) = of_rule(found(edited(template("10m-30m"), change)), "slower-than-framework")
    assert finding.clause == "segments.smb.response_minutes.tier3"
    assert finding.message == (
        "segments.smb.response_minutes.tier3 is 480 minutes; the framework's row "
        "'score threshold' is under 4 hours"
    )


def test_a_tier_fallback_is_judged_by_the_triggers_it_answers() -> None:
    def change(data: dict[str, Any]) -> None:
        data["motions"][2]["response_minutes"] = {"tier2": 60}

    (finding,) = of_rule(found(edited(template("30m-plus"), change)), "slower-than-framework")
    assert finding.clause == "motions.account-based.response_minutes.tier2"
    assert "'pricing conversion' is under 15 minutes" in finding.message
    assert "pricing page view in motions.account-based.triggers.tier2" in finding.message


def test_a_hand_raise_without_its_own_key_falls_back_to_tier1_and_is_judged() -> None:
    def change(data: dict[str, Any]) -> None:
        table = data["sla"]["sales"]["response_minutes"]
        del table["demo_request"]
        table["tier1"] = 30

    (finding,) = of_rule(found(edited(template(), change)), "slower-than-framework")
    assert finding.clause == "sla.sales.response_minutes.tier1"
    assert "'demo request' is under 5 minutes" in finding.message


@pytest.mark.parametrize(
    ("minutes", "days", "slow"),
    [
        ({}, {"content": 1}, False),
        ({}, {"content": 2}, True),
        ({"content": 1440}, {}, False),
        ({"content": 1441}, {}, True),
        ({"webinar_attended": 60}, {"content": 3}, False),  # the kind's own key wins
    ],
)
def test_a_content_trigger_is_held_to_one_business_day(
    minutes: dict[str, int], days: dict[str, int], slow: bool
) -> None:
    def change(data: dict[str, Any]) -> None:
        data["triggers"]["tier2"].append(
            {"kind": "webinar_attended", "min_count": 2, "within_days": 14}
        )
        data["sla"]["sales"]["response_minutes"].update(minutes)
        data["sla"]["sales"]["response_business_days"] = days

    findings = of_rule(found(edited(template(), change)), "slower-than-framework")
    assert bool(findings) == slow
    if slow:
        assert "'content-triggered' is under 24 hours (1 business day)" in findings[0].message
        assert "webinar attended" in findings[0].message


def test_a_trigger_the_framework_has_no_row_for_is_not_judged() -> None:
    def change(data: dict[str, Any]) -> None:
        data["sla"]["sales"]["response_minutes"]["tier4"] = 10_000

    assert of_rule(found(edited(template(), change)), "slower-than-framework") == []


def test_a_source_apart_with_its_own_threshold_is_named_with_the_fit_that_excludes_it() -> None:
    def change(data: dict[str, Any]) -> None:
        data["fit"]["exclude_sources"] = ["trade show"]
        data["scoring"]["source_thresholds"] = {"Trade Show": 40, "webinar": 20}

    [finding] = found(edited(template(), change))
    assert finding.clause == "scoring.source_thresholds.Trade Show"
    assert "qualified apart in fit.exclude_sources ('trade show')" in finding.message
    assert "its threshold by source is never used" in finding.message


def test_a_fit_size_band_outside_its_gates_sizes_is_flagged() -> None:
    """The $10-30M template's SMB gate (50-199 employees) carried '200+ employees +10' from the
    main fit score: a clause on the page that can never count."""
    today = date(2026, 5, 1)
    template = from_template("x", "10m-30m", today)
    assert not [f for f in lint(template, today=today) if f.rule == "fit-size-band-never-applies"]
    data = template.model_dump(mode="json")
    smb = next(s for s in data["segments"] if s["id"] == "smb")
    smb["fit"]["score"]["size_points"] = [
        {"min_employees": 200, "points": 10},
        {"min_employees": 100, "max_employees": 150, "points": 5},  # inside 50-199: fine
    ]
    data["fit"]["score"]["size_points"] = [{"max_employees": 20, "points": -5}]  # below 50
    found = [
        f for f in lint(Definition.model_validate(data), today=today)
        if f.rule == "fit-size-band-never-applies"
    ]  # fmt: skip
    assert sorted((f.clause, f.message) for f in found) == [
        (
            "fit.score.size_points[0]",
            # The main gate decides the segment without its own (Mid-market, 200-999).
            "up to 20 employees -5 never applies: this gate decides companies of 200-999 employees",
        ),
        (
            "segments.smb.fit.score.size_points[0]",
            "200+ employees +10 never applies: this gate decides companies of 50-199 employees",
        ),
    ]


def test_a_size_band_is_dead_only_where_every_segment_sharing_the_gate_misses_it() -> None:
    today = date(2026, 5, 1)
    data = from_template("x", "10m-30m", today).model_dump(mode="json")
    smb = next(s for s in data["segments"] if s["id"] == "smb")
    smb["fit"] = None  # SMB (50-199) now shares the main gate with Mid-market (200-999)
    data["fit"]["score"]["size_points"] = [
        {"min_employees": 200, "points": 10},  # Mid-market's
        {"max_employees": 99, "points": -5},  # SMB's
        {"min_employees": 1000, "points": 5},  # Enterprise has its own gate: dead here
    ]
    found = [
        f.clause
        for f in lint(Definition.model_validate(data), today=today)
        if f.rule == "fit-size-band-never-applies"
    ]
    assert found == ["fit.score.size_points[2]"]


def test_a_gate_shared_by_motions_names_its_sizes_once() -> None:
    """'companies of 50-1000 or 50-1000 employees': two motions sharing the main gate."""
    today = date(2026, 5, 1)
    data = from_template("x", "30m-plus", today).model_dump(mode="json")
    data["fit"]["score"]["size_points"] = [{"max_employees": 10, "points": -5}]
    found = [
        f.message
        for f in lint(Definition.model_validate(data), today=today)
        if f.rule == "fit-size-band-never-applies"
    ]
    low, high = data["fit"]["min_employees"], data["fit"]["max_employees"]
    assert found == [
        f"up to 10 employees -5 never applies: this gate decides companies of {low}-{high} "
        "employees"
    ]


# --- fit-value-spelled-unlike-cases -----------------------------------------------------


def test_a_value_in_other_words_than_the_cases_is_named_with_their_spelling() -> None:
    # "North America" typed in a fresh draft rejected every north-america case, and lint
    # found nothing.
    definition = edited(template(), _region_in_other_words)
    (finding,) = found(definition)
    assert "'North America' is written 'north-america'" in finding.message
    # The cases' own spelling, in any case, and a value no case has are not this rule's.
    for regions in (["north-america"], ["NORTH-AMERICA"], ["antarctica"]):

        def spelled(data: dict[str, Any], regions: list[str] = regions) -> None:
            data["fit"]["regions"] = regions

        assert found(edited(template(), spelled)) == []
    industry = edited(template(), lambda d: d["fit"].update(industries=["Soft Ware"]))
    assert [(f.rule, f.clause) for f in found(industry)] == [
        ("fit-value-spelled-unlike-cases", "fit.industries")
    ]


def test_a_segments_own_fit_gate_is_checked_too() -> None:
    def change(data: dict[str, Any]) -> None:
        data["segments"][0]["fit"]["regions"] = ["North America"]

    definition = edited(template("10m-30m"), change)
    clauses = [f.clause for f in found(definition) if f.rule == "fit-value-spelled-unlike-cases"]
    assert clauses == [f"segments.{definition.segments[0].id}.fit.regions"]


def test_every_spelling_the_cases_write_and_every_value_of_the_gate_count() -> None:
    from workbench.core.domain.lint import spelled_unlike_cases

    base = template()
    # The gate lists the cases' own spelling beside another: nothing fails, nothing said.
    assert spelled_unlike_cases(base, ["north-america", "North America"], "region") == []
    # A case writing "North America" beside the template's north-america cases.
    case = base.cases[0]
    other = case.model_copy(
        update={
            "name": "na-spelled",
            "lead": case.lead.model_copy(
                update={"company": case.lead.company.model_copy(update={"region": "North America"})}
            ),
        }
    )
    both = base.model_copy(update={"cases": [*base.cases, other]})
    assert spelled_unlike_cases(both, ["North America"], "region") == [
        ("North America", "north-america")
    ]


# --- tier3-score-unreachable ------------------------------------------------------------------


def _tier3_findings(definition: Definition) -> list[str]:
    return [
        f.message for f in lint(definition, today=CREATED) if f.rule == "tier3-score-unreachable"
    ]


def test_a_score_reached_by_seniority_and_source_alone_is_not_flagged() -> None:
    def change(data: dict[str, Any]) -> None:
        _score_out_of_reach(data)
        data["scoring"]["threshold"] = 20  # c-level's 20 points reach it

    assert _tier3_findings(edited(template(), change)) == []

    def with_source(data: dict[str, Any]) -> None:
        _score_out_of_reach(data)
        data["scoring"]["threshold"] = 30
        data["scoring"]["source_points"] = {"partner": 10}

    assert _tier3_findings(edited(template(), with_source)) == []


def test_a_lower_threshold_by_source_keeps_the_score_reachable() -> None:
    def change(data: dict[str, Any]) -> None:
        _score_out_of_reach(data)
        data["scoring"]["source_thresholds"] = {"partner": 15}

    assert _tier3_findings(edited(template(), change)) == []


def test_one_positive_activity_point_makes_any_threshold_reachable() -> None:
    def change(data: dict[str, Any]) -> None:
        _score_out_of_reach(data)
        data["scoring"]["activity_points"]["blog_visit"] = 1
        data["scoring"]["threshold"] = 500

    assert _tier3_findings(edited(template(), change)) == []


def test_an_unreachable_score_with_tier3_off_is_not_flagged() -> None:
    def change(data: dict[str, Any]) -> None:
        _score_out_of_reach(data)
        data["triggers"]["tier3"] = False

    assert _tier3_findings(edited(template(), change)) == []


def test_the_unreachable_score_names_the_most_a_lead_takes() -> None:
    [message] = _tier3_findings(edited(template(), _score_out_of_reach))
    assert "a score of 21 is needed" in message and "reach at most 20" in message


def test_source_points_and_a_threshold_of_another_source_reach_nobody() -> None:
    # Partner leads take 30 against 75; webinar leads 20 against their own 30: nobody.
    def change(data: dict[str, Any]) -> None:
        _score_out_of_reach(data)
        data["scoring"]["threshold"] = 75
        data["scoring"]["source_points"] = {"partner": 10}
        data["scoring"]["source_thresholds"] = {"Webinar": 30}

    [message] = _tier3_findings(edited(template(), change))
    assert "a score of 75 (Webinar 30 by source) is needed" in message
    assert "reach at most 30" in message


def test_a_source_qualified_apart_reaches_no_score() -> None:
    # Event leads would take 60, but the gate qualifies them apart: only a hand raise.
    def change(data: dict[str, Any]) -> None:
        _score_out_of_reach(data)
        data["scoring"]["source_points"] = {"event": 60}

    assert _tier3_findings(edited(template(), change)) == []

    def apart(data: dict[str, Any]) -> None:
        change(data)
        data["fit"]["exclude_sources"] = ["Event "]

    assert len(_tier3_findings(edited(template(), apart))) == 1


def test_a_shared_score_one_segment_reaches_is_not_flagged() -> None:
    # $10-30M: the segments share the main scoring; SMB's and Enterprise's own gates qualify
    # event leads apart, Mid-market's (the main gate) does not, so its event leads reach 60.
    def change(data: dict[str, Any]) -> None:
        data["scoring"]["activity_points"] = {"careers_page_view": -30}
        data["scoring"]["threshold"] = 50
        data["scoring"]["source_points"] = {"event": 60}
        for segment in data["segments"]:
            if segment["fit"] is not None:
                segment["fit"]["exclude_sources"] = ["event"]
            if segment["triggers"] is not None:
                segment["triggers"]["tier3"] = True
        data["triggers"]["tier3"] = True

    segmented = edited(template("10m-30m"), change)
    assert any(s.fit is None for s in segmented.segments)
    assert _tier3_findings(segmented) == []

    def everywhere(data: dict[str, Any]) -> None:
        change(data)
        data["fit"]["exclude_sources"] = ["event"]

    assert len(_tier3_findings(edited(template("10m-30m"), everywhere))) == 1


def test_the_pre_1m_stage_tables_own_definition_is_no_error() -> None:
    """001: "Pre-$1M ARR: No formal MQL. Every inbound demo request goes directly to the
    founder." Written literally (no fit gate, one trigger, one response time) it was refused
    as `no-fit-gate` and warned of for its one response time."""
    founder = Definition.model_validate(
        {
            "name": "Founder-led",
            "slug": "founder-led",
            "stage": "pre-1m",
            "created": CREATED,
            "triggers": {"route": "founder", "tier1": ["demo_request"], "tier3": False},
            "sla": {
                "marketing": {"monthly_volume": 10},
                "sales": {"response_minutes": {"demo_request": 5}},
            },
        }
    )
    rules = {f.rule for f in found(founder)}
    assert not rules & {"no-fit-gate", "one-response-time"}, rules
    # Past that stage, or with engagement making MQLs, a gate is still needed.
    assert "no-fit-gate" in {f.rule for f in found(founder.model_copy(update={"stage": "1m-3m"}))}
    pages = edited(
        founder,
        lambda d: d["triggers"].update(
            tier2=[{"kind": "pricing_page_view", "min_count": 2, "within_days": 30}]
        ),
    )
    assert "no-fit-gate" in {f.rule for f in found(pages)}
