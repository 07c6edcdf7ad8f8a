"""The two canonical tables a backtest reads: leads (one row per lead) and activities.

Every export is mapped onto these columns (see `mapping`), loaded and checked (see `load`),
then replayed (see `replay`). Times are absolute and timezone-aware (UTC); a naive time in a
file is read as UTC.

In DuckDB (`load.load_to_duckdb` creates them as temporary tables in a connection) the tables
have exactly these columns, in this order, and nothing else (`sql_columns` gives the list):

    leads                                       activities
    lead_id          VARCHAR   NOT NULL         lead_id     VARCHAR    NOT NULL
    created_at       TIMESTAMP NOT NULL         kind        ENUM (1)   NOT NULL
    title            VARCHAR                    at          TIMESTAMP  NOT NULL
    seniority        ENUM (1)                   session_id  VARCHAR
    persona          ENUM (1)
    email            VARCHAR
    company          VARCHAR
    domain           VARCHAR
    account_id       VARCHAR
    employees        BIGINT
    industry         VARCHAR
    region           VARCHAR
    relationship     ENUM (1)  NOT NULL
    target_account   BOOLEAN   NOT NULL
    engaged_contacts BIGINT    NOT NULL
    mql_at           TIMESTAMP
    sdr_decision     ENUM (1)
    rejection_reason VARCHAR
    opportunity_at   TIMESTAMP
    won_at           TIMESTAMP
    amount           DOUBLE
    lead_source      VARCHAR
    source_detail    VARCHAR
    first_response_at TIMESTAMP
    sdr_decision_at  TIMESTAMP
    sql_at           TIMESTAMP
    closed_lost_at   TIMESTAMP
    touches_7d       BIGINT
    notified_at      TIMESTAMP

- Types by `Column.type` (`sql_type`): text and choice -> VARCHAR, timestamp -> TIMESTAMP, int ->
  BIGINT, float -> DOUBLE, bool -> BOOLEAN. (1) The loaded tables hold the choice columns
  (`kind`, seniority, persona, relationship, sdr_decision) as ENUMs of their choices
  (`loaded_type`); they compare, group and read back as the same text, but sort in the
  vocabulary's order. Exports and the warehouse tables they read declare them VARCHAR.
- TIMESTAMP is naive and means UTC: a time with a zone or offset in the file is converted to UTC
  and the zone dropped. (`LeadRow`/`ActivityRow` hold the same instants as aware UTC datetimes.)
- A choice column holds one of `Column.choices` exactly (seniority: "intern", ..., "c-level";
  kind: the `ActivityKind` names) or NULL. Seniority is inferred from the title when the file
  has none for a lead, so NULL means "unknown even from the title".
- NULL is an unknown value. Required columns are never NULL, and the columns with a `default`
  (relationship "prospect", target_account false, engaged_contacts 0) hold the default instead
  of NULL. persona is NULL when the file leaves it empty: read as "employee", but not set by
  hand, so the fit gate's title, e-mail and activity exclusions may still apply to the lead.
  `lead_id` is unique in leads; every activity's lead_id is in leads.
- The calibration loop's columns (lead_source ... touches_7d) are read and kept, never used by
  a verdict, except lead_source where a definition has source clauses (fit.exclude_sources,
  scoring.source_points, scoring.source_thresholds; compared as lower(trim(...))): lead_source
  and source_detail as the CRM writes them; first_response_at (the first
  sales response), sdr_decision_at (when the SDR accepted or rejected; why: rejection_reason),
  sql_at and closed_lost_at as times; touches_7d, the sales touches (calls, emails, meetings)
  in the lead's first seven days, as a count: one number per lead, which every CRM report can
  export, where a touches table would be a third file to map and load. notified_at (when sales
  was told of the MQL) is optional: the SLA report measures notification time only with it.
- Counts read thousands separators ("1,000", "3.200", "1 000") and size ranges ("51-200",
  "10,000+") as their lower bound; an amount that could be read with either decimal mark
  ("1.200") is read with the mapping's, or the one the rest of the column shows (`numbers`).
- Text is trimmed of surrounding whitespace; domain is lower case, without scheme, path or "www.".
- Rows are in file order (the order of the rows that were loaded; rejected rows are left out).
- Quote the names in SQL (`quote_identifier`): `at` is a keyword in DuckDB (`SELECT "at"`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from workbench.core.domain.lead import Activity, Company, Lead, Person
from workbench.core.domain.vocab import ActivityKind, Persona, Relationship, Seniority

SdrDecision = Literal["accepted", "rejected", "unworked"]
SDR_DECISIONS: tuple[str, ...] = get_args(SdrDecision)

ColumnType = Literal["text", "timestamp", "int", "float", "bool", "choice"]


ColumnDefault = str | int | float | bool | None

_SQL_TYPES: dict[ColumnType, str] = {
    "text": "VARCHAR",
    "choice": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
}


@dataclass(frozen=True, slots=True)
class Column:
    """One canonical column: its name, how a cell is read, and whether a file must have it.

    `default` is the value an empty cell (or a column the file does not have) stands for;
    None means the value is unknown (NULL).
    """

    name: str
    type: ColumnType
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    default: ColumnDefault = None

    @property
    def not_null(self) -> bool:
        """Whether the loaded column can never be NULL (required, or has a default)."""
        return self.required or self.default is not None


def sql_type(column: Column) -> str:
    """The column's DuckDB type: VARCHAR, TIMESTAMP (naive, UTC), BIGINT, DOUBLE or BOOLEAN."""
    return _SQL_TYPES[column.type]


