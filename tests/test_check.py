"""`workbench check`: a definitions folder as CI and pre-commit see it.

Folders and git repositories are made by the tests in temporary directories. The core is
called with a fixed TODAY; the CLI uses date.today(), so CLI tests build dates from it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import types
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from workbench.cli import app
from workbench.core.domain.errors import InputError, Problem
from workbench.core.domain.templates import from_template
from workbench.core.files import store
from workbench.core.services.check import (
    ALLOWED_SIGNERS,
    SIGNATURE_MODULE,
    CheckFinding,
    CheckReport,
    check_folder,
    clause_line,
    render_junit,
    render_text,
)
from workbench.core.services.signoff import sign

TODAY = date(2030, 6, 1)
NOW = datetime(2030, 5, 1, 9, 30, tzinfo=UTC)
REVIEW = date(2030, 8, 31)
MARKETING = "Dana Reyes, VP Marketing"
SALES = "Sam Okafor, VP Sales"

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


# --- building folders --------------------------------------------------------------------------


def draft(folder: Path, slug: str = "acme", stage: str = "3m-10m") -> Path:
    return store.create(from_template(slug, stage, NOW.date()), folder)


def sign_file(path: Path, now: datetime = NOW, review: date = REVIEW) -> Path:
    sign(store.load_definition(path), MARKETING, SALES, review, now)
    return path


def signed_and_draft(folder: Path) -> tuple[Path, Path]:
    """v1 signed, v2 an open draft from it: the everyday state of a slug."""
    v1 = sign_file(draft(folder))
    return v1, store.new_version(folder, "acme", NOW.date())


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def rehash(path: Path) -> None:
    """Recompute a signed file's content hash by hand, as someone hiding an edit would."""
    definition = store.load_definition(path).definition
    assert definition.signoff is not None
    edit(
        path,
        definition.signoff.content_sha256,
        store.content_hash(definition, definition.signoff.review_date),
    )
    assert store.load_definition(path).integrity == "intact"


def run(folder: Path, *, today: date = TODAY, strict: bool = False) -> CheckReport:
    return check_folder(folder, today, strict=strict)


def rules(report: CheckReport, level: str | None = None) -> list[str]:
    return [f.rule for f in report.findings if level is None or f.level == level]


def errors(report: CheckReport) -> list[str]:
    return rules(report, "error")


def notable(report: CheckReport) -> list[CheckFinding]:
    """Errors and warnings: what is left after the 'not in a git repository' note."""
    return [f for f in report.findings if f.level != "info"]


# --- git ---------------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()


def init_repo(repo: Path) -> Path:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "Test Author")
    git(repo, "config", "user.email", "author@example.test")
    git(repo, "config", "commit.gpgsign", "false")
    return repo


def commit(repo: Path, message: str) -> str:
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "--short=7", "HEAD")


# --- the folder itself ----------------------------------------------------------------------------


def test_a_clean_folder_has_no_errors(tmp_path: Path) -> None:
    v1, v2 = signed_and_draft(tmp_path)
    report = run(tmp_path)
    assert report.files == (v1, v2)
    assert errors(report) == []
    assert report.warnings == 0
    assert report.exit_code == 0
    # Outside a repository: one note, and everything else still checked.
    assert rules(report, "info") == ["git-history"]


def test_a_missing_folder_or_a_file_is_unusable_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such folder"):
        run(tmp_path / "nowhere")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is a file"):
        run(tmp_path / "file")


def test_an_empty_folder_is_a_warning(tmp_path: Path) -> None:
    report = run(tmp_path)
    assert rules(report) == ["no-definitions"]
    assert report.exit_code == 0


def test_an_empty_folder_fails_a_strict_check(tmp_path: Path) -> None:
    # CI pointed at the wrong folder stayed green, checking nothing.
    report = check_folder(tmp_path, NOW.date(), strict=True)
    assert rules(report) == ["no-definitions"]
    assert report.findings[0].level == "error"
    assert report.exit_code == 1


