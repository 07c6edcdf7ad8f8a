"""A definition's versions over time: what each one is, who signed it, when it was in force.

This is the record a sales leader asks for a year later ("what did we agree in March, and
who signed it?"). It reads the version files and, where the folder is in a git repository,
asks git which commit brought each signed file in. Git is optional: without it (or outside
a repository) everything but the commits still works.

A version file must sit where its content says it belongs (`DIR/<slug>/v<N>.toml` holding
`slug` and `version = N`); a copied or renamed file that does not is reported, never guessed
around, because version numbers are how `supersedes` and the in-force periods are worked out.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

from workbench.core.domain.definition import Definition, Signer, check_slug
from workbench.core.domain.errors import InputError, Problem
from workbench.core.files import git, store, target
from workbench.core.files.folder import VERSION_FILE
from workbench.core.files.tomlguard import parse_text

GitState = Literal["repository", "not a repository", "git not found"]
Status = Literal["draft", "signed", "ALTERED", "UNREADABLE"]


@dataclass(frozen=True, slots=True)
class VersionEntry:
    """One version file as the log shows it."""

    version: int
    path: Path
    loaded: store.DefinitionFile | None
    problems: tuple[Problem, ...] = ()
    in_force_from: date | None = None
    in_force_until: date | None = None  # None while in force: "until now"
    commit: git.Commit | None = None

    @property
    def status(self) -> Status:
        if self.loaded is None or self.problems:
            return "UNREADABLE"
        if not self.loaded.definition.is_signed:
            return "draft"
        return "ALTERED" if self.loaded.altered else "signed"

    @property
    def definition(self) -> Definition | None:
        return self.loaded.definition if self.loaded is not None else None

    @property
    def was_in_force(self) -> bool:
        return self.in_force_from is not None

    @property
    def in_force_now(self) -> bool:
        return self.in_force_from is not None and self.in_force_until is None

    def to_dict(self) -> dict[str, Any]:
        definition = self.definition
        record = definition.sign_record if definition is not None else None
        signoff = definition.signoff if definition is not None else None
        partial = definition.partial_signoff if definition is not None else None
        return {
            "version": self.version,
            "path": str(self.path),
            "status": self.status,
            "supersedes": definition.supersedes if definition is not None else None,
            "created": definition.created.isoformat() if definition is not None else None,
            "marketing": _signer_dict(record.marketing) if record else None,
            "sales": _signer_dict(record.sales) if record else None,
            "waiting_for": partial.missing_side if partial else None,
            "signed_on": _iso(signed_on(definition)) if definition is not None else None,
            "review_date": signoff.review_date.isoformat() if signoff else None,
            "in_force": {
                "from": _iso(self.in_force_from),
                "until": _iso(self.in_force_until),
                "now": self.in_force_now,
            }
            if self.was_in_force
            else None,
            "commit": _commit_dict(self.commit),
            "problems": [str(problem) for problem in self.problems],
        }


@dataclass(frozen=True, slots=True)
class SlugLog:
    """Every version of one slug, oldest first, and whether git could be asked."""

    folder: Path
    slug: str
    entries: tuple[VersionEntry, ...]
    git: GitState

    @property
    def name(self) -> str | None:
        """The newest readable version's name: what the definition is called today."""
        for entry in reversed(self.entries):
            if entry.definition is not None:
                return entry.definition.name
        return None

    def problems(self) -> list[Problem]:
        return [problem for entry in self.entries for problem in entry.problems]

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "folder": str(self.folder),
            "git": self.git,
            "versions": [entry.to_dict() for entry in self.entries],
        }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _signer_dict(signer: Signer | None) -> dict[str, str] | None:
    if signer is None:
        return None
    return {"name": signer.name, "role": signer.role, "signed_at": signer.signed_at.isoformat()}


def _commit_dict(commit: git.Commit | None) -> dict[str, str] | None:
    if commit is None:
        return None
    return {
        "sha": commit.sha,
        "short": commit.short,
        "author": commit.author,
        "email": commit.email,
        "date": commit.date.isoformat(),
        "subject": commit.subject,
    }


def signed_on(definition: Definition | None) -> date | None:
    """The day sign-off became complete: the later of the two signatures."""
    if definition is None or definition.signoff is None:
        return None
    signoff = definition.signoff
    return max(signoff.marketing.signed_at, signoff.sales.signed_at).date()


def git_state(folder: Path) -> GitState:
    if not git.git_available():
        return "git not found"
    if git.repo_root(folder) is None:
        return "not a repository"
    return "repository"


def layout_problem(path: Path, definition: Definition) -> Problem | None:
    """Why a file is not where its content says it belongs, or None."""
    match = VERSION_FILE.match(path.name)
    expected = f"{definition.slug}/v{definition.version}.toml"
    folder_name = path.absolute().parent.name  # `v1.toml` typed inside the slug folder
    if match is None or folder_name != definition.slug or int(match[1]) != definition.version:
        return Problem(
            f"in the wrong place: it holds {definition.slug} v{definition.version}, which "
            f"belongs at <definitions folder>/{expected}",
            file=path,
        )
    return None


