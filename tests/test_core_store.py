"""The definitions folder: atomic writes, no overwrites, slugs, located errors, sign-off."""

from __future__ import annotations

import errno
import hashlib
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.budget import examples
from workbench.core.domain.errors import (
    AlreadyExists,
    CheckFailed,
    ConflictError,
    InputError,
    Problem,
    SignedVersionError,
)
from workbench.core.domain.suite import run_suite
from workbench.core.domain.templates import from_template
from workbench.core.files import store, tomlfile
from workbench.core.services.signoff import default_review_date, sign

NOW = datetime(2025, 2, 10, 15, 30, 12, 123456, tzinfo=UTC)
MARKETING = "Dana Reyes, VP Marketing"
SALES = "Sam Okafor, VP Sales"


def new_file(folder: Path, stage: str = "3m-10m", slug: str = "acme") -> Path:
    return store.create(from_template(slug, stage, date(2025, 1, 6)), folder)


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def signed_file(folder: Path, review: date | None = None) -> Path:
    path = new_file(folder)
    sign(store.load_definition(path), MARKETING, SALES, review, NOW)
    return path


# --- atomic writes -------------------------------------------------------------------


def test_create_writes_one_file_and_no_temporaries(tmp_path: Path) -> None:
    path = new_file(tmp_path)
    assert path == tmp_path / "acme" / "v1.toml"
    assert listing(tmp_path) == ["acme", "acme/v1.toml"]
    assert store.load_definition(path).definition == from_template(
        "acme", "3m-10m", date(2025, 1, 6)
    )


def test_save_leaves_no_temporaries_and_returns_the_new_hash(tmp_path: Path) -> None:
    path = new_file(tmp_path)
    loaded = store.load_definition(path)
    edited = loaded.definition.model_copy(deep=True)
    edited.fit.min_employees = 75
    digest = store.save(edited, path, loaded.file_sha256)
    assert listing(tmp_path) == ["acme", "acme/v1.toml"]
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert store.load_definition(path).definition.fit.min_employees == 75


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_failed_write_keeps_the_old_file_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = new_file(tmp_path)
    before = path.read_bytes()
    loaded = store.load_definition(path)
    edited = loaded.definition.model_copy(deep=True)
    edited.name = "Half written"

    def boom(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(InputError) as caught:
        store.save(edited, path, loaded.file_sha256)
    monkeypatch.undo()
    assert "No space left on device" in str(caught.value)
    assert path.read_bytes() == before
    assert listing(tmp_path) == ["acme", "acme/v1.toml"]


def test_create_never_replaces_a_file_that_appeared_meanwhile(tmp_path: Path) -> None:
    target = tmp_path / "acme" / "v1.toml"
    target.parent.mkdir()
    target.write_bytes(b"someone else's work\n")
    with pytest.raises(AlreadyExists, match="already exists"):
        tomlfile.atomic_write(target, b"mine\n", create=True)
    assert target.read_bytes() == b"someone else's work\n"
    assert listing(tmp_path) == ["acme", "acme/v1.toml"]


def test_writing_where_the_folder_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "definitions"
    blocker.write_bytes(b"not a folder")
    with pytest.raises(InputError, match="cannot write"):
        new_file(blocker)
    assert blocker.read_bytes() == b"not a folder"


# --- no overwrite, no lost edits -----------------------------------------------------


def test_create_refuses_an_existing_version(tmp_path: Path) -> None:
    path = new_file(tmp_path)
    before = path.read_bytes()
    with pytest.raises(AlreadyExists, match="already exists"):
        store.create(from_template("acme", "pre-1m", date(2025, 1, 6)), tmp_path)
    assert path.read_bytes() == before


def test_save_refuses_when_the_file_changed_on_disk(tmp_path: Path) -> None:
    path = new_file(tmp_path)
    loaded = store.load_definition(path)
    changed = path.read_bytes().replace(b"min_employees = 50", b"min_employees = 60")
    path.write_bytes(changed)
    edited = loaded.definition.model_copy(deep=True)
    edited.name = "Mine"
    with pytest.raises(ConflictError) as caught:
        store.save(edited, path, loaded.file_sha256)
    assert caught.value.exit_code == 1
    assert path.read_bytes() == changed


def test_save_refuses_a_signed_file(tmp_path: Path) -> None:
    path = signed_file(tmp_path)
    loaded = store.load_definition(path)
    before = path.read_bytes()
    draft = loaded.definition.model_copy(update={"status": "draft", "signoff": None})
    with pytest.raises(SignedVersionError):
        store.save(draft, path, loaded.file_sha256)
    assert path.read_bytes() == before


# --- slugs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug", ["../x", "a/b", "UPPER", "", "..", ".", "-a", "a-", "a b", "a\\b", "x" * 65]
)
def test_bad_slugs_are_refused(tmp_path: Path, slug: str) -> None:
    with pytest.raises(InputError) as caught:
        store.version_path(tmp_path, slug, 1)
    assert caught.value.problems[0].field == "slug"


