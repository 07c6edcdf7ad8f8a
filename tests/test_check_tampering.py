"""Tampering that used to pass `workbench check --strict` (issue 11).

A symlinked slug folder, a shallow clone, a key added to allowed_signers after the version it
vouches for was signed, and a renamed SSH signer. Real git and ssh-keygen run in temporary
folders, as in test_check.py and test_sshsig.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.test_check import (
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
from tests.test_sshsig import NOW, Person, allow, sign_side
from workbench.core.files import sshsig, store

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
needs_ssh = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen")


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


# --- allowed_signers history ------------------------------------------------------------------


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Person]:
    folder = tmp_path_factory.mktemp("keys")
    found = {}
    for name in ("dana", "sam", "eve"):
        key = folder / name
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)],
            check=True,
        )
        found[name] = Person(f"{name}@acme.example", key)
    return found


def commit_as(repo: Path, message: str, author: str, day: str) -> str:
    """Commit everything as `author` on a fixed day, so messages do not depend on today."""
    stamp = f"{day}T10:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    git(repo, "add", ".")
    subprocess.run(
        ["git", "-C", str(repo), "-c", f"user.name={author}", "commit", "-q", "-m", message],
        check=True,
        env=env,
        timeout=60,
    )
    return git(repo, "rev-parse", "--short=7", "HEAD")


def fingerprint(path: Path, side: str) -> str:
    record = store.load_definition(path).definition.sign_record
    assert record is not None
    signer = getattr(record, side)
    return sshsig.parse_signature(signer.ssh_signature).fingerprint


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo")


def signed_by(folder: Path, marketing: Person, sales: Person) -> Path:
    """v1 signed with SSH keys, before allowed_signers is written."""
    v1 = draft(folder)
    sign_side(v1, "marketing", marketing)
    sign_side(v1, "sales", sales, now=NOW + timedelta(days=1))
    return v1


@needs_git
@needs_ssh
def test_a_key_listed_after_the_version_was_signed_cannot_vouch_for_it(
    runner: CliRunner, repo: Path, keys: dict[str, Person]
) -> None:
    dana, sam, eve = keys["dana"], keys["sam"], keys["eve"]
    folder = repo / "definitions"
    v1 = signed_by(folder, dana, eve)
    allow(folder, (dana, "marketing"), (sam, "sales"))
    signed_in = commit_as(repo, "sign v1", "Test Author", "2030-05-02")
    assert errors(run(folder)) == ["signature"]  # eve's key is not listed (yet)

    allow(folder, (dana, "marketing"), (sam, "sales"), (eve, "sales"))
    listed_in = commit_as(repo, "list eve for sales", "Eve Mallory", "2030-05-03")
    report = run(folder)
    assert errors(report) == ["key-added-after-signing"]
    (finding,) = [f for f in report.findings if f.rule == "key-added-after-signing"]
    assert (finding.path, finding.clause) == (v1, "signoff.sales.ssh_signature")
    assert finding.line is not None
    assert (
        v1.read_text(encoding="utf-8").splitlines()[finding.line - 1].startswith("ssh_signature = ")
    )
    assert finding.message == (
        f"signoff.sales.ssh_signature: key {fingerprint(v1, 'sales')} (eve@acme.example, "
        f"sales) was added to allowed_signers in {listed_in} (Eve Mallory, 2030-05-03), after "
        f"this version was signed in {signed_in} (Test Author, 2030-05-02): a key listed "
        "later cannot vouch for it"
    )
    (note,) = [f for f in report.findings if f.rule == "allowed-signers"]
    assert (note.level, note.path) == ("info", folder / "allowed_signers")
    assert note.message == (
        f"allowed_signers last changed in {listed_in} by Eve Mallory <author@example.test> on "
        "2030-05-03 ('list eve for sales'; 2 commits in its history)"
    )

    result = cli(runner, folder)
    assert result.exit_code == 1, result.output
    assert f"INFO {folder / 'allowed_signers'} allowed-signers: allowed_signers last" in (
        result.stdout
    )


@needs_git
@needs_ssh
def test_a_key_listed_in_the_commit_that_signs_with_it_vouches_and_is_shown(
    repo: Path, keys: dict[str, Person]
) -> None:
    dana, sam, eve = keys["dana"], keys["sam"], keys["eve"]
    folder = repo / "definitions"
    signed_by(folder, dana, sam)
    allow(folder, (dana, "marketing"), (sam, "sales"))
    commit_as(repo, "sign v1", "Test Author", "2030-05-02")
    v2 = store.new_version(folder, "acme", NOW.date())
    allow(folder, (dana, "marketing"), (sam, "sales"), (eve, "sales"))
    sign_side(v2, "marketing", dana)
    sign_side(v2, "sales", eve)
    both = commit_as(repo, "eve signs v2 for sales", "Eve Mallory", "2030-05-04")
    report = run(folder)
    assert errors(report) == []
    (note,) = [f for f in report.findings if f.rule == "allowed-signers"]
    assert note.message.startswith(
        f"allowed_signers last changed in {both} by Eve Mallory <author@example.test> on 2030-05-04"
    )


@needs_git
@needs_ssh
def test_an_uncommitted_key_cannot_vouch_for_a_committed_version(
    repo: Path, keys: dict[str, Person]
) -> None:
    dana, sam, eve = keys["dana"], keys["sam"], keys["eve"]
    folder = repo / "definitions"
    signed_by(folder, dana, eve)
    allow(folder, (dana, "marketing"), (sam, "sales"))
    commit_as(repo, "sign v1", "Test Author", "2030-05-02")
    allow(folder, (dana, "marketing"), (sam, "sales"), (eve, "sales"))
    report = run(folder)
    (finding,) = [f for f in report.findings if f.rule == "key-added-after-signing"]
    assert "was added to allowed_signers in a change not committed yet, after" in (finding.message)
    (note,) = [f for f in report.findings if f.rule == "allowed-signers"]
    assert note.message.endswith("; it has uncommitted changes")


@needs_git
@needs_ssh
def test_a_signature_swapped_in_with_a_key_listed_at_the_same_time(
    repo: Path, keys: dict[str, Person]
) -> None:
    """Eve re-signs sam's side of a signed v1, showing sam's name, and lists her key."""
    dana, sam, eve = keys["dana"], keys["sam"], keys["eve"]
    folder = repo / "definitions"
    v1 = signed_by(folder, dana, sam)
    allow(folder, (dana, "marketing"), (sam, "sales"))
    commit_as(repo, "sign v1", "Test Author", "2030-05-02")
    definition = store.load_definition(v1).definition
    assert definition.signoff is not None
    shown = definition.signoff.sales
    assert shown.ssh_signature is not None
    message = sshsig.signed_message_v2(
        definition, "sales", definition.signoff.review_date, shown.name, shown.role, shown.signed_at
    )
    forged = sshsig.sign_message(message, eve.key, "sales")
    edit(v1, f'principal = "{sam.principal}"', f'principal = "{eve.principal}"')
    edit(v1, shown.ssh_signature.replace("\n", "\\n"), forged.replace("\n", "\\n"))
    allow(folder, (dana, "marketing"), (sam, "sales"), (eve, "sales"))
    commit_as(repo, "tidy", "Eve Mallory", "2030-05-03")
    assert sshsig.verify_folder(folder) == []  # ssh-keygen alone is satisfied
    report = run(folder)
    assert sorted(errors(report)) == ["changed-after-signing", "key-added-after-signing"]
    (changed,) = [f for f in report.findings if f.rule == "changed-after-signing"]
    assert changed.message.startswith("sales signer changed in ")
