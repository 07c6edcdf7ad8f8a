"""Segments and motions say what differs from the main rules, and their bands cannot contradict
themselves (issue 12, section 4)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from workbench.core.domain.bands import band_warnings, gaps, overlaps
from workbench.core.domain.clauses import override_seed, with_clause
from workbench.core.domain.definition import Definition, FitGate, Segment
from workbench.core.domain.describe import (
    format_minutes,
    override_sentences,
    summary,
    trigger_sentences,
)
from workbench.core.domain.phrases import activity_label
from workbench.core.domain.stages import STAGES
from workbench.core.domain.suite import run_suite
from workbench.core.domain.templates import from_template
from workbench.core.evidence.backtest import backtest
from workbench.core.evidence.engine import load_rows
from workbench.core.evidence.report import backtest_lines
from workbench.core.evidence.tables import ActivityRow, LeadRow
from workbench.core.files import store
from workbench.core.services.workshop import Workshop

CREATED = date(2026, 5, 1)


def segments_template() -> Definition:
    return from_template("bigco", "10m-30m", CREATED)


def motions_template() -> Definition:
    return from_template("global", "30m-plus", CREATED)


def with_segments(definition: Definition, *bands: tuple[int | None, int | None]) -> Definition:
    """The definition with its segments' size bands replaced, in order."""
    data = definition.model_dump()
    for segment, (low, high) in zip(data["segments"], bands, strict=True):
        segment["min_employees"], segment["max_employees"] = low, high
        segment["fit"] = None
    return Definition.model_validate(data)


# --- summaries: only what differs ------------------------------------------------------


def test_a_clause_copied_from_the_main_one_says_nothing_until_it_is_edited() -> None:
    definition = segments_template()
    for clause in ("fit", "triggers", "scoring"):
        path = f"segments.1.{clause}"
        copied = with_clause(definition, path, override_seed(definition, path))
        assert getattr(copied.segments[1], clause) is not None
        assert override_sentences(copied, copied.segments[1]) == [
            "Uses the main rules: the definition's own fit gate, triggers and SLA."
        ], clause


def test_an_edited_copy_lists_only_the_edited_part() -> None:
    definition = segments_template()
    seed = override_seed(definition, "segments.1.fit")
    seed["regions"] = ["emea"]
    edited = with_clause(definition, "segments.1.fit", seed)
    assert override_sentences(edited, edited.segments[1]) == ["Region: emea."]


def test_uses_the_main_rules_only_when_nothing_differs() -> None:
    definition = segments_template()
    smb = override_sentences(definition, definition.segments[0])
    assert not any("Uses the main rules" in line for line in smb)
    assert "Company size 50-199 employees." in smb
    assert "Industry" not in " ".join(smb), "SMB's industries equal the main ones"
    # A response time equal to the main SLA's is not a difference.
    main = definition.sla.sales.response_minutes
    key, minutes = next(iter(main.items()))
    same = with_clause(definition, "segments.1.response_minutes", {key: minutes})
    assert override_sentences(same, same.segments[1])[0].startswith("Uses the main rules")
    faster = with_clause(definition, "segments.1.response_minutes", {key: minutes + 1})
    assert override_sentences(faster, faster.segments[1]) == [
        f"Response times: {key} {format_minutes(minutes + 1)}."
    ]


def test_on_screen_a_segment_names_activities_in_the_rooms_words() -> None:
    definition = segments_template()
    seed = override_seed(definition, "segments.1.triggers")
    seed["tier2"] = [{"kind": "pricing_page_view", "min_count": 3, "within_days": 21}]
    seed["tier1"] = ["demo_request"]
    edited = with_clause(definition, "segments.1.triggers", seed)
    scoring = override_seed(edited, "segments.1.scoring")
    scoring["activity_points"] = {"webinar_attended": 15}
    edited = with_clause(edited, "segments.1.scoring", scoring)
    on_screen = " ".join(override_sentences(edited, edited.segments[1], activity_label))
    assert "Tier 2: pricing page view 3+ times within the last 21 days." in on_screen
    assert "Tier 1 (instant, no score needed): demo request" in on_screen
    assert "Behaviour points: webinar attended +15." in on_screen
    assert "pricing_page_view" not in on_screen and "webinar_attended" not in on_screen
    in_the_file = " ".join(override_sentences(edited, edited.segments[1]))
    assert "Tier 2: pricing_page_view 3+ times" in in_the_file  # `show` and exports keep ids


