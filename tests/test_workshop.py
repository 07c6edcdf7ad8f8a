"""The editing session behind the app: edits, flips, saving, conflicts, read-only."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from workbench.core.domain.clauses import clause_value, override_seed, with_clause
from workbench.core.domain.definition import EdgeCase, Expectation, Scoring
from workbench.core.domain.errors import (
    AlreadyExists,
    CheckFailed,
    ConflictError,
    InputError,
    Problem,
)
from workbench.core.domain.suite import run_suite
from workbench.core.domain.templates import from_template
from workbench.core.domain.vocab import Seniority
from workbench.core.files import store
from workbench.core.services.workshop import Workshop

NOW = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    return store.create(from_template("acme", "3m-10m", date(2026, 5, 1)), tmp_path)


def test_an_edit_reruns_the_suite_and_names_the_flip_and_its_clause(draft: Path) -> None:
    workshop = Workshop.open(draft)
    result = workshop.apply("fit.min_seniority", "intern")
    assert result.ok and result.changed
    assert [f.name for f in result.flips] == ["intern-demo-request"]
    assert "fit.min_seniority" in result.flips[0].clauses
    cases = len(workshop.definition.cases)
    assert workshop.status_line() == f"edge cases {cases - 1}/{cases} passing"


def test_a_reload_names_the_cases_the_file_on_disk_flipped(draft: Path) -> None:
    """A follow seat takes the facilitator's save from disk: the cases whose verdict went
    from PASS to FAIL or back against the suite it showed, by name, as an edit names them."""
    follower = Workshop.open(draft, follow=True)
    facilitator = Workshop.open(draft)
    assert facilitator.apply("fit.min_seniority", "intern").ok
    assert facilitator.save()
    flipped = follower.reload()
    assert [(f.name, f.was_passing, f.now_passing) for f in flipped] == [
        ("intern-demo-request", True, False)
    ]
    assert facilitator.apply("fit.min_seniority", "director").ok
    assert facilitator.save()
    assert [(f.name, f.now_passing) for f in follower.reload()] == [("intern-demo-request", True)]
    assert follower.reload() == ()  # the same file again: nothing flipped


def test_an_invalid_edit_is_refused_with_its_reason_and_changes_nothing(draft: Path) -> None:
    workshop = Workshop.open(draft)
    before = workshop.definition
    result = workshop.apply("fit.min_employees", "5000")
    assert not result.ok
    assert "above the maximum" in result.errors[0]
    assert workshop.definition == before
    assert not workshop.dirty


def test_a_repeated_value_is_not_a_change(draft: Path) -> None:
    workshop = Workshop.open(draft)
    result = workshop.apply("fit.min_employees", "50")
    assert result.ok and not result.changed and not workshop.dirty


def test_save_refuses_a_file_changed_on_disk(draft: Path) -> None:
    workshop = Workshop.open(draft)
    workshop.apply("scoring.threshold", "80")
    draft.write_text(draft.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert workshop.changed_on_disk()
    with pytest.raises(ConflictError):
        workshop.save()
    assert workshop.conflict


def test_edits_to_a_draft_changed_on_disk_are_never_a_second_draft(draft: Path) -> None:
    # Two open drafts would be two competing proposals, which `check` rejects: the room
    # reloads or keeps its edits as a copy to compare, nothing else is written.
    workshop = Workshop.open(draft)
    workshop.apply("scoring.threshold", "80")
    draft.write_text(draft.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(ConflictError):
        workshop.save()
    with pytest.raises(CheckFailed, match="a draft already exists"):
        workshop.keep_as_new_version(draft.parent.parent, date(2026, 5, 4))
    assert [p.name for p in draft.parent.iterdir()] == ["v1.toml"]
    copy = workshop.save_copy(draft.parent.parent / "rescued.toml")
    assert store.load_definition(copy).definition.scoring.threshold == 80  # type: ignore[union-attr]
    with pytest.raises(AlreadyExists, match="already exists"):
        workshop.save_copy(copy)


def test_edits_to_a_draft_signed_meanwhile_become_the_next_version(draft: Path) -> None:
    room = Workshop.open(draft)
    room.apply("scoring.threshold", "80")
    Workshop.open(draft).sign("Dana Reyes, VP Marketing", "Sam Ortiz, VP Sales", None, NOW)
    with pytest.raises(ConflictError):
        room.save()
    kept = room.keep_as_new_version(draft.parent.parent, date(2026, 5, 4))
    assert kept.name == "v2.toml" and room.path == kept and not room.conflict
    loaded = store.load_definition(kept).definition
    assert loaded.scoring.threshold == 80  # type: ignore[union-attr]
    assert (loaded.status, loaded.supersedes, loaded.signoff) == ("draft", 1, None)
    assert store.load_definition(draft).definition.is_signed, "the signed v1 is untouched"


def test_a_failed_save_that_is_not_a_conflict_is_remembered(
    draft: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workshop = Workshop.open(draft)
    workshop.apply("scoring.threshold", "80")
    with monkeypatch.context() as patched:  # a full disk, as the OS reports it
        patched.setattr(store, "atomic_write", _disk_full)
        with pytest.raises(InputError):
            workshop.save()
    assert workshop.save_error and "No space left" in workshop.save_error
    assert workshop.dirty and not workshop.conflict
    assert workshop.save()
    assert workshop.save_error is None


def test_our_own_saves_are_never_mistaken_for_someone_elses(draft: Path) -> None:
    # The app polls the file from a thread while autosave writes it: a check that lands
    # between the rename and the recorded hash must not report a conflict.
    workshop = Workshop.open(draft)
    stop = threading.Event()
    false_alarms: list[bool] = []

    def poll() -> None:
        while not stop.is_set():
            if workshop.changed_on_disk():
                false_alarms.append(True)

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        for i in range(40):
            workshop.apply("fit.min_employees", str(40 + i % 5))
            workshop.save()
    finally:
        stop.set()
        poller.join()
    assert false_alarms == []


def test_a_signed_version_takes_no_edit_of_any_kind(draft: Path) -> None:
    workshop = Workshop.open(draft)
    workshop.sign("Dana Reyes, VP Marketing", "Sam Ortiz, VP Sales", None, NOW)
    assert workshop.read_only
    for result in (
        workshop.apply("scoring.threshold", "80"),
        workshop.add_question("Anything?"),
        workshop.accept_actual("intern-demo-request"),
    ):
        assert not result.ok and "read-only" in result.errors[0]


def test_a_name_with_a_comma_survives_the_form_with_two_fields(draft: Path) -> None:
    workshop = Workshop.open(draft)
    result = workshop.sign(
        ("Dana Reyes, Jr.", "VP Marketing"), ("Sam Ortiz", "VP, Sales"), None, NOW
    )
    signoff = result.definition.signoff
    assert signoff is not None
    assert (signoff.marketing.name, signoff.marketing.role) == ("Dana Reyes, Jr.", "VP Marketing")
    assert (signoff.sales.name, signoff.sales.role) == ("Sam Ortiz", "VP, Sales")
    assert store.load_definition(draft).integrity == "intact"


def test_a_clause_is_found_by_index_or_by_id() -> None:
    definition = from_template("bigco", "10m-30m", date(2025, 1, 1))
    enterprise = definition.segments[2]
    assert clause_value(definition, "segments.2.fit") == enterprise.fit
    assert clause_value(definition, f"segments.{enterprise.id}.fit") == enterprise.fit
    assert clause_value(definition, "triggers.tier1") == definition.triggers.tier1


def test_an_override_starts_as_a_copy_of_the_main_clause() -> None:
    definition = from_template("bigco", "10m-30m", date(2025, 1, 1))
    assert override_seed(definition, "segments.1.triggers") == definition.triggers.model_dump()
    no_scoring = definition.model_copy(update={"scoring": None})
    assert override_seed(no_scoring, "segments.1.scoring") == Scoring().model_dump()


def test_a_clause_is_set_by_index_or_by_id() -> None:
    definition = from_template("bigco", "10m-30m", date(2025, 1, 1))
    enterprise = definition.segments[2]
    by_id = with_clause(definition, f"segments.{enterprise.id}.fit.industries", [])
    assert by_id.segments[2].fit is not None and by_id.segments[2].fit.industries == []
    assert by_id.fit == definition.fit, "only the named clause changes"
    dropped = with_clause(definition, "segments.2.fit", None)
    assert dropped.segments[2].fit is None, "None gives the clause back its default"


def _disk_full(path: Path, payload: bytes, *, create: bool = False) -> None:
    raise InputError([Problem("cannot write: No space left on device", file=path)])


# --- fixing cases in the room -------------------------------------------------------------


def test_a_case_is_edited_in_place_and_a_taken_name_is_refused(draft: Path) -> None:
    workshop = Workshop.open(draft)
    names = [c.name for c in workshop.definition.cases]
    intern = workshop.definition.cases[1]
    renamed = intern.model_copy(
        update={"name": "intern-asks-for-a-demo", "why": "Still an intern."}
    )
    result = workshop.edit_case(intern.name, renamed)
    assert result.ok and result.changed
    assert [c.name for c in workshop.definition.cases] == [
        "intern-asks-for-a-demo" if n == intern.name else n for n in names
    ], "an edited case keeps its place in the suite"
    assert workshop.suite.by_name()["intern-asks-for-a-demo"].passed
    taken = renamed.model_copy(update={"name": names[0]})
    refused = workshop.edit_case("intern-asks-for-a-demo", taken)
    assert not refused.ok and "already exists" in refused.errors[0]
    assert workshop.definition.cases[1] == renamed, "a refused edit changes nothing"


def test_adding_a_case_with_a_taken_name_says_so(draft: Path) -> None:
    workshop = Workshop.open(draft)
    copy = workshop.definition.cases[0].model_copy()
    result = workshop.add_case(copy)
    assert not result.ok and f"{copy.name!r} already exists" in result.errors[0]


def test_a_new_case_says_why_and_describes_a_lead(draft: Path) -> None:
    # A form sent with only its name typed (an Enter after the name) added an empty case.
    from workbench.core.domain.lead import Activity, Lead
    from workbench.core.services.workshop import NO_LEAD, NO_WHY

    workshop = Workshop.open(draft)
    before = list(workshop.definition.cases)
    bare = before[0].model_copy(update={"name": "partner-referral", "why": " ", "lead": Lead()})
    assert workshop.add_case(bare).errors == (NO_WHY,)
    said = bare.model_copy(update={"why": "partners send buyers"})
    assert workshop.add_case(said).errors == (NO_LEAD,)
    assert workshop.definition.cases == before
    lead = Lead(activities=[Activity(kind="sales_requested", days_ago=1)])
    assert workshop.add_case(said.model_copy(update={"lead": lead})).ok
    assert workshop.definition.cases[-1].name == "partner-referral"
    # A lead adopted from history may have had every field anonymised away: still a lead.
    adopted = said.model_copy(update={"name": "won-never-mql-1"})
    assert workshop.add_case(adopted, typed=False).ok


def test_a_case_is_deleted_and_the_suite_rerun(draft: Path) -> None:
    workshop = Workshop.open(draft)
    result = workshop.delete_case("competitor-demo-request")
    assert result.ok and result.changed
    assert "competitor-demo-request" not in workshop.suite.by_name()
    left = len(workshop.definition.cases)
    assert workshop.status_line() == f"edge cases {left}/{left} passing"
    assert not workshop.delete_case("competitor-demo-request").ok
    workshop.save()
    cases = store.load_definition(draft).definition.cases
    assert "competitor-demo-request" not in [c.name for c in cases]


def test_accepting_the_outcome_of_an_agreed_case_needs_confirmation(draft: Path) -> None:
    workshop = Workshop.open(draft)
    workshop.apply("fit.min_seniority", "intern")  # the intern case now fails
    proposal = workshop.acceptance("intern-demo-request")
    assert proposal.needs_confirmation
    assert (proposal.old.label(), proposal.new.label()) == ("rejected → marketing", "mql → sdr")
    refused = workshop.accept_actual("intern-demo-request")
    assert not refused.ok and "not a 'depends' case" in refused.errors[0]
    assert "rejected → marketing" in refused.errors[0] and "mql → sdr" in refused.errors[0]
    assert workshop.suite.by_name()["intern-demo-request"].case.expect == proposal.old
    accepted = workshop.accept_actual("intern-demo-request", confirmed=True)
    assert accepted.ok and workshop.suite.ok


def test_an_acceptance_carries_the_why_and_how_it_would_disagree(draft: Path) -> None:
    # 'Accept actual' flipped a case's expectation and kept a why saying the opposite,
    # which was then signed: the room sees the why as it flips, and only the room edits it.
    workshop = Workshop.open(draft)
    case = workshop.suite.by_name()["ceo-ebook-download"].case
    why = "Fit is great and the CEO asked: an MQL for the SDRs."
    mql = Expectation(status="mql")
    assert workshop.edit_case(case.name, case.model_copy(update={"why": why, "expect": mql})).ok
    proposal = workshop.acceptance(case.name)
    assert proposal.new == Expectation(status="nurture")
    assert proposal.why == why
    assert proposal.why_disagrees == "the why says mql; the case expects nurture"
    assert proposal.why_said() == (
        f"Its why: {why}\n"
        "⚠ Expecting nurture, it no longer matches: the why says mql; the case expects nurture."
    )
    assert workshop.accept_actual(case.name, confirmed=True).ok
    assert workshop.suite.by_name()[case.name].case.why == why, "the room's words stay"


def test_an_acceptance_that_agrees_with_its_why_says_only_the_why(draft: Path) -> None:
    workshop = Workshop.open(draft)
    workshop.set_expectation("ceo-ebook-download", Expectation(status="mql"))
    proposal = workshop.acceptance("ceo-ebook-download")
    assert proposal.why_disagrees is None, "the why says nurture, as the new expectation"
    assert proposal.why_said() == (
        "Its why: Fit is great, but one ebook is a low-intent action: nurture until a hand raise."
    )
    no_why = replace(proposal, why=" ")
    assert no_why.why_said() == "It has no why yet."


def test_a_depends_case_is_accepted_without_confirmation(draft: Path) -> None:
    workshop = Workshop.open(draft)
    workshop.apply("fit.min_employees", None)
    workshop.apply("fit.industries", ["software", "agency"])
    assert not workshop.acceptance("agency-vp-demo-request").needs_confirmation
    assert workshop.accept_actual("agency-vp-demo-request").ok
    assert workshop.suite.ok


def test_the_last_expectation_change_can_be_undone(draft: Path) -> None:
    workshop = Workshop.open(draft)
    before = workshop.definition
    assert not workshop.undo_expectation().ok, "nothing to undo yet"
    changed = workshop.set_expectation("ceo-ebook-download", Expectation(status="mql"))
    assert changed.ok and not workshop.suite.ok
    undone = workshop.undo_expectation()
    assert undone.ok and [f.name for f in undone.flips] == ["ceo-ebook-download"]
    assert workshop.definition == before and workshop.suite.ok
    assert not workshop.undo_expectation().ok, "one step: the undo is not undone again"


def test_undo_follows_a_renamed_case_and_refuses_a_case_changed_since(draft: Path) -> None:
    workshop = Workshop.open(draft)
    workshop.set_expectation("ceo-ebook-download", Expectation(status="mql"))
    case = workshop.definition.cases[0]
    workshop.edit_case(case.name, case.model_copy(update={"name": "ceo-reads-an-ebook"}))
    assert workshop.undo_expectation().ok
    assert workshop.definition.cases[0].expect == Expectation(status="nurture")
    workshop.set_expectation("ceo-reads-an-ebook", Expectation(status="mql"))
    workshop.apply("cases.0.expect.status", "review")  # changed again by another way
    refused = workshop.undo_expectation()
    assert not refused.ok and "changed again" in refused.errors[0]
    workshop.set_expectation("ceo-reads-an-ebook", Expectation(status="mql"))
    workshop.delete_case("ceo-reads-an-ebook")
    assert not workshop.undo_expectation().ok


def test_a_deleted_case_is_brought_back_where_it_stood(draft: Path) -> None:
    workshop = Workshop.open(draft)
    before = workshop.definition
    assert workshop.undo_says() is None and not workshop.undo().ok
    name = before.cases[1].name
    workshop.set_expectation(name, Expectation(status="mql"))
    assert workshop.delete_case(name).ok
    assert workshop.undo_says() == f"{name} is back in the suite."
    undone = workshop.undo()
    assert undone.ok and workshop.definition.cases[1].name == name
    # The case comes back as it was deleted (its changed expectation too); the next `u`
    # takes back that change, and then there is nothing left.
    assert workshop.definition.cases[1].expect == Expectation(status="mql")
    assert workshop.undo().ok and workshop.definition == before
    assert workshop.undo_says() is None and not workshop.undo().ok


def test_undo_takes_back_the_later_of_a_delete_and_an_expectation_change(draft: Path) -> None:
    workshop = Workshop.open(draft)
    first, second = workshop.definition.cases[0], workshop.definition.cases[1]
    workshop.delete_case(first.name)
    workshop.set_expectation(second.name, Expectation(status="mql"))
    assert workshop.undo().ok
    assert workshop.definition.cases[0] == second  # the change undone, the delete kept
    assert workshop.undo().ok and workshop.definition.cases[:2] == [first, second]
    assert not workshop.undo().ok


def test_a_delete_after_an_expectation_change_is_what_undo_takes_back(draft: Path) -> None:
    workshop = Workshop.open(draft)
    first, second = workshop.definition.cases[0], workshop.definition.cases[1]
    workshop.set_expectation(first.name, Expectation(status="mql"))
    workshop.delete_case(second.name)
    assert workshop.undo().ok
    assert workshop.definition.cases[1] == second
    assert workshop.definition.cases[0].expect == Expectation(status="mql")  # one step at a time
    assert workshop.undo().ok and workshop.definition.cases[0] == first
    assert not workshop.undo().ok


def test_undo_brings_back_each_case_deleted_in_turn(draft: Path) -> None:
    """Delete A, delete B, `u`, `u`: B came back, then "nothing to undo" and A was lost."""
    workshop = Workshop.open(draft)
    before = workshop.definition
    first, second = before.cases[0].name, before.cases[1].name
    assert workshop.delete_case(first).ok and workshop.delete_case(second).ok
    assert workshop.undo_says() == f"{second} is back in the suite."
    assert workshop.undo().ok
    assert workshop.undo_says() == f"{first} is back in the suite."
    assert workshop.undo().ok and workshop.definition == before


def test_a_deleted_case_is_not_brought_back_over_a_case_of_its_name(draft: Path) -> None:
    workshop = Workshop.open(draft)
    case = workshop.definition.cases[0]
    workshop.delete_case(case.name)
    other = workshop.definition.cases[0]
    workshop.edit_case(other.name, other.model_copy(update={"name": case.name}))
    refused = workshop.undo()
    assert not refused.ok and "was added since" in refused.errors[0]
    assert [c.name for c in workshop.definition.cases].count(case.name) == 1


def test_a_signed_version_takes_no_case_edit(draft: Path) -> None:
    workshop = Workshop.open(draft)
    workshop.sign("Dana Reyes, VP Marketing", "Sam Ortiz, VP Sales", None, NOW)
    case = workshop.definition.cases[0]
    for result in (
        workshop.edit_case(case.name, case.model_copy(update={"why": "changed"})),
        workshop.delete_case(case.name),
        workshop.set_expectation(case.name, Expectation(status="mql")),
    ):
        assert not result.ok and "read-only" in result.errors[0]


@pytest.mark.parametrize(
    ("path", "typed", "words"),
    [
        ("fit.min_employees", "72.5", "a whole number expected, not '72.5'"),
        ("fit.min_employees", "1,200", "a whole number expected, not '1,200'"),
        ("sla.marketing.quality_pct", "9o", "a whole number expected, not '9o'"),
        ("triggers.tier2.0.within_days", "-60", "at least 1, not -60"),
        ("sla.marketing.quality_pct", "150", "at most 100, not 150"),
    ],
)
def test_a_typed_value_that_is_not_a_whole_number_is_refused_in_words(
    draft: Path, path: str, typed: str, words: str
) -> None:
    workshop = Workshop.open(draft)
    result = workshop.apply(path, typed)
    assert result.errors == (f"{path}: {words}",)


def test_a_number_refused_by_whole_and_decimal_is_said_once(draft: Path) -> None:
    # `half_life_days` takes a whole number or a decimal: pydantic refuses "7,5" twice, once
    # per type; the room reads one line saying what the field takes.
    workshop = Workshop.open(draft)
    result = workshop.apply("scoring", {"threshold": 60, "half_life_days": "7,5"})
    assert result.errors == (
        "scoring.half_life_days: a number expected (with '.' for decimals), not '7,5'",
    )
    assert workshop.apply("scoring", {"threshold": 60, "half_life_days": "7.5"}).ok


def test_what_check_would_fail_is_not_signed(draft: Path) -> None:
    # A demo request that is a tier 1 trigger and also earns points is an error for `check`
    # (demo-request-scored): signed in the room, the build would then refuse the file.
    workshop = Workshop.open(draft)
    assert workshop.apply("scoring.activity_points.demo_request", 30).ok
    with pytest.raises(CheckFailed, match="demo-request-scored") as refused:
        workshop.sign("Dana Reyes, VP Marketing", "Sam Ortiz, VP Sales", None, NOW)
    fields = [p.field for p in refused.value.problems]
    assert fields == ["scoring.activity_points.demo_request"]
    assert not store.load_definition(draft).definition.is_signed
    points = workshop.definition.scoring.activity_points  # type: ignore[union-attr]
    unscored = {k: v for k, v in points.items() if k != "demo_request"}
    assert workshop.apply("scoring.activity_points", unscored).ok
    workshop.sign("Dana Reyes, VP Marketing", "Sam Ortiz, VP Sales", None, NOW)
    assert store.load_definition(draft).definition.is_signed


def test_a_half_typed_value_is_put_back_but_not_across_a_reload(draft: Path) -> None:
    """Leaving with "1,500" refused kept the "1" its first key applied: the core remembers the
    clause before a field's first key. A reload takes the file as it is: nothing to put back."""
    workshop = Workshop.open(draft)
    before = workshop.definition.sla
    workshop.typing_started("sla.marketing.monthly_volume")
    assert workshop.apply("sla.marketing.monthly_volume", "1").ok
    assert not workshop.apply("sla.marketing.monthly_volume", "1,5x").ok
    assert workshop.revert_typing("sla.marketing.monthly_volume").changed
    assert workshop.definition.sla == before
    workshop.typing_started("sla.marketing.monthly_volume")
    assert workshop.apply("sla.marketing.monthly_volume", "2").ok
    workshop.reload()
    reverted = workshop.revert_typing("sla.marketing.monthly_volume")
    assert reverted.ok and not reverted.changed