def loaded_type(column: Column) -> str:
    """The column's type in the loaded tables: `sql_type`, but an ENUM of its choices for a
    choice column: one byte a cell, where the activities' kind as VARCHAR held 156 MB at 1M
    leads (most kinds are too long to be stored inline) and each of the leads' choice columns
    17 MB. DuckDB compares an ENUM with any text (a kind not among the choices is simply
    unequal) and Python reads its values back as str. Exports declare `sql_type`: a
    warehouse's tables hold text.

    But an ENUM sorts in the order of its choices (the vocabulary's), not alphabetically:
    ORDER BY, min/max and ordered lists over such a column cast it to VARCHAR where a tie is
    broken by name (sla's trigger, analysis' first conversion)."""
    if column.type == "choice":
        return "ENUM(" + ", ".join("'" + c.replace("'", "''") + "'" for c in column.choices) + ")"
    return sql_type(column)


def quote_identifier(name: str) -> str:
    """A name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def sql_columns(columns: tuple[Column, ...]) -> str:
    """A CREATE TABLE-style column list: '"lead_id" VARCHAR NOT NULL, "created_at" ...'."""
    return ", ".join(
        f"{quote_identifier(c.name)} {loaded_type(c)}{' NOT NULL' if c.not_null else ''}"
        for c in columns
    )


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
    Column(
        "persona",
        "choice",
        choices=get_args(Persona),
        help="empty means employee, not set by hand (title and e-mail exclusions apply)",
    ),
    Column("email", "text"),
    Column("company", "text", help="company name"),
    Column("domain", "text", help="company web domain"),
    Column(
        "account_id",
        "text",
        help="the CRM's company or account id; leads sharing it (else a domain) are one account",
    ),
    Column("employees", "int", help="company size"),
    Column("industry", "text"),
    Column("region", "text"),
    Column(
        "relationship",
        "choice",
        choices=get_args(Relationship),
        help="empty means prospect",
        default="prospect",
    ),
    Column("target_account", "bool", help="empty means false", default=False),
    Column("engaged_contacts", "int", help="empty means 0", default=0),
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
    # The calibration loop's columns: where leads come from, how fast sales answered, how the
    # SDR decided and when, and what became of the lead. None of them changes a verdict.
    Column("lead_source", "text", help="where the lead came from (Original Source, Lead Source)"),
    Column("source_detail", "text", help="the source's detail (campaign, drill-down)"),
    Column("first_response_at", "timestamp", help="when sales first responded to the lead"),
    Column("sdr_decision_at", "timestamp", help="when the SDR accepted or rejected the MQL"),
    Column("sql_at", "timestamp", help="when the lead became a sales qualified lead"),
    Column("closed_lost_at", "timestamp", help="when the deal closed lost"),
    Column("touches_7d", "int", help="sales touches in the lead's first seven days"),
    # Optional: when sales was notified of the MQL (Slack, push, e-mail). Only where a file has
    # it is the marketing SLA's notification time measured (`sla`).
    Column("notified_at", "timestamp", help="when sales was notified of the MQL"),
)

ACTIVITY_COLUMNS: tuple[Column, ...] = (
    Column("lead_id", "text", required=True, help="the lead the activity belongs to"),
    Column("kind", "choice", required=True, choices=get_args(ActivityKind)),
    Column("at", "timestamp", required=True, help="when it happened"),
    Column(
        "session_id",
        "text",
        help="the web session it happened in; empty: tier 2 combinations group by UTC day",
    ),
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
    persona: Persona | None = None
    email: str | None = None
    company: str | None = None
    domain: str | None = None
    account_id: str | None = None
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
    lead_source: str | None = None
    source_detail: str | None = None
    first_response_at: datetime | None = None
    sdr_decision_at: datetime | None = None
    sql_at: datetime | None = None
    closed_lost_at: datetime | None = None
    touches_7d: int | None = None
    notified_at: datetime | None = None

    def to_lead(self, activities: list[ActivityRow] | tuple[ActivityRow, ...] = ()) -> Lead:
        """The lead as the evaluator sees it, with its activities at their absolute times."""
        return Lead(
            # A persona only where the row has one: an empty cell is not set by hand.
            person=Person(
                title=self.title or "",
                seniority=self.seniority,
                email=self.email,
                **(
                    {}
                    if self.persona is None
                    else {"persona": self.persona, "persona_set_by_hand": True}
                ),
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
            lead_source=self.lead_source,
            activities=[
                Activity(kind=a.kind, at=a.at, session_id=a.session_id) for a in activities
            ],
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
    session_id: str | None = None

    def values(self) -> tuple[object, ...]:
        return (self.lead_id, self.kind, self.at, self.session_id)
