"""The edge-case suite runner: every case evaluated, compared with what the room agreed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workbench.core.domain.definition import Definition, EdgeCase, Expectation
from workbench.core.domain.evaluator import Prepared, evaluate_prepared, prepare
from workbench.core.domain.verdict import Verdict

_CHECKED = ("status", "route", "tier", "lead_type", "segment")


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: EdgeCase
    verdict: Verdict
    mismatches: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.case.name

    @property
    def passed(self) -> bool:
        return not self.mismatches

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "expected": self.case.expect.model_dump(exclude_none=True),
            "actual": self.verdict.to_dict(),
            "passed": self.passed,
            "mismatches": list(self.mismatches),
        }


@dataclass(frozen=True, slots=True)
class SuiteResult:
    results: tuple[CaseResult, ...]

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def by_name(self) -> dict[str, CaseResult]:
        return {r.name: r for r in self.results}

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "failed": self.failed,
            "cases": [r.to_dict() for r in self.results],
        }


def compare(expect: Expectation, verdict: Verdict) -> tuple[str, ...]:
    """The expectation fields the verdict disagrees with, as 'field: expected X, got Y'."""
    problems = []
    for field in _CHECKED:
        wanted = getattr(expect, field)
        if wanted is None:
            continue
        got = getattr(verdict, field)
        if got != wanted:
            shown = f"no {field.replace('_', ' ')}" if got is None else got  # not "None"
            problems.append(f"{field}: expected {wanted}, got {shown}")
    return tuple(problems)


def _run(prepared: Prepared, case: EdgeCase, as_of: datetime | None) -> CaseResult:
    verdict = evaluate_prepared(prepared, case.lead, as_of)
    return CaseResult(case=case, verdict=verdict, mismatches=compare(case.expect, verdict))


def run_suite(definition: Definition, as_of: datetime | None = None) -> SuiteResult:
    prepared = prepare(definition)
    return SuiteResult(tuple(_run(prepared, case, as_of) for case in definition.cases))


@dataclass(frozen=True, slots=True)
class Flip:
    """A case whose outcome changed between two runs, and the clauses that now decide it."""

    name: str
    was_passing: bool
    now_passing: bool
    before: str
    after: str
    clauses: tuple[str, ...]


def flips(before: SuiteResult, after: SuiteResult) -> list[Flip]:
    """Cases that went from PASS to FAIL or back: what the room needs named after an edit.

    A verdict that changes while the case keeps passing (or keeps failing) is not a flip:
    the status bar said "PASS→PASS" for those, which tells the room nothing."""
    old = before.by_name()
    changed = []
    for result in after.results:
        prior = old.get(result.name)
        if prior is None:
            continue
        if prior.passed != result.passed:
            # The clause that flipped it either decides now or stopped deciding: name both.
            now = result.verdict.clauses()
            clauses = now + tuple(c for c in prior.verdict.clauses() if c not in now)
            changed.append(
                Flip(
                    name=result.name,
                    was_passing=prior.passed,
                    now_passing=result.passed,
                    before=prior.verdict.short(),
                    after=result.verdict.short(),
                    clauses=clauses,
                )
            )
    return changed
