"""Where the facilitator's served seat was: which definition, on which step.

Every browser connection of `workbench serve` starts its own app process, so a reload, a
laptop lid closed or a dropped Wi-Fi connection put the facilitator back on the home screen
in front of the room. The seat writes its place to a file `serve` keeps for the run, and a
new process of the same seat opens there again. Going home or quitting clears it: the next
start is then the home screen, as asked.

The same file keeps the signer fields typed on a draft's Sign-off step (a draft holds no
signers until it is signed): two names and roles typed in front of the room were gone after
a reload, and the room was asked for them again.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from workbench.core.files.tomlfile import dumps


@dataclass(frozen=True)
class Place:
    definition: Path  # the version file open in the editor
    step: str  # the step's key: "fit", "triggers", "cases", ...


def _read(file: Path) -> dict[str, object]:
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def read_place(file: Path) -> Place | None:
    """The place last written, or None: no file, a file that cannot be read (the seat then
    starts at home, as it would without one), or a definition no longer there."""
    data = _read(file)
    definition, step = data.get("definition"), data.get("step")
    if not isinstance(definition, str) or not isinstance(step, str):
        return None
    path = Path(definition)
    return Place(path, step) if path.is_file() else None


def read_signers(file: Path) -> dict[Path, dict[str, str]]:
    """The signer fields typed, by draft file (absolute), as last written; {} if none. A
    value that is not text is left out, as a file that cannot be read is."""
    tables = _read(file).get("signers")
    if not isinstance(tables, dict):
        return {}
    return {
        Path(path): {k: v for k, v in fields.items() if isinstance(v, str)}
        for path, fields in tables.items()
        if isinstance(fields, dict)
    }


def write_place(
    file: Path, place: Place | None, signers: Mapping[Path, Mapping[str, str]] | None = None
) -> bool:
    """Keep `place` (None: forget it) and the signer fields typed (`read_signers`). False if
    the file could not be written: the seat works on, it only starts at home (or with the
    signers to type again) after a reload, so this never stops the room."""
    typed = {str(p.resolve()): dict(f) for p, f in (signers or {}).items() if any(f.values())}
    try:
        if place is None and not typed:
            file.unlink(missing_ok=True)
            return True
        data: dict[str, object] = {}
        if place is not None:
            data = {"definition": str(place.definition.resolve()), "step": place.step}
        if typed:
            data["signers"] = typed
        # Whole or not at all (a temporary file renamed over it), without an fsync: written
        # at every step change on the app's thread, and a place lost to a power cut only
        # means starting at home. Never makes its folder: once `serve` has removed it, the
        # seat's last writes go nowhere.
        fd, temp = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(dumps(data))
            os.replace(temp, file)
        except OSError:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
