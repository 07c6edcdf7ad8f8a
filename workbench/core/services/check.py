"""`workbench check`: every definition file in a folder, as CI and pre-commit see them.

A file that does not parse is a finding with its file and line, not a crash: CI should list
everything wrong in one run. Only input that leaves nothing to check (the folder is missing
or is a file) raises InputError (exit 2). `today` is passed in, so a run is reproducible.

What is checked, per version file `DIR/<slug>/v<N>.toml`: it parses and validates; its slug
and version match its folder and file name; its suite passes; a signed file still matches
its hash; in git, no commit (and no uncommitted edit) changed it after it was signed, and
each key vouching for its SSH signatures was in allowed_signers when it was signed in. Per
slug: at most one open draft; versions 1..N without gaps; the review date of the latest
signed version (due within 14 days, or overdue); the lint rules on the latest version.
A symbolic link inside DIR (slug folder, version file, allowed_signers) is refused.
"""

from __future__ import annotations

import importlib
import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from workbench.core.domain.definition import Definition
from workbench.core.domain.errors import InputError, Problem, WorkbenchError
from workbench.core.domain.lint import Finding, Severity, lint
from workbench.core.domain.safe_text import printable
from workbench.core.domain.suite import run_suite
from workbench.core.evidence.settings import SETTINGS_FILE, load_source, settings_path
from workbench.core.files import git, signers_history
from workbench.core.files.folder import VERSION_FILE, review_state
from workbench.core.files.store import DefinitionFile, load_definition
from workbench.core.files.tomlfile import key_lines, read_bytes
from workbench.core.files.tomlguard import parse_text

ALLOWED_SIGNERS = "allowed_signers"
SIGNATURE_MODULE = "workbench.core.files.sshsig"

REVIEW_ADVICE = (
    "Hold the quarterly review: acceptance rate, top rejection reasons, MQL-to-opportunity "
    "rate and false negatives. Adjust the criteria and have both sides sign a new version "
    "(`workbench new-version`)."
)
COVER_ADVICE = (
    "Nothing to fix in a signed file: signatures made from now on (`workbench sign --as`) "
    "cover the name and role. In git, check's history check catches a later edit of them."
)
CHANGED_ADVICE = (
    "A signed version is a contract: restore the signed content and make the change as a "
    "new version (`workbench new-version`) for both sides to sign."
)


@dataclass(frozen=True, slots=True)
class CheckFinding:
    """One finding, located: `path` is a version file, a slug folder or DIR itself."""

    level: Severity
    rule: str
    path: Path
    message: str
    line: int | None = None
    clause: str | None = None
    advice: str | None = None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else str(self.path)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "rule": self.rule,
            "path": str(self.path),
            "line": self.line,
            "clause": self.clause,
            "message": self.message,
            "advice": self.advice,
        }


@dataclass(frozen=True, slots=True)
class CheckReport:
    folder: Path
    files: tuple[Path, ...]
    findings: tuple[CheckFinding, ...]

    def count(self, level: Severity) -> int:
        return sum(1 for f in self.findings if f.level == level)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")

    @property
    def exit_code(self) -> int:
        """0 clean (warnings allowed), 1 any error-level finding."""
        return 1 if self.errors else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": len(self.files),
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass(slots=True)
class _Version:
    """One version file and, if it loaded, what was read."""

    number: int
    path: Path
    loaded: DefinitionFile | None = None
    text: str = ""

    @property
    def definition(self) -> Definition | None:
        return self.loaded.definition if self.loaded else None


@dataclass(slots=True)
class _Scan:
    slugs: dict[str, list[_Version]] = field(default_factory=dict)
    strays: list[Path] = field(default_factory=list)
    links: list[Path] = field(default_factory=list)


