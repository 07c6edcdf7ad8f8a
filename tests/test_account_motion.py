"""An account motion qualifies the account, not the person (issue 17, section 1).

000/002: an AQL is an account that fits the ICP on firmographics, with several engaged
contacts and account-level intent; the contact's seniority or persona never decides it.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pydantic import ValidationError

from workbench.core.domain.clauses import with_clause
from workbench.core.domain.definition import Definition, FitGate, Motion
from workbench.core.domain.describe import summary
from workbench.core.domain.evaluator import evaluate
from workbench.core.domain.framework import ResponseTime, response_for, response_row
from workbench.core.domain.later import signed_dump
from workbench.core.domain.lead import Lead
from workbench.core.domain.phrases import trigger_label
from workbench.core.domain.templates import from_template
from workbench.core.evidence.engine import load_rows
from workbench.core.evidence.load import load_leads
from workbench.core.evidence.mapping import HUBSPOT, SALESFORCE
from workbench.core.evidence.missed import _accounts_of_missed, explain
from workbench.core.evidence.replay import replay
from workbench.core.evidence.tables import ActivityRow, LeadRow

CREATED = date(2026, 5, 1)


def motions(qualifies: str = "account") -> Definition:
    data: dict[str, Any] = from_template("global", "30m-plus", CREATED).model_dump()
    data["motions"][2]["qualifies"] = qualifies
    return Definition.model_validate(data)


def at_account(**fields: Any) -> Lead:
    """A junior analyst who viewed pricing, at an engaged ICP target account with intent."""
    person = {"title": "Junior Analyst", "seniority": "individual", "email": "jo@wayne.example"}
    company = {
        "name": "Wayne",
        "domain": "wayne.example",
        "employees": 800,
        "industry": "software",
        "region": "europe",
        "target_account": True,
        "engaged_contacts": 3,
        "account_intent": True,
    }
    for key, value in fields.items():
        (person if key in person or key == "persona" else company)[key] = value
    return Lead.model_validate(
        {
            "person": person,
            "company": company,
            "activities": [{"kind": "pricing_page_view", "days_ago": 2}],
        }
    )


def test_seniority_and_persona_never_decide_an_aql() -> None:
    for lead in (at_account(), at_account(persona="student"), at_account(seniority="intern")):
        verdict = evaluate(motions(), lead)
        assert (verdict.status, verdict.lead_type, verdict.route) == ("mql", "aql", "ae")
        text = verdict.reasons[0].text
        assert "3 engaged contacts" in text and "account-level intent" in text
    # Before this clause (a motion qualifying the contact) the junior analyst was rejected.
    old = evaluate(motions("contact"), at_account())
    assert (old.status, old.reasons[0].clause) == ("rejected", "fit.min_seniority")


def test_firmographics_still_gate_an_account() -> None:
    verdict = evaluate(motions(), at_account(employees=20))
    assert verdict.status == "rejected"
    assert "fit.min_employees" in {r.clause for r in verdict.reasons}
    competitor = evaluate(motions(), at_account(relationship="competitor"))
    assert competitor.status == "rejected" and competitor.lead_type == "mql"


def test_no_intent_or_a_lone_contact_is_not_an_aql() -> None:
    for lead in (at_account(account_intent=False), at_account(engaged_contacts=1)):
        assert evaluate(motions(), lead).lead_type != "aql"


def test_an_account_motion_needs_two_contacts_or_more() -> None:
    with pytest.raises(ValidationError, match="a lone engaged contact is not an account"):
        Motion(id="abm", lead_type="aql", qualifies="account", min_engaged_contacts=1)
    assert Motion(id="abm", qualifies="account", min_engaged_contacts=2).qualifies_account


def test_the_account_gate_keeps_only_company_clauses() -> None:
    full = FitGate(
        min_employees=50,
        industries=["software"],
        regions=["europe"],
        min_seniority="director",
        excluded_personas=["student"],
        competitors=["rival.io"],
        existing_customers="prospect",
    )
    account = full.for_account()
    assert account.min_seniority is None and account.excluded_personas == []
    kept = {name: getattr(full, name) for name in FitGate.COMPANY_CLAUSES}
    assert {name: getattr(account, name) for name in FitGate.COMPANY_CLAUSES} == kept
    # Every clause not named as the company's is the person's: at its default for an account.
    for name in set(FitGate.model_fields) - FitGate.COMPANY_CLAUSES:
        assert getattr(account, name) == FitGate.model_fields[name].get_default(
            call_default_factory=True
        )


def test_unset_clauses_stay_out_of_a_signed_file() -> None:
    dumped = signed_dump(motions("contact"))
    assert "qualifies" not in dumped["motions"][2]
    assert "account_intent" not in dumped["cases"][0]["lead"]["company"]
    assert signed_dump(motions())["motions"][2]["qualifies"] == "account"


def test_the_template_says_it_in_plain_words() -> None:
    lines = dict(summary(from_template("global", "30m-plus", CREATED)))["Motion Account-based AQL"]
    assert any(line.startswith("Qualifies the account, not the person") for line in lines)
    assert any("make the AQL themselves (tier 2, account-level intent)" in line for line in lines)


@pytest.mark.parametrize(
    ("mapping", "header"), [(HUBSPOT, "Company ID"), (SALESFORCE, "Account ID")]
)
def test_crm_presets_read_the_account_id(tmp_path: Path, mapping: Any, header: str) -> None:
    ours = {**mapping.leads, "account_id": header}
    row = {
        ours["lead_id"]: "7",
        ours["created_at"]: "01/02/2026 10:00",
        header: "0015",
    }
    path = tmp_path / "leads.csv"
    path.write_text(",".join(row) + "\n" + ",".join(row.values()) + "\n", encoding="utf-8")
    leads, _report = load_leads(path, mapping)
    assert [lead.account_id for lead in leads] == ["0015"]


def test_the_backtest_groups_contacts_by_account_id() -> None:
    t0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
    company: dict[str, Any] = {"employees": 800, "industry": "software", "region": "europe"}
    leads = [
        LeadRow("A", t0, seniority="individual", account_id="0015", target_account=True, **company),
        LeadRow("B", t0, seniority="individual", account_id="0015", **company),
        LeadRow("C", t0, seniority="individual", account_id="0015", **company),
    ]
    activities = [
        ActivityRow("B", "pricing_page_view", t0),
        ActivityRow("C", "webinar_attended", t0 + timedelta(days=1)),
        ActivityRow("A", "pricing_page_view", t0 + timedelta(days=2)),
    ]
    events = replay(motions(), leads, activities)
    assert [(e.lead_id, e.lead_type, e.motion) for e in events] == [("A", "aql", "account-based")]
    assert json.dumps([e.at.isoformat() for e in events]) == json.dumps(
        [(t0 + timedelta(days=2)).isoformat()]
    )


def test_why_a_win_was_missed_sees_the_accounts_contacts() -> None:
    """The missed-wins analysis judges a lead with its account's history, as the replay does:
    a verdict on the lead alone (one engaged contact) would name a clause that did not decide."""
    t0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
    company: dict[str, Any] = {"employees": 800, "industry": "software", "region": "europe"}
    won = t0 + timedelta(days=30)
    leads = [
        LeadRow("A", t0, seniority="individual", domain="wayne.example", target_account=True,
                won_at=won, **company),
        LeadRow("B", t0, seniority="individual", domain="wayne.example", **company),
        LeadRow("C", t0, seniority="individual", domain="wayne.example", **company),
    ]  # fmt: skip
    activities = [
        ActivityRow("B", "pricing_page_view", t0),
        ActivityRow("C", "webinar_attended", t0 + timedelta(days=1)),
        ActivityRow("A", "pricing_page_view", t0 + timedelta(days=2)),
    ]
    mine = [a for a in activities if a.lead_id == "A"]
    alone = explain(motions(), leads[:1], mine)
    assert [c.clause for c in alone.clauses] == ["fit.min_seniority"]
    con = duckdb.connect()
    load_rows(con, leads, activities)
    con.execute("CREATE TEMP TABLE _wb_missed AS SELECT * FROM leads WHERE lead_id = 'A'")
    accounts = _accounts_of_missed(con, motions())
    assert accounts is not None and accounts.facts("A", t0 + timedelta(days=2)) == (3, True)
    assert explain(motions(), leads[:1], mine, accounts=accounts).clauses == ()
    assert _accounts_of_missed(con, motions("contact")) is None


def test_the_app_edits_what_a_motion_qualifies() -> None:
    """The motions step's 'Qualifies' choice writes `motions.N.qualifies`; an account motion
    with one engaged contact is refused with the reason."""
    edited = with_clause(motions(), "motions.2.qualifies", "contact")
    assert not edited.motions[2].qualifies_account
    lone = with_clause(edited, "motions.2.min_engaged_contacts", 1)
    with pytest.raises(ValueError, match="lone engaged contact"):
        with_clause(lone, "motions.2.qualifies", "account")


# --- the account facts fire on their own (the reviewer's coordinator) -------------------------


def coordinator(kind: str = "content_download", **fields: Any) -> Lead:
    """A coordinator at an engaged target account with intent whose one activity is `kind`
    (a whitepaper download: none of the account motion's own tier 1, 2 or 4 triggers)."""
    facts = {"name": "Stark Analytics", "title": "Marketing Coordinator", "engaged_contacts": 5}
    lead = at_account(**{**facts, **fields})
    activities = Lead.model_validate({"activities": [{"kind": kind, "days_ago": 1}]}).activities
    return lead.model_copy(update={"activities": activities})


def test_the_account_facts_make_an_aql_when_the_contact_fired_nothing() -> None:
    verdict = evaluate(motions(), coordinator())
    assert (verdict.status, verdict.route, verdict.lead_type) == ("mql", "ae", "aql")
    assert (verdict.tier, verdict.trigger, verdict.motion) == (2, "account", "account-based")
    (reason,) = verdict.reasons
    assert reason.clause == "motions.account-based.qualifies"
    assert reason.text.startswith(
        "Stark Analytics is a target account with 5 engaged contacts (the motion needs 3+) and "
        "account-level intent: the account is qualified as an AQL by the account-based motion"
    )
    # Said once: the AQL's facts are the trigger, not repeated after it.
    assert reason.text.count("5 engaged contacts") == 1
    # A motion that qualifies the contact is unchanged: the coordinator's seniority decides.
    old = evaluate(motions("contact"), coordinator())
    assert (old.status, old.reasons[0].clause) == ("rejected", "fit.min_seniority")


def test_the_account_gate_still_decides() -> None:
    for lead in (
        coordinator(account_intent=False),
        coordinator(engaged_contacts=2),
        coordinator(target_account=False),
        coordinator(employees=20),
    ):
        assert evaluate(motions(), lead).lead_type != "aql"


def test_the_motions_own_triggers_still_name_themselves() -> None:
    demo = coordinator("demo_request")
    verdict = evaluate(motions(), demo)
    assert (verdict.tier, verdict.trigger, verdict.reasons[0].clause) == (
        1,
        "demo_request",
        "motions.account-based.triggers.tier1",
    )
    pricing = evaluate(motions(), at_account())
    assert (pricing.tier, pricing.trigger) == (2, "pricing_page_view")


def test_account_reads_as_account_level_intent_with_the_tier_2_response_time() -> None:
    verdict = evaluate(motions(), coordinator())
    assert verdict.summary() == "mql → ae (tier 2, account-level intent, AQL)"
    # "account" is no activity kind: the motion's tier 2 response time (15 minutes) applies.
    assert verdict.response_minutes == 15
    assert response_for({"tier2": 15, "tier3": 240}, {}, "account", 2) == (
        "tier2",
        ResponseTime(minutes=15),
    )
    # No framework row names it, so lint bounds it by nothing of its own.
    assert response_row("account", 2) is None
    assert trigger_label("account") == "account-level intent"


def test_the_missed_wins_account_history_sees_what_the_full_one_does() -> None:
    """`_accounts_of_missed` reads only the activity a missed win's moments can see (from its
    first moment less the 30-day window to its last): the facts at every moment are those of
    the account's whole history, at the window's edge too."""
    from workbench.core.evidence.replay import account_history

    t0 = datetime(2026, 3, 10, 9, tzinfo=UTC)
    won = t0 + timedelta(days=5)
    company: dict[str, Any] = {"employees": 800, "industry": "software", "region": "europe"}
    leads = [
        LeadRow("A", t0 - timedelta(days=60), domain="wayne.example", won_at=won, **company),
        LeadRow("B", t0 - timedelta(days=60), domain="wayne.example", **company),
        LeadRow("C", t0 - timedelta(days=60), domain="wayne.example", **company),
        LeadRow("D", t0 - timedelta(days=60), domain="other.example", **company),
    ]
    activities = [
        ActivityRow("B", "pricing_page_view", t0 - timedelta(days=30)),  # on the edge: counts
        ActivityRow("C", "webinar_attended", t0 - timedelta(days=30, microseconds=1)),
        ActivityRow("A", "pricing_page_view", t0),
        ActivityRow("C", "pricing_page_view", t0 + timedelta(days=2)),
        ActivityRow("A", "demo_request", t0 + timedelta(days=2)),
        ActivityRow("B", "pricing_page_view", won + timedelta(days=1)),  # after A's last moment
        ActivityRow("D", "pricing_page_view", t0),
        ActivityRow("A", "webinar_attended", won + timedelta(days=3)),  # after the win
    ]
    con = duckdb.connect()
    load_rows(con, leads, activities)
    con.execute("CREATE TEMP TABLE _wb_missed AS SELECT * FROM leads WHERE lead_id = 'A'")
    narrow = _accounts_of_missed(con, motions())
    full = account_history(motions(), leads, activities)
    assert narrow is not None
    moments = [t0, t0 + timedelta(days=2)]
    assert [narrow.facts("A", at) for at in moments] == [full.facts("A", at) for at in moments]
    assert [narrow.facts("A", at)[0] for at in moments] == [2, 2]  # A and B, then A and C
