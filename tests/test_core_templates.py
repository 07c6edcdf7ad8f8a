"""Stage templates: every template's suite passes, and the eight framework cases are there."""

from __future__ import annotations

from datetime import date

import pytest

from workbench.core.domain.definition import Definition
from workbench.core.domain.evaluator import evaluate
from workbench.core.domain.lead import Lead
from workbench.core.domain.stages import STAGES
from workbench.core.domain.suite import run_suite
from workbench.core.domain.templates import from_template
from workbench.core.domain.vocab import STAGE_IDS, STATUSES

CREATED = date(2025, 1, 15)

STANDARD_CASES = (
    "ceo-ebook-download",
    "intern-demo-request",
    "agency-vp-demo-request",
    "competitor-demo-request",
    "chatbot-pricing-visitor",
    "existing-customer-demo-request",
    "resubmit-after-90-days",
    "blog-researcher-200-visits",
)


def template(stage: str) -> Definition:
    return from_template("acme", stage, CREATED)


def test_the_five_stage_ids_are_exactly_the_spec_ids() -> None:
    assert STAGE_IDS == ("pre-1m", "1m-3m", "3m-10m", "10m-30m", "30m-plus")
    assert tuple(STAGES) == STAGE_IDS
    for stage in STAGES.values():
        assert stage.guidance
        assert stage.volume.endswith("/month")


@pytest.mark.parametrize("stage", STAGE_IDS)
def test_template_is_a_valid_v1_draft(stage: str) -> None:
    definition = template(stage)
    assert definition.stage == stage
    assert definition.slug == "acme"
    assert definition.version == 1
    assert definition.status == "draft"
    assert definition.signoff is None
    assert definition.created == CREATED
    # A template survives a round trip through validation unchanged.
    assert Definition.model_validate(definition.model_dump()) == definition


@pytest.mark.parametrize("stage", STAGE_IDS)
def test_template_whole_suite_passes(stage: str) -> None:
    suite = run_suite(template(stage))
    failing = {r.name: r.mismatches for r in suite.results if not r.passed}
    assert failing == {}
    assert suite.failed == 0
    assert suite.passed == len(suite.results) >= len(STANDARD_CASES)


@pytest.mark.parametrize("stage", STAGE_IDS)
def test_template_has_the_eight_standard_cases_with_a_why(stage: str) -> None:
    cases = {case.name: case for case in template(stage).cases}
    assert set(STANDARD_CASES) <= set(cases)
    for name in STANDARD_CASES:
        assert cases[name].why.strip(), name


@pytest.mark.parametrize("case_name", STANDARD_CASES)
@pytest.mark.parametrize("stage", STAGE_IDS)
def test_standard_case_verdict_matches_its_expectation(stage: str, case_name: str) -> None:
    definition = template(stage)
    case = next(c for c in definition.cases if c.name == case_name)
    verdict = evaluate(definition, case.lead)
    assert verdict.status in STATUSES
    assert verdict.status == case.expect.status
    for field in ("route", "tier", "lead_type", "segment"):
        wanted = getattr(case.expect, field)
        if wanted is not None:
            assert getattr(verdict, field) == wanted, field
    assert verdict.reasons, "every verdict names the clause that decided it"


# The framework's answers, stated explicitly for the full ($3-10M) definition.
FRAMEWORK_ANSWERS = {
    "intern-demo-request": ("rejected", None),
    "competitor-demo-request": ("rejected", "marketing-leadership"),
    "existing-customer-demo-request": ("routed", "account-owner"),
    "resubmit-after-90-days": ("mql", "sdr"),
    "blog-researcher-200-visits": ("review", None),
    "ceo-ebook-download": ("nurture", None),
    "chatbot-pricing-visitor": ("mql", "sdr"),
}


@pytest.mark.parametrize("case_name", sorted(FRAMEWORK_ANSWERS))
def test_3m_10m_gives_the_framework_answers(case_name: str) -> None:
    definition = template("3m-10m")
    case = next(c for c in definition.cases if c.name == case_name)
    status, route = FRAMEWORK_ANSWERS[case_name]
    assert case.expect.status == status
    verdict = evaluate(definition, case.lead)
    assert verdict.status == status
    if route is not None:
        assert case.expect.route == route
        assert verdict.route == route


