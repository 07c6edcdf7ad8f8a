"""The definitions folder: one file per version at `DIR/<slug>/v<N>.toml`.

Nothing here overwrites a signed version or a file that changed since it was read, and
nothing is written outside the folder: slugs are validated before they become paths.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from workbench.core.domain.definition import Definition, check_slug
from workbench.core.domain.errors import (
    AlreadyExists,
    ConflictError,
    InputError,
    Problem,
    SignedVersionError,
    WorkbenchError,
)
from workbench.core.domain.later import signed_dump
from workbench.core.domain.lead import Lead
from workbench.core.files.filelock import folder_lock
from workbench.core.files.folder import slug_folders, version_files
from workbench.core.files.toml_comments import carry
from workbench.core.files.tomlfile import (
    atomic_write,
    dumps,
    load_model,
    parse_toml,
    read_bytes,
    validate,
)

_OMIT_WHEN_EMPTY = ("segments", "motions", "questions")

Integrity = Literal["draft", "intact", "altered"]


@dataclass(frozen=True, slots=True)
class DefinitionFile:
    """A definition as read from disk, with what we need to write it back safely."""

    path: Path
    definition: Definition
    file_sha256: str
    integrity: Integrity

    @property
    def altered(self) -> bool:
        return self.integrity == "altered"


def to_toml(definition: Definition) -> str:
    """The file text: stable key order, one table per clause, no empty noise."""
    data = _drop_none(_write_switched_off(definition, signed_dump(definition, mode="python")))
    for key in _OMIT_WHEN_EMPTY:
        if not data.get(key):
            data.pop(key, None)
    # A case's lead is written sparsely: only what the scenario is about, not every default.
    for case, raw in zip(definition.cases, data.get("cases", []), strict=True):
        raw["lead"] = signed_dump(
            case.lead, mode="python", exclude_defaults=True, exclude_none=True
        )
        if not case.depends:
            raw.pop("depends", None)
    return dumps(data)


def _write_switched_off(definition: Definition, data: dict[str, Any]) -> dict[str, Any]:
    """TOML has no null: an optional clause switched off where the default is on is written
    as 0 (a window or a count) or false (escalation), which the model reads back as None."""
    if definition.review_rule.min_low_intent_actions is None:
        data["review_rule"]["min_low_intent_actions"] = 0
    if definition.sla.escalation is None:
        data["sla"]["escalation"] = False
    scorings = [(definition.scoring, data.get("scoring"))]
    for kind in ("segments", "motions"):
        for model, raw in zip(getattr(definition, kind), data.get(kind, []), strict=True):
            scorings.append((model.scoring, raw.get("scoring")))
    for scoring, raw_scoring in scorings:
        if scoring is not None and scoring.window_days is None and raw_scoring is not None:
            raw_scoring["window_days"] = 0
    return data


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def content_hash(definition: Definition, review_date: date) -> str:
    """sha256 of everything signed: the whole definition and the review date, not the signers."""
    body = signed_dump(definition, mode="json", exclude={"signoff", "partial_signoff", "status"})
    canonical = json.dumps(
        {"definition": body, "review_date": review_date.isoformat()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def integrity_of(definition: Definition) -> Integrity:
    """A sign-off, complete or one side so far, holds only while the content matches its hash."""
    record = definition.sign_record
    if record is None:
        return "draft"
    expected = content_hash(definition, record.review_date)
    return "intact" if expected == record.content_sha256 else "altered"


# The `status` of file contents this process has written or read, by their sha256. Status is
# a function of the bytes, so this is never stale: an autosave that finds the draft exactly as
# it left it knows it is no signed version without parsing 50 KB of TOML again (about 60% of
# a save with 100 cases, all of it holding the GIL while the room types).
_STATUS_BY_SHA: dict[str, Any] = {}
_STATUS_CACHE_SIZE = 64
_STATUS_LOCK = threading.Lock()  # the autosave thread and the app's own loads both add


def _remember_status(sha256: str, status: Any) -> None:
    with _STATUS_LOCK:
        if len(_STATUS_BY_SHA) >= _STATUS_CACHE_SIZE:
            _STATUS_BY_SHA.pop(next(iter(_STATUS_BY_SHA)))
        _STATUS_BY_SHA[sha256] = status


def _known_status(sha256: str) -> tuple[bool, Any]:
    with _STATUS_LOCK:
        return sha256 in _STATUS_BY_SHA, _STATUS_BY_SHA.get(sha256)


def load_definition(path: Path) -> DefinitionFile:
    raw = read_bytes(path)
    data, text = parse_toml(raw, path)
    definition = validate(Definition, data, text, path)
    sha256 = hashlib.sha256(raw).hexdigest()
    _remember_status(sha256, data.get("status"))
    return DefinitionFile(
        path=path,
        definition=definition,
        file_sha256=sha256,
        integrity=integrity_of(definition),
    )


def load_lead(path: Path) -> Lead:
    return load_model(Lead, path)


def version_path(folder: Path, slug: str, version: int) -> Path:
    try:
        check_slug(slug)
    except ValueError as error:
        raise InputError([Problem(str(error), field="slug")]) from None
    root = folder.resolve()
    path = (root / slug / f"v{version}.toml").resolve()
    if root not in path.parents:
        raise InputError([Problem("the slug would leave the definitions folder", field="slug")])
    return folder / slug / f"v{version}.toml"


def versions(folder: Path, slug: str) -> list[tuple[int, Path]]:
    """Version files of a slug, oldest first."""
    return version_files(folder, slug)


def slugs(folder: Path) -> list[str]:
    return slug_folders(folder)


def create(definition: Definition, folder: Path, comments_from: str = "") -> Path:
    """Write a new version file; refuses if that version already exists. `comments_from` is
    the text of the version it starts from, whose comments it keeps."""
    path = version_path(folder, definition.slug, definition.version)
    with folder_lock(path.parent):
        if path.exists():
            raise AlreadyExists(
                [Problem("already exists; pick another slug or make a new version", file=path)]
            )
        text = carry(comments_from, to_toml(definition))
        atomic_write(path, text.encode("utf-8"), create=True)
    return path


def write_copy(definition: Definition, target: Path) -> Path:
    """The definition as a file outside the version sequence (a rescue copy of unsaved
    edits); refuses to replace an existing file."""
    atomic_write(target, to_toml(definition).encode("utf-8"), create=True)
    return target


def save(definition: Definition, path: Path, expected_sha256: str) -> str:
    """Rewrite a draft in place, only if the file is still exactly what the caller read.

    Returns the sha256 of the bytes written, which the caller keeps for its next save. The
    comparison and the write happen under the folder's lock, so of two racing writers that
    read the same file (two sign-offs, an autosave and a sign-off) exactly one writes and the
    other is refused with a ConflictError.
    """
    with folder_lock(path.parent):
        return _save_locked(definition, path, expected_sha256)


def _save_locked(definition: Definition, path: Path, expected_sha256: str) -> str:
    current = read_bytes(path)
    current_sha256 = hashlib.sha256(current).hexdigest()
    if current_sha256 != expected_sha256:
        raise ConflictError(
            [
                Problem(
                    "changed on disk since it was opened (someone else, or git); "
                    "nothing was written. Reload it, or save your work as a new version.",
                    file=path,
                )
            ]
        )
    known, on_disk = _known_status(current_sha256)
    if not known:
        on_disk = _status_on_disk(current, path)
    if on_disk == "signed":
        raise SignedVersionError(
            [Problem("is a signed version and is never rewritten; make a new version", file=path)]
        )
    if integrity_of(definition) == "altered":
        raise SignedVersionError(
            [
                Problem(
                    "carries a signature over different content: editing a partly signed "
                    "draft would invalidate it. Finish signing it, or remove its "
                    "[partial_signoff] table to withdraw that signature first.",
                    file=path,
                )
            ]
        )
    payload = carry(_text(current), to_toml(definition)).encode("utf-8")
    atomic_write(path, payload)
    written = hashlib.sha256(payload).hexdigest()
    _remember_status(written, definition.status)
    return written


def _text(raw: bytes) -> str:
    """The file's text, for its comments; a file that is not UTF-8 keeps none (it was read,
    and refused, as a definition long before a save)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return ""


