"""Git, run as a program (no git library, no network): where the repository is, a
definition file's history, and committing a signed version.

Without git, or outside a repository, reading returns "no history" rather than failing, so
the rest of a command still works; committing says why it cannot.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from workbench.core.domain.errors import CheckFailed, Problem


def repo_root(path: Path) -> Path | None:
    """The repository that holds `path`, or None without git or outside a repository."""
    if shutil.which("git") is None:
        return None
    folder = path if path.is_dir() else path.parent
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return Path(done.stdout.strip())


def uncommitted(path: Path) -> bool:
    """True when `path` is in a repository and git has it untracked or changed: a signed
    version the room has not committed yet. False outside a repository or without git."""
    return path in uncommitted_among([path])


def uncommitted_among(paths: list[Path]) -> set[Path]:
    """Which of `paths` (files of one repository) git has untracked or changed, in one
    `git status`: home checks every signed version of a definition, not only the latest."""
    if not paths:
        return set()
    root = repo_root(paths[0])
    if root is None:
        return set()
    resolved = {path.resolve(): path for path in paths}
    out = _git(
        root, "status", "--porcelain", "-z", "--untracked-files=all", "--",
        *(str(p) for p in resolved),
    )  # fmt: skip
    if not out:
        return set()
    found: set[Path] = set()
    entries = iter(out.split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        status, name = entry[:2], entry[3:]  # "XY path"
        if "R" in status or "C" in status:
            next(entries, None)  # a rename's or copy's source path follows, with no status
        if (root / name).resolve() in resolved:
            found.add(resolved[(root / name).resolve()])
    return found


def ignored(root: Path, path: Path) -> bool:
    """Whether the repository at `root` ignores `path` (its .gitignore names it): such a file
    is left out of a commit, never forced in."""
    return _git(root, "check-ignore", "-q", "--", str(path.resolve())) is not None


def commit_message(slug: str, version: int) -> str:
    return f"Sign MQL definition {slug} v{version}"


def commit_lines(paths: Sequence[Path], slug: str, version: int) -> list[str]:
    """The commands a facilitator runs by hand when the app does not commit for them."""
    return [
        "git add " + " ".join(shlex.quote(str(path)) for path in paths),
        f"git commit -m {shlex.quote(commit_message(slug, version))}",
    ]


def commit(paths: Sequence[Path], slug: str, version: int) -> str:
    """git add + git commit of these files (a signed version first, and what it is committed
    with); returns git's summary line."""
    first = paths[0]
    root = repo_root(first)
    if root is None:
        raise CheckFailed([Problem("not in a git repository (or git is missing)", file=first)])
    named = [str(path.resolve()) for path in paths]
    for args in (
        ["git", "-C", str(root), "add", "--", *named],
        ["git", "-C", str(root), "commit", "-m", commit_message(slug, version), "--", *named],
    ):
        done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise CheckFailed(
                [Problem(f"git failed: {detail[-1] if detail else done.returncode}", file=first)]
            )
    return done.stdout.strip().splitlines()[0] if done.stdout.strip() else "committed"


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
