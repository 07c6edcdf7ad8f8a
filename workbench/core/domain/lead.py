"""A lead as the evaluator sees it: a person, a company, what they did, and MQL history.

Times are relative (`days_ago`) so a suite gives the same answer on any day; an absolute
`at` is accepted too, for replaying real history against an as-of time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from workbench.core.domain.filekind import Kind
from workbench.core.domain.later import added
from workbench.core.domain.vocab import ActivityKind, MqlOutcome, Persona, Relationship, Seniority


class Strict(BaseModel):
    """Base for every file-backed model: an unknown key is an error, never ignored."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True)


class Person(Strict):
    title: str = ""
    seniority: Seniority | None = None
    persona: Persona = "employee"
    email: str | None = None
    # A persona other than employee is always someone's word; this says an employee one is
    # too, so the fit gate's title, e-mail and activity exclusions leave the lead alone.
    persona_set_by_hand: bool = added(False)

    @property
    def persona_by_hand(self) -> bool:
        """A persona someone set wins over what a title, an e-mail or an activity suggests."""
        return self.persona != "employee" or self.persona_set_by_hand


class Company(Strict):
    name: str = ""
    domain: str | None = None
    employees: int | None = Field(default=None, ge=0)
    industry: str | None = None
    region: str | None = None
    relationship: Relationship = "prospect"
    target_account: bool = False
    engaged_contacts: int = Field(default=0, ge=0)
    # Account-level intent (enrichment such as third-party topic research, or the backtest's
    # count of high-intent actions across the account): what an account motion needs.
    account_intent: bool = added(False)


class Activity(Strict):
    kind: ActivityKind
    days_ago: int | float | None = Field(default=None, ge=0, allow_inf_nan=False)
    at: datetime | None = None
    count: int = Field(default=1, ge=1)
    # The web session it happened in: a tier 2 combination needs its kinds in one session
    # (without one, on one UTC calendar day).
    session_id: str | None = added(None)

    @model_validator(mode="after")
    def _one_time(self) -> Activity:
        if (self.days_ago is None) == (self.at is None):
            raise ValueError("give exactly one of days_ago or at")
        return self

    def age_days(self, as_of: datetime) -> float:
        """Days between the activity and the as-of time (negative: in the future)."""
        if self.days_ago is not None:
            return self.days_ago
        assert self.at is not None
        return (_aware(as_of) - _aware(self.at)).total_seconds() / 86400.0


class History(Strict):
    last_mql_days_ago: int | float | None = Field(default=None, ge=0, allow_inf_nan=False)
    last_mql_outcome: MqlOutcome | None = None


class Lead(Strict):
    FILE_KIND: ClassVar[Kind] = "lead"  # a definition given as --lead is said in one line

    person: Person = Field(default_factory=Person)
    company: Company = Field(default_factory=Company)
    activities: list[Activity] = Field(default_factory=list)
    history: History | None = None
    # Where the lead came from (the CRM's Lead Source, mapped): read by fit.exclude_sources,
    # scoring.source_points and scoring.source_thresholds; unknown matches none of them.
    lead_source: str | None = added(None)


def _aware(moment: datetime) -> datetime:
    """Treat a naive time as UTC so mixed inputs compare instead of raising."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
