"""Which definitions folder, slug or version file a command-line argument means.

People type what is at hand: a slug (`acme-inbound`), its folder (`definitions/acme-inbound`,
or `.` inside it), a version file (`definitions/acme-inbound/v2.toml`), or the definitions
folder itself, and they run commands from the repository root or from inside `definitions/`.
Every command that takes such an argument (`open`, `check`, `log`, `new-version`, `new`)
asks `resolve` here, so one spelling means the same thing everywhere.

Imports only the standard library and `folder` (no pydantic): `workbench open FILE` resolves
its argument before the app paints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from workbench.core.files.folder import DEFAULT_DIR, VERSION_FILE, quick_row, slug_folders


@dataclass(frozen=True, slots=True)
class Target:
    """What an argument named: always a definitions folder, maybe a slug in it, maybe a file.

    `file` is set when a file was named (it may not exist); `slug` when a slug, a slug folder
    or a version file (`<slug>/v<N>.toml`) was named.
    """

    folder: Path
    slug: str | None = None
    file: Path | None = None

    def definition_file(self) -> Path | None:
        """The file to open: the one named, else the slug's open draft or latest version."""
        if self.file is not None:
            return self.file
        if self.slug is None:
            return None
        row = quick_row(self.folder, self.slug)
        return row.open_path if row is not None else None


def holds_versions(path: Path) -> bool:
    """A slug folder: it holds `v<N>.toml` files."""
    return path.is_dir() and any(
        VERSION_FILE.match(child.name) and child.is_file() for child in path.iterdir()
    )


def default_folder() -> Path:
    """`./definitions`, or the current folder when run inside one (it holds slug folders and
    has no `definitions/` below it)."""
    if not DEFAULT_DIR.exists() and slug_folders(Path(".")):
        return Path(".")
    return DEFAULT_DIR


def _bare(arg: Path) -> bool:
    """A single name such as `acme-inbound`: maybe a slug, maybe a folder here."""
    return (
        not arg.is_absolute()
        and len(arg.parts) == 1
        and arg.name not in (".", "..")
        and arg.suffix == ""
    )


def _absolute_if_short(path: Path, parts: int) -> Path:
    """`v1.toml` or `.` typed inside a slug folder: the folders above it (`parts` names in
    all) are only known absolutely. Otherwise the path stays as typed, for messages."""
    if len(path.parts) < parts or ".." in path.parts:
        return Path(os.path.abspath(path))
    return path


def resolve(arg: Path | None, *, folder: Path | None = None, want_slug: bool = False) -> Target:
    """What `arg` names, checked against the disk, never raising.

    - nothing: `folder` if given, else `default_folder()`;
    - a single name with `folder` given (`--dir`): that slug in that folder;
    - a file, or a missing `*.toml`: that file (`<slug>/v<N>.toml` also names its slug);
    - a folder holding `v<N>.toml` files (and no slug folders): that slug, in the folder above;
    - a folder holding slug folders: that definitions folder;
    - any other existing folder: a definitions folder, unless `want_slug` and a single name
      was typed (then it is a slug of the default folder);
    - a missing single name: a slug of the default folder when that slug exists there or
      `want_slug`; otherwise a (missing) definitions folder, which `open` offers to create.
    """
    if arg is None:
        return Target(folder if folder is not None else default_folder())
    bare = _bare(arg)
    if bare and folder is not None:
        return Target(folder, slug=str(arg))
    if arg.is_file() or (not arg.exists() and arg.suffix == ".toml"):
        if VERSION_FILE.match(arg.name):
            located = _absolute_if_short(arg, 3)
            return Target(located.parent.parent, slug=located.parent.name, file=arg)
        return Target(arg.parent, file=arg)
    if holds_versions(arg) and not slug_folders(arg):
        located = _absolute_if_short(arg, 2)
        return Target(located.parent, slug=located.name)
    if bare and not slug_folders(arg):
        home = default_folder()
        if want_slug or (not arg.exists() and holds_versions(home / arg)):
            return Target(home, slug=str(arg))
    return Target(arg)
