"""`workbench backtest` through typer's runner: the report, --json, --compare, evidence.toml."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from workbench.cli import app
from workbench.core.domain.templates import from_template
from workbench.core.evidence.sample import sample_data, write_sample
from workbench.core.files import store


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    leads, activities = sample_data(1200, seed=9)
    return write_sample(tmp_path_factory.mktemp("data"), leads, activities, "csv")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    defs = tmp_path / "definitions"
    store.create(from_template("acme", "1m-3m", date(2025, 1, 1)), defs)
    return defs


def draft(folder: Path) -> Path:
    return folder / "acme" / "v1.toml"


def test_the_report_names_the_numbers_the_workshop_asks_for(
    folder: Path, history: tuple[Path, Path]
) -> None:
    leads, activities = history
    result = cli("backtest", draft(folder), "--leads", leads, "--activities", activities)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for expected in (
        "MQLs per month",
        "per month over",
        "Expected acceptance:",
        "MQL to opportunity:",
        "False negatives:",
        "Top rejection reasons",
    ):
        assert expected in out
    assert "Traceback" not in result.output


def test_json_is_for_scripts_and_agrees_with_the_text(
    folder: Path, history: tuple[Path, Path]
) -> None:
    leads, activities = history
    text = cli("backtest", draft(folder), "--leads", leads, "--activities", activities).stdout
    result = cli("backtest", draft(folder), "--leads", leads, "--activities", activities, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["events"] > 0
    assert f"MQLs: {data['events']} from {data['leads_passed']} leads" in text
    assert data["skipped_rows"] == {"leads": 0, "activities": 0}
    assert {"monthly", "acceptance", "false_negatives", "rejection_reasons", "advice"} <= set(data)


def test_compare_says_what_adopting_the_draft_changes(
    folder: Path, history: tuple[Path, Path], tmp_path: Path
) -> None:
    leads, activities = history
    other = tmp_path / "other" / "x" / "v1.toml"
    store.create(from_template("x", "3m-10m", date(2025, 1, 1)), tmp_path / "other")
    result = cli(
        "backtest", draft(folder), "--compare", other, "--leads", leads, "--activities", activities
    )
    assert result.exit_code == 0, result.output
    assert "Adopting the second one" in result.stdout
    assert "MQLs per month" in result.stdout
    data = json.loads(
        cli(
            "backtest",
            draft(folder),
            "--compare",
            other,
            "--leads",
            leads,
            "--activities",
            activities,
            "--json",
        ).stdout
    )
    # The looser 1m-3m draft passes more leads than the 3m-10m definition it replaces.
    assert data["change"]["leads_gained"] > 0
    assert data["after"]["events"] > data["before"]["events"]


def test_remember_writes_evidence_toml_and_later_runs_need_no_flags(
    folder: Path, history: tuple[Path, Path]
) -> None:
    leads, activities = history
    first = cli(
        "backtest", draft(folder), "--leads", leads, "--activities", activities, "--remember"
    )
    assert first.exit_code == 0, first.output
    assert (folder / "evidence.toml").is_file()
    again = cli("backtest", draft(folder))
    assert again.exit_code == 0, again.output
    assert again.stdout == first.stdout


def test_no_data_is_one_clear_error(folder: Path) -> None:
    result = cli("backtest", draft(folder))
    assert result.exit_code == 2
    assert "no lead history" in result.stderr and "evidence.toml" in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_file_is_named(folder: Path, tmp_path: Path, history: tuple[Path, Path]) -> None:
    result = cli(
        "backtest", draft(folder), "--leads", tmp_path / "nope.csv", "--activities", history[1]
    )
    assert result.exit_code == 2
    assert "nope.csv" in result.stderr and "no such file" in result.stderr


def test_bad_rows_are_reported_not_fatal(folder: Path, tmp_path: Path) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text(
        "lead_id,created_at,employees,seniority\n"
        "A,2025-01-01,200,director\n"
        "B,not a date,200,director\n"
    )
    activities = tmp_path / "activities.csv"
    activities.write_text(
        "lead_id,kind,at\nA,demo_request,2025-01-02T10:00:00Z\nA,dance,2025-01-03\n"
    )
    result = cli("backtest", draft(folder), "--leads", leads, "--activities", activities)
    assert result.exit_code == 0, result.output
    assert "MQLs: 1 from 1 leads" in result.stdout
    assert "line 3" in result.stderr and "left out" in result.stderr


def test_no_usable_rows_is_an_error_not_a_finding(folder: Path, tmp_path: Path) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text("lead_id,created_at\nA,2025-01-01\n")
    activities = tmp_path / "activities.csv"
    activities.write_text("lead_id,kind,at\nZZZ,blog_visit,2025-01-02\n")
    result = cli("backtest", draft(folder), "--leads", leads, "--activities", activities)
    assert result.exit_code == 2
    assert "none of the 1 activities rows could be used" in result.stderr
    assert "not in the leads table" in result.stderr
    assert "False negatives" not in result.stdout


def test_a_remembered_mapping_file_is_found_again(
    folder: Path, history: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    leads, activities = history
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "crm.toml").write_text('[leads]\nlead_id = "lead_id"\n')
    monkeypatch.chdir(tmp_path)
    first = cli(
        "backtest",
        draft(folder),
        "--leads",
        leads,
        "--activities",
        activities,
        "--mapping",
        "maps/crm.toml",
        "--remember",
    )
    assert first.exit_code == 0, first.output
    assert 'mapping = "../maps/crm.toml"' in (folder / "evidence.toml").read_text()
    again = cli("backtest", draft(folder))
    assert again.exit_code == 0, again.output
    # Remembering the same files again leaves the file (and any comments in it) alone.
    (folder / "evidence.toml").write_text(
        "# ours\n" + (folder / "evidence.toml").read_text(), encoding="utf-8"
    )
    same = cli("backtest", draft(folder), "--remember")
    assert "left as it is" in same.stderr
    assert (folder / "evidence.toml").read_text().startswith("# ours")


def test_an_altered_signed_file_is_flagged_and_exits_one(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from workbench.core.services.signoff import sign

    folder = tmp_path / "defs"
    path = store.create(from_template("acme", "1m-3m", date(2025, 1, 1)), folder)
    sign(
        store.load_definition(path),
        ("Dana Reyes", "VP Marketing"),
        ("Sam Okafor", "VP Sales"),
        date(2025, 6, 30),
        datetime(2025, 1, 2, 10, 0, tzinfo=UTC),
    )
    text = path.read_text()
    path.write_text(text.replace("resubmit_after_days = 90", "resubmit_after_days = 30"))
    leads, activities = history
    result = cli("backtest", path, "--leads", leads, "--activities", activities)
    assert result.exit_code == 1
    assert "altered after signing" in result.stderr
    assert result.stdout.startswith("ALTERED AFTER SIGNING")


def test_every_row_problem_is_in_the_json_and_the_problems_file(
    folder: Path, history: tuple[Path, Path], tmp_path: Path
) -> None:
    # 300 unreadable sizes come first; the duplicate after them is still named by its line.
    leads, activities = history
    header, *rows = leads.read_text().splitlines()
    employees = header.split(",").index("employees")
    for n in range(300):
        cells = rows[n].split(",")
        if len(cells) == len(header.split(",")):  # a row without a comma inside a quoted title
            cells[employees] = "lots"
            rows[n] = ",".join(cells)
    lots = sum(",lots," in row for row in rows)
    rows.append(rows[500])  # line len(rows) + 1: a duplicate
    duplicate_line = len(rows) + 1
    messy = tmp_path / "leads.csv"
    messy.write_text("\n".join([header, *rows]) + "\n")
    out = tmp_path / "problems.csv"
    result = cli(
        "backtest", draft(folder), "--leads", messy, "--activities", activities, "--json",
        "--problems", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["read_as"]["leads"] == {
        "encoding": "utf-8",
        "delimiter": ",",
        "byte_order_mark": False,
    }
    listed = payload["row_problems"]
    assert len(listed) == lots + 1
    assert [p for p in listed if not p["row_kept"]] == [
        {
            "table": "leads",
            "file": str(messy),
            "line": duplicate_line,
            "column": "lead_id",
            "value": rows[500].split(",")[0],
            "cause": f"lead_id {rows[500].split(',')[0]!r} appears again (first at line 502)",
            "kind": "duplicate lead_id",
            "row_kept": False,
        }
    ]
    assert f"line {duplicate_line}: lead_id" in result.stderr  # the summary names it too
    with out.open(newline="") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == lots + 1
    assert written[0].keys() == {"file", "line", "column", "value", "cause"}
    assert {(w["column"], w["value"]) for w in written[:-1]} == {("employees", "lots")}
    assert written[-1]["line"] == str(duplicate_line)


def test_an_unwritable_problems_file_is_bad_input(
    folder: Path, history: tuple[Path, Path], tmp_path: Path
) -> None:
    leads, activities = history
    out = tmp_path / "no-such-folder" / "problems.csv"
    result = cli(
        "backtest", draft(folder), "--leads", leads, "--activities", activities, "--problems", out
    )
    assert result.exit_code == 2
    assert "its folder does not exist" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("seed", [3, 8])
def test_a_gate_whose_regions_the_history_never_writes_is_warned_with_lines_to_paste(
    seed: int, tmp_path: Path
) -> None:
    from tests.test_map import countries_export

    defs = tmp_path / "definitions"
    store.create(from_template("acme", "3m-10m", date(2025, 1, 1)), defs)  # lists regions
    leads, activities = countries_export(tmp_path, seed)
    args: list[str | Path] = ["backtest", draft(defs), "--leads", leads, "--activities", activities]
    result = cli(*args, "--mapping", "hubspot")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "fit.regions lists north-america, europe, but 0 of the" in out
    assert "fit.industries lists software, but 0 of the" in out
    assert '    "United States" = "north-america"  # guess:' in out or (
        '    US = "north-america"  # guess:' in out
    )
    # The lines, pasted as printed, make the gate read the history: no warning any more.
    start = out.index("do not meet")
    pasted = [
        line[4:]
        for line in out[start:].split("\n\n")[0].splitlines()
        if line.startswith("    ") and not line.startswith("    #")
    ]
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('preset = "hubspot"\n' + "\n".join(pasted) + "\n", encoding="utf-8")
    again = cli(*args, "--mapping", mapping, "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["gate_values"] == []


def test_a_history_in_the_gate_s_words_is_not_warned(
    tmp_path: Path, history: tuple[Path, Path]
) -> None:
    defs = tmp_path / "definitions"
    store.create(from_template("acme", "3m-10m", date(2025, 1, 1)), defs)  # lists regions
    leads, activities = history
    result = cli("backtest", draft(defs), "--leads", leads, "--activities", activities)
    assert result.exit_code == 0, result.output
    assert "do not meet" not in result.stdout


def test_evidence_paths_are_said_without_dot_dot(tmp_path: Path) -> None:
    """`leads = "../data/leads.csv"` beside the definitions was said as
    "definitions/../data/leads.csv" in every message; where a folder on the way is a link,
    folding the ".." would name another file, so the joined path stays."""
    import os

    from workbench.core.evidence.settings import load_source

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "leads.csv").write_text("lead_id,created_at\n")
    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / "evidence.toml").write_text(
        'leads = "../data/leads.csv"\nactivities = "../data/activities.csv"\n'
    )
    source = load_source(folder)
    assert source is not None
    assert source.leads == tmp_path / "data" / "leads.csv"
    assert ".." not in source.activities.parts
    # definitions as a link into another folder: its ".." is that folder's parent
    elsewhere = tmp_path / "elsewhere" / "defs"
    elsewhere.mkdir(parents=True)
    (elsewhere / "evidence.toml").write_text(
        'leads = "../data/leads.csv"\nactivities = "../data/activities.csv"\n'
    )
    link = tmp_path / "linked"
    os.symlink(elsewhere, link)
    source = load_source(link)
    assert source is not None
    assert source.leads.resolve() == (tmp_path / "elsewhere" / "data" / "leads.csv")
