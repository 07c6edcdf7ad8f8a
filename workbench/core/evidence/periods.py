"""Every metric of the framework's metrics table (001) as a series by period, with its trend.

A metric is data: its name, frequency and target band (`framework.METRIC_TARGETS`) and the SQL
that counts its numerator and denominator over one cohort (`METRICS`). Each series runs over
the file's span at the metric's frequency (or one `every` for all): calendar weeks starting
Monday 00:00 UTC, calendar months, calendar quarters.

The rules the room reads the series by:

- **Cohorts.** A period's rates are over the MQLs created in it (their `mql_at`), not over the
  outcomes that happened in it: the opportunities of March's MQLs, whenever they opened. The
  false-negative rate is over the deals won in the period.
- **Maturity.** An outcome takes time: a quarter of MQLs created last week has not had time to
  win. For a metric with an outcome (SQL, opportunity, win, the SDR's decision when the file
  times it), the lag is the median days from MQL to that outcome seen in the file; a period is
  "not yet mature" until its end plus that lag is before the file's last moment. An immature
  period is shown, never flagged.
- **Early.** Velocity (days from lead creation to MQL) in a period that starts less than the
  file's median lead-to-MQL days after its first lead sees only the leads that moved fast (a
  lead created before the file cannot MQL in it): marked "early", never flagged.
- **Small.** A denominator under `METRIC_SMALL` (20) is marked, never flagged.
- **Partial.** The first and last periods the file does not cover from their first day to
  their last (`coverage.covers`, by calendar day: an export taken on the evening of 31 March
  covers March and Q1, as the review reads it) are marked; a count (volume) in a partial
  period is never flagged, as it is low by construction.
- **Flags.** "outside its band" (below or above the target); "fell two periods in a row" (004: a
  falling rate means the definition drifted), or "rose" where lower is better (velocity,
  false negatives), and only when the move over the two periods is larger than chance would
  make it (`_beyond_noise`: a rate's two-proportion z or a count's Poisson z over 1.96, an
  average moved by more than a tenth); a week of 167, 165, 164 MQLs is not a trend. A trend flag needs all three periods judged (mature, not small, not
  early, and whole for a count).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal

import duckdb

from workbench.core.domain.definition import Definition
from workbench.core.domain.framework import (
    METRIC_SMALL,
    MetricTarget,
    metric_target,
    volume_bounds,
    volume_range,
    volume_words,
)
from workbench.core.domain.sources import listed_source, named_apart
from workbench.core.evidence.coverage import covers
from workbench.core.evidence.sla import mql_facts_sql
from workbench.core.evidence.tables import ACTIVITY_COLUMNS, LEAD_COLUMNS, quote_identifier

Frequency = Literal["week", "month", "quarter"]
FREQUENCIES: tuple[Frequency, ...] = ("week", "month", "quarter")
Kind = Literal["count", "rate", "days"]

# A win "through an MQL": the lead was an MQL on or before the win, as the backtest counts it.
MQL_BEFORE_WIN = "mql_at IS NOT NULL AND mql_at <= won_at"


@dataclass(frozen=True, slots=True)
class Metric:
    """One metric as SQL over the leads table: which rows form a period's cohort (`where`,
    placed in a period by `time`), and the numerator and denominator aggregated over them.

    `outcome` is the time the numerator waits for (its median lag decides maturity); `needs`
    are columns the file must fill somewhere, else the series says the file cannot tell."""

    key: str
    kind: Kind
    cohort: str
    time: str
    where: str
    numerator: str
    denominator: str | None = None
    outcome: str | None = None
    needs: tuple[str, ...] = ()
    lead_in: str | None = None  # the start each row's `time` is measured from (velocity)
    table: str = "leads"  # the relation the cohort rows come from

    @property
    def target(self) -> MetricTarget:
        return metric_target(self.key)


_ONE = "SUM(CASE WHEN {} THEN 1 ELSE 0 END)"

# The per-MQL SLA facts (`evidence.sla.mql_facts_sql`) for the definition in question, with
# the lead's own first response: response-time compliance is measured on the same facts as
# `workbench sla`, so the two never disagree.
FACTS = "mql_facts_"

METRICS: tuple[Metric, ...] = (
    Metric(
        "volume",
        "count",
        "MQLs created in the period",
        "mql_at",
        "mql_at IS NOT NULL",
        "COUNT(*)",
        needs=("mql_at",),
    ),
    Metric(
        "acceptance",
        "rate",
        "MQLs created in the period: accepted / all",
        "mql_at",
        "mql_at IS NOT NULL",
        _ONE.format("sdr_decision = 'accepted'"),
        "COUNT(*)",
        outcome="sdr_decision_at",
        needs=("sdr_decision",),
    ),
    Metric(
        "mql_to_sql",
        "rate",
        "accepted MQLs created in the period: became SQL / accepted",
        "mql_at",
        "mql_at IS NOT NULL AND sdr_decision = 'accepted'",
        _ONE.format("sql_at IS NOT NULL"),
        "COUNT(*)",
        outcome="sql_at",
        needs=("sql_at", "sdr_decision"),
    ),
    Metric(
        "mql_to_opportunity",
        "rate",
        "MQLs created in the period: opportunity opened / all",
        "mql_at",
        "mql_at IS NOT NULL",
        _ONE.format("opportunity_at IS NOT NULL"),
        "COUNT(*)",
        outcome="opportunity_at",
        needs=("opportunity_at",),
    ),
    Metric(
        "mql_to_won",
        "rate",
        "MQLs created in the period: closed won / all",
        "mql_at",
        "mql_at IS NOT NULL",
        _ONE.format("won_at IS NOT NULL"),
        "COUNT(*)",
        outcome="won_at",
        needs=("won_at",),
    ),
    Metric(
        "velocity",
        "days",
        "MQLs created in the period: average days from lead creation to MQL",
        "mql_at",
        "mql_at IS NOT NULL",
        "SUM(date_diff('second', created_at, mql_at)) / 86400.0",
        "COUNT(*)",
        needs=("mql_at",),
        lead_in="created_at",
    ),
    Metric(
        "response_compliance",
        "rate",
        "MQLs created in the period whose trigger has a response time: answered within it /"
        " all (never answered is a miss)",
        "mql_at",
        "deadline_minutes_ IS NOT NULL AND NOT responded_before_",
        _ONE.format("responded_in_time_"),
        "COUNT(*)",
        outcome="first_response_at",
        needs=("first_response_at",),
        table=FACTS,
    ),
    Metric(
        "false_negative",
        "rate",
        "deals won in the period: never an MQL on or before the win / all wins",
        "won_at",
        "won_at IS NOT NULL",
        _ONE.format(f"NOT ({MQL_BEFORE_WIN})"),
        "COUNT(*)",
        needs=("won_at",),
    ),
)


# --- periods -----------------------------------------------------------------------------


def period_start(moment: datetime | date, every: Frequency) -> date:
    """The first day of the calendar week (Monday), month or quarter holding `moment` (UTC)."""
    day = moment.date() if isinstance(moment, datetime) else moment
    if every == "week":
        return day - timedelta(days=day.weekday())
    if every == "month":
        return day.replace(day=1)
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_start(start: date, every: Frequency) -> date:
    """The first day of the period after the one starting at `start`."""
    if every == "week":
        return start + timedelta(days=7)
    months = 1 if every == "month" else 3
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def period_label(start: date, every: Frequency) -> str:
    """'2025-W03' (ISO week), '2025-03', '2025-Q1'."""
    if every == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if every == "month":
        return f"{start.year}-{start.month:02d}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


# --- results -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Point:
    """One period of a series: its figures, its change on the previous period, its marks."""

    start: date
    end: date  # exclusive: the next period's first day
    label: str
    numerator: float
    denominator: int | None
    value: float | None
    change: float | None = None
    partial: bool = False
    mature: bool = True
    small: bool = False
    early: bool = False  # the file starts too late to hold the leads behind this period
    flags: tuple[str, ...] = ()

    @property
    def judged(self) -> bool:
        """Whether a flag may be raised on this period at all."""
        return self.value is not None and self.mature and not self.small and not self.early

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "numerator": (
                int(self.numerator) if self.numerator.is_integer() else _round(self.numerator)
            ),
            "denominator": self.denominator,
            "value": _round(self.value),
            "change": _round(self.change),
            "partial": self.partial,
            "mature": self.mature,
            "small": self.small,
            "early": self.early,
            "flags": list(self.flags),
        }


@dataclass(frozen=True, slots=True)
class Series:
    """A metric over the file's span: its target, how its cohorts and maturity are read."""

    key: str
    name: str
    kind: Kind
    every: Frequency
    target: str
    low: float | None
    high: float | None
    cohort: str
    lower_is_better: bool
    lag_days: float | None = None  # the maturity lag; None: nothing to wait for
    lead_in_days: float | None = None  # periods this close to the file's start are early
    missing: str | None = None  # why the file cannot give this series
    points: tuple[Point, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "kind": self.kind,
            "every": self.every,
            "target": self.target,
            "low": self.low,
            "high": self.high,
            "cohort": self.cohort,
            "lower_is_better": self.lower_is_better,
            "maturity_lag_days": _round(self.lag_days),
            "lead_in_days": _round(self.lead_in_days),
            "missing": self.missing,
            "points": [p.to_json() for p in self.points],
        }