@pytest.mark.parametrize("slug", ["a", "acme", "acme-inbound-2025", "x" * 64])
def test_good_slugs_map_inside_the_folder(tmp_path: Path, slug: str) -> None:
    path = store.version_path(tmp_path, slug, 3)
    assert path == tmp_path / slug / "v3.toml"


@settings(max_examples=examples(200), deadline=None)
@given(slug=st.text(max_size=20))
def test_version_path_never_leaves_the_folder(
    tmp_path_factory: pytest.TempPathFactory, slug: str
) -> None:
    folder = tmp_path_factory.getbasetemp() / "defs"
    try:
        path = store.version_path(folder, slug, 1)
    except InputError:
        return
    root = folder.resolve()
    assert root in path.resolve().parents
    assert path.resolve().parent.parent == root


# --- located errors ------------------------------------------------------------------


def rewrite(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def load_problem(path: Path) -> Problem:
    with pytest.raises(InputError) as caught:
        store.load_definition(path)
    assert caught.value.exit_code == 2
    assert len(caught.value.problems) == 1
    problem = caught.value.problems[0]
    assert problem.file == path
    return problem


def test_malformed_toml_gives_file_line_and_column(tmp_path: Path) -> None:
    path = new_file(tmp_path)
    text = rewrite(path, "[fit]", "[fit")
    problem = load_problem(path)
    assert problem.line == line_of(text, "[fit")
    assert problem.column is not None
    assert "malformed TOML" in problem.message
    assert str(problem).startswith(f"{path}:{problem.line}:{problem.column}: ")


def test_unknown_key_gives_the_line_and_the_expected_keys(tmp_path: Path) -> None:
    path = new_file(tmp_path)
    text = rewrite(path, 'min_seniority = "director"', 'min_senority = "director"')
    problem = load_problem(path)
    assert problem.field == "fit.min_senority"
    assert problem.line == line_of(text, "min_senority")
    assert "unknown key" in problem.message
    for key in ("min_employees", "min_seniority", "competitors", "existing_customers"):
        assert key in problem.message


def test_unknown_top_level_key(tmp_path: Path) -> None:
    path = new_file(tmp_path)
    text = rewrite(path, "[fit]", 'owner = "me"\n\n[fit]')
    problem = load_problem(path)
    assert problem.field == "owner"
    assert problem.line == line_of(text, 'owner = "me"')
    assert "stage" in problem.message and "triggers" in problem.message


def test_wrong_type_gives_the_field_path_and_line(tmp_path: Path) -> None:
    path = new_file(tmp_path)
    text = rewrite(path, "threshold = 75", 'threshold = "high"')
    problem = load_problem(path)
    assert problem.field == "scoring.threshold"
    assert problem.line == line_of(text, 'threshold = "high"')
    assert problem.message == "a whole number expected, not 'high'"


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("threshold = 75", "threshold = -5", "scoring.threshold", "at least 1, not -5"),
        (
            "threshold = 75",
            "threshold = 7.5",
            "scoring.threshold",
            "a whole number expected, not 7.5",
        ),
        ('route = "sdr"', 'route = "ceo"', "triggers.route", "'ceo' is not one of 'sdr', "),
        ("tier3 = true", "tier3 = 3", "triggers.tier3", "true or false expected, not 3"),
        (
            "tier3 = true",
            "tier3 = 2025-01-01",
            "triggers.tier3",
            "true or false expected, not 2025-01-01",
        ),
        (
            "threshold = 75",
            "threshold = inf",
            "scoring.threshold",
            "a finite number expected, not inf",
        ),
        ('name = "acme MQL definition ($3-10M ARR)"', "name = 5", "name", "text in quotes"),
        (
            'tier4 = [\n    "sales_requested",\n]',
            'tier4 = "sales_requested"',
            "triggers.tier4",
            'a list expected, such as ["a", "b"], not \'sales_requested\'',
        ),
    ],
)
def test_a_wrong_value_is_said_in_the_rooms_words(
    old: str, new: str, field: str, message: str, tmp_path: Path
) -> None:
    # The words the app uses for a typed value, not pydantic's "Input should be ...".
    path = new_file(tmp_path)
    rewrite(path, old, new)
    problem = load_problem(path)
    assert problem.field == field
    assert problem.message.startswith(message)
    assert "Input should" not in problem.message


