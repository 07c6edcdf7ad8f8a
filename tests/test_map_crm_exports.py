"""`workbench map` on exports as Zoho, Pardot, Marketo and Close write them: the columns are
confirmed by their values (the leads' ids, the activity types the tool can place, dates), not
only by their names."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from workbench.core.evidence.load import load_evidence
from workbench.core.evidence.mapping import CANONICAL
from workbench.core.evidence.propose import (
    GENERIC_NOTE,
    TABLE_COLUMNS,
    Proposal,
    kind_proposal,
    propose,
    propose_value,
)

FIRST = ["Chris", "Pat", "Alex", "Sam", "Jo", "Kim", "Lee", "Max", "Ray", "Ty", "Ann", "Bo"]
LAST = ["Lee", "Ng", "Diaz", "Khan", "Ito", "Berg", "Moss", "Cole", "Ruiz", "Park", "Ode", "Vu"]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def _found(proposal: Proposal) -> dict[str, dict[str, str]]:
    return {t: {g.column: g.header for g in gs} for t, gs in proposal.headers.items()}


def _why(proposal: Proposal, table: str, column: str) -> str:
    return next(g.why for g in proposal.headers[table] if g.column == column)


# Zoho CRM: leads by "Record Id"; its activities name the lead by "What Id", and "Related To"
# holds the person's name.
ZOHO_KINDS = [
    "Page Visited: Pricing",
    "Webinar Attended",
    "Email Opened",
    "Form Submitted: Request a Demo",
    "Content Downloaded: eBook",
    "Page Visited: Case Studies",
]


def _zoho(tmp: Path, leads: int = 40) -> tuple[Path, Path]:
    ids = [str(5725767000000456000 + 7 * n) for n in range(leads)]
    names = [f"{FIRST[n % 12]} {LAST[(n * 5) % 12]}" for n in range(leads)]
    lead_rows = [
        [
            ids[n],
            "Priya Raman",
            f"Co {n} Works",
            names[n].split()[0],
            names[n].split()[1],
            "VP Marketing",
            f"p{n}@co{n}.io",
            ["Not Contacted", "Junk Lead"][n % 2],
            "United States",
            f"2025-02-{1 + n % 28:02d} 06:31:00",
            f"2025-03-{1 + n % 28:02d} 06:31:00",
        ]
        for n in range(leads)
    ]
    leads_path = _write(
        tmp / "Leads_001.csv",
        [
            "Record Id",
            "Lead Owner",
            "Company",
            "First Name",
            "Last Name",
            "Title",
            "Email",
            "Lead Status",
            "Country",
            "Created Time",
            "Modified Time",
        ],
        lead_rows,
    )
    act_rows = [
        [
            str(9000000000000000000 + k),
            "Event",
            ZOHO_KINDS[k % len(ZOHO_KINDS)],
            names[k % leads],
            ids[k % leads],
            f"2025-04-{1 + k % 28:02d} 15:45:00",
        ]
        for k in range(3 * leads)
    ]
    acts_path = _write(
        tmp / "Activities_001.csv",
        ["Activity Id", "Activity Type", "Subject", "Related To", "What Id", "Created Time"],
        act_rows,
    )
    return leads_path, acts_path


def test_the_activities_lead_id_is_the_column_whose_values_are_the_leads_ids(
    tmp_path: Path,
) -> None:
    # "Related To" was proposed by its name ("a name close to it"), and 0 activities kept.
    leads, activities = _zoho(tmp_path)
    proposal = propose(leads, activities)
    found = _found(proposal)
    assert found["leads"]["lead_id"] == "Record Id"
    assert found["activities"]["lead_id"] == "What Id"
    assert "the leads' ids" in _why(proposal, "activities", "lead_id")
    # "Activity Type" is "Event" throughout: the kind is what "Subject" says.
    assert found["activities"]["kind"] == "Subject"
    assert found["activities"]["at"] == "Created Time"
    # Three generic headers ("Record Id", "Lead Status", "Activity Type") are no HubSpot file.
    assert proposal.preset is CANONICAL
    evidence = load_evidence(leads, activities, proposal.mapping())
    assert len(evidence.leads) == 40
    assert len(evidence.activities) == 120


def test_map_says_when_the_activities_lead_id_holds_no_lead_s_id(tmp_path: Path) -> None:
    leads, activities = _zoho(tmp_path)
    rows = list(csv.reader(activities.open(encoding="utf-8")))
    # Only the names are left: the column of ids is gone.
    _write(activities, [*rows[0][:4], rows[0][5]], [[*r[:4], r[5]] for r in rows[1:]])
    proposal = propose(leads, activities)
    assert _found(proposal)["activities"]["lead_id"] == "Related To"
    (note,) = [n for n in proposal.notes if n.startswith("activities.lead_id")]
    assert "none of its sampled values ('Chris Lee'" in note
    assert "every activity would be left out" in note


def test_the_leads_lead_id_is_found_by_distinct_ids_the_activities_name(tmp_path: Path) -> None:
    # No header says "id": the leads' column of distinct ids the activities name is the id.
    rows = [
        [f"Co {n}", f"ZX-{4000 + n}", f"2025-01-{1 + n % 28:02d}", f"p{n}@co{n}.io"]
        for n in range(20)
    ]
    leads = _write(tmp_path / "l.csv", ["Company", "Handle", "Created Date", "Email"], rows)
    activities = _write(
        tmp_path / "a.csv",
        ["Who", "Activity Type", "Activity Date"],
        [[f"ZX-{4000 + n % 20}", "Email open", "2025-03-01 10:00"] for n in range(30)],
    )
    proposal = propose(leads, activities)
    found = _found(proposal)
    assert found["leads"]["lead_id"] == "Handle"
    assert found["activities"]["lead_id"] == "Who"
    assert proposal.missing_required() == []


# Pardot's prospect activities: "Type" is coarse, "Type Name" says which.
PARDOT = [
    ("Visit", "Visitor Page View", "pricing.html"),
    ("Email", "Email Open", "Newsletter Jan"),
    ("Email", "Email Unsubscribe", "Unsubscribe Email"),
    ("Form", "Form Success", "Request a Demo Form"),
    ("Webinar", "Webinar Attended", "Webinar Q1"),
]


def test_the_kind_column_is_the_one_whose_values_place(tmp_path: Path) -> None:
    leads = _write(
        tmp_path / "prospects.csv",
        ["Id", "Email", "Company", "Job Title", "Source", "Created Date"],
        [
            [str(30000000 + 2 * n), f"p{n}@co{n}.io", f"Co {n}", "CMO", "Website", "2025-02-18"]
            for n in range(20)
        ],
    )
    activities = _write(
        tmp_path / "prospect_activities.csv",
        ["Prospect Id", "Type", "Type Name", "Details", "Created At"],
        [
            [str(30000000 + 2 * (k % 20)), *PARDOT[k % 5], f"2025-03-{1 + k % 28:02d} 05:15:00"]
            for k in range(50)
        ],
    )
    proposal = propose(leads, activities)
    found = _found(proposal)
    assert found["activities"]["kind"] == "Type Name"
    assert found["activities"]["at"] == "Created At"
    assert found["leads"]["lead_source"] == "Source"
    unplaced = {g.value for g in proposal.unplaced() if g.column == "kind"}
    assert unplaced == {"Visitor Page View", "Form Success"}  # which page, which form?


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Open Email", "email_open"),  # Marketo's activity log
        ("Unsubscribe Email", "unsubscribe"),
        ("Attend Event", "webinar_attended"),
        ("Visit Webpage", None),
        ("Fill Out Form", None),
    ],
)
def test_marketo_activity_names_are_placed_or_left_with_a_note(
    value: str, expected: str | None
) -> None:
    proposal, why = propose_value(TABLE_COLUMNS["kind"], value)
    assert proposal == expected
    if expected is None:
        assert why == GENERIC_NOTE


def test_marketo_standard_type_ids_are_read_by_their_names() -> None:
    assert kind_proposal("activityTypeId", "10") == (
        "email_open",
        "Marketo's standard activity type id 10 is 'Open Email'; it says 'open email'",
    )
    assert kind_proposal("activityTypeId", "9")[0] == "unsubscribe"
    proposal, why = kind_proposal("activityTypeId", "1")
    assert proposal is None and why.startswith("Marketo's standard activity type id 1 is")
    proposal, why = kind_proposal("activityTypeId", "100001")
    assert proposal is None and "not one of its standard ones" in why
    # Only in Marketo's column: a number elsewhere is no Marketo id.
    assert kind_proposal("Type", "10") == (None, "")


def test_a_marketo_bulk_extract_proposes_its_standard_ids(tmp_path: Path) -> None:
    leads = _write(
        tmp_path / "leads.csv",
        ["Id", "Email Address", "Created At"],
        [[str(1000 + n), f"p{n}@co{n}.io", "2025-02-18 20:01"] for n in range(10)],
    )
    activities = _write(
        tmp_path / "activities.csv",
        ["marketoGUID", "leadId", "activityDate", "activityTypeId", "primaryAttributeValue"],
        [
            [str(500000 + k), str(1000 + k % 10), "2025-02-24T10:15:00Z", t, "page.html"]
            for k, t in enumerate(["1", "10", "10", "2", "9", "10"] * 3)
        ],
    )
    proposal = propose(leads, activities)
    text = proposal.toml()
    assert '\n10 = "email_open"  # guess: Marketo\'s standard activity type id 10 is' in text
    assert '\n# 1 = ""  # not placed (3 activities): Marketo\'s standard activity type' in text
    evidence = load_evidence(leads, activities, proposal.mapping())
    assert sorted({a.kind for a in evidence.activities}) == ["email_open", "unsubscribe"]


def test_close_headers_are_found(tmp_path: Path) -> None:
    leads = _write(
        tmp_path / "close_leads.csv",
        [
            "id",
            "display_name",
            "status_label",
            "date_created",
            "date_updated",
            "primary_contact_title",
            "primary_contact_primary_email",
            "custom.Lead Source",
            "custom.Employees",
            "custom.Industry",
        ],
        [
            [
                f"lead_Pli{n}X6meolEmA61eQjOMtei1jeZo3",
                f"Co {n} Works",
                "Potential",
                "2025-02-19T01:01:00.000000+00:00",
                "",
                "VP Marketing",
                f"p{n}@co{n}.io",
                "Webinar",
                str(40 + n),
                "software",
            ]
            for n in range(10)
        ],
    )
    activities = _write(
        tmp_path / "close_activities.csv",
        ["lead_id", "id", "_type", "note", "date_created"],
        [
            [
                f"lead_Pli{k % 10}X6meolEmA61eQjOMtei1jeZo3",
                f"acti_{k}",
                "Note",
                ZOHO_KINDS[k % 6],
                "2025-02-24T10:15:00.000000+00:00",
            ]
            for k in range(30)
        ],
    )
    proposal = propose(leads, activities)
    found = _found(proposal)
    assert {k: found["leads"].get(k) for k in ("title", "company", "lead_source")} == {
        "title": "primary_contact_title",
        "company": None,  # "display_name" is most tools' person's name: not guessed
        "lead_source": "custom.Lead Source",
    }
    assert found["leads"]["employees"] == "custom.Employees"
    assert found["leads"]["industry"] == "custom.Industry"
    assert found["activities"]["at"] == "date_created"
    assert found["activities"]["kind"] == "note"


@pytest.mark.parametrize("header", ["Date/Time", "Wann"])
def test_a_time_column_is_found_by_its_name_or_its_values(tmp_path: Path, header: str) -> None:
    leads = _write(
        tmp_path / "l.csv",
        ["Id", "Email Address", "Created At"],
        [[str(1000 + n), f"p{n}@co{n}.io", "Feb 18, 2025 08:01 PM"] for n in range(10)],
    )
    activities = _write(
        tmp_path / "a.csv",
        ["Id", header, "Activity Type", "Detail", "Lead ID"],
        [
            [str(500000 + k), f"Feb {1 + k}, 2025 5:15 AM", "Open Email", "x", str(1000 + k % 10)]
            for k in range(12)
        ],
    )
    proposal = propose(leads, activities)
    if header == "Wann":
        # A column whose values read as dates is named for the room to choose, never written:
        # which date is the activity's own only the room knows.
        assert "at" not in _found(proposal)["activities"]
        assert proposal.missing_required() == ["activities.at"]
        note = next(n for n in proposal.notes if n.startswith("activities.at"))
        assert "'Wann'" in note and "at = 'Wann'" in note, note
    else:
        assert _found(proposal)["activities"]["at"] == header
        assert proposal.missing_required() == []


def test_the_activities_column_named_lead_id_is_kept_when_it_holds_the_leads_ids(
    tmp_path: Path,
) -> None:
    # Review: an activity's own "id" (1-3000, where leads are 1-1000) held more leads' ids
    # than "lead_id" (some of whose leads are not in the file), took its place, and every
    # kept activity went to another lead.
    leads = _write(
        tmp_path / "l.csv",
        ["id", "created_at", "title"],
        [[str(n), "2025-01-02", "CEO"] for n in range(1, 1001)],
    )
    activities = _write(
        tmp_path / "a.csv",
        ["id", "lead_id", "kind", "at"],
        [[str(k), str(1 + (k * 7) % 1020), "demo_request", "2025-01-03"] for k in range(1, 3001)],
    )
    proposal = propose(leads, activities)
    assert _found(proposal)["activities"]["lead_id"] == "lead_id"


def test_a_reps_touches_keep_their_type_column(tmp_path: Path) -> None:
    # Review: Pipedrive's "Activity - Type" of calls, meetings and e-mails placed nothing,
    # and "Activity - Subject" ("Demo", "Pricing review") became the kind: the reps' own
    # demo meetings read as the leads' demo requests.
    leads = _write(
        tmp_path / "l.csv",
        ["Person - ID", "Person - Person created", "Person - Job title"],
        [[str(n), "2025-01-02", "CEO"] for n in range(40)],
    )
    types = ["Call", "Meeting", "Email", "Task"]
    subjects = ["Demo", "Intro call", "Follow-up", "Pricing review"]
    activities = _write(
        tmp_path / "a.csv",
        ["Activity - ID", "Activity - Type", "Activity - Subject", "Person - ID",
         "Activity - Due date"],
        [
            [str(k), types[k % 4], subjects[(k // 4) % 4], str(k % 40), "2025-01-03"]
            for k in range(160)
        ],
    )  # fmt: skip
    proposal = propose(leads, activities)
    assert _found(proposal)["activities"]["kind"] == "Activity - Type"


@pytest.mark.parametrize("form", ["salesforce", "float"])
def test_ids_the_loader_reads_as_one_are_one_for_the_lead_id_check(
    tmp_path: Path, form: str
) -> None:
    # Review: 15-character Salesforce ids in the leads and their 18 in the activities, or
    # "500000" and "500000.0", got "every activity would be left out", and the next line
    # said every one would be kept.
    from workbench.core.evidence.load import SALESFORCE_CODE

    def sf18(id15: str) -> str:
        return id15 + "".join(
            SALESFORCE_CODE[sum(1 << j for j in range(5) if id15[5 * c + j].isupper())]
            for c in range(3)
        )

    own = [f"00Q5g00000Ab{n:03d}" for n in range(30)] if form == "salesforce" else None
    ids = own or [str(500000 + n) for n in range(30)]
    named = [sf18(i) for i in ids] if form == "salesforce" else [f"{i}.0" for i in ids]
    leads = _write(
        tmp_path / "l.csv",
        ["lead_id", "created_at", "title"],
        [[i, "2025-01-02", "CEO"] for i in ids],
    )
    activities = _write(
        tmp_path / "a.csv",
        ["lead_id", "kind", "at"],
        [[named[k % 30], "demo_request", "2025-01-03"] for k in range(90)],
    )
    proposal = propose(leads, activities)
    assert _found(proposal)["activities"]["lead_id"] == "lead_id"
    assert not any("would be left out" in note for note in proposal.notes), proposal.notes
