"""Loading CSV and Parquet into the canonical tables, and what happens to bad data."""

from __future__ import annotations

import csv
import io
import random
import re
import struct
from collections import Counter
from collections.abc import Sequence
from dataclasses import MISSING, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from workbench.core.domain.errors import InputError
from workbench.core.evidence import load, numbers
from workbench.core.evidence.csvfile import CsvFormat, detect, utf8_copy
from workbench.core.evidence.load import (
    Problems,
    RowProblem,
    TableReport,
    customer_by_own_win,
    fast_sql,
    fetch_activities,
    fetch_leads,
    load_activities,
    load_evidence,
    load_leads,
    load_to_duckdb,
    read_cell,
)
from workbench.core.evidence.mapping import (
    CANONICAL,
    HUBSPOT,
    SALESFORCE,
    Mapping,
    infer_seniority,
    load_mapping,
)
from workbench.core.evidence.sample import activities_csv, leads_csv, sample_data, write_sample
from workbench.core.evidence.tables import (
    ACTIVITY_COLUMN_NAMES,
    ACTIVITY_COLUMNS,
    LEAD_COLUMN_NAMES,
    LEAD_COLUMNS,
    ActivityRow,
    Column,
    LeadRow,
    loaded_type,
    sql_columns,
    sql_type,
)

LEADS_HEADER = "lead_id,created_at,title,employees,industry\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def loaded(
    tmp_path: Path, leads: str, activities: str
) -> tuple[duckdb.DuckDBPyConnection, Problems]:
    """Both files written from text and loaded: the connection and the report."""
    con = duckdb.connect()
    problems = load_to_duckdb(
        con,
        write(tmp_path / "leads.csv", leads),
        write(tmp_path / "activities.csv", activities),
        CANONICAL,
    )
    return con, problems


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_sample_data_round_trips(fmt: str, tmp_path: Path) -> None:
    leads, activities = sample_data(150, seed=11)
    leads_path, activities_path = write_sample(tmp_path, leads, activities, fmt)  # type: ignore[arg-type]
    evidence = load_evidence(leads_path, activities_path)
    assert evidence.problems.skipped == 0, evidence.problems.lines()
    assert evidence.activities == tuple(activities)
    assert len(evidence.leads) == len(leads)
    inferred = 0
    for loaded, original in zip(evidence.leads, leads, strict=True):
        if original.seniority is None:
            inferred += loaded.seniority is not None
            assert loaded.seniority == infer_seniority(original.title)
            loaded = replace(loaded, seniority=None)
        assert loaded == original
    assert inferred > 0
    assert any("seniority inferred" in note for note in evidence.problems.leads.notes)


def test_a_missing_required_column_names_the_mapping_line(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", "id,created_at,title\n1,2025-01-01,CEO\n")
    with pytest.raises(InputError) as caught:
        load_leads(path)
    text = str(caught.value)
    assert "no lead_id column" in text
    assert '[leads] lead_id = "<your header>"' in text
    assert "'id'" in text  # the file's own headers are listed
    assert "created_at" not in text.split("no lead_id column")[0]


def test_a_missing_preset_header_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", "Contact ID,Create Date\n1,2025-01-01\n")
    with pytest.raises(InputError) as caught:
        load_leads(path, HUBSPOT)
    assert "no header 'Record ID' or 'lead_id'" in str(caught.value)
    assert "[leads] lead_id = " in str(caught.value)


def test_every_missing_activity_column_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path / "activities.csv", "lead_id,when\n1,2025-01-01\n")
    with pytest.raises(InputError) as caught:
        load_activities(path)
    assert len(caught.value.problems) == 2
    assert "[activities] kind = " in str(caught.value)
    assert "[activities] at = " in str(caught.value)


def test_bad_rows_are_counted_and_the_first_few_shown(tmp_path: Path) -> None:
    rows = [
        "L1,2025-01-01,CEO,200,software",  # line 2: fine
        "L2,2025-13-45,CEO,200,software",  # line 3: bad date
        "L3,2025-01-02,CEO,fifty,software",  # line 4: non-numeric size: emptied, kept
        "L4,2025-01-03,CEO,200,software,x",  # line 5: too many fields
        "L1,2025-01-04,CEO,200,software",  # line 6: duplicate id
        "L5,,CEO,200,software",  # line 7: required, empty
        "L6,2025-01-05,CEO,-3,software",  # line 8: negative size: emptied, kept
        "L7,2025-01-06,,,",  # line 9: fine, optional cells empty
        "L8,yesterday,CEO,1,software",  # line 10: bad date
        "L9,2025-01-07T10:00:00+02:00,CEO,51-200,software",  # line 11: fine, a size band
    ]
    path = write(tmp_path / "leads.csv", LEADS_HEADER + "\n".join(rows) + "\n")
    leads, report = load_leads(path)
    assert [lead.lead_id for lead in leads] == ["L1", "L3", "L6", "L7", "L9"]
    assert [lead.employees for lead in leads[1:3]] == [None, None]
    assert report.rows_read == 10 and report.rows_loaded == 5 and report.skipped == 5
    assert [p.where for p in report.first] == ["line 3", "line 5", "line 6", "line 7", "line 10"]
    assert report.emptied_columns == {"employees": 2}
    shown = "\n".join(report.lines())
    assert "5 left out" in shown
    assert "line 3: created_at '2025-13-45': no such date: there is no month 13" in shown
    assert "line 4: employees 'fifty': not a whole number; read as empty" in shown
    assert "line 5: expected 5 fields, found 6" in shown
    assert "line 6: lead_id 'L1' appears again (first at line 2)" in shown
    assert report.reasons["bad created_at"] == 3
    nine = leads[4]
    # A size band is read as its lower bound (what is known for sure), the text kept in the notes.
    assert nine.employees == 51 and nine.created_at.hour == 8
    assert "employees: 1 cell with a size range, read as its lower bound" in shown
    assert "'51-200' as 51" in shown


def test_an_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    empty = write(tmp_path / "leads.csv", "")
    with pytest.raises(InputError, match="is empty"):
        load_leads(empty)
    header_only = write(tmp_path / "activities.csv", "lead_id,kind,at\n")
    with pytest.raises(InputError, match="has a header but no activities rows"):
        load_activities(header_only)
    with pytest.raises(InputError, match="no such file"):
        load_leads(tmp_path / "missing.csv")


def test_unknown_activity_kinds_and_leads_are_counted(tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.csv", "lead_id,created_at\nL1,2025-01-01\n")
    activities = write(
        tmp_path / "activities.csv",
        "lead_id,kind,at\n"
        "L1,Demo Request,2025-01-02T09:00:00Z\n"
        "L1,webinar,2025-01-03\n"
        "L2,demo_request,2025-01-03\n"
        "L1,pricing_page_view,2025-01-04 10:30\n",
    )
    evidence = load_evidence(leads, activities)
    assert [a.kind for a in evidence.activities] == ["demo_request", "pricing_page_view"]
    report = evidence.problems.activities
    assert report.skipped == 2
    assert "line 3: kind 'webinar': expected one of demo_request" in str(report.first[0])
    assert "lead_id 'L2' is not in the leads table" in report.first[1].reason
    lead = evidence.leads[0]
    # An empty persona stays unknown (read as employee, but not set by hand): issue 17.
    assert lead.persona is None and lead.relationship == "prospect"
    assert lead.seniority is None and lead.engaged_contacts == 0
    person = lead.to_lead().person
    assert person.persona == "employee" and not person.persona_by_hand


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_the_loaded_kind_is_an_enum_that_reads_back_as_text(fmt: str, tmp_path: Path) -> None:
    leads, activities = sample_data(60, seed=4)
    leads_path, activities_path = write_sample(tmp_path, leads, activities, fmt)  # type: ignore[arg-type]
    con = duckdb.connect()
    load_to_duckdb(con, leads_path, activities_path, CANONICAL)
    row = con.execute("SELECT DISTINCT typeof(kind) FROM activities").fetchall()
    assert row == [(loaded_type(ACTIVITY_COLUMNS[1]),)] and row[0][0].startswith("ENUM(")
    # Every choice column of the leads too, each of its own choices.
    for column in LEAD_COLUMNS:
        if column.type == "choice":
            typed = con.execute(f'SELECT typeof("{column.name}") FROM leads LIMIT 1').fetchone()
            assert typed == (loaded_type(column),) and str(typed[0]).startswith("ENUM(")
    # Text in, text out; a kind it does not hold (or no kind at all) is simply unequal.
    kinds = [kind for (kind,) in con.execute("SELECT kind FROM activities").fetchall()]
    assert kinds == [a.kind for a in activities] and all(type(k) is str for k in kinds)
    demos = sum(a.kind == "demo_request" for a in activities)
    assert demos > 0
    assert con.execute(
        "SELECT count(*) FILTER (WHERE kind = 'webinar'), count(*) FILTER (WHERE kind IN "
        "('demo_request', 'not a kind')), count(*) FILTER (WHERE kind || '' = 'demo_request') "
        "FROM activities"
    ).fetchone() == (0, demos, demos)


def test_not_a_parquet_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "leads.parquet"
    path.write_bytes(b"PAR1 this is not really parquet")
    with pytest.raises(InputError, match="cannot read as Parquet"):
        load_leads(path)


def test_a_binary_file_is_said_in_words_not_duckdbs(tmp_path: Path) -> None:
    """Random bytes as leads.csv gave 'Invalid Input Error: Error when sniffing file
    "/tmp/workbench-pgeqggcw.csv"': the engine's words and a temporary file's path."""
    import random

    path = tmp_path / "leads.csv"
    path.write_bytes(random.Random(7).randbytes(3000))
    with pytest.raises(InputError) as raised:
        load_leads(path)
    text = str(raised.value)
    assert "cannot read as CSV: no header line and columns were found" in text, text
    assert "Error:" not in text and "workbench-" not in text and str(path) in text
    parquet = tmp_path / "leads.parquet"
    parquet.write_bytes(random.Random(7).randbytes(3000))
    with pytest.raises(InputError, match="it is not a Parquet file"):
        load_leads(parquet)


def test_excel_style_exports_load(tmp_path: Path) -> None:
    # A byte-order mark, CRLF line ends, semicolons and quoted headers, as spreadsheets write.
    path = tmp_path / "leads.csv"
    path.write_bytes(
        b'\xef\xbb\xbf"Record ID";"Create Date";"Job Title";"Number of Employees"\r\n'
        b"7;2025-02-03 14:05;Head of Sales;1,200\r\n"
    )
    (lead,), report = load_leads(path, HUBSPOT)
    assert report.skipped == 0
    assert (lead.lead_id, lead.employees, lead.seniority) == ("7", 1200, "director")
    assert lead.created_at.isoformat() == "2025-02-03T14:05:00+00:00"


# --- load_to_duckdb: the same rules, done in DuckDB --------------------------------------------
#
# The reference below is the loader as it was before the work moved into DuckDB: every cell of
# every row through the Python rules, row by row. `load_to_duckdb` must give the same tables and
# the same reports; its SQL fast paths must never read a cell differently from the Python rules.


class _Skip(Exception):
    def __init__(self, kind: str, reason: str, column: str, value: str | None) -> None:
        super().__init__(reason)
        self.kind, self.reason, self.column, self.value = kind, reason, column, value


def _reference_raw(
    path: Path,
) -> tuple[
    list[str], list[tuple[str | None, ...]], list[int], dict[int, str], dict[int, list[str]]
]:
    """The file as text rows, each row's line (CSV) or row number, the rejected lines, and
    the cells of each rejected line as Python's csv reads them."""
    con = duckdb.connect()
    try:
        if path.suffix == ".parquet":
            result = con.execute(
                "SELECT CAST(COLUMNS(*) AS VARCHAR) FROM read_parquet(?)", [str(path)]
            )
        else:
            result = con.execute(
                "SELECT * FROM read_csv(?, header = true, all_varchar = true, store_rejects = true)",
                [str(path)],
            )
        headers = [str(d[0]) for d in result.description or ()]
        rows = [tuple(r) for r in result.fetchall()]
        if path.suffix == ".parquet":
            return headers, rows, list(range(1, len(rows) + 1)), {}, {}
        bad: dict[int, str] = {}
        for line, message in con.execute(
            "SELECT line, error_message FROM reject_errors ORDER BY line"
        ).fetchall():
            bad.setdefault(int(line), load._reject_reason(str(message)))
    finally:
        con.close()
    # DuckDB numbers records; a person reads lines. The files here are written by Python's
    # csv module, so its reading says on which line each record starts.
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        starts = [1]
        records: list[list[str]] = [[]]  # each record's cells, by record number (the header is 1)
        for cells in reader:
            starts.append(reader.line_num + 1)
            records.append(cells)
    widths = [len(cells) for cells in records]
    for record, why in bad.items():  # a too-wide record says how many cells it has
        wide = re.fullmatch(r"expected (\d+) fields, found more than \d+", why)
        if wide:
            bad[record] = f"expected {wide.group(1)} fields, found {widths[record]}"
    # A record of two or more cells but fewer than the header is read with the rest empty.
    short = {
        record: records[record]
        for record, why in bad.items()
        if (found := re.fullmatch(r"expected (\d+) fields, found (\d+)", why))
        and 2 <= int(found.group(2)) < int(found.group(1))
    }
    if short:
        bad = {record: why for record, why in bad.items() if record not in short}
    read = iter(rows)
    total = len(rows) + len(short)
    padded: list[tuple[str | None, ...]] = []
    positions = []
    record = 1
    while len(padded) < total:
        record += 1
        if record in bad:
            continue
        if record in short:
            padded_cells: list[str | None] = [c if c != "" else None for c in short[record]]
            padded.append(tuple(padded_cells) + (None,) * (len(headers) - len(padded_cells)))
        else:
            padded.append(next(read))
        positions.append(starts[record - 1])
    rows = padded
    REFERENCE_SHORT[path] = [starts[record - 1] for record in sorted(short)]
    return (
        headers,
        rows,
        positions,
        {starts[record - 1]: why for record, why in bad.items()},
        {starts[record - 1]: records[record] for record in bad},
    )


REFERENCE_SHORT: dict[Path, list[int]] = {}  # the lines of each file's short rows, read padded


def reference_number_notes(
    rows: Sequence[Sequence[str | None]],
    index: dict[str, int],
    columns: tuple[Column, ...],
    mapping: Mapping,
) -> tuple[Mapping, list[str]]:
    """Size ranges and ambiguous amounts, read row by row: what the summary says of them, and
    the decimal mark the rest of an amount column decides when the mapping has none."""
    notes = []
    for column in columns:
        if column.type not in ("int", "float") or column.name not in index:
            continue
        cells = [c for row in rows if (c := row[index[column.name]]) is not None]
        counts: dict[str, int] = {}
        for cell in cells:
            counts[cell] = counts.get(cell, 0) + 1
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))

        def many(n: int) -> str:
            return "1 cell" if n == 1 else f"{n} cells"

        if column.type == "int":
            ranges = [
                (t, n)
                for t, n in ordered
                if t.strip() and numbers.is_range(t) and read_cell(column, t, mapping)[0] == "ok"
            ]
            if ranges:
                shown = ", ".join(
                    f"{t.strip()!r} as {numbers.parse_count(t)}" for t, _ in ranges[:3]
                )
                notes.append(
                    f"{column.name}: {many(sum(n for _, n in ranges))} with a size range, read "
                    f"as its lower bound (what is known for sure): {shown}"
                )
            dotted = [
                (t, n)
                for t, n in ordered
                if "." in t and numbers.is_ambiguous(t) and read_cell(column, t, mapping)[0] == "ok"
            ]
            if dotted:
                first = dotted[0][0].strip()
                notes.append(
                    f"{column.name}: {many(sum(n for _, n in dotted))} like {first!r} read as "
                    f"{numbers.parse_count(first)}: in a count, '.' groups thousands"
                )
            continue
        ambiguous = [(t, n) for t, n in ordered if numbers.is_ambiguous(t)]
        if not ambiguous:
            continue
        first = ambiguous[0][0].strip()
        cells_text = many(sum(n for _, n in ambiguous))
        if mapping.decimal is not None:
            notes.append(
                f"{column.name}: {cells_text} like {first!r} read with {mapping.decimal!r} as "
                f"the decimal mark, as the mapping says ({first!r} is "
                f"{numbers.parse_amount(first, mapping.decimal):g})"
            )
            continue
        shown_by: dict[str, str] = {}
        for cell in sorted({c for c in cells if "." in c or "," in c}):
            mark = numbers.decimal_evidence(cell)
            if mark is not None:
                shown_by.setdefault(mark, cell.strip())
        if len(shown_by) == 1:
            ((mark, example),) = shown_by.items()
            mapping = replace(mapping, decimal=mark)
            notes.append(
                f"{column.name}: {cells_text} like {first!r} read with {mark!r} as the decimal "
                f"mark ({first!r} is {numbers.parse_amount(first, mark):g}), as the rest of "
                f'the column writes it ({example!r}); say otherwise in the mapping file: decimal = "."'
            )
        else:
            why = "writes both marks" if shown_by else "shows no decimal mark"
            notes.append(
                f"{column.name}: {cells_text} like {first!r} could be read with either decimal "
                f"mark, so not read (the rest of the column {why}); say which in the "
                f'mapping file: decimal = "," (or "."), or locale = "de-DE"'
            )
    return mapping, notes


def reference_load(
    path: Path,
    table: str,
    mapping: Mapping = CANONICAL,
    lead_ids: set[str] | None = None,
    dropped: dict[str, RowProblem] | None = None,
) -> tuple[list[Any], TableReport]:
    """The row-by-row loader: the rules exactly as they were before DuckDB did the work."""
    headers, rows, positions, rejected, rejected_cells = _reference_raw(path)
    columns = LEAD_COLUMNS if table == "leads" else ACTIVITY_COLUMNS
    index, notes = load._columns(headers, path, table, columns, mapping)

    def unreadable(line: int, why: str) -> None:
        report.skip(f"line {line}", why, "unreadable line")
        cells = rejected_cells[line]
        if table == "leads" and index["lead_id"] < len(cells) and cells[index["lead_id"]].strip():
            report.left_out_ids.setdefault(cells[index["lead_id"]].strip(), report.all[-1])

    times = [c for c in columns if c.type == "timestamp" and c.name in index]
    samples = [(c, [row[index[c.name]] for row in rows[: load.DATE_SAMPLE_ROWS]]) for c in times]
    mapping, dated, proved = load.date_readings(samples, mapping)
    mapping, readings = reference_number_notes(rows, index, columns, mapping)
    report = TableReport(
        table, path, rows_read=len(rows) + len(rejected), notes=[*notes, *dated, *readings]
    )
    report.date_order = proved
    short = REFERENCE_SHORT.pop(path, [])
    if short:
        report.notes.insert(0, load._Padded(short_read=short).notes()[0])
    parquet = path.suffix == ".parquet"
    pending = iter(sorted(rejected.items()))
    upcoming = next(pending, None)
    out: list[Any] = []
    seen: dict[str, str] = {}
    inferred = 0
    for row, position in zip(rows, positions, strict=True):
        where = f"row {position}" if parquet else f"line {position}"
        while upcoming is not None and upcoming[0] < position:
            unreadable(*upcoming)
            upcoming = next(pending, None)
        values: dict[str, Any] = {}
        emptied: list[tuple[str, str, str, str]] = []  # counted only if the row is kept
        try:
            for column in columns:
                i = index.get(column.name)
                raw = row[i] if i is not None else None
                if raw is None or not raw.strip():
                    if column.required:
                        raise _Skip(
                            f"bad {column.name}",
                            f"{column.name} {raw or ''!r}: required, but empty",
                            column.name,
                            raw,
                        )
                    continue
                try:
                    values[column.name] = load._cell(column, raw, mapping)
                except load._Bad as bad:
                    if column.required:
                        raise _Skip(bad.kind, str(bad), column.name, raw) from None
                    emptied.append((where, f"{bad}; read as empty", column.name, raw))
        except _Skip as skip:
            report.skip(where, skip.reason, skip.kind, skip.column, skip.value)
            if table == "leads" and "lead_id" in values:
                report.left_out_ids.setdefault(values["lead_id"], report.all[-1])
            continue
        lead_id = values["lead_id"]
        if table == "leads":
            if lead_id in seen:
                report.skip(
                    where,
                    f"lead_id {lead_id!r} appears again (first at {seen[lead_id]})",
                    "duplicate lead_id",
                    "lead_id",
                    lead_id,
                )
                continue
            seen[lead_id] = where
            if values.get("seniority") is None:
                guess = infer_seniority(values.get("title"))
                if guess is not None:
                    values["seniority"] = guess
                    inferred += 1
            out.append(LeadRow(**values))
            for event in emptied:
                report.empty(*event)
        else:
            if lead_ids is not None and lead_id not in lead_ids:
                left_out = (dropped or {}).get(lead_id)
                report.skip(
                    where,
                    f"lead_id {lead_id!r}: its lead row was left out at {left_out.where} of "
                    f"the leads file: {left_out.reason}"
                    if left_out
                    else f"lead_id {lead_id!r} is not in the leads table",
                    "unknown lead_id",
                    "lead_id",
                    lead_id,
                )
                continue
            out.append(ActivityRow(**values))
            for event in emptied:
                report.empty(*event)
    while upcoming is not None:
        unreadable(*upcoming)
        upcoming = next(pending, None)
    report.rows_loaded = len(out)
    if table == "leads" and {"relationship", "won_at"} <= set(index):
        won = [
            n
            for n, lead in enumerate(out)
            if customer_by_own_win(lead.relationship, lead.created_at, lead.won_at)
        ]
        for n in won:
            out[n] = replace(out[n], relationship="prospect")
        if won:
            leads_text = "1 lead" if len(won) == 1 else f"{len(won)} leads"
            report.notes.append(
                f"relationship: {leads_text} marked customer whose own deal was won after they "
                f"came in (won_at) read as prospects: the CRM marks a lead customer when its "
                f"deal is won, so it was a prospect until then"
            )
    if inferred:
        report.notes.append(f"seniority inferred from the job title for {inferred} leads")
    return out, report


def assert_same_report(got: TableReport, want: TableReport) -> None:
    assert got.lines() == want.lines()
    assert list(got.reasons.items()) == list(want.reasons.items())  # same order too
    assert (got.rows_read, got.rows_loaded, got.skipped) == (
        want.rows_read,
        want.rows_loaded,
        want.skipped,
    )
    assert got.first == want.first and got.notes == want.notes
    assert got.all == want.all  # every problem, with its column and value, in file order


