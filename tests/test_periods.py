"""`workbench metrics`: every series value is a direct count over the same rows, periods break
at Monday 00:00 UTC and on the first of a month or quarter, the trend and band flags are raised
on hand-made rows and never on an immature or small period, revenue by source is a direct sum,
and the command prints text, JSON and Markdown."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner, Result

from workbench.cli import app
from workbench.core.domain.definition import Definition
from workbench.core.domain.framework import metric_target
from workbench.core.domain.sources import named_apart
from workbench.core.domain.templates import from_template
from workbench.core.evidence.load import fetch_leads
from workbench.core.evidence.periods import (
    METRICS,
    Frequency,
    MetricsReport,
    Series,
    metrics_report,
    period_label,
    period_start,
    scored_apart,
)
from workbench.core.evidence.periods_report import metrics_lines, metrics_markdown
from workbench.core.evidence.sample import sample_data, write_sample
from workbench.core.evidence.settings import EvidenceSource
from workbench.core.evidence.sla import measure
from workbench.core.evidence.tables import ActivityRow, LeadRow
from workbench.core.services.backtest_session import load_history


def _acme(volume: int = 100) -> Definition:
    """A 3m-10m draft named acme, v1, committing `volume` MQLs a month."""
    d = from_template("acme", "3m-10m", date(2025, 1, 1), name="acme")
    sla = d.sla.model_copy(
        update={"marketing": d.sla.marketing.model_copy(update={"monthly_volume": volume})}
    )
    return d.model_copy(update={"sla": sla})


def _enriched(rows: list[LeadRow]) -> list[LeadRow]:
    """The sample with the columns it leaves empty filled for some leads: an SQL date for
    every other accepted MQL, the SDR's decision a day after the MQL, no source for a few, and
    a few wins made an MQL only after the win (a false negative, as the backtest counts it)."""
    out = []
    for number, row in enumerate(rows):
        if row.won_at is not None and row.mql_at is not None and number % 4 == 0:
            row = replace(row, mql_at=row.won_at + timedelta(days=1))
        if row.mql_at is not None and row.sdr_decision is not None:
            row = replace(row, sdr_decision_at=row.mql_at + timedelta(hours=20 + number % 40))
        if row.sdr_decision == "accepted" and row.mql_at is not None and number % 2:
            row = replace(row, sql_at=row.mql_at + timedelta(days=number % 9))
        if number % 23 == 0:
            row = replace(row, lead_source=None)
        out.append(row)
    return out


def _load(folder: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    load_history(con, EvidenceSource(folder / "leads.csv", folder / "activities.csv"))
    return con


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("periods")
    leads, activities = sample_data(1500, seed=5)
    write_sample(out, _enriched(leads), activities)
    return out


@pytest.fixture(scope="module")
def con(folder: Path) -> duckdb.DuckDBPyConnection:
    return _load(folder)


@pytest.fixture(scope="module")
def rows(con: duckdb.DuckDBPyConnection) -> list[LeadRow]:
    return fetch_leads(con)


def _within(moment: datetime | None, start: datetime, end: datetime) -> bool:
    return moment is not None and start <= moment < end


def _aware(day: object) -> datetime:
    return datetime.fromisoformat(str(day)).replace(tzinfo=UTC)


Cohort = Callable[[list[LeadRow], datetime, datetime], tuple[float, int | None]]


def _mqls(rows: list[LeadRow], start: datetime, end: datetime) -> list[LeadRow]:
    return [r for r in rows if _within(r.mql_at, start, end)]


def _rate(rows: Sequence[LeadRow], hit: Callable[[LeadRow], bool]) -> tuple[float, int]:
    return float(sum(1 for r in rows if hit(r))), len(rows)


def _velocity(rows: list[LeadRow]) -> tuple[float, int]:
    days = [(r.mql_at - r.created_at).total_seconds() / 86400 for r in rows if r.mql_at]
    return sum(days), len(days)


def _never_mql(row: LeadRow) -> bool:
    return row.mql_at is None or (row.won_at is not None and row.mql_at > row.won_at)


DIRECT: dict[str, Cohort] = {
    "volume": lambda rs, s, e: (float(len(_mqls(rs, s, e))), None),
    "acceptance": lambda rs, s, e: _rate(_mqls(rs, s, e), lambda r: r.sdr_decision == "accepted"),
    "mql_to_sql": lambda rs, s, e: _rate(
        [r for r in _mqls(rs, s, e) if r.sdr_decision == "accepted"], lambda r: bool(r.sql_at)
    ),
    "mql_to_opportunity": lambda rs, s, e: _rate(
        _mqls(rs, s, e), lambda r: r.opportunity_at is not None
    ),
    "mql_to_won": lambda rs, s, e: _rate(_mqls(rs, s, e), lambda r: r.won_at is not None),
    "velocity": lambda rs, s, e: _velocity(_mqls(rs, s, e)),
    "false_negative": lambda rs, s, e: _rate(
        [r for r in rs if _within(r.won_at, s, e)], _never_mql
    ),
}
OUTCOME = {
    "acceptance": "sdr_decision_at",
    "mql_to_sql": "sql_at",
    "mql_to_opportunity": "opportunity_at",
    "mql_to_won": "won_at",
}


def _check_against_rows(series: Series, rows: list[LeadRow]) -> None:
    assert series.missing is None, series.key
    assert series.points, series.key
    for before, after in zip(series.points, series.points[1:], strict=False):
        assert before.end == after.start  # every period, none skipped
    for point in series.points:
        start, end = _aware(point.start), _aware(point.end)
        numerator, denominator = DIRECT[series.key](rows, start, end)
        assert point.numerator == pytest.approx(numerator), (series.key, point.label)
        assert point.denominator == denominator, (series.key, point.label)
        if denominator is None:
            assert point.value == numerator
        elif denominator:
            assert point.value == pytest.approx(numerator / denominator)
        else:
            assert point.value is None
    cohort = [r for r in rows if r.mql_at is not None]
    if series.key in OUTCOME:
        lags = [
            (getattr(r, OUTCOME[series.key]) - r.mql_at).total_seconds() / 86400
            for r in cohort
            if getattr(r, OUTCOME[series.key]) is not None
            and getattr(r, OUTCOME[series.key]) >= r.mql_at
            and (series.key != "mql_to_sql" or r.sdr_decision == "accepted")
        ]
        assert series.lag_days == pytest.approx(statistics.median(lags))
    else:
        assert series.lag_days is None
    if series.key == "velocity":
        lead_in = statistics.median(
            (r.mql_at - r.created_at).total_seconds() / 86400
            for r in cohort
            if r.mql_at is not None and r.mql_at >= r.created_at
        )
        assert series.lead_in_days == pytest.approx(lead_in)
        first = min(r.created_at for r in rows)
        for point in series.points:
            assert point.early == (_aware(point.start) - timedelta(days=lead_in) < first)
    else:
        assert series.lead_in_days is None
        assert not any(p.early for p in series.points)


@pytest.mark.parametrize("every", [None, "week", "month", "quarter"])
def test_every_series_value_is_a_direct_count_over_the_rows(
    con: duckdb.DuckDBPyConnection, rows: list[LeadRow], every: Frequency | None
) -> None:
    report = metrics_report(con, _acme(), "sample", every=every)
    assert {s.key for s in report.series} == {m.key for m in METRICS}
    for series in report.series:
        assert series.every == (every or metric_target(series.key).frequency)
        if series.key == "response_compliance":
            _check_against_sla(series, con)
        else:
            _check_against_rows(series, rows)


def _check_against_sla(series: Series, con: duckdb.DuckDBPyConnection) -> None:
    """Each period's compliance is `workbench sla`'s response figures over the same dates
    (those are held to a count by hand in test_sla.py): the two commands never disagree."""
    assert series.missing is None and series.points
    for point in series.points:
        last_day = point.end - timedelta(days=1)  # `end` is the next period's first day
        figures = [
            f
            for f in measure(con, _acme(), point.start, last_day).sales
            if ".response_" in f.clause
        ]
        numerator = sum(f.numerator for f in figures)
        denominator = sum(f.denominator for f in figures)
        assert (point.numerator, point.denominator) == (numerator, denominator), point.label
        assert point.value == (pytest.approx(numerator / denominator) if denominator else None)
    assert series.lag_days is not None  # it waits for the first response


def test_each_metric_runs_at_its_framework_frequency(con: duckdb.DuckDBPyConnection) -> None:
    report = metrics_report(con, _acme(), "sample")
    every = {s.key: s.every for s in report.series}
    assert every == {
        "volume": "week",
        "acceptance": "week",
        "mql_to_sql": "month",
        "mql_to_opportunity": "month",
        "mql_to_won": "quarter",
        "velocity": "month",
        "response_compliance": "week",
        "false_negative": "quarter",
    }


def test_the_span_runs_from_the_first_lead_to_the_last_moment_and_partial_ends_are_marked(
    con: duckdb.DuckDBPyConnection, rows: list[LeadRow]
) -> None:
    report = metrics_report(con, _acme(), "sample")
    first = min(r.created_at for r in rows)
    assert report.first.replace(tzinfo=UTC) == first
    volume = next(s for s in report.series if s.key == "volume")
    assert volume.points[0].start == period_start(first, "week")
    assert volume.points[0].partial and volume.points[-1].partial
    assert not any(p.partial for p in volume.points[1:-1])
    assert not any(p.flags for p in (volume.points[0], volume.points[-1]))


def test_revenue_by_source_is_a_direct_sum(
    con: duckdb.DuckDBPyConnection, rows: list[LeadRow]
) -> None:
    report = metrics_report(con, _acme(), "sample")
    by_source = {s.source: s for s in report.sources}
    assert "(no source)" in by_source
    for name, found in by_source.items():
        mine = [r for r in rows if (r.lead_source or "(no source)") == name]
        wins = [r for r in mine if r.won_at is not None]
        revenue = sum(r.amount or 0 for r in wins)
        via = sum(r.amount or 0 for r in wins if not _never_mql(r))
        assert found.leads == len(mine)
        assert found.mqls == sum(1 for r in mine if r.mql_at is not None)
        assert found.wins == len(wins)
        assert found.revenue == pytest.approx(revenue)
        assert found.revenue_via_mql == pytest.approx(via)
        priced = [r.amount for r in wins if r.amount is not None]
        assert found.average_deal == (pytest.approx(sum(priced) / len(priced)) if priced else None)
    revenues = [s.revenue for s in report.sources]
    assert revenues == sorted(revenues, reverse=True)
    assert sum(s.leads for s in report.sources) == len(rows)


# --- hand-made rows ----------------------------------------------------------------------


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _report(tmp_path: Path, leads: list[LeadRow], every: Frequency | None = None) -> MetricsReport:
    activities = [ActivityRow(r.lead_id, "demo_request", r.created_at) for r in leads]
    write_sample(tmp_path, leads, activities)
    con = _load(tmp_path)
    try:
        return metrics_report(con, _acme(), "hand-made", every=every)
    finally:
        con.close()


def test_wins_without_an_amount_are_unknown_revenue_not_zero(tmp_path: Path) -> None:
    # 21 webinar wins without an amount read "won revenue 0" and sorted last, and nothing
    # said that the total left them out.
    at = _at("2025-03-05T10:00:00")
    leads = [
        _mql(1, at, won_at=at, amount=1000.0, lead_source="ads"),
        _mql(2, at, won_at=at, amount=None, lead_source="ads"),
        _mql(3, at, won_at=at, amount=None, lead_source="webinar"),
        _mql(4, at, won_at=at, amount=None, lead_source="webinar"),
    ]
    report = _report(tmp_path, leads)
    by_source = {s.source: s for s in report.sources}
    webinar, ads = by_source["webinar"], by_source["ads"]
    assert (webinar.wins, webinar.unpriced_wins, webinar.known_revenue) == (2, 2, None)
    assert (ads.wins, ads.unpriced_wins, ads.known_revenue) == (2, 1, 1000.0)
    assert webinar.to_json()["won_revenue"] is None
    assert webinar.to_json()["revenue_via_mql"] is None
    assert webinar.to_json()["revenue_never_mql"] is None
    assert webinar.to_json()["wins_without_amount"] == 2
    text = "\n".join(metrics_lines(report))
    assert "3 closed-won leads have no amount" in text
    webinar_line = next(line for line in text.splitlines() if line.strip().startswith("webinar"))
    assert "n/a*" in webinar_line and " 0 " not in webinar_line


@pytest.mark.parametrize(
    ("source", "apart"),
    [
        ("Trade Show", True),
        ("Badge Scan - SaaStr 2025", True),
        ("Purchased List", True),
        ("List Import", True),
        ("Trade Shows", True),
        ("List Imports", True),
        ("Event Lists", True),
        ("Rented List", True),
        ("cold email", True),
        ("Offline Sources", False),  # HubSpot's: API and integration forms, chat, sync too
        ("Webinar", False),
        ("Events", False),  # a registration may be a hand raise: the room decides
        ("Important accounts", False),  # words, not letters: "import" is not in it
        ("Organic Search", False),
    ],
)
def test_sources_named_like_002s_qualified_apart(source: str, apart: bool) -> None:
    assert named_apart(source) is apart


def test_list_sources_the_definition_scores_are_named(tmp_path: Path) -> None:
    """002: event lists, badge scans and cold lists are qualified apart, not by MQL scoring.
    The metrics name the ones the definition still scores, and only those."""
    at = _at("2025-03-05T10:00:00")
    leads = [
        _mql(1, at, lead_source="Trade Show"),
        _mql(2, at, lead_source="List Import"),
        _mql(3, at, lead_source="webinar"),
    ]
    report = _report(tmp_path, leads)
    assert report.scored_apart == ("List Import", "Trade Show")
    text = " ".join(line.strip() for line in metrics_lines(report))
    assert '"List Import", "Trade Show" are named like one and this definition scores' in text
    assert report.to_json()["scored_list_sources"] == ["List Import", "Trade Show"]
    # One source in two spellings is named once, as exclude_sources reads it.
    assert scored_apart(_acme(), ["Trade Show", "trade show "]) == ("Trade Show",)
    # The Markdown note escapes a name from the file as the table does.
    odd = _report(tmp_path / "odd", [_mql(1, at, lead_source="Purchased *2024* <b>")])
    markdown = metrics_markdown(odd)
    assert "Purchased \\*2024\\* \\<b\\>" in markdown.split("| source")[0], markdown
    main = _acme()
    fit = main.fit.model_copy(update={"exclude_sources": ["trade show"]})
    assert scored_apart(main.model_copy(update={"fit": fit}), ["Trade Show"]) == ()
    # A segment with its own fit gate that does not list it still scores it.
    split = from_template("acme", "10m-30m", date(2025, 1, 1))
    assert split.segments[0].fit is not None
    fits = split.fit.model_copy(update={"exclude_sources": ["Trade Show"]})
    assert scored_apart(split.model_copy(update={"fit": fits}), ["Trade Show"]) == ("Trade Show",)


def _series(report: MetricsReport, key: str) -> Series:
    return next(s for s in report.series if s.key == key)


def _mql(number: int, at: datetime, **fields: object) -> LeadRow:
    return LeadRow(f"L{number:05d}", created_at=at - timedelta(days=1), mql_at=at, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("every", "before", "after"),
    [
        ("week", "2025-03-09T23:59:00", "2025-03-10T00:00:00"),  # Sunday night, Monday 00:00
        ("month", "2025-03-31T23:59:00", "2025-04-01T00:00:00"),
        ("quarter", "2025-03-31T23:59:00", "2025-04-01T00:00:00"),
    ],
)
def test_a_period_ends_at_its_last_minute_and_the_next_starts_at_midnight_utc(
    tmp_path: Path, every: Frequency, before: str, after: str
) -> None:
    leads = [_mql(1, _at(before)), _mql(2, _at(after)), _mql(3, _at(after))]
    volume = _series(_report(tmp_path, leads, every), "volume")
    counts = {p.label: p.numerator for p in volume.points if p.numerator}
    assert counts == {
        period_label(period_start(_at(before), every), every): 1,
        period_label(period_start(_at(after), every), every): 2,
    }
    assert len(counts) == 2


def test_week_labels_are_iso_weeks_starting_monday() -> None:
    assert period_start(_at("2025-03-09T23:59:00"), "week").isoformat() == "2025-03-03"
    assert period_start(_at("2025-03-10T00:00:00"), "week").isoformat() == "2025-03-10"
    assert period_label(period_start(_at("2025-03-10T00:00:00"), "week"), "week") == "2025-W11"
    assert period_label(period_start(_at("2025-05-20T00:00:00"), "quarter"), "quarter") == (
        "2025-Q2"
    )


def _weeks(accepted_per_week: list[int], per_week: int = 20) -> list[LeadRow]:
    """MQLs on the Tuesday of consecutive weeks from Monday 2025-03-03, `per_week` each,
    of which the first N accepted; leads created on the first Monday 00:00 and on the Monday
    after the last week make every week whole (the file's last moment opens a partial one)."""
    leads, number = [], 0
    monday = _at("2025-03-03T00:00:00")
    leads.append(LeadRow("L00000", created_at=monday))
    for week, accepted in enumerate(accepted_per_week):
        tuesday = monday + timedelta(weeks=week, days=1, hours=9)
        for i in range(per_week):
            number += 1
            decision = "accepted" if i < accepted else "rejected"
            leads.append(_mql(number, tuesday + timedelta(minutes=i), sdr_decision=decision))
    leads.append(LeadRow("L99999", created_at=monday + timedelta(weeks=len(accepted_per_week))))
    return leads


def test_a_rate_that_fell_two_periods_in_a_row_is_flagged_and_one_fall_is_not(
    tmp_path: Path,
) -> None:
    acceptance = _series(_report(tmp_path, _weeks([45, 40, 45, 40, 30], 100)), "acceptance")
    points, opened = acceptance.points[:-1], acceptance.points[-1]
    assert opened.partial and opened.denominator == 0 and opened.flags == ()
    assert [p.denominator for p in points] == [100] * 5
    assert [round(p.value or 0, 3) for p in points] == [0.45, 0.4, 0.45, 0.4, 0.3]
    assert [p.flags for p in points[:4]] == [(), (), (), ()]  # one fall is not a trend
    assert points[4].flags == ("fell two periods in a row",)  # 45% -> 30% of 100 each
    assert points[1].change == pytest.approx(-0.05)
    assert not any(p.partial or p.small or not p.mature for p in points)


def test_a_two_period_fall_that_chance_explains_is_not_flagged(tmp_path: Path) -> None:
    """45% -> 44% -> 43% of 100 is a fall twice, and noise: a room is not sent chasing it."""
    acceptance = _series(_report(tmp_path, _weeks([45, 44, 43], 100)), "acceptance")
    assert [round(p.value or 0, 3) for p in acceptance.points[:3]] == [0.45, 0.44, 0.43]
    assert [p.flags for p in acceptance.points[:3]] == [(), (), ()]


def test_a_rate_outside_its_band_is_flagged_below_and_above(tmp_path: Path) -> None:
    acceptance = _series(_report(tmp_path, _weeks([5, 8, 11, 13], 20)), "acceptance")
    assert [p.flags for p in acceptance.points[:-1]] == [
        ("below its band (30-60%, 40-60% healthy)",),
        (),
        (),  # 55%: healthy by 001's acceptance bands, as the backtest and the review read it
        ("above its band (30-60%, 40-60% healthy)",),
    ]


def test_a_small_period_is_marked_never_flagged(tmp_path: Path) -> None:
    leads = _weeks([8, 9, 1, 7], 20)
    whole = _series(_report(tmp_path / "whole", leads), "acceptance").points[2]
    assert whole.flags == ("below its band (30-60%, 40-60% healthy)",) and not whole.small
    fewer = [lead for lead in leads if lead.lead_id != "L00060"]  # one rejected MQL of week 3
    small = _series(_report(tmp_path / "fewer", fewer), "acceptance").points[2]
    assert small.small and small.denominator == 19 and small.value == pytest.approx(1 / 19)
    assert small.flags == ()


def test_an_immature_period_is_never_flagged_but_the_same_rate_matured_is(
    tmp_path: Path,
) -> None:
    """Wins come 100 days after the MQL. Q1's MQLs have had the time; Q3's (no win yet, as
    Q1's rate would have looked in April) have not: marked, not flagged."""
    leads, number = [], 0
    for quarter_start, wins in (("2025-01-06", 1), ("2025-04-07", 0), ("2025-07-07", 0)):
        for i in range(40):
            number += 1
            mql = _at(quarter_start + "T10:00:00") + timedelta(hours=i)
            win = mql + timedelta(days=100) if i < wins * 2 else None
            leads.append(_mql(number, mql, won_at=win, amount=1000.0 if win else None))
    # The file ends mid-October: the median MQL-to-win is 100 days.
    leads.append(LeadRow("L99999", created_at=_at("2025-10-15T00:00:00")))
    won = _series(_report(tmp_path, leads), "mql_to_won")
    assert won.lag_days == pytest.approx(100)
    by_label = {p.label: p for p in won.points}
    assert by_label["2025-Q1"].mature and by_label["2025-Q1"].value == pytest.approx(0.05)
    assert by_label["2025-Q2"].mature and by_label["2025-Q2"].value == 0
    assert by_label["2025-Q2"].flags == ("below its band (3-8%)",)
    assert not by_label["2025-Q3"].mature and by_label["2025-Q3"].value == 0
    assert by_label["2025-Q3"].flags == ()
    assert "~" in "\n".join(metrics_lines(_report_again(won)))


def _report_again(series: Series) -> MetricsReport:
    first = datetime(2025, 1, 1)
    return MetricsReport("acme", 1, 100, "x", first, first, (series,))


def _velocity_rows(first: datetime, monday: datetime) -> list[LeadRow]:
    """Three weeks of 20 MQLs each, created 2, 3 and 4 days before their MQL."""
    leads, number = [LeadRow("L00000", created_at=first)], 0
    for week, days in enumerate((2, 3, 4)):
        for i in range(20):
            number += 1
            mql = monday + timedelta(weeks=week, days=1, minutes=i)
            leads.append(
                LeadRow(f"L{number:05d}", created_at=mql - timedelta(days=days), mql_at=mql)
            )
    leads.append(LeadRow("L99999", created_at=monday + timedelta(weeks=3)))
    return leads


def test_velocity_rising_is_the_worse_way_and_early_periods_are_not_judged(
    tmp_path: Path,
) -> None:
    monday = _at("2025-03-03T00:00:00")
    rows = _velocity_rows(monday - timedelta(weeks=8), monday)
    velocity = _series(_report(tmp_path / "long", rows, "week"), "velocity")
    assert velocity.lead_in_days == pytest.approx(3)
    weeks = [p for p in velocity.points if p.start >= monday.date()]
    assert [round(p.value or 0, 3) for p in weeks[:3]] == [2, 3, 4]
    assert not any(p.early for p in weeks)
    assert [p.flags for p in weeks[:3]] == [(), (), ("rose two periods in a row",)]
    # The same MQLs in a file that starts the day before them: the first week's MQLs are
    # only the leads that moved fast, so it is marked early and the trend is not read.
    rows = _velocity_rows(monday, monday)
    velocity = _series(_report(tmp_path / "short", rows, "week"), "velocity")
    weeks = [p for p in velocity.points if p.start >= monday.date()]
    assert [round(p.value or 0, 3) for p in weeks[:3]] == [2, 3, 4]
    assert [p.early for p in weeks[:3]] == [True, False, False]
    assert [p.flags for p in weeks] == [(), (), (), ()]


def test_a_column_the_file_never_fills_is_named_not_measured(tmp_path: Path) -> None:
    report = _report(tmp_path, _weeks([9, 8], 20))
    sql = _series(report, "mql_to_sql")
    assert sql.missing == "the file has no sql_at" and sql.points == ()
    assert "not measured: the file has no sql_at" in "\n".join(metrics_lines(report))


def test_volume_is_compared_with_the_committed_monthly_volume(tmp_path: Path) -> None:
    # 100 a month is about 23 a week; "about" is read as the SLA and the backtest read it:
    # half to twice (12 to 46), under half short of the commitment, over twice more than
    # sales agreed to work. 20 a week read "below its band (at least 23 a week)".
    about = _series(_report(tmp_path, _weeks([9, 8, 9], 20)), "volume")
    assert about.low == pytest.approx(100 * 12 / 52 / 2)
    assert about.high == pytest.approx(100 * 12 / 52 * 2)
    assert [p.flags for p in about.points] == [(), (), (), ()]
    assert about.points[-1].partial and about.points[-1].value == 0  # low by construction
    words = "about 23 MQLs a week, 12 to 46, from 100 a month committed"
    short = _series(_report(tmp_path / "short", _weeks([5, 5, 5], 10)), "volume")
    assert [p.flags for p in short.points] == [(f"below its band ({words})",)] * 3 + [()]
    over = _series(_report(tmp_path / "over", _weeks([9, 8, 9], 50)), "volume")
    assert [p.flags for p in over.points] == [(f"above its band ({words})",)] * 3 + [()]


def test_a_volume_too_small_for_the_period_is_judged_by_month() -> None:
    # 1 a month is 0.23 a week, "about 0 MQLs a week, 1 to 0": every week with 0 MQLs was
    # below its band and every week with one above it.
    from workbench.core.evidence.periods import _band_flag, _volume_band

    low, high, words = _volume_band(1, "week")
    assert (low, high) == (None, None) and "too few a week to judge by" in words
    assert _band_flag(0, low, high, words) is None and _band_flag(1, low, high, words) is None
    assert _volume_band(3, "week")[:2] == (None, None)  # "1 to 1" a week: no band
    low, high, _ = _volume_band(5, "week")
    assert low is not None and high is not None and low < 1 and high > 2
    assert _volume_band(1, "month")[:2] == (0.5, 2.0)  # a month judges it: 0 short, 3 over


# --- the command -------------------------------------------------------------------------


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("defs")
    result = cli("new", "acme", "--stage", "3m-10m", "--dir", folder)
    assert result.exit_code == 0, result.output
    return folder / "acme" / "v1.toml"


def _inputs(folder: Path) -> list[str | Path]:
    return ["--leads", folder / "leads.csv", "--activities", folder / "activities.csv"]


def test_cli_text_is_the_table_and_chart_at_80_columns(draft: Path, folder: Path) -> None:
    result = cli("metrics", draft, *_inputs(folder))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Metrics for acme")
    assert "committed: about 125 MQLs a" in result.stdout
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    for name in ("MQL volume: weekly", "MQL-to-closed-won rate: quarterly", "lead source"):
        assert name in result.stdout
    assert "|" in result.stdout and "#" in result.stdout


def test_cli_json_gives_the_series_as_the_core_computes_them(
    draft: Path, folder: Path, con: duckdb.DuckDBPyConnection
) -> None:
    result = cli("metrics", draft, *_inputs(folder), "--json", "--every", "month")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["definition"].startswith("acme") and data["monthly_volume"] == 125
    core = metrics_report(con, _acme(125), "x", every="month")
    assert [s["key"] for s in data["series"]] == [s.key for s in core.series]
    for mine, theirs in zip(data["series"], core.series, strict=True):
        assert mine["every"] == "month"
        assert [p["numerator"] for p in mine["points"]] == [
            round(p.numerator, 4) for p in theirs.points
        ]
        assert [p["flags"] for p in mine["points"]] == [list(p.flags) for p in theirs.points]
    assert {s["source"] for s in data["sources"]} >= {"(no source)", "Webinar"}


def test_cli_markdown_and_html_for_a_meeting(draft: Path, folder: Path, tmp_path: Path) -> None:
    md = cli("metrics", draft, *_inputs(folder), "--format", "md")
    assert md.exit_code == 0, md.output
    assert md.stdout.startswith("## Metrics for acme")
    assert "| period | value | counts | change | marks | flags |" in md.stdout
    assert "```text" in md.stdout and "### Closed-won revenue by lead source" in md.stdout
    out = tmp_path / "metrics.html"
    page = cli("metrics", draft, *_inputs(folder), "--format", "html", "--out", out)
    assert page.exit_code == 0, page.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith('<section class="metrics">') and "<pre>" in text


def test_cli_bad_usage_is_one_message_and_exit_2(draft: Path, folder: Path) -> None:
    both = cli("metrics", draft, *_inputs(folder), "--json", "--format", "md")
    assert both.exit_code == 2 and "give --json or --format" in both.output
    assert "Traceback" not in both.output
    every = cli("metrics", draft, *_inputs(folder), "--every", "year")
    assert every.exit_code == 2


def test_cli_without_history_or_with_a_missing_file_is_one_message_and_exit_2(
    draft: Path, folder: Path, tmp_path: Path
) -> None:
    none = cli("metrics", draft)
    assert none.exit_code == 2 and "Traceback" not in none.output
    missing = cli(
        "metrics",
        draft,
        "--leads",
        tmp_path / "nope.csv",
        "--activities",
        folder / "activities.csv",
    )
    assert missing.exit_code == 2 and "nope.csv" in missing.output
    assert "Traceback" not in missing.output


def test_a_conversion_above_its_band_is_good_news_and_acceptance_above_is_flagged(
    tmp_path: Path,
) -> None:
    """Every MQL accepted and opened as an opportunity: acceptance over 60% is flagged (the
    bar may be too high), MQL to opportunity over 25% is not (more pipeline is no drift)."""
    monday = _at("2025-03-03T00:00:00")
    leads = [LeadRow("L00000", created_at=monday - timedelta(days=2))]
    for number in range(1, 41):
        at = monday + timedelta(hours=number)
        leads.append(
            _mql(
                number,
                at,
                sdr_decision="accepted",
                sdr_decision_at=at + timedelta(hours=1),
                opportunity_at=at + timedelta(hours=2),
            )
        )
    leads.append(LeadRow("L99999", created_at=monday + timedelta(days=60)))
    report = _report(tmp_path, leads, "month")
    opportunity = _series(report, "mql_to_opportunity").points[0]
    acceptance = _series(report, "acceptance").points[0]
    assert opportunity.value == 1.0 and acceptance.value == 1.0
    assert acceptance.flags == ("above its band (30-60%, 40-60% healthy)",)
    assert not any("above" in flag for flag in opportunity.flags)
