"""`workbench backtest` on the lead history a CRM really exports: "never" dates and a mapping
with a mistake in it. One clear message or a counted problem, never a traceback (issue 11)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli_steps import one_error, run
from workbench.core.domain.templates import from_template
from workbench.core.evidence.load import load_evidence, load_leads
from workbench.core.evidence.mapping import date_format_problem, load_mapping
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


# --- exports as CRMs write them (issue 18): generated, with variations ----------------------


@dataclass
class Export:
    """A generated CRM export: the two files' text and what a correct load keeps of them."""

    leads: str
    activities: str
    lead_ids: list[str]  # every lead that can be read, in file order
    left_out: dict[int, str]  # line -> the cause of a lead row left out
    mapped_activities: int  # activities of a mapped kind, of leads that are read
    unmapped_activities: int  # of a kind nobody mapped
    orphans: int  # mapped activities of the malformed lead


def _quote(cell: str, delimiter: str) -> str:
    if any(c in cell for c in (delimiter, '"', "\r", "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def hubspot_export(seed: int, leads: int = 2000) -> Export:
    """HubSpot's headers, CRLF, a multi-line note-like title now and then, dates with and
    without a time, counts as people write them, internal lifecycle and status values, one
    duplicated row, one row with two extra cells and one activity type nobody mapped."""
    rng = random.Random(seed)
    header = [
        "Record ID", "Create Date", "Job Title", "Email", "Company Name", "Number of Employees",
        "Industry", "Lifecycle Stage", "Lead Status", "Became a Marketing Qualified Lead Date",
        "Favourite Colour",
    ]  # fmt: skip
    titles = ["VP Marketing", "Head of Growth, EMEA", "CEO", "Senior\r\nEngineer", 'The "Boss"']
    sizes = ["1,000", "3.200", "250", "51-200", "", "lots", "10,000+"]
    stages = ["Lead", "salesqualifiedlead", "customer", "marketingqualifiedlead", ""]
    statuses = ["IN_PROGRESS", "New", "Unqualified", "", "BAD_TIMING"]
    kinds = ["Demo Request", "Webinar Attended", "pricing_page_view", "Form submission: Demo"]
    ids = [str(100000 + n) for n in range(leads)]
    malformed = rng.randrange(10, leads - 10)
    duplicate_of = rng.randrange(0, leads - 20)
    duplicate_at = rng.randrange(duplicate_of + 1, leads)
    rows: list[tuple[list[str], str]] = []  # cells, cause when left out
    for n, lead_id in enumerate(ids):
        day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        created = day if rng.random() < 0.3 else f"{day} {rng.randint(0, 23):02d}:15"
        mql = rng.choice(["", f"{day} 18:00", "not yet"])
        cells = [
            lead_id, created, rng.choice(titles), f"p{n}@x{n % 7}.com", f"Co {n % 97}",
            rng.choice(sizes), rng.choice(["software", "agency", ""]), rng.choice(stages),
            rng.choice(statuses), mql, "blue",
        ]  # fmt: skip
        if n == malformed:
            rows.append(([*cells, "extra", "cells"], "unreadable line"))
        else:
            rows.append((cells, ""))
        if n == duplicate_at:
            rows.append((list(rows[duplicate_of][0]), "duplicate lead_id"))
    lines, left_out, line = [",".join(header)], {}, 2
    for cells, cause in rows:
        text = ",".join(_quote(c, ",") for c in cells)
        if cause:
            left_out[line] = cause
        lines.append(text)
        line += 1 + text.count("\r\n")
    activities = ["Record ID,Activity Type,Activity Date"]
    mapped = unmapped = orphans = 0
    for n, lead_id in enumerate(ids):
        for _ in range(rng.randint(0, 6)):
            unmapped_kind = rng.random() < 0.1
            kind = "Custom Event 42" if unmapped_kind else rng.choice(kinds)
            activities.append(f"{lead_id},{kind},2025-06-{rng.randint(1, 28):02d} 10:00")
            if unmapped_kind:
                unmapped += 1
            elif n == malformed:
                orphans += 1
            else:
                mapped += 1
    return Export(
        "\ufeff" + "\r\n".join(lines) + "\r\n",
        "\ufeff" + "\r\n".join(activities) + "\r\n",
        [i for n, i in enumerate(ids) if n != malformed],
        left_out,
        mapped,
        unmapped,
        orphans,
    )


HUBSPOT_MAPPING = 'preset = "hubspot"\n\n[values.kind]\n"Form submission: Demo" = "demo_request"\n'


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_hubspot_export_keeps_every_well_formed_lead(tmp_path: Path, seed: int) -> None:
    export = hubspot_export(seed)
    leads, activities = tmp_path / "contacts.csv", tmp_path / "activities.csv"
    leads.write_bytes(export.leads.encode("utf-8"))
    activities.write_bytes(export.activities.encode("utf-8"))
    mapping_path = tmp_path / "mapping.toml"
    mapping_path.write_text(HUBSPOT_MAPPING)
    evidence = load_evidence(leads, activities, load_mapping(mapping_path))
    report = evidence.problems.leads
    assert (report.rows_read, report.rows_loaded) == (2001, 1999), report.lines()
    assert [lead.lead_id for lead in evidence.leads] == export.lead_ids
    assert {p.number: p.kind for p in report.all if not p.kept} == export.left_out
    shown = "\n".join(report.lines())
    for line in export.left_out:
        assert f"line {line}: " in shown  # both named by line in the summary
    assert "the file's columns not used: 'Favourite Colour'" in shown
    assert "utf-8 with a byte-order mark (detected), ',' between cells" in shown
    # Optional cells that do not read are emptied, their leads kept and counted per column.
    assert report.emptied_columns["employees"] > 0 and report.emptied_columns["mql_at"] > 0
    assert all(p.kept for p in report.all if p.column == "employees")
    acts = evidence.problems.activities
    assert acts.rows_loaded == export.mapped_activities == len(evidence.activities)
    assert acts.reasons == {
        "bad kind": export.unmapped_activities,
        "unknown lead_id": export.orphans,
    }


def salesforce_export(seed: int, leads: int = 300) -> tuple[str, str, list[str]]:
    """Salesforce's headers written the European way: semicolons, Windows-1252, day-first
    dates, CRLF, semicolons and line breaks inside quoted cells."""
    rng = random.Random(seed)
    header = "Lead ID;Created Date;Title;Company;No. of Employees;Country;Lead Status"
    titles = ["Geschäftsführer", "Directeur Général", "Jefe de Ventas; Iberia", "Ünternehmer\r\n€"]
    rows, ids = [header], []
    for n in range(leads):
        lead_id = f"00Q{n:06d}"
        ids.append(lead_id)
        day = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2025"
        created = day if rng.random() < 0.5 else f"{day} {rng.randint(0, 23):02d}:30"
        cells = [
            lead_id, created, rng.choice(titles), f"Société {n}", rng.choice(["1.200", "45", ""]),
            rng.choice(["Deutschland", "España", "France"]), "Open - Not Contacted",
        ]  # fmt: skip
        rows.append(";".join(_quote(c, ";") for c in cells))
    activities = ["Lead ID;Type;Activity Date"]
    for lead_id in ids:
        activities.append(f"{lead_id};Webinar Attended;{rng.randint(1, 28):02d}.06.2025 09:00")
    return "\r\n".join(rows) + "\r\n", "\r\n".join(activities) + "\r\n", ids


@pytest.mark.parametrize("given", [False, True])
@pytest.mark.parametrize("seed", [1, 2])
def test_a_european_salesforce_export_loads_with_nothing_lost(
    tmp_path: Path, seed: int, given: bool
) -> None:
    lead_text, activity_text, ids = salesforce_export(seed)
    leads, activities = tmp_path / "leads.csv", tmp_path / "activities.csv"
    leads.write_bytes(lead_text.encode("cp1252"))
    activities.write_bytes(activity_text.encode("cp1252"))
    mapping_path = tmp_path / "mapping.toml"
    file_keys = 'encoding = "cp1252"\ndelimiter = ";"\n' if given else ""
    mapping_path.write_text(
        f'preset = "salesforce"\n{file_keys}date_formats = ["%d.%m.%Y %H:%M", "%d.%m.%Y"]\n'
    )
    evidence = load_evidence(leads, activities, load_mapping(mapping_path))
    assert evidence.problems.skipped == 0, evidence.problems.lines()
    assert [lead.lead_id for lead in evidence.leads] == ids
    assert len(evidence.activities) == len(ids)
    titles = {lead.title for lead in evidence.leads}
    assert titles <= {
        "Geschäftsführer",
        "Directeur Général",
        "Jefe de Ventas; Iberia",
        "Ünternehmer\r\n€",
    }
    assert (
        "Ünternehmer\r\n€" in titles and "Geschäftsführer" in titles
    )  # € is cp1252's, not latin-1's
    assert all(lead.created_at.year == 2025 for lead in evidence.leads)
    how = "the mapping's" if given else "detected"
    assert evidence.problems.leads.read_as == (
        f"read as windows-1252 ({how}), ';' between cells ({how})"
    )


def test_a_latin1_export_with_a_problem_is_named_by_its_line(tmp_path: Path) -> None:
    text = (
        "lead_id;created_at;title\r\n"
        'L1;2025-01-01;"Directeur\r\nGénéral"\r\n'  # lines 2-3
        "L2;2025-01-02;Ingénieur;x\r\n"  # line 4: a cell too many
        "L1;2025-01-03;Chef\r\n"  # line 5: duplicate
    )
    leads = tmp_path / "leads.csv"
    leads.write_bytes(text.encode("latin-1"))
    rows, report = load_leads(leads)
    assert [r.title for r in rows] == ["Directeur\r\nGénéral"]
    assert [(p.where, p.kind) for p in report.all] == [
        ("line 4", "unreadable line"),
        ("line 5", "duplicate lead_id"),
    ]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("encoding", '"klingon"', "unknown encoding 'klingon'"),
        ("encoding", '"rot13"', "not a text encoding"),
        ("encoding", "8", "expected the name of an encoding"),
        ("delimiter", '";;"', "expected one character between cells"),
        ("delimiter", '"a"', "expected one character between cells"),
        ("delimiter", '"\\""', "expected one character between cells"),
    ],
)
def test_a_bad_encoding_or_delimiter_in_the_mapping_is_one_located_message(
    runner: CliRunner, draft: Path, tmp_path: Path, key: str, value: str, expected: str
) -> None:
    leads, activities = files(tmp_path, "2025-02-04T10:00:00Z")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(f'preset = "hubspot"\n{key} = {value}\n')
    result = run(
        runner, "backtest", draft, "--leads", leads, "--activities", activities, "-m", mapping
    )
    line = one_error(result, 2, expected)
    assert f"{mapping}:2" in line and key in line
