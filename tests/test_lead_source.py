"""Lead source in the definition (issue 15): sources qualified apart, points and thresholds by
source. Each clause is held in the evaluator here, and in the SQL engine against the replay."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from tests.cli_steps import one_error, run
from tests.test_evidence_engine import T0, acts, agree, lead
from workbench.core.domain.definition import Definition
from workbench.core.domain.describe import fit_sentences, scoring_sentences
from workbench.core.domain.diff import diff
from workbench.core.domain.evaluator import evaluate
from workbench.core.domain.later import signed_dump
from workbench.core.domain.lead import Lead
from workbench.core.evidence.backtest import backtest
from workbench.core.evidence.engine import load_rows
from workbench.core.files.store import to_toml


def definition(fit: dict[str, Any] | None = None, **scoring: Any) -> Definition:
    return Definition.model_validate(
        {
            "name": "Sources",
            "slug": "sources",
            "stage": "3m-10m",
            "created": date(2025, 1, 1),
            "fit": {"min_employees": 50, **(fit or {})},
            "triggers": {
                "tier1": ["demo_request"],
                "tier2": [{"kind": "pricing_page_view", "min_count": 2, "within_days": 7}],
                "tier3": True,
                "tier4": ["sales_requested"],
            },
            "scoring": {
                "threshold": 30,
                "window_days": 90,
                "activity_points": {"webinar_attended": 10},
                **scoring,
            },
            "review_rule": {"enabled": False},
        }
    )


def a_lead(source: str | None, *kinds: str) -> Lead:
    return Lead.model_validate(
        {
            "company": {"name": "Acme", "employees": 200},
            "activities": [{"kind": k, "days_ago": 1} for k in kinds],
            "lead_source": source,
        }
    )


APART = definition({"exclude_sources": ["Trade Show", "cold list"]})


# --- fit.exclude_sources ------------------------------------------------------------------


def test_engagement_from_a_source_qualified_apart_is_no_mql() -> None:
    verdict = evaluate(APART, a_lead("trade show", "pricing_page_view", "pricing_page_view"))
    assert (verdict.status, verdict.route) == ("rejected", "marketing")
    [reason] = verdict.reasons
    assert reason.clause == "fit.exclude_sources"
    assert "lead source 'trade show' is qualified apart" in reason.text
    assert "002: event lists and badge scans" in reason.text
    # The same lead from another source is a tier 2 MQL.
    assert evaluate(APART, a_lead("webinar", *["pricing_page_view"] * 2)).tier == 2


def test_a_score_from_a_source_qualified_apart_is_no_mql() -> None:
    lead_ = a_lead("Cold List", *["webinar_attended"] * 3)
    assert evaluate(APART, lead_).status == "rejected"
    assert evaluate(APART, a_lead(None, *["webinar_attended"] * 3)).tier == 3


@pytest.mark.parametrize(("kind", "tier"), [("demo_request", 1), ("sales_requested", 4)])
def test_a_hand_raise_from_a_source_qualified_apart_still_qualifies(kind: str, tier: int) -> None:
    verdict = evaluate(APART, a_lead("trade show", kind))
    assert (verdict.status, verdict.tier, verdict.trigger) == ("mql", tier, kind)


def test_the_fit_gate_still_comes_first_for_a_hand_raise_from_apart() -> None:
    lead_ = a_lead("trade show", "demo_request").model_copy(
        update={"company": a_lead(None).company.model_copy(update={"employees": 10})}
    )
    assert evaluate(APART, lead_).reasons[0].clause == "fit.min_employees"


@pytest.mark.parametrize("source", ["TRADE SHOW", "  trade show ", "Trade Show"])
def test_sources_compare_ignoring_case_and_spaces(source: str) -> None:
    verdict = evaluate(APART, a_lead(source, *["pricing_page_view"] * 2))
    assert verdict.status == "rejected"
    assert f"lead source {source!r} is qualified apart" in verdict.reasons[0].text


@pytest.mark.parametrize("source", [None, "", "trade", "trade shows"])
def test_an_unknown_or_other_source_is_not_apart(source: str | None) -> None:
    assert evaluate(APART, a_lead(source, *["pricing_page_view"] * 2)).status == "mql"


# --- scoring.source_points and scoring.source_thresholds --------------------------------------


def test_source_points_are_added_once_per_lead() -> None:
    scored = definition(source_points={"Webinar ": 15})
    # 10 points of activity: 25 with the webinar source's 15, still below 30...
    assert evaluate(scored, a_lead("WEBINAR", "webinar_attended")).score == 25
    # ...and 20 + 15 = 35 reaches it: points by source count once, not per activity.
    verdict = evaluate(scored, a_lead("webinar", "webinar_attended", "webinar_attended"))
    assert (verdict.status, verdict.tier, verdict.score) == ("mql", 3, 35)
    assert evaluate(scored, a_lead("organic", "webinar_attended", "webinar_attended")).score == 20


def test_negative_source_points_lower_the_score() -> None:
    scored = definition(source_points={"paid social": -20})
    verdict = evaluate(scored, a_lead("Paid Social", *["webinar_attended"] * 4))
    assert (verdict.status, verdict.score) == ("nurture", 20)
    assert "score 20 of 30" in verdict.reasons[0].text


def test_a_threshold_by_source_replaces_the_main_one() -> None:
    scored = definition(source_thresholds={"Organic": 20})
    verdict = evaluate(scored, a_lead(" organic", "webinar_attended", "webinar_attended"))
    assert (verdict.status, verdict.tier) == ("mql", 3)
    assert "threshold of 20 [scoring.source_thresholds.Organic]" in verdict.reasons[0].text
    other = evaluate(scored, a_lead("webinar", "webinar_attended", "webinar_attended"))
    assert other.status == "nurture"
    assert "score 20 of 30" in other.reasons[0].text


def test_the_review_rule_reads_the_threshold_by_source() -> None:
    scored = definition(source_thresholds={"organic": 20}).model_copy(
        update={"review_rule": APART.review_rule.model_copy(update={"enabled": True})}
    )
    verdict = evaluate(scored, a_lead("organic", "webinar_attended", "webinar_attended"))
    assert (verdict.status, verdict.reasons[0].clause) == ("review", "review_rule")


# --- validation and signed files ------------------------------------------------------------


@pytest.mark.parametrize(
    ("clause", "value", "said"),
    [
        ("exclude_sources", [""], "fit.exclude_sources\n.*an empty lead source ''"),
        ("exclude_sources", ["  "], "an empty lead source '  '"),
        ("exclude_sources", ["Trade Show", "trade show "], "repeats 'Trade Show'"),
        ("source_points", {"": 5}, "scoring.source_points\n.*an empty lead source"),
        (
            "source_thresholds",
            {"Web": 10, "web": 20},
            "scoring.source_thresholds\n.*lead source 'web' repeats",
        ),
        ("source_thresholds", {"web": 0}, "greater than or equal to 1"),
    ],
)
def test_bad_sources_are_refused_with_a_clear_message(clause: str, value: Any, said: str) -> None:
    with pytest.raises(ValidationError, match=said.replace("(", r"\(").replace(")", r"\)")):
        if clause == "exclude_sources":
            definition({clause: value})
        else:
            definition(**{clause: value})


def test_unset_source_clauses_write_nothing_and_change_no_hash() -> None:
    plain = definition()
    dumped = signed_dump(plain, mode="json")
    assert "exclude_sources" not in dumped["fit"]
    assert "source_points" not in dumped["scoring"]
    assert "source_thresholds" not in dumped["scoring"]
    assert "lead_source" not in signed_dump(a_lead(None), mode="json")
    assert signed_dump(a_lead("webinar"), mode="json")["lead_source"] == "webinar"


# --- the SQL engine agrees ----------------------------------------------------------------


def test_engine_sources_apart_keep_only_hand_raises() -> None:
    leads = [
        lead("A", lead_source=" Trade Show"),
        lead("B", lead_source="TRADE SHOW"),
        lead("C", lead_source="webinar"),
        lead("D", lead_source=None),
    ]
    plan = acts(("pricing_page_view", 1), ("pricing_page_view", 2), lead_id="A")
    plan += acts(
        ("pricing_page_view", 1), ("pricing_page_view", 2), ("demo_request", 3), lead_id="B"
    )
    plan += acts(("pricing_page_view", 1), ("pricing_page_view", 2), lead_id="C")
    plan += acts(*[("webinar_attended", d) for d in (1, 2, 3)], lead_id="D")
    events = agree(APART, leads, plan)
    assert [(e.lead_id, e.tier, e.trigger) for e in events] == [
        ("B", 1, "demo_request"),
        ("C", 2, "pricing_page_view"),
        ("D", 3, "score"),
    ]


def test_engine_points_and_thresholds_by_source() -> None:
    scored = definition(source_points={"Webinar": 15}, source_thresholds={" organic ": 10})
    leads = [
        lead("W", lead_source="webinar "),
        lead("O", lead_source="ORGANIC"),
        lead("X", lead_source="paid"),
    ]
    plan = [
        a for x in "WOX" for a in acts(("webinar_attended", 1), ("webinar_attended", 2), lead_id=x)
    ]
    events = agree(scored, leads, plan)
    assert [(e.lead_id, e.at) for e in events] == [
        ("O", T0.replace(day=2)),
        ("W", T0.replace(day=3)),
    ]


def test_engine_source_points_worth_the_threshold_make_any_first_activity_an_mql() -> None:
    # As seniority worth the threshold: the first-MQL shortcut must look at every moment.
    scored = definition(source_points={"partner": 30})
    events = agree(scored, [lead("P", lead_source="Partner")], acts(("blog_visit", 4), lead_id="P"))
    assert [(e.lead_id, e.tier) for e in events] == [("P", 3)]


# --- surfaces: describe, show, the agreement export ------------------------------------------


SOURCED = definition(
    {"exclude_sources": ["Trade Show", "cold list"]},
    source_points={"Webinar": 15, "paid social": -5},
    source_thresholds={"Organic": 20},
)


def test_describe_says_the_source_clauses_in_the_rooms_words() -> None:
    fit = fit_sentences(SOURCED.fit)
    assert (
        "Leads from 'Trade Show' or 'cold list' are qualified apart (002: event lists, badge "
        "scans and cold lists get their own qualification): no engagement or score makes them "
        "an MQL here, only a hand raise (tier 1 or 4)." in fit
    )
    scoring = scoring_sentences(SOURCED.scoring)
    assert "Points by lead source, once per lead: 'Webinar' +15, 'paid social' -5." in scoring
    assert "Threshold by lead source, instead of 30: 'Organic' 20." in scoring
    # Without the clauses, nothing new is said.
    plain = fit_sentences(definition().fit) + scoring_sentences(definition().scoring)
    assert not [line for line in plain if "source" in line]


def test_show_and_the_agreement_export_carry_the_source_clauses(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(to_toml(SOURCED), encoding="utf-8")
    runner = CliRunner()
    shown = run(runner, "show", path)
    assert shown.exit_code == 0, shown.output
    assert "are qualified apart" in shown.output and "Points by lead source" in shown.output
    out = tmp_path / "agreement.md"
    exported = run(runner, "export", path, "--format", "md", "-o", out)
    assert exported.exit_code == 0, exported.output
    text = out.read_text(encoding="utf-8")
    assert "Threshold by lead source, instead of 30" in text and "'Trade Show'" in text


def test_an_empty_source_in_a_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    text = to_toml(SOURCED).replace('"Trade Show"', '""')
    path.write_text(text, encoding="utf-8")
    one_error(run(CliRunner(), "show", path), 2, "sources.toml", "exclude_sources", "empty lead")


def test_the_diff_names_each_source_clause() -> None:
    said = [change.text for change in diff(definition(), SOURCED)]
    assert said == [
        "fit gate: lead sources qualified apart added Trade Show, cold list",
        "scoring: lead source Webinar points added (15)",
        "scoring: lead source paid social points added (-5)",
        "scoring: lead source Organic threshold added (20)",
    ]


# --- the backtest -------------------------------------------------------------------------


def test_the_backtest_names_wins_kept_out_by_their_source() -> None:
    """Won leads from a source qualified apart that only engaged: missed wins named by
    fit.exclude_sources, with their sources, and won back by dropping the clause."""
    rows = [
        lead("badge", lead_source="Trade Show", won_at=T0.replace(month=2)),
        lead("badge-2", lead_source="trade show ", won_at=T0.replace(month=2)),
        lead("demo", lead_source="Trade Show", won_at=T0.replace(month=2)),
    ]
    plan = acts(("pricing_page_view", 1), ("pricing_page_view", 2), lead_id="badge")
    plan += acts(("pricing_page_view", 3), ("pricing_page_view", 4), lead_id="badge-2")
    plan += acts(("demo_request", 1), lead_id="demo")
    con = duckdb.connect()
    load_rows(con, rows, plan)
    found = backtest(con, APART).missed_wins
    assert found is not None and found.missed == 2
    [clause] = found.clauses
    assert (clause.clause, clause.wins, clause.recovered) == ("fit.exclude_sources", 2, 2)
    assert dict(clause.values) == {"Trade Show": 1, "trade show ": 1}
