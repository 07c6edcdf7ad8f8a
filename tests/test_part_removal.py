"""A segment or motion taken out: the list the edit sets, and the sizes or lead types lost."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workbench.core.domain.bands import uncovered
from workbench.core.domain.definition import Definition
from workbench.core.domain.evaluator import evaluate
from workbench.core.domain.part_removal import PartList, remove_part
from workbench.core.domain.templates import from_template
from workbench.core.files import store
from workbench.core.services.workshop import Workshop

CREATED = date(2025, 1, 1)


def test_each_segment_removed_names_the_sizes_no_other_covers() -> None:
    d = from_template("acme", "10m-30m", CREATED)  # SMB 50-199, Mid-market 200-999, 1000+
    top = remove_part(d, "segments", 2)
    assert [s["id"] for s in top.value] == ["smb", "mid-market"]
    assert "companies of 1000+ employees: they would be rejected" in top.question()
    assert top.question().startswith("Remove the segment Enterprise and its own rules?")
    middle = remove_part(d, "segments", 1)
    assert "companies of 200-999 employees" in middle.question()
    # Mid-market uses the main rules: nothing of its own goes with it.
    assert d.segments[1].fit is None and d.segments[1].triggers is None
    assert middle.question().startswith("Remove the segment Mid-market? ")


def test_a_band_the_others_cover_loses_nothing() -> None:
    d = from_template("acme", "10m-30m", CREATED)
    data = d.model_dump()
    data["segments"][2]["min_employees"] = 150  # Enterprise 150+ covers Mid-market's sizes
    data["segments"][1]["max_employees"] = 300
    widened = Definition.model_validate(data)
    assert "The other segments cover its sizes." in remove_part(widened, "segments", 1).effects


@pytest.mark.parametrize(
    ("band", "others", "left"),
    [
        ((0, None), [], [(0, None)]),
        ((50, 199), [(0, 99)], [(100, 199)]),
        ((50, 199), [(100, 120)], [(50, 99), (121, 199)]),
        ((1000, None), [(900, 2000)], [(2001, None)]),
        ((1000, None), [(0, None)], []),
    ],
)
def test_uncovered_sizes(
    band: tuple[int, int | None],
    others: list[tuple[int, int | None]],
    left: list[tuple[int, int | None]],
) -> None:
    d = from_template("acme", "10m-30m", CREATED)
    segments = [
        d.segments[0].model_copy(update={"min_employees": low, "max_employees": high})
        for low, high in others
    ]
    assert uncovered(band, segments) == left


def test_the_sizes_said_are_the_sizes_the_evaluator_then_rejects(tmp_path: Path) -> None:
    """What the question says is what happens: a lead of 5,000 employees is decided by
    Enterprise before, and 'no segment covers' after, as said."""
    d = from_template("acme", "10m-30m", CREATED)
    removal = remove_part(d, "segments", 2)
    workshop = Workshop(store.load_definition(store.create(d, tmp_path)))
    assert workshop.apply("segments", removal.value).ok
    after = workshop.definition
    assert [s.id for s in after.segments] == ["smb", "mid-market"]
    lead = next(c.lead for c in d.cases if c.lead.company.employees)
    big = lead.model_copy(update={"company": lead.company.model_copy(update={"employees": 5000})})
    assert "No segment covers" not in " ".join(r.text for r in evaluate(d, big).reasons)
    assert "No segment covers a company of 5000 employees." in [
        r.text for r in evaluate(after, big).reasons
    ]


def test_the_last_one_removed_leaves_the_main_rules() -> None:
    d = from_template("acme", "30m-plus", CREATED)
    for _ in range(2):
        d = d.model_copy(update={"motions": d.motions[:1]})
    last = remove_part(d, "motions", 0)
    assert last.value == []
    assert "the main rules decide every lead as an MQL" in last.question()
    assert "The main fit gate takes companies of" in last.question()


def test_a_motion_removed_says_which_lead_type_goes() -> None:
    d = from_template("acme", "30m-plus", CREATED)
    pql = remove_part(d, "motions", 1)
    assert pql.name == "Product-led PQL"
    assert "No lead becomes a PQL any more" in pql.question()
    assert "No lead becomes an AQL any more" in remove_part(d, "motions", 2).question()
    with pytest.raises(IndexError):
        remove_part(d, "motions", 3)


@pytest.mark.parametrize(("stage", "path"), [("10m-30m", "segments"), ("30m-plus", "motions")])
def test_the_question_names_the_edge_cases_the_removal_flips(
    stage: str, path: PartList, tmp_path: Path
) -> None:
    """Each count said is the count the edit then flips (the suite passes whole before)."""
    d = from_template("acme", stage, CREATED)
    for index in range(len(getattr(d, path))):
        removal = remove_part(d, path, index)
        workshop = Workshop(store.load_definition(store.create(d, tmp_path / f"{path}{index}")))
        result = workshop.apply(path, removal.value)
        assert result.ok
        flipped = [flip.name for flip in result.flips]
        said = removal.effects[-1]
        if not flipped:
            assert said == "No edge case flips."
        else:
            count = "1 edge case flips" if len(flipped) == 1 else f"{len(flipped)} edge cases"
            assert said.startswith(count), said
            assert all(f"{name} PASS→FAIL" in said for name in flipped[:3]), said


def test_a_refused_key_after_a_removal_does_not_bring_the_segment_back(tmp_path: Path) -> None:
    """A field remembers its clause from before its first key, to go back to when a value is
    refused; a segment's field remembered the three segments. After SMB was removed, "500x"
    typed in Enterprise's minimum (index 1 now) put SMB back, and the save wrote it."""
    d = from_template("acme", "10m-30m", CREATED)
    workshop = Workshop(store.load_definition(store.create(d, tmp_path)))
    workshop.typing_started("segments.1.min_employees")  # Mid-market's, before the removal
    assert workshop.apply("segments", remove_part(d, "segments", 0).value).ok
    enterprise = "segments.1.min_employees"  # the same path, now Enterprise's
    workshop.typing_started(enterprise)
    assert workshop.apply(enterprise, "1500").ok
    assert not workshop.apply(enterprise, "1500x").ok
    workshop.refused_typing(enterprise)
    assert [s.id for s in workshop.definition.segments] == ["mid-market", "enterprise"]
    assert workshop.definition.segments[1].min_employees == 1000  # as before its first key


def test_the_last_segment_removed_says_the_main_fit_gates_sizes() -> None:
    """The main rules then decide every company, and the main fit gate's size limits reject
    the large ones the top segment took: said before, as the evaluator then does it."""
    d = from_template("acme", "10m-30m", CREATED)
    only = d.model_copy(update={"segments": d.segments[2:]})  # Enterprise, 1000+
    low, high = d.fit.min_employees, d.fit.max_employees
    assert high is not None
    said = remove_part(only, "segments", 0).question()
    assert f"takes companies of {low}-{high} employees; others are rejected" in said


def test_motions_left_for_some_leads_only_say_the_rest_are_nurtured() -> None:
    d = from_template("acme", "30m-plus", CREATED)
    two = d.model_copy(update={"motions": d.motions[1:]})  # product-led, account-based
    said = remove_part(two, "motions", 0).question()
    assert "any other lead matches no motion and is nurtured" in said
    assert "Account-based AQL: target accounts" in said
    # With the inbound motion (open to every lead) left, nothing of the kind is said.
    assert "matches no motion" not in remove_part(d, "motions", 1).question()