def test_other_files_are_ignored_and_misplaced_toml_is_a_warning(tmp_path: Path) -> None:
    signed_and_draft(tmp_path)
    (tmp_path / "README.md").write_text("# definitions\n", encoding="utf-8")
    (tmp_path / "acme" / "notes.txt").write_text("notes\n", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "v1.toml").write_text("x", encoding="utf-8")
    stray_top = tmp_path / "v1.toml"
    stray_name = tmp_path / "acme" / "draft.toml"
    stray_deep = tmp_path / "acme" / "old" / "v1.toml"
    stray_deep.parent.mkdir()
    for stray in (stray_top, stray_name, stray_deep):
        stray.write_text("x = 1\n", encoding="utf-8")
    report = run(tmp_path)
    strays = [f for f in report.findings if f.rule == "stray-file"]
    assert sorted(f.path for f in strays) == sorted([stray_top, stray_name, stray_deep])
    assert {f.level for f in strays} == {"warning"}
    assert len(report.files) == 2
    assert report.exit_code == 0


# --- one file ------------------------------------------------------------------------------------


def test_a_failing_suite_case_is_an_error_at_its_line(tmp_path: Path) -> None:
    _v1, v2 = signed_and_draft(tmp_path)
    edit(v2, 'status = "nurture"', 'status = "mql"')
    report = run(tmp_path)
    assert errors(report) == ["suite"]
    (finding,) = [f for f in report.findings if f.rule == "suite"]
    assert finding.path == v2
    assert "ceo-ebook-download" in finding.message
    assert "status: expected mql, got nurture" in finding.message
    lines = v2.read_text(encoding="utf-8").splitlines()
    assert finding.line is not None
    assert lines[finding.line - 1] == "[[cases]]"
    assert lines[finding.line] == 'name = "ceo-ebook-download"'
    assert report.exit_code == 1


TAMPERING = {
    "fit": ("min_employees = 50", "min_employees = 10"),
    "triggers": ("within_days = 7", "within_days = 30"),
    "sla": ("demo_request = 5", "demo_request = 60"),
    "cases": ('why = "Fit is great', 'why = "Fit is fine'),
    "review date": ("review_date = 2030-08-31", "review_date = 2031-08-31"),
}


@pytest.mark.parametrize("clause", sorted(TAMPERING))
def test_a_tampered_signed_file_is_an_error(tmp_path: Path, clause: str) -> None:
    v1, _v2 = signed_and_draft(tmp_path)
    edit(v1, *TAMPERING[clause])
    report = run(tmp_path)
    assert errors(report) == ["altered"]
    (finding,) = [f for f in report.findings if f.rule == "altered"]
    assert finding.path == v1
    assert finding.line is not None
    assert (
        v1.read_text(encoding="utf-8")
        .splitlines()[finding.line - 1]
        .startswith("content_sha256 = ")
    )
    assert report.exit_code == 1


def test_a_malformed_file_is_a_located_finding_not_a_crash(tmp_path: Path) -> None:
    _v1, v2 = signed_and_draft(tmp_path)
    text = v2.read_text(encoding="utf-8").splitlines()
    text[4] = "stage = = broken"
    v2.write_text("\n".join(text) + "\n", encoding="utf-8")
    report = run(tmp_path)
    (finding,) = [f for f in report.findings if f.rule == "invalid-file"]
    assert (finding.path, finding.line, finding.level) == (v2, 5, "error")
    assert "malformed TOML" in finding.message
    assert report.exit_code == 1
    assert f"ERROR {v2}:5 invalid-file: malformed TOML" in "\n".join(render_text(report))


def test_an_invalid_value_is_located_by_key(tmp_path: Path) -> None:
    _v1, v2 = signed_and_draft(tmp_path)
    edit(v2, 'min_seniority = "director"', 'min_seniority = "boss"')
    report = run(tmp_path)
    (finding,) = [f for f in report.findings if f.rule == "invalid-file"]
    assert finding.clause == "fit.min_seniority"
    assert finding.line is not None
    assert "boss" in v2.read_text(encoding="utf-8").splitlines()[finding.line - 1]


