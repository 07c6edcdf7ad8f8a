"""Committing a signed version with git itself, when the folder is in a repository."""

from __future__ import annotations

import shlex
import shutil
import subprocess
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


def commit_message(slug: str, version: int) -> str:
    return f"Sign MQL definition {slug} v{version}"


def commit_lines(path: Path, slug: str, version: int) -> list[str]:
    """The commands a facilitator runs by hand when the app does not commit for them."""
    return [
        f"git add {shlex.quote(str(path))}",
        f"git commit -m {shlex.quote(commit_message(slug, version))}",
    ]


def commit(path: Path, slug: str, version: int) -> str:
    """git add + git commit of one file; returns git's summary line."""
    root = repo_root(path)
    if root is None:
        raise CheckFailed([Problem("not in a git repository (or git is missing)", file=path)])
    for args in (
        ["git", "-C", str(root), "add", "--", str(path.resolve())],
        [
            "git",
            "-C",
            str(root),
            "commit",
            "-m",
            commit_message(slug, version),
            "--",
            str(path.resolve()),
        ],
    ):
        done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise CheckFailed(
                [Problem(f"git failed: {detail[-1] if detail else done.returncode}", file=path)]
            )
    return done.stdout.strip().splitlines()[0] if done.stdout.strip() else "committed"
