"""Versions as use cases: start the next one, or keep the room's edits as the next one.

Both front-ends call these (`workbench new-version`, the app's `v` and `ctrl+g`), so every
refusal (a draft already open, no signed version, a signed version altered after signing, a
broken or misplaced file) is made once, here, under the slug folder's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from workbench.core.domain.definition import Definition
from workbench.core.domain.errors import CheckFailed, InputError, Problem
from workbench.core.files import store
from workbench.core.files.filelock import folder_lock
from workbench.core.files.history import SlugLog, locate, read_log


@dataclass(frozen=True, slots=True)
class NewVersion:
    path: Path
    definition: Definition
    source: Path

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "slug": self.definition.slug,
            "version": self.definition.version,
            "supersedes": self.definition.supersedes,
            "from": str(self.source),
        }


def start_definition(folder: Path, slug: str, stage: str, today: date, name: str | None) -> Path:
    """A v1 draft from the stage's template, written to `folder` (`workbench new` and the
    home screen's `n`); refuses a slug that is taken (AlreadyExists)."""
    from workbench.core.domain.templates import from_template

    return store.create(from_template(slug, stage, today, name=name), folder)


def start_new_version(path: Path, today: date, folder: Path | None = None) -> NewVersion:
    """A draft v(N+1) from the latest signed version; refuses while a draft is open.

    Every version of the slug must read cleanly and sit in its place first: a broken or
    misplaced file would make "the latest signed version" a guess.
    """
    folder, slug = locate(path, folder)
    with folder_lock(folder / slug):
        log = _ready_log(folder, slug)
        created = store.new_version(folder, slug, today)
    signed = [e for e in log.entries if e.status == "signed"][-1]
    return NewVersion(created, store.load_definition(created).definition, signed.path)


def keep_as_new_version(folder: Path, edited: Definition, today: date) -> NewVersion:
    """The room's edits to a draft that changed on disk, kept as the next version.

    Only where that is a valid next version: the draft on disk was signed meanwhile (the
    room's edits then propose v(N+1) on top of it). While a draft is still open on disk a
    second one would leave two competing drafts, which `check` rejects: that is refused, and
    the room reloads or saves its edits as a copy to compare (`store.write_copy`).
    """
    slug = edited.slug
    with folder_lock(folder / slug):
        log = _ready_log(folder, slug)
        signed = [e for e in log.entries if e.status == "signed"][-1]
        data = edited.model_dump()
        data.update(
            {
                "version": log.entries[-1].version + 1,
                "status": "draft",
                "signoff": None,
                "partial_signoff": None,
                "supersedes": signed.version,
                "created": today,
            }
        )
        # The signed version's comments come along, as `new-version` brings them.
        comments = store.text_of(signed.path)
        created = store.create(Definition.model_validate(data), folder, comments)
    return NewVersion(created, store.load_definition(created).definition, signed.path)


def check_ready(folder: Path, slug: str) -> None:
    """Refuse as `start_new_version` would (a draft open, no intact signed version), before
    a caller does slower work whose result is a new version (the quarterly review)."""
    _ready_log(folder, slug)


def _ready_log(folder: Path, slug: str) -> SlugLog:
    """The slug's versions, read cleanly, with no draft open and an intact signed latest."""
    log = read_log(folder, slug, use_git=False)
    if log.problems():
        raise InputError(log.problems())
    _refuse_unless_ready(log)
    return log


def _refuse_unless_ready(log: SlugLog) -> None:
    drafts = [e for e in log.entries if e.status == "draft"]
    if drafts:
        raise CheckFailed(
            [
                Problem(
                    f"a draft already exists (v{drafts[-1].version}): edit or sign it "
                    "before starting another version",
                    file=drafts[-1].path,
                )
            ]
        )
    signed = [e for e in log.entries if e.status in ("signed", "ALTERED")]
    if not signed:
        raise CheckFailed(
            [Problem(f"{log.slug} has no signed version to start from", file=log.folder / log.slug)]
        )
    if signed[-1].status == "ALTERED":
        raise CheckFailed(
            [
                Problem(
                    "the latest signed version was altered after signing; restore what was "
                    "signed (for example with git checkout) before starting a new version",
                    file=signed[-1].path,
                )
            ]
        )
