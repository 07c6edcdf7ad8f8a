"""Tampering that used to pass `workbench check --strict` (issue 11).

A symlinked slug folder, a shallow clone, a key added to allowed_signers after the version it
vouches for was signed, and a renamed SSH signer. Real git and ssh-keygen run in temporary
folders, as in test_check.py and test_sshsig.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_check import (
    cli,
    commit,
    draft,
    edit,
    errors,
    git,
    init_repo,
    rehash,
    run,
    sign_file,
    signed_today,
)
from typer.testing import CliRunner

from workbench.core import store

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


# --- symbolic links ----------------------------------------------------------------------------


def test_an_altered_file_behind_a_symlinked_slug_folder_fails_strict(
    runner: CliRunner, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    v1 = signed_today(elsewhere, review_in_days=60)
    edit(v1, "min_employees = 50", "min_employees = 10")
    rehash(v1)
    folder = tmp_path / "definitions"
    folder.mkdir()
    link = folder / "acme"
    link.symlink_to(elsewhere / "acme", target_is_directory=True)
    assert store.slugs(folder) == ["acme"]  # what the other commands read

    result = cli(runner, folder, "--strict")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"ERROR {link} symlink: is a symbolic link (to {elsewhere / 'acme'})" in result.stdout
    assert "expected a real slug folder" in result.stdout


def test_a_symlinked_version_file_or_allowed_signers_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "definitions"
    v1 = sign_file(draft(folder))
    moved = tmp_path / "v1.toml"
    v1.rename(moved)
    v1.symlink_to(moved)
    (tmp_path / "signers").write_text("", encoding="utf-8")
    (folder / "allowed_signers").symlink_to(tmp_path / "signers")
    report = run(folder)
    found = [(f.level, f.path) for f in report.findings if f.rule == "symlink"]
    assert found == [("error", v1), ("error", folder / "allowed_signers")]
    assert report.files == ()
    assert report.exit_code == 1


# --- shallow clones ----------------------------------------------------------------------------


@needs_git
def test_a_shallow_clone_says_the_history_check_could_not_run(
    runner: CliRunner, tmp_path: Path
) -> None:
    repo = init_repo(tmp_path / "repo")
    v1 = signed_today(repo / "definitions", review_in_days=60)
    commit(repo, "add signed v1")
    edit(v1, "min_employees = 50", "min_employees = 10")
    rehash(v1)
    commit(repo, "quietly widen the fit gate")
    assert errors(run(repo / "definitions")) == ["changed-after-signing"]

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", (repo).as_uri(), str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository") == "true"
    folder = clone / "definitions"

    report = run(folder)
    assert errors(report) == []
    (finding,) = [f for f in report.findings if f.rule == "shallow-clone"]
    assert (finding.level, finding.path) == ("warning", folder)
    assert "the git history check could not run" in finding.message
    assert report.exit_code == 0

    strict = cli(runner, folder, "--strict")
    assert strict.exit_code == 1, strict.output
    assert f"ERROR {folder} shallow-clone: this is a shallow clone" in strict.stdout
    assert "git fetch --unshallow" in strict.stdout
