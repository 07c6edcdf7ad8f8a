"""The two canonical tables a backtest reads: leads (one row per lead) and activities.

Every export is mapped onto these columns (see `mapping`), loaded and checked (see `load`),
then replayed (see `replay`). Times are absolute and timezone-aware (UTC); a naive time in a
file is read as UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from workbench.core.lead import Activity, Company, Lead, Person
from workbench.core.vocab import ActivityKind, Persona, Relationship, Seniority

SdrDecision = Literal["accepted", "rejected", "unworked"]
SDR_DECISIONS: tuple[str, ...] = get_args(SdrDecision)

ColumnType = Literal["text", "timestamp", "int", "float", "bool", "choice"]


@dataclass(frozen=True, slots=True)
class Column:
    """One canonical column: its name, how a cell is read, and whether a file must have it."""

    name: str
    type: ColumnType
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


LEAD_COLUMNS: tuple[Column, ...] = (
    Column("lead_id", "text", required=True, help="the lead's id, unique in the file"),
    Column("created_at", "timestamp", required=True, help="when the lead was created"),
    Column("title", "text", help="job title"),
    Column(
        "seniority",
        "choice",
        choices=get_args(Seniority),
        help="inferred from the title when the column is absent or the cell is empty",
    ),
    Column("persona", "choice", choices=get_args(Persona), help="empty means employee"),
    Column("email", "text"),
    Column("company", "text", help="company name"),
    Column("domain", "text", help="company web domain"),
    Column("employees", "int", help="company size"),
    Column("industry", "text"),
    Column("region", "text"),
    Column(
        "relationship",
        "choice",
        choices=get_args(Relationship),
        help="empty means prospect",
    ),
    Column("target_account", "bool", help="empty means false"),
    Column("engaged_contacts", "int", help="empty means 0"),
    Column("mql_at", "timestamp", help="when the lead historically became an MQL"),
    Column(
        "sdr_decision",
        "choice",
        choices=SDR_DECISIONS,
        help="the SDR's historical decision on the MQL",
    ),
    Column("rejection_reason", "text", help="why the SDR rejected it"),
    Column("opportunity_at", "timestamp", help="when an opportunity was opened"),
    Column("won_at", "timestamp", help="when the deal closed won"),
    Column("amount", "float", help="closed-won amount"),
)

ACTIVITY_COLUMNS: tuple[Column, ...] = (
    Column("lead_id", "text", required=True, help="the lead the activity belongs to"),
    Column("kind", "choice", required=True, choices=get_args(ActivityKind)),
    Column("at", "timestamp", required=True, help="when it happened"),
)

TABLES: dict[str, tuple[Column, ...]] = {"leads": LEAD_COLUMNS, "activities": ACTIVITY_COLUMNS}
LEAD_COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in LEAD_COLUMNS)
ACTIVITY_COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in ACTIVITY_COLUMNS)


@dataclass(frozen=True, slots=True)
class LeadRow:
    """One row of the canonical leads table."""

    lead_id: str
    created_at: datetime
    title: str | None = None
    seniority: Seniority | None = None
    persona: Persona = "employee"
    email: str | None = None
    company: str | None = None
    domain: str | None = None
    employees: int | None = None
    industry: str | None = None
    region: str | None = None
    relationship: Relationship = "prospect"
    target_account: bool = False
    engaged_contacts: int = 0
    mql_at: datetime | None = None
    sdr_decision: SdrDecision | None = None
    rejection_reason: str | None = None
    opportunity_at: datetime | None = None
    won_at: datetime | None = None
    amount: float | None = None

    def to_lead(self, activities: list[ActivityRow] | tuple[ActivityRow, ...] = ()) -> Lead:
        """The lead as the evaluator sees it, with its activities at their absolute times."""
        return Lead(
            person=Person(
                title=self.title or "",
                seniority=self.seniority,
                persona=self.persona,
                email=self.email,
            ),
            company=Company(
                name=self.company or "",
                domain=self.domain,
                employees=self.employees,
                industry=self.industry,
                region=self.region,
                relationship=self.relationship,
                target_account=self.target_account,
                engaged_contacts=self.engaged_contacts,
            ),
            activities=[Activity(kind=a.kind, at=a.at) for a in activities],
        )

    def values(self) -> tuple[object, ...]:
        """The row's cells in `LEAD_COLUMN_NAMES` order."""
        return tuple(getattr(self, name) for name in LEAD_COLUMN_NAMES)


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """One row of the canonical activities table."""

    lead_id: str
    kind: ActivityKind
    at: datetime

    def values(self) -> tuple[object, ...]:
        return (self.lead_id, self.kind, self.at)