def test_pql_and_aql_speak_their_own_words() -> None:
    definition = motions_template()
    pql, aql = definition.motions[1], definition.motions[2]
    assert "PQLs go to: sdr." not in override_sentences(definition, pql), (
        "the same route as the main one is no difference"
    )
    assert "AQLs go to: ae." in override_sentences(definition, aql)
    assert not any("MQL" in line for line in override_sentences(definition, aql))
    assert trigger_sentences(aql.triggers or definition.triggers, None, "aql")[-1] == (
        "AQLs go to: ae."
    )
    results = {r.name: r for r in run_suite(definition).results}
    aql_case = results["target-account-engaged"].verdict
    text = " ".join(reason.text for reason in aql_case.reasons)
    assert "Qualified as an AQL by the account-based motion" in text
    assert "is a target account with 3 engaged contacts (the motion needs 3+)" in text
    assert aql_case.clauses() == ("motions.account-based.triggers.tier2[0]",)
    pql_case = results["trial-user-hits-usage-limit"].verdict
    assert "an instant PQL" in pql_case.reasons[0].text


def test_the_largest_stage_promises_no_ml_scoring() -> None:
    text = STAGES["30m-plus"].approach + STAGES["30m-plus"].guidance
    assert "ML" not in text.replace("MQL", "")


# --- size bands ---------------------------------------------------------------------------


def test_the_template_bands_are_clean() -> None:
    assert band_warnings(segments_template()) == []


def test_overlap_gap_and_fit_disagreement_are_named_with_the_companies() -> None:
    definition = with_segments(segments_template(), (50, 199), (150, 999), (1200, None))
    (overlap,) = overlaps(definition)
    assert overlap.segments == ("smb", "mid-market") and (overlap.low, overlap.high) == (150, 199)
    assert "companies of 150-199 employees would all go to SMB" in overlap.message
    (gap,) = gaps(definition)
    assert (gap.low, gap.high) == (1000, 1199)
    assert "No segment covers companies of 1000-1199 employees" in gap.message
    # The main fit gate allows at most 1000: enterprise (1200+) uses it and rejects them all.
    fit = [p for p in band_warnings(definition) if p.kind == "fit"]
    assert [p.segments for p in fit] == [("enterprise",)]
    assert "companies of 1200+ in its band are rejected by fit" in fit[0].message


def test_an_overlap_is_refused_where_typed_and_a_gap_is_taken(tmp_path: Path) -> None:
    workshop = Workshop(store.load_definition(store.create(segments_template(), tmp_path)))
    before = workshop.definition
    refused = workshop.apply("segments.1.min_employees", 150)
    assert not refused.ok and workshop.definition is before
    assert "overlaps SMB's 50-199" in refused.errors[0]
    # Moving the boundary up: the upper edge first (a gap for a moment), then the lower one.
    assert workshop.apply("segments.1.min_employees", 300).ok
    assert gaps(workshop.definition)[0].low == 200
    assert workshop.apply("segments.0.max_employees", 299).ok
    assert not overlaps(workshop.definition) and not gaps(workshop.definition)
    # SMB's own fit gate still stops at 199: the band and the gate disagree, and it is said.
    (fit,) = band_warnings(workshop.definition)
    assert fit.clause == "segments.0.fit.max_employees"
    assert "companies of 200-299 in its band are rejected by fit" in fit.message


def test_a_file_that_already_overlaps_loads_and_takes_other_edits(tmp_path: Path) -> None:
    overlapping = with_segments(segments_template(), (50, 199), (150, 999), (1000, None))
    path = store.create(overlapping, tmp_path)
    loaded = store.load_definition(path)
    assert loaded.definition == overlapping, "loaded unchanged"
    workshop = Workshop(loaded)
    assert workshop.apply("segments.1.label", "Mid").ok
    assert workshop.apply("segments.1.max_employees", 998).ok, "the same overlap, not a new one"
    assert overlaps(workshop.definition), "still there, and warned"
    segment = next(s for h, s in summary(workshop.definition) if h == "Segment SMB")
    assert any(line.startswith("Warning:") and "overlaps" in line for line in segment)


def test_a_segments_own_response_time_is_set_and_cleared_by_path(tmp_path: Path) -> None:
    workshop = Workshop(store.load_definition(store.create(segments_template(), tmp_path)))
    assert workshop.definition.segments[1].response_minutes is None
    assert workshop.apply("segments.1.response_minutes.tier2", 15).ok
    assert workshop.definition.segments[1].response_minutes == {"tier2": 15}
    assert workshop.apply("segments.1.response_minutes.tier2", None).ok
    assert not workshop.definition.segments[1].response_minutes


