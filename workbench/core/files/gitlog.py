"""Reading a definition file's history with git itself (no git library, no network).

Without git, or outside a repository, every function here returns "no history" rather than
failing, so the rest of a command still works.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from workbench.core.files.gitops import repo_root

_SEP = "\x1f"


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    author: str
    email: str
    date: datetime
    subject: str
    status: str  # A added, M modified, D deleted, R renamed (as git reports for the file)

    @property
    def short(self) -> str:
        return self.sha[:7]


def git_available() -> bool:
    return shutil.which("git") is not None


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def is_shallow(path: Path) -> bool:
    """True in a shallow clone (`git clone --depth N`, CI's usual checkout).

    Its history stops at a grafted commit that looks as if it added every file, so nothing
    before it (when a file was signed, when a key was added) can be known.
    """
    root = repo_root(path)
    if root is None:
        return False
    out = _git(root, "rev-parse", "--is-shallow-repository")
    return out is not None and out.strip() == "true"


def is_ancestor(path: Path, older: str, newer: str) -> bool:
    """True when commit `older` is `newer` or one of its ancestors (in `path`'s repository)."""
    root = repo_root(path)
    if root is None:
        return False
    return _git(root, "merge-base", "--is-ancestor", older, newer) is not None


def history(path: Path) -> list[Commit]:
    """Commits that touched `path`, oldest first, following renames; [] without git."""
    root = repo_root(path)
    if root is None:
        return []
    relative = path.resolve().relative_to(root.resolve())
    out = _git(
        root,
        "log",
        "--follow",
        "--name-status",
        f"--format=%x1e%H{_SEP}%an{_SEP}%ae{_SEP}%aI{_SEP}%s",
        "--",
        str(relative),
    )
    if not out:
        return []
    commits: list[Commit] = []
    for record in out.split("\x1e"):
        lines = [line for line in record.strip().splitlines() if line.strip()]
        if not lines:
            continue
        head = lines[0].split(_SEP)
        if len(head) != 5:
            continue
        status = lines[1].split("\t", 1)[0][:1] if len(lines) > 1 else "M"
        commits.append(
            Commit(
                sha=head[0],
                author=head[1],
                email=head[2],
                date=datetime.fromisoformat(head[3]),
                subject=head[4],
                status=status,
            )
        )
    commits.reverse()
    return commits


def added_by(path: Path) -> Commit | None:
    """The commit that added the file (the first in its history)."""
    commits = history(path)
    return commits[0] if commits else None


def content_at(path: Path, sha: str) -> bytes | None:
    """The file's bytes as committed in `sha`, or None."""
    root = repo_root(path)
    if root is None:
        return None
    relative = path.resolve().relative_to(root.resolve())
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "show", f"{sha}:{relative.as_posix()}"],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None