def test_reverting_a_refused_field_keeps_another_field_of_its_clause(tmp_path: Path) -> None:
    # "77x" refused in min employees, then "retail" added to industries: leaving put the whole
    # fit gate back, industries included.
    workshop = Workshop.open(store.create(from_template("acme", "3m-10m", NOW.date()), tmp_path))
    workshop.typing_started("fit.min_employees")
    assert workshop.apply("fit.min_employees", 77).ok  # the "77" of "77x"
    workshop.typing_started("fit.industries")
    assert workshop.apply("fit.industries", ["software", "retail"]).ok
    workshop.typing_settled("fit.industries")
    assert workshop.revert_typing("fit.min_employees").ok
    assert workshop.definition.fit.min_employees == 50
    assert workshop.definition.fit.industries == ["software", "retail"]


def test_a_refused_value_takes_the_keys_before_it_out_of_the_draft(tmp_path: Path) -> None:
    # "72.5" into the threshold: the core took the "72" and refused "72."; the suite, the
    # backtest and a heading read 72, which neither the field nor the file held.
    workshop = Workshop.open(store.create(from_template("acme", "3m-10m", NOW.date()), tmp_path))
    workshop.typing_started("fit.min_employees")
    assert workshop.apply("fit.min_employees", 80).ok
    workshop.typing_settled("fit.min_employees")
    workshop.typing_started("scoring.threshold")
    assert workshop.apply("scoring.threshold", 72).ok
    assert not workshop.apply("scoring.threshold", "72.5").ok
    assert workshop.refused_typing("scoring.threshold").changed
    draft = workshop.definition
    assert draft.scoring is not None and draft.scoring.threshold == 75
    assert draft.fit.min_employees == 80, "another field's edit stays"
    assert workshop.suite == run_suite(draft)
    # The keys go on: the next value taken is an edit, and leaving reverts as before.
    assert workshop.apply("scoring.threshold", 73).ok
    assert workshop.definition.scoring is not None and workshop.definition.scoring.threshold == 73
    assert workshop.revert_typing("scoring.threshold").changed
    assert workshop.definition.scoring is not None and workshop.definition.scoring.threshold == 75
    # A field refused at its first key has nothing to take back.
    workshop.typing_started("fit.max_employees")
    assert not workshop.apply("fit.max_employees", "x").ok
    assert not workshop.refused_typing("fit.max_employees").changed


