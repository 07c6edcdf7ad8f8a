"""`workbench analyze`: the planted patterns are found, every proposal's figure is a direct
count over the same rows, the proposals applied beat the template's draft on false negatives,
and the command's input errors exit 2 with one message."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.core.domain.clauses import with_clause
from workbench.core.domain.definition import Definition, Expectation
from workbench.core.domain.evaluator import evaluate
from workbench.core.domain.templates import from_template
from workbench.core.domain.vocab import SENIORITY_ORDER
from workbench.core.evidence.analysis import (
    POPULATION,
    SIZE_BANDS,
    Analysis,
    NoWins,
    Proposal,
    analyze,
)
from workbench.core.evidence.backtest import backtest, reason_key
from workbench.core.evidence.load import fetch_activities, fetch_leads
from workbench.core.evidence.sample import sample_data, write_sample
from workbench.core.evidence.settings import EvidenceSource
from workbench.core.evidence.tables import ActivityRow, LeadRow
from workbench.core.files import store
from workbench.core.services.backtest_session import load_history

LEADS = 6000
PERIOD = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("analysis")
    lead_rows, activity_rows = sample_data(LEADS, seed=1)
    write_sample(out, lead_rows, activity_rows)
    return out


@pytest.fixture(scope="module")
def draft() -> Definition:
    return from_template("acme", "3m-10m", date(2026, 1, 1))


@pytest.fixture(scope="module")
def con(folder: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    load_history(connection, EvidenceSource(folder / "leads.csv", folder / "activities.csv"))
    return connection


@pytest.fixture(scope="module")
def analysis(con: duckdb.DuckDBPyConnection, draft: Definition) -> Analysis:
    return analyze(con, draft, "sample")


def test_finds_the_planted_patterns(analysis: Analysis) -> None:
    sources = {row.value: row for row in analysis.profile["source"]}
    assert sources["webinar"].lift is not None and sources["webinar"].lift > 3
    assert max(analysis.profile["source"], key=lambda r: r.lift or 0).value == "webinar"
    pricing = {p.figures.value: p.figures for p in analysis.patterns}
    twice_a_week = pricing["pricing page view 2+ times in 7 days"]
    assert twice_a_week.lift is not None and twice_a_week.lift > 1.8
    assert (twice_a_week.share_of_wins or 0) > 2 * (twice_a_week.share_of_others or 0)
    sizes = {row.value: row.lift or 0 for row in analysis.profile["size"]}
    assert sizes["51-200"] > 1 and sizes["201-1000"] > 1 and sizes["5001+"] < 0.5
    proposals = {p.clause: p for p in analysis.proposals}
    industries = proposals["fit.industries"].value
    assert isinstance(industries, list) and {"software", "fintech"} <= set(industries)
    assert proposals["fit.max_employees"].value == 1000
    personas = proposals["fit.excluded_personas"].value
    assert isinstance(personas, list) and "student" in personas
    assert "demo_request" in (proposals["triggers.tier1"].value or [])  # type: ignore[operator]


def test_behaviour_seen_in_too_few_wins_is_not_ranked(analysis: Analysis) -> None:
    # "webinar attended 3+ times in 14 days": 1 win among 31 leads read as 3.2x lift and
    # stood second in the list, marked nothing ('(few)' counted leads, not wins).
    from workbench.core.evidence.analysis import PATTERN_WINS
    from workbench.core.evidence.analysis_report import analysis_lines

    lucky = replace(
        analysis.patterns[0],
        kind="webinar_attended",
        count=3,
        days=14,
        figures=replace(analysis.patterns[0].figures, value="lucky 3+", wins=1, others=30),
    )
    assert not lucky.figures.small and (lucky.figures.lift or 0) > 1.5
    seeded = replace(analysis, patterns=[lucky, *analysis.patterns])
    assert lucky not in seeded.ranked_patterns
    assert all(p.figures.wins >= PATTERN_WINS for p in seeded.ranked_patterns)
    assert len(seeded.ranked_patterns) == len(analysis.ranked_patterns) > 3
    text = "\n".join(analysis_lines(seeded))
    assert "lucky 3+" not in text and "behaviour seen in under 5 wins is not ranked" in text


def test_proposals_applied_beat_the_draft_without_breaking_acceptance(
    con: duckdb.DuckDBPyConnection, draft: Definition, analysis: Analysis
) -> None:
    before = backtest(con, draft)
    applied = draft
    for proposal in analysis.proposals:
        applied = with_clause(applied, proposal.clause, proposal.value)
    after = backtest(con, applied)
    # Seen: 73 of 83 wins missed at 69.8% acceptance, then 42 of 83 at 57.2%.
    assert after.false_negatives.missed < before.false_negatives.missed - 20
    assert after.acceptance.rate is not None and after.acceptance.rate >= 0.40


# --- each proposal's figure is a direct count over the same rows ------------------------------


def _population(leads: list[LeadRow], wins: int = 100) -> list[LeadRow]:
    won = sorted(
        (lead for lead in leads if lead.won_at is not None),
        key=lambda lead: (-lead.won_at.timestamp(), lead.lead_id),  # type: ignore[union-attr]
    )[:wins]
    low, high = min(w.created_at for w in won), max(w.created_at for w in won)
    return won + [lead for lead in leads if lead.won_at is None and low <= lead.created_at <= high]


def _fit_passes(proposal: Proposal, lead: LeadRow) -> bool:
    value: Any = proposal.value
    field = proposal.clause.split(".")[1]
    if field == "min_seniority":
        allowed = SENIORITY_ORDER[SENIORITY_ORDER.index(value) :]
        return lead.seniority in allowed
    if field == "industries":
        return (lead.industry or "").strip().lower() in value
    if field == "regions":
        return (lead.region or "").strip().lower() in value
    if field in ("min_employees", "max_employees"):
        if lead.employees is None:
            return False
        # The bands are whole: a bound at a band edge keeps exactly the bands inside it.
        edges = [low for low, _ in SIZE_BANDS]
        assert field == "max_employees" or value in edges
        bound: int = value
        return lead.employees >= bound if field == "min_employees" else lead.employees <= bound
    if field == "excluded_personas":
        return (lead.persona or "employee") not in value
    raise AssertionError(field)


def _most_within(times: list[Any], days: int) -> int:
    best = 0
    for at, moment in enumerate(times):
        best = max(best, sum(1 for t in times[: at + 1] if moment - t <= timedelta(days=days)))
    return best


def _trigger_passes(proposal: Proposal, acts: dict[str, list[Any]]) -> bool:
    if proposal.clause == "triggers.tier1":
        return any(acts.get(kind) for kind in proposal.value)  # type: ignore[attr-defined]
    assert proposal.clause == "triggers.tier2"
    return any(
        _most_within(sorted(acts.get(rule["kind"], [])), rule["within_days"]) >= rule["min_count"]
        for rule in proposal.value  # type: ignore[attr-defined]
    )


def _activities_up_to_the_win(
    con: duckdb.DuckDBPyConnection, leads: list[LeadRow]
) -> dict[str, dict[str, list[Any]]]:
    """Each population lead's activity times per kind, up to its win."""
    by_lead: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    cut = {lead.lead_id: lead.won_at for lead in leads}
    activities: list[ActivityRow] = fetch_activities(con)
    for act in activities:
        won_at = cut.get(act.lead_id, act.at)
        if act.lead_id in cut and (won_at is None or act.at <= won_at):
            by_lead[act.lead_id][act.kind].append(act.at)
    return by_lead