def test_unknown_stage_lists_the_stages(tmp_path: Path) -> None:
    path = new_file(tmp_path)
    text = rewrite(path, 'stage = "3m-10m"', 'stage = "3m-20m"')
    problem = load_problem(path)
    assert problem.field == "stage"
    assert problem.line == line_of(text, 'stage = "3m-20m"')
    for stage in ("pre-1m", "1m-3m", "3m-10m", "10m-30m", "30m-plus"):
        assert stage in problem.message


def test_unknown_activity_kind_in_a_case(tmp_path: Path) -> None:
    path = new_file(tmp_path)
    text = rewrite(path, 'kind = "blog_visit"', 'kind = "blog_read"')
    problem = load_problem(path)
    index = [c.name for c in from_template("a", "3m-10m", date(2025, 1, 6)).cases].index(
        "blog-researcher-200-visits"
    )
    assert problem.field == f"cases[{index}].lead.activities[0].kind"
    # The activities array sits just above the bad kind, inside that case.
    bad = line_of(text, "blog_read")
    assert problem.line is not None
    assert bad - 2 <= problem.line <= bad
    assert "activities" in text.splitlines()[problem.line - 1]
    assert "demo_request" in problem.message


def test_a_problem_deep_in_a_later_case_points_at_its_own_line(tmp_path: Path) -> None:
    path = new_file(tmp_path)
    text = path.read_text(encoding="utf-8")
    marker = 'title = "Director of Research"'
    text = text.replace(marker, marker + "\nshoe_size = 44", 1)
    path.write_text(text, encoding="utf-8")
    problem = load_problem(path)
    assert problem.field is not None and problem.field.endswith("lead.person.shoe_size")
    assert problem.line == line_of(text, "shoe_size")
    assert "seniority" in problem.message


def test_missing_required_key(tmp_path: Path) -> None:
    path = new_file(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('stage = "3m-10m"\n', "", 1), encoding="utf-8")
    problem = load_problem(path)
    assert problem.field == "stage"
    assert "missing" in problem.message


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "no such file"),
        ("folder", "is a folder"),
        ("binary", "not UTF-8"),
    ],
)
def test_unreadable_inputs(tmp_path: Path, setup: str, message: str) -> None:
    path = tmp_path / "thing.toml"
    if setup == "folder":
        path.mkdir()
    elif setup == "binary":
        path.write_bytes(b"\xff\xfe\x00name")
    problem = load_problem(path)
    assert message in problem.message


def test_lead_file_with_unknown_activity_kind(tmp_path: Path) -> None:
    lead = tmp_path / "lead.toml"
    lead.write_text(
        '[person]\nseniority = "vp"\n\n[[activities]]\nkind = "demo_requested"\ndays_ago = 0\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        store.load_lead(lead)
    problem = caught.value.problems[0]
    assert problem.field == "activities[0].kind"
    assert problem.line == 5
    assert problem.file == lead


def test_lead_file_with_both_or_neither_time(tmp_path: Path) -> None:
    lead = tmp_path / "lead.toml"
    lead.write_text('[[activities]]\nkind = "demo_request"\n', encoding="utf-8")
    with pytest.raises(InputError, match="exactly one of days_ago or at"):
        store.load_lead(lead)


# --- sign-off ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 1, 1), date(2025, 3, 31)),
        (date(2025, 1, 10), date(2025, 3, 31)),  # after the Q4 review: Q1's comes next
        (date(2025, 3, 1), date(2025, 3, 31)),  # 30 days: this quarter's end
        (date(2025, 3, 2), date(2025, 6, 30)),  # 29 days: too soon, the next one's
        (date(2025, 3, 31), date(2025, 6, 30)),
        (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 6, 30), date(2025, 9, 30)),
        (date(2025, 7, 1), date(2025, 9, 30)),
        (date(2025, 10, 1), date(2025, 12, 31)),
        (date(2025, 11, 15), date(2025, 12, 31)),
        (date(2025, 12, 31), date(2026, 3, 31)),
        (date(2024, 2, 29), date(2024, 3, 31)),
    ],
)
def test_default_review_date(today: date, expected: date) -> None:
    assert default_review_date(today) == expected


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9998, 12, 31)))
def test_the_default_review_date_is_a_quarter_end_a_quarter_or_less_away(today: date) -> None:
    due = default_review_date(today)
    assert (due.month, due.day) in {(3, 31), (6, 30), (9, 30), (12, 31)}
    # Quarterly: at least 30 days to prepare, never past the next quarter's end.
    assert 30 <= (due - today).days <= 121
    quarter = today.year * 4 + (today.month - 1) // 3
    assert due.year * 4 + (due.month - 1) // 3 in (quarter, quarter + 1)
    assert (due + timedelta(days=1)).day == 1