def test_ended_from_outside_the_edits_are_saved_or_copied(tmp_path: Path) -> None:
    path = store.create(from_template("acme", "3m-10m", NOW.date()), tmp_path / "defs")
    workshop = Workshop.open(path)
    assert workshop.save_before_exit(tmp_path / "rescued", NOW) is None  # nothing unsaved
    assert workshop.apply("fit.min_employees", 80).ok
    assert workshop.save_before_exit(tmp_path / "rescued", NOW) == path
    assert store.load_definition(path).definition.fit.min_employees == 80
    assert workshop.apply("fit.min_employees", 90).ok
    store.save(
        workshop.definition.model_copy(update={"name": "elsewhere"}), path, store.file_sha256(path)
    )
    copy = workshop.save_before_exit(tmp_path / "rescued", NOW)
    assert copy is not None and copy.parent == tmp_path / "rescued"
    assert store.load_definition(copy).definition.fit.min_employees == 90
    assert store.load_definition(path).definition.name == "elsewhere"
    follower = Workshop.open(path, follow=True)
    assert follower.save_before_exit(tmp_path / "rescued", NOW) is None


def test_reverting_a_refused_segment_field_keeps_another_segments_edit(tmp_path: Path) -> None:
    # The review found the per-field revert skipped list clauses: "77x" in SMB's minimum,
    # then Enterprise renamed, and leaving (or a browser reload) put every segment back.
    workshop = Workshop.open(store.create(from_template("acme", "10m-30m", NOW.date()), tmp_path))
    before = workshop.definition.segments[0].min_employees
    workshop.typing_started("segments.0.min_employees")
    assert workshop.apply("segments.0.min_employees", (before or 0) + 1).ok
    workshop.typing_started("segments.2.label")
    assert workshop.apply("segments.2.label", "Big accounts").ok
    workshop.typing_settled("segments.2.label")
    assert workshop.revert_typing("segments.0.min_employees").ok
    assert workshop.definition.segments[0].min_employees == before
    assert workshop.definition.segments[2].label == "Big accounts"