def _assert_counted(
    proposal: Proposal,
    plain: Proposal,
    wins: list[LeadRow],
    others: list[LeadRow],
    by_lead: dict[str, dict[str, list[Any]]],
) -> int:
    """The proposal's figures are a direct count of the wins and others its clause (as
    `plain`, a main-gate clause) passes; returns the wins kept."""
    if plain.clause.startswith("fit."):
        kept_wins = sum(_fit_passes(plain, lead) for lead in wins)
        kept_others = sum(_fit_passes(plain, lead) for lead in others)
    else:
        kept_wins = sum(_trigger_passes(plain, by_lead[lead.lead_id]) for lead in wins)
        kept_others = sum(_trigger_passes(plain, by_lead[lead.lead_id]) for lead in others)
    assert (proposal.wins_total, proposal.others_total) == (len(wins), len(others))
    assert proposal.wins_kept == kept_wins, proposal.clause
    assert proposal.others_dropped == len(others) - kept_others, proposal.clause
    return kept_wins


def test_every_proposal_type_is_a_direct_count(
    con: duckdb.DuckDBPyConnection, analysis: Analysis
) -> None:
    leads = _population(fetch_leads(con))
    by_lead = _activities_up_to_the_win(con, leads)
    wins = [lead for lead in leads if lead.won_at is not None]
    others = [lead for lead in leads if lead.won_at is None]
    types = {p.clause for p in analysis.proposals}
    assert {"fit.min_seniority", "fit.industries", "fit.regions", "triggers.tier1"} <= types
    assert {"fit.max_employees", "fit.excluded_personas", "triggers.tier2"} <= types
    for proposal in analysis.proposals:
        kept_wins = _assert_counted(proposal, proposal, wins, others, by_lead)
        kept_pct = round(100 * kept_wins / len(wins))
        assert f"keeps {kept_pct}% of wins ({kept_wins} of {len(wins)})" in proposal.summary
        assert proposal.period == (
            min(lead.created_at for lead in leads).date(),
            max(lead.created_at for lead in leads).date(),
        )
        # Each proposal applies as it stands.
        with_clause(from_template("x", "3m-10m", date(2026, 1, 1)), proposal.clause, proposal.value)