def test_3m_10m_decisive_clauses() -> None:
    definition = template("3m-10m")
    verdicts = {c.name: evaluate(definition, c.lead) for c in definition.cases}
    assert "fit.min_seniority" in verdicts["intern-demo-request"].clauses()
    assert "fit.competitors" in verdicts["competitor-demo-request"].clauses()
    assert "fit.existing_customers" in verdicts["existing-customer-demo-request"].clauses()
    resubmit = verdicts["resubmit-after-90-days"]
    assert resubmit.tier == 1
    assert resubmit.trigger == "demo_request"
    assert resubmit.response_minutes == 5
    assert "recycling.resubmit_after_days" in resubmit.clauses()
    # 001's "high volume + low intent": the count decides it, not the score.
    assert "review_rule.min_low_intent_actions" in verdicts["blog-researcher-200-visits"].clauses()
    assert verdicts["content-reader-reaches-the-score"].tier == 3
    chatbot = verdicts["chatbot-pricing-visitor"]
    assert chatbot.tier == 2
    assert chatbot.trigger == "pricing_page_view"
    assert chatbot.response_minutes == 15


def test_pre_1m_sends_every_demo_request_to_the_founder() -> None:
    definition = template("pre-1m")
    intern = next(c for c in definition.cases if c.name == "intern-demo-request")
    verdict = evaluate(definition, intern.lead)
    assert (verdict.status, verdict.route) == ("mql", "founder")


def test_response_times_follow_the_framework_table() -> None:
    for stage in STAGE_IDS:
        minutes = template(stage).sla.sales.response_minutes
        assert minutes["demo_request"] == 5
        assert minutes["contact_sales"] == 5
        assert minutes["pricing_inquiry"] == 15
        assert minutes["tier3"] == 240


def icp_lead(employees: int, region: str, kind: str = "demo_request") -> Lead:
    return Lead.model_validate(
        {
            "person": {
                "title": "Director of Operations",
                "seniority": "director",
                "email": "pat@fit.example",
            },
            "company": {
                "name": "Fit Software",
                "domain": "fit.example",
                "employees": employees,
                "industry": "software",
                "region": region,
            },
            "activities": [{"kind": kind, "days_ago": 0}],
        }
    )


@pytest.mark.parametrize("region", ["north-america", "europe"])
@pytest.mark.parametrize("employees", [50, 500, 1000])
@pytest.mark.parametrize("stage", STAGE_IDS)
def test_icp_director_demo_request_is_an_mql_in_every_template(
    stage: str, employees: int, region: str
) -> None:
    verdict = evaluate(template(stage), icp_lead(employees, region))
    assert verdict.status == "mql", verdict.reasons
    assert verdict.tier == 1
    assert verdict.trigger == "demo_request"
    assert verdict.response_minutes == 5


@pytest.mark.parametrize("stage", ["3m-10m", "10m-30m", "30m-plus"])
def test_full_fit_gate_rejects_outside_the_icp(stage: str) -> None:
    definition = template(stage)
    assert evaluate(definition, icp_lead(500, "asia-pacific")).status == "rejected"
    assert evaluate(definition, icp_lead(49, "europe")).status == "rejected"


# --- one response-time table ---------------------------------------------------------------


@pytest.mark.parametrize("stage", STAGE_IDS)
def test_no_template_answers_a_trigger_slower_than_the_framework_row(stage: str) -> None:
    """Every rule set (each segment and motion), every trigger it can fire, within its row."""
    from workbench.core.domain.evaluator import prepare
    from workbench.core.domain.framework import response_for, response_row

    prepared = prepare(template(stage))
    rule_sets = [prepared.base, *(r for *_size, r in prepared.segments)]
    rule_sets += [r for _motion, r in prepared.motions]
    judged = 0
    for rules in rule_sets:
        t = rules.triggers
        fired: list[tuple[str, int]] = [(str(k), 1) for k in t.tier1]
        fired += [(str(r.kind), 2) for r in t.tier2] + [("score", 3)] * t.tier3
        fired += [(str(k), 4) for k in t.tier4]
        for trigger, tier in fired:
            row = response_row(trigger, tier)
            deadline = response_for(
                rules.response_minutes, rules.response_business_days, trigger, tier
            )
            if row is None:
                continue
            assert deadline is not None, (rules.path, trigger)
            assert deadline[1].nominal_minutes() <= row.limit.nominal_minutes(), (
                rules.path,
                trigger,
                row.name,
            )
            judged += 1
    assert judged >= 4


@pytest.mark.parametrize("stage", STAGE_IDS)
def test_every_template_has_the_content_triggered_row_in_business_days(stage: str) -> None:
    sales = template(stage).sla.sales
    assert sales.response_business_days == {"content": 1}
    assert sales.response_minutes["demo_request"] == 5
    assert sales.response_minutes["pricing_inquiry"] == 15
    assert sales.response_minutes["tier3"] == 240


def test_the_smb_segment_answers_a_score_threshold_within_four_hours() -> None:
    smb = template("10m-30m").segments[0]
    assert smb.response_minutes == {"tier3": 240}
