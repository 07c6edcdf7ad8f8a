"""From history to a proposed definition: what buyers look like, what they did, and which
clause value the data supports.

The framework asks that a definition be data-derived ("can you show the data that supports
each criterion?"). This module reads the same lead history as the backtest and answers with
figures the room can check: a buyer profile, the behaviour of wins, one `Proposal` per fit and
trigger clause the data supports, and cases from the company's own history.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from workbench.core.domain.clause_evidence import draft_change
from workbench.core.domain.definition import Definition, EdgeCase, Expectation
from workbench.core.domain.errors import InputError, Problem
from workbench.core.domain.framework import LOW_INTENT_TRIGGERS
from workbench.core.domain.lead import Activity, Lead
from workbench.core.domain.vocab import PERSONAS, SENIORITY_ORDER
from workbench.core.evidence.backtest import replay_into
from workbench.core.evidence.tables import ActivityRow, LeadRow

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class Proposal:
    """One clause value the history supports, with the counts behind its figure.

    `clause` is a path as `domain/clauses.py` reads and writes it; `value` is what
    `with_clause` would write there (JSON-ready). The counts let anyone redo the figure.
    """

    clause: str  # "fit.min_seniority", "fit.industries", "triggers.tier1", ...
    value: object  # the new clause value, JSON-ready
    summary: str  # the room's words: "min seniority director: keeps 81% of wins (78 of 96), ..."
    wins_kept: int
    wins_total: int
    others_dropped: int  # non-buyers (lost, rejected, never converted) the value leaves out
    others_total: int
    lift: float | None  # win rate of leads with the value over the base rate, where it applies
    period: tuple[date, date]  # first and last creation date of the leads the figures came from
    source: str  # which data: "leads.csv + activities.csv (hubspot mapping), 2,000 leads"
    # What applying it takes out of or puts into the draft analysed: "removes journalist".
    against_draft: str = ""


# --- the figures ----------------------------------------------------------------------------

DEFAULT_WINS = 100  # Step 1: "pull the last 50-100 closed-won deals"
SMALL = 30  # a value seen on fewer leads than this is marked: its rate is a rough guide
# Behaviour seen in fewer wins than this is not ranked by lift: one win among 31 leads read as
# 3.2x and stood second in the list the room reads its triggers from.
PATTERN_WINS = 5
FEW_WINS = 10  # a segment's proposals from fewer wins than this say they are a rough guide
ENOUGH_WINS = 50  # 001, step 1: "pull the last 50-100 closed-won deals"; fewer are a rough guide
KEEP = 0.8  # a fit proposal keeps at least this share of wins
TRIGGER_LIFT = 1.5  # a trigger proposal names behaviour at least this much above the base rate
TRIGGER_SHARE = 0.1  # ... seen in at least this share of wins
CASES_PER_KIND = 3  # cases offered per kind of disagreement

# Company size bands the profile reads (the sizes a room argues about).
SIZE_BANDS: tuple[tuple[int, int | None], ...] = (
    (1, 10),
    (11, 50),
    (51, 200),
    (201, 1000),
    (1001, 5000),
    (5001, None),
)
# Count-in-window patterns read per activity kind: at least `count` within `days` days.
WINDOWS: tuple[tuple[int, int], ...] = ((2, 7), (3, 7), (2, 14), (3, 14), (2, 30))
# Kinds a lead raises a hand with: candidates for tier 1, never read as a first "conversion".
HAND_RAISE_KINDS: tuple[str, ...] = (
    "demo_request",
    "contact_sales",
    "pricing_inquiry",
    "sales_requested",
    "trial_signup",
)
# Reading and leaving are not buying intent: never proposed as a tier 2 signal (001's vanity
# activity), however often wins did them.
NOT_INTENT: tuple[str, ...] = ("email_open", "blog_visit", "unsubscribe", "careers_page_view")
# Opens are not conversions: a lead's first conversion action is its first other activity.
NOT_A_CONVERSION: tuple[str, ...] = ("email_open", "unsubscribe")
# Lead attributes the profile reads, and the SQL that gives each lead's value.
ATTRIBUTES: dict[str, str] = {
    "size": "",  # filled by `_size_sql`
    "industry": "lower(trim(l.industry))",
    "region": "lower(trim(l.region))",
    "seniority": "l.seniority",
    "persona": "coalesce(l.persona, 'employee')",
    "source": "lower(trim(l.lead_source))",
    "relationship": "l.relationship",
}


def _band_label(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}-{high}"


def _size_sql() -> str:
    cases = " ".join(
        f"WHEN l.employees >= {low}"
        + (f" AND l.employees <= {high}" if high is not None else "")
        + f" THEN '{_band_label(low, high)}'"
        for low, high in SIZE_BANDS
    )
    return f"CASE {cases} END"


@dataclass(frozen=True)
class ValueCount:
    """One value of an attribute (or one behaviour): how many wins and non-wins have it."""

    value: str  # "director", "51-200", "(unknown)", "pricing_page_view 2+ in 7 days"
    wins: int
    others: int
    wins_total: int
    others_total: int

    @property
    def leads(self) -> int:
        return self.wins + self.others

    @property
    def win_rate(self) -> float | None:
        return self.wins / self.leads if self.leads else None

    @property
    def base_rate(self) -> float | None:
        total = self.wins_total + self.others_total
        return self.wins_total / total if total else None

    @property
    def lift(self) -> float | None:
        """The value's win rate over the base rate: 3.0 closes three times as often."""
        rate, base = self.win_rate, self.base_rate
        return rate / base if rate is not None and base else None

    @property
    def share_of_wins(self) -> float | None:
        return self.wins / self.wins_total if self.wins_total else None

    @property
    def share_of_others(self) -> float | None:
        return self.others / self.others_total if self.others_total else None

    @property
    def small(self) -> bool:
        """Too few leads for the rate to mean much: shown, but marked."""
        return self.leads < SMALL

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "wins": self.wins,
            "others": self.others,
            "share_of_wins": _round(self.share_of_wins),
            "share_of_others": _round(self.share_of_others),
            "win_rate": _round(self.win_rate),
            "lift": _round(self.lift),
            "small": self.small,
        }


