"""`workbench backtest` on the lead history a CRM really exports: "never" dates and a mapping
with a mistake in it. One clear message or a counted problem, never a traceback (issue 11)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli_steps import one_error, run
from workbench.core.domain.templates import from_template
from workbench.core.evidence.mapping import date_format_problem
from workbench.core.files import store

LEADS = (
    "lead_id,created_at,title,won_at\n"
    "L1,2025-01-03T09:00:00Z,VP Marketing,9999-12-31\n"
    "L2,2025-02-03T09:00:00Z,Head of Sales,\n"
)


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    return store.create(from_template("acme", "1m-3m", date(2025, 1, 1)), tmp_path / "defs")


def files(tmp_path: Path, activity_at: str, leads: str = LEADS) -> tuple[Path, Path]:
    lead_path, activity_path = tmp_path / "leads.csv", tmp_path / "activities.csv"
    lead_path.write_text(leads, encoding="utf-8")
    activity_path.write_text(
        "lead_id,kind,at\n"
        "L1,demo_request,2025-01-04T10:00:00Z\n"
        f"L2,demo_request,{activity_at}\n"
        "L2,pricing_page_view,2025-02-05T10:00:00Z\n",
        encoding="utf-8",
    )
    return lead_path, activity_path


@pytest.mark.parametrize(
    "activity_at",
    ["9999-12-31", "9999-12-31T23:59:59Z", "0001-01-01", "0001-01-01T00:00:00+01:00", "2100-01-01"],
)
def test_an_activity_dated_never_is_a_reported_row_not_a_traceback(
    runner: CliRunner, draft: Path, tmp_path: Path, activity_at: str
) -> None:
    leads, activities = files(tmp_path, activity_at)
    result = run(runner, "backtest", draft, "--leads", leads, "--activities", activities)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and result.exception is None
    # `at` is required: the row is left out, located, and the backtest runs on the rest.
    assert f"line 3: at '{activity_at}': a placeholder, not a real time" in result.stderr
    assert "MQLs per month" in result.stdout


def test_a_never_date_in_an_optional_column_is_emptied_and_counted(
    runner: CliRunner, draft: Path, tmp_path: Path
) -> None:
    leads, activities = files(tmp_path, "2025-02-04T10:00:00Z")
    result = run(runner, "backtest", draft, "--leads", leads, "--activities", activities)
    assert result.exit_code == 0, result.output
    assert "2 of 2 leads rows loaded" in result.stderr
    assert "1 cell that did not read, read as empty, the rows kept (1 won_at)" in result.stderr
    assert "line 2: won_at '9999-12-31'" in result.stderr
    as_json = run(runner, "backtest", draft, "--leads", leads, "--activities", activities, "--json")
    assert json.loads(as_json.stdout)["emptied_cells"] == {"leads": 1, "activities": 0}


def test_a_lead_created_never_is_left_out_by_line(
    runner: CliRunner, draft: Path, tmp_path: Path
) -> None:
    leads, activities = files(
        tmp_path, "2025-02-04T10:00:00Z", LEADS + "L3,9999-12-31T23:59:59Z,CEO,\n"
    )
    result = run(runner, "backtest", draft, "--leads", leads, "--activities", activities)
    assert result.exit_code == 0, result.output
    assert "line 4: created_at '9999-12-31T23:59:59Z': a placeholder" in result.stderr


@pytest.mark.parametrize(
    ("mapping", "needles"),
    [
        ('date_formats = ["%d/%m/%d"]\n', ("mapping.toml:1:", "'%d' repeats the field")),
        ('date_formats = ["%c %Y"]\n', ("mapping.toml:1:", "repeats a field")),
        ('date_formats = ["%d.%Q"]\n', ("mapping.toml:1:", "'%Q' is not a strptime directive")),
        (
            'date_formats = ["%d/%m/%Y"]\ndate_formats = ["%Y"]\n',
            ("mapping.toml:2:", "this key is given twice"),
        ),
    ],
)
def test_a_mapping_with_a_repeated_directive_is_one_located_message(
    runner: CliRunner, draft: Path, tmp_path: Path, mapping: str, needles: tuple[str, ...]
) -> None:
    leads, activities = files(tmp_path, "04/02/2025")
    path = tmp_path / "mapping.toml"
    path.write_text(mapping, encoding="utf-8")
    argv: list[str | Path] = [
        "backtest",
        draft,
        "--leads",
        leads,
        "--activities",
        activities,
        "--mapping",
        path,
    ]
    one_error(run(runner, *argv), 2, *needles)


def test_the_presets_date_formats_are_usable() -> None:
    from workbench.core.evidence.mapping import PRESETS

    for preset in PRESETS.values():
        assert [date_format_problem(f) for f in preset.date_formats] == [None] * len(
            preset.date_formats
        )
    assert date_format_problem("%Y-%m-%d %H:%M:%S.%f %%") is None
    assert date_format_problem("%Y-%m-%d %") is not None
