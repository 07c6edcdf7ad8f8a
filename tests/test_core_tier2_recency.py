"""Issue 17 §2 and §5: tier 2 combinations in one session or day, and recency on every
"has done X" clause (hand raises, the review rule's high-intent action).

Each rule is checked in the evaluator (the verdict and its reason) and, where it can make or
unmake an MQL, in the SQL engine against the reference replay on a hand-built timeline.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pydantic import ValidationError

from tests.evidence_steps import replay_definition
from workbench.core.domain.definition import Definition, Tier2Rule
from workbench.core.domain.evaluator import evaluate
from workbench.core.domain.later import signed_dump
from workbench.core.domain.lead import History, Lead
from workbench.core.evidence.engine import load_rows, replay_sql
from workbench.core.evidence.load import fetch_activities, load_to_duckdb
from workbench.core.evidence.replay import MqlEvent, replay
from workbench.core.evidence.tables import ActivityRow, LeadRow

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
COMBO = {"kind": "case_study_view", "together": ["pricing_page_view"], "within_days": 14}


def definition(**clauses: Any) -> Definition:
    return replay_definition(**clauses)


def combo_definition(**triggers: Any) -> Definition:
    return definition(
        triggers={"tier1": ["demo_request"], "tier2": [COMBO], **triggers},
        scoring=None,
    )


def lead(*activities: dict[str, Any], **company: Any) -> Lead:
    return Lead.model_validate(
        {
            "person": {"title": "VP Sales", "seniority": "vp"},
            "company": {"name": "Acme", "employees": 200, **company},
            "activities": list(activities),
        }
    )


def at(days: float, session: str | None = None, kind: str = "case_study_view") -> dict[str, Any]:
    return {"kind": kind, "at": T0 + timedelta(days=days), "session_id": session}


NOW = T0 + timedelta(days=10)


# --- the clauses themselves ----------------------------------------------------------------


def test_a_combination_needs_one_session_unless_it_says_otherwise() -> None:
    assert Tier2Rule.model_validate(COMBO).min_count == 1
    assert Tier2Rule.model_validate({**COMBO, "min_count": 2}).min_count == 2
    # A rule of one kind keeps the old default of two.
    assert Tier2Rule.model_validate({"kind": "pricing_page_view"}).min_count == 2


@pytest.mark.parametrize(
    ("together", "message"),
    [
        (
            ["case_study_view"],
            "repeat the rule's own kind, case study view: for several of one kind, raise its "
            r"count \(min_count\)",
        ),
        (["pricing_page_view", "pricing_page_view"], r"\(together\) name each kind once"),
    ],
)
def test_a_combination_names_distinct_kinds(together: list[str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Tier2Rule.model_validate({**COMBO, "together": together})


def test_unset_new_clauses_stay_out_of_the_signed_dump() -> None:
    dumped = signed_dump(definition(), mode="json")
    assert "within_days" not in dumped["triggers"]
    assert "together" not in dumped["triggers"]["tier2"][0]
    assert "high_intent_days" not in dumped["review_rule"]
    set_ = definition(
        triggers={"tier2": [COMBO], "within_days": 90},
        review_rule={"high_intent": ["webinar_attended"], "high_intent_days": 30},
    )
    dumped = signed_dump(set_, mode="json")
    assert dumped["triggers"]["within_days"] == 90
    assert dumped["triggers"]["tier2"][0]["together"] == ["pricing_page_view"]
    assert dumped["review_rule"]["high_intent_days"] == 30
    session = signed_dump(Lead.model_validate({"activities": [at(1)]}), mode="json")
    assert "session_id" not in session["activities"][0]


# --- tier 2 combinations -------------------------------------------------------------------


def test_case_study_and_pricing_in_one_session_is_tier_2() -> None:
    verdict = evaluate(
        combo_definition(),
        lead(at(8, "s-42"), at(8.01, "s-42", "pricing_page_view")),
        NOW,
    )
    assert (verdict.status, verdict.tier, verdict.trigger) == ("mql", 2, "case_study_view")
    reason = verdict.reasons[0]
    assert reason.clause == "triggers.tier2[0]"
    assert reason.text.startswith(
        "case_study_view and pricing_page_view in one session (s-42) 2 days ago meet "
        "triggers.tier2[0]"
    )


def test_the_same_two_a_week_apart_are_not_tier_2() -> None:
    verdict = evaluate(
        combo_definition(),
        lead(at(1, "s-1"), at(8, "s-2", "pricing_page_view")),
        NOW,
    )
    assert verdict.status == "nurture"
    # Nor a week apart without session ids: they are on different days.
    verdict = evaluate(combo_definition(), lead(at(1), at(8, kind="pricing_page_view")), NOW)
    assert verdict.status == "nurture"


def test_without_session_ids_the_utc_calendar_day_is_the_session() -> None:
    # 09:00 and 23:00 UTC on one day combine; 23:00 and 09:00 the next morning do not.
    same_day = lead(at(8), at(8 + 14 / 24, kind="pricing_page_view"))
    verdict = evaluate(combo_definition(), same_day, NOW)
    assert verdict.tier == 2
    assert "in one day (2025-03-11)" in verdict.reasons[0].text
    next_day = lead(at(7 + 14 / 24), at(8, kind="pricing_page_view"))
    assert evaluate(combo_definition(), next_day, NOW).status == "nurture"


def test_two_sessions_on_one_day_do_not_combine() -> None:
    two_sessions = lead(at(8, "a"), at(8.01, "b", "pricing_page_view"))
    assert evaluate(combo_definition(), two_sessions, NOW).status == "nurture"
    # A session id and none on the same day: one is a session, the other a day.
    mixed = lead(at(8, "a"), at(8.01, None, "pricing_page_view"))
    assert evaluate(combo_definition(), mixed, NOW).status == "nurture"


def test_a_combination_outside_its_window_or_before_the_last_mql_does_not_count() -> None:
    old = lead(at(-10, "s"), at(-10, "s", "pricing_page_view"))
    assert evaluate(combo_definition(), old, NOW).status == "nurture"  # 20 days > 14
    fresh = lead(at(8, "s"), at(8, "s", "pricing_page_view"))
    assert evaluate(combo_definition(), fresh, NOW).tier == 2
    fresh.history = History(last_mql_days_ago=1)  # the MQL came after the session
    assert evaluate(combo_definition(), fresh, NOW).status != "mql"


def test_min_count_counts_complete_sessions() -> None:
    rule = {**COMBO, "min_count": 2}
    one = lead(at(8, "s"), at(8, "s", "pricing_page_view"), at(9, "t"))
    two = lead(*one.model_dump()["activities"], at(9, "t", "pricing_page_view"))
    assert evaluate(combo_definition(tier2=[rule]), one, NOW).status == "nurture"
    verdict = evaluate(combo_definition(tier2=[rule]), two, NOW)
    assert verdict.tier == 2 and "in 2 sessions or days" in verdict.reasons[0].text


# --- recency everywhere --------------------------------------------------------------------


def test_a_stale_hand_raise_is_no_instant_mql() -> None:
    demo = lead({"kind": "demo_request", "days_ago": 200})
    assert evaluate(definition(scoring=None, triggers={"tier1": ["demo_request"]}), demo).tier == 1
    stale = definition(scoring=None, triggers={"tier1": ["demo_request"], "within_days": 90})
    verdict = evaluate(stale, demo)
    assert verdict.status == "nurture"
    assert verdict.reasons[-1].clause == "triggers.within_days"
    assert verdict.reasons[-1].text.startswith(
        "demo_request 200 days ago is older than the 90-day window of triggers.within_days"
    )
    fresh = lead({"kind": "demo_request", "days_ago": 90})
    assert evaluate(stale, fresh).tier == 1


def test_a_stale_sales_request_is_no_tier_4() -> None:
    ask = lead({"kind": "sales_requested", "days_ago": 45})
    rules = {"tier4": ["sales_requested"]}
    assert evaluate(definition(scoring=None, triggers=rules), ask).tier == 4
    assert evaluate(
        definition(scoring=None, triggers={**rules, "within_days": 30}), ask
    ).status == ("nurture")


def blog_reader(pricing_days_ago: int) -> Lead:
    return lead(
        {"kind": "blog_visit", "days_ago": 3, "count": 200},
        {"kind": "pricing_page_view", "days_ago": pricing_days_ago},
    )


def scored(**review: Any) -> Definition:
    return definition(
        triggers={"tier1": ["demo_request"], "tier3": True},
        scoring={"threshold": 75, "window_days": 90, "activity_points": {"blog_visit": 1}},
        review_rule={"high_intent": ["pricing_page_view"], **review},
    )


def test_200_blog_visits_and_a_pricing_view_six_months_ago_go_to_review() -> None:
    # Today's meaning: any high-intent action since the last MQL clears high volume.
    assert evaluate(scored(), blog_reader(180)).tier == 3
    verdict = evaluate(scored(high_intent_days=30), blog_reader(180))
    assert verdict.status == "review"
    assert verdict.reasons[0].clause == "review_rule"
    assert "no high-intent action in the last 30 days" in verdict.reasons[0].text
    assert "pricing_page_view 180 days ago, is older than the 30 days" in verdict.reasons[0].text
    # A pricing view last week is a high-intent action, so the score makes a tier 3 MQL.
    assert evaluate(scored(high_intent_days=30), blog_reader(7)).tier == 3


def test_the_volume_rule_also_looks_only_at_recent_high_intent() -> None:
    rules = definition(
        triggers={"tier1": ["demo_request"]},
        scoring=None,
        review_rule={"high_intent": ["pricing_page_view"], "high_intent_days": 30},
    )
    assert evaluate(rules, blog_reader(180)).status == "review"
    assert evaluate(rules, blog_reader(7)).status == "nurture"


# --- the SQL engine follows them -----------------------------------------------------------


def by_sql(rules: Definition, leads: list[LeadRow], acts: list[ActivityRow]) -> list[MqlEvent]:
    con = duckdb.connect()
    try:
        load_rows(con, leads, acts)
        return replay_sql(con, rules)
    finally:
        con.close()


def agree(rules: Definition, acts: list[ActivityRow]) -> list[MqlEvent]:
    leads = [LeadRow("L1", T0, seniority="vp", employees=200)]
    expected = sorted(replay(rules, leads, acts), key=lambda e: e.at)
    assert by_sql(rules, leads, acts) == expected
    return expected


def row(days: float, kind: str, session: str | None = None) -> ActivityRow:
    return ActivityRow("L1", kind, T0 + timedelta(days=days), session)  # type: ignore[arg-type]


def test_the_engine_finds_a_combination_in_a_session_not_across_sessions() -> None:
    rules = combo_definition()
    plan = [
        row(0, "case_study_view", "a"),
        row(0.1, "pricing_page_view", "b"),
        row(3, "pricing_page_view"),
        row(4, "case_study_view"),
        row(5, "case_study_view", "c"),
        row(5.2, "pricing_page_view", "c"),
    ]
    events = agree(rules, plan)
    assert [(e.at, e.tier, e.trigger) for e in events] == [
        (T0 + timedelta(days=5.2), 2, "case_study_view")
    ]


def test_the_engine_counts_a_combination_only_after_the_last_mql() -> None:
    rules = combo_definition(tier2=[COMBO], tier1=["demo_request"])
    rules.recycling.resubmit_after_days = 2
    plan = [
        row(0, "case_study_view", "s"),
        row(1, "demo_request"),
        row(1.5, "pricing_page_view", "s"),  # completes s, but its case study was before the MQL
        row(4, "blog_visit"),
        row(6, "case_study_view", "s"),
    ]
    events = agree(rules, plan)
    assert [e.at for e in events] == [T0 + timedelta(days=1), T0 + timedelta(days=6)]


def test_the_engine_lets_a_hand_raise_go_stale() -> None:
    rules = definition(scoring=None, triggers={"tier1": ["demo_request"], "within_days": 5})
    rules.recycling.resubmit_after_days = 3
    # Routed inside the resubmit window at day 2; at day 8 it is 6 days old: no second MQL.
    plan = [row(0, "demo_request"), row(2, "demo_request"), row(8, "blog_visit")]
    assert [e.at for e in agree(rules, plan)] == [T0]
    plan[2] = row(6, "blog_visit")  # 4 days old at day 6: still fresh, a second MQL
    assert [e.at for e in agree(rules, plan)] == [T0, T0 + timedelta(days=6)]


def test_the_engine_sends_stale_high_intent_to_review() -> None:
    rules = scored(high_intent_days=30)
    plan = [row(0, "pricing_page_view")] + [row(40 + i / 100, "blog_visit") for i in range(80)]
    assert agree(rules, plan) == []
    plan.append(row(41, "pricing_page_view"))
    assert [e.tier for e in agree(rules, plan)] == [3]


def test_the_loader_reads_a_session_id_column(tmp_path: Path) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text("lead_id,created_at\nL1,2025-01-01T00:00:00Z\n", encoding="utf-8")
    acts = tmp_path / "activities.csv"
    acts.write_text(
        "lead_id,kind,at,session_id\n"
        "L1,case_study_view,2025-01-02T10:00:00Z,s-9\n"
        "L1,pricing_page_view,2025-01-02T10:05:00Z,\n",
        encoding="utf-8",
    )
    con = duckdb.connect()
    try:
        load_to_duckdb(con, leads, acts)
        sessions = [a.session_id for a in fetch_activities(con)]
    finally:
        con.close()
    assert sessions == ["s-9", None]


def test_a_file_without_session_ids_still_loads(tmp_path: Path) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text("lead_id,created_at\nL1,2025-01-01T00:00:00Z\n", encoding="utf-8")
    acts = tmp_path / "activities.csv"
    acts.write_text("lead_id,kind,at\nL1,demo_request,2025-01-02T10:00:00Z\n", encoding="utf-8")
    con = duckdb.connect()
    try:
        load_to_duckdb(con, leads, acts)
        assert [a.session_id for a in fetch_activities(con)] == [None]
    finally:
        con.close()


def test_lint_calls_a_long_high_intent_window_stale() -> None:
    from workbench.core.domain.lint import lint

    def paths(days: int) -> list[str]:
        rules = scored(high_intent_days=days)
        findings = lint(rules, today=date(2025, 6, 1))
        return [f.clause for f in findings if f.rule == "tier2-without-recency"]

    assert paths(30) == []
    assert paths(180) == ["review_rule.high_intent_days"]


def test_the_summary_says_the_new_clauses_in_sentences() -> None:
    from workbench.core.domain.describe import trigger_sentences

    rules = combo_definition(within_days=90)
    lines = trigger_sentences(rules.triggers, None)
    assert lines[0].endswith("demo_request, within the last 90 days.")
    assert lines[1] == (
        "Tier 2: case_study_view with pricing_page_view in one session (the same UTC day when "
        "there is no session id) within the last 14 days."
    )