@dataclass(frozen=True)
class Spread:
    """Days between two moments for the wins that had both: median and the middle half."""

    count: int
    median: float | None
    low: float | None  # 25th percentile
    high: float | None  # 75th percentile

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "median": _round(self.median, 1),
            "p25": _round(self.low, 1),
            "p75": _round(self.high, 1),
        }


@dataclass(frozen=True)
class Pattern:
    """A behaviour read per activity kind: `count`+ of `kind` within `days` (None: ever)."""

    kind: str
    count: int
    days: int | None
    figures: ValueCount

    @property
    def label(self) -> str:
        kind = self.kind.replace("_", " ")
        if self.days is None:
            return kind if self.count == 1 else f"{kind} {self.count}+ times"
        return f"{kind} {self.count}+ times in {self.days} days"


@dataclass(frozen=True)
class HistoryCase:
    """A lead where the draft and history disagree, anonymised, for the room to adopt as an
    edge case with an expectation it agrees on (`edge_case`)."""

    name: str  # a slug: "won-never-mql-1"
    kind: str  # "won-never-mql", "mql-rejected", "handed-over-not-by-draft"
    why: str  # the disagreement in the room's words
    lead: Lead
    reason: str | None = None  # the SDR's rejection reason, as the CRM wrote it

    def edge_case(self, expect: Expectation) -> EdgeCase:
        return EdgeCase(name=self.name, why=self.why, expect=expect, lead=self.lead)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "why": self.why,
            "reason": self.reason,
            "lead": self.lead.model_dump(mode="json", exclude_defaults=True),
        }


@dataclass(frozen=True)
class Analysis:
    """What the history says: who buys, what they did, the clause values it supports."""

    definition: str
    source: str
    period: tuple[date, date]
    wins: int
    others: int
    profile: dict[str, list[ValueCount]]
    first_actions: list[ValueCount]
    draft_triggers: list[ValueCount]
    patterns: list[Pattern]
    days_to_mql: Spread
    days_mql_to_opportunity: Spread
    proposals: list[Proposal]
    cases: list[HistoryCase]

    @property
    def base_rate(self) -> float | None:
        total = self.wins + self.others
        return self.wins / total if total else None

    @property
    def ranked_patterns(self) -> list[Pattern]:
        """The behaviour patterns a report lists, most lift first: seen on enough leads
        (`SMALL`) and in enough wins (`PATTERN_WINS`) for the lift to be more than chance."""
        return [p for p in self.patterns if not p.figures.small and p.figures.wins >= PATTERN_WINS]

    def to_json(self) -> dict[str, Any]:
        return {
            "definition": self.definition,
            "source": self.source,
            "period": [self.period[0].isoformat(), self.period[1].isoformat()],
            "wins": self.wins,
            "others": self.others,
            "base_rate": _round(self.base_rate),
            "profile": {k: [v.to_json() for v in rows] for k, rows in self.profile.items()},
            "behaviour": {
                "first_actions": [v.to_json() for v in self.first_actions],
                "draft_triggers": [v.to_json() for v in self.draft_triggers],
                "patterns": [
                    {"kind": p.kind, "count": p.count, "days": p.days, **p.figures.to_json()}
                    for p in self.patterns
                ],
                "days_lead_to_mql": self.days_to_mql.to_json(),
                "days_mql_to_opportunity": self.days_mql_to_opportunity.to_json(),
            },
            "proposals": [proposal_json(p) for p in self.proposals],
            "cases": [c.to_json() for c in self.cases],
        }


