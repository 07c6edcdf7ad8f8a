"""The edge-case suite runner: every case evaluated, compared with what the room agreed."""

from __future__ import annotations

from collections.abc import Mapping
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
    """A case whose outcome changed between two runs, and the clauses that now decide it.

    A case in only one of the runs is one too (`changes`): added to the suite (adopted from
    the history, typed in, a delete undone), `was_passing` is None; removed, `now_passing`
    is None. After adopting a failing case the room read "edge cases 16/17 passing" over "no
    case has flipped yet", with no word of the case that made it 16."""

    name: str
    was_passing: bool | None
    now_passing: bool | None
    before: str
    after: str
    clauses: tuple[str, ...]
    expected: str = ""  # what the room agreed, in the words of `before` and `after`

    @property
    def added(self) -> bool:
        return self.was_passing is None

    @property
    def removed(self) -> bool:
        return self.now_passing is None


def flips(
    before: SuiteResult, after: SuiteResult, renamed: Mapping[str, str] | None = None
) -> list[Flip]:
    """Cases that went from PASS to FAIL or back: what the room needs named after an edit.
    `renamed` (new name: old name) follows a case the edit renamed.

    A verdict that changes while the case keeps passing (or keeps failing) is not a flip:
    the status bar said "PASS→PASS" for those, which tells the room nothing."""
    old = before.by_name()
    renamed = renamed or {}
    changed = []
    for result in after.results:
        prior = old.get(renamed.get(result.name, result.name))
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
                    expected=result.case.expect.label(),
                )
            )
    return changed


def added_and_removed(
    before: SuiteResult, after: SuiteResult, renamed: Mapping[str, str] | None = None
) -> list[Flip]:
    """The cases in one run and not the other: those added (in the suite's order), then
    those removed. A case renamed (`renamed`, new name: old name) is neither."""
    renamed = renamed or {}
    old = before.by_name()
    kept = {renamed.get(result.name, result.name) for result in after.results}
    found = [
        Flip(
            name=result.name,
            was_passing=None,
            now_passing=result.passed,
            before="",
            after=result.verdict.short(),
            clauses=result.verdict.clauses(),
            expected=result.case.expect.label(),
        )
        for result in after.results
        if renamed.get(result.name, result.name) not in old
    ]
    found += [
        Flip(
            name=result.name,
            was_passing=result.passed,
            now_passing=None,
            before=result.verdict.short(),
            after="",
            clauses=result.verdict.clauses(),
            expected=result.case.expect.label(),
        )
        for result in before.results
        if result.name not in kept
    ]
    return found


def changes(
    before: SuiteResult, after: SuiteResult, renamed: Mapping[str, str] | None = None
) -> list[Flip]:
    """What an edit or a reload did to the suite: the flips, then the cases added and
    removed."""
    return flips(before, after, renamed) + added_and_removed(before, after, renamed)