# --- cases from history ------------------------------------------------------------------------


def test_cases_are_anonymised_and_keep_the_disagreement(
    analysis: Analysis, draft: Definition
) -> None:
    kinds = {case.kind for case in analysis.cases}
    assert kinds == {"won-never-mql", "mql-rejected", "handed-over-not-by-draft"}
    for case in analysis.cases:
        assert case.lead.company.name == ""
        assert case.lead.person.email is None or case.lead.person.email.startswith("lead@")
        assert all(a.at is None and a.days_ago is not None for a in case.lead.activities)
        verdict = evaluate(draft, case.lead)
        if case.kind == "mql-rejected":
            assert verdict.status == "mql", case.name
        else:
            assert verdict.status != "mql", case.name
        edge = case.edge_case(Expectation(status="mql"))
        assert edge.name == case.name and edge.lead == case.lead


def test_no_wins_in_the_period_is_bad_input(
    con: duckdb.DuckDBPyConnection, draft: Definition
) -> None:
    with pytest.raises(NoWins, match="no closed-won lead in that period"):
        analyze(con, draft, "sample", since=date(2030, 1, 1))


def test_a_period_reads_the_leads_created_in_it(
    con: duckdb.DuckDBPyConnection, draft: Definition
) -> None:
    found = analyze(con, draft, "sample", since=date(2025, 3, 1), until=date(2025, 5, 31))
    assert found.period[0] >= date(2025, 3, 1) and found.period[1] <= date(2025, 5, 31)
    assert found.wins > 0


def test_proposals_from_fewer_than_fifty_wins_say_they_are_a_rough_guide(
    con: duckdb.DuckDBPyConnection, draft: Definition
) -> None:
    # 001 starts from "the last 50-100 closed-won deals". Five wins proposed removing two
    # hand raises with nothing to say the figure rested on five; a segment's own proposals
    # already said "a rough guide" under ten.
    few = analyze(con, draft, "sample", wins=5)
    assert few.wins == 5 and few.proposals
    assert all(
        "(5 wins, under the 50 001 starts from: a rough guide)" in p.summary for p in few.proposals
    )
    enough = analyze(con, draft, "sample", wins=60)
    assert enough.wins == 60 and enough.proposals
    assert not any("rough guide" in p.summary for p in enough.proposals)