def test_an_emptied_name_is_refused_in_the_rooms_words(draft: Path) -> None:
    # The app sends an emptied field as None: it read "name: text in quotes expected, not
    # None", the file's words and Python's.
    result = Workshop.open(draft).apply("name", None)
    assert not result.ok and result.errors == ("name: must not be empty",)


# --- a case's seniority read from its title, as the backtest reads it ----------------------


def _vp_finance(
    name: str, title: str = "VP Finance", seniority: Seniority | None = None
) -> EdgeCase:
    """A case as the form writes it: a title, the seniority left "(unset)" unless given."""
    from workbench.core.domain.lead import Activity, Company, Lead, Person

    person = Person(title=title, seniority=seniority, email="jo@bigco.com")
    lead = Lead(
        person=person,
        company=Company(name="Bigco", domain="bigco.com", employees=500),
        activities=[Activity(kind="demo_request", days_ago=0)],
    )
    return EdgeCase(
        name=name, why="a VP asks for a demo", expect=Expectation(status="mql"), lead=lead
    )


def _enrich(workshop: Workshop, name: str) -> bool:
    """Whether the case's verdict is the fit gate's "seniority is unknown: enrich"."""
    verdict = workshop.suite.by_name()[name].verdict
    return any(r.clause == "fit.min_seniority" and "unknown" in r.text for r in verdict.reasons)