@dataclass(frozen=True, slots=True)
class SourceRevenue:
    """Closed-won revenue and deal size for one lead source (003: MQL-sourced revenue)."""

    source: str
    leads: int
    mqls: int
    wins: int
    revenue: float
    revenue_via_mql: float
    priced_wins: int  # wins with an amount: the average deal size is over these

    @property
    def average_deal(self) -> float | None:
        return self.revenue / self.priced_wins if self.priced_wins else None

    @property
    def unpriced_wins(self) -> int:
        """Wins without an amount: their revenue is unknown, not 0, and not in `revenue`."""
        return self.wins - self.priced_wins

    @property
    def known_revenue(self) -> float | None:
        """The revenue, or None where every win lacks an amount: 21 wins read "won revenue
        0" and sorted last, where they were half the wins of the top source."""
        return None if self.wins and not self.priced_wins else self.revenue

    @property
    def revenue_never_mql(self) -> float:
        return self.revenue - self.revenue_via_mql

    @property
    def share_via_mql(self) -> float | None:
        return self.revenue_via_mql / self.revenue if self.revenue else None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "leads": self.leads,
            "mqls": self.mqls,
            "wins": self.wins,
            "wins_without_amount": self.unpriced_wins,
            "won_revenue": _round(self.known_revenue),
            "average_deal": _round(self.average_deal),
            # Unknown, like the revenue, where no win of the source has an amount.
            "revenue_via_mql": _round(self.revenue_via_mql if self.priced_wins else None),
            "revenue_never_mql": _round(self.revenue_never_mql if self.priced_wins else None),
            "share_via_mql": _round(self.share_via_mql),
        }