def test_a_slug_that_does_not_match_its_folder(tmp_path: Path) -> None:
    v1 = draft(tmp_path)
    moved = tmp_path / "other" / "v1.toml"
    moved.parent.mkdir()
    v1.rename(moved)
    report = run(tmp_path)
    (finding,) = [f for f in report.findings if f.rule == "misplaced"]
    assert finding.path == moved
    assert finding.line == 3
    assert "'acme'" in finding.message and "'other'" in finding.message
    assert report.exit_code == 1


def test_a_version_that_does_not_match_its_file_name(tmp_path: Path) -> None:
    v1 = sign_file(draft(tmp_path))
    shutil.copy(v1, tmp_path / "acme" / "v2.toml")
    report = run(tmp_path)
    assert errors(report) == ["misplaced"]
    assert "version is 1 but the file is named v2.toml" in notable(report)[0].message


# --- one slug -------------------------------------------------------------------------------------


def test_two_open_drafts_are_an_error(tmp_path: Path) -> None:
    v1 = draft(tmp_path)
    v2 = tmp_path / "acme" / "v2.toml"
    v2.write_text(v1.read_text(encoding="utf-8").replace("\nversion = 1", "\nversion = 2"), "utf-8")
    report = run(tmp_path)
    assert errors(report) == ["open-drafts"]
    (finding,) = notable(report)
    assert finding.path == tmp_path / "acme"
    assert "v1.toml, v2.toml" in finding.message


def test_a_gap_in_version_numbers_is_an_error(tmp_path: Path) -> None:
    _v1, v2 = signed_and_draft(tmp_path)
    v3 = tmp_path / "acme" / "v3.toml"
    v2.rename(v3)
    edit(v3, "version = 2", "version = 3")
    report = run(tmp_path)
    assert errors(report) == ["version-gap"]
    (finding,) = notable(report)
    assert "v2 missing" in finding.message
    assert "found v1, v3" in finding.message


def test_a_review_due_within_14_days_is_a_warning(tmp_path: Path) -> None:
    signed_and_draft(tmp_path)
    report = run(tmp_path, today=REVIEW - timedelta(days=14))
    assert rules(report, "warning") == ["review-due-soon"]
    assert "due in 14d" in notable(report)[0].message
    assert report.exit_code == 0
    assert run(tmp_path, today=REVIEW - timedelta(days=15)).warnings == 0


def test_an_overdue_review_is_a_warning_and_with_strict_an_error(tmp_path: Path) -> None:
    signed_and_draft(tmp_path)
    late = REVIEW + timedelta(days=3)
    report = run(tmp_path, today=late)
    assert rules(report, "warning") == ["review-overdue"]
    assert "OVERDUE by 3d" in notable(report)[0].message
    assert report.exit_code == 0
    strict = run(tmp_path, today=late, strict=True)
    assert errors(strict) == ["review-overdue"]
    assert strict.exit_code == 1


def test_only_the_latest_signed_version_is_due_for_review(tmp_path: Path) -> None:
    v1 = sign_file(draft(tmp_path), NOW, date(2030, 5, 20))
    v2 = store.new_version(tmp_path, "acme", NOW.date())
    sign_file(v2, NOW, REVIEW)
    assert v1.exists()
    assert run(tmp_path).warnings == 0  # v1's review is past, but v2 is in force


def test_lint_findings_of_the_latest_version_at_their_severities(tmp_path: Path) -> None:
    _v1, v2 = signed_and_draft(tmp_path)
    edit(v2, "within_days = 7", "within_days = 60")
    report = run(tmp_path)
    (finding,) = [f for f in report.findings if f.level == "warning"]
    assert (finding.rule, finding.path, finding.clause) == (
        "tier2-without-recency",
        v2,
        "triggers.tier2[0]",
    )
    assert finding.line is not None
    # The rule's own line: inline (`{ kind = ..., within_days = 60 }`), or its table's header
    # when a rule holds a list (`together`) and the file writes tier 2 as [[triggers.tier2]].
    lines = v2.read_text(encoding="utf-8").splitlines()
    line = lines[finding.line - 1]
    assert "within_days = 60" in line or (
        line == "[[triggers.tier2]]"
        and "within_days = 60" in lines[finding.line : finding.line + 4]
    )
    assert report.exit_code == 0


