"""--out of a report (`metrics`, `review`): checked before anything is read or written.

A report may replace a report it wrote before (as it always could), but never a .toml file,
where a definition (perhaps signed) lives, nor the definition it reports on, nor a folder;
and it is written whole or not at all.
"""

from __future__ import annotations

from pathlib import Path

from workbench.core.domain.errors import InputError, Problem
from workbench.core.files.tomlfile import atomic_write


def check_report_out(out: Path, source: Path) -> None:
    """Refuse an --out that would destroy the definition, land in a folder, or need one."""
    if out.suffix.lower() == ".toml" or (source.exists() and out.resolve() == source.resolve()):
        raise InputError(
            [
                Problem(
                    "reports are never written to a .toml file (a definition lives there)", file=out
                )
            ]
        )
    if out.is_dir():
        raise InputError([Problem("is a folder; give a file name for --out", file=out)])
    if not out.parent.is_dir():
        raise InputError([Problem("cannot write: its folder does not exist", file=out)])


def write_report_out(out: Path, text: str, source: Path) -> None:
    """Check `out` again (the folder may have changed meanwhile) and write it atomically."""
    check_report_out(out, source)
    atomic_write(out, text.encode("utf-8"))