@dataclass(frozen=True, slots=True)
class MetricsReport:
    """Every series and the revenue by source, headed by the definition they are read for."""

    definition: str
    version: int
    monthly_volume: int
    source: str
    first: datetime  # the first lead's creation
    as_of: datetime  # the file's last moment: the export is taken no earlier
    series: tuple[Series, ...]
    sources: tuple[SourceRevenue, ...] = field(default=())
    # Sources named like 002's qualified apart (`sources.named_apart`) that the definition
    # scores: no fit gate of it lists them in exclude_sources.
    scored_apart: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "definition": self.definition,
            "version": self.version,
            "monthly_volume": self.monthly_volume,
            "source": self.source,
            "first": self.first.isoformat(),
            "as_of": self.as_of.isoformat(),
            "series": [s.to_json() for s in self.series],
            "sources": [s.to_json() for s in self.sources],
            "scored_list_sources": list(self.scored_apart),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


# --- computing ---------------------------------------------------------------------------


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = con.execute(sql).fetchone()
    return None if row is None else row[0]


def file_span(con: duckdb.DuckDBPyConnection) -> tuple[datetime, datetime]:
    """(first lead created, the latest moment any timestamp in the file holds)."""
    first = _scalar(con, "SELECT MIN(created_at) FROM leads")
    latest = [first]
    for table, columns in (("leads", LEAD_COLUMNS), ("activities", ACTIVITY_COLUMNS)):
        for column in columns:
            if column.type == "timestamp":
                name = quote_identifier(column.name)
                latest.append(_scalar(con, f"SELECT MAX({name}) FROM {table}"))
    return first, max(moment for moment in latest if moment is not None)


