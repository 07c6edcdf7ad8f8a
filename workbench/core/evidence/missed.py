"""Why closed-won leads were never MQLs: the clauses that kept them out, and what loosening
each one would win back.

The false-negative rate says how many wins a definition misses; the room's next question is
which clause to change. For each missed win this reads the verdict of the definition (the
Python evaluator, the one the edge-case suite runs) at the lead's last activity on or before
the day of the win, the most the lead had shown, and counts the clauses that verdict names.
For each fit clause it then replays those leads with that one clause loosened (no size
limit, any industry, any region, any seniority, no excluded persona) and counts the wins that
would have been MQLs before they closed: the number that says whether a clause is worth
arguing about.

A win with no activity up to its day never had a moment to become an MQL under any
definition: a deal sourced without marketing. Those are counted apart.

Only the most recent `LIMIT` missed wins are read (ties by lead id), so a large history
costs the same as a small one; the report says when it is a sample.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from workbench.core.domain.account import (
    ACCOUNT_WINDOW_DAYS,
    AccountHistory,
    has_account_motion,
    intent_kinds,
)
from workbench.core.domain.clauses import with_clause
from workbench.core.domain.definition import Definition
from workbench.core.domain.evaluator import Prepared, prepare
from workbench.core.evidence.replay import account_history, first_mql, last_verdict
from workbench.core.evidence.tables import ActivityRow, LeadRow

if TYPE_CHECKING:
    import duckdb

LIMIT = 500  # missed wins read at most (the most recent)
SHOWN_VALUES = 3  # values shown per clause ("fintech 20, agency 10, retail 8")

# Fit clauses that can be loosened, the value that lets everyone through, and the lead field
# whose values are worth naming.
LOOSER: dict[str, tuple[Any, str | None]] = {
    "min_employees": (None, "employees"),
    "max_employees": (None, "employees"),
    "industries": ([], "industry"),
    "regions": ([], "region"),
    "min_seniority": (None, "seniority"),
    "excluded_personas": ([], "persona"),
    "exclude_titles": ([], "title"),
    "exclude_email_domains": ([], None),  # the addresses themselves are not shown
    "exclude_activities": ([], None),
    "exclude_sources": ([], "lead_source"),
}


@dataclass(frozen=True, slots=True)
class MissedClause:
    """One clause named by the verdicts of missed wins."""

    clause: str  # its path, as the verdicts name it ("fit.industries", "triggers", ...)
    wins: int  # missed wins whose verdict names it
    unknown: int  # of those, wins whose value was missing (the verdict asked for enrichment)
    recovered: (
        int | None
    )  # wins that loosening this clause alone makes MQLs; None: not a fit clause
    values: tuple[tuple[str, int], ...]  # the leads' values for it, most common first
    example: str  # one verdict's sentence for it


@dataclass(frozen=True, slots=True)
class MissedWins:
    """What kept the missed wins out (see the module docstring)."""

    missed: int  # all missed wins in the history
    read: int  # how many of them were read (at most LIMIT)
    no_activity: int  # of those read, wins with no activity up to their day
    clauses: tuple[MissedClause, ...]
    activity: tuple[tuple[str, int], ...]  # what fit-passing, trigger-less wins did most

    @property
    def sample(self) -> bool:
        return self.read < self.missed

    def to_json(self) -> dict[str, Any]:
        return {
            "missed": self.missed,
            "read": self.read,
            "no_activity": self.no_activity,
            "clauses": [
                {
                    "clause": c.clause,
                    "wins": c.wins,
                    "unknown": c.unknown,
                    "recovered": c.recovered,
                    "values": [{"value": v, "wins": n} for v, n in c.values],
                    "example": c.example,
                }
                for c in self.clauses
            ],
            "activity": [{"kind": k, "count": n} for k, n in self.activity],
        }


def missed_wins(
    con: duckdb.DuckDBPyConnection, definition: Definition, table: str, missed: int
) -> MissedWins:
    """Read the missed wins of an events table (see `backtest.replay_into`)."""
    from workbench.core.evidence.load import fetch_activities, fetch_leads

    if not missed:
        return MissedWins(0, 0, 0, (), ())
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _wb_missed AS SELECT l.* FROM leads AS l "
        f'LEFT JOIN (SELECT lead_id, min("at") AS first_at FROM {table} GROUP BY lead_id) AS p '
        "ON p.lead_id = l.lead_id WHERE l.won_at IS NOT NULL AND (p.first_at IS NULL "
        "OR CAST(p.first_at AS DATE) > CAST(l.won_at AS DATE)) "
        f"ORDER BY l.won_at DESC, l.lead_id LIMIT {LIMIT}"
    )
    try:
        leads = fetch_leads(con, "_wb_missed")
        # The ids also as a list of literals: DuckDB tests it in the scan, before it reads the
        # other columns of every activity (0.25 -> 0.20 s CPU at 1M leads / 7.2M activities).
        ids = ", ".join(_literal(lead.lead_id) for lead in leads)
        activities = fetch_activities(
            con,
            "(SELECT a.* FROM activities AS a JOIN _wb_missed AS m ON m.lead_id = a.lead_id "
            f'WHERE a.lead_id IN ({ids}) AND CAST(a."at" AS DATE) <= CAST(m.won_at AS DATE))',
        )
        accounts = _accounts_of_missed(con, definition)
    finally:
        con.execute("DROP TABLE IF EXISTS _wb_missed")
    return explain(definition, leads, activities, missed, accounts)


def _literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _accounts_of_missed(
    con: duckdb.DuckDBPyConnection, definition: Definition
) -> AccountHistory | None:
    """The missed wins' accounts with their contacts' activity (replay rule 5), for a
    definition with an account motion; None otherwise.

    Only the columns the account facts read, as one row of lists per account, and only the
    activities a missed win's facts can see: its moments are its own activities up to its
    win, each looking back `ACCOUNT_WINDOW_DAYS`, so per account from the earliest such
    moment less the window (and a day) to the latest. At 1,000,000 leads the 500 missed wins'
    accounts hold ~119,000 contacts and ~862,000 activities: making each a `LeadRow` /
    `ActivityRow` cost more than the facts themselves."""
    from workbench.core.evidence.engine import account_key_sql

    if not has_account_motion(definition):
        return None
    key = account_key_sql("l")
    contacts = (
        f"SELECT l.lead_id, l.account_id, l.domain, {key} AS account FROM leads AS l "
        f"WHERE {key} IN (SELECT {account_key_sql('m')} FROM _wb_missed AS m)"
    )
    seen = (
        f"SELECT {account_key_sql('m')} AS account, "
        f'min(a."at") - INTERVAL {ACCOUNT_WINDOW_DAYS + 1} DAY AS first, max(a."at") AS last '
        f"FROM _wb_missed AS m JOIN activities AS a ON a.lead_id = m.lead_id "
        f'WHERE CAST(a."at" AS DATE) <= CAST(m.won_at AS DATE) GROUP BY ALL'
    )
    history = account_history(definition, (), ())
    # Only the missed wins' own moments ask for facts: their leads are the ones to know.
    rows = con.execute("SELECT lead_id, account_id, domain FROM _wb_missed").fetchall()
    for lead_id, account_id, domain in rows:
        history.add_lead(lead_id, account_id, domain)
    # Each account's times (microseconds; the loaded tables' times are naive UTC), contacts
    # and intent times as three lists built by DuckDB: ~480,000 rows at 1M leads, where a
    # Python object per row cost more than the facts.
    t = "date_diff('microsecond', TIMESTAMP '1970-01-01 00:00:00', a.\"at\")"
    intent = _in_kinds(intent_kinds(definition))
    cursor = con.execute(
        f"SELECT c.account, list({t} ORDER BY {t}), list(a.lead_id ORDER BY {t}), "
        f"list({t} ORDER BY {t}) FILTER (WHERE {intent})\n"
        f"FROM activities AS a JOIN ({contacts}) AS c "
        f"ON c.lead_id = a.lead_id JOIN ({seen}) AS s ON s.account = c.account "
        f'WHERE a."at" BETWEEN s.first AND s.last GROUP BY c.account'
    )
    for account, times, leads, intent_times in cursor.fetchall():
        history.add_account(account, times, leads, intent_times or [])
    return history


def _in_kinds(kinds: Iterable[str]) -> str:
    """SQL: the activity `a` is of one of these kinds."""
    if not kinds:
        return "FALSE"
    return "a.kind IN (" + ", ".join("'" + k.replace("'", "''") + "'" for k in sorted(kinds)) + ")"


def explain(
    definition: Definition,
    leads: Sequence[LeadRow],
    activities: Iterable[ActivityRow],
    missed: int | None = None,
    accounts: AccountHistory | None = None,
) -> MissedWins:
    """Why these won leads were not MQLs; `activities` are theirs up to each win's day."""
    by_lead: dict[str, list[ActivityRow]] = {lead.lead_id: [] for lead in leads}
    for activity in activities:
        if activity.lead_id in by_lead:
            by_lead[activity.lead_id].append(activity)
    prepared = prepare(definition)
    no_activity = 0
    named: dict[str, list[_Named]] = {}
    kinds: Counter[str] = Counter()
    for lead in leads:
        own = [a for a in by_lead[lead.lead_id] if _on_or_before_win(a.at, lead)]
        last = last_verdict(prepared, lead, own, accounts)
        if last is None:
            no_activity += 1
            continue
        verdict = last.verdict
        if verdict.status == "mql":
            continue  # the engines disagree about this lead; the property tests say never
        in_verdict = frozenset(verdict.clauses())
        for reason in verdict.reasons:
            # A fit gate that cannot tell (a missing size, industry, ...) asks for review.
            unknown = verdict.status == "review" and ".fit." in f".{reason.clause}"
            named.setdefault(reason.clause, []).append(
                _Named(lead, reason.text, unknown, in_verdict - {reason.clause})
            )
        if verdict.status == "nurture" and any(r.clause == "triggers" for r in verdict.reasons):
            kinds.update(a.kind for a in own)
    clauses = [
        _clause(definition, clause, found, by_lead, accounts) for clause, found in named.items()
    ]
    clauses.sort(key=lambda c: (-c.wins, -(c.recovered or 0), c.clause))
    return MissedWins(
        missed=len(leads) if missed is None else missed,
        read=len(leads),
        no_activity=no_activity,
        clauses=tuple(clauses),
        activity=tuple(kinds.most_common(SHOWN_VALUES)),
    )


