"""`workbench diff` and `core.diff`: clause-level changes a sales leader can read.

Each clause type has its own wording; the tests pin the sentences the issue quotes, and check
that identity and lifecycle fields (version, status, sign-off) never show up as changes.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli_steps import one_error, run
from workbench.core.domain.definition import (
    Definition,
    Escalation,
    Motion,
    OpenQuestion,
    Segment,
    Tier2Rule,
)
from workbench.core.domain.diff import Change, diff
from workbench.core.domain.templates import from_template
from workbench.core.files import store
from workbench.core.services.signoff import sign
from workbench.core.services.workshop import Workshop

NOW = datetime(2025, 2, 10, 15, 30, tzinfo=UTC)
REVIEW = date(2025, 6, 30)
MARKETING = "Dana Reyes, VP Marketing"
SALES = "Sam Ortiz, VP Sales"


def base(stage: str = "3m-10m", slug: str = "acme") -> Definition:
    return from_template(slug, stage, date(2025, 1, 6))


def texts(old: Definition, new: Definition) -> list[str]:
    return [change.text for change in diff(old, new)]


def edited(definition: Definition) -> Definition:
    return definition.model_copy(deep=True)


def signed_pair(folder: Path) -> tuple[Path, Path]:
    """acme v1 signed and v2 a fresh draft from it: what a new version starts as."""
    v1 = store.create(base(), folder)
    sign(store.load_definition(v1), MARKETING, SALES, REVIEW, NOW)
    v2 = store.new_version(folder, "acme", date(2025, 3, 1))
    return v1, v2


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- wording per clause type ---------------------------------------------------------


def test_identical_definitions_have_no_changes() -> None:
    assert diff(base(), base()) == []


def test_lifecycle_fields_are_not_clause_changes(tmp_path: Path) -> None:
    v1, v2 = signed_pair(tmp_path)
    old = store.load_definition(v1).definition
    new = store.load_definition(v2).definition
    assert (old.version, old.status, new.version, new.status) == (1, "signed", 2, "draft")
    assert diff(old, new) == []


def test_fit_gate_minimum_company_size() -> None:
    old = base()
    new = edited(old)
    new.fit.min_employees = 100
    assert texts(old, new) == ["fit gate: minimum company size 50 → 100"]
    change = diff(old, new)[0]
    assert (change.clause, change.before, change.after) == ("fit.min_employees", 50, 100)


def test_fit_gate_lists_say_added_removed_and_any() -> None:
    old = base()
    new = edited(old)
    new.fit.industries = ["software", "fintech"]
    new.fit.regions = []
    new.fit.competitors = ["RivalCRM"]
    new.fit.min_seniority = "manager"
    assert texts(old, new) == [
        "fit gate: industries added fintech",
        "fit gate: regions north-america, europe → any",
        "fit gate: minimum seniority director → manager",
        "fit gate: competitors removed rivalcrm.com",
    ]


def test_tier2_window_change_reads_as_a_sentence() -> None:
    old = base()
    new = edited(old)
    new.triggers.tier2[0].within_days = 14
    assert texts(old, new) == [
        "tier 2: pricing_page_view now counts in the last 14 days (was 7: a longer window)"
    ]
    change = diff(old, new)[0]
    assert change.clause == "triggers.tier2.pricing_page_view.within_days"
    assert (change.before, change.after) == (7, 14)
    # Narrowed, it counts "only" in the shorter window; widened, "only" read as the opposite.
    assert texts(new, old) == [
        "tier 2: pricing_page_view now counts only in the last 7 days (was 14)"
    ]


def test_tier2_rules_added_removed_and_count_changed() -> None:
    old = base()
    new = edited(old)
    new.triggers.tier2 = [
        Tier2Rule(kind="case_study_view", min_count=2, within_days=30),
        Tier2Rule(kind="pricing_page_view", min_count=3, within_days=7),
    ]
    assert texts(old, new) == [
        "tier 2: pricing_page_view now needs 3+ times (was 2+)",
        "tier 2: removed comparison_page_view (was 1+ times within the last 14 days)",
        "tier 2: removed case_study_view+pricing_page_view (was with pricing_page_view in one "
        "session within the last 14 days)",
        "tier 2: added case_study_view 2+ times within the last 30 days",
    ]


def test_recency_windows_are_changes_in_words() -> None:
    old = base()
    new = edited(old)
    new.triggers.within_days = None
    new.review_rule.high_intent_days = 60
    assert texts(old, new) == [
        "triggers: a hand raise counts for 90 days → ever",
        "review rule: a high-intent action counts for 30 days → 60 days",
    ]


def test_inserting_a_tier2_rule_does_not_change_the_others() -> None:
    old = base()
    new = edited(old)
    new.triggers.tier2.insert(0, Tier2Rule(kind="webinar_attended", min_count=1))
    assert texts(old, new) == ["tier 2: added webinar_attended 1+ times within the last 14 days"]


def test_other_trigger_tiers() -> None:
    old = base()
    new = edited(old)
    new.triggers.tier1 = ["demo_request", "contact_sales"]
    new.triggers.tier4 = []
    new.triggers.route = "ae"
    assert texts(old, new) == [
        "triggers: MQLs go to sdr → ae",
        "tier 1 (instant): removed pricing_inquiry",
        "tier 4 (sales-requested): removed sales_requested",
    ]
    new.triggers.tier3 = False
    new.scoring = None
    assert texts(old, new) == [
        "triggers: MQLs go to sdr → ae",
        "tier 1 (instant): removed pricing_inquiry",
        "tier 3: score threshold trigger switched off",
        "tier 4 (sales-requested): removed sales_requested",
        "scoring: point scoring removed",
    ]


def test_scoring_points_threshold_and_window() -> None:
    old = base()
    new = edited(old)
    assert new.scoring is not None
    new.scoring.threshold = 80
    new.scoring.window_days = None
    new.scoring.activity_points["pricing_page_view"] = 15
    new.scoring.activity_points["trial_signup"] = 20
    del new.scoring.activity_points["blog_visit"]
    new.scoring.seniority_points["vp"] = 20
    assert texts(old, new) == [
        "scoring: threshold 75 → 80",
        "scoring: window 90 days → no window",
        "scoring: pricing_page_view points 10 → 15",
        "scoring: blog_visit points removed (was 1)",
        "scoring: trial_signup points added (20)",
        "scoring: vp seniority points 15 → 20",
    ]
    assert diff(old, new)[2].clause == "scoring.activity_points.pricing_page_view"


def test_sla_response_times_and_commitments() -> None:
    old = base()
    new = edited(old)
    new.sla.sales.response_minutes["demo_request"] = 10
    new.sla.sales.response_minutes["tier3"] = 1440
    new.sla.marketing.quality_pct = 80
    new.sla.sales.decide_within_hours = 24
    assert texts(old, new) == [
        "SLA: MQLs meeting the fit criteria 70% → 80%",
        "SLA: response time for demo_request 5 min → 10 min",
        "SLA: response time for tier3 4 h → 1 day",
        "SLA: accept or reject within 48 h → 24 h",
    ]


def test_sla_escalation_removed_added_and_changed() -> None:
    old = base()
    new = edited(old)
    new.sla.escalation = None
    assert texts(old, new) == ["SLA: escalation removed: a missed deadline has no consequence"]
    assert texts(new, old) == ["SLA: escalation added (to SDR manager, lead reassigned)"]
    new.sla.escalation = Escalation(to="Head of Sales", after_minutes=30)
    assert texts(old, new) == [
        "SLA: missed deadlines escalate to SDR manager → Head of Sales",
        "SLA: escalation at the deadline → 30 min after the deadline",
    ]


def test_edge_case_expected_route_changed() -> None:
    old = base()
    new = edited(old)
    case = next(c for c in new.cases if c.name == "competitor-demo-request")
    case.expect.route = "marketing"
    assert texts(old, new) == [
        "edge case competitor-demo-request: expected rejected → rejected, "
        "route changed marketing-leadership → marketing"
    ]


def test_edge_cases_added_removed_and_rewritten() -> None:
    old = base()
    new = edited(old)
    removed = new.cases.pop(0)
    renamed = removed.model_copy(update={"name": "ceo-whitepaper-download"})
    new.cases.append(renamed)
    new.cases[0].why = "Interns rarely buy."
    new.cases[0].lead.company.employees = 20
    found = texts(old, new)
    assert "edge case ceo-ebook-download: removed (was expected nurture)" in found
    assert "edge case ceo-whitepaper-download: added (expected nurture)" in found
    assert any(t.startswith("edge case intern-demo-request: why changed from") for t in found)
    assert "edge case intern-demo-request: lead company employees 500 → 20" in found


def test_segments_matched_by_id() -> None:
    old = base("10m-30m")
    new = edited(old)
    new.segments[1].max_employees = 1500
    new.segments[0].fit = None
    new.segments.pop()  # enterprise
    new.segments.append(Segment(id="strategic", min_employees=5000))
    assert texts(old, new) == [
        "segment smb: own fit gate removed (the main fit gate applies)",
        "segment mid-market: maximum company size 999 → 1500",
        "segment enterprise: removed",
        "segment strategic: added (5000+ employees)",
    ]


def test_a_segments_own_rules_read_like_the_main_ones() -> None:
    old = base("10m-30m")
    new = edited(old)
    enterprise = new.segments[2]
    assert enterprise.triggers is not None and enterprise.fit is not None
    enterprise.triggers.tier2[0].within_days = 30
    enterprise.fit.min_employees = 1200
    assert texts(old, new) == [
        "segment enterprise: fit gate: minimum company size 1000 → 1200",
        "segment enterprise: tier 2: pricing_page_view now counts in the last 30 days (was 7: a longer window)",
    ]


def test_motions_matched_by_id() -> None:
    old = base("30m-plus")
    new = edited(old)
    new.motions[1].lead_type = "aql"
    new.motions[2].min_engaged_contacts = 5
    new.motions[2].qualifies = "contact"
    new.motions.append(Motion(id="partner", label="Partner referrals"))
    assert texts(old, new) == [
        "motion product-led: produces PQLs → AQLs",
        "motion account-based: engaged contacts needed at the account 3 → 5",
        "motion account-based: qualifies the account → contact",
        "motion partner: added",
    ]


def test_questions_added_resolved_reopened() -> None:
    old = base()
    old.questions = [OpenQuestion(text="Are agencies in our ICP?")]
    new = edited(old)
    new.questions[0].resolved = True
    new.questions[0].answer = "No."
    new.questions.append(OpenQuestion(text="Do trials count?", raised_by="Sam"))
    assert texts(old, new) == [
        "question resolved: Are agencies in our ICP? (answer: No.)",
        "question added: Do trials count?",
    ]
    assert texts(new, old) == [
        "question reopened: Are agencies in our ICP?",
        "question removed: Do trials count?",
    ]


def test_name_stage_recycling_and_review_rule() -> None:
    old = base()
    new = edited(old)
    new.name = "Acme inbound"
    new.recycling.resubmit_after_days = 60
    new.review_rule.enabled = False
    found = texts(old, new)
    assert found == [
        f"name: {old.name} → Acme inbound",
        "recycling: a new hand raise is a fresh MQL after 90 days → 60 days",
        "review rule: suspicious-engagement review switched off",
    ]


def test_changes_are_json_ready() -> None:
    old = base()
    new = edited(old)
    new.triggers.tier2.pop()
    payload = json.dumps([change.to_dict() for change in diff(old, new)])
    (item,) = json.loads(payload)
    assert set(item) == {"clause", "before", "after", "text"}
    assert item["before"] == {
        "kind": "case_study_view",
        "min_count": 1,
        "within_days": 14,
        "together": ["pricing_page_view"],
    }


def test_the_tui_sign_off_step_gets_the_same_changes(tmp_path: Path) -> None:
    _v1, v2 = signed_pair(tmp_path)
    workshop = Workshop.open(v2)
    workshop.definition.fit.min_employees = 100
    version, changes = workshop.changes_since_signed(tmp_path)
    assert version == 1
    assert changes == [
        Change("fit.min_employees", 50, 100, "fit gate: minimum company size 50 → 100")
    ]


# --- the command ---------------------------------------------------------------------


def test_diff_command_prints_a_header_and_one_line_per_change(
    runner: CliRunner, tmp_path: Path
) -> None:
    v1, v2 = signed_pair(tmp_path)
    rewrite(v2, "min_employees = 50", "min_employees = 100")
    rewrite(v2, "within_days = 7", "within_days = 14")
    result = run(runner, "diff", v1, v2)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "acme v1 (signed) → v2 (draft)",
        "  fit gate: minimum company size 50 → 100",
        "  tier 2: pricing_page_view now counts in the last 14 days (was 7: a longer window)",
    ]
    assert result.stderr == ""


def test_diff_command_prints_a_recorded_figure_once(runner: CliRunner, tmp_path: Path) -> None:
    """A review's draft changes a clause and records its evidence: the figure is one line."""
    from workbench.core.domain.clause_evidence import record_evidence
    from workbench.core.domain.clauses import with_clause

    v1, v2 = signed_pair(tmp_path)
    figure = "acceptance 20% in 2025Q4 (654 of 3197 MQLs), 'Bad fit (company)' #1"
    loaded = store.load_definition(v2)
    draft = with_clause(loaded.definition, "fit.industries", ["fintech", "software"])
    draft = record_evidence(draft, "fit.industries", figure, on=date(2025, 3, 1))
    store.save(draft, v2, store.file_sha256(v2))
    result = run(runner, "diff", v1, v2)
    assert result.exit_code == 0, result.output
    assert result.stdout.count(figure) == 1
    assert result.stdout.splitlines()[1:] == [
        "  fit gate: industries added fintech",
        f"  evidence for fit.industries: {figure}",
    ]


