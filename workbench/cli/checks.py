"""Commands for CI, pre-commit and review: `lint` one definition, `check` a whole folder.

Exit codes: 0 clean (warnings allowed), 1 an error-level finding, 2 unusable input (a file
that cannot be read for `lint`; a missing folder for `check`). Findings go to stdout so CI
can keep them as a report; usage errors go to stderr.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli._app import JsonOption, app, echo, err, friendly, marked_if_altered
from workbench.core.domain import clock
from workbench.core.domain.errors import InputError, Problem
from workbench.core.domain.lint import SEVERITIES, Finding, lint, lint_lines
from workbench.core.evidence.settings import definitions_folder as definitions_folder_of
from workbench.core.evidence.settings import settings_path
from workbench.core.files import store
from workbench.core.files.target import resolve
from workbench.core.services.check import (
    check_folder,
    earlier_versions,
    render_junit,
    render_text,
)


class Format(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _tally(findings: list[Finding]) -> dict[str, int]:
    return {level: sum(1 for f in findings if f.severity == level) for level in SEVERITIES}


def _lint_summary(path: Path, findings: list[Finding]) -> str:
    if not findings:
        return f"{path}: no anti-patterns found"
    tally = _tally(findings)
    return f"{path}: {_plural(tally['error'], 'error')}, {_plural(tally['warning'], 'warning')}" + (
        f", {_plural(tally['info'], 'note')}" if tally["info"] else ""
    )


@app.command("lint")
@friendly
def lint_cmd(
    path: Annotated[Path, typer.Argument(help="A definition file.")],
    as_json: JsonOption = False,
) -> None:
    """Check a definition against the framework's anti-patterns; exit 1 on an error."""
    loaded = store.load_definition(path)
    with marked_if_altered(loaded):
        history, unreadable = earlier_versions(path, loaded.definition)
        for problem in unreadable:
            err(f"note: earlier version skipped: {problem}")
        # The folder has a lead history when it has evidence.toml; its data files are not read
        # (CI rarely has them), so lint stays fast and pure.
        lead_history = settings_path(definitions_folder_of(path)).is_file()
        findings = lint(loaded.definition, history, today=clock.today(), lead_history=lead_history)
        if as_json:
            payload: dict[str, object] = {"path": str(path)}
            payload.update(_tally(findings))
            payload["findings"] = [f.to_dict() for f in findings]
            echo(json.dumps(payload, indent=2))
        else:
            for line in lint_lines(findings):
                echo(line)
            echo(_lint_summary(path, findings))
        if any(f.severity == "error" for f in findings):
            raise typer.Exit(1)


def definitions_folder(arg: Path | None) -> Path:
    """The folder to check; a slug or a version file names its folder in the message.

    The rules are about a whole folder (one draft per slug, versions without gaps), so
    `check` takes the definitions folder, not one definition.
    """
    target = resolve(arg)
    if arg is not None and (target.slug is not None or target.file is not None):
        what = "a version file" if target.file is not None else "a definition's folder"
        raise InputError(
            [
                Problem(
                    f"is {what}; check takes the definitions folder: "
                    f"workbench check {target.folder}",
                    file=arg,
                )
            ]
        )
    return target.folder


@app.command("check")
@friendly
def check_cmd(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="Definitions folder. Default: ./definitions, or . inside it.",
            metavar="DIR",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="An overdue review date, a shallow clone (no history check) or a folder "
            "without definitions is an error.",
        ),
    ] = False,
    output: Annotated[
        Format, typer.Option("--format", "-f", help="text, json or junit (JUnit XML).")
    ] = Format.text,
) -> None:
    """Check every definition file for CI and pre-commit; exit 1 on an error-level finding.

    Parses and validates, runs each suite, checks signed files against their hash and (in
    git) their history and allowed_signers' history, one draft per slug, versions without
    gaps, review dates and lint.
    """
    report = check_folder(definitions_folder(folder), clock.today(), strict=strict)
    if output is Format.json:
        echo(json.dumps(report.to_dict(), indent=2))
    elif output is Format.junit:
        echo(render_junit(report))
    else:
        for line in render_text(report):
            echo(line)
    if report.exit_code:
        raise typer.Exit(report.exit_code)
