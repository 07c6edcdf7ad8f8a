"""Adopting what the history says: a proposal into the draft and a history case into the
suite, one at a time, through the workshop (read-only refused, names kept unique), and the
analysis run over the app's evidence session."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from workbench.core.domain.clauses import with_clause
from workbench.core.domain.definition import Expectation
from workbench.core.domain.evaluator import evaluate
from workbench.core.domain.suite import run_suite
from workbench.core.domain.templates import from_template
from workbench.core.evidence.analysis import HistoryCase, Proposal
from workbench.core.evidence.sample import sample_data, write_sample
from workbench.core.evidence.settings import EvidenceSource
from workbench.core.files import store
from workbench.core.services.analysis_session import (
    AnalysisOutcome,
    adopt_case,
    adopt_proposal,
    free_name,
    in_draft,
    run_analysis,
    suggested_expectation,
)
from workbench.core.services.backtest_session import EvidenceSession
from workbench.core.services.workshop import Workshop

TODAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnalysisOutcome]:
    """One analysis of a 2,000-lead sample against the template's draft, as the app runs it."""
    folder = tmp_path_factory.mktemp("history")
    leads, activities = write_sample(folder, *sample_data(2000, seed=1))
    session = EvidenceSession(folder, EvidenceSource(leads, activities))
    notes: list[str] = []
    result = run_analysis(session, from_template("acme", "3m-10m", TODAY), notes.append)
    assert result is not None
    assert "analysing the closed-won leads" in notes and "backtesting the draft" in notes
    yield result
    session.close()


@pytest.fixture
def workshop(tmp_path: Path) -> Workshop:
    path = store.create(from_template("acme", "3m-10m", TODAY), tmp_path / "definitions")
    return Workshop.open(path)


def proposal_for(outcome: AnalysisOutcome, clause: str) -> Proposal:
    found = [p for p in outcome.analysis.proposals if p.clause == clause]
    assert found, [p.clause for p in outcome.analysis.proposals]
    return found[0]


def test_the_run_names_its_source_and_backtests_the_same_draft(outcome: AnalysisOutcome) -> None:
    assert outcome.analysis.source == "leads.csv + activities.csv, 2,000 leads"
    assert outcome.backtest.definition.startswith("acme v1")
    assert outcome.analysis.wins > 0 and outcome.analysis.proposals and outcome.analysis.cases


@pytest.mark.parametrize("clause", ["fit.industries", "fit.min_employees", "triggers.tier2"])
def test_a_proposal_lands_with_its_evidence(
    outcome: AnalysisOutcome, workshop: Workshop, clause: str
) -> None:
    proposal = proposal_for(outcome, clause)
    before = workshop.definition
    assert not in_draft(before, proposal)
    result = adopt_proposal(workshop, proposal)
    assert result.ok and result.changed, result.errors
    landed = workshop.definition
    assert landed.model_copy(update={"evidence": {}}) == with_clause(before, clause, proposal.value)
    # The clause keeps the proposal's figures as its evidence (issue 14).
    evidence = landed.evidence[clause]
    assert evidence.recorded_by == "proposal"
    assert (evidence.wins_kept, evidence.wins_total) == (proposal.wins_kept, proposal.wins_total)
    assert in_draft(landed, proposal)
    assert workshop.dirty, "saved by the app's autosave, like any edit"
    # The suite was re-run on the new draft, not left as it was.
    assert workshop.suite == run_suite(workshop.definition)
    # Only that clause changed.
    for other in ("fit", "triggers", "scoring", "sla", "cases"):
        if not clause.startswith(other):
            assert getattr(workshop.definition, other) == getattr(before, other)
    again = adopt_proposal(workshop, proposal)
    assert again.ok and not again.changed


def test_a_proposal_that_does_not_fit_names_its_clause(workshop: Workshop) -> None:
    bad = Proposal(
        clause="fit.min_employees",
        value=-5,
        summary="",
        wins_kept=0,
        wins_total=1,
        others_dropped=0,
        others_total=1,
        lift=None,
        period=(TODAY, TODAY),
        source="",
    )
    before = workshop.definition
    result = adopt_proposal(workshop, bad)
    assert not result.ok and "fit.min_employees" in result.errors[0]
    assert workshop.definition == before
    missing = Proposal(**{**bad.__dict__, "clause": "segments.nowhere.fit", "value": {}})
    result = adopt_proposal(workshop, missing)
    assert not result.ok and "segments.nowhere.fit" in result.errors[0]


def test_a_signed_draft_takes_neither(outcome: AnalysisOutcome, workshop: Workshop) -> None:
    workshop.follow = True  # read-only as a signed file is: the same check
    before = workshop.definition
    proposal = outcome.analysis.proposals[0]
    assert not adopt_proposal(workshop, proposal).ok
    case = outcome.analysis.cases[0]
    assert not adopt_case(workshop, case, Expectation(status="mql")).ok
    assert workshop.definition == before


