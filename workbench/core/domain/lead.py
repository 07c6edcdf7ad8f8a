"""A lead as the evaluator sees it: a person, a company, what they did, and MQL history.

Times are relative (`days_ago`) so a suite gives the same answer on any day; an absolute
`at` is accepted too, for replaying real history against an as-of time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from types import NoneType, UnionType
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from workbench.core.domain.filekind import Kind
from workbench.core.domain.later import added
from workbench.core.domain.vocab import ActivityKind, MqlOutcome, Persona, Relationship, Seniority


def _number_shape(annotation: Any) -> str | None:
    """Where a field wants numbers, so a TOML boolean there is refused rather than read as 1:
    "value" (the field itself), "values" (a table's values), "items" (a list's), or None."""
    if _numeric(annotation):
        return "value"
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        shapes = {_number_shape(arm) for arm in get_args(annotation) if arm is not NoneType}
        return shapes.pop() if len(shapes) == 1 else None
    if origin is dict and _numeric(get_args(annotation)[-1]):
        return "values"
    if origin is list and _numeric(get_args(annotation)[0]):
        return "items"
    return None


def _numeric(annotation: Any) -> bool:
    """A number and never a yes/no: pydantic would read `true` there as 1."""
    if get_origin(annotation) in (Union, UnionType):
        arms = [arm for arm in get_args(annotation) if arm is not NoneType]
        return bool(arms) and all(_numeric(arm) for arm in arms)
    if get_origin(annotation) is Annotated:
        return _numeric(get_args(annotation)[0])
    return annotation in (int, float)


NUMBER_FIELDS = (
    "activity_points", "after_minutes", "count", "days_ago", "decide_within_hours",
    "email_domain_points", "employees", "engaged_contacts", "exclude_activities_days",
    "follow_up_days", "follow_up_touches", "half_life_days", "high_intent_days",
    "industry_points", "last_mql_days_ago", "lift", "max_employees", "min_count",
    "min_employees", "min_engaged_contacts", "min_low_intent_actions", "monthly_volume",
    "notify_seconds", "others_dropped", "others_total", "points", "quality_pct",
    "response_business_days", "response_minutes", "resubmit_after_days", "schema_version",
    "seniority_points", "source_points", "source_thresholds", "supersedes", "threshold",
    "tier", "title_points", "version", "window_days", "wins_kept", "wins_total", "within_days",
)  # fmt: skip
"""The names of the file models' number fields (a test holds the list to the models): the
yes/no check runs on these only, where a `*` validator cost every field of every model a
call into Python (100k leads built for the evaluator loop: 2.1 -> 3.4 s CPU)."""


class Strict(BaseModel):
    """Base for every file-backed model: an unknown key is an error, never ignored, and a
    number is a number: `min_employees = true` is refused, not read as 1."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True)

    @field_validator(*NUMBER_FIELDS, mode="before", check_fields=False)
    @classmethod
    def _no_boolean_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        shape = _shape(cls, info.field_name)
        if shape is None:
            return value
        if shape == "value" and isinstance(value, bool):
            raise ValueError("a number expected, not a yes/no")
        items: Iterable[tuple[Any, Any]] = ()
        if shape == "values" and isinstance(value, dict):
            items = value.items()
        elif shape == "items" and isinstance(value, list):
            items = enumerate(value)
        for key, item in items:
            if isinstance(item, bool):
                raise ValueError(
                    f"{key}: a number expected, not a yes/no (got {str(item).lower()})"
                )
        return value


@cache
def _shape(model: type[BaseModel], name: str | None) -> str | None:
    field = None if name is None else model.model_fields.get(name)
    return None if field is None else _number_shape(field.annotation)


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
