"""The evaluator, one clause type at a time, plus suite flips.

Each test builds the smallest definition that isolates the clause it is about, so a failure
points at one rule. Times are relative (`days_ago`) unless the test is about `at`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from workbench.core.domain.definition import Definition, Expectation, Scoring
from workbench.core.domain.evaluator import evaluate
from workbench.core.domain.lead import Lead
from workbench.core.domain.suite import changes, flips, run_suite
from workbench.core.domain.templates import from_template
from workbench.core.domain.verdict import Verdict
from workbench.core.domain.vocab import SENIORITY_ORDER, STAGE_IDS, STATUSES

Act = tuple[str, float] | tuple[str, float, int]


def make_definition(**clauses: Any) -> Definition:
    data: dict[str, Any] = {
        "name": "Test definition",
        "slug": "test",
        "stage": "3m-10m",
        "created": date(2025, 1, 1),
        "triggers": {"tier1": ["demo_request", "contact_sales", "pricing_inquiry"]},
        **clauses,
    }
    return Definition.model_validate(data)


def make_lead(
    *activities: Act | dict[str, Any],
    seniority: str | None = "director",
    persona: str = "employee",
    email: str | None = None,
    history: dict[str, Any] | None = None,
    **company: Any,
) -> Lead:
    firm: dict[str, Any] = {
        "name": "Acme Apps",
        "domain": "acme.example",
        "employees": 200,
        "industry": "software",
        "region": "europe",
    }
    firm.update(company)
    person: dict[str, Any] = {"title": "Someone", "persona": persona}
    if seniority is not None:
        person["seniority"] = seniority
    if email is not None:
        person["email"] = email
    acts = []
    for act in activities:
        if isinstance(act, dict):
            acts.append(act)
        else:
            entry: dict[str, Any] = {"kind": act[0], "days_ago": act[1]}
            if len(act) == 3:
                entry["count"] = act[2]
            acts.append(entry)
    data: dict[str, Any] = {"person": person, "company": firm, "activities": acts}
    if history is not None:
        data["history"] = history
    return Lead.model_validate(data)


DEMO: Act = ("demo_request", 0)


def check(definition: Definition, lead: Lead, **expected: Any) -> Verdict:
    verdict = evaluate(definition, lead)
    assert verdict.status in STATUSES
    for field, value in expected.items():
        assert getattr(verdict, field) == value, (field, verdict)
    return verdict


# --- fit gate ------------------------------------------------------------------------


def test_min_employees() -> None:
    d = make_definition(fit={"min_employees": 50})
    v = check(d, make_lead(DEMO, employees=49), status="rejected", route="marketing")
    assert v.clauses() == ("fit.min_employees",)
    assert "49" in v.reasons[0].text
    check(d, make_lead(DEMO, employees=50), status="mql")


def test_max_employees() -> None:
    d = make_definition(fit={"max_employees": 1000})
    v = check(d, make_lead(DEMO, employees=1001), status="rejected")
    assert v.clauses() == ("fit.max_employees",)
    check(d, make_lead(DEMO, employees=1000), status="mql")


def test_industries_case_insensitive() -> None:
    d = make_definition(fit={"industries": ["Software", "fintech"]})
    check(d, make_lead(DEMO, industry="SOFTWARE"), status="mql")
    check(d, make_lead(DEMO, industry=" FinTech "), status="mql")
    v = check(d, make_lead(DEMO, industry="retail"), status="rejected")
    assert v.clauses() == ("fit.industries",)


def test_regions_case_insensitive() -> None:
    d = make_definition(fit={"regions": ["North-America", "europe"]})
    check(d, make_lead(DEMO, region="north-america"), status="mql")
    check(d, make_lead(DEMO, region="EUROPE"), status="mql")
    v = check(d, make_lead(DEMO, region="asia-pacific"), status="rejected")
    assert v.clauses() == ("fit.regions",)


@pytest.mark.parametrize("seniority", SENIORITY_ORDER)
def test_min_seniority(seniority: str) -> None:
    d = make_definition(fit={"min_seniority": "director"})
    v = evaluate(d, make_lead(DEMO, seniority=seniority))
    if SENIORITY_ORDER.index(seniority) >= SENIORITY_ORDER.index("director"):
        assert v.status == "mql"
    else:
        assert v.status == "rejected"
        assert v.clauses() == ("fit.min_seniority",)


@pytest.mark.parametrize("persona", ["student", "job-seeker", "consultant", "journalist"])
def test_excluded_personas(persona: str) -> None:
    d = make_definition(fit={"excluded_personas": [persona]})
    v = check(d, make_lead(DEMO, persona=persona), status="rejected", route="marketing")
    assert v.clauses() == ("fit.excluded_personas",)
    check(d, make_lead(DEMO, persona="employee"), status="mql")


def test_persona_not_in_the_excluded_list_passes() -> None:
    d = make_definition(fit={"excluded_personas": ["student"]})
    check(d, make_lead(DEMO, persona="consultant"), status="mql")


def test_competitor_by_relationship_needs_no_list() -> None:
    d = make_definition(fit={"competitors": []})
    v = check(
        d,
        make_lead(DEMO, relationship="competitor"),
        status="rejected",
        route="marketing-leadership",
    )
    assert v.clauses() == ("fit.competitors",)


@pytest.mark.parametrize("domain", ["rival.com", "RIVAL.com", "eu.rival.com", " rival.com "])
def test_competitor_by_domain(domain: str) -> None:
    d = make_definition(fit={"competitors": ["rival.com"]})
    v = check(d, make_lead(DEMO, domain=domain), status="rejected", route="marketing-leadership")
    assert v.clauses() == ("fit.competitors",)


def test_competitor_domain_match_is_not_a_substring_match() -> None:
    d = make_definition(fit={"competitors": ["rival.com"]})
    check(d, make_lead(DEMO, domain="notrival.com"), status="mql")
    check(d, make_lead(DEMO, domain="rival.com.example"), status="mql")


def test_competitor_by_email_domain() -> None:
    d = make_definition(fit={"competitors": ["rival.com"]})
    lead = make_lead(DEMO, domain=None, email="dana@Sales.Rival.com")
    check(d, lead, status="rejected", route="marketing-leadership")
    check(d, make_lead(DEMO, domain=None, email="dana@friend.com"), status="mql")


def test_competitor_by_company_name() -> None:
    d = make_definition(fit={"competitors": ["RivalCRM"]})
    lead = make_lead(DEMO, name="  rivalcrm ", domain="other.example")
    check(d, lead, status="rejected", route="marketing-leadership")
    check(d, make_lead(DEMO, name="RivalCRM Fans"), status="mql")


def test_competitor_beats_every_other_clause() -> None:
    d = make_definition(fit={"competitors": ["rival.com"], "min_seniority": "vp"})
    lead = make_lead(DEMO, domain="rival.com", seniority="intern", relationship="customer")
    check(d, lead, status="rejected", route="marketing-leadership")


def test_existing_customer_goes_to_the_account_owner() -> None:
    d = make_definition(fit={"existing_customers": "account-owner-on-hand-raise"})
    v = check(d, make_lead(DEMO, relationship="customer"), status="routed", route="account-owner")
    assert v.clauses() == ("fit.existing_customers",)
    assert "demo_request today is a hand raise" in v.reasons[0].text


def test_account_owner_always_keeps_the_meaning_files_were_signed_with() -> None:
    # "account-owner" is what every file signed before the hand-raise reading says: each
    # contact at a customer goes to the owner, with or without a hand raise.
    d = make_definition(fit={"existing_customers": "account-owner"})
    for lead in (make_lead(DEMO, relationship="customer"), make_lead(relationship="customer")):
        v = check(d, lead, status="routed", route="account-owner")
        assert "an expansion signal for the account owner" in v.reasons[0].text


def test_the_templates_route_a_customer_on_a_hand_raise() -> None:
    for stage in STAGE_IDS:
        d = from_template("acme", stage, date(2025, 1, 1))
        gates = [d.owned(owner, "fit")[1] for owner in d.owners()]
        assert {g.existing_customers for g in gates} == {"account-owner-on-hand-raise"}, stage


@pytest.mark.parametrize(
    "activities",
    [(), (("blog_visit", 1, 30),), (("pricing_page_view", 2, 3),), (("demo_request", 200),)],
)
def test_a_customers_contact_without_a_fresh_hand_raise_stays_in_nurture(
    activities: tuple[Act, ...],
) -> None:
    # 001: "Contact from existing customer company fills demo form: an expansion or
    # cross-sell signal." A contact who only read the blog, browsed pricing or asked for a demo
    # 200 days ago (past the 90-day window) raised nothing to hand the account owner; it was
    # routed with the words of a demo request.
    d = make_definition(
        fit={"existing_customers": "account-owner-on-hand-raise"},
        triggers={"tier1": ["demo_request"], "within_days": 90},
    )
    v = check(d, make_lead(*activities, relationship="customer"), status="nurture")
    assert v.clauses() == ("fit.existing_customers",)
    assert "raised no hand" in v.reasons[0].text and "expansion signal" in v.reasons[0].text


def test_a_customers_hand_raise_in_any_rule_set_goes_to_the_account_owner() -> None:
    # A product-led motion's usage limit is a customer's hand raise too, though the main
    # triggers do not name it.
    d = from_template("acme", "30m-plus", date(2025, 1, 1))
    assert "product_usage_limit" not in d.triggers.tier1
    lead = make_lead(("product_usage_limit", 0), relationship="customer")
    check(d, lead, status="routed", route="account-owner")


def test_a_segments_own_customer_rule_counts_the_hand_raises_of_its_leads() -> None:
    # The rule on a segment's own fit read only that segment's triggers, where the same rule
    # on the main fit read every rule set's: the same contact went to nurture.
    segments = [
        {
            "id": "all",
            "min_employees": 1,
            "fit": {"existing_customers": "account-owner-on-hand-raise"},
            "triggers": {"tier1": ["contact_sales"]},
        },
    ]
    d = make_definition(stage="10m-30m", fit={"existing_customers": "prospect"}, segments=segments)
    check(d, make_lead(("contact_sales", 0), relationship="customer"), status="routed")
    check(d, make_lead(("blog_visit", 0), relationship="customer"), status="nurture")


def test_existing_customer_treated_as_prospect() -> None:
    d = make_definition(fit={"existing_customers": "prospect"})
    check(d, make_lead(DEMO, relationship="customer"), status="mql", route="sdr")
    check(d, make_lead(relationship="customer"), status="nurture")


@pytest.mark.parametrize(
    ("fit", "unknown", "clause"),
    [
        ({"min_employees": 50}, {"employees": None}, "fit.min_employees"),
        ({"max_employees": 500}, {"employees": None}, "fit.min_employees"),
        ({"industries": ["software"]}, {"industry": None}, "fit.industries"),
        ({"regions": ["europe"]}, {"region": ""}, "fit.regions"),
        ({"min_seniority": "manager"}, {"seniority": None}, "fit.min_seniority"),
    ],
)
def test_unknown_fit_data_goes_to_review(
    fit: dict[str, Any], unknown: dict[str, Any], clause: str
) -> None:
    d = make_definition(fit=fit)
    v = check(d, make_lead(DEMO, **unknown), status="review", route="marketing")
    assert v.clauses() == (clause,)
    assert "Enrich" in v.reasons[0].text


def test_unknown_data_is_irrelevant_without_the_clause() -> None:
    d = make_definition(fit={})
    lead = make_lead(DEMO, employees=None, industry=None, region=None, seniority=None)
    check(d, lead, status="mql")


def test_a_failed_clause_beats_an_unknown_one() -> None:
    d = make_definition(fit={"min_employees": 50, "min_seniority": "director"})
    v = check(d, make_lead(DEMO, employees=10, seniority=None), status="rejected")
    assert v.clauses() == ("fit.min_employees",)


def test_every_failed_fit_clause_is_named() -> None:
    d = make_definition(
        fit={"min_employees": 50, "industries": ["software"], "regions": ["europe"]}
    )
    v = check(d, make_lead(DEMO, employees=10, industry="retail", region="asia"), status="rejected")
    assert set(v.clauses()) == {"fit.min_employees", "fit.industries", "fit.regions"}


# --- triggers ------------------------------------------------------------------------

SCORING = {
    "threshold": 50,
    "window_days": 30,
    "activity_points": {
        "blog_visit": 10,
        "webinar_attended": 20,
        "careers_page_view": -30,
    },
}


def test_tier1_is_instant_and_bypasses_a_low_score() -> None:
    d = make_definition(
        triggers={"tier1": ["demo_request"], "tier3": True},
        scoring={"threshold": 1000, "activity_points": {"blog_visit": 1}},
    )
    v = check(d, make_lead(DEMO), status="mql", route="sdr", tier=1, trigger="demo_request")
    assert v.score is not None and v.score < 1000
    assert v.clauses() == ("triggers.tier1",)


def test_tier1_reports_the_most_recent_hand_raise() -> None:
    d = make_definition()
    v = check(d, make_lead(("demo_request", 5), ("contact_sales", 1)), status="mql")
    assert v.trigger == "contact_sales"


def test_no_activity_is_nurture() -> None:
    d = make_definition()
    v = check(d, make_lead(), status="nurture", route="nurture", tier=None, trigger=None)
    assert v.clauses() == ("triggers",)


def tier2_definition(*rules: dict[str, Any]) -> Definition:
    return make_definition(triggers={"tier1": [], "tier2": list(rules)})


PRICING_2_IN_7 = {"kind": "pricing_page_view", "min_count": 2, "within_days": 7}


def test_tier2_count_inside_the_window_fires() -> None:
    d = tier2_definition(PRICING_2_IN_7)
    v = check(
        d,
        make_lead(("pricing_page_view", 3, 2)),
        status="mql",
        tier=2,
        trigger="pricing_page_view",
    )
    assert v.clauses() == ("triggers.tier2[0]",)


def test_tier2_below_the_count_does_not_fire() -> None:
    d = tier2_definition(PRICING_2_IN_7)
    check(d, make_lead(("pricing_page_view", 3)), status="nurture")


def test_tier2_counts_are_summed_across_activities() -> None:
    d = tier2_definition({"kind": "pricing_page_view", "min_count": 4, "within_days": 7})
    lead = make_lead(
        ("pricing_page_view", 1, 2), ("pricing_page_view", 6), ("pricing_page_view", 7)
    )
    check(d, lead, status="mql", tier=2)
    lead = make_lead(("pricing_page_view", 1, 2), ("pricing_page_view", 6))
    check(d, lead, status="nurture")


def test_tier2_ignores_activity_outside_the_recency_window() -> None:
    d = tier2_definition(PRICING_2_IN_7)
    check(d, make_lead(("pricing_page_view", 3), ("pricing_page_view", 8)), status="nurture")
    check(d, make_lead(("pricing_page_view", 30, 5)), status="nurture")
    # The window's last day still counts.
    check(d, make_lead(("pricing_page_view", 3), ("pricing_page_view", 7)), status="mql")


def test_tier2_names_the_rule_that_fired() -> None:
    d = tier2_definition(
        {"kind": "comparison_page_view", "min_count": 1, "within_days": 14},
        PRICING_2_IN_7,
    )
    v = check(d, make_lead(("pricing_page_view", 0, 2)), status="mql")
    assert v.clauses() == ("triggers.tier2[1]",)


def tier3_definition(**scoring: Any) -> Definition:
    return make_definition(
        triggers={"tier1": ["demo_request"], "tier3": True},
        scoring={**SCORING, **scoring},
        review_rule={"enabled": False},
    )


def test_tier3_score_threshold() -> None:
    d = tier3_definition()
    v = check(
        d,
        make_lead(("blog_visit", 1, 5)),
        status="mql",
        tier=3,
        trigger="score",
        score=50,
    )
    assert v.clauses() == ("triggers.tier3",)
    assert "scoring.threshold" in v.reasons[0].text
    v = check(d, make_lead(("blog_visit", 1, 4)), status="nurture", score=40)
    assert "40 of 50" in v.reasons[0].text


def test_tier3_window_days() -> None:
    d = tier3_definition()
    check(d, make_lead(("blog_visit", 30, 5)), status="mql", score=50)
    check(d, make_lead(("blog_visit", 31, 5)), status="nurture", score=0)


def test_tier3_without_a_window_counts_everything() -> None:
    d = tier3_definition(window_days=None)
    check(d, make_lead(("blog_visit", 400, 5)), status="mql", score=50)


def test_tier3_half_life_decay() -> None:
    d = tier3_definition(half_life_days=10, window_days=None)
    # 100 points ten days ago are worth 50 today; twenty days ago, 25.
    check(d, make_lead(("blog_visit", 10, 10)), status="mql", score=50)
    check(d, make_lead(("blog_visit", 20, 10)), status="nurture", score=25)
    check(d, make_lead(("blog_visit", 0, 5)), status="mql", score=50)


def test_tier3_negative_points() -> None:
    d = tier3_definition()
    check(d, make_lead(("blog_visit", 1, 6)), status="mql", score=60)
    check(d, make_lead(("blog_visit", 1, 6), ("careers_page_view", 2)), status="nurture", score=30)


def test_tier3_seniority_points() -> None:
    d = tier3_definition(seniority_points={"director": 15, "vp": 25})
    check(d, make_lead(("blog_visit", 1, 4), seniority="director"), status="mql", score=55)
    check(d, make_lead(("blog_visit", 1, 4), seniority="manager"), status="nurture", score=40)
    check(d, make_lead(seniority="vp"), status="nurture", score=25)


def test_tier3_is_off_without_the_switch() -> None:
    d = make_definition(
        triggers={"tier1": ["demo_request"], "tier3": False},
        scoring=SCORING,
        review_rule={"enabled": False},
    )
    check(d, make_lead(("blog_visit", 1, 50)), status="nurture", score=500)


def test_tier4_sales_requested_still_needs_fit() -> None:
    d = make_definition(
        triggers={"tier1": [], "tier4": ["sales_requested"]},
        fit={"min_seniority": "director"},
    )
    v = check(d, make_lead(("sales_requested", 2)), status="mql", tier=4, trigger="sales_requested")
    assert v.clauses() == ("triggers.tier4",)
    v = check(d, make_lead(("sales_requested", 2), seniority="manager"), status="rejected")
    assert v.clauses() == ("fit.min_seniority",)


def test_tier_order_prefers_tier1_over_tier2() -> None:
    d = make_definition(triggers={"tier1": ["demo_request"], "tier2": [PRICING_2_IN_7]})
    check(d, make_lead(("pricing_page_view", 0, 3), DEMO), status="mql", tier=1)


# --- review rule ---------------------------------------------------------------------


def test_review_rule_high_score_without_high_intent() -> None:
    d = make_definition(
        triggers={"tier1": ["demo_request"], "tier3": True},
        scoring=SCORING,
        review_rule={"route": "marketing-leadership", "min_low_intent_actions": None},
    )
    v = check(
        d,
        make_lead(("blog_visit", 1, 20)),
        status="review",
        route="marketing-leadership",
        score=200,
    )
    assert v.clauses() == ("review_rule",)


def test_review_rule_low_intent_action_count() -> None:
    d = make_definition(review_rule={"min_low_intent_actions": 50})
    v = check(d, make_lead(("blog_visit", 3, 50)), status="review", route="marketing")
    assert v.clauses() == ("review_rule.min_low_intent_actions",)
    check(d, make_lead(("blog_visit", 3, 49)), status="nurture")
    # Counts from several activities add up.
    check(d, make_lead(("blog_visit", 3, 30), ("email_open", 5, 20)), status="review")


def test_review_rule_disabled() -> None:
    d = make_definition(review_rule={"enabled": False, "min_low_intent_actions": 5})
    check(d, make_lead(("blog_visit", 3, 500)), status="nurture")


def test_review_rule_high_intent_action_present() -> None:
    d = make_definition(
        triggers={"tier1": ["demo_request"], "tier3": True},
        scoring=SCORING,
        review_rule={"min_low_intent_actions": 5, "high_intent": ["webinar_attended"]},
    )
    lead = make_lead(("blog_visit", 1, 20), ("webinar_attended", 2))
    check(d, lead, status="mql", tier=3, score=220)


def test_review_rule_counts_trigger_kinds_as_high_intent() -> None:
    # A single pricing view is below the tier 2 count, but it is a high-intent action.
    d = make_definition(
        triggers={"tier1": [], "tier2": [PRICING_2_IN_7]},
        review_rule={"min_low_intent_actions": 10},
    )
    check(d, make_lead(("blog_visit", 1, 20), ("pricing_page_view", 1)), status="nurture")
    check(d, make_lead(("blog_visit", 1, 20)), status="review")


# --- recycling -----------------------------------------------------------------------


def recycling_definition() -> Definition:
    return make_definition(
        recycling={"resubmit_after_days": 90, "inside_window_route": "mql-owner"}
    )


def test_hand_raise_inside_the_window_goes_to_the_mql_owner() -> None:
    d = recycling_definition()
    lead = make_lead(DEMO, history={"last_mql_days_ago": 30, "last_mql_outcome": "unworked"})
    v = check(d, lead, status="routed", route="mql-owner", tier=1, trigger="demo_request")
    assert v.clauses() == ("triggers.tier1", "recycling.resubmit_after_days")
    assert v.response_minutes is None


@pytest.mark.parametrize("days", [90, 91, 365])
def test_hand_raise_at_or_after_the_window_is_a_fresh_mql(days: int) -> None:
    d = recycling_definition()
    lead = make_lead(DEMO, history={"last_mql_days_ago": days, "last_mql_outcome": "unworked"})
    v = check(d, lead, status="mql", route="sdr", tier=1)
    assert v.clauses() == ("triggers.tier1", "recycling.resubmit_after_days")


def test_day_89_is_still_inside_the_window() -> None:
    d = recycling_definition()
    lead = make_lead(DEMO, history={"last_mql_days_ago": 89, "last_mql_outcome": "open"})
    check(d, lead, status="routed", route="mql-owner")


def test_activity_before_the_last_mql_does_not_count() -> None:
    d = recycling_definition()
    # The demo request 100 days ago is what made the MQL 100 days ago: nothing new since.
    lead = make_lead(
        ("demo_request", 100), history={"last_mql_days_ago": 100, "last_mql_outcome": "rejected"}
    )
    check(d, lead, status="nurture", tier=None)
    lead = make_lead(("demo_request", 150), history={"last_mql_days_ago": 100})
    check(d, lead, status="nurture")
    # Without history the same old demo request still counts.
    check(d, make_lead(("demo_request", 100)), status="mql")


def test_old_tier2_activity_before_the_last_mql_does_not_count() -> None:
    d = make_definition(
        triggers={
            "tier1": [],
            "tier2": [{"kind": "pricing_page_view", "min_count": 2, "within_days": 30}],
        }
    )
    lead = make_lead(
        ("pricing_page_view", 5), ("pricing_page_view", 10), history={"last_mql_days_ago": 8}
    )
    check(d, lead, status="routed", route="mql-owner")  # only 1 view since the MQL


@pytest.mark.parametrize(
    ("outcome", "status", "route"),
    [
        ("open", "routed", "mql-owner"),
        ("accepted", "routed", "mql-owner"),
        (None, "routed", "mql-owner"),
        ("rejected", "nurture", "nurture"),
        ("unworked", "nurture", "nurture"),
    ],
)
def test_nothing_new_inside_the_window(outcome: str | None, status: str, route: str) -> None:
    d = recycling_definition()
    history: dict[str, Any] = {"last_mql_days_ago": 20}
    if outcome is not None:
        history["last_mql_outcome"] = outcome
    v = check(d, make_lead(("blog_visit", 3), history=history), status=status, route=route)
    if status == "routed":
        assert v.clauses() == ("recycling.resubmit_after_days",)


def test_inside_window_route_is_configurable() -> None:
    d = make_definition(recycling={"resubmit_after_days": 30, "inside_window_route": "ae"})
    lead = make_lead(DEMO, history={"last_mql_days_ago": 10, "last_mql_outcome": "open"})
    check(d, lead, status="routed", route="ae")


# --- segments ------------------------------------------------------------------------


def segmented(**overrides: Any) -> Definition:
    segments = [
        {
            "id": "smb",
            "min_employees": 10,
            "max_employees": 199,
            "fit": {"min_seniority": "manager"},
        },
        {"id": "mid", "min_employees": 200, "max_employees": 999},
        {
            "id": "enterprise",
            "min_employees": 1000,
            "fit": {"min_seniority": "vp"},
            "triggers": {"route": "ae", "tier1": ["demo_request"]},
            "response_minutes": {"demo_request": 2},
        },
    ]
    return make_definition(
        stage="10m-30m",
        fit={"min_seniority": "director"},
        sla={"sales": {"response_minutes": {"demo_request": 5, "contact_sales": 7}}},
        segments=segments,
        **overrides,
    )


@pytest.mark.parametrize(
    ("employees", "segment", "route"),
    [
        (10, "smb", "sdr"),
        (199, "smb", "sdr"),
        (200, "mid", "sdr"),
        (999, "mid", "sdr"),
        (1000, "enterprise", "ae"),
        (50000, "enterprise", "ae"),
    ],
)
def test_segment_is_chosen_by_size(employees: int, segment: str, route: str) -> None:
    v = check(segmented(), make_lead(DEMO, seniority="vp", employees=employees), status="mql")
    assert v.segment == segment
    assert v.route == route


def test_no_segment_covers_the_size() -> None:
    v = check(segmented(), make_lead(DEMO, employees=9), status="rejected", segment=None)
    assert v.clauses() == ("segments",)


def test_unknown_size_with_segments_goes_to_review() -> None:
    v = check(segmented(), make_lead(DEMO, employees=None), status="review", route="marketing")
    assert v.clauses() == ("segments",)


def test_segment_fit_overrides_the_base_fit() -> None:
    d = segmented()
    # A manager passes the SMB fit (manager+) but not the base fit (director+) used by mid.
    check(d, make_lead(DEMO, seniority="manager", employees=50), status="mql", segment="smb")
    v = check(d, make_lead(DEMO, seniority="manager", employees=500), status="rejected")
    assert v.clauses() == ("fit.min_seniority",)
    assert v.segment == "mid"
    v = check(d, make_lead(DEMO, seniority="director", employees=5000), status="rejected")
    assert v.clauses() == ("segments.enterprise.fit.min_seniority",)
    assert v.segment == "enterprise"


def test_segment_triggers_override_the_base_triggers() -> None:
    d = segmented()
    # contact_sales is a tier 1 hand raise in the base triggers, not in the enterprise ones.
    v = check(d, make_lead(("contact_sales", 0), seniority="vp", employees=5000), status="nurture")
    assert v.clauses() == ("segments.enterprise.triggers",)
    check(d, make_lead(("contact_sales", 0), seniority="vp", employees=500), status="mql")


def test_segment_response_minutes_override() -> None:
    d = segmented()
    v = check(d, make_lead(DEMO, seniority="vp", employees=5000), status="mql")
    assert v.response_minutes == 2
    assert v.clauses() == ("segments.enterprise.triggers.tier1",)
    v = check(d, make_lead(DEMO, seniority="vp", employees=500), status="mql")
    assert v.response_minutes == 5
    v = check(d, make_lead(("contact_sales", 0), seniority="vp", employees=500), status="mql")
    assert v.response_minutes == 7


def test_segment_competitor_list_is_applied() -> None:
    segments = [
        {"id": "all", "min_employees": 1, "fit": {"competitors": ["rival.com"]}},
    ]
    d = make_definition(stage="10m-30m", segments=segments)
    v = check(
        d, make_lead(DEMO, domain="rival.com"), status="rejected", route="marketing-leadership"
    )
    assert v.clauses() == ("segments.all.fit.competitors",)
    check(d, make_lead(DEMO, domain="friend.example"), status="mql", segment="all")


def test_segment_customer_handling_is_applied() -> None:
    segments = [
        {"id": "all", "min_employees": 1, "fit": {"existing_customers": "account-owner"}},
    ]
    d = make_definition(stage="10m-30m", fit={"existing_customers": "prospect"}, segments=segments)
    v = check(d, make_lead(DEMO, relationship="customer"), status="routed", route="account-owner")
    assert v.clauses() == ("segments.all.fit.existing_customers",)


# --- motions -------------------------------------------------------------------------


def with_motions(*motions: dict[str, Any], **overrides: Any) -> Definition:
    return make_definition(
        stage="30m-plus",
        sla={"sales": {"response_minutes": {"demo_request": 5, "tier2": 15}}},
        motions=list(motions),
        **overrides,
    )


INBOUND = {"id": "inbound", "lead_type": "mql"}
PQL = {
    "id": "product-led",
    "lead_type": "pql",
    "triggers": {"route": "sdr", "tier1": ["product_usage_limit"]},
    "response_minutes": {"product_usage_limit": 60},
}
AQL = {
    "id": "account-based",
    "lead_type": "aql",
    "target_accounts_only": True,
    "min_engaged_contacts": 3,
    "triggers": {
        "route": "ae",
        "tier2": [{"kind": "pricing_page_view", "min_count": 1, "within_days": 30}],
    },
}


def test_pql_motion() -> None:
    d = with_motions(INBOUND, PQL)
    v = check(
        d,
        make_lead(("product_usage_limit", 0)),
        status="mql",
        lead_type="pql",
        motion="product-led",
        response_minutes=60,
    )
    assert v.clauses() == ("motions.product-led.triggers.tier1",)


def test_best_verdict_wins_across_motions() -> None:
    d = with_motions(INBOUND, PQL)
    # Inbound sees a demo request; the PQL motion sees nothing: the MQL wins.
    check(d, make_lead(DEMO), status="mql", lead_type="mql", motion="inbound")
    # Neither motion fires: nurture.
    check(d, make_lead(("blog_visit", 1)), status="nurture")


@pytest.mark.parametrize(
    ("target", "engaged", "status"),
    [(True, 3, "mql"), (True, 2, "nurture"), (False, 10, "nurture")],
)
def test_aql_motion_needs_a_target_account_with_engaged_contacts(
    target: bool, engaged: int, status: str
) -> None:
    d = with_motions(INBOUND, AQL)
    lead = make_lead(("pricing_page_view", 4), target_account=target, engaged_contacts=engaged)
    v = check(d, lead, status=status)
    if status == "mql":
        assert (v.lead_type, v.route, v.motion, v.tier) == ("aql", "ae", "account-based", 2)
        assert v.response_minutes == 15


def test_no_motion_applies() -> None:
    d = with_motions(AQL)
    v = check(d, make_lead(DEMO), status="nurture", route="nurture")
    assert v.clauses() == ("motions",)


def test_motion_fit_override_is_named() -> None:
    pql = {**PQL, "fit": {"min_employees": 100}}
    d = with_motions(pql)
    v = check(d, make_lead(("product_usage_limit", 0), employees=20), status="rejected")
    assert v.clauses() == ("motions.product-led.fit.min_employees",)
    assert v.lead_type == "pql"


# --- SLA response time ---------------------------------------------------------------


def test_response_minutes_by_kind_then_tier() -> None:
    d = make_definition(
        triggers={
            "tier1": ["demo_request", "contact_sales"],
            "tier2": [PRICING_2_IN_7],
            "tier4": ["sales_requested"],
        },
        sla={"sales": {"response_minutes": {"demo_request": 5, "tier1": 30, "tier2": 15}}},
    )
    check(d, make_lead(DEMO), response_minutes=5)
    check(d, make_lead(("contact_sales", 0)), response_minutes=30)
    check(d, make_lead(("pricing_page_view", 0, 2)), response_minutes=15)
    check(d, make_lead(("sales_requested", 0)), status="mql", response_minutes=None)


def test_response_minutes_only_on_mql() -> None:
    d = make_definition(sla={"sales": {"response_minutes": {"tier1": 30}}})
    check(d, make_lead(), status="nurture", response_minutes=None)


# --- absolute times ------------------------------------------------------------------

AS_OF = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def test_at_timestamps_against_as_of() -> None:
    d = make_definition()
    past = make_lead({"kind": "demo_request", "at": (AS_OF - timedelta(days=1)).isoformat()})
    v = evaluate(d, past, AS_OF)
    assert v.status == "mql"
    assert "1 day ago" in v.reasons[0].text


def test_future_activities_are_ignored() -> None:
    d = make_definition()
    future = make_lead({"kind": "demo_request", "at": (AS_OF + timedelta(hours=1)).isoformat()})
    assert evaluate(d, future, AS_OF).status == "nurture"
    assert evaluate(d, future, AS_OF + timedelta(hours=2)).status == "mql"


def test_tier2_window_with_at_timestamps() -> None:
    d = tier2_definition(PRICING_2_IN_7)
    lead = make_lead(
        {"kind": "pricing_page_view", "at": AS_OF - timedelta(days=2)},
        {"kind": "pricing_page_view", "at": AS_OF - timedelta(days=9)},
    )
    assert evaluate(d, lead, AS_OF).status == "nurture"
    assert evaluate(d, lead, AS_OF - timedelta(days=2)).status == "mql"


@pytest.mark.parametrize("aware_lead", [True, False])
@pytest.mark.parametrize("aware_as_of", [True, False])
def test_naive_and_aware_times_mix(aware_lead: bool, aware_as_of: bool) -> None:
    d = make_definition()
    at = datetime(2025, 5, 30, 12, 0)
    if aware_lead:
        at = at.replace(tzinfo=UTC)
    as_of = AS_OF if aware_as_of else AS_OF.replace(tzinfo=None)
    v = evaluate(d, make_lead({"kind": "demo_request", "at": at}), as_of)
    assert v.status == "mql"
    assert "2 days ago" in v.reasons[0].text


def test_relative_times_do_not_depend_on_as_of() -> None:
    d = make_definition()
    lead = make_lead(("demo_request", 3))
    assert evaluate(d, lead) == evaluate(d, lead, AS_OF) == evaluate(d, lead, datetime.now(UTC))


@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_non_finite_numbers_are_refused_at_the_door(value: float) -> None:
    # inf / inf in the decay made a NaN score and int(round(nan)) raised inside evaluate.
    with pytest.raises(ValidationError):
        make_lead(("blog_visit", value))
    with pytest.raises(ValidationError):
        make_lead(DEMO, history={"last_mql_days_ago": value})
    with pytest.raises(ValidationError):
        Scoring(half_life_days=value)


def test_extreme_finite_ages_do_not_break_scoring() -> None:
    d = make_definition(
        triggers={"tier1": ["demo_request"], "tier3": True},
        scoring={
            "threshold": 10,
            "window_days": None,
            "half_life_days": 1e-300,
            "activity_points": {"blog_visit": 5},
        },
    )
    for age in (1e308, 2**63 - 1, 0.0, 1e-300):
        lead = make_lead(("blog_visit", age, 2**62), ("demo_request", age))
        assert evaluate(d, lead).status in STATUSES


# --- reasons and determinism ---------------------------------------------------------


def test_every_reason_names_a_clause_and_says_something() -> None:
    for stage in ("pre-1m", "1m-3m", "3m-10m", "10m-30m", "30m-plus"):
        definition = from_template("x", stage, date(2025, 1, 1))
        for case in definition.cases:
            verdict = evaluate(definition, case.lead)
            assert verdict.reasons
            for reason in verdict.reasons:
                assert reason.clause
                assert reason.text.strip().endswith(".")
                assert reason.clause in str(reason)


def test_evaluation_is_deterministic() -> None:
    definition = from_template("x", "30m-plus", date(2025, 1, 1))
    for case in definition.cases:
        first = evaluate(definition, case.lead)
        second = evaluate(definition.model_copy(deep=True), case.lead.model_copy(deep=True))
        assert first == second
        assert first.to_dict() == second.to_dict()


def test_verdict_to_dict_has_the_contract_fields() -> None:
    v = evaluate(make_definition(), make_lead(DEMO))
    data = v.to_dict()
    for key in (
        "status",
        "route",
        "lead_type",
        "tier",
        "trigger",
        "response_minutes",
        "segment",
        "reasons",
    ):
        assert key in data
    assert data["reasons"] == [{"clause": "triggers.tier1", "text": v.reasons[0].text}]


# --- flips ---------------------------------------------------------------------------


def test_editing_a_clause_flips_a_case_and_names_the_clause() -> None:
    definition = from_template("x", "3m-10m", date(2025, 1, 1))
    before = run_suite(definition)
    assert flips(before, before) == []
    edited = definition.model_copy(deep=True)
    edited.fit.min_seniority = "intern"
    after = run_suite(edited)
    changed = {f.name: f for f in flips(before, after)}
    assert set(changed) == {"intern-demo-request"}
    flip = changed["intern-demo-request"]
    assert flip.was_passing is True
    assert flip.now_passing is False
    assert flip.before.startswith("rejected")
    assert flip.after.startswith("mql")
    assert "fit.min_seniority" in flip.clauses
    assert "triggers.tier1" in flip.clauses


def test_removing_a_trigger_flips_the_cases_that_used_it() -> None:
    definition = from_template("x", "3m-10m", date(2025, 1, 1))
    before = run_suite(definition)
    edited = definition.model_copy(deep=True)
    edited.triggers.tier1 = ["contact_sales", "pricing_inquiry"]
    changed = {f.name: f for f in flips(before, run_suite(edited))}
    assert "resubmit-after-90-days" in changed
    assert "triggers.tier1" in changed["resubmit-after-90-days"].clauses
    assert "competitor-demo-request" not in changed


def test_changing_only_an_expectation_is_a_flip_in_pass_fail() -> None:
    definition = from_template("x", "3m-10m", date(2025, 1, 1))
    before = run_suite(definition)
    edited = definition.model_copy(deep=True)
    case = next(c for c in edited.cases if c.name == "ceo-ebook-download")
    case.expect.status = "mql"
    changed = flips(before, run_suite(edited))
    assert [f.name for f in changed] == ["ceo-ebook-download"]
    assert changed[0].before == changed[0].after
    assert changed[0].now_passing is False


def test_a_case_added_or_removed_is_named_with_its_outcome_and_a_renamed_one_is_neither() -> None:
    # Adopting a failing case from history read "edge cases 16/17 passing" over "no case has
    # flipped yet": the case was in one run and not the other, and `flips` skipped it.
    definition = from_template("x", "3m-10m", date(2025, 1, 1))
    before = run_suite(definition)
    ebook = next(c for c in definition.cases if c.name == "ceo-ebook-download")
    adopted = ebook.model_copy(
        update={"name": "history-won-webinar-0042", "expect": Expectation(status="mql")}
    )
    passing = ebook.model_copy(update={"name": "history-nurtured-0043"})
    grown = definition.model_copy(update={"cases": [*definition.cases, adopted, passing]})
    after = run_suite(grown)
    assert flips(before, after) == []
    came = changes(before, after)
    assert [(f.name, f.added, f.removed, f.was_passing, f.now_passing) for f in came] == [
        ("history-won-webinar-0042", True, False, None, False),
        ("history-nurtured-0043", True, False, None, True),
    ]
    assert (came[0].after, came[0].expected) == ("nurture", "mql")

    went = changes(after, before)
    assert [(f.name, f.added, f.removed, f.was_passing, f.now_passing) for f in went] == [
        ("history-won-webinar-0042", False, True, False, None),
        ("history-nurtured-0043", False, True, True, None),
    ]
    assert (went[0].before, went[0].expected) == ("nurture", "mql")

    # Renamed (and made to fail): one case, flipped under its new name, not one added and
    # one removed.
    renamed = [
        adopted.model_copy(update={"name": "ceo-ebook-expected-mql"}) if c is ebook else c
        for c in definition.cases
    ]
    moved = run_suite(definition.model_copy(update={"cases": renamed}))
    assert [f.name for f in changes(before, moved)] == [
        "ceo-ebook-expected-mql",
        "ceo-ebook-download",
    ]
    [flip] = changes(before, moved, {"ceo-ebook-expected-mql": "ceo-ebook-download"})
    assert (flip.name, flip.added, flip.removed, flip.was_passing, flip.now_passing) == (
        "ceo-ebook-expected-mql",
        False,
        False,
        True,
        False,
    )


def test_a_competitor_reason_names_the_value_that_matched() -> None:
    """The company domain is not a competitor's; the e-mail's domain is: the reason says so."""
    definition = from_template("acme", "3m-10m", date(2025, 1, 1))
    lead = Lead.model_validate(
        {
            "person": {"title": "VP", "seniority": "vp", "email": "d@eu.rivalcrm.com"},
            "company": {"domain": "rival-europe.example", "employees": 300},
        }
    )
    verdict = evaluate(definition, lead)
    assert verdict.status == "rejected"
    text = verdict.reasons[0].text
    assert "e-mail domain eu.rivalcrm.com" in text and "'rivalcrm.com'" in text
    assert "rival-europe.example" not in text


def test_a_relative_day_does_not_depend_on_the_hour_it_is_run() -> None:
    """Two activities 0.1 and 0.45 days ago, no session id: the same day ('today') whatever
    the clock says, so a case gives one answer at 05:00 and at 20:00."""
    definition = from_template("acme", "3m-10m", date(2025, 1, 1))
    lead = Lead.model_validate(
        {
            "person": {"title": "VP Operations", "seniority": "vp", "email": "v@pied.example"},
            "company": {"domain": "pied.example", "employees": 300, "industry": "software",
                        "region": "europe"},
            "activities": [
                {"kind": "case_study_view", "days_ago": 0.1},
                {"kind": "pricing_page_view", "days_ago": 0.45},
            ],
        }
    )  # fmt: skip
    early = evaluate(definition, lead, datetime(2026, 3, 1, 5, 0, tzinfo=UTC))
    late = evaluate(definition, lead, datetime(2026, 3, 1, 20, 0, tzinfo=UTC))
    assert (early.status, early.tier) == (late.status, late.tier) == ("mql", 2)
