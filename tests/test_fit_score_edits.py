"""The fit score edited in the room: its tables typed as one line, read once in the core."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workbench.core.domain.definition import SizeBand
from workbench.core.domain.points_text import (
    bands_text,
    parse_bands,
    parse_points,
    points_text,
    sizes_read,
)
from workbench.core.domain.templates import from_template
from workbench.core.files import store
from workbench.core.services.workshop import Workshop


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    """A $1-3M draft: its template has no fit score."""
    return store.create(from_template("acme", "1m-3m", date(2026, 5, 1)), tmp_path)


@pytest.fixture
def enterprise(tmp_path: Path) -> Path:
    return store.create(from_template("big", "30m-plus", date(2026, 5, 1)), tmp_path)


def test_a_points_table_reads_as_typed_and_writes_back_the_same() -> None:
    text = "gmail.com -10, head of 10, retail +5"
    table = parse_points(text)
    assert table == {"gmail.com": -10, "head of": 10, "retail": 5}
    assert points_text(table) == "gmail.com -10, head of 10, retail 5"
    assert parse_points("  ") == {}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("software 10, retail", "'retail' needs its points after it, as in 'retail 10'"),
        ("software ten", "'software ten' needs its points after it, as in 'software 10'"),
        ("software 10, software 5", "'software' is listed twice"),
    ],
)
def test_a_points_table_without_its_points_is_refused_in_words(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_points(text)


def test_size_bands_read_both_ends_an_open_end_and_write_back_the_same() -> None:
    text = "50-199 5, 200+ 10, up to 49 -10"
    bands = parse_bands(text)
    assert bands == [
        {"min_employees": 50, "max_employees": 199, "points": 5},
        {"min_employees": 200, "max_employees": None, "points": 10},
        {"min_employees": None, "max_employees": 49, "points": -10},
    ]
    assert bands_text([SizeBand.model_validate(b) for b in bands]) == text
    with pytest.raises(ValueError, match="'200 10' is not a size band"):
        parse_bands("200 10")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1,000+ 10", "1000+ 10"),
        ("1.000-4.999 5, 5.000+ 10", "1000-4999 5, 5000+ 10"),
        ("200 - 1,499 5, up to 9,999 -5", "200 - 1499 5, up to 9999 -5"),
        # Not a size: the 5 of "50-199 5,200+ 10" is points and the comma parts two bands;
        # "-10,500+ 5" is -10 points (a minus, not a range's dash), then the band 500+.
        ("50-199 5,200+ 10", "50-199 5,200+ 10"),
        ("50-199 5,1,000+ 10", "50-199 5,1000+ 10"),
        ("50-199 5,200,000+ 10", "50-199 5,200000+ 10"),
        ("up to 49 -10,500+ 5", "up to 49 -10,500+ 5"),
    ],
)
def test_a_size_with_a_thousands_mark_is_one_size(typed: str, read: str) -> None:
    """ "1,000+ 10" was split at its comma and refused: "'1' is not a size band"."""
    assert sizes_read(typed) == read
    assert parse_bands(typed) == parse_bands(read.replace(",", ", "))


@pytest.mark.parametrize("typed", ["50-199 10,000+ 3", "50-199 10,000-49,999 3", "0-49 5,05+ 3"])
def test_a_size_with_a_leading_zero_is_refused_not_read_as_another_size(typed: str) -> None:
    """ "50-199 10,000+ 3" (no comma between the bands) was read as 10 points and a band
    "0+" at 3 points, without a word: the "000" is the tail of 10,000, not a size."""
    with pytest.raises(ValueError, match="a size does not start with 0"):
        parse_bands(typed)
    assert parse_bands("0-49 -5, 50+ 3")[0]["min_employees"] == 0


def test_a_threshold_typed_on_a_definition_without_a_fit_score_starts_one(draft: Path) -> None:
    workshop = Workshop.open(draft)
    assert workshop.definition.fit.score is None
    refused = workshop.apply("fit.score.seniority_points.vp", "15")
    assert not refused.ok
    assert refused.errors == (
        "fit.score.seniority_points.vp: type the fit score's threshold first "
        "(below it, the fit gate fails)",
    )
    assert workshop.apply("fit.score.threshold", "10").ok
    assert workshop.apply("fit.score.seniority_points.vp", "15").ok
    assert workshop.apply("fit.score.email_domain_points", "gmail.com -10").ok
    score = workshop.definition.fit.score
    assert score is not None
    assert (score.threshold, score.seniority_points, score.email_domain_points) == (
        10,
        {"vp": 15},
        {"gmail.com": -10},
    )
    assert workshop.save()
    saved = store.load_definition(draft).definition.fit.score
    assert saved == score


def test_clearing_the_threshold_keeps_the_points_unless_they_are_gone_too(
    enterprise: Path,
) -> None:
    workshop = Workshop.open(enterprise)
    refused = workshop.apply("fit.score.threshold", None)
    assert refused.errors == (
        "fit.score.threshold: a fit score needs a threshold; clear its points to have none",
    )
    score = workshop.definition.fit.score
    assert score is not None
    for name in ("email_domain_points", "title_points", "size_points"):
        assert workshop.apply(f"fit.score.{name}", None).ok
    for level in score.seniority_points:
        assert workshop.apply(f"fit.score.seniority_points.{level}", None).ok
    assert workshop.apply("fit.score.threshold", None).ok
    assert workshop.definition.fit.score is None  # fit is pass or fail again


def test_a_table_typed_badly_changes_nothing_and_says_where(enterprise: Path) -> None:
    workshop = Workshop.open(enterprise)
    before = workshop.definition
    result = workshop.apply("fit.score.size_points", "200+ 10, big 5")
    assert result.errors == (
        "fit.score.size_points: 'big 5' is not a size band and its points: write "
        "'50-199 5', '200+ 10' or 'up to 49 -10'",
    )
    assert workshop.definition == before
    assert workshop.apply("fit.score.size_points", "200+ 10, 50-199 5").ok
    score = workshop.definition.fit.score
    assert score is not None
    assert bands_text(score.size_points) == "200+ 10, 50-199 5"


@pytest.mark.parametrize(("stage", "path"), [("10m-30m", "segments.0"), ("30m-plus", "motions.1")])
def test_a_segments_or_motions_own_fit_score_is_edited_at_its_path(
    tmp_path: Path, stage: str, path: str
) -> None:
    """A segment's own fit gate with a fit score, and a motion's own fit gate without one."""
    workshop = Workshop.open(store.create(from_template("big", stage, date(2026, 5, 1)), tmp_path))
    main = workshop.definition.fit.score
    assert workshop.apply(f"{path}.fit.score.threshold", "5").ok
    assert workshop.apply(f"{path}.fit.score.title_points", "consultant -40").ok
    kind, index = path.split(".")
    own = getattr(workshop.definition, kind)[int(index)].fit.score
    assert (own.threshold, own.title_points) == (5, {"consultant": -40})
    assert workshop.definition.fit.score == main  # the main fit score is untouched


def test_keys_that_differ_only_in_case_are_one_key() -> None:
    """The evaluator lower-cases industries, domains and title words: 'Software 10, software
    5' would have added up to 15 for every software lead."""
    with pytest.raises(ValueError, match="'software' is listed twice \\(as 'Software'\\)"):
        parse_points("Software 10, software 5")