def test_a_history_case_joins_the_suite_with_the_rooms_expectation(
    outcome: AnalysisOutcome, workshop: Workshop
) -> None:
    case: HistoryCase = outcome.analysis.cases[0]
    expect = Expectation(status="nurture")
    count = len(workshop.definition.cases)
    result = adopt_case(workshop, case, expect)
    assert result.ok and result.changed
    added = workshop.definition.cases[-1]
    assert (added.name, added.expect, added.lead) == (case.name, expect, case.lead)
    assert len(workshop.definition.cases) == count + 1
    verdict = evaluate(workshop.definition, case.lead)
    assert workshop.suite.by_name()[case.name].passed == (verdict.status == "nurture")
    # The same name again (a re-run numbers its cases afresh): kept, as the next free name.
    again = adopt_case(workshop, case, Expectation(status="mql"))
    assert again.ok and workshop.definition.cases[-1].name == f"{case.name}-2"


def test_free_name_skips_every_taken_name(workshop: Workshop) -> None:
    first = workshop.definition.cases[0].name
    assert free_name(workshop.definition, "fresh-name") == "fresh-name"
    taken = workshop.definition.model_copy(
        update={
            "cases": [
                *workshop.definition.cases,
                workshop.definition.cases[0].model_copy(update={"name": f"{first}-2"}),
            ]
        }
    )
    assert free_name(taken, first) == f"{first}-3"


def test_a_read_stops_for_a_newer_backtest_and_says_none(tmp_path: Path) -> None:
    leads, activities = write_sample(tmp_path, *sample_data(200, seed=2))
    session = EvidenceSession(tmp_path, EvidenceSource(leads, activities))
    started = threading.Event()

    def slow(con: duckdb.DuckDBPyConnection, *_: object) -> int:
        started.set()
        # A query long enough to be under way when the newer backtest interrupts it.
        con.execute("SELECT sum(a.range * b.range) FROM range(1000000) AS a, range(1000000) AS b")
        return 1

    result: list[int | None] = []
    thread = threading.Thread(target=lambda: result.append(session.read(slow, lambda _: None)))
    thread.start()
    assert started.wait(30)
    for _ in range(1200):  # until the interrupt lands on the query, not just before it
        session.supersede()
        thread.join(0.05)
        if not thread.is_alive():
            break
    assert result == [None]
    # The tables stay loaded for the next run.
    assert session.read(lambda con, *_: con.execute("SELECT 1").fetchone(), lambda _: None)
    session.close()


def test_a_proposal_the_draft_already_has_is_marked(
    outcome: AnalysisOutcome, workshop: Workshop
) -> None:
    """The template already stops at 1,000 employees: the history agrees, nothing to apply."""
    proposal = proposal_for(outcome, "fit.max_employees")
    assert proposal.value == workshop.definition.fit.max_employees
    assert in_draft(workshop.definition, proposal)
    assert not in_draft(workshop.definition, proposal_for(outcome, "fit.industries"))


def test_history_suggests_an_expectation_per_kind(outcome: AnalysisOutcome) -> None:
    by_kind = {case.kind: case for case in outcome.analysis.cases}
    assert suggested_expectation(by_kind["won-never-mql"])[0].status == "mql"
    rejected = by_kind["mql-rejected"]
    expect, reason = suggested_expectation(rejected)
    # The SDR's own reason decides it: a fit reason is a rejection, anything else nurture.
    assert rejected.reason is not None and reason == f"the SDR rejected it: {rejected.reason}"
    fit = rejected.reason in ("bad-fit-company", "bad-fit-person", "competitor-student-job-seeker")
    assert expect == (
        Expectation(status="rejected", route="marketing") if fit else Expectation(status="nurture")
    )
    without = replace(rejected, reason=None)
    assert suggested_expectation(without) == (
        Expectation(status="nurture"),
        "the SDR rejected it: not sales-ready",
    )
    assert suggested_expectation(by_kind["handed-over-not-by-draft"])[0].status == "mql"


def test_a_list_proposal_in_another_order_is_already_in_the_draft(workshop: Workshop) -> None:
    """Regions are a set to the evaluator: 'europe, north-america' is what the draft says."""
    regions = list(workshop.definition.fit.regions)
    assert len(regions) >= 2
    proposal = Proposal(
        clause="fit.regions",
        value=list(reversed(regions)),
        summary="",
        wins_kept=1,
        wins_total=1,
        others_dropped=0,
        others_total=1,
        lift=None,
        period=(TODAY, TODAY),
        source="",
    )
    assert in_draft(workshop.definition, proposal)
    other = Proposal(**{**proposal.__dict__, "value": regions[:1]})
    assert not in_draft(workshop.definition, other)