def check_folder(folder: Path, today: date, *, strict: bool = False) -> CheckReport:
    """Check every definition file under `folder`; `strict` makes an overdue review, a
    shallow clone and a folder without definitions errors."""
    _require_folder(folder)
    scan = _scan(folder)
    mapping_findings, named = _evidence_mapping(folder)
    findings: list[CheckFinding] = [
        CheckFinding(
            "warning",
            "stray-file",
            path,
            "not a definition version file: expected DIR/<slug>/v<N>.toml; it was not checked",
        )
        for path in scan.strays
        if named is None or path.resolve() != named
    ]
    findings += mapping_findings
    findings += [_link_finding(folder, path) for path in scan.links]
    findings += _evidence_settings(folder)
    files: list[Path] = []
    for slug, versions in sorted(scan.slugs.items()):
        for version in versions:
            files.append(version.path)
            findings += _check_file(version, slug)
        findings += _check_slug(
            folder / slug, versions, today, strict, lead_history=settings_path(folder).is_file()
        )
    if not files:
        # With `strict` (CI asked for proof) an error: a CI job pointed at the wrong folder
        # would otherwise stay green checking nothing.
        findings.append(
            CheckFinding(
                "error" if strict else "warning",
                "no-definitions",
                folder,
                "no DIR/<slug>/v<N>.toml files",
            )
        )
    findings += _check_git(folder, files, strict)
    findings += signature_findings(folder)
    findings.sort(key=lambda f: (str(f.path), f.line or 0))
    return CheckReport(folder, tuple(files), tuple(findings))


def _require_folder(folder: Path) -> None:
    if not folder.exists():
        raise InputError([Problem("no such folder; expected the definitions folder", file=folder)])
    if not folder.is_dir():
        raise InputError([Problem("is a file; expected the definitions folder", file=folder)])