def proposal_json(proposal: Proposal) -> dict[str, Any]:
    """A proposal as JSON: its fields, the period as ISO dates, the figures as shares."""
    return {
        "clause": proposal.clause,
        "value": proposal.value,
        "summary": proposal.summary,
        "wins_kept": proposal.wins_kept,
        "wins_total": proposal.wins_total,
        "others_dropped": proposal.others_dropped,
        "others_total": proposal.others_total,
        "lift": _round(proposal.lift),
        "period": [proposal.period[0].isoformat(), proposal.period[1].isoformat()],
        "source": proposal.source,
        "against_draft": proposal.against_draft,
    }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _pct(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "n/a"


# --- reading the history --------------------------------------------------------------------

POPULATION = "analysis_leads"  # temp table: the leads the figures come from, and who won
EVENTS = "analysis_events"  # temp table: the draft's MQL events


class NoWins(InputError):
    """The history (or the period asked for) holds no closed-won lead to learn from."""


def analyze(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    source: str,
    wins: int | None = DEFAULT_WINS,
    since: date | None = None,
    until: date | None = None,
    *,
    separating: bool = True,
) -> Analysis:
    """Analyse the `leads` and `activities` tables in `con` against the draft `definition`.

    The leads read: with `since`/`until`, those created in that period (either end open);
    otherwise the last `wins` closed-won leads (by win date) and every lead that never won
    created between the first and the last of their creation dates. Non-buyers ("others")
    are the leads that never won: lost, rejected, or never converted."""
    _population(con, wins, since, until)
    counts = con.execute(
        f"SELECT count(*) FILTER (WHERE won), count(*) FILTER (WHERE NOT won), "
        f"min(created_at), max(created_at) FROM {POPULATION}"
    ).fetchone()
    assert counts is not None
    wins_total, others_total = int(counts[0]), int(counts[1])
    if wins_total == 0:
        where = "in that period" if since or until else "in the history"
        raise NoWins(
            [Problem(f"no closed-won lead {where}: nothing to learn from", field="won_at")]
        )
    period = (_as_date(counts[2]), _as_date(counts[3]))
    replay_into(con, definition, EVENTS)
    profile = {name: _profile(con, name, wins_total, others_total) for name in ATTRIBUTES}
    _kinds_table(con)
    patterns = _patterns(con, wins_total, others_total)
    analysis = Analysis(
        definition=f"{definition.slug} v{definition.version} ({definition.status})",
        source=source,
        period=period,
        wins=wins_total,
        others=others_total,
        profile=profile,
        first_actions=_first_actions(con, wins_total, others_total),
        draft_triggers=_draft_triggers(con, wins_total, others_total),
        patterns=patterns,
        days_to_mql=_spread(con, "l.created_at", "l.mql_at"),
        days_mql_to_opportunity=_spread(con, "l.mql_at", "l.opportunity_at"),
        proposals=[],
        cases=_cases(con, definition),
    )
    found = proposals(con, analysis, definition, separating=separating)
    return replace(
        analysis,
        proposals=[replace(p, against_draft=draft_change(definition, p)) for p in found],
    )


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    assert isinstance(value, date)
    return value


def _population(
    con: duckdb.DuckDBPyConnection, wins: int | None, since: date | None, until: date | None
) -> None:
    """The leads the figures come from: `lead_id`, `created_at`, `won`, and `cut` (the win's
    time: a buyer's behaviour is read up to the moment it bought)."""
    if since is not None or until is not None:
        tests = ["TRUE"]
        if since is not None:
            tests.append(f"CAST(created_at AS DATE) >= DATE '{since.isoformat()}'")
        if until is not None:
            tests.append(f"CAST(created_at AS DATE) <= DATE '{until.isoformat()}'")
        chosen = f"SELECT lead_id FROM leads WHERE {' AND '.join(tests)}"
    else:
        limit = DEFAULT_WINS if wins is None else wins
        last_wins = (
            "SELECT lead_id, created_at FROM leads WHERE won_at IS NOT NULL "
            f"ORDER BY won_at DESC, lead_id LIMIT {int(limit)}"
        )
        chosen = (
            f"WITH w AS ({last_wins}) SELECT lead_id FROM w UNION ALL "
            "SELECT lead_id FROM leads WHERE won_at IS NULL AND created_at BETWEEN "
            "(SELECT min(created_at) FROM w) AND (SELECT max(created_at) FROM w)"
        )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {POPULATION} AS "
        "SELECT l.lead_id, l.created_at, l.won_at IS NOT NULL AS won, l.won_at AS cut "
        f"FROM leads AS l WHERE l.lead_id IN ({chosen})"
    )


def _value_counts(
    rows: list[tuple[Any, ...]], wins_total: int, others_total: int
) -> list[ValueCount]:
    """(value, wins, others) rows as figures, most wins first (ties: fewest others, value)."""
    found = [
        ValueCount("(unknown)" if v is None else str(v), int(w), int(o), wins_total, others_total)
        for v, w, o in rows
    ]
    return sorted(found, key=lambda c: (-c.wins, c.others, c.value))


def _profile(
    con: duckdb.DuckDBPyConnection,
    attribute: str,
    wins_total: int,
    others_total: int,
    where: str = "TRUE",
) -> list[ValueCount]:
    """One attribute's values among the population's leads (`where`: a test on `l`)."""
    expression = _size_sql() if attribute == "size" else ATTRIBUTES[attribute]
    rows = con.execute(
        f"SELECT {expression} AS v, count(*) FILTER (WHERE p.won), "
        f"count(*) FILTER (WHERE NOT p.won) FROM {POPULATION} AS p "
        f"JOIN leads AS l ON l.lead_id = p.lead_id WHERE {where} GROUP BY v"
    ).fetchall()
    return _value_counts(rows, wins_total, others_total)


_ACTS = (
    'SELECT a.lead_id, a.kind, a."at", p.won FROM activities AS a '
    f"JOIN {POPULATION} AS p ON p.lead_id = a.lead_id "
    'WHERE p.cut IS NULL OR a."at" <= p.cut'
)


def _leads_where(where: str) -> str:
    """SQL: the `KINDS` row's lead is one whose `leads` row `l` meets `where`."""
    if where == "TRUE":
        return "TRUE"
    return f"lead_id IN (SELECT l.lead_id FROM leads AS l WHERE {where})"


def _patterns(
    con: duckdb.DuckDBPyConnection, wins_total: int, others_total: int, where: str = "TRUE"
) -> list[Pattern]:
    """Each activity kind ever, and at least N of it within D days, for wins and others
    (`where`: a test on the lead `l`, for a segment's own leads)."""
    tests: list[tuple[int, int | None, str]] = [(1, None, "TRUE")]
    tests += [(count, days, f"m{days} >= {count}") for count, days in WINDOWS]
    aggregates = ", ".join(
        f"count(*) FILTER (WHERE won AND {t}), count(*) FILTER (WHERE NOT won AND {t})"
        for _, _, t in tests
    )
    rows = con.execute(
        f"SELECT kind, {aggregates} FROM {KINDS} WHERE {_leads_where(where)} GROUP BY kind"
    ).fetchall()
    found: list[Pattern] = []
    for row in rows:
        for at, (count, days, _) in enumerate(tests):
            w, o = int(row[1 + 2 * at]), int(row[2 + 2 * at])
            if w + o:
                figures = ValueCount("", w, o, wins_total, others_total)
                pattern = Pattern(str(row[0]), count, days, figures)
                found.append(replace(pattern, figures=replace(figures, value=pattern.label)))
    return sorted(found, key=lambda p: (-(p.figures.lift or 0), p.figures.value))


