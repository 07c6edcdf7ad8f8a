"""The room's words (core.phrases), flips that are real PASS/FAIL changes, and the flip
report for a settled value (core.flipwatch), without a screen."""

from __future__ import annotations

from datetime import date

from workbench.core.domain.clauses import with_clause
from workbench.core.domain.definition import Expectation
from workbench.core.domain.flipwatch import FlipWatch
from workbench.core.domain.phrases import (
    activity_label,
    activity_phrase,
    clause_label,
    days_ago,
    flip_line,
    tier_name,
    trigger_label,
)
from workbench.core.domain.suite import changes, flips, run_suite
from workbench.core.domain.templates import from_template


def test_words_for_kinds_tiers_and_days() -> None:
    assert activity_label("demo_request") == "demo request"
    assert tier_name("t1") == tier_name(1) == tier_name("tier1") == "tier 1"
    assert trigger_label("tier2") == "tier 2"
    assert trigger_label("pricing_inquiry") == "pricing inquiry"
    assert days_ago(0) == "today"
    assert days_ago(1) == "1 day ago"
    assert days_ago(2) == "2 days ago"
    assert days_ago(0.5) == "0.5 days ago"
    assert days_ago(128.353) == "about 128 days ago"  # a lead adopted from history
    assert days_ago(1.2) == "about 1 day ago"
    assert days_ago(0.04) == "today"
    assert days_ago(0.96) == "about 1 day ago"  # not "1 days ago"
    assert activity_phrase("blog_visit", 3, 200) == "blog visit 3 days ago ×200"


def test_clause_paths_read_as_the_room_says_them() -> None:
    definition = from_template("x", "10m-30m", date(2026, 5, 1))
    label = definition.segments[1].label or definition.segments[1].id
    assert clause_label(definition, "segments.1.min_employees") == f"{label}: minimum employees"
    # By id too, as proposals and evidence name a segment's clause.
    segment_id = definition.segments[1].id
    assert clause_label(definition, f"segments.{segment_id}.min_employees") == (
        f"{label}: minimum employees"
    )
    assert clause_label(definition, "fit.min_employees") == "Fit gate: minimum employees"
    assert clause_label(definition, "triggers.tier2.0.within_days") == "Tier 2 rule 1: within days"
    assert clause_label(definition, "triggers.tier4") == "Tier 4"
    assert (
        clause_label(definition, "sla.sales.response_minutes.demo_request")
        == "SLA sales: response time for demo request"
    )
    assert clause_label(definition, "scoring.activity_points.blog_visit") == (
        "Scoring: points for blog visit"
    )


def test_a_verdict_change_that_keeps_pass_or_fail_is_not_a_flip() -> None:
    definition = from_template("x", "3m-10m", date(2026, 5, 1))
    # One case agrees on the status only; the others pin the route too.
    cases = [
        c.model_copy(update={"expect": c.expect.model_copy(update={"route": None})})
        if c.name == "resubmit-after-90-days"
        else c
        for c in definition.cases
    ]
    definition = definition.model_copy(update={"cases": cases})
    before = run_suite(definition)
    # Route every MQL to the AE: verdicts change (sdr → ae); the case that does not pin the
    # route keeps passing, and must not be reported as PASS→PASS.
    after = run_suite(with_clause(definition, "triggers.route", "ae"))
    changed_verdicts = [
        r.name
        for r in after.results
        if r.passed == before.by_name()[r.name].passed
        and r.verdict.summary() != before.by_name()[r.name].verdict.summary()
    ]
    assert changed_verdicts, "the edit must change some verdict without changing pass/fail"
    for flip in flips(before, after):
        assert flip.was_passing != flip.now_passing
        assert flip.name not in changed_verdicts


def test_half_typed_values_are_not_reported_and_a_refused_value_reports_nothing() -> None:
    definition = from_template("x", "3m-10m", date(2026, 5, 1))
    start = run_suite(definition)
    watch = FlipWatch()
    # Typing 50 → 500 → 50 (a 0 too many, then backspace): the half-typed 500 flips cases,
    # the settled 50 flips nothing.
    half = run_suite(with_clause(definition, "fit.min_employees", 500))
    assert flips(start, half), "the half-typed value must flip something for this to test"
    watch.typing("fit.min_employees", start)
    watch.typing("fit.min_employees", half)  # the second key keeps the suite from before
    assert watch.settle("fit.min_employees", start, refused=False) == []
    # A refused value names nothing, and the run goes on until a taken value settles it.
    watch.typing("fit.min_employees", start)
    assert watch.settle("fit.min_employees", half, refused=True) == []
    assert watch.pending("fit.min_employees")
    settled = watch.settle("fit.min_employees", half, refused=False)
    assert {f.name for f in settled} == {f.name for f in flips(start, half)}
    assert not watch.pending("fit.min_employees")


def test_the_flip_line_fits_80_columns() -> None:
    definition = from_template("x", "3m-10m", date(2026, 5, 1))
    found = flips(
        run_suite(definition), run_suite(with_clause(definition, "fit.min_employees", 600))
    )
    assert len(found) >= 3
    label = clause_label(definition, "fit.min_employees")
    for width in (78, 60, 40):
        line = flip_line(found, label, width)
        assert len(line) <= width
        assert "PASS→FAIL" in line or "ctrl+t" in line
    assert "ctrl+t" in flip_line(found, label, 78), "the ones left out are one key away"


def test_one_flip_is_named_when_its_clause_is_too_long_to_say_with_it() -> None:
    # Accepting a case's actual outcome read "case agency-vp-demo-request: expectation
    # flipped 1 case(s): ctrl+t" at 80 columns.
    definition = from_template("x", "3m-10m", date(2026, 5, 1))
    found = flips(
        run_suite(definition), run_suite(with_clause(definition, "fit.min_employees", 600))
    )[:1]
    label = "case " + found[0].name + ": an expectation named at great length"
    line = flip_line(found, label, 60)
    assert line == f"{found[0].name} PASS→FAIL", line
    assert flip_line(found + found, "", 24) == "2 cases to FAIL: ctrl+t"