def test_sign_records_both_sides_the_review_date_and_the_hash(tmp_path: Path) -> None:
    path = new_file(tmp_path)
    result = sign(store.load_definition(path), MARKETING, SALES, None, NOW)
    assert result.suite.ok
    loaded = store.load_definition(path)
    assert loaded.integrity == "intact"
    assert loaded.file_sha256 == result.file_sha256
    definition = loaded.definition
    assert definition.status == "signed"
    signoff = definition.signoff
    assert signoff is not None
    assert signoff.review_date == date(2025, 3, 31)  # signed 2025-02-10: this quarter's end
    assert (signoff.marketing.name, signoff.marketing.role) == ("Dana Reyes", "VP Marketing")
    assert (signoff.sales.name, signoff.sales.role) == ("Sam Okafor", "VP Sales")
    assert signoff.marketing.signed_at == NOW.replace(microsecond=0)
    assert signoff.content_sha256 == store.content_hash(definition, signoff.review_date)
    assert listing(tmp_path) == ["acme", "acme/v1.toml"]


def test_sign_with_an_explicit_review_date_and_a_naive_now(tmp_path: Path) -> None:
    path = new_file(tmp_path)
    sign(store.load_definition(path), MARKETING, SALES, date(2025, 2, 11), NOW.replace(tzinfo=None))
    loaded = store.load_definition(path)
    assert loaded.integrity == "intact"
    assert loaded.definition.signoff is not None
    assert loaded.definition.signoff.review_date == date(2025, 2, 11)


@pytest.mark.parametrize(
    ("marketing", "sales", "missing"),
    [
        (None, SALES, "marketing"),
        (MARKETING, None, "sales"),
        ("  ", SALES, "marketing"),
        (None, None, "marketing"),
    ],
)
def test_sign_refuses_a_missing_side(
    tmp_path: Path, marketing: str | None, sales: str | None, missing: str
) -> None:
    path = new_file(tmp_path)
    before = path.read_bytes()
    with pytest.raises(CheckFailed) as caught:
        sign(store.load_definition(path), marketing, sales, None, NOW)
    assert f"the {missing} signer is missing" in str(caught.value)
    assert caught.value.exit_code == 1
    assert path.read_bytes() == before


def test_sign_refuses_a_signer_without_a_role(tmp_path: Path) -> None:
    path = new_file(tmp_path)
    before = path.read_bytes()
    with pytest.raises(InputError, match="Name, Role"):
        sign(store.load_definition(path), "Dana Reyes", SALES, None, NOW)
    assert path.read_bytes() == before


def test_sign_refuses_a_failing_suite(tmp_path: Path) -> None:
    path = new_file(tmp_path)
    rewrite(path, 'status = "nurture"', 'status = "mql"')
    before = path.read_bytes()
    loaded = store.load_definition(path)
    assert run_suite(loaded.definition).failed == 1
    with pytest.raises(CheckFailed) as caught:
        sign(loaded, MARKETING, SALES, None, NOW)
    assert "ceo-ebook-download" in str(caught.value)
    assert path.read_bytes() == before


def test_sign_refuses_an_already_signed_file(tmp_path: Path) -> None:
    path = signed_file(tmp_path)
    before = path.read_bytes()
    with pytest.raises(CheckFailed, match="already signed"):
        sign(store.load_definition(path), MARKETING, SALES, None, NOW + timedelta(days=1))
    assert path.read_bytes() == before


@pytest.mark.parametrize("days", [0, -1, -400])
def test_sign_refuses_a_review_date_not_in_the_future(tmp_path: Path, days: int) -> None:
    path = new_file(tmp_path)
    before = path.read_bytes()
    with pytest.raises(InputError) as caught:
        sign(store.load_definition(path), MARKETING, SALES, NOW.date() + timedelta(days=days), NOW)
    assert caught.value.problems[0].field == "review_date"
    assert "not in the future" in str(caught.value)
    assert path.read_bytes() == before


