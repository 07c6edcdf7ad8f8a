"""The room adopting what the history says: a proposal into the draft, a case into the suite.

The app's Analysis tab goes through these functions and nothing else, so how a proposal
lands in the draft is decided in one place (`adopt_proposal`, through
`clause_evidence.apply_proposal`: the clause takes the value and keeps the figures as its
evidence). Neither saves: the edit goes through the workshop (`apply_proposal`/`add_case`),
and the app saves it the way it saves every edit (autosave).
Nothing here imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import ValidationError

from workbench.core.domain.clause_evidence import clause_key
from workbench.core.domain.clauses import clause_value, with_clause
from workbench.core.domain.clock import today
from workbench.core.services.workshop import EditResult, Workshop

if TYPE_CHECKING:
    import duckdb

    from workbench.core.domain.definition import Definition, Expectation
    from workbench.core.evidence.analysis import Analysis, HistoryCase, Proposal
    from workbench.core.evidence.backtest import Backtest
    from workbench.core.evidence.load import Problems
    from workbench.core.evidence.settings import EvidenceSource
    from workbench.core.services.backtest_session import EvidenceSession, Note


@dataclass(frozen=True)
class AnalysisOutcome:
    """One run of the Analysis tab: what the history says, and the draft's backtest beside
    it (the three numbers), both for `definition` as it was when the run started."""

    analysis: Analysis
    backtest: Backtest
    definition: Definition


def describe_source(source: EvidenceSource, problems: Problems | None) -> str:
    """Which data the figures came from, as `workbench analyze` names it."""
    mapped = f" ({source.mapping} mapping)" if source.mapping else ""
    count = f", {problems.leads.rows_loaded:,} leads" if problems is not None else ""
    return f"{source.leads.name} + {source.activities.name}{mapped}{count}"


def run_analysis(
    session: EvidenceSession, definition: Definition, note: Note
) -> AnalysisOutcome | None:
    """Analyse the session's history against `definition` and backtest it (in a worker
    thread); None when a backtest asked for meanwhile stopped it."""
    from workbench.core.evidence.analysis import analyze
    from workbench.core.evidence.backtest import backtest

    def work(
        con: duckdb.DuckDBPyConnection, source: EvidenceSource, problems: Problems | None
    ) -> AnalysisOutcome:
        note("analysing the closed-won leads")
        analysis = analyze(con, definition, describe_source(source, problems))
        note("backtesting the draft")
        return AnalysisOutcome(analysis, backtest(con, definition), definition)

    return session.read(work, note)


def in_draft(definition: Definition, proposal: Proposal) -> bool:
    """The draft already says what the proposal would write: applying it changes nothing.

    A list clause (regions, personas, hand raises) is a set to the evaluator: the same values
    in another order are already in the draft."""
    if clause_key(definition, proposal.clause) is None:
        return False  # a segment's own gate the room has since given back to the main one
    try:
        if with_clause(definition, proposal.clause, proposal.value) == definition:
            return True
        current = clause_value(definition, proposal.clause)
    except (ValidationError, ValueError, LookupError, AttributeError):
        return False
    value = proposal.value
    if isinstance(current, list) and isinstance(value, list | tuple):
        try:
            return sorted(map(str, current)) == sorted(map(str, value)) and len(
                set(map(str, current))
            ) == len(current)
        except TypeError:
            return False
    return False


def adopt_proposal(workshop: Workshop, proposal: Proposal) -> EditResult:
    """Write one proposal's clause value into the draft, by the room's decision, with the
    proposal's figures recorded as that clause's evidence (`clause_evidence.apply_proposal`):
    the suite re-runs and its flips come back, as for any edit. Refused when read-only, or when
    the value does not fit the draft (the message names the clause)."""
    refused = workshop.read_only_reason()
    if refused is not None:
        return EditResult(False, (refused,))
    return workshop.apply_proposal(proposal, on=today())


def free_name(definition: Definition, name: str) -> str:
    """`name`, or `name-2`, `name-3`...: the first no case of the draft has. A re-run of the
    analysis numbers its cases afresh, so an adopted `won-never-mql-1` may meet another."""
    taken = {case.name for case in definition.cases}
    if name not in taken:
        return name
    number = 2
    while f"{name}-{number}" in taken:
        number += 1
    return f"{name}-{number}"


def adopt_case(workshop: Workshop, case: HistoryCase, expect: Expectation) -> EditResult:
    """Add a lead from the company's history to the suite with the expectation the room
    agreed (never one the tool chose): the suite re-runs with it."""
    refused = workshop.read_only_reason()
    if refused is not None:
        return EditResult(False, (refused,))
    edge = case.edge_case(expect)
    edge = edge.model_copy(update={"name": free_name(workshop.definition, edge.name)})
    return workshop.add_case(edge, typed=False)


# What each kind of disagreement suggests the lead should have been, and why, in the room's
# words: the adopt form starts there, and the room changes it before it presses a key.
_SUGGESTED: dict[str, tuple[str, str]] = {
    "won-never-mql": ("mql", "it became a customer"),
    "mql-rejected": ("nurture", "the SDR rejected it: not sales-ready"),
    "handed-over-not-by-draft": ("mql", "the SDR accepted it from the old process"),
}


# Rejection reasons that say the lead should not have passed the fit gate.
_FIT_REASONS = frozenset({"bad-fit-company", "bad-fit-person", "competitor-student-job-seeker"})


def suggested_expectation(case: HistoryCase) -> tuple[Expectation, str]:
    """The expectation history suggests for a case, and the reason, for the room to start
    from; a kind without a suggestion starts from an MQL."""
    from workbench.core.domain.definition import Expectation

    status, reason = _SUGGESTED.get(case.kind, ("mql", "no suggestion from the history"))
    if case.kind == "mql-rejected" and case.reason:
        # The SDR's own reason: a bad fit or a competitor, student or job seeker is a lead
        # the fit gate should reject; not interested, timing and the rest are nurture.
        from workbench.core.evidence.backtest import reason_key

        said = " ".join(case.reason.split())
        if reason_key(case.reason) in _FIT_REASONS:
            return Expectation.model_validate(
                {"status": "rejected", "route": "marketing"}
            ), f"the SDR rejected it: {said}"
        reason = f"the SDR rejected it: {said}"
    return Expectation.model_validate({"status": status}), reason