def _on_or_before_win(at: datetime, lead: LeadRow) -> bool:
    assert lead.won_at is not None
    return at.date() <= lead.won_at.date()


@dataclass(frozen=True, slots=True)
class _Named:
    """A missed win whose verdict names a clause: the sentence, and the other clauses named."""

    lead: LeadRow
    text: str
    unknown: bool
    others: frozenset[str]


def _clause(
    definition: Definition,
    clause: str,
    found: list[_Named],
    by_lead: dict[str, list[ActivityRow]],
    accounts: AccountHistory | None = None,
) -> MissedClause:
    gate, _, leaf = clause.rpartition(".")
    looser = LOOSER.get(leaf) if ".fit." in f".{clause}" else None
    recovered: int | None = None
    values: tuple[tuple[str, int], ...] = ()
    if looser is not None:
        relaxed = prepare(loosened(definition, clause))
        # Another clause of the same fit gate named too still keeps the lead out, whatever
        # this one says: the gate passes only when every clause does (replay not needed).
        alone = [n for n in found if not any(o.rpartition(".")[0] == gate for o in n.others)]
        recovered = sum(1 for n in alone if _becomes_mql(relaxed, n.lead, by_lead, accounts))
        field = looser[1]
        counted: Counter[str] = Counter()
        if field == "employees":
            sizes = [n.lead.employees for n in found if n.lead.employees is not None]
            if sizes:
                counted[f"{min(sizes)}-{max(sizes)} employees"] = len(sizes)
        elif field is not None:
            counted.update(str(getattr(n.lead, field)) for n in found if getattr(n.lead, field))
        values = tuple(counted.most_common(SHOWN_VALUES))
        missing = sum(1 for n in found if n.unknown)
        if missing:
            values += (("unknown", missing),)
    return MissedClause(
        clause=clause,
        wins=len(found),
        unknown=sum(1 for n in found if n.unknown),
        recovered=recovered,
        values=values,
        example=found[0].text,
    )


def loosened(definition: Definition, clause: str) -> Definition:
    """The definition with one fit clause (`fit.industries`, `segments.smb.fit.min_seniority`)
    set to let everyone through."""
    return with_clause(definition, clause, LOOSER[clause.rsplit(".", 1)[-1]][0])


def _becomes_mql(
    prepared: Prepared,
    lead: LeadRow,
    by_lead: dict[str, list[ActivityRow]],
    accounts: AccountHistory | None = None,
) -> bool:
    own = [a for a in by_lead[lead.lead_id] if _on_or_before_win(a.at, lead)]
    return first_mql(prepared, lead, own, accounts) is not None
