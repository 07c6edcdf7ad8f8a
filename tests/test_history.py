"""`workbench new-version` and `workbench log`: versions, in-force periods, git commits.

Git repositories are made by the tests in temporary folders; "without git" is simulated by
hiding the git executable (`shutil.which` finds nothing), which is what the core checks.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli_steps import one_error, run
from workbench.cli import app
from workbench.core.domain.definition import Definition, PartialSignOff, Signer, SignOff
from workbench.core.domain.templates import from_template
from workbench.core.files import history, store
from workbench.core.services.signoff import sign

FIRST = datetime(2025, 2, 10, 15, 30, tzinfo=UTC)
SECOND = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)
REVIEW = date(2025, 9, 30)
TODAY = date(2025, 6, 1)
MARKETING = "Dana Reyes, VP Marketing"
SALES = "Sam Ortiz, VP Sales"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def draft(folder: Path, slug: str = "acme") -> Path:
    return store.create(from_template(slug, "3m-10m", date(2025, 1, 6)), folder)


def sign_file(path: Path, now: datetime = FIRST) -> None:
    sign(store.load_definition(path), MARKETING, SALES, REVIEW, now)


def signed(folder: Path, slug: str = "acme") -> Path:
    path = draft(folder, slug)
    sign_file(path)
    return path


def two_signed_and_a_draft(folder: Path) -> tuple[Path, Path, Path]:
    """v1 signed on FIRST, v2 signed on SECOND, v3 an open draft."""
    v1 = signed(folder)
    v2 = store.new_version(folder, "acme", date(2025, 4, 1))
    sign_file(v2, SECOND)
    v3 = store.new_version(folder, "acme", date(2025, 6, 1))
    return v1, v2, v3


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    git(root, "config", "user.name", "Pat Facilitator")
    git(root, "config", "user.email", "pat@acme.example")
    git(root, "config", "commit.gpgsign", "false")
    return root


def commit(repo: Path, message: str, author: str = "Pat Facilitator") -> str:
    git(repo, "add", ".")
    git(repo, "-c", f"user.name={author}", "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "--short=7", "HEAD")


def hide_git(monkeypatch: pytest.MonkeyPatch) -> None:
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda cmd, *a, **k: None if cmd == "git" else real(cmd))


# --- new-version ---------------------------------------------------------------------


def test_new_version_makes_a_draft_of_the_next_number(runner: CliRunner, tmp_path: Path) -> None:
    v1 = signed(tmp_path)
    result = run(runner, "new-version", v1)
    assert result.exit_code == 0, result.output
    v2 = tmp_path / "acme" / "v2.toml"
    assert str(v2) in result.stdout
    made = store.load_definition(v2).definition
    assert (made.version, made.status, made.supersedes, made.signoff) == (2, "draft", 1, None)
    assert made.created == date.today()
    assert sorted(snapshot(tmp_path)) == ["acme/v1.toml", "acme/v2.toml"]


def test_new_version_accepts_the_slug_folder_and_prints_json(
    runner: CliRunner, tmp_path: Path
) -> None:
    signed(tmp_path)
    result = run(runner, "new-version", tmp_path / "acme", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload == {
        "path": str(tmp_path / "acme" / "v2.toml"),
        "slug": "acme",
        "version": 2,
        "supersedes": 1,
        "from": str(tmp_path / "acme" / "v1.toml"),
    }


def test_new_version_starts_from_the_latest_signed_version(
    runner: CliRunner, tmp_path: Path
) -> None:
    v1, v2, v3 = two_signed_and_a_draft(tmp_path)
    v3.unlink()
    result = run(runner, "new-version", v1)
    assert result.exit_code == 0, result.output
    made = store.load_definition(tmp_path / "acme" / "v3.toml").definition
    assert made.supersedes == 2
    assert "from v2 (signed)" in result.stdout
    assert v2.exists()


@pytest.mark.parametrize("typed", ["v1.toml", "."])
def test_new_version_from_inside_the_slug_folder(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    signed(tmp_path)
    monkeypatch.chdir(tmp_path / "acme")
    result = run(runner, "new-version", typed)
    assert result.exit_code == 0, result.output
    assert store.load_definition(tmp_path / "acme" / "v2.toml").definition.supersedes == 1


def test_new_version_refuses_while_a_draft_is_open_and_says_where(
    runner: CliRunner, tmp_path: Path
) -> None:
    v1 = signed(tmp_path)
    open_draft = store.new_version(tmp_path, "acme", date(2025, 3, 1))
    before = snapshot(tmp_path)
    result = run(runner, "new-version", v1)
    one_error(result, 1, "a draft already exists", str(open_draft))
    assert snapshot(tmp_path) == before


def test_new_version_of_a_first_draft_points_at_the_draft(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Nothing signed yet: the only version is a draft, and that draft is the one to edit."""
    path = draft(tmp_path)
    before = snapshot(tmp_path)
    result = run(runner, "new-version", path)
    one_error(result, 1, "a draft already exists", str(path))
    assert snapshot(tmp_path) == before