def test_a_segment_fit_disagreeing_with_its_band_is_said_in_the_summary() -> None:
    definition = segments_template()
    narrowed = with_clause(
        definition,
        "segments.2.fit",
        FitGate(min_employees=1000, max_employees=5000).model_dump(),
    )
    lines = next(s for h, s in summary(narrowed) if h == "Segment Enterprise")
    assert any("companies of 5001+ in its band are rejected by fit" in line for line in lines)
    assert isinstance(narrowed.segments[2], Segment)


def test_a_motion_the_evidence_never_chose_is_listed_with_zero() -> None:
    """Only demo requests from non-target accounts: the AQL motion never fires."""
    t0 = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)
    leads = [
        LeadRow(lead_id=f"L{i}", created_at=t0, employees=200, industry="software")
        for i in range(3)
    ]
    acts = [ActivityRow(f"L{i}", "demo_request", t0 + timedelta(days=i + 1)) for i in range(3)]
    con = duckdb.connect()
    load_rows(con, leads, acts)
    result = backtest(con, motions_template())
    assert result.by_group["motion account-based (AQL)"] == 0
    assert "motion product-led (PQL)" in result.by_group
    assert next(iter(result.by_group)) == "motion inbound (MQL)", "the busiest first"
    assert any(
        "motion account-based (AQL)" in line and " 0" in line for line in backtest_lines(result)
    )


def test_the_fit_step_says_whom_its_gate_decides() -> None:
    # A room changed the main fit gate of a segmented definition and saw no lead move: every
    # segment but Mid-market had its own gate, and nothing on the Fit step said so.
    from workbench.core.domain.describe import fit_scope

    plain = from_template("acme", "3m-10m", date(2025, 1, 1))
    assert fit_scope(plain) is None
    segmented = from_template("acme", "10m-30m", date(2025, 1, 1))
    assert fit_scope(segmented) == (
        "This fit gate applies to Mid-market (200-999), within its size band; SMB (50-199) "
        "and Enterprise (1000+) each have their own (Segments step). Its competitors and "
        "existing customers apply to every lead."
    )
    own = [s.model_copy(update={"fit": s.fit or segmented.fit}) for s in segmented.segments]
    all_own = segmented.model_copy(update={"segments": own})
    assert fit_scope(all_own) == (
        "SMB (50-199), Mid-market (200-999) and Enterprise (1000+) each have their own fit "
        "gate (Segments step): of this one, only the competitors and existing customers "
        "apply, to every lead."
    )
    motions = from_template("acme", "30m-plus", date(2025, 1, 1))
    assert fit_scope(motions) == (
        "This fit gate applies to Inbound MQL and Account-based AQL; Product-led PQL has its "
        "own (Motions step). Its competitors and existing customers apply to every lead."
    )


def test_a_segments_own_competitors_are_said_as_they_act_with_the_main_list() -> None:
    """The main fit gate's competitors and customer rule judge every lead first. With
    globexcrm.com added on the Fit step, SMB's own list (without it) said "Not a competitor
    (rivalcrm.com, RivalCRM)", and a globexcrm.com lead in SMB was rejected all the same."""
    from datetime import datetime as moment

    from tests.test_core_evaluator import make_lead
    from workbench.core.domain.evaluator import evaluate

    definition = segments_template()
    main = [*definition.fit.competitors, "globexcrm.com"]
    widened = with_clause(definition, "fit.competitors", main)
    smb = widened.segments[0]
    assert smb.fit is not None and "globexcrm.com" not in smb.fit.competitors
    said = " ".join(override_sentences(widened, smb))
    assert "competitor" not in said, said
    lead = make_lead(("demo_request", 0), employees=120, domain="globexcrm.com")
    verdict = evaluate(widened, lead, moment(2026, 1, 5, tzinfo=UTC))
    assert verdict.status == "rejected", verdict  # by the main list, before any segment
    assert verdict.reasons[0].clause == "fit.competitors"
    # A name only SMB's list has is said, as an addition.
    own = with_clause(widened, "segments.0.fit.competitors", [*smb.fit.competitors, "rival.io"])
    assert (
        "Also not a competitor (rival.io), besides the main list: those go to marketing "
        "leadership." in override_sentences(own, own.segments[0])
    )


def test_a_segments_own_customer_rule_is_said_only_where_it_acts() -> None:
    definition = segments_template()
    assert definition.fit.existing_customers != "prospect"
    own = with_clause(definition, "segments.0.fit.existing_customers", "prospect")
    said = " ".join(override_sentences(own, own.segments[0]))
    assert "customer" not in said, "the main rule sends customers to the owner first"
    main = with_clause(own, "fit.existing_customers", "prospect")
    owner = with_clause(main, "segments.0.fit.existing_customers", "account-owner")
    said = " ".join(override_sentences(owner, owner.segments[0]))
    assert "Contacts at existing customers go to the account owner" in said