def _first_actions(
    con: duckdb.DuckDBPyConnection, wins_total: int, others_total: int
) -> list[ValueCount]:
    """Each lead's first conversion: its earliest activity that is not an e-mail open."""
    skipped = ", ".join(f"'{k}'" for k in NOT_A_CONVERSION)
    rows = con.execute(
        f"WITH a AS ({_ACTS} AND a.kind NOT IN ({skipped})), "
        'f AS (SELECT lead_id, won, kind, row_number() OVER (PARTITION BY lead_id ORDER BY "at", '
        "CAST(kind AS VARCHAR)) AS n FROM a) SELECT kind, count(*) FILTER (WHERE won), "
        "count(*) FILTER (WHERE NOT won) FROM f WHERE n = 1 GROUP BY kind"
    ).fetchall()
    return _value_counts(rows, wins_total, others_total)


def _draft_triggers(
    con: duckdb.DuckDBPyConnection, wins_total: int, others_total: int
) -> list[ValueCount]:
    """What the draft's first MQL of each lead fired on (a win: on or before its win day);
    "(never an MQL)" for the rest."""
    rows = con.execute(
        "WITH e AS (SELECT e.lead_id, e.tier, e.trigger, row_number() OVER "
        '(PARTITION BY e.lead_id ORDER BY e."at") AS n FROM '
        f"{EVENTS} AS e JOIN {POPULATION} AS p ON p.lead_id = e.lead_id "
        'WHERE p.cut IS NULL OR CAST(e."at" AS DATE) <= CAST(p.cut AS DATE)) '
        "SELECT CASE WHEN e.lead_id IS NULL THEN '(never an MQL)' ELSE "
        "'tier ' || CAST(e.tier AS VARCHAR) || ': ' || coalesce(CAST(e.trigger AS VARCHAR), '') "
        "END AS v, count(*) FILTER (WHERE p.won), count(*) FILTER (WHERE NOT p.won) "
        f"FROM {POPULATION} AS p LEFT JOIN e ON e.lead_id = p.lead_id AND e.n = 1 GROUP BY v"
    ).fetchall()
    return _value_counts(rows, wins_total, others_total)


def _spread(con: duckdb.DuckDBPyConnection, start: str, end: str) -> Spread:
    row = con.execute(
        f"SELECT count(*), quantile_cont(d, 0.5), quantile_cont(d, 0.25), "
        f"quantile_cont(d, 0.75) FROM (SELECT date_diff('second', {start}, {end}) / 86400.0 AS d "
        f"FROM {POPULATION} AS p JOIN leads AS l ON l.lead_id = p.lead_id "
        f"WHERE p.won AND {start} IS NOT NULL AND {end} IS NOT NULL AND {end} >= {start})"
    ).fetchone()
    assert row is not None

    def num(value: object) -> float | None:
        return None if value is None else float(str(value))

    return Spread(int(row[0]), num(row[1]), num(row[2]), num(row[3]))


# --- proposals ------------------------------------------------------------------------------

KINDS = "analysis_kinds"  # temp table: per lead and kind, how many and the most in each window


def _kinds_table(con: duckdb.DuckDBPyConnection) -> None:
    """Per lead and activity kind (up to a win): how many, and the most within each window."""
    days = sorted({d for _, d in WINDOWS})
    windows = ", ".join(
        f'count(*) OVER (PARTITION BY lead_id, kind ORDER BY "at" '
        f"RANGE BETWEEN INTERVAL {d} DAYS PRECEDING AND CURRENT ROW) AS c{d}"
        for d in days
    )
    most = ", ".join(f"max(c{d}) AS m{d}" for d in days)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {KINDS} AS WITH a AS ({_ACTS}), "
        f"c AS (SELECT lead_id, kind, won, {windows} FROM a) "
        f"SELECT lead_id, kind, won, count(*) AS n, {most} FROM c GROUP BY lead_id, kind, won"
    )