def _read(version: int, path: Path) -> VersionEntry:
    try:
        loaded = store.load_definition(path)
    except InputError as error:
        return VersionEntry(version, path, None, problems=tuple(error.problems))
    misplaced = layout_problem(path, loaded.definition)
    return VersionEntry(version, path, loaded, problems=(misplaced,) if misplaced else ())


def _with_periods(entries: list[VersionEntry]) -> list[VersionEntry]:
    """A signed version is in force from its signing until the next signed version's."""
    signed = [e for e in entries if e.status in ("signed", "ALTERED")]
    starts = {e.version: signed_on(e.definition) for e in signed}
    ends = {a.version: starts[b.version] for a, b in pairwise(signed)}
    return [
        replace(e, in_force_from=starts.get(e.version), in_force_until=ends.get(e.version))
        for e in entries
    ]


def signed_commit(path: Path) -> git.Commit | None:
    """The first commit in which the file was signed: the commit that brought the agreement in.

    `sign` rewrites the draft in place, so the commit that *added* the file may hold the
    draft; the one that matters is the first whose content says `status = "signed"`.
    """
    commits = git.history(path)
    for commit in commits:
        raw = git.content_at(path, commit.sha)
        if raw is not None and _is_signed(raw):
            return commit
    return None


def _is_signed(raw: bytes) -> bool:
    try:
        return parse_text(raw.decode("utf-8")).get("status") == "signed"
    except (InputError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def _with_commits(entries: list[VersionEntry]) -> list[VersionEntry]:
    return [
        replace(e, commit=signed_commit(e.path)) if e.status in ("signed", "ALTERED") else e
        for e in entries
    ]


def unknown_slug(folder: Path, slug: str) -> InputError:
    """'no definition X in DIR; slugs here: a, b': the fix is usually a typo or --dir."""
    if not folder.is_dir():
        return InputError([Problem("no such definitions folder (use --dir)", file=folder)])
    existing = store.slugs(folder)
    listing = f"slugs here: {', '.join(existing)}" if existing else "the folder has none yet"
    return InputError([Problem(f"no definition {slug!r} here; {listing}", file=folder)])


def read_log(folder: Path, slug: str, *, use_git: bool = True) -> SlugLog:
    """Every version of `slug`, with in-force periods and, in git, the signing commits."""
    try:
        check_slug(slug)
    except ValueError as error:
        raise InputError([Problem(str(error), field="slug")]) from None
    found = store.versions(folder, slug)
    if not found:
        raise unknown_slug(folder, slug)
    entries = _with_periods([_read(number, path) for number, path in found])
    state = git_state(folder)
    if use_git and state == "repository":
        entries = _with_commits(entries)
    return SlugLog(folder, slug, tuple(entries), state)


# --- new version ------------------------------------------------------------------------


def locate(path: Path, folder: Path | None = None) -> tuple[Path, str]:
    """(definitions folder, slug) from a slug, a slug folder or a version file.

    `log` and `new-version` both ask this, so they accept the same spellings (see
    `target.resolve`; `folder` is `--dir`, for a bare slug). A file must be
    `<slug>/v<N>.toml` and hold that slug and version; anything else is a copy or a typo,
    and starting a new version from it would number it wrongly.
    """
    found = target.resolve(path, folder=folder, want_slug=True)
    if found.file is not None:
        loaded = store.load_definition(found.file)  # missing, truncated, invalid: located
        problem = layout_problem(found.file, loaded.definition)
        if problem is not None:
            raise InputError([problem])
        return found.folder, loaded.definition.slug
    if found.slug is None:
        if not path.exists():
            raise InputError(
                [
                    Problem(
                        "no such file or folder; expected a slug, its folder or a version file",
                        file=path,
                    )
                ]
            )
        slugs = store.slugs(path)
        message = (
            f"is a definitions folder, not a definition: name one of its slugs ({', '.join(slugs)})"
            if slugs
            else "holds no v<N>.toml version files; expected a slug, its folder or a version file"
        )
        raise InputError([Problem(message, file=path)])
    if len(path.parts) > 1 or _is_dir(path):  # a folder was typed, not a slug
        return found.folder, _valid_slug(found.slug, path)
    return found.folder, found.slug


def _is_dir(path: Path) -> bool:
    """`path.is_dir()`, False for a name the system cannot even look up (too long, ...)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _valid_slug(slug: str, path: Path) -> str:
    try:
        return check_slug(slug)
    except ValueError as error:
        raise InputError([Problem(f"the folder name is not a slug: {error}", file=path)]) from None
