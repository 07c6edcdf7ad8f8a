"""One rule for whether a history covers a period (`core.evidence.coverage`): `metrics`' partial
periods, the review's last complete quarter and the backtest's complete months read the same
file the same way. An export taken on the evening of 31 March (its last activity at 23:20)
covers the first quarter in all three; one whose history stops on 30 March, or in the first
hours of 31 March, covers it in none."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.core.domain.templates import from_template
from workbench.core.evidence.backtest import backtest
from workbench.core.evidence.coverage import covers, day_bounds, reaches
from workbench.core.evidence.engine import load_rows
from workbench.core.evidence.periods import metrics_report
from workbench.core.evidence.review import last_quarter
from workbench.core.evidence.sample import activities_csv, leads_csv
from workbench.core.evidence.tables import ActivityRow, LeadRow

FIRST = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)  # the first lead: 1 January, 09:00
EVENING = datetime(2025, 3, 31, 23, 20, tzinfo=UTC)  # the export's last activity


def _rows(last: datetime) -> tuple[list[LeadRow], list[ActivityRow]]:
    leads = [
        LeadRow("L1", created_at=FIRST, mql_at=datetime(2025, 1, 20, 10, tzinfo=UTC)),
        LeadRow("L2", created_at=datetime(2025, 2, 3, 10, tzinfo=UTC)),
    ]
    activities = [
        ActivityRow("L1", "demo_request", FIRST),
        ActivityRow("L2", "pricing_page_view", last),
    ]
    return leads, activities


def _con(last: datetime) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    load_rows(con, *_rows(last))
    return con


def _q1_partial(con: duckdb.DuckDBPyConnection) -> bool:
    definition = from_template("acme", "3m-10m", date(2025, 1, 1), name="acme")
    report = metrics_report(con, definition, "hand-made", every="quarter")
    volume = next(s for s in report.series if s.key == "volume")
    (q1,) = [p for p in volume.points if p.label == "2025-Q1"]
    return q1.partial


def _complete_months(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    definition = from_template("acme", "3m-10m", date(2025, 1, 1), name="acme")
    return backtest(con, definition).complete_months


def test_an_export_on_the_evening_of_the_quarters_last_day_covers_the_quarter_everywhere() -> None:
    con = _con(EVENING)
    assert str(last_quarter(con)) == "2025Q1"  # the review reads Q1 as complete
    assert not _q1_partial(con)  # and metrics no longer calls it partial
    assert _complete_months(con) == ("2025-01", "2025-02", "2025-03")


def test_a_history_that_stops_the_day_before_covers_the_quarter_nowhere() -> None:
    con = _con(datetime(2025, 3, 30, 23, 59, tzinfo=UTC))
    assert str(last_quarter(con)) == "2024Q4"
    assert _q1_partial(con)
    assert _complete_months(con) == ("2025-01", "2025-02")


def test_the_rule_reads_calendar_days() -> None:
    q1_start, q1_end = date(2025, 1, 1), date(2025, 3, 31)
    assert covers(FIRST, EVENING, q1_start, q1_end)
    assert covers(date(2024, 12, 31), date(2025, 3, 31), q1_start, q1_end)
    assert not covers(datetime(2025, 1, 2), EVENING, q1_start, q1_end)  # starts a day late
    assert not covers(FIRST, datetime(2025, 3, 30, 23, 59), q1_start, q1_end)
    assert reaches(datetime(2025, 3, 31, 12, 0), q1_end)  # from the last day's noon
    assert reaches(date(2025, 3, 31), q1_end)  # a day without a time: that day is held


def test_a_history_that_stops_in_the_first_hours_of_the_last_day_does_not_cover_it() -> None:
    # Its last activity at 00:30 on 31 March: an export taken before that day's work (a US
    # export late on 30 March). Read as whole, the month's low volume was flagged.
    early = datetime(2025, 3, 31, 0, 30, tzinfo=UTC)
    assert not reaches(early, date(2025, 3, 31))
    assert not reaches(datetime(2025, 3, 31, 11, 59), date(2025, 3, 31))
    con = _con(early)
    assert str(last_quarter(con)) == "2024Q4"
    assert _q1_partial(con)
    assert _complete_months(con) == ("2025-01", "2025-02")
    # The same history read on 31 March itself: that day is under way, the quarter is not done.
    assert str(last_quarter(_con(EVENING), today=date(2025, 3, 31))) == "2025Q1"


def test_a_period_of_days_includes_its_last_day() -> None:
    assert day_bounds(date(2025, 1, 1), date(2025, 3, 31)) == (
        datetime(2025, 1, 1),
        datetime(2025, 4, 1),
    )
    assert day_bounds(None, None) == (None, None)
    assert day_bounds(None, date.max) == (None, None)  # no midnight after 9999-12-31


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    leads, activities = _rows(EVENING)
    (tmp_path / "leads.csv").write_bytes(leads_csv(leads))
    (tmp_path / "activities.csv").write_bytes(activities_csv(activities))
    made = CliRunner().invoke(app, ["new", "acme", "--stage", "3m-10m", "--dir", str(tmp_path)])
    assert made.exit_code == 0, made.output
    return tmp_path / "acme" / "v1.toml", tmp_path / "leads.csv", tmp_path / "activities.csv"


def test_cli_metrics_reads_the_quarter_the_review_reads_as_whole(
    files: tuple[Path, Path, Path],
) -> None:
    path, leads, activities = files
    result = CliRunner().invoke(
        app,
        [
            "metrics",
            str(path),
            "--leads",
            str(leads),
            "--activities",
            str(activities),
            "--every",
            "quarter",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    volume = next(s for s in data["series"] if s["key"] == "volume")
    assert [(p["period"], p["partial"]) for p in volume["points"]] == [("2025-Q1", False)]