# Cells that have tripped parsers: what DuckDB's casts accept and Python does not, and back.
TRICKY_TIMES = [
    "Tue Mar 04 2025 14:05:00 GMT+0100 (Central European Standard Time)",
    "Tue Mar 04 2025 14:05:00 GMT-0500", "Wed Mar 04 2025 14:05:00 GMT+0100",
    "Tue, 04 Mar 2025 13:05:00 GMT", "Tue, 4 Mar 2025 13:05 +0530", "Tue, 04 Mar 2025 13:05:00",
    "2025-01-31", "2025-1-1", "2025-01-31 14:05", "2025-01-31T14:05", "2025-01-31T14:05:00Z",
    "2025-01-31T14:05:00z", "2025-01-31 14:05:00+02:00", "2025-01-31T14:05:00-05:30",
    "2025-01-31T14:05:00+0200", "2025-01-31T14:05:00+02", "2025-01-31T14:05:00-00:00",
    "2025-01-31 24:00:00", "2025-02-30", "2024-02-29", "2025-02-29", "2025-04-31",
    "2025-01-31 14:05:00.1234567", "2025-01-31 14:05:00.5", "2025-01-31 14:05:00.123456Z",
    "2025-01-31T14:05:00.12+01:00", " 2025-01-31", "2025-01-31 ", "\t2025-01-31",
    "2025-01-31\n", "20250131", "2025-01-31T14", "2025-01-31 14:05:60", "2025-01-31 14:60",
    "0000-01-01", "0001-01-01", "0999-12-31", "1000-01-01", "10000-01-01", "9999-12-31",
    "9999-12-31T23:00:00-02:00", "0001-01-01T00:00:00+01:00", "1000-01-01T00:00:00+02:00",
    "2025-01-31  14:05:00", "2025-01-31 4:05:00", "2025-01-31  4:05:00", "2025-01-31\t14:05:00",
    "2025-01-31T14:05:00+24:00", "2025-01-31T14:05:00+23:59", "2025-01-31T14:05:00+01:60",
    "2025-01-31Z", "2025-01-31+02:00", "2025-W05-1", "2025-01-31T14:05:00,5",
    "\u0662\u0660\u0662\u0665-\u0660\u0661-\u0663\u0661", "２０２５-０１-３１", "yesterday",
    "infinity", "-infinity", "epoch", "1/5/2025", "01/05/2025 1:05 PM", "1/5/2025 12:05 am",
    "1/5/2025 12:05 PM", "1/5/2025 13:05 PM", "1/5/2025 0:05 AM", "12/31/69", "2025-13-45",
    "", "   ", "2025-01-31T14:05:00 Z", "+2025-01-31", "2025-01-31T14:05:00.Z",
    "2025-01-31 14:05:00 +02:00", "2025-01-31T14:05:00Z ", "2025-01-31T1:05:00Z",
    "2025-01-3lT14:05:00Z", "31.01.2025", "31.01.2025 14:05:00.123456", "31.1.2025",
    "2025-01-31 14:05", "2025-1-31 14:05", "2025-01-31 14:5", "2025-01-31  14:05",
    "3/5/2025 2:05 pm", "3/5/2025 2:05 p.m.", "03/05/2025 14:05", "3/5/25", "2025-01-31T14:05:00+02:00Z",
    "1740392100", "1740392100000", "1740392100.5", "1740392100.123456", "1740392100.1234567",
    "174039210", "17403921000", "174039210000", "17403921000000", " 1740392100", "1740392100 ",
    "1701121212345", "0000000000", "0000000000000", "9999999999", "9999999999999", "1000000000",
    "-1740392100", "+1740392100", "1740392100.", "1,740,392,100", "１７４０３９２１００",
    "1740392100000.5", "1740392100000.1234", "1.740392100e9",
]  # fmt: skip
TRICKY_COUNTS = [
    "0", "007", "1200", "1,200", "1,20", "12,345,678", "1,234,567,890,123", "51-200",
    "51 - 200", "51–200", "5 to 10", "10,001+", "10001+", " 12 ", "12 ", "1e3", "1.0", "1.5",
    "-3", "-0", "123456789012345", "1234567890123456", "12345678901234567890",
    "99999999999999999999999", "１２", "", "fifty", "0x10", "1_000", "+5", "1 200", "1.200",
    "9223372036854775807", "9223372036854775808", "1e30", "٣",
    "3.200", "5.000", "1.000.000", "1\u00a0000", "1\u202f000", "1'000", "1,001-5,000",
    "1.001-5.000", "10.000+", "200-51", "0,500", "0.500", "1.200,00", "1,200.00", "1.2.3",
    "12.34.567", "1,000.000", "1 0000", "5 000 000", "1,00,000",
]  # fmt: skip
TRICKY_AMOUNTS = [
    "1234.50", "1234.5", "-0", "0", "0.1", "0.30000000000000004", "1e5", "$1,200.00", "1 200",
    "nan", "inf", "-inf", ".5", "5.", "123456789012345.123456789012345", "123456789012345",
    "1234567890123456", "€99", "1_000", "+5", "00012.5", "-12.25", "", " 12.5 ", "12,5",
    "0.000000000000001", "999999999999999.9",
    "1.200", "1,200", "-1.200", "1.234,56", "1,234.56", "1.234.567", "0,5", "0.500", "999.999",
    "1 234,50", "€1.200", "1.200,5", "12,345", "1,2,3", "1.200.50",
    "USD 15,000.00", "15.000,00 EUR", "USD15000", "USD -15,000.00", "NAN", "USD", "usd 15",
    "ABCD 15", "15 USDX", "15 MIO", "TBD 2025", "MAX 100", "2,5 MIO",
]  # fmt: skip
TRICKY_TEXT = [
    "acme", " acme ", "acme\u3000", "\u00a0acme", "x\u0600 ", "é", "abc\u0301", "\x85a", "\x01a",
    "a\x01", "Ärzte GmbH", "a b", "\u2028a", "a\u200b", "\u200ba", "\t", "\u3000", "",
]  # fmt: skip
TRICKY_DOMAINS = [
    "acme.com", "https://www.Acme.com/about?x=1", "WWW.ACME.COM", "www.", "http://", "HTTP://x.io",
    " acme.com ", "ftp://x.y/z", "Ärzte.de", "ß.de", "a?b/c", "mailto:x@y", "1http://x.io",
    "www.www.acme.com", "acme.com/", "?", "/", "h-t+t.p://acme.com", "acme.com\u3000",
]  # fmt: skip
TRICKY_BOOLS = [
    "true",
    "TRUE",
    "True",
    "tRuE",
    "yes",
    "Y",
    "1",
    "0",
    "no",
    "N",
    "maybe",
    " true ",
    "",
    "t",
    "F",
]
TRICKY_CHOICES = [
    "demo_request", "Demo Request", "DEMO_REQUEST", "demo-request", "Demo-Request", "webinar",
    " demo_request ", "Demo  Request", "demo.request", "Customer", "customer", "Lead",
    "Evangelist", "Closed - Converted", "Unqualified", "accepted", "VP", "Manager",
    "Sr. Director", "c level", "C-Level", "nonsense", "Student", "job seeker", "", "partner",
]  # fmt: skip

MAPPINGS = {
    "canonical": CANONICAL,
    "hubspot": HUBSPOT,
    "salesforce": SALESFORCE,
    "custom": Mapping(date_formats=("%d.%m.%Y", "%d.%m.%Y %H:%M:%S.%f", "%m/%d/%y")),
    "unfollowable": Mapping(date_formats=("%d.%m.%Y", "%B %d, %Y", "%Y-%m-%d %H:%M")),
    "european": Mapping(date_formats=("%d.%m.%Y",), decimal=","),
    # Times without an offset as a place's clock (`local_time`): the fast path's two chains.
    "new-york": Mapping(timezone="America/New_York"),
    "unfollowable-zoned": Mapping(
        date_formats=("%d.%m.%Y", "%B %d, %Y", "%Y-%m-%d %H:%M"), timezone="Asia/Kolkata"
    ),
    "berlin-custom": Mapping(
        date_formats=("%d.%m.%Y", "%m/%d/%Y %I:%M %p"), timezone="Europe/Berlin"
    ),
}


def _column(name: str, table: tuple[Column, ...] = LEAD_COLUMNS) -> Column:
    return next(c for c in (*table, *ACTIVITY_COLUMNS) if c.name == name)


def fast_values(column: Column, mapping: Mapping, cells: list[str]) -> list[Any]:
    """Each cell through the column's SQL fast path alone (None: left to Python)."""
    expression = fast_sql(column, mapping, "v")
    if expression is None:
        return [None] * len(cells)
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"SELECT i, {expression} FROM (SELECT unnest($1::VARCHAR[]) AS v, "
            f"unnest($2::BIGINT[]) AS i) ORDER BY i",
            [cells, list(range(len(cells)))],
        ).fetchall()
    finally:
        con.close()
    return [value for _, value in rows]


def assert_fast_path_agrees(column: Column, mapping: Mapping, cells: list[str]) -> int:
    """The fast path reads no cell differently from Python; returns how many it read."""
    read = 0
    for cell, fast in zip(cells, fast_values(column, mapping, cells), strict=True):
        if fast is None:
            continue
        read += 1
        status, value = read_cell(column, cell, mapping)
        if isinstance(value, datetime):
            value = value.astimezone(UTC).replace(tzinfo=None)
        assert status == "ok", f"{column.name} {cell!r}: fast path read {fast!r}, Python: {value}"
        assert (type(fast), repr(fast)) == (type(value), repr(value)), f"{column.name} {cell!r}"
    return read


def test_the_whitespace_table_is_str_isspace() -> None:
    assert tuple(c for c in range(0x110000) if chr(c).isspace()) == load.WHITESPACE


def test_the_followed_strptime_directives_are_pythons() -> None:
    import _strptime  # type: ignore[import-not-found]

    python = _strptime.TimeRE()
    for directive, (pattern, _strict, _numeric) in load._DIRECTIVES.items():
        theirs = re.sub(r"^\(\?P<\w+>", "(?:", python[directive]).replace(r"\d", "[0-9]")
        assert pattern == theirs, directive


@pytest.mark.parametrize("mapping_name", list(MAPPINGS))
def test_fast_timestamps_agree_with_parse_timestamp(mapping_name: str) -> None:
    mapping = MAPPINGS[mapping_name]
    assert_fast_path_agrees(_column("created_at"), mapping, TRICKY_TIMES)


@pytest.mark.parametrize("mapping_name", list(MAPPINGS))
def test_fast_timestamps_agree_on_near_misses(mapping_name: str) -> None:
    # Well-formed times in many shapes, each with a character or two changed, dropped or added.
    mapping = MAPPINGS[mapping_name]
    rng = random.Random(f"times-{mapping_name}")
    shapes = [
        "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d",
        "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S+05:30", "%m/%d/%Y",
        "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M", "%d.%m.%Y", "%d.%m.%Y %H:%M:%S.%f", "%m/%d/%y",
        "%-m/%-d/%Y %-I:%M %p",
    ]  # fmt: skip
    alphabet = "0123456789-:/.T Z+apmAPM\t"
    cells = []
    for _ in range(3000):
        moment = datetime(rng.randint(1, 9999), 1, 1) + timedelta(
            days=rng.randint(0, 364),
            seconds=rng.randint(0, 86399),
            microseconds=rng.choice((0, rng.randint(0, 999999))),
        )
        text = moment.strftime(rng.choice(shapes))
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            at = rng.randrange(len(text) + 1)
            edit = rng.choice(("replace", "drop", "insert"))
            if edit == "replace" and at < len(text):
                text = text[:at] + rng.choice(alphabet) + text[at + 1 :]
            elif edit == "drop":
                text = text[:at] + text[at + 1 :]
            else:
                text = text[:at] + rng.choice(alphabet) + text[at:]
        cells.append(text)
    read = assert_fast_path_agrees(_column("at"), mapping, cells)
    accepted = sum(read_cell(_column("at"), cell, mapping)[0] == "ok" for cell in cells)
    if not mapping_name.startswith("unfollowable"):
        assert read > 0.8 * accepted  # and it reads most of what Python accepts


def test_unix_time_reads_as_seconds_or_milliseconds() -> None:
    moment = datetime(2025, 2, 24, 10, 15, tzinfo=UTC)
    assert load.parse_timestamp("1740392100") == moment
    assert load.parse_timestamp("1740392100000") == moment
    assert load.parse_timestamp(" 1740392100123 ") == moment + timedelta(milliseconds=123)
    assert load.parse_timestamp("1740392100.05") == moment + timedelta(milliseconds=50)
    # pandas writes a whole column as floats once a cell is missing.
    assert load.parse_timestamp("1740392100000.0") == moment
    assert load.parse_timestamp("1740392100000.25") == moment + timedelta(microseconds=250)
    # Before ISO 8601: Python would read this one as 1701-12-12 23:45, a placeholder.
    assert load.parse_timestamp("1701121212345") == datetime(2023, 11, 27, 21, 40, 12, 345000, UTC)
    for other in (
        "174039210",
        "17403921000",
        "-1740392100",
        "1740392100.1234567",
        "１７４０３９２１００",
        "0000000000",
        "0946684800",
        "0000000000000",
    ):
        with pytest.raises(ValueError):
            load.parse_timestamp(other)
    # The mapping's own formats still come first.
    assert load.parse_timestamp("2025013114", ("%Y%m%d%H",)) == datetime(
        2025, 1, 31, 14, tzinfo=UTC
    )
    # And the fast path reads the whole numbers itself, as Python does.
    cells = ["1740392100", "1740392100000", "1701121212345"]
    assert fast_values(_column("at"), CANONICAL, cells) == [
        load.parse_timestamp(c).replace(tzinfo=None) for c in cells
    ]
    assert assert_fast_path_agrees(_column("at"), MAPPINGS["custom"], cells) == 3


def test_the_fast_path_reads_the_common_times() -> None:
    common = ["2025-01-31T14:05:00Z", "2025-01-31 14:05:00", "2025-01-31", "2025-01-31T14:05:00"]
    more = ["2025-01-31T14:05:00.123+01:00", "2025-01-31 14:05:00.5", "2025-01-31T14:05"]
    for name, mapping in MAPPINGS.items():
        if not name.startswith("unfollowable"):
            assert None not in fast_values(_column("at"), mapping, common + more), name
    hubspot = ["2025-01-31 14:05", "1/5/2025 14:05", "1/5/2025"]
    salesforce = ["1/5/2025 2:05 PM", "01/05/2025 14:05", "1/5/2025"]
    assert None not in fast_values(_column("at"), HUBSPOT, hubspot)
    assert None not in fast_values(_column("at"), SALESFORCE, salesforce)


@pytest.mark.parametrize(
    ("name", "cells"),
    [
        ("employees", TRICKY_COUNTS),
        ("amount", TRICKY_AMOUNTS),
        ("title", TRICKY_TEXT),
        ("domain", TRICKY_DOMAINS),
        ("target_account", TRICKY_BOOLS),
        ("kind", TRICKY_CHOICES),
        ("seniority", TRICKY_CHOICES),
        ("persona", TRICKY_CHOICES),
        ("relationship", TRICKY_CHOICES),
        ("sdr_decision", TRICKY_CHOICES),
    ],
)
@pytest.mark.parametrize("mapping_name", ["canonical", "hubspot", "salesforce", "european"])
def test_fast_cells_agree_with_the_python_rules(
    name: str, cells: list[str], mapping_name: str
) -> None:
    assert_fast_path_agrees(_column(name), MAPPINGS[mapping_name], cells)


def test_a_choice_the_mapping_renames_is_not_read_as_itself() -> None:
    # The fast path casts a cell spelled as a choice straight to the choice, unless the
    # mapping's [values] table reads that name as another choice.
    renamed = Mapping(values={"kind": {"blog_visit": "content_download"}})
    cells = ["blog_visit", "Blog Visit", "content_download", "demo_request"]
    assert assert_fast_path_agrees(_column("kind"), renamed, cells) >= 3
    assert fast_values(_column("kind"), renamed, ["blog_visit"]) in (["content_download"], [None])
    assert fast_values(_column("kind"), CANONICAL, cells[:1]) == ["blog_visit"]


def test_fast_numbers_agree_on_random_decimals() -> None:
    rng = random.Random(7)
    counts = [str(rng.randint(0, 10 ** rng.randint(1, 18))) for _ in range(2000)]
    counts += [f"{rng.randint(0, 10**12):,}" for _ in range(500)]
    assert assert_fast_path_agrees(_column("employees"), CANONICAL, counts) > 1500
    amounts = []
    for _ in range(3000):
        whole = str(rng.randint(0, 10 ** rng.randint(0, 15)))
        fraction = "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 16)))
        amounts.append(
            ("-" if rng.random() < 0.2 else "") + whole + ("." + fraction if fraction else "")
        )
    assert assert_fast_path_agrees(_column("amount"), CANONICAL, amounts) > 2500


def test_the_fast_path_reads_the_common_cells() -> None:
    checks = {
        "employees": ["250", "1,200", "0"],
        "amount": ["12500.00", "-3.5", "7"],
        "title": ["VP Marketing", "Ärzte"],
        "domain": ["acme.com", "https://www.acme.com/x"],
        "target_account": ["true", "false"],
        "kind": ["demo_request", "Demo Request"],
        "persona": ["employee", "student"],
        "seniority": ["vp", "c-level"],
    }
    for name, cells in checks.items():
        assert None not in fast_values(_column(name), CANONICAL, cells), name
    assert None not in fast_values(_column("relationship"), HUBSPOT, ["Customer", "customer"])
    # HubSpot's and Salesforce's internal values, as their exports write them.
    internal = ["salesqualifiedlead", "marketingqualifiedlead", "customer", "SUBSCRIBER"]
    assert None not in fast_values(_column("relationship"), HUBSPOT, internal)
    statuses = ["IN_PROGRESS", "OPEN_DEAL", "ATTEMPTED_TO_CONTACT", "BAD_TIMING", "NEW"]
    assert None not in fast_values(_column("sdr_decision"), HUBSPOT, statuses)
    statuses = ["Open_Not_Contacted", "Closed_Converted", "Closed - Not Converted"]
    assert None not in fast_values(_column("sdr_decision"), SALESFORCE, statuses)
    assert None not in fast_values(_column("kind"), HUBSPOT, ["OPEN", "MEETING_BOOKED"])


def _messy_files(tmp_path: Path, seed: int, mapping: Mapping) -> tuple[Path, Path]:
    """A sample lead history with every kind of bad and odd cell, in the mapping's headers."""
    rng = random.Random(seed)
    leads, activities = sample_data(120, seed=seed)
    lead_rows = [list(row) for row in csv.reader(io.StringIO(leads_csv(leads).decode()))]
    activity_rows = [
        list(row) for row in csv.reader(io.StringIO(activities_csv(activities).decode()))
    ]
    odd = {
        "lead_id": ["", "  ", " L1 ", "\u3000x"],
        "created_at": TRICKY_TIMES,
        "title": [*TRICKY_TEXT, "VP Sales", "Dirctor", "n/a"],
        "seniority": TRICKY_CHOICES,
        "persona": TRICKY_CHOICES,
        "domain": TRICKY_DOMAINS,
        "employees": TRICKY_COUNTS,
        "relationship": TRICKY_CHOICES,
        "target_account": TRICKY_BOOLS,
        "engaged_contacts": TRICKY_COUNTS,
        "mql_at": TRICKY_TIMES,
        "sdr_decision": TRICKY_CHOICES,
        "opportunity_at": TRICKY_TIMES,
        "won_at": TRICKY_TIMES,
        "amount": TRICKY_AMOUNTS,
        "kind": TRICKY_CHOICES,
        "at": TRICKY_TIMES,
    }

    def mess(rows: list[list[str]], names: tuple[str, ...]) -> list[list[str]]:
        out = [rows[0]]
        for row in rows[1:]:
            row = list(row)
            for i, name in enumerate(names):
                if name in odd and rng.random() < 0.04:
                    row[i] = rng.choice(odd[name])
            roll = rng.random()
            if roll < 0.02 and len(out) > 1:
                row[0] = rng.choice(out[1:])[0]  # a duplicate (or a known lead, for activities)
            elif roll < 0.03:
                row[0] = f"L-unknown-{rng.randint(1, 3)}"
            elif roll < 0.04:
                row = row[:-1]  # too few fields
            elif roll < 0.05:
                row = [*row, "extra"]  # too many
            out.append(row)
        return out

    lead_rows = mess(lead_rows, LEAD_COLUMN_NAMES)
    activity_rows = mess(activity_rows, ACTIVITY_COLUMN_NAMES)
    if mapping is not CANONICAL:
        lead_rows[0] = [mapping.leads.get(h, h) for h in lead_rows[0]]
        activity_rows[0] = [mapping.activities.get(h, h) for h in activity_rows[0]]
    paths = []
    for name, rows in (("leads", lead_rows), ("activities", activity_rows)):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path = tmp_path / f"{name}.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1]


def _to_parquet(path: Path) -> Path:
    """The CSV's readable lines as an all-text Parquet file."""
    target = path.with_suffix(".parquet")
    con = duckdb.connect()
    try:
        con.execute(
            f"COPY (SELECT * FROM read_csv('{path}', header = true, all_varchar = true, "
            f"ignore_errors = true)) TO '{target}' (FORMAT parquet)"
        )
    finally:
        con.close()
    return target


def assert_loads_by_the_rules(
    leads_path: Path, activities_path: Path, mapping: Mapping, now: datetime | None = None
) -> tuple[Problems, list[LeadRow], list[ActivityRow]]:
    """load_to_duckdb's tables and report are the row-by-row rules' (bounded by `now` as the
    load is); returns the load's problems and the rules' rows."""
    from workbench.core.evidence.load import _times_until

    with _times_until(now):
        want_leads, want_lead_report = reference_load(leads_path, "leads", mapping)
        want_activities, want_activity_report = reference_load(
            activities_path,
            "activities",
            load._as_the_leads_dates(mapping, want_lead_report),  # one export, one date order
            {lead.lead_id for lead in want_leads},
            want_lead_report.left_out_ids,
        )
    con = duckdb.connect()
    problems = load_to_duckdb(con, leads_path, activities_path, mapping, now=now)
    assert fetch_leads(con) == want_leads
    assert fetch_activities(con) == want_activities
    assert_same_report(problems.leads, want_lead_report)
    assert_same_report(problems.activities, want_activity_report)
    return problems, want_leads, want_activities


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    "mapping_name",
    [
        "canonical",
        "hubspot",
        "salesforce",
        "custom",
        "european",
        "new-york",
        "berlin-custom",
        "unfollowable-zoned",
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_load_to_duckdb_matches_the_row_by_row_rules(
    seed: int, mapping_name: str, fmt: str, tmp_path: Path
) -> None:
    mapping = MAPPINGS[mapping_name]
    leads_path, activities_path = _messy_files(tmp_path, seed, mapping)
    if fmt == "parquet":
        leads_path, activities_path = _to_parquet(leads_path), _to_parquet(activities_path)
    problems, want_leads, want_activities = assert_loads_by_the_rules(
        leads_path, activities_path, mapping
    )
    assert problems.leads.skipped and problems.activities.skipped  # the files are messy

    if seed != 1:
        return  # the other ways in, once
    evidence = load_evidence(leads_path, activities_path, mapping)
    assert list(evidence.leads) == want_leads and list(evidence.activities) == want_activities
    ids = {lead.lead_id for lead in want_leads}
    for lead_ids in (None, ids):
        rows, report = load_activities(activities_path, lead_ids, mapping)
        want_rows, want_report = reference_load(activities_path, "activities", mapping, lead_ids)
        assert rows == want_rows
        assert_same_report(report, want_report)


def test_load_to_duckdb_creates_the_documented_tables(tmp_path: Path) -> None:
    leads, activities = sample_data(60, seed=4)
    leads_path, activities_path = write_sample(tmp_path, leads, activities)
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE leads AS SELECT 1 AS stale")
    problems = load_to_duckdb(con, leads_path, activities_path)
    assert problems.skipped == 0
    for table, columns in (("leads", LEAD_COLUMNS), ("activities", ACTIVITY_COLUMNS)):
        con.execute(f"CREATE TEMP TABLE expected ({sql_columns(columns)})")
        expected = con.execute("DESCRIBE expected").fetchall()
        assert con.execute(f"DESCRIBE {table}").fetchall() == expected
        con.execute("DROP TABLE expected")
    assert [c.name for c in LEAD_COLUMNS][:3] == ["lead_id", "created_at", "title"]
    ids = [row[0] for row in con.execute("SELECT lead_id FROM leads").fetchall()]
    assert ids == [lead.lead_id for lead in leads]  # file order
    times = con.execute('SELECT lead_id, kind, "at" FROM activities').fetchall()
    assert times == [(a.lead_id, a.kind, a.at.replace(tzinfo=None)) for a in activities]
    leftovers = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name NOT IN ('leads', 'activities')"
    ).fetchall()
    assert leftovers == []
    assert sql_type(_column("employees")) == "BIGINT" and sql_type(_column("at")) == "TIMESTAMP"
    # persona is nullable (empty: unknown, not set by hand), an ENUM of the personas.
    assert f'"persona" {loaded_type(_column("persona"))},' in sql_columns(LEAD_COLUMNS)