def test_a_case_added_with_a_title_and_no_seniority_reads_it_from_the_title(
    draft: Path,
) -> None:
    # A "VP Finance" typed in the form with seniority "(unset)" failed the fit gate as
    # unknown seniority, while the history loader reads vp from the same title: the same
    # person got two verdicts, one in the suite and one in the backtest.
    workshop = Workshop.open(draft)
    result = workshop.add_case(_vp_finance("vp-finance-demo"))
    assert result.ok and result.changed
    case = workshop.definition.cases[-1]
    assert case.lead.person.seniority == "vp"
    assert not _enrich(workshop, case.name), workshop.suite.by_name()[case.name].verdict
    assert result.notes == (
        "seniority vp read from the title 'VP Finance', as the history loader reads it",
    )
    workshop.save()
    saved = store.load_definition(draft).definition.cases[-1]
    assert saved.lead.person.seniority == "vp", "written into the file, not only shown"


def test_a_title_that_says_nothing_leaves_the_seniority_unset(draft: Path) -> None:
    workshop = Workshop.open(draft)
    result = workshop.add_case(_vp_finance("odd-title", title="Wizard of Light Bulb Moments"))
    assert result.ok and result.notes == ()
    assert workshop.definition.cases[-1].lead.person.seniority is None
    assert _enrich(workshop, "odd-title")


