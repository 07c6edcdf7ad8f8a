"""Who changed allowed_signers, and whether a key was listed before it vouched for a signature.

ssh-keygen verifies a signature against today's allowed_signers, so a commit that adds a key
and a signature made with it passes verification. Git history can tell the order: a key that
vouches for a version's signature must have been added to allowed_signers in the commit that
signed the version in, or in one of its ancestors. Runs only in a full git history; the caller
says when it cannot (no repository, a shallow clone).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.core.domain.errors import InputError, Problem
from workbench.core.domain.vocab import Side
from workbench.core.files import git, sshsig, store
from workbench.core.files.sshsig import AllowedSigner


@dataclass(frozen=True, slots=True)
class Snapshot:
    """allowed_signers as committed in `commit`, or as on disk (`commit` None)."""

    commit: git.Commit | None
    entries: list[AllowedSigner]


def snapshots(allowed_path: Path) -> list[Snapshot]:
    """Every committed version of allowed_signers, oldest first, then the file on disk."""
    found = []
    for commit in git.history(allowed_path):
        raw = git.content_at(allowed_path, commit.sha)
        found.append(Snapshot(commit, _entries(raw)))
    try:
        current = allowed_path.read_bytes()
    except OSError:
        current = None
    found.append(Snapshot(None, _entries(current)))
    return found


def _entries(raw: bytes | None) -> list[AllowedSigner]:
    if raw is None:
        return []
    return sshsig.parse_allowed_signers(raw.decode("utf-8", errors="replace"))


def last_change(allowed_path: Path) -> str:
    """Who last changed allowed_signers and when, for check's output."""
    commits = git.history(allowed_path)
    if not commits:
        return "allowed_signers is not committed yet"
    last = commits[-1]
    text = (
        f"allowed_signers last changed in {last.short} by {last.author} <{last.email}> on "
        f"{last.date.date().isoformat()} ({last.subject!r}; {len(commits)} "
        f"commit{'s' if len(commits) != 1 else ''} in its history)"
    )
    try:
        on_disk = allowed_path.read_bytes()
    except OSError:
        return text
    if git.content_at(allowed_path, "HEAD") != on_disk:
        text += "; it has uncommitted changes"
    return text


def added_in(history: list[Snapshot], key: str, principal: str, side: Side) -> Snapshot | None:
    """The snapshot since which allowed_signers has let `key` sign as `principal` for `side`
    without a break (a key removed and listed again counts from its return); None if it does
    not now."""
    since = None
    for snapshot in history:
        if any(entry.vouches(key, principal, side) for entry in snapshot.entries):
            since = since or snapshot
        else:
            since = None
    return since


def signed_in(path: Path, table: str) -> git.Commit | None:
    """The first commit in which the file holds its sign-off table (`signoff` or
    `partial_signoff`): the commit that signed the version in. None if not committed yet."""
    for commit in git.history(path):
        raw = git.content_at(path, commit.sha)
        if raw is not None and isinstance(_parse(raw).get(table), dict):
            return commit
    return None


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def key_order_problems(folder: Path) -> list[Problem]:
    """Each signature whose vouching key was added to allowed_signers after its version was
    signed in. Signatures no key vouches for are `verify_folder`'s to report."""
    allowed_path = folder / sshsig.ALLOWED_SIGNERS
    if not allowed_path.is_file():
        return []
    history = snapshots(allowed_path)
    problems = []
    for slug in store.slugs(folder):
        for _number, path in store.versions(folder, slug):
            try:
                definition = store.load_definition(path).definition
            except InputError:
                continue  # already an invalid-file finding
            record = definition.sign_record
            if record is None:
                continue
            table = "signoff" if definition.signoff is not None else "partial_signoff"
            commit: git.Commit | None = None
            looked = False
            for side, signer in record.signers():
                if signer is None or signer.ssh_signature is None or signer.principal is None:
                    continue
                try:
                    blob = sshsig.parse_signature(signer.ssh_signature)
                except sshsig.DamagedSignature:
                    continue
                added = added_in(history, blob.key, signer.principal, side)
                if added is None:
                    continue
                if not looked:
                    commit, looked = signed_in(path, table), True
                problem = _too_late(path, added, commit, blob, signer.principal, side)
                if problem is not None:
                    problems.append(
                        Problem(problem, file=path, field=f"{table}.{side}.ssh_signature")
                    )
    return problems


def _too_late(
    path: Path,
    added: Snapshot,
    signed: git.Commit | None,
    blob: sshsig.SignatureBlob,
    principal: str,
    side: Side,
) -> str | None:
    """Why this key cannot vouch for a version signed in `signed`, or None when it can."""
    if signed is None:
        return None  # the version is not committed yet: any key listed now came first
    if added.commit is not None and git.is_ancestor(path, added.commit.sha, signed.sha):
        return None
    when = (
        "in a change not committed yet"
        if added.commit is None
        else f"in {added.commit.short} ({added.commit.author}, "
        f"{added.commit.date.date().isoformat()})"
    )
    return (
        f"key {blob.fingerprint} ({principal}, {side}) was added to allowed_signers {when}, "
        f"after this version was signed in {signed.short} ({signed.author}, "
        f"{signed.date.date().isoformat()}): a key listed later cannot vouch for it"
    )