def test_a_fit_value_that_leaves_out_no_non_buyer_is_not_proposed(folder: Path) -> None:
    # Every lead of one size (500 employees): "min 201 employees: drops 0 of 1870" was
    # proposed, and would have taken a $10-30M draft's SMB segment out on no evidence. The
    # history says nothing about sizes it never shows.
    connection = duckdb.connect()
    load_history(connection, EvidenceSource(folder / "leads.csv", folder / "activities.csv"))
    connection.execute("UPDATE leads SET employees = 500")
    draft = from_template("acme", "10m-30m", date(2026, 1, 1))
    found = analyze(connection, draft, "sample").proposals
    sizes = [p for p in found if p.clause.endswith(("min_employees", "max_employees"))]
    assert sizes == [], [p.summary for p in sizes]
    assert found, "the other clauses are still proposed"
    # The quarterly review reads them all: it weighs a gate against the quarter's own
    # bad-fit rejections, made after the non-buyers counted here (found by review).
    plain = from_template("acme", "3m-10m", date(2026, 1, 1))  # sizes are its gate's to say
    bounds = ("min_employees", "max_employees")
    ours = analyze(connection, plain, "sample").proposals
    assert not [p for p in ours if p.clause.endswith(bounds)]
    every = analyze(connection, plain, "sample", separating=False).proposals
    assert [p for p in every if p.clause.endswith(bounds)]
    assert all(p.others_dropped > 0 for p in found if ".fit." in f".{p.clause}")
    # No win with a known size: "min 5001 employees: keeps 0% of wins" was proposed.
    connection.execute("UPDATE leads SET employees = NULL WHERE won_at IS NOT NULL")
    connection.execute("UPDATE leads SET employees = 20 WHERE won_at IS NULL")
    found = analyze(connection, draft, "sample").proposals
    assert not [p for p in found if ".fit." in f".{p.clause}" and not p.wins_kept]