def test_load_to_duckdb_keeps_order_and_the_connection_settings(tmp_path: Path) -> None:
    leads, activities = sample_data(400, seed=8)
    leads_path, activities_path = write_sample(tmp_path, leads, activities, "parquet")
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET threads = 4")
    load_to_duckdb(con, leads_path, activities_path)
    got = con.execute("SELECT lead_id, kind FROM activities").fetchall()
    assert got == [(a.lead_id, a.kind) for a in activities]
    assert con.execute("SELECT current_setting('preserve_insertion_order')").fetchone() == (False,)


def test_a_failed_load_leaves_the_connection_as_it_was(tmp_path: Path) -> None:
    leads, activities = sample_data(20, seed=5)
    leads_path, _ = write_sample(tmp_path, leads, activities)
    bad = write(tmp_path / "bad.csv", "lead_id,when\nL1,2025-01-01\n")
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE leads AS SELECT 'kept' AS lead_id")
    with pytest.raises(InputError, match="no kind column"):
        load_to_duckdb(con, leads_path, bad)
    assert con.execute("SELECT * FROM leads").fetchall() == [("kept",)]
    names = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    assert names == [("leads",)]


def test_progress_is_reported(tmp_path: Path) -> None:
    leads, activities = sample_data(10, seed=5)
    leads_path, activities_path = write_sample(tmp_path, leads, activities)
    said: list[str] = []
    load_to_duckdb(duckdb.connect(), leads_path, activities_path, progress=said.append)
    assert any("leads" in line for line in said) and any("activities" in line for line in said)


def test_column_defaults_are_the_rows_defaults() -> None:
    for column in LEAD_COLUMNS:
        default = LeadRow.__dataclass_fields__[column.name].default
        expected = None if default is MISSING else default
        assert column.default == expected, column.name


@pytest.mark.parametrize("mapping_name", ["canonical", "european"])
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_time_after_the_run_reads_as_no_time_on_both_paths(
    mapping_name: str, fmt: str, tmp_path: Path
) -> None:
    """Told the time, the load reads a later time as it reads a placeholder: a required one
    leaves its row out, an optional one is emptied, each reported; the SQL fast path and the
    row-by-row rules still agree on every cell."""
    mapping = MAPPINGS[mapping_name]
    now = datetime(2025, 7, 1, 12, tzinfo=UTC)  # the middle of the sample's year
    leads_path, activities_path = _messy_files(tmp_path, 5, mapping)
    if fmt == "parquet":
        leads_path, activities_path = _to_parquet(leads_path), _to_parquet(activities_path)
    problems, want_leads, want_activities = assert_loads_by_the_rules(
        leads_path, activities_path, mapping, now
    )
    latest = now + timedelta(days=1)
    assert all(lead.created_at < latest for lead in want_leads)
    assert all(a.at is None or a.at < latest for a in want_activities)
    future = [p for p in problems.activities.all if "when this ran" in p.reason]
    assert future and "after 2025-07-01, when this ran" in future[0].reason
    assert problems.leads.emptied_columns.get("mql_at", 0) > 0
    assert load_to_duckdb(duckdb.connect(), leads_path, activities_path, mapping) != problems


def test_a_count_too_large_for_the_table_is_a_bad_cell_read_as_empty(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", "lead_id,created_at,employees\nL1,2025-01-01,1e30\n")
    leads, report = load_leads(path)
    assert [(lead.lead_id, lead.employees) for lead in leads] == [("L1", None)]
    assert report.emptied_columns == {"employees": 1}
    assert "too large" in report.emptied_first[0].reason


def test_a_time_out_of_range_in_utc_is_a_bad_cell(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", "lead_id,created_at\nL1,0001-01-01T00:00:00+01:00\n")
    leads, report = load_leads(path)
    assert leads == [] and report.reasons["bad created_at"] == 1


def test_big_files_keep_their_order(tmp_path: Path) -> None:
    # Enough rows for DuckDB to read the files in parallel batches (row groups of ~120k).
    con = duckdb.connect()
    con.execute("SET threads = 4")
    leads, activities = tmp_path / "leads.csv", tmp_path / "activities.csv"
    con.execute(
        "COPY (SELECT 'L' || (i * 7919 % 300000) AS lead_id, "
        "strftime(TIMESTAMP '2025-01-01' + to_minutes(i), '%Y-%m-%dT%H:%M:%SZ') AS created_at, "
        "['VP Sales', 'Intern', 'CEO'][i % 3 + 1] AS title, ['vp', '', 'Manager'][i % 3 + 1] "
        "AS seniority, ['employee', 'student'][i % 2 + 1] AS persona, "
        "['prospect', 'Customer'][i % 2 + 1] AS relationship, (i % 5 = 0)::VARCHAR "
        "AS target_account, (i % 977)::VARCHAR AS employees "
        f"FROM range(300000) t(i)) TO '{leads}' (HEADER)"
    )
    con.execute(
        "COPY (SELECT 'L' || (i * 104729 % 300000) AS lead_id, "
        "['email_open', 'Demo Request', 'blog_visit', 'webinar_attended'][i % 4 + 1] AS kind, "
        "strftime(TIMESTAMP '2025-01-01' + to_seconds(i), '%Y-%m-%dT%H:%M:%SZ') AS \"at\" "
        f"FROM range(700000) t(i)) TO '{activities}' (HEADER)"
    )
    for path in (leads, activities):  # Parquet in small row groups, read in parallel too
        con.execute(
            f"COPY (SELECT * FROM read_csv('{path}', header = true, all_varchar = true)) "
            f"TO '{path.with_suffix('.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 50000)"
        )
    for fmt in ("csv", "parquet"):
        problems = load_to_duckdb(
            con, leads.with_suffix(f".{fmt}"), activities.with_suffix(f".{fmt}")
        )
        assert problems.skipped == 0
        for table, path in (("leads", leads), ("activities", activities)):
            mismatched = con.execute(
                f"SELECT count(*) FROM {table} POSITIONAL JOIN (SELECT lead_id AS raw FROM "
                f"read_csv('{path}', header = true, all_varchar = true)) WHERE lead_id <> raw"
            ).fetchone()
            assert mismatched == (0,), (fmt, table)


def test_duckdb_strptime_reads_at_most_four_year_digits() -> None:
    # The ISO lanes rely on it (a longer year could make up for a shorter field).
    con = duckdb.connect()
    for cell, fmt in [
        ("20251-1-31T14:05:00Z", "%Y-%m-%dT%H:%M:%SZ"),
        ("20251-01-31 4:05:00", "%Y-%m-%d %H:%M:%S"),
        ("20251-1-31", "%Y-%m-%d"),
    ]:
        assert con.execute("SELECT try_strptime(?, ?)", [cell, fmt]).fetchone() == (None,)


def _unix_samples(duckdb_type: str, rng: random.Random) -> list[int]:
    """Whole numbers for a time column: Unix seconds and milliseconds around the history's
    years, the edges of 10 and 13 digits, and other numbers."""
    bound = 2**31 - 1 if duckdb_type == "INTEGER" else 2**63 - 1
    values = [0, 1, -1, 999_999_999, 10**9, 10**10 - 1, 10**10, 10**12 - 1, 10**12, 10**13 - 1]
    values += [10**13, 4_102_444_800, 4_102_444_799, bound, -bound]
    values += [rng.randint(978_307_200, 1_900_000_000) for _ in range(1500)]
    values += [rng.randint(978_307_200_000, 1_900_000_000_000) for _ in range(1500)]
    values += [rng.randint(-bound, bound) for _ in range(500)]
    return [v for v in values if -bound <= v <= bound]


def _typed_samples(duckdb_type: str, rng: random.Random) -> list[Any]:
    if duckdb_type == "DOUBLE":
        values: list[Any] = [0.1, 1 / 3, -0.0, 0.0, 5e-324, 1.7976931348623157e308, 1e15, 1e16]
        values += [float("nan"), float("inf"), float("-inf"), 123456.78, -2.5, 1.234, -999.5]
        while len(values) < 3000:
            bits = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
            values.append(bits if bits == bits else 1.0)
            values.append(round(rng.uniform(-1e6, 1e7), rng.randint(0, 4)))
        return values
    if duckdb_type in ("BIGINT", "INTEGER"):
        bound = 2**31 - 1 if duckdb_type == "INTEGER" else 2**63 - 1
        values = [0, 1, -1, 10**15 - 1, 10**15, 2**53, 2**53 + 1, bound, -bound]
        values += [rng.randint(-bound, bound) for _ in range(1000)]
        values += [rng.randint(0, 10 ** rng.randint(1, 16)) for _ in range(2000)]
        return [v for v in values if -bound <= v <= bound]
    if duckdb_type == "BOOLEAN":
        return [True, False, None]
    first, last = datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999)
    span = int((last - first).total_seconds() * 1_000_000)
    values = [
        first,
        last,
        datetime(999, 12, 31, 23, 59),
        datetime(1000, 1, 1),
        datetime(2025, 1, 31),
    ]
    values += [first + timedelta(microseconds=rng.randrange(span)) for _ in range(500)]
    # Mostly real times: outside 1971-2099 a time is a placeholder, which only Python reads.
    low = load.EARLIEST_TIME.replace(tzinfo=None) - timedelta(days=2)
    real = int((load.LATEST_TIME.replace(tzinfo=None) - low).total_seconds() * 1_000_000)
    values += [
        low + timedelta(microseconds=rng.randrange(real + 4 * 86_400_000_000)) for _ in range(2500)
    ]
    return [v.date() for v in values] if duckdb_type == "DATE" else values


@pytest.mark.parametrize(
    ("name", "duckdb_type"),
    [
        ("created_at", "TIMESTAMP"),
        ("created_at", "DATE"),
        ("employees", "BIGINT"),
        ("employees", "INTEGER"),
        ("amount", "DOUBLE"),
        ("amount", "BIGINT"),
        ("target_account", "BOOLEAN"),
        ("at", "BIGINT"),
        ("created_at", "INTEGER"),
    ],
)
@pytest.mark.parametrize("mapping_name", ["canonical", "hubspot"])
def test_typed_parquet_cells_read_as_their_text(
    name: str, duckdb_type: str, mapping_name: str
) -> None:
    # A typed Parquet cell is read as the Python rules read its text (CAST to VARCHAR).
    column, mapping = _column(name), MAPPINGS[mapping_name]
    expression = load.typed_fast_sql(column, mapping, "x", duckdb_type)
    if mapping.date_formats and column.type == "timestamp":
        assert expression is None  # the mapping's formats come first: only Python knows
        return
    assert expression is not None
    rng = random.Random(f"{name}-{duckdb_type}")
    if column.type == "timestamp" and duckdb_type in ("BIGINT", "INTEGER"):
        values = _unix_samples(duckdb_type, rng)
    else:
        values = _typed_samples(duckdb_type, rng)
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT i, CAST(x AS VARCHAR), {expression} FROM (SELECT "
        f"unnest($1::{duckdb_type}[]) AS x, unnest($2::BIGINT[]) AS i) ORDER BY i",
        [values, list(range(len(values)))],
    ).fetchall()
    read = 0
    for _, text, fast in rows:
        if fast is None:
            continue
        read += 1
        # A DOUBLE's text is written with a decimal point: "1.234" is 1.234, not ambiguous.
        status, value = read_cell(column, text, replace(mapping, decimal="."))
        if isinstance(value, datetime):
            value = value.astimezone(UTC).replace(tzinfo=None)
        assert status == "ok", (text, fast)
        assert (type(fast), repr(fast)) == (type(value), repr(value)), text
    assert read > 0.5 * len(values)


def test_a_typed_parquet_file_loads_as_its_text(tmp_path: Path) -> None:
    leads, activities = tmp_path / "leads.parquet", tmp_path / "activities.parquet"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT * FROM (VALUES "
        "('L1', TIMESTAMP '2025-01-31 14:05:00', 250::BIGINT, 12500.5::DOUBLE, true, DATE '2025-02-01'), "
        "(' L2', TIMESTAMP '0999-12-31 23:59:00', -3, 'nan'::DOUBLE, NULL, NULL), "
        "('L3', TIMESTAMP '9999-12-31 23:59:59.999999', 10000000000000000, 1e300, false, DATE '0500-01-01'), "
        "('L4', 'infinity'::TIMESTAMP, 0, -0.0, NULL, DATE '2024-02-29'), "
        "('L5', TIMESTAMP '2025-01-31 14:05:00.5', 7, 'inf'::DOUBLE, true, NULL), "
        "('L1', TIMESTAMP '2025-03-01', 1, 1.0, false, NULL)"
        ") t(lead_id, created_at, employees, amount, target_account, mql_at)) "
        f"TO '{leads}' (FORMAT parquet)"
    )
    con.execute(
        "COPY (SELECT * FROM (VALUES ('L1', 'demo_request', TIMESTAMP '2025-02-01 10:00:00'), "
        "('L2', 'Demo Request', TIMESTAMP '2025-02-02 10:00:00'), ('L9', 'email_open', NULL)"
        f") t(lead_id, kind, \"at\")) TO '{activities}' (FORMAT parquet)"
    )
    want_leads, want_lead_report = reference_load(leads, "leads")
    want_activities, want_activity_report = reference_load(
        activities,
        "activities",
        lead_ids={lead.lead_id for lead in want_leads},
        dropped=want_lead_report.left_out_ids,
    )
    problems = load_to_duckdb(con, leads, activities)
    assert fetch_leads(con) == want_leads and fetch_activities(con) == want_activities
    assert_same_report(problems.leads, want_lead_report)
    assert_same_report(problems.activities, want_activity_report)
    assert want_lead_report.skipped >= 3  # -3 employees, nan and inf amounts, a duplicate


def _leads_with_a_long_title(folder: Path, rows: int, at: int, size: int) -> tuple[Path, Path]:
    """A leads file of `rows` rows (the sample's leads repeated under new ids) whose row `at`
    has a title `size` bytes long, and the sample's activities."""
    leads, activities = sample_data(20, seed=5)
    files = write_sample(folder, leads, activities, "csv")
    header, *body = list(csv.reader(io.StringIO(files[0].read_text(encoding="utf-8"))))
    title = header.index("title")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for n in range(rows):
        cells = list(body[n % len(body)])
        if n >= len(body):
            cells[0] = f"X{n:06d}"
        if n == at:
            cells[title] = "Head of Growth " + "x" * size
        writer.writerow(cells)
    files[0].write_text(out.getvalue(), encoding="utf-8")
    return files


@pytest.mark.parametrize("at", [6, 3000, 25000])
def test_a_line_longer_than_duckdb_reads_is_read_whole(at: int, tmp_path: Path) -> None:
    # A description with an e-mail thread pasted in: 3 MB in one cell, past DuckDB's 2 MB.
    # Among the first lines DuckDB refuses the line, further down it fails to sniff the
    # file, and past what it sniffs it leaves the row out: each is read again, whole.
    files = _leads_with_a_long_title(tmp_path, 30_000, at, 3 * 1024 * 1024)
    con = duckdb.connect()
    problems = load_to_duckdb(con, *files)
    assert problems.leads.skipped == 0 and problems.leads.rows_loaded == 30_000
    assert problems.activities.skipped == 0
    titles = [row[0] for row in con.execute("SELECT title FROM leads").fetchall()]
    assert len(titles[at]) == len("Head of Growth ") + 3 * 1024 * 1024


def test_a_line_longer_than_any_read_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load, "LONGEST_LINE", 3 * 1024 * 1024)
    leads, activities = sample_data(5, seed=5)
    iso = write_sample(tmp_path, leads, activities, "csv")
    with iso[0].open("a", encoding="utf-8") as handle:
        handle.write("L999," + "y" * (4 * 1024 * 1024) + "\n")
    with pytest.raises(InputError) as raised:
        load_to_duckdb(duckdb.connect(), *iso)
    message = str(raised.value)
    assert "a line of 4.0 MB, starting 'L999,yyy" in message
    assert "longer than the 3 MB a line may be" in message


def test_a_line_longer_than_duckdb_s_buffer_past_the_sniff_is_read_whole(tmp_path: Path) -> None:
    # DuckDB (2.0.1) skips, without a reject, a line longer than its 32 MB buffer past the
    # rows it samples: the loader looks for one in the bytes first.
    files = _leads_with_a_long_title(tmp_path, 30_000, 25_000, 40 * 1024 * 1024)
    assert load.longest_line_over(files[0]) is not None
    con = duckdb.connect()
    problems = load_to_duckdb(con, *files)
    assert problems.leads.rows_loaded == 30_000 and problems.leads.skipped == 0
    titles = [row[0] for row in con.execute("SELECT title FROM leads").fetchall()]
    assert len(titles[25_000]) == len("Head of Growth ") + 40 * 1024 * 1024


def test_a_line_over_the_limit_anywhere_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load, "LONGEST_LINE", 20 * 1024 * 1024)
    files = _leads_with_a_long_title(tmp_path, 30_000, 15_000, 33 * 1024 * 1024)
    with pytest.raises(InputError) as raised:
        load_to_duckdb(duckdb.connect(), *files)
    assert "a line of 33.0 MB, starting 'X015000," in str(raised.value)
    assert "longer than the 20 MB a line may be" in str(raised.value)


def test_rows_left_out_keep_their_lines_beside_a_long_cell_and_a_cell_over_lines(
    tmp_path: Path,
) -> None:
    # Python's csv refused a field over 128 KiB, and the lines of the rows left out fell back
    # to record numbers whenever a quoted cell also spanned lines.
    files = _leads_with_a_long_title(tmp_path, 30_000, 25_000, 200 * 1024)
    header, *body = list(csv.reader(io.StringIO(files[0].read_text(encoding="utf-8"))))
    body[10][header.index("title")] = "Head\nof Growth"
    for bad in (28_000, 29_000):
        body[bad] = [*body[bad], "one cell too many"]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    files[0].write_text(out.getvalue(), encoding="utf-8")
    problems = load_to_duckdb(duckdb.connect(), *files)
    left_out = [p.where for p in problems.leads.all if not p.kept]
    assert left_out == ["line 28003", "line 29003"]


def test_a_file_without_long_lines_is_not_read_for_them(tmp_path: Path) -> None:
    leads, activities = sample_data(200, seed=5)
    files = write_sample(tmp_path, leads, activities, "csv")
    assert load.longest_line_over(files[0]) is None
    assert load.longest_line_over(files[1]) is None


def test_a_line_longer_than_any_read_past_the_sniff_is_left_out_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load, "LONGEST_LINE", 3 * 1024 * 1024)
    files = _leads_with_a_long_title(tmp_path, 30_000, 25_000, 4 * 1024 * 1024)
    problems = load_to_duckdb(duckdb.connect(), *files)
    assert problems.leads.rows_loaded == 29_999
    [left_out] = [p for p in problems.leads.all if not p.kept]
    assert left_out.where == "line 25002"
    assert "a line of 4.0 MB is longer than the 3 MB a line may be" in left_out.reason


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_an_export_in_unix_time_loads_as_its_iso_twin(fmt: str, tmp_path: Path) -> None:
    # An event tool writes activity times as Unix milliseconds and lead times as seconds:
    # every row loads, at the same moments as the ISO 8601 file of the same history.
    leads, activities = sample_data(60, seed=3)
    iso = write_sample(tmp_path / "iso", leads, activities, "csv")
    con = duckdb.connect()
    load_to_duckdb(con, *iso)
    want_leads, want_activities = fetch_leads(con), fetch_activities(con)
    unix = tmp_path / "unix"
    unix.mkdir()
    seconds = "CAST(epoch(created_at) AS BIGINT) AS created_at"
    millis = 'CAST(epoch_ms("at") AS BIGINT) AS "at"'
    for table, path, times in (("leads", iso[0], seconds), ("activities", iso[1], millis)):
        con.execute(
            f"COPY (SELECT * REPLACE ({times}) FROM read_csv('{path}', all_varchar = false)) "
            f"TO '{unix / f'{table}.{fmt}'}' (FORMAT {fmt})"
        )
    problems = load_to_duckdb(con, unix / f"leads.{fmt}", unix / f"activities.{fmt}")
    assert problems.leads.skipped == 0 and problems.activities.skipped == 0
    assert fetch_leads(con) == want_leads
    assert fetch_activities(con) == want_activities
    assert len(want_activities) > 100


