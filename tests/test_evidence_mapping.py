"""Column mapping: presets, mapping files, choice values and seniority from job titles."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from workbench.core.domain.errors import InputError
from workbench.core.evidence.load import load_leads
from workbench.core.evidence.mapping import (
    HUBSPOT,
    PRESETS,
    SALESFORCE,
    Mapping,
    canonical_value,
    infer_seniority,
    load_mapping,
    match_choice,
    resolve_mapping,
)
from workbench.core.evidence.tables import ACTIVITY_COLUMNS, LEAD_COLUMNS, TABLES

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
        "lead_source": "ORGANIC_SEARCH" if mapping is HUBSPOT else "Web",
        "source_detail": "google",
        "first_response_at": "2025-03-06 09:30",
        "sql_at": "2025-03-10",
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
    assert lead.lead_source == ("ORGANIC_SEARCH" if mapping is HUBSPOT else "Web")
    if mapping is HUBSPOT:
        assert lead.relationship == "customer"
        assert lead.mql_at is not None
        assert lead.source_detail == "google" and lead.sql_at is not None
        assert lead.first_response_at is not None and lead.first_response_at.hour == 9


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


def _spellings_of(label: str, rng: random.Random) -> list[str]:
    """A value as CRMs, APIs and people write it: label, internal name, squashed, shouted."""
    words = label.replace("-", " ").split()
    return [
        label,
        "_".join(w.upper() for w in words),  # HubSpot's internal lead status: IN_PROGRESS
        "".join(w.lower() for w in words),  # HubSpot's internal lifecycle: salesqualifiedlead
        "_".join(w.lower() for w in words),
        " ".join(w.capitalize() for w in words),
        "-".join(words),
        "  " + " ".join(w if rng.random() < 0.5 else w.upper() for w in words) + " ",
    ]


@pytest.mark.parametrize("name", ["hubspot", "salesforce"])
def test_preset_values_match_their_labels_and_internal_names(name: str) -> None:
    mapping = PRESETS[name]
    rng = random.Random(name)
    checked = 0
    for column_name, table in mapping.values.items():
        column = next(c for cols in TABLES.values() for c in cols if c.name == column_name)
        for label, ours in table.items():
            for spelled in _spellings_of(label, rng):
                assert canonical_value(column, spelled, mapping) == ours, (column_name, spelled)
                checked += 1
    assert checked > 50


@pytest.mark.parametrize(
    ("column_name", "cell", "expected"),
    [
        ("relationship", "salesqualifiedlead", "prospect"),
        ("relationship", "marketingqualifiedlead", "prospect"),
        ("relationship", "customer", "customer"),
        ("relationship", "evangelist", "customer"),
        ("relationship", "Sales Qualified Lead", "prospect"),
        ("relationship", "sales_qualified_lead", "prospect"),
        ("sdr_decision", "IN_PROGRESS", "accepted"),
        ("sdr_decision", "OPEN_DEAL", "accepted"),
        ("sdr_decision", "ATTEMPTED_TO_CONTACT", "accepted"),
        ("sdr_decision", "BAD_TIMING", "rejected"),
        ("sdr_decision", "NEW", "unworked"),
        ("kind", "OPEN", "email_open"),
        ("kind", "MEETING_BOOKED", "contact_sales"),
        ("kind", "SPAMREPORT", "unsubscribe"),
        ("kind", "CLICK", None),  # no meaning in the vocabulary: the mapping file names it
    ],
)
def test_hubspot_internal_values(column_name: str, cell: str, expected: str | None) -> None:
    column = next(c for cols in TABLES.values() for c in cols if c.name == column_name)
    assert canonical_value(column, cell, HUBSPOT) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Open_Not_Contacted", "unworked"),
        ("Working_Contacted", "accepted"),
        ("Closed_Converted", "accepted"),
        ("closed - not converted", "rejected"),
        ("CLOSED-NOT-CONVERTED", "rejected"),
    ],
)
def test_salesforce_lead_status_api_names(cell: str, expected: str) -> None:
    column = next(c for c in LEAD_COLUMNS if c.name == "sdr_decision")
    assert canonical_value(column, cell, SALESFORCE) == expected


@pytest.mark.parametrize(
    ("preset", "working"),
    [
        (HUBSPOT, ["In Progress", "Connected", "Attempted to Contact", "Open Deal"]),
        (SALESFORCE, ["Working - Contacted", "Closed - Converted"]),
    ],
)
def test_every_preset_reads_an_sdr_working_a_lead_as_accepted(
    preset: Mapping, working: list[str]
) -> None:
    # One meaning across CRMs: an SDR working a lead has accepted it; only a lead nobody has
    # picked up is unworked.
    column = next(c for c in LEAD_COLUMNS if c.name == "sdr_decision")
    assert [canonical_value(column, status, preset) for status in working] == ["accepted"] * len(
        working
    )
    not_picked_up = {HUBSPOT.name: "New", SALESFORCE.name: "Open - Not Contacted"}[preset.name]
    assert canonical_value(column, not_picked_up, preset) == "unworked"


def test_a_values_table_matches_every_spelling_and_overrides_the_preset(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(
        'preset = "hubspot"\n'
        "[values.sdr_decision]\n"
        '"BAD_TIMING" = "unworked"\n'  # the room reads bad timing as not decided yet
        "[values.kind]\n"
        '"Form submission: Request a demo" = "demo_request"\n'
    )
    mapping = load_mapping(path)
    decision = next(c for c in LEAD_COLUMNS if c.name == "sdr_decision")
    kind = next(c for c in ACTIVITY_COLUMNS if c.name == "kind")
    rng = random.Random(3)
    for spelled in _spellings_of("Bad Timing", rng):
        assert canonical_value(decision, spelled, mapping) == "unworked", spelled
    assert canonical_value(decision, "In Progress", mapping) == "accepted"  # the preset's
    for spelled in ("form_submission:_request_a_demo", "FORM SUBMISSION: REQUEST A DEMO"):
        assert canonical_value(kind, spelled, mapping) == "demo_request"


def test_one_value_translated_two_ways_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(
        '[values.kind]\n"Demo Request" = "demo_request"\n"DEMO_REQUEST" = "webinar_attended"\n'
    )
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    text = str(caught.value)
    assert "mapping.toml:3: values.kind.DEMO_REQUEST" in text
    assert "same value as 'Demo Request'" in text


@pytest.mark.parametrize(
    ("lines", "decimal"),
    [
        ('locale = "de-DE"', ","),
        ('locale = "fr_FR"', ","),
        ('locale = "pt-BR"', ","),
        ('locale = "de-CH"', "."),
        ('locale = "en-US"', "."),
        ('locale = "en-GB"', "."),
        ('decimal = ","', ","),
        ('locale = "de-DE"\ndecimal = ","', ","),
        ("", None),
    ],
)
def test_a_mapping_sets_the_decimal_mark(lines: str, decimal: str | None, tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(lines + '\n[leads]\nlead_id = "Id"\n')
    assert load_mapping(path).decimal == decimal


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ('locale = "klingon"', "mapping.toml:1: locale: unknown locale 'klingon'"),
        ('decimal = ";"', 'mapping.toml:1: decimal: expected "." or ","'),
        ('locale = "de-DE"\ndecimal = "."', "locale 'de-DE' writes ',' but decimal is '.'"),
    ],
)
def test_decimal_mark_mistakes_are_located(lines: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(lines + "\n")
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("locale", "first"),
    [
        ("de-DE", "%d/%m/%Y %I:%M %p"),
        ("en-GB", "%d/%m/%Y %I:%M %p"),
        ("fr_FR", "%d/%m/%Y %I:%M %p"),
        ("en-US", "%m/%d/%Y %I:%M %p"),
        ("ja-JP", "%m/%d/%Y %I:%M %p"),
    ],
)
def test_a_day_first_locale_turns_the_presets_dates(
    locale: str, first: str, tmp_path: Path
) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(f'preset = "salesforce"\nlocale = "{locale}"\ndate_formats = ["%Y%m%d"]\n')
    formats = load_mapping(path).date_formats
    assert formats[:2] == ("%Y%m%d", first)  # the file's own formats first
    assert ("%d.%m.%Y" in formats) == first.startswith("%d")
    assert ("%m/%d/%Y" in formats) != first.startswith("%d")  # never both orders


@pytest.mark.parametrize("column", ["region", "industry", "lead_source"])
def test_the_text_columns_a_fit_gate_compares_can_be_translated(
    column: str, tmp_path: Path
) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(
        f'preset = "hubspot"\n[values.{column}]\n"United States" = " north-america "\n'
        '"COMPUTER_SOFTWARE" = "software"\n'
    )
    mapping = load_mapping(path)
    for spelled in ("united states", "UNITED_STATES", "United-States", "UnitedStates"):
        assert mapping.translate(column, spelled) == "north-america"
    assert mapping.translate(column, "Computer Software") == "software"
    assert mapping.translate(column, "Brazil") == "Brazil"  # not named: as it is


def test_a_translated_text_value_must_say_what_it_reads_as(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text('[values.region]\n"Canada" = ""\n"Mexico" = 3\n[values.title]\n"x" = "y"\n')
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    text = str(caught.value)
    assert "mapping.toml:2: values.region.Canada" in text and "non-empty string" in text
    assert "values.region.Mexico" in text
    assert "mapping.toml:4: values.title: values can be translated for:" in text
    assert "region" in text


def test_a_yes_no_column_reads_the_mappings_own_spellings(tmp_path: Path) -> None:
    # An ABM list marked "x" or "✓" read as "not true or false", and [values.target_account]
    # was refused: "values can be translated for: ..." without target_account.
    path = tmp_path / "mapping.toml"
    path.write_text(
        '[values.target_account]\n"x" = true\n"✓" = true\n"-" = false\n"Named Account" = "true"\n',
        encoding="utf-8",
    )
    mapping = load_mapping(path)
    leads_csv = tmp_path / "leads.csv"
    cells = ["x", "✓", "-", "X", "named account", "Yes", "N", "", "maybe"]
    leads_csv.write_text(
        "lead_id,created_at,target_account\n"
        + "".join(f"L{n},2025-01-05,{cell}\n" for n, cell in enumerate(cells)),
        encoding="utf-8",
    )
    leads, report = load_leads(leads_csv, mapping)
    got = [lead.target_account for lead in leads]
    assert got == [True, True, False, True, True, True, False, False, False]
    # The usual words still read without a table; what none names is said, with the line.
    (problem,) = report.emptied_first
    assert problem.value == "maybe"
    assert '[values.target_account] "maybe" = true' in problem.reason
    # Without the table the marks are not guessed.
    leads, report = load_leads(leads_csv)
    assert [lead.target_account for lead in leads][:2] == [False, False]
    assert report.emptied_columns["target_account"] == 6  # x, ✓, -, X, named account, maybe


def test_a_mark_that_is_only_punctuation_reads_only_itself(tmp_path: Path) -> None:
    # Compared without '-', '_', '/' and '.', "-" = false was "": "_", "." and "--" read as
    # false too, and "-" and "." named twice were "the same value".
    path = tmp_path / "mapping.toml"
    path.write_text('[values.target_account]\n"-" = false\n"+" = true\n', encoding="utf-8")
    mapping = load_mapping(path)
    cells = ["-", " - ", "+", "_", ".", "--", "/"]
    leads_csv = tmp_path / "leads.csv"
    leads_csv.write_text(
        "lead_id,created_at,target_account\n"
        + "".join(f"L{n},2025-01-05,{cell}\n" for n, cell in enumerate(cells)),
        encoding="utf-8",
    )
    leads, report = load_leads(leads_csv, mapping)
    assert [lead.target_account for lead in leads][:3] == [False, False, True]
    assert report.emptied_columns["target_account"] == 4  # "_", ".", "--", "/": not named
    assert [p.value for p in report.emptied_first][:3] == ["_", ".", "--"]
    path.write_text('[values.target_account]\n"-" = false\n"." = true\n', encoding="utf-8")
    assert load_mapping(path).translate("target_account", ".") == "true"


def test_a_yes_no_value_must_be_true_or_false(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(
        '[values.target_account]\n"x" = "maybe"\n"o" = 1\n"Y" = true\n"y" = false\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    text = str(caught.value)
    assert "mapping.toml:2: values.target_account.x: 'maybe' is not true or false" in text
    assert 'write "x" = true or "x" = false' in text
    assert "mapping.toml:3: values.target_account.o: 1 is not true or false" in text
    assert "'y' is the same value as 'Y'" in text
    path.write_text('[values.title]\n"x" = "y"\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    assert "target_account" in str(caught.value)  # among the columns that can be translated