def _with_behaviour(
    con: duckdb.DuckDBPyConnection, tests: list[str], where: str = "TRUE"
) -> tuple[int, int]:
    """(wins, others) with at least one of `tests` (over `KINDS` rows; `where` as in
    `_patterns`)."""
    row = con.execute(
        "SELECT count(DISTINCT lead_id) FILTER (WHERE won), "
        f"count(DISTINCT lead_id) FILTER (WHERE NOT won) FROM {KINDS} "
        f"WHERE ({' OR '.join(tests)}) AND {_leads_where(where)}"
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def proposals(
    con: duckdb.DuckDBPyConnection,
    analysis: Analysis,
    definition: Definition | None = None,
    *,
    separating: bool = True,
) -> list[Proposal]:
    """One proposal per fit and trigger clause the history supports, with what it keeps
    (wins that pass it) and what it costs (non-buyers it leaves out: the "drops" figure).

    With the draft: an excluded persona or a tier 1 hand raise the history has too few leads
    to judge stays in the proposal. A dozen leads never argue a framework hand raise (or a
    journalist exclusion) out of a definition; `draft_change` names what a proposal removes."""
    found: list[Proposal] = []
    make = _Maker(analysis)
    excluded = [str(p) for p in definition.fit.excluded_personas] if definition else []
    raises = [str(k) for k in definition.triggers.tier1] if definition else []
    gate = _main_gate(con, analysis, definition, excluded)
    # Counted over every lead: the triggers, and the gate unless segments scope it (its
    # summary then names its own wins).
    overall = _triggers(con, make, analysis.patterns, raises)
    if definition is None or not definition.segments:
        overall, gate = gate + overall, []
    if analysis.wins < ENOUGH_WINS:
        wins = f"{analysis.wins} win" + ("" if analysis.wins == 1 else "s")
        few = f" ({wins}, under the 50 001 starts from: a rough guide)"
        overall = [replace(p, summary=p.summary + few) for p in overall]
    found += gate + overall
    if definition is not None:
        found += _segment_proposals(con, analysis, definition)
    # The quarterly review weighs a gate against the quarter's own bad-fit rejections, made
    # after the non-buyers counted here: it reads every value the wins support.
    return [p for p in found if _separates(p, separating)]


def _scoped(
    con: duckdb.DuckDBPyConnection, where: str
) -> tuple[int, int, dict[str, list[ValueCount]]]:
    """The wins, the non-buyers and the gate's profile among the leads `where` picks (a
    segment's, or those the main gate decides); no sizes, which the segments' ranges say."""
    row = con.execute(
        f"SELECT count(*) FILTER (WHERE p.won), count(*) FILTER (WHERE NOT p.won) "
        f"FROM {POPULATION} AS p JOIN leads AS l ON l.lead_id = p.lead_id WHERE {where}"
    ).fetchone()
    wins, others = (int(row[0]), int(row[1])) if row else (0, 0)
    if not wins:
        return 0, others, {}
    profile = {
        name: _profile(con, name, wins, others, where)
        for name in ("seniority", "industry", "region", "persona")
    }
    return wins, others, profile


def _main_gate(
    con: duckdb.DuckDBPyConnection,
    analysis: Analysis,
    definition: Definition | None,
    excluded: list[str],
) -> list[Proposal]:
    """The main fit gate's proposals, read from the leads it decides. Where segments give
    some sizes their own gate, the main gate decides only the segments without one: a
    $10-30M draft's "min seniority: keeps 86% of wins (68 of 79)" counted the SMB and
    Enterprise leads its own gates decide, and applying it moved 3 wins. Sizes are then the
    segments' ranges, not the gate's to propose (as for a segment's own gate)."""
    segments = definition.segments if definition is not None else []
    if not segments:
        make, profile, prefix = _Maker(analysis), analysis.profile, ""
    else:
        using = [at for at, segment in enumerate(segments) if segment.fit is None]
        if not using:
            return []  # every segment has its own gate: the main one decides no lead
        assert definition is not None
        where = " OR ".join(f"({_segment_sql(definition, at)})" for at in using)
        wins, others, profile = _scoped(con, where)
        if not wins:
            return []
        make = _Maker(replace(analysis, wins=wins, others=others, profile=profile))
        labels = ", ".join(segments[at].label or segments[at].id for at in using)
        few = ", a rough guide" if wins < FEW_WINS else ""
        prefix = f"{labels}, decided by the main gate ({wins} wins of its size{few}): "
    found = _seniority(make, profile["seniority"])
    for clause, attribute in (("fit.industries", "industry"), ("fit.regions", "region")):
        found += _listed_values(make, clause, profile[attribute])
    if not segments:
        found += _sizes(make, profile["size"])
    found += _personas(make, profile["persona"], excluded)
    return [replace(p, summary=prefix + p.summary) for p in found]


def _separates(proposal: Proposal, separating: bool = True) -> bool:
    """A fit gate value that keeps no win, or leaves out no non-buyer, has nothing in the
    history behind it: every lead of one size read "min 201 employees: drops 0 of 1870" (a
    gate on companies the data never showed), which would have taken the SMB segment out on
    no evidence.
    With no non-buyer at all there is nothing to separate, and the wins alone speak (the
    quarterly review weighs them against the quarter's bad-fit rejections)."""
    fit = proposal.clause.startswith("fit.") or ".fit." in proposal.clause
    if fit and not proposal.wins_kept:
        return False  # "min 5001 employees: keeps 0% of wins (0 of 1)": a gate on nobody
    return not fit or not separating or not proposal.others_total or proposal.others_dropped > 0


def _segment_sql(definition: Definition, at: int) -> str:
    """SQL: the lead `l` falls in the definition's segment `at`, as the evaluator picks it
    (the first segment whose size range holds the company's; an unknown size is in none)."""

    def within(low: int | None, high: int | None) -> str:
        tests = ["l.employees IS NOT NULL"]
        tests += [f"l.employees >= {int(low)}"] if low is not None else []
        tests += [f"l.employees <= {int(high)}"] if high is not None else []
        return " AND ".join(tests)

    segments = definition.segments
    earlier = [f"NOT ({within(s.min_employees, s.max_employees)})" for s in segments[:at]]
    own = segments[at]
    return " AND ".join([within(own.min_employees, own.max_employees), *earlier])


def _segment_proposals(
    con: duckdb.DuckDBPyConnection, analysis: Analysis, definition: Definition
) -> list[Proposal]:
    """A segment's own fit gate and triggers read from its own leads: the wins and non-buyers
    whose company size puts them in that segment, proposed as `segments.<id>.fit.*` and
    `segments.<id>.triggers.tier1` / `.tier2`. Without these a $10-30M definition's segment
    clauses could only be backed by hand. Sizes are the segment's own range, so only
    seniority, industries, regions and personas are proposed for its gate."""
    found: list[Proposal] = []
    for at, segment in enumerate(definition.segments):
        gate, triggers = segment.fit, segment.triggers
        if gate is None and triggers is None:
            continue  # the segment uses the main gate and triggers, proposed above
        where = _segment_sql(definition, at)
        wins, others, profile = _scoped(con, where)
        if not wins:
            continue  # no buyer of this size: nothing to learn its gate from
        make = _Maker(replace(analysis, wins=wins, others=others, profile=profile))
        own: list[Proposal] = []
        if gate is not None:
            own += _seniority(make, profile["seniority"])
            for clause, attribute in (("fit.industries", "industry"), ("fit.regions", "region")):
                own += _listed_values(make, clause, profile[attribute])
            own += _personas(make, profile["persona"], [str(p) for p in gate.excluded_personas])
        if triggers is not None:
            patterns = _patterns(con, wins, others, where)
            own += _triggers(con, make, patterns, [str(k) for k in triggers.tier1], where)
        label = segment.label or segment.id
        few = ", a rough guide" if wins < FEW_WINS else ""
        found += [
            replace(
                p,
                clause=f"segments.{segment.id}.{p.clause}",
                summary=f"{label} ({wins} wins of its size{few}): {p.summary}",
            )
            for p in own
        ]
    return found


@dataclass(frozen=True)
class _Maker:
    analysis: Analysis

    def __call__(
        self, clause: str, value: object, wording: str, wins_kept: int, others_kept: int
    ) -> Proposal:
        """A proposal from the wins and non-buyers that pass the clause at this value."""
        a = self.analysis
        dropped = a.others - others_kept
        base = a.base_rate
        kept = wins_kept + others_kept
        lift = (wins_kept / kept) / base if kept and base else None
        summary = (
            f"{wording}: keeps {_pct(wins_kept, a.wins)} of wins ({wins_kept} of {a.wins}), "
            f"drops {_pct(dropped, a.others)} of non-buyers ({dropped} of {a.others})"
        )
        return Proposal(
            clause=clause,
            value=value,
            summary=summary,
            wins_kept=wins_kept,
            wins_total=a.wins,
            others_dropped=dropped,
            others_total=a.others,
            lift=lift,
            period=a.period,
            source=a.source,
        )


def _passing(rows: list[ValueCount], values: set[str]) -> tuple[int, int]:
    """(wins, others) whose value is one of `values` (unknown never passes, as in the gate)."""
    chosen = [r for r in rows if r.value in values]
    return sum(r.wins for r in chosen), sum(r.others for r in chosen)


def _seniority(make: _Maker, rows: list[ValueCount]) -> list[Proposal]:
    """The highest minimum seniority that keeps at least `KEEP` of wins."""
    wins = make.analysis.wins
    for at in range(len(SENIORITY_ORDER) - 1, 0, -1):
        allowed = set(SENIORITY_ORDER[at:])
        w, o = _passing(rows, allowed)
        if w >= KEEP * wins:
            level = SENIORITY_ORDER[at]
            return [make("fit.min_seniority", level, f"min seniority {level}", w, o)]
    return []  # only "intern" keeps enough: no minimum is supported


def _listed_values(make: _Maker, clause: str, rows: list[ValueCount]) -> list[Proposal]:
    """Every value that wins at least at the base rate, then the next best by win rate until
    the list keeps `KEEP` of wins; none when the wins are spread over every value."""
    known = [r for r in rows if r.value != "(unknown)" and r.wins]
    ranked = sorted(known, key=lambda r: (-(r.lift or 0), -r.wins, r.value))
    chosen = [r for r in ranked if (r.lift or 0) >= 1]
    for row in ranked:
        if sum(r.wins for r in chosen) >= KEEP * make.analysis.wins:
            break
        if row not in chosen:
            chosen.append(row)
    values = sorted(r.value for r in chosen)
    if not values or len(values) == len([r for r in rows if r.value != "(unknown)"]):
        return []
    w, o = _passing(rows, set(values))
    name = clause.split(".")[-1]
    return [make(clause, values, f"{name} {', '.join(values)}", w, o)]


def _sizes(make: _Maker, rows: list[ValueCount]) -> list[Proposal]:
    """Size bounds at band edges: bands dropped from either end while what they hold is at
    most half of what `KEEP` leaves to lose, so both bounds together keep `KEEP` of wins."""
    by_label = {r.value: r for r in rows}
    bands = [(lo, hi, by_label.get(_band_label(lo, hi))) for lo, hi in SIZE_BANDS]
    spare = (1 - KEEP) / 2 * make.analysis.wins
    low_at, high_at, lost = 0, len(bands) - 1, 0
    while low_at < high_at and lost + _wins(bands[low_at][2]) <= spare:
        lost += _wins(bands[low_at][2])
        low_at += 1
    lost = 0
    while high_at > low_at and lost + _wins(bands[high_at][2]) <= spare:
        lost += _wins(bands[high_at][2])
        high_at -= 1
    found: list[Proposal] = []
    if low_at > 0:
        minimum = bands[low_at][0]
        kept = {_band_label(lo, hi) for lo, hi, _ in bands[low_at:]}
        w, o = _passing(rows, kept)
        found.append(make("fit.min_employees", minimum, f"min {minimum} employees", w, o))
    if high_at < len(bands) - 1 and bands[high_at][1] is not None:
        maximum = bands[high_at][1]
        kept = {_band_label(lo, hi) for lo, hi, _ in bands[: high_at + 1]}
        w, o = _passing(rows, kept)
        found.append(make("fit.max_employees", maximum, f"max {maximum} employees", w, o))
    return found


def _wins(row: ValueCount | None) -> int:
    return 0 if row is None else row.wins


def _personas(make: _Maker, rows: list[ValueCount], excluded: list[str]) -> list[Proposal]:
    """Personas that (almost) never buy: under half the base rate, with enough leads to say so.
    The draft's own exclusions stay unless enough leads show the persona buys."""
    out = sorted(
        r.value
        for r in rows
        if r.value != "employee" and r.value in PERSONAS and not r.small and (r.lift or 0) < 0.5
    )
    if not out:
        return []
    seen = {r.value: r for r in rows}
    kept = [p for p in excluded if p not in out and (p not in seen or seen[p].small)]
    out = sorted([*out, *kept])
    w, o = _passing(rows, {r.value for r in rows if r.value not in out})
    return [make("fit.excluded_personas", out, f"exclude {', '.join(out)}", w, o)]


def _test(pattern: Pattern) -> str:
    kind = f"kind = {_sql_text(pattern.kind)}"
    if pattern.days is None:
        return f"({kind} AND n >= {pattern.count})"
    return f"({kind} AND m{pattern.days} >= {pattern.count})"


def _strong(pattern: Pattern, share: float) -> bool:
    figures = pattern.figures
    return (
        (figures.lift or 0) >= TRIGGER_LIFT
        and (figures.share_of_wins or 0) >= share
        and not figures.small
    )


def _triggers(
    con: duckdb.DuckDBPyConnection,
    make: _Maker,
    patterns: list[Pattern],
    draft: list[str],
    where: str = "TRUE",
) -> list[Proposal]:
    """Tier 1: the hand raises that close well above the base rate, and the draft's own hand
    raises the history cannot judge (too few leads) or shows closing at least at the base
    rate. Tier 2: per other kind, its strongest count-in-window pattern (the best lift among
    those in enough wins)."""
    found: list[Proposal] = []
    once = {p.kind: p for p in patterns if p.days is None and p.count == 1}  # ever did it
    raises = [p for p in once.values() if p.kind in HAND_RAISE_KINDS]
    tier1 = sorted(p.kind for p in raises if _strong(p, TRIGGER_SHARE / 2))
    if tier1:
        # The draft's own tier 1 kinds, hand raises or not, judged by their own figures.
        kept = [
            kind
            for kind in draft
            if kind not in tier1
            and (
                kind not in once or once[kind].figures.small or (once[kind].figures.lift or 0) >= 1
            )
        ]
        chosen = [p for p in raises if p.kind in tier1]
        w, o = _with_behaviour(con, [_test(once[k]) for k in tier1 + kept if k in once], where)
        wording = "tier 1 " + ", ".join(
            f"{p.label} ({_lift_text(p)})" for p in sorted(chosen, key=lambda p: p.kind)
        )
        if kept:
            # Too few leads to judge, or closing at the base rate or above.
            wording += "; kept from the draft (the history does not argue against it): "
            wording += ", ".join(k.replace("_", " ") for k in kept)
        found.append(make("triggers.tier1", sorted([*tier1, *kept]), wording, w, o))
    best: dict[str, Pattern] = {}
    for pattern in patterns:  # most lift first
        # Nor a low-intent kind lint flags as a trigger: a proposal the room applies must
        # not come back from `check` as an anti-pattern.
        if pattern.kind in HAND_RAISE_KINDS + NOT_INTENT + LOW_INTENT_TRIGGERS:
            continue
        if pattern.days is None:
            continue
        if _strong(pattern, TRIGGER_SHARE) and pattern.kind not in best:
            best[pattern.kind] = pattern
    if best:
        rules = [best[k] for k in sorted(best)]
        value = [{"kind": p.kind, "min_count": p.count, "within_days": p.days} for p in rules]
        w, o = _with_behaviour(con, [_test(p) for p in rules], where)
        wording = "tier 2 " + "; ".join(f"{p.label} ({_lift_text(p)})" for p in rules)
        found.append(make("triggers.tier2", value, wording, w, o))
    return found


def _lift_text(pattern: Pattern) -> str:
    figures = pattern.figures
    return f"{figures.lift or 0:.1f}x lift, in {_pct(figures.wins, figures.wins_total)} of wins"


# --- cases from history ---------------------------------------------------------------------

_CASE_QUERIES: tuple[tuple[str, str, str, str], ...] = (
    (
        "won-never-mql",
        "Won, but never an MQL under the draft before the win",
        "p.won AND NOT EXISTS (SELECT 1 FROM {events} AS e WHERE e.lead_id = l.lead_id "
        'AND CAST(e."at" AS DATE) <= CAST(l.won_at AS DATE))',
        "l.amount DESC NULLS LAST, l.lead_id",
    ),
    (
        "mql-rejected",
        "An MQL under the draft that the SDR rejected",
        "l.sdr_decision = 'rejected' AND EXISTS (SELECT 1 FROM {events} AS e "
        "WHERE e.lead_id = l.lead_id)",
        "(SELECT min(e.tier) FROM {events} AS e WHERE e.lead_id = l.lead_id), l.lead_id",
    ),
    (
        "handed-over-not-by-draft",
        "Handed over by the old process and accepted, never an MQL under the draft",
        "l.mql_at IS NOT NULL AND l.sdr_decision = 'accepted' AND NOT EXISTS "
        "(SELECT 1 FROM {events} AS e WHERE e.lead_id = l.lead_id)",
        "(l.opportunity_at IS NULL), l.lead_id",
    ),
)


def _cases(con: duckdb.DuckDBPyConnection, definition: Definition) -> list[HistoryCase]:
    """The leads where the draft and history disagree, `CASES_PER_KIND` of each kind: the
    largest wins it misses, the rejected MQLs it passes at its strongest tier, and the
    accepted hand-overs it does not make (those that became opportunities first)."""
    competitors = frozenset(n.strip().lower() for n in definition.fit.competitors)
    found: list[HistoryCase] = []
    for kind, why, test, order in _CASE_QUERIES:
        ids = [
            str(row[0])
            for row in con.execute(
                f"SELECT l.lead_id FROM {POPULATION} AS p JOIN leads AS l "
                f"ON l.lead_id = p.lead_id WHERE {test.format(events=EVENTS)} "
                f"ORDER BY {order.format(events=EVENTS)} LIMIT {CASES_PER_KIND}"
            ).fetchall()
        ]
        for number, lead_id in enumerate(ids, start=1):
            row, activities = _lead_rows(con, lead_id)
            as_of = _as_of(con, kind, row)
            lead = anonymised(row, activities, as_of, competitors)
            found.append(
                HistoryCase(
                    name=f"{kind}-{number}",
                    kind=kind,
                    why=f"{why} (from the history, {as_of.date().isoformat()}).",
                    lead=_with_account_facts(con, definition, lead, row, as_of),
                    reason=row.rejection_reason if kind == "mql-rejected" else None,
                )
            )
    return found


def _with_account_facts(
    con: duckdb.DuckDBPyConnection, definition: Definition, lead: Lead, row: LeadRow, at: datetime
) -> Lead:
    """The case's account facts as the backtest reads them at `at` (replay rule 5): a case
    adopted from history carried the CRM's engaged contacts and no account intent, so the
    account motion that made it an MQL never fired in the suite."""
    from workbench.core.domain.account import (
        ACCOUNT_WINDOW_DAYS,
        AccountHistory,
        has_account_motion,
    )
    from workbench.core.evidence.engine import account_key_sql
    from workbench.core.evidence.replay import with_account

    if not has_account_motion(definition):
        return lead
    key = account_key_sql("l")
    members = con.execute(
        f"SELECT l.lead_id, l.account_id, l.domain FROM leads AS l WHERE {key} = "
        f"(SELECT {key} FROM leads AS l WHERE l.lead_id = ?)",
        [row.lead_id],
    ).fetchall()
    history = AccountHistory(definition)
    for lead_id, account_id, domain in members:
        history.add_lead(str(lead_id), account_id, domain)
    since = at - timedelta(days=ACCOUNT_WINDOW_DAYS + 1)  # `facts` takes its own window
    rows = con.execute(
        f'SELECT a.lead_id, CAST(a.kind AS VARCHAR), a."at" FROM activities AS a '
        f"JOIN leads AS l ON l.lead_id = a.lead_id WHERE {key} = "
        f"(SELECT {key} FROM leads AS l WHERE l.lead_id = ?) "
        'AND a."at" >= ? AND a."at" <= ? ORDER BY a."at"',
        [row.lead_id, since.replace(tzinfo=None), at.astimezone(UTC).replace(tzinfo=None)],
    ).fetchall()
    history.add_activities((str(r[0]), str(r[1]), _aware(r[2])) for r in rows)
    return with_account(lead, row.lead_id, at, history)


def _lead_rows(con: duckdb.DuckDBPyConnection, lead_id: str) -> tuple[LeadRow, list[ActivityRow]]:
    cursor = con.execute("SELECT * FROM leads WHERE lead_id = ?", [lead_id])
    names = [str(d[0]) for d in cursor.description or ()]
    values = dict(zip(names, cursor.fetchall()[0], strict=True))
    lead = LeadRow(**{k: _aware(v) for k, v in values.items()})
    acts = con.execute(
        'SELECT lead_id, kind, "at", session_id FROM activities WHERE lead_id = ? '
        'ORDER BY "at", CAST(kind AS VARCHAR)',
        [lead_id],
    ).fetchall()
    return lead, [ActivityRow(str(a[0]), a[1], _aware(a[2]), a[3]) for a in acts]


def _aware(value: Any) -> Any:
    return value.replace(tzinfo=UTC) if isinstance(value, datetime) else value


def _as_of(con: duckdb.DuckDBPyConnection, kind: str, row: LeadRow) -> datetime:
    """The moment the disagreement is read at: the win, the draft's first MQL, the old MQL."""
    if kind == "won-never-mql" and row.won_at is not None:
        return row.won_at
    if kind == "handed-over-not-by-draft" and row.mql_at is not None:
        return row.mql_at
    first = con.execute(
        f'SELECT min("at") FROM {EVENTS} WHERE lead_id = ?', [row.lead_id]
    ).fetchone()
    moment = first[0] if first is not None else None
    return _aware(moment) if isinstance(moment, datetime) else row.created_at


def anonymised(
    row: LeadRow,
    activities: list[ActivityRow],
    as_of: datetime,
    competitors: frozenset[str] = frozenset(),
) -> Lead:
    """The lead as an edge case holds it: only what a verdict reads. No name, no person in
    the e-mail address (its domain stays: exclusions read it), no company name unless it is
    how a competitor is recognised; activities up to `as_of` as days before it, their
    sessions renamed in order."""
    lead = row.to_lead([a for a in activities if a.at <= as_of])
    email = lead.person.email
    person = lead.person.model_copy(
        update={"email": f"lead@{email.rsplit('@', 1)[1]}" if email and "@" in email else None}
    )
    sessions: dict[str, str] = {}
    kept: list[Activity] = []
    for activity in lead.activities:
        assert activity.at is not None
        session = activity.session_id
        if session is not None:
            session = sessions.setdefault(session, f"s{len(sessions) + 1}")
        age = round((as_of - activity.at).total_seconds() / 86400, 3)
        kept.append(Activity(kind=activity.kind, days_ago=age, session_id=session))
    name = lead.company.name if lead.company.name.strip().lower() in competitors else ""
    company = lead.company.model_copy(update={"name": name})
    return lead.model_copy(update={"person": person, "company": company, "activities": kept})