def test_diff_json_is_a_list_of_changes(runner: CliRunner, tmp_path: Path) -> None:
    v1, v2 = signed_pair(tmp_path)
    rewrite(v2, "min_employees = 50", "min_employees = 100")
    result = run(runner, "diff", v1, v2, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "clause": "fit.min_employees",
            "before": 50,
            "after": 100,
            "text": "fit gate: minimum company size 50 → 100",
        }
    ]


def test_identical_versions_say_no_clause_changed(runner: CliRunner, tmp_path: Path) -> None:
    v1, v2 = signed_pair(tmp_path)
    result = run(runner, "diff", v1, v2)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["acme v1 (signed) → v2 (draft)", "No clause changed."]
    as_json = run(runner, "diff", v1, v2, "--json")
    assert json.loads(as_json.stdout) == []


def test_diff_refuses_two_different_slugs(runner: CliRunner, tmp_path: Path) -> None:
    acme = store.create(base(slug="acme"), tmp_path)
    other = store.create(base(slug="globex"), tmp_path)
    result = run(runner, "diff", acme, other)
    one_error(result, 2, "acme", "globex", "same definition")
    assert result.stdout == ""


@pytest.mark.parametrize("damage", ["missing", "truncated", "not toml"])
def test_diff_bad_input_is_one_located_error(
    runner: CliRunner, tmp_path: Path, damage: str
) -> None:
    v1, v2 = signed_pair(tmp_path)
    if damage == "missing":
        v2.unlink()
    elif damage == "truncated":
        raw = v2.read_bytes()
        v2.write_bytes(raw[: len(raw) // 3])
    else:
        v2.write_text("this is not [toml", encoding="utf-8")
    result = run(runner, "diff", v1, v2)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert str(v2) in result.stderr
    assert result.stdout == ""


def test_diff_marks_an_altered_signed_version(runner: CliRunner, tmp_path: Path) -> None:
    v1, v2 = signed_pair(tmp_path)
    rewrite(v1, "threshold = 75", "threshold = 60")
    result = run(runner, "diff", v1, v2)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == [
        "acme v1 (signed, ALTERED) → v2 (draft)",
        "  scoring: threshold 60 → 75",
    ]
    assert "altered after signing" in result.stderr


def test_diff_reads_a_copy_taken_from_git(runner: CliRunner, tmp_path: Path) -> None:
    """OLD may sit anywhere: `git show HEAD:path > old.toml` is how a reviewer gets it."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "config", "user.name", "Dana Reyes"], check=True)
    subprocess.run([*git, "config", "user.email", "dana@acme.example"], check=True)
    v1, v2 = signed_pair(repo / "definitions")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "v2 draft"], check=True)
    rewrite(v2, "min_employees = 50", "min_employees = 75")
    shown = subprocess.run(
        [*git, "show", "HEAD:definitions/acme/v2.toml"], check=True, capture_output=True
    )
    old = tmp_path / "committed.toml"
    old.write_bytes(shown.stdout)
    result = run(runner, "diff", old, v2)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "acme v2 (draft) → v2 (draft)",
        "  fit gate: minimum company size 50 → 75",
    ]
    assert v1.exists()


def test_a_response_time_in_business_days_is_a_change_in_words() -> None:
    from workbench.core.domain.clauses import with_clause

    old = from_template("acme", "3m-10m", date(2025, 1, 15))
    new = with_clause(old, "sla.sales.response_business_days.content", 2)
    (change,) = diff(old, new)
    assert change.clause == "sla.sales.response_business_days.content"
    assert change.text == "SLA: response time for content 1 business day → 2 business days"


def test_between_signed_versions_the_sign_off_changes_are_said(tmp_path: Path) -> None:
    """v1 and v2 differed only in a signer's role and the review date: `diff` said "No clause
    changed" and nothing about who agreed, or until when."""
    folder = tmp_path / "defs"
    v1 = store.create(from_template("acme", "3m-10m", date(2025, 1, 6)), folder)
    sign(store.load_definition(v1), "Dana Reyes, VP Marketing", "Sam Ortiz, VP Sales",
         date(2025, 9, 30), datetime(2025, 2, 1, tzinfo=UTC))  # fmt: skip
    v2 = store.new_version(folder, "acme", date(2025, 4, 1))
    drafted = run(CliRunner(), "diff", v1, v2)
    assert drafted.exit_code == 0 and "Sign-off:" not in drafted.stdout  # a draft signed nothing
    sign(store.load_definition(v2), "Dana Reyes, CMO", "Sam Ortiz, VP Sales",
         date(2025, 12, 31), datetime(2025, 5, 1, tzinfo=UTC))  # fmt: skip
    result = run(CliRunner(), "diff", v1, v2)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    at = lines.index("Sign-off:")
    assert lines[at + 1 :] == [
        "  review date: 2025-09-30 → 2025-12-31",
        "  marketing: Dana Reyes, VP Marketing → Dana Reyes, CMO",
    ]