@pytest.mark.parametrize(("update_max", "enum_max"), [(0, 2000), (10**9, 2000), (0, 0)])
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_every_way_of_inferring_seniority_gives_the_same_leads(
    update_max: int, enum_max: int, fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rewriting the table (Parquet, many leads to infer) or an UPDATE through a join.
    monkeypatch.setattr(load, "_UPDATE_MAX", update_max)
    monkeypatch.setattr(load, "_ENUM_LOOKUP_MAX", enum_max)
    leads_path, activities_path = _messy_files(tmp_path, 4, CANONICAL)
    if fmt == "parquet":
        leads_path, activities_path = _to_parquet(leads_path), _to_parquet(activities_path)
    want, want_report = reference_load(leads_path, "leads")
    con = duckdb.connect()
    problems = load_to_duckdb(con, leads_path, activities_path)
    assert fetch_leads(con) == want
    assert_same_report(problems.leads, want_report)
    assert any("seniority inferred" in note for note in want_report.notes)


class _Recording:
    """A connection that keeps the statements it runs."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.statements: list[str] = []

    def execute(self, sql: str, parameters: object = None) -> duckdb.DuckDBPyConnection:
        self.statements.append(sql)
        return self.con.execute(sql, parameters)


@pytest.mark.parametrize("mapping_name", list(MAPPINGS))
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_the_one_pass_over_a_file_has_no_join(mapping_name: str, fmt: str, tmp_path: Path) -> None:
    # A join (DuckDB turns a long IN list into one) would let rows come out of file order.
    mapping = MAPPINGS[mapping_name]
    leads_path, activities_path = _messy_files(tmp_path, 5, mapping)
    if fmt == "parquet":
        leads_path, activities_path = _to_parquet(leads_path), _to_parquet(activities_path)
    recording = _Explaining(duckdb.connect())
    load_to_duckdb(recording, leads_path, activities_path, mapping)  # type: ignore[arg-type]
    assert len(recording.plans) >= 2
    for plan in recording.plans:
        assert "JOIN" not in plan.upper(), plan


class _Explaining(_Recording):
    """Keeps the plan of each pass over a file, explained on the loading connection just
    before it runs (the pass may use the loader's temporary types)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        super().__init__(con)
        self.plans: list[str] = []

    def execute(self, sql: str, parameters: object = None) -> duckdb.DuckDBPyConnection:
        if re.match(r"CREATE OR REPLACE TEMP TABLE _wb_load_(leads|activities) AS", sql):
            rows = self.con.execute("EXPLAIN " + sql.split(" AS ", 1)[1], parameters).fetchall()
            self.plans.append("\n".join(row[1] for row in rows))
        return super().execute(sql, parameters)


def test_paths_with_quotes_load(tmp_path: Path) -> None:
    folder = tmp_path / "it's here"
    leads, activities = sample_data(5, seed=2)
    leads_path, activities_path = write_sample(folder, leads, activities)
    problems = load_to_duckdb(duckdb.connect(), leads_path, activities_path)
    assert problems.skipped == 0


def test_given_lead_ids_are_matched_trimmed(tmp_path: Path) -> None:
    path = write(
        tmp_path / "activities.csv",
        "lead_id,kind,at\n L1 ,demo_request,2025-01-02\nL1,email_open,2025-01-03\n",
    )
    for ids in ({"L1"}, {" L1 "}, {" L1 ", "L1"}):
        rows, report = load_activities(path, ids)
        want_rows, want_report = reference_load(path, "activities", lead_ids=ids)
        assert rows == want_rows
        assert_same_report(report, want_report)


def test_a_header_the_loader_reads_twice_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path / "leads.csv",
        "lead_id,created_at,title,notes,Title \nL1,2025-01-01,CEO,,CTO\n",
    )
    with pytest.raises(InputError) as caught:
        load_leads(path)
    message = str(caught.value)
    assert f"{path}:1" in message
    assert (
        "columns 3 and 5 are both headed 'title': which one holds the value is a guess" in message
    )
    assert len(caught.value.problems) == 1


def test_a_header_no_column_reads_may_appear_twice(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", "lead_id,created_at,notes,Notes\nL1,2025-01-01,a,b\n")
    leads, report = load_leads(path)
    assert [lead.lead_id for lead in leads] == ["L1"] and not report.skipped


@pytest.mark.parametrize(
    ("headers", "maybe"),
    [
        (["lead_id", "title", "created_at"], False),
        (["lead_id", "title", "Title_1"], True),
        (["lead_id", "title", " title"], True),
        (["lead_id", "title_1"], False),
        (["a_2", "a"], True),
    ],
)
def test_only_names_that_hint_at_a_header_used_twice_read_it_again(
    headers: list[str], maybe: bool
) -> None:
    assert load._maybe_twice(headers) is maybe


# --- placeholder times ("never", "unknown") -----------------------------------------------------


def test_a_placeholder_time_in_an_optional_column_is_read_as_empty_and_reported(
    tmp_path: Path,
) -> None:
    # 9999-12-31 is a CRM's "never": the lead was not won, not a lead won in year 9999.
    leads = write(
        tmp_path / "leads.csv",
        "lead_id,created_at,mql_at,won_at\n"
        "L1,2025-01-01,,9999-12-31\n"  # line 2: won_at emptied, lead kept
        "L2,2025-01-02,0001-01-01T00:00:00Z,2025-03-01\n"  # line 3: mql_at emptied
        "L3,9999-12-31,,\n"  # line 4: created_at is required: left out
        "L4,2025-01-04,1900-01-01,2999-12-31\n",  # line 5: both emptied
    )
    rows, report = load_leads(leads)
    assert [(r.lead_id, r.mql_at, r.won_at is None) for r in rows] == [
        ("L1", None, True),
        ("L2", None, False),
        ("L4", None, True),
    ]
    assert report.skipped == 1 and report.reasons["bad created_at"] == 1
    assert report.emptied == 4
    shown = "\n".join(report.lines())
    assert "4 cells that did not read, read as empty, the rows kept (2 won_at, 2 mql_at)" in shown
    assert (
        "line 2: won_at '9999-12-31': a placeholder, not a real time (outside 1971-2099)" in shown
    )
    assert "line 4: created_at '9999-12-31': a placeholder" in shown
    want, want_report = reference_load(leads, "leads")
    assert rows == want
    assert_same_report(report, want_report)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_placeholder_times_load_as_the_row_by_row_reading_does(fmt: str, tmp_path: Path) -> None:
    con = duckdb.connect()
    leads, activities = tmp_path / f"leads.{fmt}", tmp_path / f"activities.{fmt}"
    option = "(FORMAT parquet)" if fmt == "parquet" else "(HEADER)"
    con.execute(
        "COPY (SELECT * FROM (VALUES "
        "('L1', TIMESTAMP '2025-01-31 14:05:00', TIMESTAMP '9999-12-31 00:00:00', NULL), "
        "('L2', TIMESTAMP '2025-02-01 00:00:00', TIMESTAMP '2025-02-03 00:00:00', "
        "TIMESTAMP '0001-01-01 00:00:00'), "
        "('L3', TIMESTAMP '2100-01-01 00:00:00', NULL, NULL), "
        "('L4', TIMESTAMP '2099-12-31 23:59:59', TIMESTAMP '1971-01-01 00:00:00', "
        "TIMESTAMP '1970-01-01 00:00:00')"
        f") t(lead_id, created_at, won_at, mql_at)) TO '{leads}' {option}"
    )
    con.execute(
        "COPY (SELECT * FROM (VALUES ('L1', 'demo_request', TIMESTAMP '9999-12-31 00:00:00'), "
        "('L2', 'demo_request', TIMESTAMP '2025-02-02 10:00:00'), "
        "('L4', 'demo_request', TIMESTAMP '1900-12-31 23:59:59'), "
        "('L4', 'demo_request', TIMESTAMP '1970-01-01 00:00:00')"
        f") t(lead_id, kind, \"at\")) TO '{activities}' {option}"
    )
    want_leads, want_lead_report = reference_load(leads, "leads")
    want_activities, want_activity_report = reference_load(
        activities,
        "activities",
        lead_ids={lead.lead_id for lead in want_leads},
        dropped=want_lead_report.left_out_ids,
    )
    problems = load_to_duckdb(con, leads, activities)
    assert fetch_leads(con) == want_leads and fetch_activities(con) == want_activities
    assert_same_report(problems.leads, want_lead_report)
    assert_same_report(problems.activities, want_activity_report)
    assert [lead.lead_id for lead in want_leads] == ["L1", "L2", "L4"]
    assert (problems.leads.emptied, problems.leads.skipped) == (3, 1)  # 1970: Unix time zero
    assert problems.activities.reasons["bad at"] == 3


# --- encodings and delimiters (csvfile) -------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom", "found"),
    [
        ("utf-8", ",", False, "utf-8"),
        ("utf-8-sig", ";", True, "utf-8"),
        ("cp1252", ";", False, "windows-1252"),
        ("utf-16", "\t", False, "utf-16"),  # Excel's "Unicode text"
        ("utf-8", "|", False, "utf-8"),
    ],
)
def test_encodings_and_delimiters_are_detected_and_every_lead_read(
    tmp_path: Path, encoding: str, delimiter: str, bom: bool, found: str
) -> None:
    header = delimiter.join(["lead_id", "created_at", "title", '"Company, Inc."'])
    rows = [
        delimiter.join(["L1", "2025-01-01", "Gérant", "Crème"]),
        delimiter.join(["L2", "2025-01-02", '"Head of' + "\r\n" + 'Sales"', "Müller"]),
        delimiter.join(["L3", "2025-01-03", "Directeur", "Société"]),
    ]
    path = tmp_path / "leads.csv"
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    form = detect(path)
    assert (form.encoding, form.delimiter, form.bom) == (found, delimiter, bom)
    leads, report = load_leads(path)
    assert [(lead.lead_id, lead.title) for lead in leads] == [
        ("L1", "Gérant"),
        ("L2", "Head of\r\nSales"),
        ("L3", "Directeur"),
    ]
    assert report.skipped == 0 and report.encoding == found
    assert "'Company, Inc.'" in "\n".join(report.notes)  # a column not used, named


def test_a_byte_windows_1252_does_not_define_is_read_as_latin_1(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(b"lead_id,created_at,title\nL1,2025-01-01,Jos\xe9\x81\n")
    assert detect(path).encoding == "latin-1"
    leads, report = load_leads(path)
    assert [lead.title for lead in leads] == ["José\x81"] and report.skipped == 0


@pytest.mark.parametrize("ending", ["\r", "\n", "\r\n"])
def test_excel_for_macs_csv_is_read_as_mac_roman(tmp_path: Path, ending: str) -> None:
    # Excel for Mac's "CSV (Macintosh)" writes Mac Roman (with CR line ends): read as
    # Windows-1252 without a word, 61 titles became "SŽnior Director" and "MŸller".
    rows = [("L1", "Sénior Director"), ("L2", "Head of Sales, Müller AG"), ("L3", "Gérant")]
    text = "lead_id,created_at,title" + ending
    text += "".join(f'{i},2025-01-0{n + 1},"{t}"{ending}' for n, (i, t) in enumerate(rows))
    path = tmp_path / "leads.csv"
    path.write_bytes(text.encode("mac_roman"))
    assert detect(path).encoding == "mac-roman"
    leads, report = load_leads(path)
    assert [(lead.lead_id, lead.title) for lead in leads] == rows
    assert "read as mac-roman (detected)" in "\n".join(report.lines())
    # The same letters from Windows (and a German "ß", the same small letter in both) stay
    # Windows-1252.
    path.write_bytes(text.replace("Sales", "Straße").encode("cp1252"))
    assert detect(path).encoding == "windows-1252"
    assert [lead.title for lead in load_leads(path)[0]][1] == "Head of Straße, Müller AG"
    # English from Windows: its quotes, dashes and ™ after a letter are letters in Mac Roman
    # ("O’Brien" read as "OíBrien"); without an accent to decide, it stays Windows-1252.
    english = text.replace("Sénior", "O’Brien™").replace("Müller", "Women’s").replace("Gé", "G–")
    path.write_bytes(english.replace(ending, "\r\n").encode("cp1252"))  # Windows' line ends
    assert detect(path).encoding == "windows-1252"
    assert next(lead.title for lead in load_leads(path)[0]) == "O’Brien™ Director"


def test_the_mapping_names_the_encoding_and_delimiter(tmp_path: Path) -> None:
    # Detection would get both wrong here: the header has as many commas as semicolons, and
    # the first MiB is ASCII (the accent comes after it).
    body = "".join(f"L{n};2025-01-01;CEO, EMEA\n" for n in range(60_000)) + "L;2025-01-01;Gérant\n"
    path = tmp_path / "leads.csv"
    path.write_bytes(("lead_id;created_at;title,role,x\n" + body).encode("latin-1"))
    assert (detect(path).encoding, detect(path).delimiter) == ("utf-8", ",")
    mapping_file = tmp_path / "mapping.toml"
    mapping_file.write_text(
        'encoding = "latin-1"\ndelimiter = ";"\n\n[leads]\ntitle = "title,role,x"\n'
    )
    mapping = load_mapping(mapping_file)
    assert (mapping.encoding, mapping.delimiter) == ("latin-1", ";")
    leads, report = load_leads(path, mapping)
    assert len(leads) == 60_001 and report.skipped == 0
    assert [lead.title for lead in leads][-2:] == ["CEO, EMEA", "Gérant"]
    assert report.read_as == "read as latin-1 (the mapping's), ';' between cells (the mapping's)"


def test_the_utf8_copy_is_removed_after_loading(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes("lead_id,created_at,title\nL1,2025-01-01,Gérant\n".encode("cp1252"))
    form = detect(path)
    with utf8_copy(path, form, []) as copy:
        assert copy != path and copy.read_text(encoding="utf-8").endswith("Gérant\n")
    assert not copy.exists()
    with utf8_copy(path, CsvFormat(), []) as same:
        assert same == path


def test_a_stray_byte_past_the_first_mib_of_a_utf8_file_is_read_and_said(
    tmp_path: Path,
) -> None:
    # Valid UTF-8 in the first MiB, a Windows-1252 byte after it: detected as UTF-8. A letter
    # written as UTF-8 writes one ("Café") says the file is UTF-8 with one stray byte, so it
    # is not read again as Windows-1252 (a file of plain ASCII and that line is: see
    # test_a_windows_1252_file_whose_first_accent_is_past_the_first_mib_loads_whole). The
    # line was left out, its lead with it; its byte is read as Windows-1252 and the line named.
    rows = "".join(f"L{n},2025-01-01,CEO\n" for n in range(60_000)) + "LU,2025-01-01,Café Zoë\n"
    path = tmp_path / "leads.csv"
    path.write_bytes(("lead_id,created_at,title\n" + rows).encode() + b"LX,2025-01-01,Jos\xe9\n")
    leads, report = load_leads(path)
    assert len(leads) == 60_002 and report.skipped == 0, report.lines()
    assert [lead.title for lead in leads][-2:] == ["Café Zoë", "José"]
    text = "\n".join(report.lines())
    assert "read as windows-1252 (line 60003)" in text, text
    assert "its bytes that are not UTF-8 as windows-1252" in text, text


@pytest.mark.parametrize("first", [b"sep=;\r\n", b"SEP=,\n", b"\xef\xbb\xbfsep=\t\n", b"sep=;\r"])
def test_an_excel_sep_line_is_named_not_read_as_the_header(tmp_path: Path, first: bytes) -> None:
    # DuckDB took "sep=" for the header: "has a header but no leads rows", exit 2.
    delimiter = first.decode("utf-8-sig")[4]
    path = tmp_path / "leads.csv"
    path.write_bytes(
        first + delimiter.join(["lead_id", "created_at"]).encode() + b"\nL1,2025-01-01\n"
    )
    with pytest.raises(InputError) as raised:
        load_leads(path)
    text = str(raised.value)
    assert f'{path}:1: the first line is "sep=' in text and "delete that line" in text, text
    # `map` finds the header under it and names the line alike (it said "below 1 lines of a
    # report's title")
    from workbench.core.evidence.load import title_above_header

    assert 'below "sep=;", Excel\'s note' in title_above_header(2, "sep=;\r\n")
    assert "below 1 line of a report's title" in title_above_header(2, "Leads report")


@pytest.mark.parametrize("mapping", [CANONICAL, HUBSPOT])
def test_a_title_line_with_fewer_cells_than_the_header_is_named(
    tmp_path: Path, mapping: Mapping
) -> None:
    # "Leads report;generated 2026-01-02 by HubSpot;;" above a 30-column header: DuckDB read
    # the title as a 4-column header, no row below had 4 cells, and the 20,000-line export
    # was "has a header but no leads rows".
    path = tmp_path / "leads.csv"
    rows = "".join(f"L{n};2025-01-0{n} 10:00;CMO;Acme;x\r\n" for n in range(1, 6))
    path.write_bytes(
        (
            "\ufeffLeads report;generated 2026-01-02 by HubSpot;;\r\n"
            "Record ID;Create Date;Job Title;Company Name;Other\r\n" + rows
        ).encode()
    )
    with pytest.raises(InputError) as raised:
        load_leads(path, mapping)
    text = str(raised.value)
    assert "has a header but no" not in text, text
    if mapping is HUBSPOT:
        assert f"{path}:2: its header is on line 2, below 1 line of a report's title" in text
    else:
        assert f"{path}:1: line 1 ('Leads report;generated 2026-01-02 by HubSpot;;')" in text
        assert "delete the lines above the header" in text, text


@pytest.mark.parametrize("name", ["created_at", "won_at", "employees", "amount", "target_account"])
@pytest.mark.parametrize("cell", ["N/A", "#N/A", "-", "null"])
def test_a_placeholder_in_a_typed_column_is_named_as_one(name: str, cell: str) -> None:
    # "N/A" in a date column was "not a date or time ...; say how the file writes dates:
    # date_formats = [...]", on some 2,000 cells: the format was not wrong.
    status, why = read_cell(_column(name), cell, CANONICAL)
    assert (status, why) == ("bad", f"{name} {cell!r}: a placeholder for no value")
    assert fast_values(_column(name), CANONICAL, [cell]) == [None]


def test_a_reports_total_lines_are_named_and_a_grouped_report_is_said(tmp_path: Path) -> None:
    # A Salesforce report grouped by Lead Status: 4 of its 7 lines were "lead_id '':
    # required, but empty", and the lead under the group's first row lost its status unsaid.
    leads = write(
        tmp_path / "leads.csv",
        '"Lead Status","Lead ID","Created Date","Title"\n'
        '"Working - Contacted","00Q5g00000Ik2zw","2025-02-19","VP Sales"\n'
        '"","00Q5g000009382D","2025-02-20","CMO"\n'
        '"Subtotal","","",""\n'
        '"Working - Contacted (2 records)","","",""\n'
        '"Open - Not Contacted","00Q5g00000EYTq7","2025-03-19","VP Sales"\n'
        '"Grand Totals (3 records)","","",""\n',
    )
    rows, report = load_leads(leads, SALESFORCE)
    assert len(rows) == 3 and report.reasons == Counter({"report total line": 3})
    text = "\n".join(report.lines())
    assert "line 4: a report's total line ('Subtotal'), not a lead" in text, text
    assert "line 7: a report's total line ('Grand Totals (3 records)'), not a lead" in text
    assert "a report grouped by a column ('Working - Contacted (2 records)')" in text, text
    # A flat report's total in the id's own column, its dates empty: not a bad created_at.
    flat = write(
        tmp_path / "flat.csv",
        "Lead ID,Created Date,Amount\n00Q5g00000Ik2zw,2025-02-19,5\n"
        '"Grand Totals (1 record)",,"USD 5.00"\n',
    )
    rows, report = load_leads(flat, SALESFORCE)
    assert len(rows) == 1 and report.reasons == Counter({"report total line": 1})
    assert "grouped" not in "\n".join(report.lines())
    # An id-less row with a company that starts "Total" and a title is a lead's row gone
    # wrong, not a total line; a lead whose title says "Total" is a lead.
    real = write(
        tmp_path / "real.csv",
        "lead_id,created_at,company,title,employees\nL1,2025-02-19,Acme,Total rewards,5\n"
        ",2025-02-19,Total Wine,CMO,5\n,2025-02-19,Total Wine,,500\n102,N/A,Total Wine,,500\n",
    )
    rows, report = load_leads(real)
    assert len(rows) == 1
    assert report.reasons == Counter({"bad lead_id": 2, "bad created_at": 1}), report.lines()
    # Other wordings of a total: a count or a sum after it, or a group's name after a dash.
    for total in ["Total: 1", "Grand Total: 1", "Subtotal - Working", "Total (1)", "TOTAL 1"]:
        worded = write(
            tmp_path / "worded.csv",
            f'Lead ID,Created Date,Amount\n00Q5g00000Ik2zw,2025-02-19,5\n"{total}",,"USD 5.00"\n',
        )
        rows, report = load_leads(worded, SALESFORCE)
        assert report.reasons == Counter({"report total line": 1}), (total, report.lines())
    # A report grouped by company writes its subtotal as the company and a count.
    by_company = write(
        tmp_path / "by_company.csv",
        "Company,Lead ID,Created Date\nTotal Wine,L1,2025-02-19\n"
        "Total Wine (1 record),,\nGrand Totals (1 record),,\n",
    )
    rows, report = load_leads(by_company, SALESFORCE)
    assert len(rows) == 1 and report.reasons == Counter({"report total line": 2})
    assert "a report grouped by a column ('Total Wine (1 record)')" in "\n".join(report.lines())


def test_a_spreadsheets_empty_rows_are_said_as_empty_rows(tmp_path: Path) -> None:
    # Excel keeps formatted blank rows below the data (",,,"): each was "lead_id '': required,
    # but empty", and a room counted them as leads lost. A row with anything in it still
    # says what is wrong with it.
    leads = write(
        tmp_path / "leads.csv",
        "lead_id,created_at,title\nL1,2025-02-19,CEO\n,,\n, , \n,2025-02-20,\n,,CMO\n",
    )
    rows, report = load_leads(leads)
    assert len(rows) == 1
    assert report.reasons == Counter({"empty": 2, "bad lead_id": 2}), report.lines()
    text = "\n".join(report.lines())
    assert "line 3: an empty row: every column read is empty, not a lead" in text, text
    assert "line 4: an empty row" in text and "line 5: lead_id" in text, text
    activities = write(
        tmp_path / "activities.csv",
        'lead_id,kind,at\nL1,demo_request,2025-02-20\n,,\n"Grand Totals (1 record)",,\n',
    )
    loaded_activities, report = load_activities(activities, {"L1"})
    assert len(loaded_activities) == 1
    assert report.reasons == Counter({"empty": 1, "report total line": 1}), report.lines()
    text = "\n".join(report.lines())
    assert "line 3: an empty row: every column read is empty, not an activity" in text, text
    assert "'Grand Totals (1 record)'), not an activity" in text, text


def test_a_header_repeated_mid_file_is_said_as_the_header(tmp_path: Path) -> None:
    # Two exports joined into one file repeat the header: it was "created_at 'Create Date':
    # not a date or time", with advice to name the file's date format, and the activities'
    # copy "lead_id 'Lead ID' is not in the leads table".
    mapping = Mapping(
        leads={"lead_id": "Lead ID", "created_at": "Create Date", "title": "Job Title"},
        activities={"lead_id": "Lead ID", "kind": "Type", "at": "Date"},
    )
    leads = write(
        tmp_path / "leads.csv",
        "Lead ID,Create Date,Job Title\nL1,2025-01-02,CEO\n lead id ,CREATE DATE,\n"
        "L2,2025-01-03,VP\nLead ID,Create Date,CEO\n",
    )
    rows, report = load_leads(leads, mapping)
    assert [r.lead_id for r in rows] == ["L1", "L2"]
    assert report.reasons == Counter({"header again": 1, "bad created_at": 1}), report.lines()
    text = "\n".join(report.lines())
    assert "line 3: the header again, not a lead (two exports joined" in text, text
    assert "line 5: created_at 'Create Date'" in text, text  # a title in it: not the header
    activities = write(
        tmp_path / "activities.csv",
        "Lead ID,Type,Date\nL1,demo_request,2025-01-04\nLead ID,Type,Date\n"
        "L2,demo_request,2025-01-05\n",
    )
    kept, report = load_activities(activities, {"L1", "L2"}, mapping)
    assert len(kept) == 2
    assert report.reasons == Counter({"header again": 1}), report.lines()
    assert "line 3: the header again, not an activity" in "\n".join(report.lines())


def test_a_parquet_file_without_rows_is_said_so_not_read_as_text(tmp_path: Path) -> None:
    # Read as text for a report's title, it said "line 1 ('PAR1...') was read as a header".
    path = tmp_path / "leads.parquet"
    duckdb.sql(
        "COPY (SELECT 'L1' AS lead_id, TIMESTAMP '2025-01-01' AS created_at WHERE false) "
        f"TO '{path}' (FORMAT parquet)"
    )
    with pytest.raises(InputError, match="has a header but no leads rows"):
        load_leads(path)


def test_an_amount_with_its_currency_code_is_read(tmp_path: Path) -> None:
    # Salesforce's multi-currency orgs write "USD 15,000.00": it was "not a number", emptied,
    # and the won deal counted no revenue.
    path = tmp_path / "leads.csv"
    path.write_text(
        "lead_id,created_at,won_at,amount\n"
        'L1,2025-01-01,2025-03-01,"USD 15,000.00"\n'
        "L2,2025-01-01,2025-03-01,15000 EUR\n"
        "L3,2025-01-01,2025-03-01,usd 15\n"
        "L4,2025-01-01,2025-03-01,15 MIO\n"
        "L5,2025-01-01,2025-03-01,TBD 2025\n",
        encoding="utf-8",
    )
    leads, report = load_leads(path)
    assert [lead.amount for lead in leads] == [15000.0, 15000.0, None, None, None]
    assert "line 4: amount 'usd 15': not a number" in "\n".join(report.lines())


def test_a_stray_byte_in_the_first_mib_of_a_utf8_file_keeps_its_accents(tmp_path: Path) -> None:
    # One Windows-1252 dash among UTF-8 names: the whole file had been read as Windows-1252,
    # every "Müller" written "MÃ¼ller" without a word about those cells.
    path = tmp_path / "leads.csv"
    path.write_bytes(
        "lead_id,created_at,company\nL1,2025-01-01,Müller GmbH\nL2,2025-01-01,Señor Co\n".encode()
        + b"L3,2025-01-01,Acme \x96 Widgets\n"
    )
    form = detect(path)
    assert (form.encoding, form.stray, form.utf8) == ("utf-8", True, False)
    leads, report = load_leads(path)
    assert [lead.company for lead in leads] == ["Müller GmbH", "Señor Co", "Acme – Widgets"]
    assert "read as windows-1252 (line 4)" in "\n".join(report.lines())
    # A Windows-1252 file stays one: its accents are single bytes, and a pair that happens
    # to be a UTF-8 letter ("É®") among them does not make it UTF-8 (found by review).
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        "lead_id,created_at,company\nL1,2025-01-01,NESTLÉ®\nL2,2025-01-01,Crème\n".encode("cp1252")
    )
    assert detect(latin).encoding == "windows-1252" and not detect(latin).stray
    leads, _report = load_leads(latin)
    assert [lead.company for lead in leads] == ["NESTLÉ®", "Crème"]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_stray_bytes_are_named_on_their_lines_whatever_ends_a_line(
    tmp_path: Path, newline: bytes
) -> None:
    # CR-only files were one line to the transcoding: every stray byte named on line 1 (found
    # by review), and each decoded the rest of the file again.
    rows = [b"lead_id,created_at,company", "L0,2025-01-01,Müller".encode()]
    rows += [
        b"L%d,2025-01-01,%s" % (n, b"Acme \x96 Co" if n % 10 == 0 else "Zürich Co".encode())
        for n in range(1, 2001)
    ]
    path = tmp_path / "leads.csv"
    path.write_bytes(newline.join(rows) + newline)
    leads, report = load_leads(path)
    assert len(leads) == 2001 and [leads[9].company, leads[10].company] == [
        "Zürich Co",
        "Acme – Co",
    ]
    text = "\n".join(report.lines())
    assert "200 lines have bytes that are not UTF-8, read as windows-1252 (line 12, 22, 32" in text


# --- numbers as people and enrichment tools write them -------------------------------------

_GROUPINGS = [",", ".", " ", "\u00a0", "\u202f", "'"]


def _grouped(n: int, mark: str) -> str:
    return f"{n:,}".replace(",", mark)


def _count_spellings(rng: random.Random) -> list[tuple[str, int]]:
    """Whole numbers written with every thousands separator, and with a decimal part of zeros."""
    out = []
    for _ in range(400):
        n = rng.randint(0, 10 ** rng.randint(1, 12))
        mark = rng.choice(_GROUPINGS)
        out.append((_grouped(n, mark), n))
        decimal = "," if mark == "." else "."
        out.append((_grouped(n, mark) + decimal + "0" * rng.randint(1, 2), n))
        out.append((str(n), n))
    return out


def test_counts_read_every_thousands_separator() -> None:
    rng = random.Random(18)
    spelled = _count_spellings(rng)
    spelled += [("5.000", 5000), ("3.200", 3200), ("1.000.000", 1_000_000), ("1 000", 1000)]
    employees = _column("employees")
    for cell, n in spelled:
        assert read_cell(employees, cell) == ("ok", n), cell
    # A count is never another number: "5.000" is not 5, "1,5" is not 15.
    for cell in ("1,5", "1.5", "12,34", "1.2.3", "1,00,000", "1 0000"):
        assert read_cell(employees, cell)[0] == "bad", cell
    assert assert_fast_path_agrees(employees, CANONICAL, [c for c, _ in spelled]) > 400


_BANDS = [(1, 10), (11, 50), (51, 200), (201, 500), (501, 1000), (1001, 5000), (5001, 10000)]


def _range_spellings(rng: random.Random) -> list[tuple[str, int]]:
    out = []
    for low, high in _BANDS:
        mark = rng.choice([",", ".", " "])
        a, b = _grouped(low, mark), _grouped(high, mark)
        dash = rng.choice(["-", " - ", "\u2013", " to "])
        unit = rng.choice(["", "", " employees", " Employees"])
        out.append((f"{a}{dash}{b}{unit}", low))
    out.append(
        (rng.choice(["10,000+", "10.000+", "10000+", "10 000 +", "10,001+ employees"]), 10000)
    )
    return out


@pytest.mark.parametrize("seed", range(4))
def test_size_ranges_load_as_their_lower_bound_and_say_so(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    spelled = _range_spellings(rng) + rng.sample(_count_spellings(rng), 20)
    rng.shuffle(spelled)
    lines = [
        f'L{i},2025-01-01,CEO,"{cell}",software' for i, (cell, _) in enumerate(spelled, start=1)
    ]
    path = write(tmp_path / "leads.csv", LEADS_HEADER + "\n".join(lines) + "\n")
    leads, report = load_leads(path)
    assert report.skipped == 0, report.lines()
    assert [lead.employees for lead in leads] == [n for _, n in spelled]
    dotted = [c for c, _ in spelled if "." in c and numbers.is_ambiguous(c)]
    if dotted:  # "3.200" is 3200, and the summary says so
        note = next(n for n in report.notes if "'.' groups thousands" in n)
        assert note.startswith(f"employees: {len(dotted)} cell")
    ranges = sum(1 for cell, _ in spelled if numbers.is_range(cell))
    note = next(n for n in report.notes if n.startswith("employees:"))
    assert note.startswith(f"employees: {ranges} cells with a size range, read as its lower bound")
    first = min(cell for cell, _ in spelled if numbers.is_range(cell))  # all once: by text
    assert f"{first.strip()!r} as {numbers.parse_count(first)}" in note


def _amounts_file(tmp_path: Path, cells: list[str]) -> Path:
    lines = [f'L{i},2025-01-01,"{cell}"' for i, cell in enumerate(cells, start=1)]
    return write(tmp_path / "leads.csv", "lead_id,created_at,amount\n" + "\n".join(lines) + "\n")


def _european(value: float) -> str:
    return f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def test_an_ambiguous_amount_is_never_guessed(tmp_path: Path) -> None:
    # Whole amounts only: nothing in the column says which mark is the decimal one.
    rng = random.Random(5)
    cells = [str(rng.randint(1, 999)) for _ in range(30)] + ["1.200", "5,000", "1.200"]
    leads, report = load_leads(_amounts_file(tmp_path, cells))
    amounts = {lead.lead_id: lead.amount for lead in leads}
    for i, cell in enumerate(cells, start=1):
        if numbers.is_ambiguous(cell):
            assert amounts.get(f"L{i}") is None, cell  # left out or emptied, never 1.2 or 1200
        else:
            assert amounts[f"L{i}"] == float(cell)
    shown = "\n".join(report.lines())
    assert "amount: 3 cells like '1.200' could be read with either decimal mark" in shown
    assert "could be 1.2 or 1200" in shown and 'decimal = "."' in shown


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("style", ["european", "american"])
def test_the_rest_of_the_column_decides_the_decimal_mark(
    seed: int, style: str, tmp_path: Path
) -> None:
    rng = random.Random(f"{style}-{seed}")
    cells, want = [], []
    for _ in range(60):
        if rng.random() < 0.3:  # a whole thousand: "1.200" in Europe, "1,200" in America
            value = float(rng.randint(1, 999) * 1000 + rng.choice([0, 200, 500]))
            text = _grouped(int(value), "." if style == "european" else ",")
        else:
            value = round(rng.uniform(0.5, 99999), 2)
            text = _european(value) if style == "european" else f"{value:,.2f}"
        cells.append(text)
        want.append(value)
    leads, report = load_leads(_amounts_file(tmp_path, cells))
    assert report.skipped == 0, report.lines()
    assert [lead.amount for lead in leads] == pytest.approx(want)
    mark = "," if style == "european" else "."
    assert any(f"read with {mark!r} as the decimal mark" in note for note in report.notes)


@pytest.mark.parametrize(
    ("locale", "cell", "value"),
    [
        ("de-DE", "1.200", 1200.0),
        ("de-DE", "1,5", 1.5),
        ("de-DE", "1.234.567,89", 1234567.89),
        ("de-DE", "1 234,50", 1234.5),
        ("en-US", "1.200", 1.2),
        ("en-US", "1,200", 1200.0),
        ("de-CH", "1'234.50", 1234.5),
    ],
)
def test_the_mapping_locale_decides_an_amount(
    locale: str, cell: str, value: float, tmp_path: Path
) -> None:
    mapping_path = write(tmp_path / "mapping.toml", f'locale = "{locale}"\n')
    mapping = load_mapping(mapping_path)
    leads, report = load_leads(_amounts_file(tmp_path, [cell, "7"]), mapping)
    assert [lead.amount for lead in leads] == [value, 7.0], report.lines()
    if numbers.is_ambiguous(cell):
        assert any("as the mapping says" in note for note in report.notes)


@pytest.mark.parametrize("decimal", [",", "."])
def test_fast_amounts_agree_with_the_decimal_mark(decimal: str) -> None:
    rng = random.Random(decimal)
    cells = list(TRICKY_AMOUNTS)
    for _ in range(500):
        value = round(rng.uniform(-1e6, 1e7), rng.randint(0, 3))
        cells += [f"{value}", f"{value:,}", _european(value), str(int(value))]
    mapping = Mapping(decimal=decimal)
    assert assert_fast_path_agrees(_column("amount"), mapping, cells) > 500
    assert assert_fast_path_agrees(_column("amount"), CANONICAL, cells) > 500


def test_the_calibration_columns_load(tmp_path: Path) -> None:
    header = (
        "lead_id,created_at,lead_source,source_detail,first_response_at,sdr_decision_at,"
        "sql_at,closed_lost_at,touches_7d\n"
    )
    row = "L1,2025-01-01,Paid Search, spring campaign ,2025-01-01T10:00:00Z,2025-01-02,2025-01-09,,1.200\n"
    leads, report = load_leads(write(tmp_path / "leads.csv", header + row))
    assert report.skipped == 0
    missing = next(n for n in report.notes if "not in the file" in n)
    assert "lead_source" not in missing and "touches_7d" not in missing
    assert "touches_7d: 1 cell like '1.200' read as 1200" in "\n".join(report.notes)
    (lead,) = leads
    assert (lead.lead_source, lead.source_detail) == ("Paid Search", "spring campaign")
    assert lead.first_response_at == datetime(2025, 1, 1, 10, tzinfo=UTC)
    assert lead.sdr_decision_at is not None and lead.sql_at is not None
    assert lead.closed_lost_at is None and lead.touches_7d == 1200


# --- whole exports as the CRMs write them ---------------------------------------------------


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue()


_HUBSPOT_STAGES = {
    "subscriber": "prospect",
    "lead": "prospect",
    "marketingqualifiedlead": "prospect",
    "salesqualifiedlead": "prospect",
    "opportunity": "prospect",
    "customer": "customer",
    "evangelist": "customer",
    "other": "prospect",
}
_HUBSPOT_STATUSES = {
    "NEW": "unworked",
    "OPEN": "unworked",
    "IN_PROGRESS": "accepted",
    "OPEN_DEAL": "accepted",
    "UNQUALIFIED": "rejected",
    "ATTEMPTED_TO_CONTACT": "accepted",
    "CONNECTED": "accepted",
    "BAD_TIMING": "rejected",
}
_LABELS = {"marketingqualifiedlead": "Marketing Qualified Lead"}


def _as_written(internal: str, rng: random.Random) -> str:
    """An internal value as an export, the API or a person writes it."""
    words = _LABELS.get(internal, internal.replace("_", " ")).split()
    return rng.choice(
        [
            internal,
            " ".join(w.capitalize() for w in words),
            "_".join(w.lower() for w in words),
            " ".join(words).upper(),
        ]
    )


@pytest.mark.parametrize("seed", range(3))
def test_a_hubspot_export_with_internal_values_loads_whole(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    headers = list(HUBSPOT.leads.values())
    lead_rows, want = [], []
    for i in range(1, 121):
        stage, status = rng.choice(list(_HUBSPOT_STAGES)), rng.choice(list(_HUBSPOT_STATUSES))
        size = rng.choice([rng.randint(1, 10**6), None])
        if size is None:
            employees, want_size = rng.choice(
                [("51-200", 51), ("1,001-5,000", 1001), ("10,000+", 10000)]
            )
        else:
            employees, want_size = _grouped(size, rng.choice(_GROUPINGS)), size
        cells = {
            "lead_id": str(1000 + i),
            "created_at": rng.choice(["2025-03-05", "2025-03-05 14:05", "03/05/2025"]),
            "relationship": _as_written(stage, rng),
            "sdr_decision": _as_written(status, rng),
            "employees": employees,
            "amount": rng.choice(["", "1250.50", "980"]),
            "lead_source": rng.choice(["ORGANIC_SEARCH", "PAID_SOCIAL", "Direct Traffic"]),
        }
        lead_rows.append([cells.get(column, "") for column in HUBSPOT.leads])
        want.append((_HUBSPOT_STAGES[stage], _HUBSPOT_STATUSES[status], want_size))
    kinds = {"OPEN": "email_open", "Email open": "email_open", "MEETING_BOOKED": "contact_sales"}
    kinds |= {"Meeting booked": "contact_sales", "UNSUBSCRIBED": "unsubscribe"}
    activity_rows = [
        [str(1000 + rng.randint(1, 120)), kind, "2025-03-06 09:00"]
        for kind in rng.choices(list(kinds), k=300)
    ]
    leads_path = write(tmp_path / "leads.csv", _csv_text(headers, lead_rows))
    activities_path = write(
        tmp_path / "activities.csv",
        _csv_text(list(HUBSPOT.activities.values()), activity_rows),
    )
    evidence = load_evidence(leads_path, activities_path, HUBSPOT)
    assert evidence.problems.skipped == 0, evidence.problems.lines()
    got = [(lead.relationship, lead.sdr_decision, lead.employees) for lead in evidence.leads]
    assert got == want
    assert [a.kind for a in evidence.activities] == [kinds[row[1]] for row in activity_rows]


@pytest.mark.parametrize(
    "header", ["Company ID", "Associated Company ID", "Associated Company IDs (Primary)"]
)
def test_hubspot_s_company_id_is_read_under_each_name_its_exports_write(
    header: str, tmp_path: Path
) -> None:
    # A contacts export writes "Associated Company ID", a report "Company ID": the preset
    # knew only the second, said "not in the file, left empty: account_id", and the $30M+
    # template's account MQLs fell from 31 to 3 (accounts read from domains instead).
    leads = write(
        tmp_path / "leads.csv",
        _csv_text(
            ["Record ID", "Create Date", header],
            [["1", "2025-03-05", "900"], ["2", "2025-03-06", "900"], ["3", "2025-03-07", ""]],
        ),
    )
    activities = write(
        tmp_path / "activities.csv",
        _csv_text(["Record ID", "Activity Type", "Activity Date"], [["1", "OPEN", "2025-03-06"]]),
    )
    evidence = load_evidence(leads, activities, HUBSPOT)
    assert [lead.account_id for lead in evidence.leads] == ["900", "900", None]
    assert not any("account_id" in note for note in evidence.problems.leads.notes)
    # A mapping file that starts from the preset reads the same (found by review).
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('preset = "hubspot"\n', encoding="utf-8")
    evidence = load_evidence(leads, activities, load_mapping(mapping))
    assert [lead.account_id for lead in evidence.leads] == ["900", "900", None]


_SALESFORCE_STATUSES = {
    "Open_Not_Contacted": "unworked",
    "Working_Contacted": "accepted",
    "Closed_Converted": "accepted",
    "Closed_Not_Converted": "rejected",
}


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(("locale", "date_style"), [("de-DE", "."), ("en-GB", "/"), ("fr-FR", "/")])
def test_a_european_salesforce_export_loads_whole(
    seed: int, locale: str, date_style: str, tmp_path: Path
) -> None:
    # The locale alone says the dates are day first and how "1.200" reads.
    rng = random.Random(seed)
    mapping_path = write(
        tmp_path / "mapping.toml",
        f'preset = "salesforce"\nlocale = "{locale}"\n[leads]\namount = "Amount"\n',
    )
    mapping = load_mapping(mapping_path)
    headers = [*SALESFORCE.leads.values(), "Amount"]
    decimal = "," if locale != "en-GB" else "."
    rows, want = [], []
    for i in range(1, 121):
        status = rng.choice(list(_SALESFORCE_STATUSES))
        size = rng.randint(1, 50_000)
        amount = rng.choice([None, round(rng.uniform(100, 90_000), 2), 1200.0])
        day, month = rng.randint(1, 28), rng.randint(1, 12)
        cells = {
            "lead_id": f"00Q{i:06d}",
            "created_at": f"{day:02d}{date_style}{month:02d}{date_style}2025"
            + rng.choice(["", " 14:05"]),
            "sdr_decision": rng.choice([status, status.replace("_", " - ", 1).replace("_", " ")]),
            "employees": _grouped(size, rng.choice([".", " ", ""])),
            "lead_source": "Web",
        }
        if amount is None:
            amount_text = ""
        elif decimal == ",":
            amount_text = _european(amount)
        else:
            amount_text = f"{amount:,.2f}"
        if amount == 1200.0:  # ambiguous alone; the locale says
            amount_text = rng.choice(["1.200", "1.200,00"] if decimal == "," else ["1,200"])
        rows.append([*(cells.get(c, "") for c in SALESFORCE.leads), amount_text])
        want.append((_SALESFORCE_STATUSES[status], size, amount, (month, day)))
    leads, report = load_leads(write(tmp_path / "leads.csv", _csv_text(headers, rows)), mapping)
    assert report.skipped == 0, report.lines()
    got = [
        (
            lead.sdr_decision,
            lead.employees,
            lead.amount,
            (lead.created_at.month, lead.created_at.day),
        )
        for lead in leads
    ]
    assert got == [(s, n, pytest.approx(a) if a else None, d) for s, n, a, d in want]


# --- dates as the exporting user's locale writes them (issue 18 review) --------------------

_DAY_FIRST_FORMS = ("%d.%m.%Y %H:%M", "%d.%m.%Y, %H:%M", "%d.%m.%y %H:%M", "%d.%m.%Y")
_MONTH_FIRST_FORMS = ("%m/%d/%Y, %I:%M %p", "%m/%d/%Y %I:%M %p", "%m/%d/%y %I:%M %p")


def _dated_leads(tmp_path: Path, seed: int, form: str, n: int = 60) -> tuple[Path, list[datetime]]:
    """Leads whose created_at is written in one locale form; the times they stand for."""
    rng = random.Random(seed)
    start = datetime(2024, 7, 1, tzinfo=UTC)
    times = [
        (start + timedelta(minutes=rng.randrange(0, 365 * 24 * 60))).replace(second=0)
        for _ in range(n)
    ]
    if "%H" not in form and "%I" not in form:
        times = [t.replace(hour=0, minute=0) for t in times]
    rows = [[f"L{i}", t.strftime(form)] for i, t in enumerate(times)]
    return write(tmp_path / f"dated_{seed}.csv", _csv_text(["lead_id", "created_at"], rows)), times


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("mapping", [CANONICAL, SALESFORCE, HUBSPOT], ids=lambda m: m.name)
def test_day_first_dates_are_detected_without_a_locale(
    tmp_path: Path, seed: int, mapping: Mapping
) -> None:
    form = _DAY_FIRST_FORMS[seed % len(_DAY_FIRST_FORMS)]
    path, times = _dated_leads(tmp_path, seed, form)
    leads, report = load_leads(path, mapping)
    assert report.rows_loaded == len(times), report.lines()
    assert [lead.created_at for lead in leads] == times
    shown = "\n".join(report.lines())
    assert "created_at: dates read day first" in shown and "date_formats = [" in shown


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("mapping", [CANONICAL, SALESFORCE], ids=lambda m: m.name)
def test_us_dates_with_a_comma_and_am_pm_are_read(
    tmp_path: Path, seed: int, mapping: Mapping
) -> None:
    form = _MONTH_FIRST_FORMS[seed % len(_MONTH_FIRST_FORMS)]
    path, times = _dated_leads(tmp_path, seed, form)
    leads, report = load_leads(path, mapping)
    assert report.rows_loaded == len(times), report.lines()
    assert [lead.created_at for lead in leads] == times


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("05.03.2025, 14:22", datetime(2025, 3, 5, 14, 22, tzinfo=UTC)),
        ("05.03.25 14:22", datetime(2025, 3, 5, 14, 22, tzinfo=UTC)),
        ("5.3.25, 09:01", datetime(2025, 3, 5, 9, 1, tzinfo=UTC)),
        ("05.03.25", datetime(2025, 3, 5, tzinfo=UTC)),
    ],
)
def test_a_day_first_locale_reads_salesforce_german_forms(
    tmp_path: Path, cell: str, expected: datetime
) -> None:
    mapping_file = write(tmp_path / "m.toml", 'preset = "salesforce"\nlocale = "de-DE"\n')
    mapping = load_mapping(mapping_file)
    assert read_cell(_column("created_at"), cell, mapping) == ("ok", expected)


def test_the_salesforce_preset_reads_us_dates_with_a_comma() -> None:
    assert read_cell(_column("created_at"), "3/5/2025, 2:22 PM", SALESFORCE) == (
        "ok",
        datetime(2025, 3, 5, 14, 22, tzinfo=UTC),
    )


def test_an_ambiguous_column_is_read_month_first_and_says_so(tmp_path: Path) -> None:
    rows = [["L1", "03/05/2025 10:00"], ["L2", "04/06/2025 11:00"], ["L3", "12/01/2024 09:00"]]
    path = write(tmp_path / "leads.csv", _csv_text(["lead_id", "created_at"], rows))
    leads, report = load_leads(path)
    assert [lead.created_at.month for lead in leads] == [3, 4, 12]
    shown = "\n".join(report.lines())
    assert "dates read month first (every date could be day or month first), as US CRMs" in shown
    # The mapping's locale decides instead.
    mapping = load_mapping(write(tmp_path / "m.toml", 'locale = "en-GB"\n'))
    leads, report = load_leads(path, mapping)
    assert [lead.created_at.month for lead in leads] == [5, 6, 1]


def test_dotted_dates_that_could_be_either_are_read_day_first(tmp_path: Path) -> None:
    rows = [["L1", "03.05.2025 10:00"], ["L2", "04.06.2025 11:00"]]
    path = write(tmp_path / "leads.csv", _csv_text(["lead_id", "created_at"], rows))
    leads, report = load_leads(path)
    assert [lead.created_at.month for lead in leads] == [5, 6]
    assert "as dotted dates are written" in "\n".join(report.lines())


def test_given_date_formats_are_not_second_guessed(tmp_path: Path) -> None:
    rows = [["L1", "17.01.2025 03:31"], ["L2", "2025-01-02"]]
    path = write(tmp_path / "leads.csv", _csv_text(["lead_id", "created_at"], rows))
    mapping = load_mapping(write(tmp_path / "m.toml", 'date_formats = ["%m/%d/%Y"]\n'))
    leads, report = load_leads(path, mapping)
    assert [lead.lead_id for lead in leads] == ["L2"]
    shown = "\n".join(report.lines())
    assert "dates read" not in shown


def test_an_unreadable_date_names_the_formats_tried_and_the_mapping_keys(tmp_path: Path) -> None:
    status, why = read_cell(_column("created_at"), "17.01.2025 03:31", SALESFORCE)
    assert status == "bad"
    assert "'%m/%d/%Y %I:%M %p'" in why  # the formats tried, and one that reads it
    assert 'date_formats = ["%d.%m.%Y %H:%M"] reads this one' in why
    status, why = read_cell(_column("created_at"), "morgen", CANONICAL)
    assert status == "bad" and "ISO 8601" in why and "date_formats" in why and "locale" in why


@pytest.mark.parametrize("seed", range(4))
def test_a_too_wide_row_says_how_many_fields_it_has(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    width = rng.randrange(3, 23)
    extra = rng.randrange(1, 6)
    header = ["lead_id", "created_at", *(f"c{i}" for i in range(width - 2))]
    good = [["L1", "2025-01-01", *("x" for _ in range(width - 2))]]
    # Quoted cells with the delimiter and a line break inside are one cell each.
    wide = ["L2", "2025-01-02", *('"a, b"' if i % 2 else "y" for i in range(width - 2 + extra))]
    text = ",".join(header) + "\r\n" + ",".join(good[0]) + "\r\n" + ",".join(wide) + "\r\n"
    text += ",".join(["L3", '"2025-01-03"', *('"multi\nline"' for _ in range(width - 2))]) + "\r\n"
    text += ",".join(["L4", "2025-01-04", *("z" for _ in range(width - 2 + extra + 1))]) + "\r\n"
    leads, report = load_leads(write(tmp_path / "wide.csv", text))
    assert [lead.lead_id for lead in leads] == ["L1", "L3"]
    shown = "\n".join(report.lines())
    assert f"line 3: expected {width} fields, found {width + extra}" in shown
    assert f"line {width + 3}: expected {width} fields, found {width + extra + 1}" in shown
    assert "more than" not in shown


@pytest.mark.parametrize("seed", range(3))
def test_an_activity_of_a_left_out_lead_names_the_line_it_was_left_out_at(
    seed: int, tmp_path: Path
) -> None:
    rng = random.Random(seed)
    ids = [str(51_235_000 + rng.randint(0, 10**6)) for _ in range(30)]
    ids = list(dict.fromkeys(ids))
    broken = {lead: rng.choice(["31/02/2025 25:61", "", "not a date"]) for lead in ids[::4]}
    rows = [f"{lead},{broken.get(lead, '2025-03-05')}" for lead in ids]
    leads = write(tmp_path / "leads.csv", "lead_id,created_at\n" + "\n".join(rows) + "\n")
    stranger = "99999999"
    acts = [rng.choice(ids) for _ in range(60)] + [stranger]
    activities = write(
        tmp_path / "activities.csv",
        "lead_id,kind,at\n" + "".join(f"{lead},email_open,2025-03-06\n" for lead in acts),
    )
    evidence = load_evidence(leads, activities)
    lead_line = {lead: ids.index(lead) + 2 for lead in ids}
    unknown = [p for p in evidence.problems.activities.all if p.kind == "unknown lead_id"]
    assert len(unknown) == sum(1 for lead in acts if lead in broken or lead == stranger)
    for problem in unknown:
        if problem.value == stranger:
            assert problem.reason == f"lead_id {stranger!r} is not in the leads table"
        else:
            assert problem.value is not None
            assert problem.reason.startswith(
                f"lead_id {problem.value!r}: its lead row was left out at "
                f"line {lead_line[problem.value]} of the leads file: created_at "
            ), problem.reason


@pytest.mark.parametrize("seed", range(3))
def test_a_lead_marked_customer_by_its_own_win_was_a_prospect_before_it(
    seed: int, tmp_path: Path
) -> None:
    # HubSpot sets Lifecycle Stage to Customer when the contact's deal is won: the export says
    # what the lead became. Only a customer won at or before it came in was one from the start.
    rng = random.Random(seed)
    headers = list(HUBSPOT.leads.values())
    rows, want = [], []
    for i in range(80):
        case = rng.choice(["won later", "customer before", "customer, no win", "prospect won"])
        stage = rng.choice(["customer", "CUSTOMER", "Customer", "evangelist"])
        created, won = "2025-03-05 10:00", ""
        if case == "won later":
            won = f"2025-{rng.randint(4, 12):02d}-{rng.randint(1, 28):02d}"
        elif case == "customer before":
            won = rng.choice(["2024-11-02", "2025-03-05 10:00"])
        elif case == "prospect won":
            stage, won = "opportunity", "2025-06-01"
        cells = {"lead_id": str(9000 + i), "created_at": created, "relationship": stage}
        cells["won_at"] = won
        rows.append([cells.get(column, "") for column in HUBSPOT.leads])
        want.append("customer" if case in ("customer before", "customer, no win") else "prospect")
    path = write(tmp_path / "leads.csv", _csv_text(headers, rows))
    leads, report = load_leads(path, HUBSPOT)
    assert [lead.relationship for lead in leads] == want
    flipped = sum(
        1
        for row, w in zip(rows, want, strict=True)
        if w == "prospect" and row[list(HUBSPOT.leads).index("relationship")] != "opportunity"
    )
    notes = [note for note in report.notes if note.startswith("relationship:")]
    if flipped:
        assert notes and f"{flipped} lead" in notes[0] and "read as prospects" in notes[0]
    else:
        assert not notes


_COUNTRIES = {
    "United States": "north-america",
    "Canada": "north-america",
    "Germany": "europe",
    "United Kingdom": "europe",
}
_INDUSTRIES = {"Computer Software": "software", "Financial Services": "fintech"}


def _translating(tmp_path: Path, preset: str) -> Mapping:
    lines = [f'preset = "{preset}"', "[values.region]"]
    lines += [f'"{their}" = "{ours}"' for their, ours in _COUNTRIES.items()]
    lines += ["[values.industry]"]
    lines += [f'"{their}" = "{ours}"' for their, ours in _INDUSTRIES.items()]
    lines += ["[values.lead_source]", '"ORGANIC_SEARCH" = "organic"']
    return load_mapping(write(tmp_path / "mapping.toml", "\n".join(lines) + "\n"))


def _as_crm_writes(value: str, rng: random.Random) -> str:
    words = value.split()
    return rng.choice(
        [
            value,
            value.upper(),
            "_".join(w.upper() for w in words),
            value.lower(),
            "-".join(words),
            f" {value} ",
            value.replace(" ", "\u00a0"),
            value + "\u3000",
        ]
    )


def test_translated_text_columns_read_alike_by_the_fast_path(tmp_path: Path) -> None:
    mapping = _translating(tmp_path, "hubspot")
    rng = random.Random(5)
    for name, table in (("region", _COUNTRIES), ("industry", _INDUSTRIES)):
        cells = [_as_crm_writes(v, rng) for v in table for _ in range(6)]
        cells += [*TRICKY_TEXT, "France", "-", "  ", "Straße", "united/states", "U.S."]
        assert assert_fast_path_agrees(_column(name), mapping, cells) > len(table)
        for cell in cells[: 6 * len(table)]:
            assert read_cell(_column(name), cell, mapping)[1] in table.values(), cell
        assert read_cell(_column(name), "France", mapping) == ("ok", "France")


@pytest.mark.parametrize("seed", range(3))
def test_a_crm_export_s_countries_and_industries_read_as_the_definition_s(
    seed: int, tmp_path: Path
) -> None:
    rng = random.Random(seed)
    mapping = _translating(tmp_path, "hubspot")
    headers = list(HUBSPOT.leads.values())
    rows, want = [], []
    for i in range(150):
        country = rng.choice([*_COUNTRIES, "Brazil", ""])
        industry = rng.choice([*_INDUSTRIES, "Retail"])
        cells = {"lead_id": str(7000 + i), "created_at": "2025-03-05"}
        cells["region"] = _as_crm_writes(country, rng) if country else ""
        cells["industry"] = _as_crm_writes(industry, rng)
        cells["lead_source"] = rng.choice(["ORGANIC_SEARCH", "Organic Search", "PAID_SOCIAL"])
        rows.append([cells.get(column, "") for column in HUBSPOT.leads])
        want.append(
            (
                _COUNTRIES.get(country, cells["region"].strip() or None),
                _INDUSTRIES.get(industry, cells["industry"].strip()),
                "organic" if cells["lead_source"] != "PAID_SOCIAL" else "PAID_SOCIAL",
            )
        )
    path = write(tmp_path / "leads.csv", _csv_text(headers, rows))
    leads, report = load_leads(path, mapping)
    assert report.skipped == 0
    assert [(lead.region, lead.industry, lead.lead_source) for lead in leads] == want


def _seniority_files(tmp_path: Path, with_seniority: bool) -> tuple[Path, Path]:
    """A Parquet leads file whose seniority comes from the title in every way there is."""
    titles = [
        "VP Sales",
        "  Head of Growth ",  # Python trims it first
        "Chief Executive Officer",
        "Barista",  # gives no seniority
        None,
        "Sr. Software Engineer",
        "Marketing Mgr",
        "VP Sales",
    ]
    cells = [None, None, "manager", None, None, " vp ", "bogus", ""]  # read by Python: 5, 6, 7
    rows = []
    for n, title in enumerate(titles):
        row = f"('L{n}', TIMESTAMP '2025-01-0{n + 1} 10:00:00', {_sql(title)}"
        rows.append(row + (f", {_sql(cells[n])})" if with_seniority else ")"))
    columns = "lead_id, created_at, title" + (", seniority" if with_seniority else "")
    leads, activities = tmp_path / "leads.parquet", tmp_path / "activities.parquet"
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * FROM (VALUES {', '.join(rows)}) t({columns})) TO '{leads}' "
        f"(FORMAT parquet)"
    )
    con.execute(
        "COPY (SELECT 'L0' AS lead_id, 'demo_request' AS kind, "
        f"TIMESTAMP '2025-02-01 10:00:00' AS \"at\") TO '{activities}' (FORMAT parquet)"
    )
    return leads, activities


def _sql(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


@pytest.mark.parametrize("with_seniority", [True, False])
def test_seniority_from_the_title_during_the_read_gives_the_same_leads(
    with_seniority: bool, tmp_path: Path
) -> None:
    leads, activities = _seniority_files(tmp_path, with_seniority)
    want, want_report = reference_load(leads, "leads")
    con = duckdb.connect()
    problems = load_to_duckdb(con, leads, activities)
    assert fetch_leads(con) == want
    assert_same_report(problems.leads, want_report)
    inferred = 4 if with_seniority else 6  # rows 0, 1, 6 ("bogus") and 7 (""), or all with a guess
    assert f"seniority inferred from the job title for {inferred} leads" in want_report.notes
    assert not con.execute("SELECT * FROM duckdb_types() WHERE type_name LIKE '_wb_%'").fetchall()


def test_a_parquet_file_s_seniority_is_filled_in_its_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Empty seniority cells are filled from the title while the file is read: no UPDATE of
    # the leads' seniority and no rewrite of the table afterwards, however many leads.
    monkeypatch.setattr(load, "_UPDATE_MAX", 0)
    leads, activities = _seniority_files(tmp_path, with_seniority=False)
    recording = _Recording(duckdb.connect())
    problems = load_to_duckdb(recording, leads, activities)  # type: ignore[arg-type]
    assert "seniority inferred from the job title for 6 leads" in problems.leads.notes
    after = [
        sql
        for sql in recording.statements
        if "seniority" in sql
        and re.match(r"(UPDATE|CREATE OR REPLACE TEMP TABLE) _wb_load_leads", sql)
    ]
    assert len(after) == 1 and " AS SELECT CAST(" in after[0], after
    assert [row.seniority for row in fetch_leads(recording.con)] == [
        "vp", "director", "c-level", None, None, "individual", "manager", "vp"
    ]  # fmt: skip


def test_ids_set_aside_keep_the_rows_in_file_order(tmp_path: Path) -> None:
    # Activities whose lead id is not a known one as it is (padded, unknown) are set aside for
    # Python after the pass; with cells the fast path left in other rows and columns, every
    # kept row stays where the file has it, and the report names the right lines.
    leads = write(tmp_path / "leads.csv", "lead_id,created_at\nL1,2025-01-01\nL2,2025-01-01\n")
    activities = write(
        tmp_path / "activities.csv",
        "lead_id,kind,at\n"
        " L2 ,demo_request,2025-01-02\n"
        "L1, Demo Request ,2025-01-03\n"
        "L9,demo_request,2025-01-04\n"
        "L2,pricing_page_view, 2025-01-05 \n"
        "\u00a0L1,blog_visit,2025-01-06\n"
        "L1,webinar,2025-01-07\n"
        "L2,blog_visit,2025-01-08\n",
    )
    evidence = load_evidence(leads, activities)
    assert [(a.lead_id, a.kind, a.at.day) for a in evidence.activities] == [
        ("L2", "demo_request", 2),
        ("L1", "demo_request", 3),
        ("L2", "pricing_page_view", 5),
        ("L1", "blog_visit", 6),
        ("L2", "blog_visit", 8),
    ]
    report = evidence.problems.activities
    assert [(p.where, p.kind) for p in report.all] == [
        ("line 4", "unknown lead_id"),
        ("line 7", "bad kind"),
    ]
    con = duckdb.connect()
    load_to_duckdb(con, leads, activities)
    columns = [str(row[0]) for row in con.execute("DESCRIBE activities").fetchall()]
    assert columns == [c.name for c in ACTIVITY_COLUMNS]


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("2025-13-01T10:00:00Z", "no such date: there is no month 13"),
        ("2025-02-30", "no such date: February 2025 has 28 days"),
        ("2024-02-30 08:00:00", "no such date: February 2024 has 29 days"),
        ("2025-04-31T00:00:00Z", "no such date: April 2025 has 30 days"),
    ],
)
def test_a_date_no_calendar_has_is_said_as_such(value: str, said: str) -> None:
    """'2025-13-01' was told to declare its date format, which would not help anyone."""
    created = next(c for c in LEAD_COLUMNS if c.name == "created_at")
    status, why = read_cell(created, value, CANONICAL)
    assert status == "bad" and str(why).endswith(said)
    other = read_cell(created, "31/01/2025 x", CANONICAL)[1]
    assert "date_formats" in str(other)  # a format nobody declared still gets the advice