def _filled(con: duckdb.DuckDBPyConnection, column: str) -> bool:
    return bool(_scalar(con, f"SELECT COUNT({quote_identifier(column)}) FROM leads"))


def maturity_lag(con: duckdb.DuckDBPyConnection, metric: Metric) -> float | None:
    """Median days from a cohort row's time to its outcome, over rows that reached it.

    None when the metric waits for nothing (or the file never times the outcome)."""
    if metric.outcome is None or not _filled(con, metric.outcome):
        return None
    lag = _scalar(
        con,
        f"SELECT quantile_cont(date_diff('second', {metric.time}, {metric.outcome}), 0.5)"
        f" / 86400.0 FROM {metric.table} WHERE {metric.where} AND {metric.outcome} IS NOT NULL"
        f" AND {metric.outcome} >= {metric.time}",
    )
    return None if lag is None else float(lag)


def lead_in_days(con: duckdb.DuckDBPyConnection, metric: Metric) -> float | None:
    """Median days from a row's start (`lead_in`) to its `time`: a period that begins less
    than this after the file's first lead sees only the leads that moved fast (a lead created
    before the file cannot MQL in it), so its average is low by construction."""
    if metric.lead_in is None:
        return None
    lag = _scalar(
        con,
        f"SELECT quantile_cont(date_diff('second', {metric.lead_in}, {metric.time}), 0.5)"
        f" / 86400.0 FROM leads WHERE {metric.where} AND {metric.time} >= {metric.lead_in}",
    )
    return None if lag is None else float(lag)


def _counts(
    con: duckdb.DuckDBPyConnection, metric: Metric, every: Frequency
) -> dict[date, tuple[float, int | None]]:
    """{period start: (numerator, denominator)} for the periods that have cohort rows."""
    denominator = metric.denominator or "NULL"
    rows = con.execute(
        f"SELECT CAST(date_trunc('{every}', {metric.time}) AS DATE) AS period,"
        f" {metric.numerator}, {denominator} FROM {metric.table} WHERE {metric.where}"
        " GROUP BY period"
    ).fetchall()
    return {row[0]: (float(row[1] or 0), None if row[2] is None else int(row[2])) for row in rows}


def _worse(now: float, before: float, lower_is_better: bool) -> bool:
    return now > before if lower_is_better else now < before


# A two-period move is flagged only when it is larger than chance would make it: a rate's
# two-proportion z, a count's Poisson z (about 95% either side), an average's tenth of itself.
NOISE_Z = 1.96
NOISE_AVERAGE = 0.10


def _beyond_noise(now: Point, before: Point, kind: Kind) -> bool:
    """Whether `now` differs from `before` (two periods back) by more than noise explains."""
    if now.value is None or before.value is None:
        return False
    if kind == "rate" and now.denominator and before.denominator:
        pooled = (now.numerator + before.numerator) / (now.denominator + before.denominator)
        spread = pooled * (1 - pooled) * (1 / now.denominator + 1 / before.denominator)
        return spread > 0 and abs(now.value - before.value) / spread**0.5 > NOISE_Z
    if kind == "count":
        total = now.value + before.value
        return total > 0 and abs(now.value - before.value) / total**0.5 > NOISE_Z
    return abs(now.value - before.value) > NOISE_AVERAGE * abs(before.value)


