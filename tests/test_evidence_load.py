"""Loading CSV and Parquet into the canonical tables, and what happens to bad data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from workbench.core.errors import InputError
from workbench.core.evidence.load import load_activities, load_evidence, load_leads
from workbench.core.evidence.mapping import HUBSPOT, infer_seniority
from workbench.core.evidence.sample import sample_data, write_sample

LEADS_HEADER = "lead_id,created_at,title,employees,industry\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


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
        "L3,2025-01-02,CEO,fifty,software",  # line 4: non-numeric size
        "L4,2025-01-03,CEO,200",  # line 5: too few fields
        "L1,2025-01-04,CEO,200,software",  # line 6: duplicate id
        "L5,,CEO,200,software",  # line 7: required, empty
        "L6,2025-01-05,CEO,-3,software",  # line 8: negative size
        "L7,2025-01-06,,,",  # line 9: fine, optional cells empty
        "L8,yesterday,CEO,1,software",  # line 10: bad date
        "L9,2025-01-07T10:00:00+02:00,CEO,51-200,software",  # line 11: fine, a size band
    ]
    path = write(tmp_path / "leads.csv", LEADS_HEADER + "\n".join(rows) + "\n")
    leads, report = load_leads(path)
    assert [lead.lead_id for lead in leads] == ["L1", "L7", "L9"]
    assert report.rows_read == 10 and report.rows_loaded == 3 and report.skipped == 7
    assert [p.where for p in report.first] == ["line 3", "line 4", "line 5", "line 6", "line 7"]
    shown = "\n".join(report.lines())
    assert "7 left out" in shown
    assert "line 3: created_at '2025-13-45': not a date" in shown
    assert "line 4: employees 'fifty': not a whole number" in shown
    assert "line 5: expected 5 fields, found 4" in shown
    assert "line 6: lead_id 'L1' appears again (first at line 2)" in shown
    assert report.reasons["bad created_at"] == 3
    nine = leads[2]
    assert nine.employees == 125 and nine.created_at.hour == 8  # the band's middle, in UTC


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
    assert lead.persona == "employee" and lead.relationship == "prospect"
    assert lead.seniority is None and lead.engaged_contacts == 0


def test_not_a_parquet_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "leads.parquet"
    path.write_bytes(b"PAR1 this is not really parquet")
    with pytest.raises(InputError, match="cannot read as Parquet"):
        load_leads(path)


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