def _hidden(path: Path, folder: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def _scan(folder: Path) -> _Scan:
    """Version files by slug folder; any other .toml is a stray. Other files are ignored.

    A symbolic link to a slug folder, a .toml file or allowed_signers is set apart in
    `links`: it is refused, not followed (see `_link_finding`).
    """
    scan = _Scan()
    for child in sorted(folder.iterdir()):
        watched = child.name == ALLOWED_SIGNERS or child.suffix == ".toml" or child.is_dir()
        if child.is_symlink() and watched and not _hidden(child, folder):
            scan.links.append(child)
    for path in sorted(folder.rglob("*.toml")):
        if _hidden(path, folder) or path in scan.links:
            continue
        if path.is_symlink():
            scan.links.append(path)
            continue
        if not path.is_file():
            continue
        relative = path.relative_to(folder)
        if relative == Path(SETTINGS_FILE):
            continue  # where the lead history lives (`backtest --remember`): see below
        match = VERSION_FILE.match(path.name)
        if len(relative.parts) == 2 and match:
            scan.slugs.setdefault(relative.parts[0], []).append(_Version(int(match.group(1)), path))
        else:
            scan.strays.append(path)
    for versions in scan.slugs.values():
        versions.sort(key=lambda v: v.number)
    return scan


def _link_finding(folder: Path, link: Path) -> CheckFinding:
    """A link inside DIR is refused rather than followed.

    Git records a link as the path it points to, not as the files behind it, so neither the
    history check nor a reviewer reading the pull request sees a change made behind the link
    (in another folder, or outside the repository). `check` would vouch for files it cannot
    trace; other commands would read them all the same. Hence an error, strict or not.
    """
    try:
        target = str(link.readlink())
    except OSError:
        target = "?"
    what = "slug folder" if link.is_dir() else "file"
    return CheckFinding(
        "error",
        "symlink",
        link,
        f"is a symbolic link (to {target}); expected a real {what} inside {folder}: git "
        "tracks the link, not the files behind it, so what they say cannot be traced to a "
        "commit and check cannot vouch for them",
        advice="Replace the link with the folder or file itself (copy it in and commit it).",
    )


def _evidence_settings(folder: Path) -> list[CheckFinding]:
    """`DIR/evidence.toml` belongs in the folder, so it is not a stray; one that does not read
    is a warning, since it stops backtests and the app's Evidence step, not a definition. The
    data files it names are not looked for: CI rarely has the lead history."""
    try:
        load_source(folder)
    except WorkbenchError as error:
        path = folder / SETTINGS_FILE
        return [
            replace(_from_problem(p, path, "evidence-settings"), level="warning")
            for p in error.problems
        ]
    return []


def _evidence_mapping(folder: Path) -> tuple[list[CheckFinding], Path | None]:
    """The mapping file evidence.toml names (as `workbench map` or the app writes it next to
    the definitions) is not a stray either; one that does not read is a warning, like a bad
    evidence.toml. Returns the findings and the mapping file's resolved path, if any."""
    from workbench.core.evidence.mapping import load_mapping

    try:
        source = load_source(folder)
    except WorkbenchError:
        return [], None  # `_evidence_settings` reports it
    if source is None or not isinstance(source.mapping, Path):
        return [], None
    path = source.mapping.resolve()
    if not path.is_file():
        return [], path
    try:
        load_mapping(path)
    except WorkbenchError as error:
        return [
            replace(_from_problem(p, path, "evidence-mapping"), level="warning")
            for p in error.problems
        ], path
    return [], path


# --- one file ------------------------------------------------------------------------


def _check_file(version: _Version, slug: str) -> list[CheckFinding]:
    path = version.path
    try:
        loaded = load_definition(path)
        text = read_bytes(path).decode("utf-8")  # for locating clauses by line
    except WorkbenchError as error:
        return [_from_problem(p, path, "invalid-file") for p in error.problems]
    except UnicodeDecodeError as error:
        return [CheckFinding("error", "invalid-file", path, f"cannot read: {error}")]
    version.loaded, version.text = loaded, text
    definition = loaded.definition
    findings = _misplaced(version, definition, slug)
    findings += _suite(version, definition)
    if loaded.altered:
        record = "signoff" if definition.is_signed else "partial_signoff"
        what = "signed" if definition.is_signed else "partly signed"
        findings.append(
            _at(
                version,
                "error",
                "altered",
                f"{record}.content_sha256",
                f"{what}, but its content (review date included) no longer matches the signed hash",
                CHANGED_ADVICE,
            )
        )
    return findings


def _misplaced(version: _Version, definition: Definition, slug: str) -> list[CheckFinding]:
    findings = []
    if definition.slug != slug:
        findings.append(
            _at(
                version,
                "error",
                "misplaced",
                "slug",
                f"slug is {definition.slug!r} but the file is in the folder {slug!r}",
                "Move the file to DIR/<slug>/, or correct the slug.",
            )
        )
    if definition.version != version.number:
        findings.append(
            _at(
                version,
                "error",
                "misplaced",
                "version",
                f"version is {definition.version} but the file is named {version.path.name}",
                "Rename the file to v<version>.toml, or correct the version.",
            )
        )
    return findings


def _suite(version: _Version, definition: Definition) -> list[CheckFinding]:
    findings = []
    for index, result in enumerate(run_suite(definition).results):
        if not result.passed:
            findings.append(
                _at(
                    version,
                    "error",
                    "suite",
                    f"cases[{index}]",
                    f"edge case {result.name} fails: {'; '.join(result.mismatches)}",
                    "Change the clause that decides it, or the expected outcome if the room "
                    "agrees (`workbench test` explains the verdict).",
                )
            )
    return findings


# --- one slug ------------------------------------------------------------------------


def _check_slug(
    base: Path, versions: list[_Version], today: date, strict: bool, *, lead_history: bool = False
) -> list[CheckFinding]:
    findings = _numbering(base, versions)
    loaded = [v for v in versions if v.definition is not None]
    drafts = [v for v in loaded if v.definition is not None and not v.definition.is_signed]
    if len(drafts) > 1:
        names = ", ".join(v.path.name for v in drafts)
        findings.append(
            CheckFinding(
                "error",
                "open-drafts",
                base,
                f"{len(drafts)} open drafts ({names}); a slug has at most one",
                advice="Keep the draft the room is working on and delete the others.",
            )
        )
    signed = [v for v in loaded if v.definition is not None and v.definition.is_signed]
    if signed:
        findings += _review(signed[-1], today, strict)
    latest = versions[-1]
    if latest.definition is not None:
        history = [v.definition for v in loaded if v is not latest and v.definition is not None]
        findings += [
            _from_lint(latest, finding)
            for finding in lint(latest.definition, history, today=today, lead_history=lead_history)
        ]
    return findings


def _numbering(base: Path, versions: list[_Version]) -> list[CheckFinding]:
    numbers = [v.number for v in versions]
    missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
    if not missing:
        return []
    gaps = ", ".join(f"v{n}" for n in missing)
    found = ", ".join(f"v{n}" for n in numbers)
    return [
        CheckFinding(
            "error",
            "version-gap",
            base,
            f"{gaps} missing: versions are numbered 1..N without gaps (found {found})",
            advice="Restore the missing version from git; versions are never deleted.",
        )
    ]


def _review(version: _Version, today: date, strict: bool) -> list[CheckFinding]:
    """The latest signed version's review date: the agreement in force is due for review."""
    definition = version.definition
    assert definition is not None and definition.signoff is not None
    review = getattr(definition.signoff, "review_date", None)
    state = review_state(review, today)
    if state.level == "due-soon":
        message = f"review due: {state.label}"
        return [
            _at(
                version, "warning", "review-due-soon", "signoff.review_date", message, REVIEW_ADVICE
            )
        ]
    if state.level == "overdue":
        level: Severity = "error" if strict else "warning"
        message = f"review overdue: {state.label}"
        return [
            _at(version, level, "review-overdue", "signoff.review_date", message, REVIEW_ADVICE)
        ]
    return []


# --- git ---------------------------------------------------------------------------


def _check_git(folder: Path, files: Sequence[Path], strict: bool) -> list[CheckFinding]:
    """No commit, and no uncommitted edit, changed a signed file after it was signed.

    The hash check cannot see an edit whose hash was recomputed by hand; git history can.
    Without git, or outside a repository, this is one note and the rest still runs. In a
    shallow clone the history is cut off, so a committed, rehashed edit looks like the
    signed original: a warning, or an error with `strict` (CI asked for proof).
    """
    if not files:
        return []
    if git.repo_root(folder) is None:
        return [
            CheckFinding(
                "info",
                "git-history",
                folder,
                "not in a git repository (or git is missing): signed files were checked "
                "against their hashes only",
            )
        ]
    shallow = git.is_shallow(folder)
    findings = [_shallow(folder, strict)] if shallow else []
    for path in files:
        found = changed_after_signing(path)
        if found is not None:
            findings.append(
                CheckFinding("error", "changed-after-signing", path, found, advice=CHANGED_ADVICE)
            )
    allowed = folder / ALLOWED_SIGNERS
    if not shallow and allowed.is_file() and not allowed.is_symlink():
        findings += _signers_history(folder, allowed)
    return findings


def _signers_history(folder: Path, allowed: Path) -> list[CheckFinding]:
    """Who last changed allowed_signers (a note), and every key listed only after the
    version it vouches for was signed (an error)."""
    findings = [
        CheckFinding("info", "allowed-signers", allowed, signers_history.last_change(allowed))
    ]
    for problem in signers_history.key_order_problems(folder):
        findings.append(
            _from_problem(
                problem,
                allowed,
                "key-added-after-signing",
                advice="Have the version signed with a key that was listed when it was "
                "signed, or sign a new version; a key cannot vouch for what was signed "
                "before it was trusted.",
            )
        )
    return findings


def _shallow(folder: Path, strict: bool) -> CheckFinding:
    return CheckFinding(
        "error" if strict else "warning",
        "shallow-clone",
        folder,
        "this is a shallow clone (git rev-parse --is-shallow-repository): its history is cut "
        "off, so the git history check could not run: a signed file changed and rehashed in "
        "a commit, or a key added to allowed_signers after a version was signed, would not "
        "be seen",
        advice="Fetch the full history (`git fetch --unshallow`; on GitHub Actions "
        "`fetch-depth: 0`) and run check again.",
    )


def changed_after_signing(path: Path) -> str | None:
    """Why `path` differs from the content committed when it was first signed, or None.

    Compared as TOML data, not bytes: what is signed is the content and the review date, and
    who signed. Adding to the sign-off (a second side, a signature) is not a change.
    """
    signed_in: git.Commit | None = None
    signed: dict[str, Any] = {}
    for commit in git.history(path):
        data = _parse(git.content_at(path, commit.sha))
        if signed_in is None:
            if data is not None and data.get("status") == "signed":
                signed_in, signed = commit, data
            continue
        changes = _signed_changes(signed, data)
        if changes:
            return (
                f"{', '.join(changes)} changed in {commit.short} ({commit.author}, "
                f"{commit.date.date().isoformat()}) after it was signed in {signed_in.short}"
            )
    if signed_in is None:
        return None
    try:
        current = _parse(read_bytes(path))
    except InputError:
        return None
    if current is None:
        return None  # already an invalid-file finding
    changes = _signed_changes(signed, current)
    if changes:
        return (
            f"{', '.join(changes)} changed (not committed yet) since it was signed in "
            f"{signed_in.short}"
        )
    return None


def _parse(raw: bytes | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        return parse_text(raw.decode("utf-8"))
    except (InputError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


# The sign-off records, not what is signed (a partial sign-off never survives into a signed file).
_NOT_CONTENT = ("signoff", "partial_signoff", "status")


def _signed_changes(signed: dict[str, Any], later: dict[str, Any] | None) -> list[str]:
    """The clauses, review date, signers or status that differ from the signed data."""
    if later is None:
        return ["the whole file (it no longer parses)"]
    keys = [k for k in dict.fromkeys([*signed, *later]) if k not in _NOT_CONTENT]
    changes = [k for k in keys if signed.get(k) != later.get(k)]
    before = _table(signed.get("signoff"))
    after = _table(later.get("signoff"))
    if before.get("review_date") != after.get("review_date"):
        changes.append("review date")
    for side in ("marketing", "sales"):
        if _signer_changed(_table(before.get(side)), _table(after.get(side))):
            changes.append(f"{side} signer")
    if later.get("status") != "signed":
        changes.append("status")
    return changes


# What a signer shows; and, once recorded, the proof: swapping in another key's signature
# (even one allowed_signers lists) is a change too.
_SIGNER_SHOWN = ("name", "role", "signed_at")
_SIGNER_PROOF = ("principal", "message_version", "ssh_signature")


def _signer_changed(was: dict[str, Any], now: dict[str, Any]) -> bool:
    if not was:
        return False
    if any(was.get(k) != now.get(k) for k in _SIGNER_SHOWN):
        return True
    return any(
        was.get(k) is not None and _squeeze(was.get(k)) != _squeeze(now.get(k))
        for k in _SIGNER_PROOF
    )


def _squeeze(value: object) -> object:
    """An armored signature rewrapped is the same signature."""
    return "".join(value.split()) if isinstance(value, str) else value


def _table(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# --- signatures (integration point) ---------------------------------------------------


def signature_findings(folder: Path) -> list[CheckFinding]:
    """SSH signature verification, where `DIR/allowed_signers` exists.

    Integration point: `workbench.core.files.sshsig.verify_folder(folder)` is written separately
    and returns Problems (a signature that does not verify, a key not listed, a signer
    signing for the other side). It is imported only if the module exists, so `check` works
    before it lands; its problems become error findings with rule id `signature`. Its
    `signature_notes(folder)`, if present, become notes (`signature-coverage`): old
    signatures that do not cover the signer's name and role.
    """
    if not (folder / ALLOWED_SIGNERS).is_file():
        return []
    try:
        module = importlib.import_module(SIGNATURE_MODULE)
    except ModuleNotFoundError as error:
        if error.name == SIGNATURE_MODULE:
            return []
        raise
    verify = getattr(module, "verify_folder", None)
    if not callable(verify):
        return []
    try:
        problems: Iterable[object] = verify(folder)
    except WorkbenchError as error:
        problems = error.problems
    findings = [_from_problem(p, folder / ALLOWED_SIGNERS, "signature") for p in problems]
    notes = getattr(module, "signature_notes", None)
    if callable(notes):
        findings += [
            _from_problem(p, folder / ALLOWED_SIGNERS, "signature-coverage", "info", COVER_ADVICE)
            for p in notes(folder)
        ]
    return findings


# --- locating findings -----------------------------------------------------------------


def _from_problem(
    problem: object,
    default: Path,
    rule: str,
    level: Severity = "error",
    advice: str | None = None,
) -> CheckFinding:
    """A core Problem (or anything like one, or a string) as a finding, an error by default.

    A problem that names a field of a file but no line is located by that field's key.
    """
    if isinstance(problem, Problem):
        field_prefix = f"{problem.field}: " if problem.field else ""
        line = problem.line
        if line is None and problem.field and problem.file is not None:
            line = _field_line(problem.file, problem.field)
        return CheckFinding(
            level,
            rule,
            problem.file or default,
            field_prefix + problem.message,
            line=line,
            clause=problem.field,
            advice=advice,
        )
    return CheckFinding(level, rule, default, str(problem), advice=advice)


def _field_line(path: Path, field: str) -> int | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return clause_line(text, None, field)


def _from_lint(version: _Version, finding: Finding) -> CheckFinding:
    return _at(
        version, finding.severity, finding.rule, finding.clause, finding.message, finding.advice
    )


def _at(
    version: _Version,
    level: Severity,
    rule: str,
    clause: str,
    message: str,
    advice: str | None = None,
) -> CheckFinding:
    line = clause_line(version.text, version.definition, clause) if version.text else None
    return CheckFinding(level, rule, version.path, message, line, clause, advice)


_INDEXED = re.compile(r"^(.+)\[(\d+)\]$")


def clause_line(text: str, definition: Definition | None, clause: str) -> int | None:
    """The line of a clause path such as `segments.smb.triggers.tier2[0]` in a file's text.

    Segments and motions are named by id in clause paths and by position in the file, so
    the id is turned into its index; an element is named `tier2[0]` or, as lint names it,
    `tier2.0`; the nearest enclosing key that has a line wins.
    """
    key: list[str | int] = []
    parts = clause.split(".")
    index = 0
    while index < len(parts):
        part = parts[index]
        match = _INDEXED.match(part)
        if match:
            key += [match.group(1), int(match.group(2))]
        elif part in ("segments", "motions") and definition is not None and index + 1 < len(parts):
            ids = [item.id for item in getattr(definition, part)]
            ident = parts[index + 1]
            key += [part, ids.index(ident)] if ident in ids else [part]
            index += 1
        elif part.isdigit() and key:
            key.append(int(part))
        else:
            key.append(part)
        index += 1
    lines = key_lines(text)
    for size in range(len(key), 0, -1):
        found = lines.get(tuple(key[:size]))
        if found is not None:
            element = key[size] if size < len(key) else None
            if isinstance(element, int):
                return _element_line(text.splitlines(), found, element)
            return found
    return None


def _element_line(lines: list[str], start: int, index: int) -> int:
    """The line of element `index` of an array written one element per line (`tier2 = [`,
    as the workbench writes it); the array's own line when it is laid out otherwise."""
    if not lines[start - 1].rstrip().endswith("["):
        return start
    seen = 0
    for number in range(start + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("]"):
            break
        if seen == index:
            return number
        seen += 1
    return start


# --- output --------------------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(report: CheckReport) -> str:
    line = (
        f"checked {_plural(len(report.files), 'file')}: {_plural(report.errors, 'error')}, "
        f"{_plural(report.warnings, 'warning')}"
    )
    notes = report.count("info")
    return line + (f", {_plural(notes, 'note')}" if notes else "")


def render_text(report: CheckReport) -> list[str]:
    """A line per finding, `LEVEL path[:line] rule: message`, its advice indented below the
    first finding that needs it (fifteen clauses without evidence printed it fifteen times)."""
    lines = []
    said: set[str] = set()
    for finding in report.findings:
        lines.append(printable(_headline(finding), one_line=True))
        if finding.advice and finding.advice not in said:
            said.add(finding.advice)
            lines.append(printable(f"    {finding.advice}", one_line=True))
    lines.append(summary_line(report))
    return lines


def _headline(finding: CheckFinding) -> str:
    return f"{finding.level.upper()} {finding.where} {finding.rule}: {finding.message}"


def render_junit(report: CheckReport) -> str:
    """JUnit XML: one testsuite, one testcase per file (and per folder with findings).

    Error findings are <failure>s; warnings and notes go to the testcase's <system-out>.
    Every text from a file is escaped (`printable`): XML 1.0 has no way to hold \x00-\x1f.
    """
    by_path: dict[Path, list[CheckFinding]] = {path: [] for path in report.files}
    for finding in report.findings:
        by_path.setdefault(finding.path, []).append(finding)
    failures = sum(1 for f in report.findings if f.level == "error")
    attrs = {
        "name": "workbench check",
        "tests": str(len(by_path)),
        "failures": str(failures),
        "errors": "0",
        "skipped": "0",
    }
    root = ET.Element("testsuites", attrs)
    suite = ET.SubElement(root, "testsuite", attrs)
    for path, findings in sorted(by_path.items(), key=lambda item: str(item[0])):
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": printable(_classname(report.folder, path), one_line=True),
                "name": printable(str(path), one_line=True),
            },
        )
        for finding in findings:
            if finding.level == "error":
                failure = ET.SubElement(
                    case,
                    "failure",
                    {"type": finding.rule, "message": printable(finding.message, one_line=True)},
                )
                failure.text = _detail(finding)
        notes = [_detail(f) for f in findings if f.level != "error"]
        if notes:
            ET.SubElement(case, "system-out").text = "\n".join(notes)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _detail(finding: CheckFinding) -> str:
    text = printable(_headline(finding), one_line=True)
    return text + (f"\n    {printable(finding.advice, one_line=True)}" if finding.advice else "")


def _classname(folder: Path, path: Path) -> str:
    """`definitions.acme` for files of the acme slug, `definitions` for the folder itself."""
    base = folder.resolve().name or "definitions"
    try:
        parts = path.relative_to(folder).parts
    except ValueError:
        return base
    return f"{base}.{parts[0]}" if parts else base


def earlier_versions(path: Path, definition: Definition) -> tuple[list[Definition], list[Problem]]:
    """The other versions of `definition`'s slug in its file's folder, for `lint`'s history.

    A version that cannot be read is returned as a Problem, so one broken old file does not
    stop the lint of a new one.
    """
    found: list[Definition] = []
    problems: list[Problem] = []
    for sibling in sorted(path.parent.glob("v*.toml")):
        match = VERSION_FILE.match(sibling.name)
        if not match or int(match.group(1)) >= definition.version or sibling == path:
            continue
        try:
            found.append(load_definition(sibling).definition)
        except WorkbenchError as error:
            problems += error.problems
    return found, problems