def test_editing_the_review_date_is_detected(tmp_path: Path) -> None:
    path = signed_file(tmp_path)
    rewrite(path, "review_date = 2025-03-31", "review_date = 2026-06-30")
    assert store.load_definition(path).integrity == "altered"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("min_employees = 50", "min_employees = 40"),
        ('min_seniority = "director"', 'min_seniority = "manager"'),
        ("threshold = 75", "threshold = 70"),
        ("resubmit_after_days = 90", "resubmit_after_days = 60"),
        ("demo_request = 5", "demo_request = 10"),
        ('status = "nurture"', 'status = "review"'),
        ("blog_visit = 1", "blog_visit = 2"),
        ("quality_pct = 70", "quality_pct = 60"),
        ('name = "ceo-ebook-download"', 'name = "ceo-ebook"'),
    ],
)
def test_editing_any_clause_after_signing_is_detected(tmp_path: Path, old: str, new: str) -> None:
    path = signed_file(tmp_path)
    assert store.load_definition(path).integrity == "intact"
    rewrite(path, old, new)
    loaded = store.load_definition(path)
    assert loaded.integrity == "altered"
    assert loaded.altered


def test_whitespace_and_signers_are_not_content(tmp_path: Path) -> None:
    path = signed_file(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text("# reviewed in the workshop\n" + text + "\n\n", encoding="utf-8")
    assert store.load_definition(path).integrity == "intact"
    # The hash covers everything but the signers' own entries (as the spec asks).
    rewrite(path, 'name = "Dana Reyes"', 'name = "Dana Reyes-Ortiz"')
    assert store.load_definition(path).integrity == "intact"


def test_a_signed_definition_with_switched_off_clauses_stays_intact(tmp_path: Path) -> None:
    definition = from_template("acme", "3m-10m", date(2025, 1, 6))
    assert definition.scoring is not None
    definition.scoring.window_days = None
    definition.review_rule.min_low_intent_actions = None
    # With no count the score rule still reviews, so a tier 3 content reader is no MQL.
    definition.review_rule.score_rule = True
    definition.cases = [c for c in definition.cases if c.name != "content-reader-reaches-the-score"]
    definition.sla.escalation = None
    path = store.create(definition, tmp_path)
    assert store.load_definition(path).definition == definition
    sign(store.load_definition(path), MARKETING, SALES, None, NOW)
    loaded = store.load_definition(path)
    assert loaded.integrity == "intact"
    assert loaded.definition.scoring is not None
    assert loaded.definition.scoring.window_days is None
    assert loaded.definition.sla.escalation is None


def test_drafts_report_draft_integrity(tmp_path: Path) -> None:
    assert store.load_definition(new_file(tmp_path)).integrity == "draft"


def test_unsigning_by_hand_is_a_load_error(tmp_path: Path) -> None:
    path = signed_file(tmp_path)
    rewrite(path, 'status = "signed"', 'status = "draft"')
    problem = load_problem(path)
    assert "draft carries no [signoff]" in problem.message


def test_versions_and_slugs_listing(tmp_path: Path) -> None:
    new_file(tmp_path, slug="acme")
    new_file(tmp_path, slug="beta")
    (tmp_path / "acme" / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    assert store.slugs(tmp_path) == ["acme", "beta"]
    assert [n for n, _ in store.versions(tmp_path, "acme")] == [1]
    assert store.versions(tmp_path, "missing") == []
    assert os.path.exists(tmp_path / "acme" / "v1.toml")


def test_an_autosave_onto_its_own_last_write_does_not_parse_the_file_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The status of bytes this process wrote is known by their hash: parsing 50 KB of TOML
    on every autosave only to read `status` held the GIL while the room typed."""
    path = new_file(tmp_path)
    loaded = store.load_definition(path)
    parsed: list[Path] = []
    parse_toml = tomlfile.parse_toml

    def counting(raw: bytes, where: Path) -> tuple[dict[str, object], str]:
        parsed.append(where)
        return parse_toml(raw, where)

    monkeypatch.setattr(store, "parse_toml", counting)
    first = loaded.definition.model_copy(update={"name": "First"})
    sha = store.save(first, path, loaded.file_sha256)
    second = first.model_copy(update={"name": "Second"})
    store.save(second, path, sha)
    assert parsed == []
    assert store.load_definition(path).definition.name == "Second"


def test_a_signed_file_known_by_its_hash_is_still_refused(tmp_path: Path) -> None:
    path = signed_file(tmp_path)
    loaded = store.load_definition(path)  # its status is now known without parsing
    draft = loaded.definition.model_copy(update={"status": "draft", "signoff": None})
    with pytest.raises(SignedVersionError):
        store.save(draft, path, loaded.file_sha256)


def test_a_file_saved_with_a_byte_order_mark_reads_as_without(tmp_path: Path) -> None:
    # Windows Notepad's UTF-8 starts with a BOM: "malformed TOML: Invalid statement" at 1:1.
    path = store.create(from_template("acme", "3m-10m", date(2026, 1, 1)), tmp_path)
    plain = store.load_definition(path).definition
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert store.load_definition(path).definition == plain