@pytest.mark.parametrize(
    ("value", "formats", "said"),
    [
        # The day past its month's end in the column's own format: it had been told to
        # declare that very format.
        ("29.02.2025 10:00", ("%d.%m.%Y %H:%M",), "no such date: its day is past the end"),
        ("31/04/2025", ("%d/%m/%Y",), "no such date: its day is past the end"),
        # All zeros: a database's "no date", not a format to declare.
        ("0000-00-00 00:00:00", (), "all zeros: a database's 'no date'"),
        ("00.00.0000", ("%d.%m.%Y",), "all zeros: a database's 'no date'"),
    ],
)
def test_a_date_no_calendar_has_is_said_as_such_in_any_format(
    value: str, formats: tuple[str, ...], said: str
) -> None:
    created = next(c for c in LEAD_COLUMNS if c.name == "created_at")
    mapping = Mapping(date_formats=formats, dates_given=bool(formats))
    status, why = read_cell(created, value, mapping)
    assert status == "bad" and said in str(why), why
    assert "date_formats" not in str(why)


QUOTED_LEADS = [
    'L1,2025-01-05T10:00:00Z,"Director, Marketing",Acme,software,north-america{tail1}',
    'L2,2025-01-06T10:00:00Z,"VP, Sales",Beta,fintech,europe{tail2}',
    'L3,2025-01-07T10:00:00Z,CEO,"The 24" Monitor Co",software,europe{tail3}',
    'L4,2025-01-08T10:00:00Z,"Head, Growth",Delta,software,north-america{tail4}',
    "L5,2025-01-09T10:00:00Z,CTO,Echo,software,north-america{tail5}",
]


