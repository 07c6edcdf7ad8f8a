"""The definitions folder at a glance, read without validation.

The home screen must paint before pydantic is even imported, so this module reads only what a
row shows (name, stage, versions, signers, review date) with `tomllib`. The full validation
(`store.summarize`) follows in the background and can only add problems to what is shown here.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from workbench.core.domain.errors import InputError
from workbench.core.files.tomlguard import load_file

DEFAULT_DIR = Path("definitions")
# The one pattern of a version file: `v<N>.toml` as `workbench` writes it (v1, v2, ...).
# `v01.toml` is not version 1: the app, `check` and the history read it alike, as a stray.
VERSION_FILE = re.compile(r"^v([1-9][0-9]*)\.toml\Z")
DUE_SOON_DAYS = 14


@dataclass(frozen=True, slots=True)
class ReviewState:
    label: str
    level: str  # "none" | "ok" | "due-soon" | "overdue"


def review_state(review: date | None, today: date) -> ReviewState:
    """How urgent a definition's review is: due within 14 days or overdue stands out."""
    if review is None:
        return ReviewState("—", "none")
    days = (review - today).days
    if days < 0:
        return ReviewState(f"{review.isoformat()} OVERDUE by {-days}d", "overdue")
    if days <= DUE_SOON_DAYS:
        return ReviewState(f"{review.isoformat()} due in {days}d", "due-soon")
    return ReviewState(review.isoformat(), "ok")


def version_files(folder: Path, slug: str) -> list[tuple[int, Path]]:
    """Version files of a slug, oldest first."""
    base = folder / slug
    if not base.is_dir():
        return []
    found = []
    for child in base.iterdir():
        match = VERSION_FILE.match(child.name)
        if match and child.is_file():
            found.append((int(match.group(1)), child))
    return sorted(found)


def slug_folders(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(
        child.name
        for child in folder.iterdir()
        if child.is_dir() and not child.name.startswith(".") and version_files(folder, child.name)
    )


@dataclass(frozen=True, slots=True)
class QuickRow:
    """One definition as the home screen lists it."""

    slug: str
    name: str
    stage: str
    latest_version: int
    status: str  # "draft" | "signed" | "partly signed" | "UNREADABLE"
    signers: str  # "Dana Reyes + Sam Ortiz": the version in force's signers
    review_date: date | None
    open_path: Path  # the draft if there is one, else the latest version
    problem: str | None = None
    # The latest signed version (number, file) when git has not recorded it (home's check):
    # a draft of the next version started after "Not now" must not hide it.
    uncommitted: tuple[int, Path] | None = None
    # The version those signers signed, when a later draft is the row's latest: beside a
    # draft, say whose signatures these are (the version in force, not the draft).
    signed_version: int | None = None
    # What keeps the open draft from being signed (home's check), in a few words: failing
    # edge cases and the lint errors `sign` refuses and `check` fails on.
    blocked: str | None = None

    @property
    def signers_label(self) -> str:
        """The table's cell: 'v1: Dana Reyes + Sam Ortiz' beside a draft, else the names."""
        if self.signed_version is not None and self.signers:
            return f"v{self.signed_version}: {self.signers}"
        return self.signers


def _signers(record: Any) -> str:
    if not isinstance(record, dict):
        return ""
    names = [
        str(side["name"])
        for side in (record.get("marketing"), record.get("sales"))
        if isinstance(side, dict) and side.get("name")
    ]
    return " + ".join(names)


def quick_row(folder: Path, slug: str) -> QuickRow | None:
    files = version_files(folder, slug)
    if not files:
        return None
    latest_number, latest_path = files[-1]
    parsed: dict[int, dict[str, Any]] = {}
    for number, path in files:
        try:
            parsed[number] = load_file(path)
        except (InputError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            return QuickRow(
                slug,
                slug,
                "?",
                latest_number,
                "UNREADABLE",
                "",
                None,
                latest_path,
                problem=str(error) if isinstance(error, InputError) else f"{path}: {error}",
            )
    latest = parsed[latest_number]
    draft = next(
        (path for number, path in reversed(files) if parsed[number].get("status") != "signed"),
        None,
    )
    signed_number = next(
        (number for number, _p in reversed(files) if parsed[number].get("status") == "signed"),
        None,
    )
    signed = parsed[signed_number] if signed_number is not None else None
    status = str(latest.get("status", "draft"))
    if status != "signed" and isinstance(latest.get("partial_signoff"), dict):
        status = "partly signed"
    record = signed.get("signoff") if signed else None
    review = record.get("review_date") if isinstance(record, dict) else None
    return QuickRow(
        slug=slug,
        name=str(latest.get("name", slug)),
        stage=str(latest.get("stage", "?")),
        latest_version=latest_number,
        status=status,
        signers=_signers(record),
        review_date=review if isinstance(review, date) else None,
        open_path=draft or latest_path,
        signed_version=signed_number if signed_number != latest_number and record else None,
    )


def folder_signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Every version file of the folder with its size and change time: what changes when a
    file is added, removed or written, by the app or by `workbench new-version` beside it."""
    found = []
    for slug in slug_folders(folder):
        for _number, path in version_files(folder, slug):
            try:
                stat = path.stat()
            except OSError:
                continue  # removed between the listing and the look: the next look says so
            found.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def quick_rows(folder: Path) -> list[QuickRow]:
    return [row for slug in slug_folders(folder) if (row := quick_row(folder, slug)) is not None]