def _band_flag(value: float, low: float | None, high: float | None, words: str) -> str | None:
    value = round(value, 3)  # as the room reads it: 14.96% is shown, and read, as 15.0%
    if low is not None and value < low:
        return f"below its band ({words})"
    if high is not None and value > high:
        return f"above its band ({words})"
    return None


def _volume_band(monthly: int, every: Frequency) -> tuple[float | None, float | None, str]:
    """The committed monthly volume in the period's terms (a month, 12/52 of it, or three),
    read as the SLA and the backtest read it: about that many (`framework.volume_bounds`),
    a period under half of it short, over twice it more than sales agreed to work.

    No band when it holds one whole count or none: 1 a month is "1 to 0" MQLs a week, and
    every week was flagged, below with 0 and above with 1."""
    per = {"week": monthly * 12 / 52, "month": float(monthly), "quarter": monthly * 3.0}[every]
    whole_low, whole_high = volume_range(per)
    if whole_high <= whole_low:
        return (
            None,
            None,
            f"{monthly} a month committed, {per:.1f} a {every}: too few a {every} to judge "
            "by; see the monthly figures (--every month)",
        )
    low, high = volume_bounds(per)
    return low, high, f"{volume_words(per, every)}, from {monthly} a month committed"


def series(
    con: duckdb.DuckDBPyConnection,
    metric: Metric,
    span: tuple[datetime, datetime],
    every: Frequency | None = None,
    monthly_volume: int | None = None,
) -> Series:
    """One metric as a series over `span`, every period present, with its marks and flags."""
    target = metric.target
    freq: Frequency = every or target.frequency  # type: ignore[assignment]
    low, high, words = target.low, target.high, target.words
    if metric.key == "volume" and monthly_volume:  # 0: no volume committed
        low, high, words = _volume_band(monthly_volume, freq)
    head = Series(
        metric.key,
        target.name,
        metric.kind,
        freq,
        words,
        low,
        high,
        metric.cohort,
        target.lower_is_better,
    )
    empty = [column for column in metric.needs if not _filled(con, column)]
    if empty:
        return replace(head, missing=f"the file has no {', '.join(empty)}")
    lag = maturity_lag(con, metric)
    lead_in = lead_in_days(con, metric)
    counts = _counts(con, metric, freq)
    first, as_of = span
    start = min([period_start(first, freq), *counts])
    last = period_start(as_of, freq)
    points: list[Point] = []
    while start <= last:
        end = next_start(start, freq)
        numerator, denominator = counts.get(start, (0.0, 0 if metric.denominator else None))
        if metric.denominator is None:
            value: float | None = numerator
        else:
            value = numerator / denominator if denominator else None
        partial = not covers(first, as_of, start, end - timedelta(days=1))
        mature = lag is None or _midnight(end) + timedelta(days=lag) <= as_of
        small = denominator is not None and denominator < METRIC_SMALL
        early = lead_in is not None and _midnight(start) - timedelta(days=lead_in) < first
        previous = points[-1] if points else None
        change = (
            value - previous.value
            if previous is not None and value is not None and previous.value is not None
            else None
        )
        point = Point(
            start,
            end,
            period_label(start, freq),
            numerator,
            denominator,
            value,
            change,
            partial,
            mature,
            small,
            early=early,
        )
        points.append(
            _flagged(
                point,
                points,
                metric.kind,
                (low, high if target.flag_above else None, words),
                target.lower_is_better,
            )
        )
        start = end
    return replace(head, lag_days=lag, lead_in_days=lead_in, points=tuple(points))


