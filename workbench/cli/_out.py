"""Every file a command writes as its output (`--out` of a report or an export,
`backtest --problems`): checked before anything is read or written.

One rule for every command, where each had its own and two had none (`backtest --problems
definitions/acme/v1.toml` replaced a signed version with a CSV; `analyze --out` wrote over
the leads file it read): never a .toml file, where a definition (perhaps signed) lives; never
a file the command reads (the definition, the lead history, its mapping, evidence.toml),
however it is spelled or linked;
never a folder or into a folder that does not exist; an existing file only with --force; and
written whole or not at all.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.cli._app import echo, err
from workbench.core.domain.errors import AlreadyExists, InputError, Problem
from workbench.core.files.tomlfile import atomic_write

if TYPE_CHECKING:
    from workbench.core.evidence.settings import EvidenceSource

Input = Path | str | None


def check_out(
    out: Path,
    *,
    reads: Iterable[Input] = (),
    force: bool = False,
    flag: str = "--out",
    what: str = "reports",
) -> None:
    """Refuse `out` (the file behind `flag`) where writing it would destroy something."""
    if out.suffix.lower() == ".toml":
        raise InputError(
            [
                Problem(
                    f"{what} are never written to a .toml file (a definition lives there)",
                    file=out,
                    field=flag,
                )
            ]
        )
    _check_place(out, reads, flag)
    if out.exists() and not force:
        raise AlreadyExists(
            [Problem("already exists; use --force to replace it", file=out, field=flag)]
        )


def check_mapping_out(out: Path, *, reads: Iterable[Input], force: bool) -> None:
    """`map --out`: a mapping is itself TOML, so it may replace a mapping file (with --force)
    and nothing else, --force or not: a definition, evidence.toml, a lead file."""
    from workbench.core.domain.filekind import DESCRIBED, kind_of
    from workbench.core.files.tomlfile import parse_toml, read_bytes

    _check_place(out, reads, "--out")
    if not out.exists():
        return
    try:
        data: dict[str, object] | None = parse_toml(read_bytes(out), out)[0]
    except InputError:
        data = None  # not TOML at all: a lead export, a report
    kind = kind_of(data) if data is not None else None
    # A mapping with nothing to map (every line a comment, as `map` writes for an export in
    # the canonical layout) is still a mapping.
    if kind != "mapping" and data != {}:
        found = DESCRIBED[kind] if kind is not None else "not a mapping file"
        raise InputError(
            [
                Problem(
                    f"is {found}; --out replaces only a mapping file, even with --force",
                    file=out,
                    field="--out",
                )
            ]
        )
    if not force:
        raise AlreadyExists(
            [Problem("already exists; use --force to replace it", file=out, field="--out")]
        )


def _check_place(out: Path, reads: Iterable[Input], flag: str) -> None:
    """Not a folder, not into a folder that does not exist, not a file the command reads."""
    if out.is_dir():
        raise InputError([Problem(f"is a folder; give a file name for {flag}", file=out)])
    if not out.parent.is_dir():
        raise InputError(
            [Problem("its folder does not exist; nothing was written", file=out, field=flag)]
        )
    for read in reads:
        if read is None or (isinstance(read, str) and "/" not in read and "." not in read):
            continue  # nothing given, or a mapping preset's name (hubspot)
        if _same_file(out, Path(read)):
            raise InputError(
                [Problem(f"is a file this command reads; {flag} never replaces it", file=out)]
            )


def _same_file(out: Path, read: Path) -> bool:
    """The same file however it is spelled: through a link, or in another letter case on a
    file system that ignores case (macOS), which comparing resolved paths would miss."""
    try:
        return out.exists() and read.exists() and os.path.samefile(out, read)
    except OSError:
        return False


def history_reads(
    definition: Path, source: EvidenceSource | None, folder: Path | None = None
) -> list[Input]:
    """What a command over lead history reads: the definition, both files, the mapping, and
    the folder's evidence.toml."""
    from workbench.core.evidence.settings import settings_path

    reads: list[Input] = [definition]
    if source is not None:
        reads += [source.leads, source.activities, source.mapping]
    if folder is not None:
        reads.append(settings_path(folder))
    return reads


def write_out(out: Path, text: str, *, force: bool) -> None:
    """Write a checked `out` atomically: the reader sees the old file or the whole new one.
    Without `force` a file that appeared since the check (a report runs for minutes) is not
    replaced either."""
    atomic_write(out, text.encode("utf-8"), create=not force)


def print_or_write(out: Path | None, text: str, *, force: bool) -> None:
    """A report to stdout, or to its checked `out` with a line on stderr saying where."""
    if out is None:
        echo(text, nl=False)
        return
    write_out(out, text, force=force)
    err(f"wrote {out}")


def check_history_out(
    out: Path,
    definition: Path,
    leads: Path | None,
    activities: Path | None,
    mapping: str | None,
    *,
    force: bool,
    flag: str = "--out",
    what: str = "reports",
) -> None:
    """`check_out` for a command over lead history: the files it would read are the ones
    the flags name, else the folder's evidence.toml's."""
    from workbench.core.evidence.settings import choose_source, definitions_folder

    folder = definitions_folder(definition)
    source = choose_source(folder, leads, activities, mapping)
    reads = history_reads(definition, source, folder)
    check_out(out, reads=reads, force=force, flag=flag, what=what)