@pytest.mark.parametrize(
    ("extra_header", "tails"),
    [
        # A trailing empty column: the whole file was read without quotes, 5 of 5 "loaded",
        # L1's title '"Director' and company 'Marketing"', without a word.
        (",lead_source", [",", ",", ",Web", ",", ",Web"]),
        # None: L1, L2 and L4 left out as "expected 6 fields, found 7".
        ("", [""] * 5),
        # A notes column: L2 kept with its cells shifted, L1 and L4 left out.
        (",notes", [',"Met at booth, follow up"', ",", ",ok", ',"Call back, Tuesday"', ",ok"]),
    ],
)
def test_one_quote_that_does_not_close_costs_its_line_and_shifts_no_other_row(
    tmp_path: Path, extra_header: str, tails: list[str]
) -> None:
    rows = [
        row.format(**{f"tail{n + 1}": tail for n, tail in enumerate(tails)}) for row in QUOTED_LEADS
    ]
    leads = write(
        tmp_path / "leads.csv",
        f"lead_id,created_at,title,company,industry,region{extra_header}\n"
        + "\n".join(rows)
        + "\n",
    )
    activities = write(
        tmp_path / "activities.csv",
        "lead_id,kind,at\n"
        + "".join(f"L{n},demo_request,2025-02-01T10:00:00Z\n" for n in range(1, 6)),
    )
    con = duckdb.connect()
    problems = load_to_duckdb(con, leads, activities)
    read = con.execute(
        "SELECT lead_id, title, company, region FROM leads ORDER BY lead_id"
    ).fetchall()
    assert read == [
        ("L1", "Director, Marketing", "Acme", "north-america"),
        ("L2", "VP, Sales", "Beta", "europe"),
        ("L4", "Head, Growth", "Delta", "north-america"),
        ("L5", "CTO", "Echo", "north-america"),
    ]
    report = problems.leads
    assert report.rows_read == 5 and report.rows_loaded == 4
    (problem,) = report.all
    assert problem.where == "line 4" and problem.kind == "unreadable line"
    assert problem.reason.startswith("company: a quoted cell goes on after its closing quote")
    assert not any("read without quotes" in note for note in report.notes)
    # Its activities name the line the lead was left out at, not "not in the leads table".
    (activity,) = problems.activities.all
    assert "left out at line 4" in activity.reason


def test_a_quote_that_closes_on_a_later_line_names_the_lines_it_took_in(tmp_path: Path) -> None:
    # One stray quote made DuckDB read the whole file without quotes: every properly quoted
    # title with a comma split. Read with quotes, the stray one runs into the next line, as
    # a cell quoted over two lines does; both lines are named, none lost without a word.
    leads = write(
        tmp_path / "leads.csv",
        "lead_id,created_at,title,seniority,company,employees,industry,region\n"
        'L1,2025-01-05,"Director, Sales",director,Acme,300,software,europe\n'
        'L2,2025-01-06,VP Marketing,vp,"Globex,400,software,europe\n'
        'L3,2025-01-07,"VP, Ops",vp,Initech,500,software,europe\n'
        "L4,2025-01-08,CTO,cxo,Hooli,600,software,europe\n",
    )
    got, report = load_leads(leads)
    assert [(lead.lead_id, lead.title) for lead in got] == [
        ("L1", "Director, Sales"),
        ("L4", "CTO"),
    ]
    (problem,) = report.all
    assert problem.where == "line 3"
    # It said "goes on after its closing quote" of a quote that does not close on its line.
    assert problem.reason.startswith("company: a quote opened in this cell is not closed")
    assert "lines 3-4 were read as this one record and left out" in problem.reason
    # L3's activity said "not in the leads table": its line was taken into line 3's record.
    activities = write(
        tmp_path / "activities.csv",
        "lead_id,kind,at\nL3,demo_request,2025-02-01T10:00:00Z\nL9,demo_request,2025-02-01\n",
    )
    problems = load_to_duckdb(duckdb.connect(), leads, activities)
    first, second = problems.activities.all
    assert "lead_id 'L3': its lead row was left out at line 3 of the leads file" in first.reason
    assert second.reason == "lead_id 'L9' is not in the leads table"