def text_of(path: Path) -> str:
    """A version file's text, for the comments a new version carries over ("" if it cannot
    be read now: the new version is still written, without them)."""
    try:
        return _text(read_bytes(path))
    except WorkbenchError:
        return ""


def _status_on_disk(raw: bytes, path: Path) -> Any:
    try:
        data, _text = parse_toml(raw, path)
    except InputError:
        return None
    return data.get("status")


def file_sha256(path: Path) -> str:
    return hashlib.sha256(read_bytes(path)).hexdigest()


@dataclass(frozen=True, slots=True)
class SlugSummary:
    """One row of the home screen: a definition and where its versions stand."""

    slug: str
    latest: DefinitionFile | None
    latest_signed: DefinitionFile | None
    draft: DefinitionFile | None
    problem: str | None = None
    signed: tuple[DefinitionFile, ...] = ()  # every signed version, oldest first


def summarize(folder: Path, slug: str) -> SlugSummary:
    """Latest, latest signed and open draft of a slug; a broken file becomes `problem`."""
    latest = latest_signed = draft = None
    signed: list[DefinitionFile] = []
    try:
        for _number, path in versions(folder, slug):
            loaded = load_definition(path)
            latest = loaded
            if loaded.definition.is_signed:
                latest_signed = loaded
                signed.append(loaded)
            else:
                draft = loaded
    except InputError as error:
        return SlugSummary(slug, latest, latest_signed, draft, problem=str(error))
    return SlugSummary(slug, latest, latest_signed, draft, signed=tuple(signed))


def new_version(folder: Path, slug: str, today: date) -> Path:
    """A draft v(N+1) from the latest signed version, sign-off cleared, `supersedes = N`.

    Under the slug folder's lock: of two racing calls, the second finds the first's draft."""
    with folder_lock(version_path(folder, slug, 1).parent):
        return _new_version_locked(folder, slug, today)


def _new_version_locked(folder: Path, slug: str, today: date) -> Path:
    state = summarize(folder, slug)
    if state.problem:
        raise InputError(state.problem)
    if state.draft is not None:
        raise InputError(
            [
                Problem(
                    "a draft already exists; edit it instead of starting another",
                    file=state.draft.path,
                )
            ]
        )
    if state.latest_signed is None:
        raise InputError(
            [Problem(f"{slug} has no signed version to start from", file=folder / slug)]
        )
    signed = state.latest_signed.definition
    assert state.latest is not None
    data = signed.model_dump()
    data.update(
        {
            "version": state.latest.definition.version + 1,
            "status": "draft",
            "signoff": None,
            "supersedes": signed.version,
            "created": today,
        }
    )
    source = state.latest_signed.path
    return create(Definition.model_validate(data), folder, text_of(source))
