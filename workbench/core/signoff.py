"""Dual sign-off: both sides, a review date, and a hash that makes later edits visible."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from workbench.core.definition import Definition, Signer, SignOff
from workbench.core.errors import CheckFailed, InputError, Problem
from workbench.core.store import DefinitionFile, content_hash, save
from workbench.core.suite import SuiteResult, run_suite


def end_of_next_quarter(today: date) -> date:
    """The framework's 'revisit at the end of the quarter', one full quarter out."""
    quarter = (today.month - 1) // 3  # 0..3
    next_quarter = quarter + 1
    year = today.year + next_quarter // 4
    next_quarter %= 4
    first_after = date(year + (next_quarter + 1) // 4, ((next_quarter + 1) % 4) * 3 + 1, 1)
    return first_after - timedelta(days=1)


def parse_signer(raw: str | None, side: str, now: datetime) -> Signer:
    """'Name, Role' as typed in a workshop, into a Signer with a timestamp."""
    if raw is None or not raw.strip():
        raise CheckFailed(
            [Problem(f"the {side} signer is missing: both sides must sign", field=side)]
        )
    name, comma, role = raw.partition(",")
    if not comma or not name.strip() or not role.strip():
        raise InputError(
            [
                Problem(
                    f"expected 'Name, Role' (for example 'Dana Reyes, VP Marketing'), got {raw!r}",
                    field=side,
                )
            ]
        )
    return Signer(name=name.strip(), role=role.strip(), signed_at=now)


@dataclass(frozen=True, slots=True)
class SignResult:
    path: Path
    definition: Definition
    suite: SuiteResult
    file_sha256: str


def signing_blockers(source: DefinitionFile, suite: SuiteResult) -> list[Problem]:
    """Why this file cannot be signed now; empty when it can."""
    problems = []
    if source.definition.is_signed:
        problems.append(
            Problem("is already signed; a change needs a new version", file=source.path)
        )
    if suite.failed:
        names = ", ".join(r.name for r in suite.results if not r.passed)
        problems.append(
            Problem(f"{suite.failed} edge case(s) fail: {names}", file=source.path, field="cases")
        )
    return problems


def sign(
    source: DefinitionFile,
    marketing: str | None,
    sales: str | None,
    review_date: date | None,
    now: datetime,
) -> SignResult:
    """Record both signers and the review date, and write the signed version in place."""
    now = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    now = now.replace(microsecond=0)
    today = now.date()
    due = review_date or end_of_next_quarter(today)
    too_early = check_review_date(due, today)
    if too_early:
        raise InputError([Problem(too_early, field="review_date")])
    suite = run_suite(source.definition)
    missing = []
    for side, raw in (("marketing", marketing), ("sales", sales)):
        if raw is None or not raw.strip():
            missing.append(
                Problem(f"the {side} signer is missing: both sides must sign", field=side)
            )
    blockers = signing_blockers(source, suite) + missing
    if blockers:
        raise CheckFailed(blockers)
    marketing_signer = parse_signer(marketing, "marketing", now)
    sales_signer = parse_signer(sales, "sales", now)
    definition = source.definition.model_copy(deep=True)
    digest = content_hash(definition, due)
    signed = Definition.model_validate(
        {
            **definition.model_dump(),
            "status": "signed",
            "signoff": SignOff(
                review_date=due,
                content_sha256=digest,
                marketing=marketing_signer,
                sales=sales_signer,
            ),
        }
    )
    written = save(signed, source.path, source.file_sha256)
    return SignResult(path=source.path, definition=signed, suite=suite, file_sha256=written)


def check_review_date(due: date, today: date) -> str | None:
    """Why a review date is unacceptable, or None: it must lie in the future."""
    if due <= today:
        return (
            f"the review date {due.isoformat()} is not in the future (today is {today.isoformat()})"
        )
    return None


@dataclass(frozen=True, slots=True)
class ReviewState:
    label: str
    level: str  # "none" | "ok" | "due-soon" | "overdue"


DUE_SOON_DAYS = 14


def review_state(review: date | None, today: date) -> ReviewState:
    """How urgent a definition's review is: due within 14 days or overdue stands out."""
    if review is None:
        return ReviewState("—", "none")
    days = (review - today).days
    if days < 0:
        return ReviewState(f"{review.isoformat()} OVERDUE by {-days}d", "overdue")
    if days <= DUE_SOON_DAYS:
        return ReviewState(f"{review.isoformat()} due in {days}d", "due-soon")
    return ReviewState(review.isoformat(), "ok")
