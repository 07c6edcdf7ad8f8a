"""Where a definitions folder's lead history lives: `evidence.toml`, set once per folder.

A workshop backtests the same CRM export all afternoon, so the paths are written down once,
next to the definitions, instead of typed on every command:

    # definitions/evidence.toml
    leads = "../data/leads.csv"            # relative to this file, or absolute
    activities = "../data/activities.csv"
    mapping = "hubspot"                    # optional: a preset or a mapping file

`workbench backtest` and the app's evidence panel read it; `--leads`/`--activities` (and
`workbench open DIR --leads F --activities F`) override it for one run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from pydantic import Field

from workbench.core.domain.errors import AlreadyExists, InputError, Problem
from workbench.core.domain.filekind import Kind
from workbench.core.domain.lead import Strict
from workbench.core.evidence.mapping import PRESETS
from workbench.core.files.tomlfile import atomic_write, dumps, parse_toml, read_bytes, validate

SETTINGS_FILE = "evidence.toml"


class _File(Strict):
    FILE_KIND: ClassVar[Kind] = "evidence settings"

    leads: str = Field(min_length=1)
    activities: str = Field(min_length=1)
    mapping: str | None = None


@dataclass(frozen=True, slots=True)
class EvidenceSource:
    """The two files to backtest against and how to read them."""

    leads: Path
    activities: Path
    mapping: str | Path | None = None

    def describe(self) -> str:
        mapping = f" (mapping: {self.mapping})" if self.mapping else ""
        return f"{self.leads} and {self.activities}{mapping}"


def definitions_folder(definition_file: Path) -> Path:
    """The folder whose evidence.toml applies: `<folder>/<slug>/vN.toml` belongs to `<folder>`;
    any other file to its own folder."""
    resolved = definition_file.resolve()
    if re.fullmatch(r"v\d+\.toml", resolved.name) and resolved.parent.parent != resolved.parent:
        return resolved.parent.parent
    return resolved.parent


def settings_path(folder: Path) -> Path:
    return folder / SETTINGS_FILE


def _resolve(base: Path, value: str) -> Path:
    """`value` against `base`, its ".." folded where that names the same file: every message
    and the app said "definitions/../data/leads.csv". Where a folder on the way is a link,
    folding would name another file, and the path stays as joined."""
    import os

    path = Path(value).expanduser()
    joined = path if path.is_absolute() else base / path
    folded = Path(os.path.normpath(joined))
    return folded if folded.resolve() == joined.resolve() else joined


def load_source(folder: Path) -> EvidenceSource | None:
    """The folder's evidence.toml, paths resolved against it; None when there is none."""
    path = settings_path(folder)
    if not path.is_file():
        return None
    data, text = parse_toml(read_bytes(path), path)
    found = validate(_File, data, text, path)
    mapping: str | Path | None = found.mapping
    if found.mapping is not None and found.mapping not in PRESETS:
        mapping = _resolve(folder, found.mapping)
    return EvidenceSource(
        _resolve(folder, found.leads), _resolve(folder, found.activities), mapping
    )


def _relative(folder: Path, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(folder.resolve()))
    except ValueError:
        pass
    try:
        import os

        return os.path.relpath(path.resolve(), folder.resolve())
    except ValueError:  # another drive on Windows
        return str(path.resolve())


def same_source(a: EvidenceSource, b: EvidenceSource) -> bool:
    """The same files and mapping, however the paths were typed."""

    def norm(value: str | Path | None) -> str | None:
        return str(value.resolve()) if isinstance(value, Path) else value

    return (
        a.leads.resolve() == b.leads.resolve()
        and a.activities.resolve() == b.activities.resolve()
        and norm(a.mapping) == norm(b.mapping)
    )


def save_source(folder: Path, source: EvidenceSource, *, replace: bool = False) -> Path:
    """Write evidence.toml (paths relative to the folder, so the repo can move)."""
    path = settings_path(folder)
    if path.exists() and not replace:
        raise AlreadyExists([Problem("already exists; pass --replace to change it", file=path)])
    data: dict[str, str] = {
        "leads": _relative(folder, source.leads),
        "activities": _relative(folder, source.activities),
    }
    if source.mapping is not None:
        data["mapping"] = (
            source.mapping if isinstance(source.mapping, str) else _relative(folder, source.mapping)
        )
    header = (
        "# Where this folder's lead history lives, for `workbench backtest` and the app's\n"
        "# evidence panel. Paths are relative to this file.\n"
    )
    atomic_write(path, (header + dumps(data)).encode("utf-8"), create=not path.exists())
    return path


def choose_source(
    folder: Path,
    leads: Path | None,
    activities: Path | None,
    mapping: str | None,
) -> EvidenceSource:
    """The flags when given (both files), else the folder's evidence.toml, else a clear error.

    A mapping that is not a preset name is a file path, as typed (relative to the current
    folder), so `save_source` can write it relative to the definitions folder.
    """
    given: str | Path | None = mapping
    if mapping is not None and mapping not in PRESETS:
        given = Path(mapping)
    if (leads is None) != (activities is None):
        missing = "--activities" if activities is None else "--leads"
        raise InputError(
            [Problem(f"give {missing} too: a backtest needs both files", field=missing)]
        )
    if leads is not None and activities is not None:
        return EvidenceSource(leads, activities, given)
    found = load_source(folder)
    if found is None:
        raise InputError(
            [
                Problem(
                    f"no lead history: pass --leads and --activities, or write them once in "
                    f"{settings_path(folder)} (a backtest with --leads, --activities and --remember does it)",
                )
            ]
        )
    if given is not None:
        return EvidenceSource(found.leads, found.activities, given)
    return found