def test_an_error_level_lint_finding_fails_the_check(tmp_path: Path) -> None:
    _v1, v2 = signed_and_draft(tmp_path)
    edit(v2, "blog_visit = 1\n", "blog_visit = 1\ndemo_request = 25\n")
    report = run(tmp_path)
    assert errors(report) == ["demo-request-scored"]
    assert notable(report)[0].clause == "scoring.activity_points.demo_request"
    assert report.exit_code == 1


def test_a_stale_threshold_is_read_from_the_slugs_history(tmp_path: Path) -> None:
    signed_and_draft(tmp_path)
    report = run(tmp_path, today=NOW.date() + timedelta(days=400), strict=False)
    assert "stale-threshold" in rules(report, "warning")


# --- git history ---------------------------------------------------------------------------------


@needs_git
def test_in_git_a_clean_history_has_no_findings(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    folder = repo / "definitions"
    v1 = draft(folder)
    commit(repo, "draft")
    sign_file(v1)
    commit(repo, "sign")
    store.new_version(folder, "acme", NOW.date())
    commit(repo, "v2 draft")
    report = run(folder)
    assert report.findings == ()


@needs_git
@pytest.mark.parametrize("signed_when_added", [True, False])
def test_a_signed_file_changed_in_a_later_commit_even_when_rehashed(
    tmp_path: Path, signed_when_added: bool
) -> None:
    repo = init_repo(tmp_path / "repo")
    folder = repo / "definitions"
    v1 = draft(folder)
    if signed_when_added:
        sign_file(v1)
        signed_in = commit(repo, "add signed v1")
    else:
        commit(repo, "draft")
        sign_file(v1)
        signed_in = commit(repo, "sign v1")
    edit(v1, "min_employees = 50", "min_employees = 10")
    rehash(v1)
    changed_in = commit(repo, "quietly widen the fit gate")
    report = run(folder)
    assert errors(report) == ["changed-after-signing"]
    (finding,) = [f for f in report.findings if f.rule == "changed-after-signing"]
    assert finding.path == v1
    assert finding.message == (
        f"fit changed in {changed_in} (Test Author, {date.today().isoformat()}) after it "
        f"was signed in {signed_in}"
    )
    assert report.exit_code == 1


@needs_git
def test_an_uncommitted_rehashed_edit_to_a_signed_file(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    folder = repo / "definitions"
    v1 = sign_file(draft(folder))
    signed_in = commit(repo, "add signed v1")
    edit(v1, "review_date = 2030-08-31", "review_date = 2030-12-31")
    rehash(v1)
    report = run(folder)
    (finding,) = [f for f in report.findings if f.rule == "changed-after-signing"]
    assert finding.message == (
        f"review date changed (not committed yet) since it was signed in {signed_in}"
    )


@needs_git
def test_reformatting_or_adding_to_the_sign_off_is_not_a_change(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    folder = repo / "definitions"
    v1 = sign_file(draft(folder))
    commit(repo, "add signed v1")
    edit(v1, "[fit]\n", "# the fit gate, as agreed\n[fit]\n")
    commit(repo, "comment")
    assert run(folder).findings == ()


@needs_git
def test_a_changed_signer_is_a_change(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    folder = repo / "definitions"
    v1 = sign_file(draft(folder))
    commit(repo, "add signed v1")
    edit(v1, 'name = "Sam Okafor"', 'name = "Someone Else"')
    commit(repo, "swap the sales signer")
    report = run(folder)
    (finding,) = [f for f in report.findings if f.rule == "changed-after-signing"]
    assert finding.message.startswith("sales signer changed in ")


@pytest.mark.parametrize("how", ["empty PATH", "no git on PATH"])
def test_without_git_the_rest_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    v1, v2 = signed_and_draft(tmp_path)
    edit(v2, 'status = "nurture"', 'status = "mql"')
    if how == "empty PATH":
        empty = tmp_path / "bin"
        empty.mkdir()
        monkeypatch.setenv("PATH", str(empty))
    else:
        monkeypatch.setattr(shutil, "which", lambda *_args, **_kwargs: None)
    report = run(tmp_path)
    assert errors(report) == ["suite"]
    assert rules(report, "info") == ["git-history"]
    assert v1.exists()


@needs_git
def test_a_folder_outside_any_repository_is_a_note(tmp_path: Path) -> None:
    signed_and_draft(tmp_path)
    report = run(tmp_path)
    assert [(f.rule, f.level, f.path) for f in report.findings] == [
        ("git-history", "info", tmp_path)
    ]


# --- signatures (integration point) ---------------------------------------------------------------


def _fake_sshsig(monkeypatch: pytest.MonkeyPatch, module: types.ModuleType | None) -> None:
    monkeypatch.setitem(sys.modules, SIGNATURE_MODULE, module)


def test_signature_problems_become_error_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    v1, _v2 = signed_and_draft(tmp_path)
    (tmp_path / ALLOWED_SIGNERS).write_text("", encoding="utf-8")
    fake = types.ModuleType(SIGNATURE_MODULE)
    seen: list[Path] = []

    def verify_folder(folder: Path) -> list[Problem]:
        seen.append(folder)
        return [Problem("marketing signature does not verify", file=v1, line=40), "bare text"]  # type: ignore[list-item]

    fake.verify_folder = verify_folder  # type: ignore[attr-defined]
    _fake_sshsig(monkeypatch, fake)
    report = run(tmp_path)
    assert seen == [tmp_path]
    found = [(f.rule, f.path, f.line, f.message) for f in report.findings if f.level == "error"]
    assert found == [
        ("signature", v1, 40, "marketing signature does not verify"),
        ("signature", tmp_path / ALLOWED_SIGNERS, None, "bare text"),
    ]
    assert report.exit_code == 1


def test_signatures_are_skipped_without_allowed_signers_or_the_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed_and_draft(tmp_path)
    fake = types.ModuleType(SIGNATURE_MODULE)
    fake.verify_folder = lambda folder: [Problem("bad")]  # type: ignore[attr-defined]
    _fake_sshsig(monkeypatch, fake)
    assert errors(run(tmp_path)) == []  # no allowed_signers file
    (tmp_path / ALLOWED_SIGNERS).write_text("", encoding="utf-8")
    _fake_sshsig(monkeypatch, None)  # the module is not there (yet)
    assert errors(run(tmp_path)) == []


# --- output -----------------------------------------------------------------------------------------


def test_text_output_a_line_per_finding_and_a_summary(tmp_path: Path) -> None:
    v1, v2 = signed_and_draft(tmp_path)
    edit(v1, *TAMPERING["fit"])
    edit(v2, "within_days = 7", "within_days = 60")
    lines = render_text(run(tmp_path))
    findings = [line for line in lines if not line.startswith(" ")]
    assert findings[0].startswith("INFO ")
    assert findings[1].startswith(f"ERROR {v1}:")
    assert " altered: signed, but its content" in findings[1]
    assert findings[2].startswith(f"WARNING {v2}:")
    assert lines[-1] == "checked 2 files: 1 error, 1 warning, 1 note"


def test_junit_is_valid_xml_with_a_failure_per_error(tmp_path: Path) -> None:
    v1, v2 = signed_and_draft(tmp_path)
    edit(v1, *TAMPERING["sla"])
    edit(v2, 'status = "nurture"', 'status = "mql"')
    edit(v2, "within_days = 7", "within_days = 60")
    root = ET.fromstring(render_junit(run(tmp_path)))
    (suite,) = root.findall("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {str(tmp_path), str(v1), str(v2)}
    assert suite.get("failures") == "2"
    assert [f.get("type") for f in cases[str(v1)].findall("failure")] == ["altered"]
    assert [f.get("type") for f in cases[str(v2)].findall("failure")] == ["suite"]
    out = cases[str(v2)].findtext("system-out") or ""
    assert "WARNING" in out and "tier2-without-recency" in out
    assert cases[str(v1)].get("classname", "").endswith(".acme")


# --- workbench check ------------------------------------------------------------------------------


def cli(runner: CliRunner, *args: str | Path) -> Result:
    return runner.invoke(app, ["check", *(str(a) for a in args)])


def signed_today(folder: Path, review_in_days: int, signed_days_ago: int = 30) -> Path:
    """A signed v1 whose review date is relative to the real today, as the CLI sees it."""
    now = datetime.now(UTC) - timedelta(days=signed_days_ago)
    path = store.create(from_template("acme", "3m-10m", now.date()), folder)
    return sign_file(path, now, date.today() + timedelta(days=review_in_days))


def test_cli_defaults_to_definitions_and_exits_zero_when_clean(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed_today(tmp_path / "definitions", review_in_days=60)
    monkeypatch.chdir(tmp_path)
    result = cli(runner)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "checked 1 file: 0 errors, 0 warnings, 1 note"
    assert result.stderr == ""


def test_cli_an_error_finding_exits_one(runner: CliRunner, tmp_path: Path) -> None:
    v1 = signed_today(tmp_path, review_in_days=60)
    edit(v1, *TAMPERING["triggers"])
    result = cli(runner, tmp_path)
    assert result.exit_code == 1, result.output
    assert any(line.startswith(f"ERROR {v1}:") for line in result.stdout.splitlines())
    assert "Traceback" not in result.output


def test_cli_a_broken_file_exits_one_not_two(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "acme" / "v1.toml"
    path.parent.mkdir()
    path.write_text('name = "x"\nslug = = 1\n', encoding="utf-8")
    result = cli(runner, tmp_path)
    assert result.exit_code == 1, result.output
    assert f"ERROR {path}:2 " in result.stdout
    assert "invalid-file: malformed TOML" in result.stdout


@pytest.mark.parametrize("target", ["missing", "file"])
def test_cli_unusable_dir_exits_two(runner: CliRunner, tmp_path: Path, target: str) -> None:
    folder = tmp_path / "definitions"
    if target == "file":
        folder.write_text("", encoding="utf-8")
    result = cli(runner, folder)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {folder}: ")
    assert result.stdout == ""


def test_cli_due_soon_is_a_warning_and_exit_zero(runner: CliRunner, tmp_path: Path) -> None:
    signed_today(tmp_path, review_in_days=10)
    result = cli(runner, tmp_path)
    assert result.exit_code == 0, result.output
    assert "WARNING" in result.stdout and "review-due-soon: review due" in result.stdout
    assert "1 warning" in result.stdout.splitlines()[-1]


def test_cli_overdue_exits_zero_and_one_with_strict(runner: CliRunner, tmp_path: Path) -> None:
    signed_today(tmp_path, review_in_days=-5, signed_days_ago=60)
    plain = cli(runner, tmp_path)
    assert plain.exit_code == 0, plain.output
    assert "review-overdue: review overdue" in plain.stdout
    strict = cli(runner, tmp_path, "--strict")
    assert strict.exit_code == 1, strict.output
    assert any(line.startswith("ERROR ") for line in strict.stdout.splitlines())


def test_cli_json_carries_the_findings(runner: CliRunner, tmp_path: Path) -> None:
    v1 = signed_today(tmp_path, review_in_days=10)
    edit(v1, *TAMPERING["cases"])
    result = cli(runner, tmp_path, "--format", "json")
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    assert (payload["files"], payload["errors"], payload["warnings"]) == (1, 1, 1)
    by_rule = {f["rule"]: f for f in payload["findings"]}
    assert by_rule["altered"]["path"] == str(v1)
    assert by_rule["altered"]["level"] == "error"
    assert isinstance(by_rule["altered"]["line"], int)
    assert by_rule["review-due-soon"]["level"] == "warning"


def test_cli_junit_parses(runner: CliRunner, tmp_path: Path) -> None:
    v1 = signed_today(tmp_path, review_in_days=60)
    edit(v1, *TAMPERING["fit"])
    result = cli(runner, tmp_path, "--format", "junit")
    assert result.exit_code == 1, result.output
    root = ET.fromstring(result.stdout)
    failures = root.findall("./testsuite/testcase/failure")
    assert [f.get("type") for f in failures] == ["altered"]


def test_cli_rejects_an_unknown_format(runner: CliRunner, tmp_path: Path) -> None:
    result = cli(runner, tmp_path, "--format", "yaml")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


@needs_git
def test_cli_in_a_git_repository_catches_a_rehashed_commit(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = init_repo(tmp_path / "repo")
    v1 = signed_today(repo / "definitions", review_in_days=60)
    commit(repo, "add signed v1")
    edit(v1, "tier4 = [", 'tier4 = [\n    "content_download",')
    rehash(v1)
    commit(repo, "also content downloads")
    monkeypatch.chdir(repo)
    result = cli(runner)
    assert result.exit_code == 1, result.output
    assert "changed-after-signing: triggers changed in " in result.stdout


def test_cli_help_lists_lint_and_check(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "lint" in result.stdout and "check" in result.stdout


# --- clause lines and the pre-commit hook ---------------------------------------------------------------


def test_clause_paths_name_segments_by_id(tmp_path: Path) -> None:
    path = store.create(from_template("big", "10m-30m", NOW.date()), tmp_path)
    text = path.read_text(encoding="utf-8")
    definition = store.load_definition(path).definition
    lines = text.splitlines()
    smb = clause_line(text, definition, "segments.enterprise.triggers")
    assert smb is not None and lines[smb - 1] == "[segments.triggers]"
    # the enterprise segment is the third [[segments]] table; its triggers follow it
    headers = [i + 1 for i, line in enumerate(lines) if line == "[[segments]]"]
    assert headers[2] < smb
    assert clause_line(text, definition, "segments.nope.fit") == headers[0]
    assert clause_line(text, definition, "nothing.here") is None


def test_each_tier2_rule_has_its_own_line_however_it_is_named(tmp_path: Path) -> None:
    # `check` put triggers.tier2.0, .1 and .2 all on the first rule's line (lint names an
    # element `tier2.1`, validation `tier2[1]`).
    path = store.create(from_template("big", "10m-30m", NOW.date()), tmp_path)
    text = path.read_text(encoding="utf-8")
    definition = store.load_definition(path).definition
    lines = text.splitlines()
    rules = [i + 1 for i, line in enumerate(lines) if line == "[[triggers.tier2]]"]
    assert len(rules) >= 3
    for index, line in enumerate(rules):
        assert clause_line(text, definition, f"triggers.tier2.{index}") == line
        assert clause_line(text, definition, f"triggers.tier2[{index}]") == line
        assert lines[line].startswith("kind")
        assert clause_line(text, definition, f"triggers.tier2.{index}.min_count") == line + 2
    own = [i + 1 for i, line in enumerate(lines) if line == "[[segments.triggers.tier2]]"]
    smb_first = clause_line(text, definition, "segments.smb.triggers.tier2.0")
    smb_second = clause_line(text, definition, "segments.smb.triggers.tier2.1")
    assert (smb_first, smb_second) == (own[0], own[1])


def test_the_pre_commit_hook_runs_check_on_definitions() -> None:
    hooks = (Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text(
        encoding="utf-8"
    )
    entries = [line.strip() for line in hooks.splitlines() if not line.lstrip().startswith("#")]
    for expected in (
        "- id: workbench-check",
        "name: MQL definitions check",
        "entry: workbench check",
        "language: python",
        "files: ^definitions/",
        "pass_filenames: false",
    ):
        assert expected in entries