def test_a_seniority_given_is_kept_whatever_the_title_says(draft: Path) -> None:
    workshop = Workshop.open(draft)
    result = workshop.add_case(_vp_finance("vp-title-manager", seniority="manager"))
    assert result.ok and result.notes == ()
    assert workshop.definition.cases[-1].lead.person.seniority == "manager"


def test_an_edited_case_reads_its_seniority_from_its_title_too(draft: Path) -> None:
    workshop = Workshop.open(draft)
    intern = workshop.definition.cases[1]
    person = intern.lead.person.model_copy(update={"title": "VP Finance", "seniority": None})
    edited = intern.model_copy(update={"lead": intern.lead.model_copy(update={"person": person})})
    result = workshop.edit_case(intern.name, edited)
    assert result.ok and result.notes, result
    assert workshop.definition.cases[1].lead.person.seniority == "vp"
    signed = Workshop.open(draft)
    signed.sign("Dana Reyes, VP Marketing", "Sam Ortiz, VP Sales", None, NOW)
    refused = signed.edit_case(intern.name, edited)
    assert not refused.ok and refused.notes == (), "a refused edit filled in nothing"


def test_a_case_already_in_a_file_keeps_its_unknown_seniority_and_its_verdict(
    draft: Path,
) -> None:
    # A file signed by an earlier version keeps its meaning: no inference on load, nor on an
    # edit that does not write the case's lead (its expectation).
    loaded = store.load_definition(draft).definition
    cases = [*loaded.cases, _vp_finance("vp-finance-on-file")]
    store.save(loaded.model_copy(update={"cases": cases}), draft, store.file_sha256(draft))
    workshop = Workshop.open(draft)
    case = workshop.definition.cases[-1]
    assert case.lead.person.seniority is None
    assert _enrich(workshop, case.name)
    result = workshop.set_expectation(case.name, Expectation(status="review"))
    assert result.ok and result.notes == ()
    assert workshop.definition.cases[-1].lead.person.seniority is None


