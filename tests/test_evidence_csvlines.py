"""CSV problems are located by the line a person finds in an editor, not DuckDB's record."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.evidence.csvlines import (
    FOOTER_MAX,
    CsvLines,
    Dialect,
    Rejected,
    count_lines,
    find_footer,
    lines_at,
)
from workbench.core.evidence.load import load_leads

HEADER = "lead_id,created_at,title,employees,industry\n"


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode())
    return path


def test_count_lines_counts_a_last_line_without_a_newline(tmp_path: Path) -> None:
    assert count_lines(write(tmp_path / "a.csv", "a\nb\n")) == 2
    assert count_lines(write(tmp_path / "b.csv", "a\nb")) == 2
    assert count_lines(write(tmp_path / "c.csv", "a\n\nb\n")) == 3


def test_lines_at_finds_the_line_of_a_record(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "ab\ncd\n\nef\n")
    # Offsets count from 1, as DuckDB's line_byte_position does; a record's first byte.
    assert lines_at(path, [1, 2, 4, 5, 8]) == {1: 1, 2: 1, 4: 2, 5: 2, 8: 4}
    # On CRLF files DuckDB points at the "\n" before the record: that is the next line's.
    crlf = write(tmp_path / "b.csv", "ab\r\ncd\r\nef\r\n")
    assert lines_at(crlf, [1, 4, 5, 8]) == {1: 1, 4: 2, 5: 2, 8: 3}


@pytest.mark.parametrize("bom", ["", "\ufeff"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_crlf_files_with_a_cell_across_lines_are_located_by_line(
    tmp_path: Path, newline: str, bom: str
) -> None:
    rows = [
        HEADER.strip(),
        'L1,2025-01-01,"Head of' + newline + 'Growth",200,software',  # lines 2-3
        "L2,2025-01-02,CEO,200,software,x,y",  # line 4: two extra cells
        "L3,2025-13-45,CEO,200,software",  # line 5: bad date
        "L1,2025-01-04,CEO,200,software",  # line 6: duplicate of line 2
    ]
    text = bom + newline.join(rows) + newline
    _, report = load_leads(write(tmp_path / "leads.csv", text))
    assert [p.where for p in report.first] == ["line 4", "line 5", "line 6"]


def test_problems_after_a_cell_that_spans_lines_are_located_by_line(tmp_path: Path) -> None:
    text = HEADER + (
        'L1,2025-01-01,"Head of\nGrowth, EMEA",200,software\n'  # lines 2-3
        "L2,2025-13-45,CEO,200,software\n"  # line 4: bad date
        'L3,2025-01-02,"VP\n\nSales",200,software\n'  # lines 5-7
        "L4,2025-01-03,CEO,200,software,x\n"  # line 8: too many fields
        "L1,2025-01-04,CEO,200,software\n"  # line 9: duplicate of line 2
        "L5,2025-01-05,CEO,fifty,software\n"  # line 10: bad size, read as empty
    )
    leads, report = load_leads(write(tmp_path / "leads.csv", text))
    assert [lead.lead_id for lead in leads] == ["L1", "L3", "L5"]
    assert leads[1].title == "VP\n\nSales"
    shown = "\n".join(report.lines())
    assert "line 4: created_at '2025-13-45': no such date: there is no month 13" in shown
    assert "line 8: expected 5 fields, found 6" in shown
    assert "line 9: lead_id 'L1' appears again (first at line 2)" in shown
    assert "line 10: employees 'fifty': not a whole number" in shown
    assert "count records" not in shown


def test_a_semicolon_file_with_blank_lines_is_located_by_line(tmp_path: Path) -> None:
    text = HEADER.replace(",", ";") + (
        'L1;2025-01-01;"a\nb";200;software\n'  # lines 2-3
        "\n"  # line 4: blank
        "L2;2025-01-02;CEO;many;software\n"  # line 5: bad size, read as empty
    )
    _, report = load_leads(write(tmp_path / "leads.csv", text))
    assert [p.where for p in report.emptied_first] == ["line 5"]


def test_one_record_per_line_needs_no_second_reading(tmp_path: Path) -> None:
    path = write(tmp_path / "leads.csv", HEADER + "L1,2025-01-01,CEO,200,software\n" * 3)

    def never() -> Dialect:
        raise AssertionError("the file was read again")

    lines = CsvLines(path, rows=3, rejected=[], dialect=never)
    assert lines.one_record_per_line()
    assert lines.locate({0, 2}) == {0: 2, 2: 4}


def test_rejected_records_are_not_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", "h\na\nb\nc\n")
    lines = CsvLines(path, rows=2, rejected=[Rejected(3, 5, "bad")], dialect=Dialect)
    assert lines.locate({0, 1}) == {0: 2, 1: 4}
    assert lines.rejected() == {3: "bad"}


def test_a_reading_that_disagrees_with_duckdb_falls_back_to_records(tmp_path: Path) -> None:
    # Record 3 (line 4 to DuckDB's byte offset) is not where Python's reading starts a record:
    # the two readings differ, so the numbers stay records and say so.
    path = write(tmp_path / "x.csv", 'h\n"a\nb"\nc\nd\n')
    rejected = [Rejected(3, 7, "bad")]  # byte 7 is on line 3, inside the quoted cell
    lines = CsvLines(path, rows=2, rejected=rejected, dialect=lambda: Dialect(",", '"', '"'))
    located = lines.locate({0, 1})
    assert lines.by_record
    assert located == {0: 2, 1: 4}
    assert lines.rejected() == {3: "bad"}


def test_the_fallback_is_said_in_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = HEADER + 'L1,2025-01-01,"a\nb",200,software\nL2,nope,CEO,200,software\n'
    monkeypatch.setattr(CsvLines, "_read", lambda self, wanted: None)
    _, report = load_leads(write(tmp_path / "leads.csv", text))
    shown = "\n".join(report.lines())
    assert "line 3: created_at 'nope'" in shown
    assert "count records, not lines" in shown


def test_a_clean_file_is_not_read_again(tmp_path: Path) -> None:
    path = tmp_path / "gone.csv"  # count_lines would fail on it

    def never() -> Dialect:
        raise AssertionError("the file was read again")

    lines = CsvLines(path, rows=3, rejected=[], dialect=never)
    assert lines.locate(set()) == {} and lines.rejected() == {}


# --- blank lines, lines of one cell, a report footer ----------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_lines_at_steps_over_blank_lines_to_the_record(tmp_path: Path, newline: str) -> None:
    text = newline.join(["h", "a", "", "", "b", ""])
    path = write(tmp_path / "x.csv", text)
    b = text.index("b") + 1  # the record's own first byte (counted from 1)
    before = text.index("a") + 2  # the line break right after "a": CRLF's offset
    # DuckDB points at the record, at a byte of a blank line before it, or at the line
    # break before those: all of them are the record's line.
    assert set(lines_at(path, [b, before, before + 1, b - 1]).values()) == {5}


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_lines_of_one_cell_after_blank_lines_are_numbered_by_line(
    tmp_path: Path, newline: str, delimiter: str
) -> None:
    rows = [
        HEADER.strip(),
        "L1,2025-01-01,CEO,200,software",  # line 2
        "",  # line 3
        '"a note"',  # line 4: one cell
        "L2,2025-01-02,CEO,200,software",  # line 5
        "",  # line 6
        "",  # line 7
        "stray",  # line 8: one cell
        "L3,2025-13-45,CEO,200,software",  # line 9: bad date
    ]
    text = newline.join(row.replace(",", delimiter) for row in rows) + newline
    leads, report = load_leads(write(tmp_path / "leads.csv", text))
    assert [lead.lead_id for lead in leads] == ["L1", "L2"]
    assert [p.where for p in report.first] == ["line 4", "line 8", "line 9"]
    assert not any("footer" in note for note in report.notes)  # rows follow: not a footer


FOOTERS = [
    '"Leads report"',
    '"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."',
    '"Confidential Information - Do Not Distribute"',
    '"Generated By: Dana Admin  03.12.2025 10:15"',
    "Acme GmbH",
]


@pytest.mark.parametrize(
    ("newline", "delimiter", "encoding", "size", "blanks", "end"),
    [
        ("\r\n", ";", "cp1252", 5, 1, "\r\n"),
        ("\n", ",", "utf-8", 5, 1, "\n"),
        ("\r\n", ",", "utf-8", 1, 2, ""),
        ("\n", "\t", "utf-8", 3, 1, "\n\n"),
        ("\r\n", ";", "utf-8", 4, 3, "\r\n\r\n\r\n"),
    ],
)
def test_a_report_footer_is_not_read_as_rows(
    tmp_path: Path,
    newline: str,
    delimiter: str,
    encoding: str,
    size: int,
    blanks: int,
    end: str,
) -> None:
    rows = [HEADER.strip()] + [f"L{n},2025-01-0{n},Geschäftsführer,200,software" for n in (1, 2)]
    rows.append("L3,2025-01-03,CEO,200,software,x")  # line 4: too many fields, a real problem
    rows.append("L4,2025-01-04,CEO,200,software")
    rows += [""] * blanks + FOOTERS[-size:]
    text = newline.join(row.replace(",", delimiter) for row in rows[:5]) + newline
    text += newline.join(rows[5:]) + end
    leads, report = load_leads(write_bytes(tmp_path / "leads.csv", text, encoding))
    first = 6 + blanks
    last = first + size - 1
    assert [lead.lead_id for lead in leads] == ["L1", "L2", "L4"]
    assert report.rows_read == 4
    assert [p.where for p in report.all] == ["line 4"]
    lines = f"{size} lines ({first}-{last})" if size > 1 else f"1 line ({first})"
    assert report.notes.count(f"a report footer of {lines} was not read") == 1
    assert "footer" in "\n".join(report.lines())


def write_bytes(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    "tail",
    [
        ["Leads report", "Acme GmbH"],  # no blank line before it
        ["", "Leads report", "x,y"],  # a line of two cells in it
        ["", *(f"line {n}" for n in range(FOOTER_MAX + 1))],  # longer than a footer
    ],
)
def test_what_is_not_a_footer_stays_a_problem(tmp_path: Path, tail: list[str]) -> None:
    text = HEADER + "L1,2025-01-01,CEO,200,software\n" + "\n".join(tail) + "\n"
    _, report = load_leads(write(tmp_path / "leads.csv", text))
    assert not any("footer" in note for note in report.notes)
    # Left out, each: refused as a line (or, "x,y", read short and refused for its empty time).
    assert report.skipped == sum(1 for line in tail if line)


def test_a_footer_is_found_at_the_end_of_a_large_file(tmp_path: Path) -> None:
    row = "L{},2025-01-01,CEO,200,software\n"
    body = "".join(row.format(n) for n in range(3000))  # more than the 64 KiB looked at
    path = write(tmp_path / "leads.csv", HEADER + body + "\n" + "\n".join(FOOTERS) + "\n")
    footer = find_footer(path, Dialect)
    assert footer is not None
    assert (footer.first, footer.last, footer.size) == (3003, 3007, 5)
    assert footer.lines == 6
    assert path.read_bytes()[footer.start : footer.start + 2] == b'\n"'
    leads, report = load_leads(path)
    assert len(leads) == 3000 and report.rows_read == 3000 and not report.all


def test_the_dialect_is_not_asked_when_the_end_is_not_shaped_like_a_footer(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "x.csv", HEADER + "L1,2025-01-01,CEO,200,software\n")

    def never() -> Dialect:
        raise AssertionError("the file was sniffed")

    assert find_footer(path, never) is None