def test_a_row_that_leaves_trailing_empty_cells_off_is_kept_and_said(tmp_path: Path) -> None:
    # "line 3: expected 6 fields, found 4": the lead and its activities were left out, the
    # activity said to be of a lead "not in the leads table".
    leads = write(
        tmp_path / "leads.csv",
        "lead_id,created_at,title,industry,won_at,amount\n"
        "L1,2025-01-05T10:00:00Z,VP Marketing,software,2025-03-01,5000\n"
        "L2,2025-01-06T10:00:00Z,CEO,fintech\n"
        "L3,2025-01-07T10:00:00Z,CTO,software,,\n",
    )
    activities = write(
        tmp_path / "activities.csv",
        "lead_id,kind,at\n"
        + "".join(f"L{n},demo_request,2025-02-01T10:00:00Z\n" for n in range(1, 4)),
    )
    con = duckdb.connect()
    problems = load_to_duckdb(con, leads, activities)
    assert con.execute("SELECT lead_id, industry, won_at, amount FROM leads ORDER BY 1").fetchall()[
        1
    ] == ("L2", "fintech", None, None)
    assert (problems.leads.rows_loaded, problems.leads.skipped) == (3, 0)
    assert (problems.activities.rows_loaded, problems.activities.skipped) == (3, 0)
    assert problems.leads.notes[0] == (
        "1 row had fewer cells than the header: read the missing ones as empty (line 3)"
    )


def test_short_rows_are_kept_beside_quoted_line_breaks_a_footer_and_a_shifted_row(
    tmp_path: Path,
) -> None:
    # DuckDB pads a file with a cell quoted over lines only in one thread; a footer's lines of
    # one cell are not rows; a row with cells past the header that are not empty stays refused.
    leads = write(
        tmp_path / "leads.csv",
        "lead_id,created_at,title,employees,industry\n"
        'L1,2025-01-01,"Head of\nGrowth, EMEA",200,software\n'  # lines 2-3
        "L2,2025-01-02,CEO\n"  # line 4: short
        "L3,2025-01-03,CTO,300,software,Acme,extra\n"  # line 5: shifted, refused
        "L4,2025-01-04,VP,400,fintech\n"  # line 6
        "L5,2025-01-05\n"  # line 7: short
        "L6,2025-01-06,,x\n"  # line 8: short, a bad size read as empty
        "\n"
        '"Leads report"\n'
        '"Generated by someone"\n',
    )
    got, report = load_leads(leads)
    assert [(lead.lead_id, lead.title, lead.employees) for lead in got] == [
        ("L1", "Head of\nGrowth, EMEA", 200),
        ("L2", "CEO", None),
        ("L4", "VP", 400),
        ("L5", None, None),
        ("L6", None, None),
    ]
    assert [(p.where, p.kind) for p in report.all] == [
        ("line 5", "unreadable line"),
        ("line 8", "employees read as empty"),
    ]
    assert report.all[0].reason == "expected 5 fields, found 7"
    assert "3 rows had fewer cells than the header: read the missing ones as empty " in " ".join(
        report.notes
    )
    assert "(lines 4, 7, 8)" in " ".join(report.notes)
    assert any("report footer of 2 lines" in note for note in report.notes)
    assert report.rows_read == 6 and report.rows_loaded == 5


def test_a_file_read_unsniffed_still_refuses_a_header_used_twice(tmp_path: Path) -> None:
    leads = write(
        tmp_path / "leads.csv",
        "lead_id,created_at,title,Title\n"
        'L1,2025-01-05,"Director, Sales",x\n'
        'L2,2025-01-06,"The 24" Monitor Co",y\n',
    )
    with pytest.raises(InputError, match="columns 3 and 4 are both headed"):
        load_leads(leads)


# --- placeholders in text cells ---------------------------------------------------------------

PLACEHOLDER_CELLS = ["#N/A", "N/A", " n/a ", "-", "--", "null", "None", "NaN", "(blank)", "#REF!"]
REAL_TEXT = ["NA", "N.A.", "Acme", "Unknown", "n/a acme", "-x", "nonE profit"]


@pytest.mark.parametrize(
    "name", ["title", "company", "domain", "account_id", "industry", "rejection_reason"]
)
def test_a_placeholder_in_a_text_cell_is_read_as_empty_on_both_paths(name: str) -> None:
    # An account_id of '#N/A' made every such lead one account (AQLs 2 -> 43 on a 2,000-lead
    # export); a session '-' made one session of activities days apart.
    column = _column(name)
    for cell in PLACEHOLDER_CELLS:
        status, value = read_cell(column, cell, CANONICAL)
        assert status == "bad" and "a placeholder for no value" in str(value), (cell, value)
    for cell in REAL_TEXT:
        assert read_cell(column, cell, CANONICAL)[0] == "ok", cell
    assert fast_values(column, CANONICAL, PLACEHOLDER_CELLS) == [None] * len(PLACEHOLDER_CELLS)
    assert assert_fast_path_agrees(column, CANONICAL, REAL_TEXT) >= 4


def test_a_session_placeholder_is_read_as_empty() -> None:
    column = _column("session_id", ACTIVITY_COLUMNS)
    assert read_cell(column, "-", CANONICAL)[0] == "bad"
    assert fast_values(column, CANONICAL, ["-", "s-1"]) == [None, "s-1"]


def test_a_placeholder_the_mapping_names_keeps_the_mappings_meaning() -> None:
    mapping = Mapping(values={"rejection_reason": {"N/A": "other"}})
    column = _column("rejection_reason")
    assert read_cell(column, "N/A", mapping) == ("ok", "other")
    assert read_cell(column, "#N/A", mapping)[0] == "bad"
    assert assert_fast_path_agrees(column, mapping, ["N/A", "n/a", "Budget"]) >= 1


def test_leads_with_a_placeholder_account_are_not_one_account(tmp_path: Path) -> None:
    con, problems = loaded(
        tmp_path,
        "lead_id,created_at,company,domain,account_id,rejection_reason\n"
        "1,2025-01-02,Acme,acme.io,#N/A,N/A\n"
        "2,2025-01-02,Globex,globex.io,#N/A,Budget\n"
        "3,2025-01-02,Initech,initech.io,A-7,-\n",
        "lead_id,kind,at,session_id\n1,demo_request,2025-01-03,-\n2,demo_request,2025-01-04,-\n",
    )
    rows = con.execute(
        "SELECT lead_id, account_id, rejection_reason FROM leads ORDER BY lead_id"
    ).fetchall()
    assert rows == [("1", None, None), ("2", None, "Budget"), ("3", "A-7", None)]
    assert con.execute("SELECT count(session_id) FROM activities").fetchone() == (0,)
    said = "\n".join(problems.lines())
    assert "account_id '#N/A': a placeholder for no value; read as empty" in said, said


@pytest.mark.parametrize(
    ("cell", "level"),
    [
        ("C-Level Exec", "c-level"),
        ("Executive", "c-level"),
        ("CXO", "c-level"),
        ("c_suite", "c-level"),
        ("VP-Level Exec", "vp"),
        ("Director", "director"),
        ("Manager", "manager"),
        ("Non-Manager", "individual"),
        ("Entry", "individual"),
        ("Training", "intern"),
        ("Partner", "c-level"),
        # Not a level label: read as a title, as before.
        ("Account Executive", "individual"),
        ("Head of Growth", "director"),
    ],
)
def test_a_seniority_cell_written_as_a_level_label_is_that_level(cell: str, level: str) -> None:
    # ZoomInfo's management levels were read as job titles: "C-Level Exec" and "Executive"
    # became individual (an account executive), "Non-Manager" became manager.
    column = _column("seniority")
    assert read_cell(column, cell, CANONICAL) == ("ok", level)
    assert assert_fast_path_agrees(column, CANONICAL, [cell]) in (0, 1)


@pytest.mark.parametrize("name", ["lead_id", "account_id"])
def test_an_id_in_scientific_notation_is_never_read_as_an_id(name: str) -> None:
    # Excel shows 51234500000 as 5.12345E+10: 1,998 of 2,000 leads became "duplicates" of
    # two, and every activity was attached to those two.
    column = _column(name)
    for cell in ["5.12345E+10", "1E+15", " 5,12345E+10 ", "5.12345E10"]:
        status, value = read_cell(column, cell, CANONICAL)
        assert status == "bad" and "scientific notation" in str(value), (cell, value)
    real = ["51234500000", "00Q5e00000AbCdE", "E+10", "L-5E+10", "1e5"]
    for cell in real:
        assert read_cell(column, cell, CANONICAL)[0] == "ok", cell
    assert fast_values(column, CANONICAL, ["5.12345E+10"]) == [None]
    assert assert_fast_path_agrees(column, CANONICAL, real) == len(real)


def test_a_parquet_float_id_is_said_as_a_float_column_not_a_spreadsheets(tmp_path: Path) -> None:
    # pandas turns a column of 19-digit ids into float64 after a merge leaves a cell empty:
    # the ids were "written in scientific notation (a spreadsheet read it as a number)",
    # where no spreadsheet had been.
    leads = tmp_path / "leads.parquet"
    duckdb.sql(
        "COPY (SELECT * FROM (VALUES (5725767000000456000::DOUBLE, TIMESTAMP '2025-01-02'), "
        "(5725767000000456007::DOUBLE, TIMESTAMP '2025-01-03')) t(lead_id, created_at)) "
        f"TO '{leads}' (FORMAT parquet)"
    )
    rows, report = load_leads(leads)
    assert rows == [] and report.skipped == 2
    text = "\n".join(report.lines())
    assert "stored as a floating-point number" in text and "spreadsheet" not in text, text


@pytest.mark.parametrize("name", ["lead_id", "account_id"])
def test_several_ids_joined_in_one_cell_are_no_id(name: str) -> None:
    # HubSpot's "Associated Company IDs" holds every company a contact is associated with:
    # "555;777" and "777;555" were read as two more accounts beside "555".
    column = _column(name)
    for cell in ["555;777", "777;555", " 555; 777 ", "555;"]:
        status, value = read_cell(column, cell, CANONICAL)
        assert status == "bad" and "several ids in one cell" in str(value), (cell, value)
    assert fast_values(column, CANONICAL, ["555;777", "555"]) == [None, "555"]
    assert assert_fast_path_agrees(column, CANONICAL, ["555", "555,777", "a:b"]) == 3


def test_a_lead_whose_account_cell_holds_several_ids_is_kept_without_one(tmp_path: Path) -> None:
    leads = write(
        tmp_path / "leads.csv",
        "lead_id,created_at,account_id\n101,2025-02-19,555;777\n102,2025-02-19,777;555\n"
        "103,2025-02-19,555\n",
    )
    activities = write(
        tmp_path / "activities.csv", "lead_id,kind,at\n101,demo_request,2025-03-01\n"
    )
    con = duckdb.connect()
    problems = load_to_duckdb(con, leads, activities, CANONICAL)
    assert con.execute("SELECT lead_id, account_id FROM leads ORDER BY lead_id").fetchall() == [
        ("101", None),
        ("102", None),
        ("103", "555"),
    ]
    said = "\n".join(problems.lines())
    assert "account_id '555;777': several ids in one cell" in said, said
    assert "line 2" in said and "line 3" in said, said


def test_a_workbook_or_an_archive_is_named_for_what_it_is(tmp_path: Path) -> None:
    # All three read as "no header line and columns were found in it".
    import gzip
    import zipfile

    workbook = tmp_path / "leads.xlsx"
    with zipfile.ZipFile(workbook, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.writestr("leads.csv", "lead_id,created_at\n1,2025-01-01\n")
    document = tmp_path / "leads.docx"
    with zipfile.ZipFile(document, "w") as doc:
        doc.writestr("[Content_Types].xml", "<Types/>")
        doc.writestr("word/document.xml", "<document/>")
    compressed = tmp_path / "leads.csv.gz"
    compressed.write_bytes(gzip.compress(b"lead_id,created_at\n1,2025-01-01\n"))
    activities = write(tmp_path / "activities.csv", "lead_id,kind,at\n1,demo_request,2025-01-02\n")
    for path, says in (
        (workbook, "is an Excel workbook, not a CSV file: save the sheet as CSV"),
        (archive, "is a zip archive, not a CSV file: extract the CSV file"),
        (document, "is an Office document, not a CSV file"),
        (compressed, "is gzip-compressed: decompress it"),
    ):
        with pytest.raises(InputError) as raised:
            load_to_duckdb(duckdb.connect(), path, activities, CANONICAL)
        assert says in str(raised.value), str(raised.value)


def test_a_whole_number_id_written_as_a_float_is_the_same_lead(tmp_path: Path) -> None:
    # pandas writes an id column with an empty cell as floats: "51234500000.0" in the
    # activities and "51234500000" in the leads refused every activity as an unknown lead.
    column = _column("lead_id")
    assert read_cell(column, "51234500000.0", CANONICAL) == ("ok", "51234500000")
    assert read_cell(column, "7.5", CANONICAL) == ("ok", "7.5")  # not a whole number: as is
    # Past 15 digits a float no longer holds every whole number: 9007199254740993 is written
    # 9007199254740992.0, another lead's id. As written, it finds no lead.
    assert read_cell(column, "9007199254740992.0", CANONICAL) == ("ok", "9007199254740992.0")
    cells = ["51234500000.0", "12.00", "7.5", "v1.0", "0.0", "9007199254740992.0"]
    assert assert_fast_path_agrees(column, CANONICAL, cells) == len(cells)
    leads = write(tmp_path / "leads.csv", "lead_id,created_at\n51234500000,2025-01-02\n")
    activities = write(
        tmp_path / "activities.csv", "lead_id,kind,at\n51234500000.0,demo_request,2025-01-03\n"
    )
    con = duckdb.connect()
    problems = load_to_duckdb(con, leads, activities, CANONICAL)
    assert problems.skipped == 0
    assert con.execute("SELECT lead_id FROM activities").fetchall() == [("51234500000",)]


def test_a_windows_1252_file_whose_first_accent_is_past_the_first_mib_loads_whole(
    tmp_path: Path,
) -> None:
    # The encoding is found from the first MiB: plain ASCII there read as UTF-8, and the
    # rows with "Müller" further on were left out as not UTF-8, their activities with them.
    lines = ["lead_id,created_at,company,title"]
    lines += [f"L{i},2025-01-02,Acme Widgets {i:06d},Director of Operations" for i in range(20000)]
    lines += [f"M{i},2025-01-02,Müller GmbH,Geschäftsführer" for i in range(3)]
    leads = tmp_path / "leads.csv"
    leads.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    assert leads.stat().st_size > (1 << 20)
    activities = write(tmp_path / "activities.csv", "lead_id,kind,at\nM1,demo_request,2025-01-03\n")
    con = duckdb.connect()
    problems = load_to_duckdb(con, leads, activities, CANONICAL)
    assert problems.skipped == 0, problems.lines()
    assert con.execute("SELECT company FROM leads WHERE lead_id = 'M1'").fetchone() == (
        "Müller GmbH",
    )
    assert any("read as windows-1252" in line for line in problems.lines())
    # A file whose first MiB is UTF-8 with accents is UTF-8: the line that is not has its
    # byte read as Windows-1252 and is said (reading all as Windows-1252 would garble the rest).
    mixed = tmp_path / "mixed.csv"
    body = "".join(f"U{i},2025-01-02,Café {i:06d}\n" for i in range(40000))
    mixed.write_bytes(
        ("lead_id,created_at,company\n" + body).encode() + "X1,2025-01-02,Müller\n".encode("cp1252")
    )
    con = duckdb.connect()
    problems = load_to_duckdb(con, mixed, activities, CANONICAL)
    assert problems.leads.skipped == 0, problems.lines()
    assert con.execute("SELECT company FROM leads WHERE lead_id = 'X1'").fetchone() == ("Müller",)
    assert con.execute("SELECT company FROM leads WHERE lead_id = 'U1'").fetchone() == (
        "Café 000001",
    )
    assert any("read as windows-1252 (line 40002)" in line for line in problems.lines())
    # Plain ASCII for the first MiB, then UTF-8 accents, then one stray line that is not:
    # a UTF-8 file. Read as Windows-1252 every accented row was garbled ("MÃ¼ller").
    stray = tmp_path / "stray.csv"
    ascii_part = "".join(f"A{i},2025-01-02,Acme {i:06d} Widgets\n" for i in range(40000))
    accented = "".join(f"U{i},2025-01-02,Müller GmbH\n" for i in range(5))
    stray.write_bytes(
        ("lead_id,created_at,company\n" + ascii_part + accented).encode()
        + "X1,2025-01-02,Café\n".encode("cp1252")
    )
    con = duckdb.connect()
    problems = load_to_duckdb(con, stray, activities, CANONICAL)
    assert con.execute("SELECT company FROM leads WHERE lead_id = 'U1'").fetchone() == (
        "Müller GmbH",
    )
    assert con.execute("SELECT company FROM leads WHERE lead_id = 'X1'").fetchone() == ("Café",)
    assert problems.leads.skipped == 0, problems.lines()
    assert any("read as windows-1252 (line 40007)" in line for line in problems.lines())


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ("%d-%b-%y %H:%M", "dates read with the month's name"),
        ("%b %d, %Y %I:%M %p", "dates read with the month's name"),
        ("%d %B %Y %H:%M", "dates read with the month's name"),
        # macOS's medium style (Apple Numbers): "Feb 19, 2025 at 1:01 AM", "19 Feb 2025 at 13:01"
        ("%b %d, %Y at %I:%M %p", "dates read with the month's name"),
        ("%d %b %Y at %H:%M", "dates read with the month's name"),
        # ISO 8601's date with a 12-hour clock: "2025-01-05 03:04:00 PM".
        ("%Y-%m-%d %I:%M:%S %p", "dates read year first"),
        ("%Y-%m-%d %I:%M %p", "dates read year first"),
        # ISO 8601 and a zone's abbreviation (`dates.ZONE_OFFSETS`): no format to say.
        ("%Y-%m-%d %H:%M:%S UTC", ""),
    ],
)
def test_dates_with_the_months_name_or_a_utc_word_are_read(
    tmp_path: Path, form: str, says: str
) -> None:
    # "19-Feb-25", "Feb 19, 2025 01:01 AM" and "2025-02-19 01:01:00 UTC" refused the whole
    # file (every row "not a date or time"), though none can be read two ways.
    path, times = _dated_leads(tmp_path, 0, form)
    leads, report = load_leads(path, CANONICAL)
    assert report.rows_loaded == len(times), report.lines()
    assert [lead.created_at for lead in leads] == times
    shown = "\n".join(report.lines())
    if says:
        assert says in shown and "date_formats = [" in shown, shown
    else:
        assert "dates read" not in shown, shown


def test_activities_are_read_in_the_date_order_their_leads_file_proved(tmp_path: Path) -> None:
    # A UK export: the leads' "19/02/2025" can only be day first; the activities fell on the
    # 1st to the 12th, so each could be either, and they were read month first (US CRMs),
    # 3 February as 2 March.
    con, problems = loaded(
        tmp_path,
        "lead_id,created_at\nL1,19/02/2025 09:00\nL2,25/03/2025 10:30\n",
        "lead_id,kind,at\nL1,demo_request,03/02/2025 09:30\nL2,demo_request,05/04/2025 11:00\n",
    )
    leads, activities = tmp_path / "leads.csv", tmp_path / "activities.csv"
    assert problems.skipped == 0
    got = [
        row[0].date().isoformat() for row in con.execute('SELECT "at" FROM activities').fetchall()
    ]
    assert got == ["2025-02-03", "2025-04-05"]
    assert any("as the leads file writes them" in line for line in problems.lines())
    # A locale in the mapping still decides, as before.
    us = replace(CANONICAL, date_order="month")
    load_to_duckdb(con, leads, activities, us)
    got = [
        row[0].date().isoformat() for row in con.execute('SELECT "at" FROM activities').fetchall()
    ]
    assert got == ["2025-03-02", "2025-05-04"]


def test_a_uk_salesforce_report_reads_every_date_column_day_first(tmp_path: Path) -> None:
    # A UK user's report: "21/01/2025 10:04" proves day first; the date-only "05/03/2025"
    # could be either. Its reading replaced the created_at formats with month-first ones, and
    # 0 of 3 leads loaded (exit 2) while the note said "created_at: dates read day first".
    # The preset's month-first formats read "05/03/2025" and the activities' "05/02/2025":
    # the order the file proved is read in them too.
    leads = write(
        tmp_path / "leads.csv",
        '"Lead ID","Created Date","Converted Date","Title"\n'
        '"00Q5g00000AbCdE","21/01/2025 10:04","05/03/2025","VP Marketing"\n'
        '"00Q5g00000AbCdF","25/01/2025 15:04","","CEO"\n'
        '"00Q5g00000AbCdG","14/02/2025 09:30","","CTO"\n',
    )
    activities = write(
        tmp_path / "activities.csv",
        '"Lead ID","Type","Activity Date"\n"00Q5g00000AbCdE","Attended","05/02/2025"\n',
    )
    con = duckdb.connect()
    problems = load_to_duckdb(con, leads, activities, SALESFORCE)
    assert problems.skipped == 0 and problems.emptied == 0, problems.lines()
    rows = con.execute("SELECT created_at, opportunity_at FROM leads ORDER BY lead_id").fetchall()
    assert rows == [
        (datetime(2025, 1, 21, 10, 4), datetime(2025, 3, 5)),
        (datetime(2025, 1, 25, 15, 4), None),
        (datetime(2025, 2, 14, 9, 30), None),
    ]
    assert con.execute('SELECT "at" FROM activities').fetchall() == [(datetime(2025, 2, 5),)]
    shown = "\n".join(problems.lines())
    assert "created_at: dates read day first, as '21/01/2025 10:04'" in shown, shown
    follows = "opportunity_at: dates read day first (every date could be day or month first)"
    assert f"{follows}, as created_at in this file writes them" in shown, shown
    assert 'date_formats = ["%d/%m/%Y %H:%M", "%d/%m/%Y"]' in shown, shown
    assert "as the leads file writes them" in shown, shown


@pytest.mark.parametrize(
    ("leads", "expected"),
    [
        # Without a preset: created_at proves day first; won_at and first_response_at could
        # be either. 1 of 3 loaded, with L3's "03/01/2025" read as 1 March.
        (
            "lead_id,created_at,won_at,first_response_at\n"
            "L1,21/01/2025 10:00,05/03/2025,02/02/2025 09:00\n"
            "L2,25/01/2025 10:00,,\nL3,03/01/2025 10:00,,\n",
            {
                "L1": (datetime(2025, 1, 21, 10), datetime(2025, 3, 5), datetime(2025, 2, 2, 9)),
                "L3": (datetime(2025, 1, 3, 10), None, None),
            },
        ),
        # The proof in a later column: created_at "01/03/2025" was read month first while
        # won_at "20/11/2025" was read day first.
        (
            "lead_id,created_at,won_at\nL1,02/03/2025 10:00,20/11/2025\nL3,01/03/2025 10:00,\n",
            {
                "L1": (datetime(2025, 3, 2, 10), datetime(2025, 11, 20), None),
                "L3": (datetime(2025, 3, 1, 10), None, None),
            },
        ),
    ],
)
def test_the_order_one_column_proves_is_read_in_the_files_other_columns(
    tmp_path: Path, leads: str, expected: dict[str, tuple[datetime | None, ...]]
) -> None:
    con, problems = loaded(tmp_path, leads, "lead_id,kind,at\nL1,demo_request,2025-02-01\n")
    assert problems.skipped == 0 and problems.emptied == 0, problems.lines()
    rows = con.execute(
        "SELECT lead_id, created_at, won_at, first_response_at FROM leads ORDER BY lead_id"
    ).fetchall()
    read = {lead_id: tuple(times) for lead_id, *times in rows}
    assert {lead_id: read[lead_id] for lead_id in expected} == expected
    followers = [line for line in problems.lines() if "in this file writes them" in line]
    assert len(followers) == 1, problems.lines()  # said once, naming every such column
    assert "dates read month first" not in "\n".join(problems.lines())