@pytest.mark.parametrize(("stage", "path"), [("10m-30m", "segments"), ("30m-plus", "motions")])
def test_a_draft_moved_to_a_split_stage_takes_its_templates_parts(
    tmp_path: Path, stage: str, path: str
) -> None:
    """A $3-10M draft moved to $10-30M kept its rules and had no way to the segments 001
    prescribes there but a new draft; `stage_parts` offers the template's, set as an edit."""
    from workbench.core.domain.templates import stage_parts

    workshop = Workshop.open(
        store.create(from_template("acme", "3m-10m", date(2025, 1, 1)), tmp_path)
    )
    assert stage_parts(workshop.definition) is None
    assert workshop.apply("stage", stage).ok
    parts = stage_parts(workshop.definition)
    assert parts is not None and parts.path == path
    template = getattr(from_template("acme", stage, date(2025, 1, 1)), path)
    assert parts.names == tuple(owner.label for owner in template)
    threshold = workshop.definition.scoring.threshold if workshop.definition.scoring else None
    result = workshop.apply(parts.path, parts.value)
    assert result.ok, result.errors
    assert [owner.id for owner in getattr(workshop.definition, path)] == [o.id for o in template]
    # the room's own rules stay as they were
    assert (
        workshop.definition.scoring.threshold if workshop.definition.scoring else None
    ) == threshold
    assert stage_parts(workshop.definition) is None