def test_new_version_refuses_when_the_latest_signed_version_was_altered(
    runner: CliRunner, tmp_path: Path
) -> None:
    v1 = signed(tmp_path)
    text = v1.read_text(encoding="utf-8").replace("threshold = 75", "threshold = 60", 1)
    v1.write_text(text, encoding="utf-8")
    before = snapshot(tmp_path)
    result = run(runner, "new-version", v1)
    one_error(result, 1, "altered after signing", str(v1))
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("damage", ["missing", "truncated", "folder without versions"])
def test_new_version_bad_input_exits_2_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, damage: str
) -> None:
    v1 = signed(tmp_path)
    target = v1
    if damage == "missing":
        target = tmp_path / "acme" / "v7.toml"
    elif damage == "truncated":
        raw = v1.read_bytes()
        v1.write_bytes(raw[: len(raw) // 2])
    else:
        target = tmp_path / "empty"
        target.mkdir()
    before = snapshot(tmp_path)
    result = run(runner, "new-version", target)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert str(target) in result.stderr
    assert snapshot(tmp_path) == before


def test_new_version_refuses_a_file_outside_the_folder_layout(
    runner: CliRunner, tmp_path: Path
) -> None:
    v1 = signed(tmp_path / "definitions")
    copy = tmp_path / "elsewhere" / "copy.toml"
    copy.parent.mkdir()
    shutil.copy(v1, copy)
    before = snapshot(tmp_path)
    result = run(runner, "new-version", copy)
    one_error(result, 2, str(copy), "wrong place", "acme/v1.toml")
    assert snapshot(tmp_path) == before


def test_new_version_refuses_when_any_version_is_misplaced(
    runner: CliRunner, tmp_path: Path
) -> None:
    v1 = signed(tmp_path)
    misnumbered = tmp_path / "acme" / "v5.toml"
    shutil.copy(v1, misnumbered)  # holds version = 1
    before = snapshot(tmp_path)
    result = run(runner, "new-version", v1)
    one_error(result, 2, str(misnumbered), "wrong place")
    assert snapshot(tmp_path) == before


# --- log: versions, signers, periods --------------------------------------------------


def test_log_lists_every_version_with_status_signers_and_periods(
    runner: CliRunner, tmp_path: Path
) -> None:
    two_signed_and_a_draft(tmp_path)
    result = run(runner, "log", "acme", "--dir", tmp_path)
    assert result.exit_code == 0, result.output
    out = result.stdout
    lines = out.splitlines()
    assert lines[0].startswith("acme: ") and "(3 versions)" in lines[0]
    v1 = next(line for line in lines if line.startswith("v1 "))
    v2 = next(line for line in lines if line.startswith("v2 "))
    v3 = next(line for line in lines if line.startswith("v3 "))
    assert "signed" in v1 and "in force 2025-02-10 → 2025-05-01" in v1
    assert "signed" in v2 and "in force 2025-05-01 → now" in v2
    assert "draft" in v3 and "not in force" in v3
    assert out.count("signed by Dana Reyes (VP Marketing) and Sam Ortiz (VP Sales)") == 2
    assert "on 2025-02-10; review by 2025-09-30" in out
    assert "supersedes v2" in out
    assert "(commits not shown: not a git repository)" in out
    assert result.stderr == ""


def test_log_json(runner: CliRunner, tmp_path: Path) -> None:
    two_signed_and_a_draft(tmp_path)
    result = run(runner, "log", "acme", "--dir", tmp_path, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["slug"] == "acme"
    assert payload["git"] == "not a repository"
    first, second, third = payload["versions"]
    assert first["status"] == "signed"
    assert first["marketing"]["name"] == "Dana Reyes"
    assert first["sales"]["role"] == "VP Sales"
    assert first["signed_on"] == "2025-02-10"
    assert first["review_date"] == "2025-09-30"
    assert first["in_force"] == {"from": "2025-02-10", "until": "2025-05-01", "now": False}
    assert second["in_force"] == {"from": "2025-05-01", "until": None, "now": True}
    assert third["status"] == "draft"
    assert third["in_force"] is None
    assert third["supersedes"] == 2
    assert all(v["commit"] is None for v in payload["versions"])


def test_log_unknown_slug_lists_the_slugs_that_exist(runner: CliRunner, tmp_path: Path) -> None:
    signed(tmp_path, "acme")
    draft(tmp_path, "globex")
    result = run(runner, "log", "initech", "--dir", tmp_path)
    one_error(result, 2, "initech", "acme, globex")
    assert result.stdout == ""


@pytest.mark.parametrize("slug", ["../acme", "Acme"])
def test_log_rejects_a_slug_that_is_not_one(runner: CliRunner, tmp_path: Path, slug: str) -> None:
    signed(tmp_path)
    one_error(run(runner, "log", slug, "--dir", tmp_path), 2, "slug")


def test_log_without_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    one_error(
        run(runner, "log", "acme", "--dir", tmp_path / "nope"), 2, "no such definitions folder"
    )


def test_log_shows_an_unreadable_version_and_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    _v1, v2, _v3 = two_signed_and_a_draft(tmp_path)
    raw = v2.read_bytes()
    v2.write_bytes(raw[: len(raw) // 2])
    result = run(runner, "log", "acme", "--dir", tmp_path)
    assert result.exit_code == 2, result.output
    assert any(
        line.startswith("v2 ") and "UNREADABLE" in line for line in result.stdout.splitlines()
    )
    assert any(line.startswith("v1 ") for line in result.stdout.splitlines())
    assert f"error: {v2}" in result.stderr


def test_log_flags_an_altered_signed_version_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    v1, _v2, _v3 = two_signed_and_a_draft(tmp_path)
    v1.write_text(
        v1.read_text(encoding="utf-8").replace("threshold = 75", "threshold = 60", 1),
        encoding="utf-8",
    )
    result = run(runner, "log", "acme", "--dir", tmp_path)
    assert any(line.startswith("v1 ") and "ALTERED" in line for line in result.stdout.splitlines())
    one_error(result, 1, str(v1), "altered after signing")


def test_log_reports_a_misplaced_file(runner: CliRunner, tmp_path: Path) -> None:
    v1 = signed(tmp_path)
    shutil.copy(v1, tmp_path / "acme" / "v2.toml")
    result = run(runner, "log", "acme", "--dir", tmp_path)
    one_error(result, 2, "v2.toml", "wrong place")


def test_log_shows_a_draft_signed_by_one_side_so_far(runner: CliRunner, tmp_path: Path) -> None:
    signed(tmp_path)
    v2 = store.new_version(tmp_path, "acme", date(2025, 4, 1))
    definition = store.load_definition(v2).definition
    sales = Signer(
        name="Sam Ortiz",
        role="VP Sales",
        signed_at=SECOND,
        principal="sam@acme.example",
        ssh_signature="-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n",
    )
    partial = PartialSignOff(
        review_date=REVIEW, content_sha256=store.content_hash(definition, REVIEW), sales=sales
    )
    v2.unlink()
    store.create(
        Definition.model_validate({**definition.model_dump(), "partial_signoff": partial}),
        tmp_path,
    )
    result = run(runner, "log", "acme", "--dir", tmp_path)
    assert result.exit_code == 0, result.output
    assert "signed so far by sales: Sam Ortiz (VP Sales) on 2025-05-01; waiting for marketing" in (
        result.stdout
    )
    second = json.loads(run(runner, "log", "acme", "--dir", tmp_path, "--json").stdout)["versions"][
        1
    ]
    assert (second["status"], second["waiting_for"], second["marketing"]) == (
        "draft",
        "marketing",
        None,
    )
    assert second["sales"]["name"] == "Sam Ortiz"


# --- log: git ------------------------------------------------------------------------


def test_log_names_the_commit_and_author_that_brought_each_signed_file_in(
    runner: CliRunner, repo: Path
) -> None:
    folder = repo / "definitions"
    v1 = draft(folder)
    commit(repo, "Draft acme v1", author="Pat Facilitator")
    sign_file(v1)
    signed_sha = commit(repo, "Sign MQL definition acme v1", author="Dana Reyes")
    store.new_version(folder, "acme", date(2025, 4, 1))
    commit(repo, "Draft acme v2")
    result = run(runner, "log", "acme", "--dir", folder)
    assert result.exit_code == 0, result.output
    assert f"committed in {signed_sha} by Dana Reyes on " in result.stdout
    assert "Sign MQL definition acme v1" in result.stdout
    assert "commits not shown" not in result.stdout
    payload = json.loads(run(runner, "log", "acme", "--dir", folder, "--json").stdout)
    assert payload["git"] == "repository"
    assert payload["versions"][0]["commit"]["short"] == signed_sha
    assert payload["versions"][0]["commit"]["author"] == "Dana Reyes"
    assert payload["versions"][1]["commit"] is None  # a draft is not an agreement


def test_log_in_git_says_when_a_signed_file_was_never_committed(
    runner: CliRunner, repo: Path
) -> None:
    folder = repo / "definitions"
    signed(folder)
    result = run(runner, "log", "acme", "--dir", folder)
    assert result.exit_code == 0, result.output
    assert "no commit found for the signed file" in result.stdout


def test_log_works_without_git(
    runner: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = repo / "definitions"
    signed(folder)
    commit(repo, "Sign acme v1")
    hide_git(monkeypatch)
    result = run(runner, "log", "acme", "--dir", folder)
    assert result.exit_code == 0, result.output
    assert "signed by Dana Reyes" in result.stdout
    assert "(commits not shown: git was not found)" in result.stdout
    assert "committed in" not in result.stdout


# --- core ----------------------------------------------------------------------------


def test_signed_on_is_the_later_signature() -> None:
    definition = from_template("acme", "3m-10m", date(2025, 1, 6))
    early = Signer(name="Dana Reyes", role="VP Marketing", signed_at=FIRST)
    late = Signer(name="Sam Ortiz", role="VP Sales", signed_at=SECOND)
    signoff = SignOff(review_date=REVIEW, content_sha256="0" * 64, marketing=early, sales=late)
    definition = definition.model_validate(
        {**definition.model_dump(), "status": "signed", "signoff": signoff}
    )
    assert history.signed_on(definition) == SECOND.date()


def test_read_log_can_skip_git(repo: Path) -> None:
    folder = repo / "definitions"
    signed(folder)
    commit(repo, "Sign acme v1")
    found = history.read_log(folder, "acme", use_git=False)
    assert found.git == "repository"
    assert found.entries[0].commit is None
    assert history.read_log(folder, "acme").entries[0].commit is not None


def test_diff_notes_arguments_given_newest_first(tmp_path: Path, runner: CliRunner) -> None:
    from workbench.core.domain.templates import from_template

    first = store.create(from_template("acme", "3m-10m", date(2025, 1, 2)), tmp_path)
    second_definition = from_template("acme", "3m-10m", date(2025, 1, 2)).model_copy(
        update={"version": 2}
    )
    second = store.create(second_definition, tmp_path)
    result = runner.invoke(app, ["diff", str(second), str(first)])
    assert result.exit_code == 0
    assert "OLD is v2 and NEW is v1" in result.stderr
    forward = runner.invoke(app, ["diff", str(first), str(second)])
    assert "OLD is" not in forward.stderr


def test_log_of_a_name_too_long_for_the_system_is_one_message(tmp_path: Path) -> None:
    """Found by the command fuzzer: `log` of a 5,000-letter name raised OSError (errno 36)."""
    from typer.testing import CliRunner

    from workbench.cli import app as cli_app

    (tmp_path / "definitions").mkdir()
    result = CliRunner().invoke(
        cli_app, ["log", "a" * 5000, "--dir", str(tmp_path / "definitions")]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


# --- a signed version not committed yet (home's reminder) -------------------------------------


def test_a_file_is_uncommitted_until_git_records_it(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.core.files.git import uncommitted

    path = signed(repo / "definitions")
    assert uncommitted(path)  # untracked
    commit(repo, "Sign acme v1")
    assert not uncommitted(path)
    path.write_text(path.read_text() + "\n")
    assert uncommitted(path)  # changed since
    outside = signed(tmp_path / "elsewhere")
    assert not uncommitted(outside)  # no repository: nothing to remind
    hide_git(monkeypatch)
    assert not uncommitted(path)


def test_home_offers_an_earlier_signed_version_git_has_not_recorded(repo: Path) -> None:
    """v2 signed from the command line and never committed, v3 signed and committed from the
    app: home named only the latest signed version, so v2 stayed out of git unsaid."""
    from workbench.core.files.folder import quick_row
    from workbench.core.services.signoff import checked_row, commit_signed

    folder = repo / "definitions"
    v1, v2, v3 = two_signed_and_a_draft(folder)
    git(repo, "add", str(v1))
    git(repo, "commit", "-q", "-m", "Sign acme v1")
    sign_file(v3, SECOND)
    commit_signed(v3)
    row = quick_row(folder, "acme")
    assert row is not None
    assert checked_row(folder, row, TODAY).uncommitted == (2, v2)
    commit_signed(v2)
    assert checked_row(folder, row, TODAY).uncommitted is None
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_a_signed_version_is_committed_as_signed_and_an_edited_one_is_refused(repo: Path) -> None:
    from workbench.core.domain.errors import CheckFailed
    from workbench.core.files.git import uncommitted
    from workbench.core.services.signoff import commit_signed

    path = signed(repo / "definitions")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("min_employees = ", "min_employees = 1", 1), encoding="utf-8")
    with pytest.raises(CheckFailed, match="edited since it was signed"):
        commit_signed(path)
    assert uncommitted(path)  # nothing recorded
    path.write_text(text, encoding="utf-8")
    assert "Sign MQL definition acme v1" in commit_signed(path)
    assert not uncommitted(path)


def test_home_offers_the_latest_signed_version_for_a_commit_only_as_it_was_signed(
    repo: Path,
) -> None:
    from workbench.core.files.folder import quick_row
    from workbench.core.services.signoff import checked_row

    folder = repo / "definitions"
    v1 = signed(folder)
    store.new_version(folder, "acme", date(2025, 4, 1))  # a v2 draft must not hide v1
    row = quick_row(folder, "acme")
    assert row is not None and row.latest_version == 2
    assert checked_row(folder, row, TODAY).uncommitted == (1, v1)
    text = v1.read_text(encoding="utf-8")
    v1.write_text(text.replace("min_employees = ", "min_employees = 1", 1), encoding="utf-8")
    edited = checked_row(folder, row, TODAY)
    assert (edited.status, edited.uncommitted) == ("v1 ALTERED", None)
    v1.write_text(text, encoding="utf-8")
    commit(repo, "v1 and the v2 draft")
    assert checked_row(folder, row, TODAY) == row  # recorded: nothing to offer


def test_home_says_what_keeps_a_draft_from_being_signed(tmp_path: Path) -> None:
    """A draft whose edge case fails, or that `sign` would refuse on a lint error, was listed
    as a plain draft: the room found out only at ctrl+s, or in CI."""
    from workbench.core.domain.suite import run_suite
    from workbench.core.domain.templates import from_template
    from workbench.core.files.folder import quick_row
    from workbench.core.services.signoff import checked_row

    folder = tmp_path / "definitions"
    definition = from_template("acme", "3m-10m", date(2025, 5, 1))
    path = store.create(definition, folder)
    row = quick_row(folder, "acme")
    assert row is not None
    assert checked_row(folder, row, TODAY).blocked is None
    broken = definition.model_copy(deep=True)
    broken.fit.max_employees = None
    broken.fit.min_employees = 5000  # the template's fitting cases now fail the size gate
    broken.triggers.tier1 = []
    broken.triggers.tier2 = []
    broken.triggers.tier3 = False
    broken.triggers.tier4 = []
    store.save(broken, path, store.file_sha256(path))
    blocked = checked_row(folder, row, TODAY).blocked
    assert blocked is not None
    failing = run_suite(store.load_definition(path).definition).failed
    assert blocked.startswith(f"{failing} edge cases fail (") and failing > 3
    assert f"and {failing - 3} more); " in blocked
    assert "no-trigger" in blocked


def test_a_signed_version_is_committed_with_the_folders_evidence_settings(repo: Path) -> None:
    """evidence.toml (and its mapping file) decide what `check` warns about; committing the
    definition alone left them untracked, so CI on a fresh clone checked another folder."""
    from workbench.core.evidence.settings import EvidenceSource, save_source
    from workbench.core.files.git import commit_lines
    from workbench.core.services.signoff import commit_paths, commit_signed

    folder = repo / "definitions"
    path = signed(folder)
    data = repo / "data"
    data.mkdir()
    for name in ("leads.csv", "activities.csv"):
        (data / name).write_text("lead_id\n", encoding="utf-8")
    mapping = repo / "crm-mapping.toml"
    mapping.write_text("# a mapping\n", encoding="utf-8")
    save_source(folder, EvidenceSource(data / "leads.csv", data / "activities.csv", mapping))
    paths = commit_paths(path)
    assert paths == [path, folder / "evidence.toml", mapping]
    assert commit_lines(paths, "acme", 1)[0] == f"git add {path} {folder}/evidence.toml {mapping}"
    assert "Sign MQL definition acme v1" in commit_signed(path)
    tracked = set(git(repo, "ls-files").splitlines())
    assert tracked == {"definitions/acme/v1.toml", "definitions/evidence.toml", "crm-mapping.toml"}
    assert "data/leads.csv" not in tracked  # the lead history itself stays out of git


def test_a_signed_version_without_evidence_settings_is_committed_alone(repo: Path) -> None:
    from workbench.core.evidence.settings import EvidenceSource, save_source
    from workbench.core.services.signoff import commit_paths, commit_signed

    folder = repo / "definitions"
    path = signed(folder)
    assert commit_paths(path) == [path]
    # A repository that keeps the settings out (.gitignore) still gets its signed version.
    data = repo / "data"
    data.mkdir()
    for name in ("leads.csv", "activities.csv"):
        (data / name).write_text("lead_id\n", encoding="utf-8")
    save_source(folder, EvidenceSource(data / "leads.csv", data / "activities.csv"))
    (repo / ".gitignore").write_text("evidence.toml\n", encoding="utf-8")
    assert commit_paths(path) == [path]
    assert "Sign MQL definition acme v1" in commit_signed(path)
    assert git(repo, "ls-files") == "definitions/acme/v1.toml"