def test_two_columns_proving_two_orders_are_each_read_their_own_way(tmp_path: Path) -> None:
    con, problems = loaded(
        tmp_path,
        "lead_id,created_at,won_at\nL1,21/01/2025 10:00,03/25/2025\n",
        "lead_id,kind,at\nL1,demo_request,2025-02-01\n",
    )
    assert problems.skipped == 0 and problems.emptied == 0, problems.lines()
    assert con.execute("SELECT created_at, won_at FROM leads").fetchall() == [
        (datetime(2025, 1, 21, 10), datetime(2025, 3, 25))
    ]


@pytest.mark.parametrize(
    ("cell", "usual"),
    [
        ("45662.6284722222", "2025-01-05 15:05"),
        ("45663", "2025-01-06 00:00"),
        ("45663,5", "2025-01-06 12:00"),
    ],
)
def test_an_excel_date_number_is_named_and_not_guessed(cell: str, usual: str) -> None:
    # A CSV saved from a sheet whose column is formatted General writes Excel's serial dates;
    # the hint asked for a date_formats line, which cannot read them.
    status, why = read_cell(_column("created_at"), cell, CANONICAL)
    assert status == "bad"
    assert why.startswith(f"created_at {cell!r}: an Excel date number, not a date or time"), why
    assert usual in why and "format the column as a date in the sheet" in why, why
    assert "date_formats" not in why


@pytest.mark.parametrize("cell", ["19999.5", "80000.25", "123456.5", "4566.5"])
def test_other_numbers_are_not_called_excel_dates(cell: str) -> None:
    status, why = read_cell(_column("created_at"), cell, CANONICAL)
    assert status == "bad" and "Excel" not in why, why


def test_excel_date_numbers_in_an_optional_column_empty_the_cell_and_keep_the_lead(
    tmp_path: Path,
) -> None:
    con, problems = loaded(
        tmp_path,
        "lead_id,created_at,won_at\nL1,2025-01-02,45662.6284722222\nL2,45663.5,\n",
        "lead_id,kind,at\nL1,demo_request,2025-01-03\n",
    )
    assert con.execute("SELECT lead_id, won_at FROM leads").fetchall() == [("L1", None)]
    shown = "\n".join(problems.lines())
    assert "line 3: created_at '45663.5': an Excel date number" in shown, shown
    assert "line 2: won_at '45662.6284722222': an Excel date number" in shown, shown


def test_a_reports_title_above_the_header_is_named_with_the_headers_line(tmp_path: Path) -> None:
    # A report saved with its title and filters above the header read as "no header
    # 'lead_id'; the file's headers are 'Leads with activities'".
    leads = write(
        tmp_path / "leads.csv",
        '"Leads with activities"\n"Lead Owner equals Jane Doe"\n""\n'
        '"lead_id","created_at"\n"L1","2025-01-02"\n',
    )
    activities = write(tmp_path / "activities.csv", "lead_id,kind,at\nL1,demo_request,2025-01-03\n")
    with pytest.raises(InputError) as raised:
        load_to_duckdb(duckdb.connect(), leads, activities, CANONICAL)
    (problem,) = raised.value.problems
    assert problem.line == 4
    assert "its header is on line 4, below 3 lines of a report's title" in problem.message
    assert "'Leads with activities'" in problem.message
    # A file with no such line says what it said before.
    plain = write(tmp_path / "plain.csv", "id,when\nL1,2025-01-02\n")
    with pytest.raises(InputError) as raised:
        load_to_duckdb(duckdb.connect(), plain, activities, CANONICAL)
    assert "no lead_id column" in str(raised.value)


def test_a_salesforce_id_of_18_characters_is_the_lead_of_its_15(tmp_path: Path) -> None:
    # Salesforce's own example: 001A0000006Vm9r is 001A0000006Vm9rIAC in 18 characters. A
    # leads report wrote 18, the activity history 15: every activity was an unknown lead.
    column = _column("lead_id")
    assert read_cell(column, "001A0000006Vm9rIAC", CANONICAL) == ("ok", "001A0000006Vm9r")
    # Not the code of its first 15 (or not 18 letters and digits): as written.
    for cell in [
        "001A0000006Vm9rIAD",
        "001A0000006Vm9r",
        "001A0000006Vm9r-AC",
        "ABCDEFGHIJKLMNOPQR",
    ]:
        assert read_cell(column, cell, CANONICAL) == ("ok", cell), cell
    cells = ["001A0000006Vm9rIAC", "001A0000006Vm9rIAD", "00Q5e00000AbCdE", "aaaaaaaaaaaaaaaAAA"]
    assert assert_fast_path_agrees(column, CANONICAL, cells) == len(cells)
    leads = write(tmp_path / "leads.csv", "lead_id,created_at\n001A0000006Vm9rIAC,2025-01-02\n")
    activities = write(
        tmp_path / "activities.csv", "lead_id,kind,at\n001A0000006Vm9r,demo_request,2025-01-03\n"
    )
    con = duckdb.connect()
    assert load_to_duckdb(con, leads, activities, CANONICAL).skipped == 0
    assert con.execute("SELECT lead_id FROM leads").fetchall() == [("001A0000006Vm9r",)]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_times_with_a_north_american_zone_or_utc_are_read_at_its_offset(
    tmp_path: Path, fmt: str
) -> None:
    # Salesforce reports and Marketo write "2025-01-05 15:04:00 EST" and "1/5/2025 3:04 PM
    # PDT": every row was "not a date or time".
    leads = write(
        tmp_path / "leads.csv",
        "lead_id,created_at\nL1,2025-01-05 15:04:00 EST\nL2,1/5/2025 3:04 PM PDT\n"
        "L3,2025-01-05T15:04:00 UTC\nL4,2025-07-05 15:04 GMT\nL5,2025-07-05 15:04:00 AKDT\n",
    )
    activities = write(
        tmp_path / "activities.csv",
        "lead_id,kind,at\nL1,demo_request,2025-01-06 09:30:00 CST\n"
        "L2,demo_request,2025-01-06 09:30:00 HST\nL3,demo_request,2025-01-06T09:30:00 Z\n",
    )
    if fmt == "parquet":
        leads, activities = _to_parquet(leads), _to_parquet(activities)
    con = duckdb.connect()
    problems = load_to_duckdb(con, leads, activities, CANONICAL)
    assert problems.skipped == 0 and problems.emptied == 0, problems.lines()
    assert con.execute("SELECT lead_id, created_at FROM leads ORDER BY lead_id").fetchall() == [
        ("L1", datetime(2025, 1, 5, 20, 4)),  # 15:04 at -05:00
        ("L2", datetime(2025, 1, 5, 22, 4)),  # 15:04 at -07:00
        ("L3", datetime(2025, 1, 5, 15, 4)),
        ("L4", datetime(2025, 7, 5, 15, 4)),
        ("L5", datetime(2025, 7, 5, 23, 4)),  # at -08:00
    ]
    assert con.execute('SELECT lead_id, "at" FROM activities ORDER BY lead_id').fetchall() == [
        ("L1", datetime(2025, 1, 6, 15, 30)),
        ("L2", datetime(2025, 1, 6, 19, 30)),
        ("L3", datetime(2025, 1, 6, 9, 30)),
    ]


def test_a_zone_abbreviation_with_more_than_one_offset_is_refused_by_name() -> None:
    # IST is India's +05:30, Ireland's +01:00 and Israel's +02:00: no guess, the offset asked.
    for cell, zone in [
        ("2025-01-05 15:04:00 IST", "IST"),
        ("2025-01-05T15:04:00 BST", "BST"),
        ("1/5/2025 3:04 PM AEST", "AEST"),
    ]:
        for column in (_column("created_at"), _column("at")):
            status, why = read_cell(column, cell, SALESFORCE)
            assert status == "bad", cell
            assert f"time zone '{zone}' is not read" in str(why), why
            assert "numeric offset" in str(why) and "+05:30" in str(why), why
    # A known zone's day no calendar has is still said as such; AM and PM are no zone.
    assert "no such date" in str(read_cell(_column("at"), "2025-02-30 10:00 EST", CANONICAL)[1])
    assert "time zone" not in str(read_cell(_column("at"), "2025-01-05 10:00 PM", CANONICAL)[1])
    # A mapping's format ending in %Z (Python reads only UTC and GMT there) reads the rest.
    custom = replace(CANONICAL, date_formats=("%d.%m.%Y %H:%M %Z",))
    assert load.parse_timestamp("05.01.2025 15:04 PST", custom.date_formats) == datetime(
        2025, 1, 5, 23, 4, tzinfo=UTC
    )
    # The fast path leaves every such cell to Python.
    cells = ["2025-01-05 15:04:00 EST", "2025-01-05T15:04:00 UTC", "1/5/2025 3:04 PM PDT"]
    assert fast_values(_column("at"), SALESFORCE, cells) == [None, None, None]


@pytest.mark.parametrize("machine_zone", ["UTC", "America/Los_Angeles", "Asia/Kolkata"])
def test_a_formats_zone_is_read_the_same_on_every_machine(
    monkeypatch: pytest.MonkeyPatch, machine_zone: str
) -> None:
    # Python's %Z reads the machine's own zone name as no zone at all: on a machine set to
    # Pacific time "15:04 PST" was 15:04 UTC, and on one in India "IST" was read, not refused.
    import time

    monkeypatch.setenv("TZ", machine_zone)
    time.tzset()
    try:
        formats = ("%d.%m.%Y %H:%M %Z",)
        assert load.parse_timestamp("05.01.2025 15:04 PST", formats) == datetime(
            2025, 1, 5, 23, 4, tzinfo=UTC
        )
        with pytest.raises(ValueError):
            load.parse_timestamp("05.01.2025 15:04 IST", formats)
        custom = replace(CANONICAL, date_formats=formats)
        status, why = read_cell(_column("at"), "05.01.2025 15:04 IST", custom)
        assert status == "bad" and "time zone 'IST' is not read" in str(why), why
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_day_past_its_month_is_said_so_under_a_literal_utc_format() -> None:
    # `workbench map` had suggested formats with a literal " UTC": the day no calendar has was
    # "not a date or time ... say date_formats = [...]", naming the format that was right.
    custom = replace(CANONICAL, date_formats=("%Y-%m-%d %H:%M:%S UTC",))
    assert load.parse_timestamp("2025-02-03 10:00:00 UTC", custom.date_formats) == datetime(
        2025, 2, 3, 10, tzinfo=UTC
    )
    status, why = read_cell(_column("at"), "2025-02-30 10:00:00 UTC", custom)
    assert status == "bad" and "no such date" in str(why), why


@pytest.mark.parametrize(
    ("cell", "zone"), [("17.01.2025 15:04 CET", "CET"), ("1/17/2025 3:04 PM IST", "IST")]
)
def test_a_zone_not_read_is_named_in_a_column_of_any_date_format(
    tmp_path: Path, cell: str, zone: str
) -> None:
    # The format is found without the zone, whichever it is, and the zone is then named:
    # with it left on, no format was found and each row was "not a date or time".
    leads = write(
        tmp_path / "leads.csv", f"lead_id,created_at\nL1,{cell}\nL2,{cell}\nL3,2025-01-17\n"
    )
    activities = write(tmp_path / "activities.csv", "lead_id,kind,at\nL3,demo_request,2025-01-18\n")
    report = load_to_duckdb(duckdb.connect(), leads, activities, CANONICAL)
    text = "\n".join(report.lines())
    assert f"time zone '{zone}' is not read" in text, text


def test_ids_that_differ_only_in_leading_zeros_are_named_not_matched(tmp_path: Path) -> None:
    # A CRM's "00123" went through pandas into Parquet as the integer 123: every activity of
    # it was "not in the leads table", with nothing to say why.
    leads = tmp_path / "leads.parquet"
    duckdb.execute(
        "COPY (SELECT * FROM (VALUES (123, '2025-01-05'), (456, '2025-01-05'), (0, '2025-01-05')) "
        f"t(lead_id, created_at)) TO '{leads}' (FORMAT parquet)"
    )
    activities = write(
        tmp_path / "activities.csv",
        "lead_id,kind,at\n00123,demo_request,2025-01-06\n456,demo_request,2025-01-06\n"
        "00123,webinar_attended,2025-01-07\n999,demo_request,2025-01-06\n000,demo_request,2025-01-06\n",
    )
    con = duckdb.connect()
    report = load_to_duckdb(con, leads, activities, CANONICAL).activities
    # Left out, as before: whether 00123 and 123 are one record is not ours to guess.
    assert report.rows_loaded == 1 and report.reasons["unknown lead_id"] == 4
    by_line = {p.number: p.reason for p in report.all}
    assert by_line[2] == (
        "lead_id '00123' is not in the leads table (a lead has '123': the same id but for "
        "leading zeros)"
    )
    assert by_line[5] == "lead_id '999' is not in the leads table"
    assert by_line[6] == "lead_id '000' is not in the leads table"  # zeros alone: no id
    (note,) = [n for n in report.notes if "leading zeros" in n]
    assert note.startswith("2 activities left out as unknown leads (1 lead id) match a lead")
    assert "'00123' here, '123' in the leads file" in note
    assert "the leads file's lead_id column was probably read as a number" in note
    assert "export the ids as text" in note
    assert note in "\n".join(report.lines())

    # The other way round: the activities' column lost the zeros.
    text_leads = write(tmp_path / "leads.csv", "lead_id,created_at\n00123,2025-01-05\n")
    numbered = tmp_path / "activities.parquet"
    duckdb.execute(
        "COPY (SELECT 123 AS lead_id, 'demo_request' AS kind, '2025-01-06' AS at) "
        f"TO '{numbered}' (FORMAT parquet)"
    )
    report = load_to_duckdb(con, text_leads, numbered, CANONICAL).activities
    (note,) = [n for n in report.notes if "leading zeros" in n]
    assert note.startswith("1 activity left out as unknown leads (1 lead id)")
    assert "the activities file's lead_id column was probably read as a number" in note

    # No such id: no note.
    plain = write(tmp_path / "plain.csv", "lead_id,kind,at\n999,demo_request,2025-01-06\n")
    report = load_to_duckdb(con, text_leads, plain, CANONICAL).activities
    assert report.reasons["unknown lead_id"] == 1
    assert not any("leading zeros" in n for n in report.notes)


_GUID_LOWER = "d95bafc8-f2a4-d27b-dcf4-bb99f4bea973"


@pytest.mark.parametrize("leads_upper", [False, True])
def test_guids_that_differ_only_in_case_are_one_id(tmp_path: Path, leads_upper: bool) -> None:
    # Dynamics: the leads' "(Do Not Modify) Lead" in lower case, the activities' "Regarding
    # (Lead)" in upper case: "0 of 30 activities", each "not in the leads table". A GUID is
    # case-insensitive by definition (RFC 9562), so it is read in lower case.
    upper = _GUID_LOWER.upper()
    in_leads, in_activities = (upper, _GUID_LOWER) if leads_upper else (_GUID_LOWER, upper)
    con, problems = loaded(
        tmp_path,
        f"lead_id,created_at,account_id\n{in_leads},2025-01-02,{upper}\n",
        f"lead_id,kind,at\n{in_activities},demo_request,2025-01-03\n",
    )
    assert problems.skipped == 0, problems.lines()
    assert con.execute("SELECT lead_id, account_id FROM leads").fetchall() == [
        (_GUID_LOWER, _GUID_LOWER)
    ]
    assert con.execute("SELECT lead_id FROM activities").fetchall() == [(_GUID_LOWER,)]
    cells = [
        upper,
        _GUID_LOWER,
        f" {upper}",
        upper[:-1],
        upper.replace("-", "_"),
        "{" + upper + "}",
        "{" + _GUID_LOWER + "}",
        " {" + upper + "} ",
        "{" + upper[:-1] + "}",
        "{" + upper,
        upper + "}",
    ]
    assert assert_fast_path_agrees(_column("lead_id"), CANONICAL, cells) >= 5


@pytest.mark.parametrize("braced_in", ["leads", "activities"])
def test_a_guid_in_braces_is_the_same_guid(tmp_path: Path, braced_in: str) -> None:
    # Dynamics' older exports, Advanced Find and SQL Server tools write a GUID in braces,
    # "{D95BAFC8-...}", where the other file of the same CRM has it bare: every activity was
    # "not in the leads table". Braces are no part of a GUID (RFC 9562's text form).
    braced = "{" + _GUID_LOWER.upper() + "}"
    in_leads, in_activities = (
        (braced, _GUID_LOWER) if braced_in == "leads" else (_GUID_LOWER, braced)
    )
    con, problems = loaded(
        tmp_path,
        f"lead_id,created_at,account_id\n{in_leads},2025-01-02,{braced}\n",
        f"lead_id,kind,at\n{in_activities},demo_request,2025-01-03\n",
    )
    assert problems.skipped == 0, problems.lines()
    assert con.execute("SELECT lead_id, account_id FROM leads").fetchall() == [
        (_GUID_LOWER, _GUID_LOWER)
    ]
    assert con.execute("SELECT lead_id FROM activities").fetchall() == [(_GUID_LOWER,)]


def test_other_ids_that_differ_only_in_case_are_named_not_matched(tmp_path: Path) -> None:
    # Salesforce's 15-character ids differ by case alone: "00Q5g00000AbCdE" and
    # "00Q5G00000ABCDE" are two records, so they are never matched by guess; but a file of
    # activities whose every id is a lead's in other capitals is said so, with the fix.
    _, problems = loaded(
        tmp_path,
        "lead_id,created_at\n00Q5g00000AbCdE,2025-01-02\n00Q5g00000AbCdF,2025-01-02\n",
        "lead_id,kind,at\n00Q5G00000ABCDE,demo_request,2025-01-03\n"
        "00Q5g00000AbCdF,demo_request,2025-01-03\n00Q5G00000ABCDE,email_open,2025-01-04\n",
    )
    report = problems.activities
    assert report.rows_loaded == 1 and report.reasons["unknown lead_id"] == 2
    assert report.all[0].reason == (
        "lead_id '00Q5G00000ABCDE' is not in the leads table (a lead has '00Q5g00000AbCdE': "
        "the same id but for letter case)"
    )
    (note,) = [n for n in report.notes if "letter case" in n]
    assert note.startswith("2 activities left out as unknown leads (1 lead id) match a lead")
    assert "('00Q5G00000ABCDE' in activities.csv, '00Q5g00000AbCdE' in the leads file)" in note
    assert "not matched by guess" in note and "export both files' ids" in note
    assert note in "\n".join(problems.lines())


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_mappings_yes_no_spellings_are_read_on_the_fast_path(tmp_path: Path, fmt: str) -> None:
    mapping = replace(
        CANONICAL, values={"target_account": {"x": "true", "✓": "true", "-": "false"}}
    )
    column = _column("target_account")
    cells = ["x", "X", "✓", "-", "yes", "N", "maybe", " x "]
    # The mapping's own marks are read without Python, as Python reads them.
    assert fast_values(column, mapping, cells)[:6] == [True, True, True, False, True, False]
    assert assert_fast_path_agrees(column, mapping, cells) == 6
    leads = write(
        tmp_path / "leads.csv",
        "lead_id,created_at,target_account\n"
        + "".join(f"L{n},2025-01-05,{cell}\n" for n, cell in enumerate(cells)),
    )
    if fmt == "parquet":
        leads = _to_parquet(leads)
    rows, report = load_leads(leads, mapping)
    assert [lead.target_account for lead in rows] == [
        True, True, True, False, True, False, False, True
    ]  # fmt: skip
    assert report.emptied_columns == {"target_account": 1}


def test_javascript_and_email_times_are_read() -> None:
    parse = load.parse_timestamp
    js = "Tue Mar 04 2025 14:05:00 GMT+0100 (Central European Standard Time)"
    assert parse(js) == datetime(2025, 3, 4, 13, 5, tzinfo=UTC)
    assert parse("Tue Mar 04 2025 14:05:00 GMT-0500") == datetime(2025, 3, 4, 19, 5, tzinfo=UTC)
    assert parse("Tue, 04 Mar 2025 13:05:00 GMT") == datetime(2025, 3, 4, 13, 5, tzinfo=UTC)
    assert parse("Tue, 4 Mar 2025 13:05 +0530") == datetime(2025, 3, 4, 7, 35, tzinfo=UTC)
    # A time that says its offset keeps it, whatever zone the mapping names.
    assert parse(js, (), "America/New_York") == datetime(2025, 3, 4, 13, 5, tzinfo=UTC)
    status, why = read_cell(_column("created_at"), "Wed Mar 04 2025 14:05:00 GMT+0100", CANONICAL)
    assert status == "bad" and "not a real time: Wed is not that date's weekday" in str(why)


def test_an_unread_time_is_told_a_format_that_reads_it() -> None:
    # It was told date_formats = ["%d.%m.%Y %H:%M"], which does not read it either.
    status, why = read_cell(_column("created_at"), "2025/03/04 14:05", Mapping(dates_given=True))
    assert status == "bad"
    assert 'date_formats = ["%Y/%m/%d %H:%M"] reads this one' in str(why)
    status, why = read_cell(_column("created_at"), "04/03/25 14:05", Mapping(dates_given=True))
    assert 'date_formats = ["%m/%d/%y %H:%M"] reads this one (month first' in str(why)
    status, why = read_cell(_column("created_at"), "Q1 2025", CANONICAL)
    assert 'date_formats = ["%d.%m.%Y %H:%M"], or locale' in str(why)  # nothing fits: as before


@pytest.mark.parametrize(
    "cell",
    [
        "Mon Feb 31 2025 14:05:00 GMT+0100",
        "Tue Mar 04 2025 25:05:00 GMT+0100",
        "Tue, 00 Mar 2025 13:05:00 GMT",
        "Tue Mar 04 2025 14:05:00 GMT+0199",
    ],
)
def test_an_impossible_javascript_time_is_a_bad_cell(cell: str) -> None:
    # The hint's words were split on ": ", which datetime's messages do not have (review).
    status, why = read_cell(_column("created_at"), cell, CANONICAL)
    assert status == "bad" and isinstance(why, str) and why