def _judged(point: Point, kind: Kind) -> bool:
    return point.judged and not (point.partial and kind == "count")


def _flagged(
    point: Point,
    before: list[Point],
    kind: Kind,
    band: tuple[float | None, float | None, str],
    lower_is_better: bool,
) -> Point:
    """The point with its flags: never on a period that is not judged."""
    if not _judged(point, kind) or point.value is None:
        return point
    flags = []
    band_flag = _band_flag(point.value, *band)
    if band_flag:
        flags.append(band_flag)
    if len(before) >= 2:
        one, two = before[-1], before[-2]
        if (
            _judged(one, kind)
            and _judged(two, kind)
            and one.value is not None
            and two.value is not None
            and _worse(one.value, two.value, lower_is_better)
            and _worse(point.value, one.value, lower_is_better)
            and _beyond_noise(point, two, kind)
        ):
            flags.append(f"{'rose' if lower_is_better else 'fell'} two periods in a row")
    return replace(point, flags=tuple(flags))


NO_SOURCE = "(no source)"


def revenue_by_source(con: duckdb.DuckDBPyConnection) -> tuple[SourceRevenue, ...]:
    """Per lead source (empty: '(no source)'): leads, MQLs, wins, won revenue and how much of
    it came through an MQL; most revenue first."""
    won = "won_at IS NOT NULL"
    rows = con.execute(
        f"SELECT COALESCE(NULLIF(lead_source, ''), '{NO_SOURCE}') AS source, COUNT(*),"
        f" COUNT(mql_at), {_ONE.format(won)},"
        f" SUM(CASE WHEN {won} THEN COALESCE(amount, 0) ELSE 0 END),"
        f" SUM(CASE WHEN {won} AND {MQL_BEFORE_WIN} THEN COALESCE(amount, 0) ELSE 0 END),"
        f" {_ONE.format(f'{won} AND amount IS NOT NULL')}"
        " FROM leads GROUP BY source"
    ).fetchall()
    found = [
        SourceRevenue(
            str(r[0]),
            int(r[1]),
            int(r[2]),
            int(r[3] or 0),
            float(r[4] or 0),
            float(r[5] or 0),
            int(r[6] or 0),
        )
        for r in rows
    ]
    return tuple(sorted(found, key=lambda s: (-s.revenue, s.source)))


def metrics_report(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    source: str,
    every: Frequency | None = None,
    metrics: tuple[Metric, ...] = METRICS,
) -> MetricsReport:
    """Every metric's series and the revenue by source, over the leads loaded in `con`.

    The definition heads the report, gives the committed volume, and decides the response
    time each historical MQL is held to (its merged response table)."""
    span = file_span(con)
    if any(m.table == FACTS for m in metrics):
        facts = mql_facts_sql(definition)
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {FACTS} AS SELECT f.*, l.first_response_at"
            f" FROM ({facts}) AS f JOIN leads AS l USING (lead_id)"
        )
    monthly_volume = definition.sla.marketing.monthly_volume
    sources = revenue_by_source(con)
    return MetricsReport(
        definition.name,
        definition.version,
        monthly_volume,
        source,
        span[0],
        span[1],
        tuple(series(con, m, span, every, monthly_volume) for m in metrics),
        sources,
        scored_apart(definition, [s.source for s in sources if s.source != NO_SOURCE]),
    )


def scored_apart(definition: Definition, sources: list[str]) -> tuple[str, ...]:
    """The sources named like an event list, a badge scan or a cold list that some fit gate of
    the definition (the main one, a segment's or a motion's own) does not qualify apart."""
    found: list[str] = []
    for name in sources:
        if not named_apart(name) or listed_source(found, name) is not None:
            continue  # "Trade Show" and "trade show" are one source, as exclude_sources reads
        for owner in definition.owners():
            _path, fit = definition.owned(owner, "fit")
            if listed_source(fit.exclude_sources, name) is None:
                found.append(name)
                break
    return tuple(found)