def test_a_case_that_flips_by_its_own_edit_is_named_once() -> None:
    """'case fintech-cfo-pricing flipped fintech-cfo-pricing PASS→FAIL' named it twice."""
    definition = from_template("x", "3m-10m", date(2026, 5, 1))
    found = flips(
        run_suite(definition), run_suite(with_clause(definition, "fit.min_employees", 600))
    )[:1]
    name = found[0].name
    for label in (f"case {name}", f"case {name}: expectation"):
        line = flip_line(found, label, 200)
        assert line.startswith(f"case {name} PASS→FAIL (now "), line
        assert line.count(name) == 1
    narrow = flip_line(found, f"case {name}", 30)
    assert len(narrow) <= 30 and "case 1 case" not in narrow, narrow
    # Another case's edit that flips this one still says which edit did it.
    assert flip_line(found, "case another", 200).startswith(f"case another flipped {name} ")


def test_the_flip_lines_count_says_which_way_the_cases_went() -> None:
    definition = from_template("x", "3m-10m", date(2026, 5, 1))
    strict = with_clause(definition, "fit.min_employees", 600)
    down = flips(run_suite(definition), run_suite(strict))
    up = flips(run_suite(strict), run_suite(definition))
    label = clause_label(definition, "fit.min_employees")
    assert flip_line(down, label, 78).endswith(f"{len(down)} cases to FAIL: ctrl+t lists them")
    assert flip_line(up, label, 78).endswith(f"{len(up)} cases to PASS: ctrl+t lists them")
    mixed = flip_line([*down[:1], *up[:2]], label, 70)
    assert "3 cases (1 to FAIL)" in mixed, mixed
    # Too long a clause to say: the count still says which way.
    assert flip_line(down, "x" * 80, 40) == f"{len(down)} cases to FAIL: ctrl+t"


def test_a_case_added_or_removed_says_so_on_the_flip_line() -> None:
    # "✗ edge cases 16/17 passing · saved" over "no case has flipped yet", after adopting a
    # case from history that fails: the line names the case added, and whether it passes.
    definition = from_template("x", "3m-10m", date(2026, 5, 1))
    ebook = next(c for c in definition.cases if c.name == "ceo-ebook-download")
    adopted = ebook.model_copy(
        update={"name": "history-won-webinar-0042", "expect": Expectation(status="mql")}
    )
    passing = ebook.model_copy(update={"name": "history-nurtured-0043"})
    before = run_suite(definition)
    failing_added = changes(
        before, run_suite(definition.model_copy(update={"cases": [*definition.cases, adopted]}))
    )
    label = "case history-won-webinar-0042"  # the adopt's edit, as `clause_label` says it
    assert flip_line(failing_added, label, 78) == (
        "added history-won-webinar-0042: FAIL (now nurture, expected mql)"
    )
    assert flip_line(failing_added, None, 40) == "added history-won-webinar-0042: FAIL"
    passing_added = changes(
        before, run_suite(definition.model_copy(update={"cases": [*definition.cases, passing]}))
    )
    assert flip_line(passing_added, None, 78) == "added history-nurtured-0043: PASS (now nurture)"

    # Removed: which case left, and what it was doing.
    with_both = run_suite(definition.model_copy(update={"cases": [*definition.cases, adopted]}))
    assert flip_line(changes(with_both, before), None, 78) == (
        "removed history-won-webinar-0042: was FAIL (nurture, expected mql)"
    )
    removed = changes(
        before, run_suite(definition.model_copy(update={"cases": definition.cases[1:]}))
    )
    assert flip_line(removed, None, 78) == "removed ceo-ebook-download: was PASS (nurture)"

    # With a flip (a follow seat's reload): "flipped" is said of the flip only, and the
    # count says what else came.
    stricter = with_clause(definition, "fit.exclude_email_domains", [])
    mixed = changes(
        before, run_suite(stricter.model_copy(update={"cases": [*stricter.cases, adopted]}))
    )
    flipped = [f for f in mixed if not f.added]
    assert flipped and mixed[-1].added
    line = flip_line(mixed, None, 200)
    assert line.startswith("flipped academic-email-demo-request PASS→FAIL (now "), line
    assert line.endswith(" | added history-won-webinar-0042: FAIL (now nurture, expected mql)")
    assert line.count("flipped") == 1
    assert flip_line(mixed, None, 31) == "1 case to FAIL, 1 added: ctrl+t"
    assert flip_line(mixed, None, 20) == "2 changed: ctrl+t"


def test_a_cases_activities_read_as_the_room_says_them() -> None:
    from datetime import UTC, datetime

    from workbench.core.domain.lead import Activity
    from workbench.core.domain.phrases import activities_phrase

    activities = [
        Activity(kind="demo_request", days_ago=0),
        Activity(kind="pricing_page_view", days_ago=3, count=2),
        Activity(kind="blog_visit", at=datetime(2026, 1, 2, 9, 0, tzinfo=UTC)),
    ]
    assert activities_phrase(activities) == (
        "demo request today, pricing page view 3 days ago ×2, blog visit on 2026-01-02 09:00"
    )
    assert activities_phrase([]) == "none"


def test_a_business_day_response_time_is_named_in_words() -> None:
    definition = from_template("acme", "3m-10m", date(2025, 1, 15))
    assert clause_label(definition, "sla.sales.response_business_days.content") == (
        "SLA sales: response time for content-triggered (business days)"
    )
