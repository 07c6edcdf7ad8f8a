"""Column mapping: presets, mapping files, choice values and seniority from job titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.domain.errors import InputError
from workbench.core.evidence.load import load_leads
from workbench.core.evidence.mapping import (
    HUBSPOT,
    PRESETS,
    SALESFORCE,
    infer_seniority,
    load_mapping,
    match_choice,
    resolve_mapping,
)
from workbench.core.evidence.tables import ACTIVITY_COLUMNS, LEAD_COLUMNS

TITLES = [
    ("CEO", "c-level"),
    ("Chief Executive Officer", "c-level"),
    ("Chief Revenue Officer", "c-level"),
    ("chief marketing officer", "c-level"),
    ("C.E.O.", "c-level"),
    ("CTO & Co-Founder", "c-level"),
    ("Founder", "c-level"),
    ("Owner", "c-level"),
    ("President", "c-level"),
    ("Managing Director", "c-level"),
    ("VP Sales", "vp"),
    ("V.P. of Marketing", "vp"),
    ("Vice President, Engineering", "vp"),
    ("Vice Presdent of Sales", "vp"),
    ("SVP, Global Sales", "vp"),
    ("EVP Operations", "vp"),
    ("Executive Vice President", "vp"),
    ("Senior Vice-President, Finance", "vp"),
    ("Director of Marketing", "director"),
    ("Sr. Director, Demand Generation", "director"),
    ("Marketing Dirctor", "director"),
    ("DIR. SALES OPS", "director"),
    ("Head of Growth", "director"),
    ("head of people", "director"),
    ("Engineering Manager", "manager"),
    ("Sr. Mgr, Sales", "manager"),
    ("Marketing Manger", "manager"),
    ("Team Lead - Customer Support", "manager"),
    ("Supervisor", "manager"),
    ("Software Engineer", "individual"),
    ("Senior Data Analyst", "individual"),
    ("sr. software eng.", "individual"),
    ("Account Executive", "individual"),
    ("Executive Assistant to the CEO", "individual"),
    ("Marketing Specialist", "individual"),
    ("SDR", "individual"),
    ("Marketing Intern", "intern"),
    ("intern, sales", "intern"),
    ("Graduate Student", "intern"),
    ("Trainee Accountant", "intern"),
    ("", None),
    ("n/a", None),
    ("Unknown", None),
    ("Growth", None),
]


@pytest.mark.parametrize(("title", "expected"), TITLES)
def test_infer_seniority_from_real_world_titles(title: str, expected: str | None) -> None:
    assert infer_seniority(title) == expected


def test_infer_seniority_of_none_is_none() -> None:
    assert infer_seniority(None) is None


def test_choice_values_ignore_case_spaces_and_separators() -> None:
    kind = next(c for c in ACTIVITY_COLUMNS if c.name == "kind")
    assert match_choice(kind, "Demo Request") == "demo_request"
    assert match_choice(kind, "pricing-page-view") == "pricing_page_view"
    assert match_choice(kind, "webinar") is None
    seniority = next(c for c in LEAD_COLUMNS if c.name == "seniority")
    assert match_choice(seniority, "C-Level") == "c-level"
    assert match_choice(seniority, "c level") == "c-level"


@pytest.mark.parametrize("name", ["hubspot", "salesforce"])
def test_presets_map_their_own_headers(name: str, tmp_path: Path) -> None:
    mapping = PRESETS[name]
    headers = list(mapping.leads.values())
    sample = {
        "lead_id": "42",
        "created_at": "2025-03-05" if mapping is HUBSPOT else "3/5/2025",
        "title": "VP Marketing",
        "email": "dana@acme.example",
        "company": "Acme",
        "domain": "https://www.acme.example/about",
        "account_id": "0015",
        "employees": "250",
        "industry": "software",
        "region": "United States",
        "mql_at": "2025-03-06",
        "opportunity_at": "3/20/2025" if mapping is SALESFORCE else "2025-03-20",
        "won_at": "",
        "amount": "",
        "seniority": "",
        "relationship": "Customer",
        "sdr_decision": "Unqualified",
    }
    row = [sample[column] for column in mapping.leads]
    path = tmp_path / "leads.csv"
    path.write_text(",".join(f'"{h}"' for h in headers) + "\n" + ",".join(row) + "\n")
    leads, report = load_leads(path, mapping)
    assert report.skipped == 0, report.lines()
    assert not any("not in the file" in note and "title" in note for note in report.notes)
    (lead,) = leads
    assert lead.lead_id == "42"
    assert lead.created_at.year == 2025 and lead.created_at.month == 3 and lead.created_at.day == 5
    assert lead.title == "VP Marketing" and lead.seniority == "vp"  # inferred
    assert lead.company == "Acme" and lead.domain == "acme.example"
    assert lead.account_id == "0015"
    assert lead.employees == 250 and lead.industry == "software"
    assert lead.sdr_decision == "rejected"
    assert lead.opportunity_at is not None and lead.opportunity_at.day == 20
    if mapping is HUBSPOT:
        assert lead.relationship == "customer"
        assert lead.mql_at is not None


def test_a_mapping_file_extends_a_preset(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(
        'preset = "salesforce"\n'
        'date_formats = ["%d.%m.%Y"]\n'
        "[leads]\n"
        'employees = "Company Size"\n'
        "[activities]\n"
        'kind = "Activity"\n'
        "[values.kind]\n"
        '"Form: Request a demo" = "demo_request"\n'
    )
    mapping = load_mapping(path)
    assert mapping.leads["employees"] == "Company Size"
    assert mapping.leads["lead_id"] == "Lead ID"  # from the preset
    assert mapping.activities["kind"] == "Activity"
    assert mapping.translate("kind", " form: REQUEST a demo ") == "demo_request"
    assert mapping.date_formats[0] == "%d.%m.%Y"
    assert resolve_mapping("hubspot") is HUBSPOT
    assert resolve_mapping(None).name == "canonical"


def test_mapping_file_mistakes_are_located(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(
        'preset = "pipedrive"\n[leads]\nlead_idd = "Id"\n[values.kind]\n"Webinar" = "webinar"\n'
    )
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    text = str(caught.value)
    assert "mapping.toml:1: preset: unknown preset 'pipedrive'" in text
    assert "mapping.toml:3: leads.lead_idd: unknown leads column" in text
    assert "'webinar' is not a kind" in text
    assert ":5:" in text