def test_a_segmented_drafts_main_gate_is_proposed_from_the_leads_it_decides(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # $10-30M: SMB and Enterprise have their own gates, so the main gate decides Mid-market
    # alone. Its proposals were counted over every lead ("keeps 86% of wins (68 of 79)"),
    # and applying one moved 3 wins. They count Mid-market's wins, and propose no size
    # (the segments' ranges decide sizes).
    draft = from_template("acme", "10m-30m", date(2026, 1, 1))
    using = [s for s in draft.segments if s.fit is None]
    assert [s.id for s in using] == ["mid-market"]
    low, high = using[0].min_employees, using[0].max_employees
    assert low is not None and high is not None
    found = analyze(con, draft, "sample")
    wins = con.execute(
        f"SELECT count(*) FROM {POPULATION} AS p JOIN leads AS l USING (lead_id) "
        f"WHERE p.won AND l.employees BETWEEN {low} AND {high}"
    ).fetchone()
    assert wins is not None and 0 < wins[0] < found.wins
    main = [p for p in found.proposals if p.clause.startswith("fit.")]
    assert main, [p.clause for p in found.proposals]
    assert all(p.wins_total == wins[0] for p in main)
    assert all(p.summary.startswith("Mid-market, decided by the main gate") for p in main)
    assert not [p for p in main if p.clause in ("fit.min_employees", "fit.max_employees")]
    # Unsegmented, the gate is read from every lead, as before.
    plain = analyze(con, from_template("acme", "3m-10m", date(2026, 1, 1)), "sample")
    assert all(p.wins_total == plain.wins for p in plain.proposals if p.clause.startswith("fit."))


# --- the command ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def draft_file(folder: Path, draft: Definition) -> Path:
    path = folder / "definitions" / "acme" / "v1.toml"
    path.parent.mkdir(parents=True)
    store.write_copy(draft, path)
    return path


def _run(folder: Path, *args: str) -> Any:
    return CliRunner().invoke(
        app,
        [
            "analyze",
            *args,
            "--leads",
            str(folder / "leads.csv"),
            "--activities",
            str(folder / "activities.csv"),
        ],
    )


def test_command_text_json_and_documents(folder: Path, draft_file: Path, tmp_path: Path) -> None:
    text = _run(folder, str(draft_file))
    assert text.exit_code == 0, text.output
    assert "fit.min_seniority" in text.output and "Buyer profile: source" in text.output
    as_json = _run(folder, str(draft_file), "--json", "--wins", "50")
    assert as_json.exit_code == 0, as_json.output
    payload = json.loads(as_json.output)
    assert payload["wins"] == 50 and payload["proposals"][0]["wins_total"] == 50
    out = tmp_path / "analysis.md"
    md = _run(folder, str(draft_file), "--format", "md", "--out", str(out))
    assert md.exit_code == 0, md.output
    assert out.read_text().startswith("## Analysis: acme v1")
    html = _run(folder, str(draft_file), "--format", "html")
    assert html.exit_code == 0 and "<table>" in html.output


def test_command_until_and_since_include_their_day(
    folder: Path, draft_file: Path, con: duckdb.DuckDBPyConnection
) -> None:
    """`--since D --until D` reads the wins created on D: both ends include their day, as
    `sla --from/--to` and `fit-scoring --train-until` do."""
    won = sorted(r.created_at for r in fetch_leads(con) if r.won_at is not None)
    day = won[len(won) // 2].date().isoformat()
    result = _run(folder, str(draft_file), "--since", day, "--until", day, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["period"] == [day, day]
    help_text = " ".join(CliRunner().invoke(app, ["analyze", "--help"]).output.split())
    assert "on or before this day" in help_text and "last day, included" in help_text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--wins", "0"], "--wins: must be 1 or more"),
        (["--wins", "5", "--since", "2025-01-01"], "not both"),
        (["--since", "2025-13-01"], "2025-13-01 is not a day of the calendar: there is no month"),
        (["--since", "last spring"], "expected a date as YYYY-MM-DD"),
        (["--since", "2025-06-01", "--until", "2025-01-01"], "is after --until"),
        (["--since", "2031-01-01"], "no closed-won lead in that period"),
    ],
)
def test_command_bad_input_exits_2(
    folder: Path, draft_file: Path, args: list[str], message: str
) -> None:
    result = _run(folder, str(draft_file), *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_a_first_conversion_tie_at_one_time_counts_the_first_name() -> None:
    # Two kinds at the same first moment: the alphabetically first is the first conversion,
    # not the first in the vocabulary (the order of the loaded ENUM kind).
    from workbench.core.evidence import analysis
    from workbench.core.evidence.engine import load_rows
    from workbench.core.evidence.tables import ActivityRow, LeadRow

    at = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)
    con = duckdb.connect()
    load_rows(
        con,
        [LeadRow(lead_id="W", created_at=at)],
        [ActivityRow("W", "demo_request", at), ActivityRow("W", "contact_sales", at)],
    )
    con.execute(
        f"CREATE TEMP TABLE {analysis.POPULATION} AS "
        "SELECT 'W' AS lead_id, TRUE AS won, CAST(NULL AS TIMESTAMP) AS cut"
    )
    firsts = analysis._first_actions(con, 1, 0)
    assert [(f.value, f.wins) for f in firsts] == [("contact_sales", 1)]


# --- proposals against the draft -------------------------------------------------------------


def test_a_proposal_keeps_what_the_draft_has_that_too_few_leads_can_judge(folder: Path) -> None:
    """Three journalists and three pricing inquiries cannot argue a persona exclusion or a
    framework hand raise out of the draft; enough leads that close below the base rate can
    (sales requested here), and the proposal says what it removes."""
    connection = duckdb.connect()
    load_history(connection, EvidenceSource(folder / "leads.csv", folder / "activities.csv"))
    connection.execute(
        "DELETE FROM leads WHERE persona = 'journalist' AND lead_id NOT IN "
        "(SELECT lead_id FROM leads WHERE persona = 'journalist' ORDER BY lead_id LIMIT 3)"
    )
    connection.execute(
        "DELETE FROM activities WHERE kind = 'pricing_inquiry' AND lead_id NOT IN (SELECT "
        "DISTINCT lead_id FROM activities WHERE kind = 'pricing_inquiry' ORDER BY 1 LIMIT 3)"
    )
    draft = from_template("acme", "3m-10m", date(2026, 1, 1))
    draft = with_clause(draft, "triggers.tier1", [*draft.triggers.tier1, "sales_requested"])
    found = {p.clause: p for p in analyze(connection, draft, "sample").proposals}
    personas = found["fit.excluded_personas"]
    assert personas.value == ["consultant", "job-seeker", "journalist", "student"]
    assert personas.against_draft == ""
    tier1 = found["triggers.tier1"]
    assert tier1.value == ["contact_sales", "demo_request", "pricing_inquiry"]
    assert "kept from the draft" in tier1.summary and "pricing inquiry" in tier1.summary
    assert tier1.against_draft == "removes sales requested"


def test_what_a_proposal_changes_in_the_draft_is_said_in_words(analysis: Analysis) -> None:
    from workbench.core.domain.clause_evidence import draft_change

    draft = from_template("acme", "3m-10m", date(2026, 1, 1))
    by_clause = {p.clause: p for p in analysis.proposals}
    tier2 = by_clause["triggers.tier2"]
    seniority = by_clause["fit.min_seniority"]
    assert draft_change(draft, seniority) == f"it has {draft.fit.min_seniority}"
    applied = with_clause(draft, seniority.clause, seniority.value)
    assert draft_change(applied, seniority) == ""
    narrowed = with_clause(draft, "fit.industries", ["software", "retail"])
    industries = by_clause["fit.industries"]
    assert isinstance(industries.value, list) and "retail" not in industries.value
    said = draft_change(narrowed, industries)
    assert said.startswith("removes retail; adds ")
    kinds = [str(r["kind"]) for r in tier2.value if isinstance(r, dict)]  # type: ignore[attr-defined]
    gone = [r.kind for r in draft.triggers.tier2 if r.kind not in kinds]
    assert gone  # the sample's tier 2 proposal leaves out one of the template's rules
    assert draft_change(draft, tier2).startswith("removes " + gone[0].replace("_", " "))


def test_a_draft_tier_1_kind_that_is_no_hand_raise_is_judged_by_its_own_figures(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Every draft tier 1 kind outside the hand raises was kept "as the history does not argue
    against it", however many leads showed it never closing."""
    draft = from_template("acme", "3m-10m", date(2026, 1, 1))
    extra = [*draft.triggers.tier1, "careers_page_view", "webinar_attended"]
    draft = with_clause(draft, "triggers.tier1", extra)
    tier1 = next(p for p in analyze(con, draft, "sample").proposals if p.clause == "triggers.tier1")
    assert isinstance(tier1.value, list)
    assert "webinar_attended" in tier1.value  # closes above the base rate: kept
    assert "careers_page_view" not in tier1.value  # ~100 leads, no win: dropped, and said
    assert tier1.against_draft == "removes careers page view"


def test_draft_change_reads_lists_as_the_gate_does_and_names_changed_rules() -> None:
    from workbench.core.domain.clause_evidence import draft_change

    draft = from_template("acme", "3m-10m", date(2026, 1, 1))
    cased = with_clause(draft, "fit.industries", ["Software", "FinTech"])
    same = Proposal("fit.industries", ["fintech", "software"], "x", 1, 2, 1, 2, None, PERIOD, "")
    assert draft_change(cased, same) == ""
    # An empty allow-list takes any industry: "adds fintech, software" read as widening it.
    anything = with_clause(draft, "fit.industries", [])
    assert draft_change(anything, same) == "limits to fintech, software (was any)"
    regions = Proposal("fit.regions", ["europe"], "x", 1, 2, 1, 2, None, PERIOD, "")
    assert draft_change(with_clause(draft, "fit.regions", []), regions) == (
        "limits to europe (was any)"
    )
    rules = [r.model_dump() for r in draft.triggers.tier2]
    rules[0] = {**rules[0], "min_count": rules[0]["min_count"] + 1}
    moved = Proposal("triggers.tier2", rules, "x", 1, 2, 1, 2, None, PERIOD, "")
    first = draft.triggers.tier2[0]
    assert draft_change(draft, moved) == (
        f"changes {first.kind.replace('_', ' ')} to {first.min_count + 1}+ in "
        f"{first.within_days} days"
    )
    # A combination replaced by a count of its kind: a facilitator read "changes case study
    # view to 2+ in 30 days" and lost "with pricing page view in one session" unsaid.
    combined = next(r for r in draft.triggers.tier2 if r.together)
    alone = [r.model_dump() for r in draft.triggers.tier2 if not r.together]
    alone.append({"kind": combined.kind, "min_count": 2, "within_days": 30})
    replaced = Proposal("triggers.tier2", alone, "x", 1, 2, 1, 2, None, PERIOD, "")
    label = combined.kind.replace("_", " ")
    assert draft_change(draft, replaced) == (
        f"removes {label} with {' and '.join(t.replace('_', ' ') for t in combined.together)}; "
        f"adds {label}"
    )


def test_the_report_marks_a_proposal_already_in_the_definition(analysis: Analysis) -> None:
    from workbench.core.evidence.analysis_report import analysis_lines, analysis_markdown

    lines = analysis_lines(analysis)
    at = lines.index("  fit.max_employees = 1000")  # the template's own maximum
    assert lines[at + 2] == "    already in the definition"
    seniority = lines.index(next(line for line in lines if line.startswith("  fit.min_seniority")))
    assert lines[seniority + 2].startswith("    against the definition: it has director")
    assert "(already in the definition)" in analysis_markdown(analysis)


def test_no_proposal_brings_an_anti_pattern_lint_flags(tmp_path: Path) -> None:
    """On 3,000 sample leads the tier 2 proposal had `content_download 2+ in 30 days`; applied,
    `lint` warned content-download-trigger on what the analysis itself had proposed."""
    from workbench.core.domain.clause_evidence import apply_proposal
    from workbench.core.domain.lint import lint

    write_sample(tmp_path, *sample_data(3000, seed=1))
    connection = duckdb.connect()
    load_history(connection, EvidenceSource(tmp_path / "leads.csv", tmp_path / "activities.csv"))
    draft = from_template("globex", "10m-30m", date(2026, 1, 1))
    found = analyze(connection, draft, "sample")
    assert any(p.clause == "triggers.tier2" for p in found.proposals)
    flagged = {"content-download-trigger", "demo-request-scored"}
    before = {f.rule for f in lint(draft, today=date(2026, 1, 2)) if f.rule in flagged}
    for proposal in found.proposals:
        applied = apply_proposal(draft, proposal, on=date(2026, 1, 2))
        after = {f.rule for f in lint(applied, today=date(2026, 1, 2)) if f.rule in flagged}
        assert after <= before, (proposal.clause, proposal.value, after)


def test_a_rejected_mql_from_history_is_an_mql_of_the_draft_as_adopted(tmp_path: Path) -> None:
    """On the $30M+ draft, "An MQL under the draft that the SDR rejected" read "The draft now:
    rejected" once adopted: the case carried the CRM's engaged contacts and no account intent,
    so the account motion that made it an MQL never fired. And the suggestion said "nurture
    (not sales-ready)" where the SDR's reason was competitor-student-job-seeker."""
    from workbench.core.domain.evaluator import evaluate
    from workbench.core.services.analysis_session import suggested_expectation

    write_sample(tmp_path, *sample_data(3000, seed=1))
    connection = duckdb.connect()
    load_history(connection, EvidenceSource(tmp_path / "leads.csv", tmp_path / "activities.csv"))
    draft = from_template("globex", "30m-plus", date(2026, 1, 1))
    rejected = [c for c in analyze(connection, draft, "sample").cases if c.kind == "mql-rejected"]
    assert rejected
    for case in rejected:
        assert evaluate(draft, case.lead).status == "mql", case.name
        expect, reason = suggested_expectation(case)
        assert case.reason and case.reason in reason
        fit = reason_key(case.reason) in ("bad-fit-company", "bad-fit-person",
                                          "competitor-student-job-seeker")  # fmt: skip
        assert expect.status == ("rejected" if fit else "nurture"), (case.reason, expect)
    assert any(c.lead.company.account_intent for c in rejected)


# --- segments -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def segmented() -> Definition:
    return from_template("acme", "10m-30m", date(2026, 1, 1))


@pytest.fixture(scope="module")
def segment_analysis(con: duckdb.DuckDBPyConnection, segmented: Definition) -> Analysis:
    return analyze(con, segmented, "sample")


def _in_segment(definition: Definition, segment_id: str, lead: LeadRow) -> bool:
    """The segment the evaluator picks for the lead: the first whose size range holds it."""
    if lead.employees is None:
        return False
    for segment in definition.segments:
        low, high = segment.min_employees, segment.max_employees
        if (low is None or lead.employees >= low) and (high is None or lead.employees <= high):
            return segment.id == segment_id
    return False


def test_a_segment_s_own_gate_is_proposed_from_its_own_leads(
    con: duckdb.DuckDBPyConnection, segmented: Definition, segment_analysis: Analysis
) -> None:
    # The $10-30M template's SMB and Enterprise gates are their own: each is read from the
    # wins and non-buyers of its size, a direct count over the same rows.
    leads = _population(fetch_leads(con))
    by_lead = _activities_up_to_the_win(con, leads)
    own = [p for p in segment_analysis.proposals if p.clause.startswith("segments.")]
    owners = {p.clause.split(".")[1] for p in own}
    with_own = {s.id for s in segmented.segments if s.fit is not None or s.triggers is not None}
    assert owners and owners <= with_own
    assert any(p.clause.endswith(".fit.min_seniority") for p in own)
    assert any(p.clause.endswith(".triggers.tier1") for p in own)
    for proposal in own:
        segment_id = proposal.clause.split(".")[1]
        members = [lead for lead in leads if _in_segment(segmented, segment_id, lead)]
        wins = [lead for lead in members if lead.won_at is not None]
        others = [lead for lead in members if lead.won_at is None]
        plain = replace(proposal, clause=proposal.clause.split(".", 2)[2])
        _assert_counted(proposal, plain, wins, others, by_lead)
        label = next(s.label for s in segmented.segments if s.id == segment_id)
        assert proposal.summary.startswith(f"{label} ({len(wins)} wins of its size")


def test_a_segment_proposal_applies_to_that_segment_alone_and_backs_it(
    segmented: Definition, segment_analysis: Analysis
) -> None:
    from workbench.core.domain.clause_evidence import apply_proposal, unbacked

    proposal = next(
        p
        for p in segment_analysis.proposals
        if p.clause.startswith("segments.") and p.against_draft
    )
    applied = apply_proposal(segmented, proposal, on=date(2026, 1, 2))
    segment_id, field = proposal.clause.split(".")[1], proposal.clause.split(".")[-1]
    for before, after in zip(segmented.segments, applied.segments, strict=True):
        assert before.fit is not None or after.fit is None
        if before.id == segment_id:
            assert getattr(after.fit, field) == proposal.value
        else:
            assert after == before
    assert applied.fit == segmented.fit
    assert proposal.clause in applied.evidence
    assert proposal.clause in unbacked(segmented) and proposal.clause not in unbacked(applied)


def test_a_segment_s_trigger_proposal_is_said_in_words_against_its_own_triggers(
    segment_analysis: Analysis,
) -> None:
    tier2 = [p for p in segment_analysis.proposals if p.clause.endswith(".triggers.tier2")]
    assert tier2
    for proposal in tier2:
        assert proposal.clause.startswith("segments.")
        assert "kind=" not in proposal.against_draft and "min_count" not in proposal.against_draft


def test_a_segment_proposal_once_the_segment_uses_the_main_gate_again(
    segmented: Definition, segment_analysis: Analysis
) -> None:
    # The room gives SMB back to the main gate after the analysis ran: the Analysis tab's
    # "in the draft" check crashed on the missing table, and applying said "no clause".
    from workbench.core.domain.clause_evidence import apply_proposal
    from workbench.core.domain.errors import InputError
    from workbench.core.services.analysis_session import in_draft

    proposal = next(p for p in segment_analysis.proposals if p.clause.startswith("segments.smb."))
    shared = with_clause(
        with_clause(segmented, "segments.smb.fit", None), "segments.smb.triggers", None
    )
    assert in_draft(shared, proposal) is False
    with pytest.raises(InputError) as refused:
        apply_proposal(shared, proposal, on=date(2026, 1, 2))
    table = proposal.clause.split(".")[2]
    assert f"SMB uses the main {table} now, not its own" in str(refused.value)
