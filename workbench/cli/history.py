"""Commands for a definition's versions: new-version, log and diff.

Exit codes: 0 success; 1 a refusal about the state of things (a draft is already open, the
latest signed version was altered, a version in the log is ALTERED); 2 bad input (a missing,
truncated or misplaced file, an unknown slug, a diff between two slugs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli._app import JsonOption, app, echo, err, friendly, warn_altered
from workbench.core.domain import clock
from workbench.core.domain.diff import check_comparable, diff, headline, signoff_changes
from workbench.core.files import history, store
from workbench.core.files.history import SlugLog, VersionEntry
from workbench.core.services import versions

# `log` and `new-version` take the same argument, resolved by the same core function.
TargetArgument = Annotated[
    Path,
    typer.Argument(
        help="A slug (e.g. acme-inbound), its folder, or a version file (DIR/<slug>/v<N>.toml).",
        metavar="SLUG|PATH",
    ),
]
FolderOption = Annotated[
    Path | None,
    typer.Option(
        "--dir",
        "-d",
        help="Definitions folder for a bare slug. Default: ./definitions, or . inside it.",
    ),
]


@app.command("new-version")
@friendly
def new_version(
    path: TargetArgument,
    folder: FolderOption = None,
    as_json: JsonOption = False,
) -> None:
    """Start a draft v(N+1) from the latest signed version, sign-off cleared; one draft at a time."""
    made = versions.start_new_version(path, clock.today(), folder)
    if as_json:
        echo(json.dumps(made.to_dict(), indent=2))
        return
    echo(
        f"created {made.path}: a draft of {made.definition.slug} v{made.definition.version}, "
        f"from v{made.definition.supersedes} (signed), sign-off cleared"
    )
    echo(f"next: edit it, run `workbench diff {made.source} {made.path}`, then sign it")


@app.command("log")
@friendly
def log(
    path: TargetArgument,
    folder: FolderOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every version: status, signers, review date, when it was in force and, in git, who added it."""
    found = history.read_log(*history.locate(path, folder))
    if as_json:
        echo(json.dumps(found.to_dict(), indent=2))
    else:
        _print_log(found)
    for problem in found.problems():
        err(f"error: {problem}")
    altered = [e for e in found.entries if e.status == "ALTERED"]
    for entry in altered:
        warn_altered(entry.path)
    if found.problems():
        raise typer.Exit(2)
    if altered:
        raise typer.Exit(1)


def _print_log(found: SlugLog) -> None:
    count = len(found.entries)
    echo(f"{found.slug}: {found.name or '(unreadable)'} ({count} version{'s' * (count != 1)})")
    in_git = found.git == "repository"
    for entry in found.entries:
        for line in _entry_lines(entry, in_git):
            echo(line)
    if found.git != "repository":
        reason = "git was not found" if found.git == "git not found" else "not a git repository"
        echo(f"(commits not shown: {reason})")


def _entry_lines(entry: VersionEntry, in_git: bool = True) -> list[str]:
    """'v2  signed   in force 2025-05-02 → now' and the detail lines under it."""
    head = f"v{entry.version:<3} {entry.status:<10}"
    if entry.was_in_force:
        until = entry.in_force_until.isoformat() if entry.in_force_until else "now"
        head += f" in force {entry.in_force_from} → {until}"
    elif entry.status == "draft":
        head += " not in force (draft)"
    lines = [head.rstrip()]
    definition = entry.definition
    if definition is None:
        lines.append(f"     {entry.path}: unreadable (see the error below)")
        return lines
    if definition.supersedes:
        lines.append(f"     supersedes v{definition.supersedes}; created {definition.created}")
    else:
        lines.append(f"     created {definition.created}")
    signoff = definition.signoff
    if signoff is not None:
        lines.append(
            f"     signed by {signoff.marketing.name} ({signoff.marketing.role}) and "
            f"{signoff.sales.name} ({signoff.sales.role}) on {history.signed_on(definition)}; "
            f"review by {signoff.review_date}"
        )
    partial = definition.partial_signoff
    if partial is not None:
        first = partial.marketing or partial.sales
        assert first is not None
        lines.append(
            f"     signed so far by {partial.signed_side}: {first.name} ({first.role}) on "
            f"{first.signed_at:%Y-%m-%d}; waiting for {partial.missing_side}"
        )
    if entry.commit is not None:
        c = entry.commit
        lines.append(f"     committed in {c.short} by {c.author} on {c.date:%Y-%m-%d}: {c.subject}")
    elif entry.was_in_force and in_git:
        # Outside git the closing "(commits not shown: …)" line says it once for all.
        lines.append("     no commit found for the signed file")
    return lines


@app.command("diff")
@friendly
def diff_cmd(
    old: Annotated[Path, typer.Argument(help="The earlier version file.")],
    new: Annotated[Path, typer.Argument(help="The later version file.")],
    as_json: JsonOption = False,
) -> None:
    """What changed clause by clause, in words a sales leader can read (not a line diff)."""
    before = store.load_definition(old)
    after = store.load_definition(new)
    check_comparable(before.definition, after.definition, old, new)
    changes = diff(before.definition, after.definition)
    for loaded in (before, after):
        if loaded.altered:
            err(f"warning: {loaded.path}: altered after signing: it is not what was signed")
    if before.definition.version > after.definition.version:
        err(
            f"note: OLD is v{before.definition.version} and NEW is v{after.definition.version}: "
            "the changes read from the newer version back to the older one"
        )
    if as_json:
        echo(json.dumps([change.to_dict() for change in changes], indent=2))
        return
    echo(headline(before.definition, after.definition, before.integrity, after.integrity))
    if not changes:
        echo("No clause changed.")
    for change in changes:
        echo(f"  {change.text}")
    signed = signoff_changes(before.definition, after.definition)
    if signed:
        echo("Sign-off:")
        for line in signed:
            echo(f"  {line}")