def test_the_templates_segments_keep_the_rooms_own_fit(tmp_path: Path) -> None:
    """Added to a draft whose fit gate the room had agreed (fintech, Europe), SMB and
    Enterprise carried the template's own fit gates (software, North America and Europe):
    two of three segments no longer used the agreed gate, without a word (found by review).
    Each takes the template's differences for it (size band, seniority) on the room's gate."""
    from workbench.core.domain.templates import stage_parts

    draft = from_template("acme", "3m-10m", date(2025, 1, 1))
    draft.fit.industries, draft.fit.regions = ["fintech"], ["europe"]
    workshop = Workshop.open(store.create(draft, tmp_path))
    assert workshop.apply("stage", "10m-30m").ok
    parts = stage_parts(workshop.definition)
    assert parts is not None and workshop.apply(parts.path, parts.value).ok
    segments = {segment.id: segment for segment in workshop.definition.segments}
    template = {s.id: s for s in from_template("acme", "10m-30m", date(2025, 1, 1)).segments}
    for segment in segments.values():
        if segment.fit is not None:
            assert (segment.fit.industries, segment.fit.regions) == (["fintech"], ["europe"])
    smb, enterprise = segments["smb"].fit, segments["enterprise"].fit
    assert smb is not None and enterprise is not None
    assert (smb.max_employees, smb.min_seniority) == (199, "manager")
    assert enterprise.min_employees == 1000
    assert segments["mid-market"].fit is None and template["mid-market"].fit is None
    # a 10m-30m draft with segments moved to 30m-plus: no motions offered beside them
    assert workshop.apply("stage", "30m-plus").ok
    assert stage_parts(workshop.definition) is None


def test_a_key_emptied_and_typed_again_keeps_its_place_in_the_file(draft: Path) -> None:
    """Demo request's response: "10", backspace twice, "5". The empty field took the key out
    and the "5" put it back last: the same value, but a line moved in the pull request."""
    workshop = Workshop.open(draft)
    path = "sla.sales.response_minutes.demo_request"
    order = list(workshop.definition.sla.sales.response_minutes)
    assert order.index("demo_request") < len(order) - 1  # not last already
    workshop.typing_started(path)
    for value in (1, 10, 1, None, 5):
        assert workshop.apply(path, value).ok
    assert list(workshop.definition.sla.sales.response_minutes) == order
    workshop.save()
    saved = store.load_definition(draft).definition.sla.sales.response_minutes
    assert list(saved) == order and saved["demo_request"] == 5
    # Typed over after the field was left: a key new to the table still goes last.
    workshop.typing_settled(path)
    workshop.typing_started(path)
    assert workshop.apply(path, None).ok
    workshop.typing_settled(path)
    workshop.typing_started(path)
    assert workshop.apply(path, 5).ok
    assert list(workshop.definition.sla.sales.response_minutes)[-1] == "demo_request"


def test_a_question_is_resolved_with_what_the_room_settled(draft: Path) -> None:
    workshop = Workshop.open(draft)
    assert workshop.add_question("Are agencies in our ICP?").ok
    assert workshop.toggle_question(0, "  Only above 200 people. ").ok
    workshop.save()
    (saved,) = store.load_definition(draft).definition.questions
    assert saved.resolved and saved.answer == "Only above 200 people."
    # Opened again, the answer stays; resolved again with none said, it stays too.
    assert workshop.toggle_question(0).ok
    assert not workshop.definition.questions[0].resolved
    assert workshop.definition.questions[0].answer == "Only above 200 people."
    assert workshop.toggle_question(0).ok
    assert workshop.definition.questions[0].answer == "Only above 200 people."
    # The dialog shows it again, and a room that empties it means no answer.
    assert workshop.toggle_question(0).ok
    assert workshop.toggle_question(0, " ").ok
    assert workshop.definition.questions[0].resolved
    assert workshop.definition.questions[0].answer is None
