"""`workbench evidence`: the data behind each clause, read or recorded by hand (issue 14).

Without --note it lists each clause's evidence (stale ones say so) and the fit and trigger
criteria that have none. With --clause and --note it records the room's figure for that
clause in the draft, for the clause's value as it stands. A signed version is never
rewritten: record evidence in a new version. Exit 0 ok, 1 refused (signed, changed on disk),
2 bad input (no such clause, a bad file).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli._app import JsonOption, app, echo, friendly, marked_if_altered
from workbench.core.domain import clock
from workbench.core.domain.clause_evidence import (
    clause_key,
    evidence_line,
    evidence_state,
    record_evidence,
    unbacked,
    unbacked_words,
)
from workbench.core.domain.days import read_day
from workbench.core.domain.definition import Definition
from workbench.core.domain.errors import InputError, Problem
from workbench.core.files import store


@app.command("evidence")
@friendly
def evidence_cmd(
    path: Annotated[Path, typer.Argument(help="A definition file (DIR/<slug>/v<N>.toml).")],
    clause: Annotated[
        str | None,
        typer.Option("--clause", help="Clause path, e.g. fit.min_seniority or triggers.tier2.0."),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option("--note", help="The figure in words, e.g. '70% of wins asked for a demo'."),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="The data it came from (files, export).")
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", help="First day of the period, included (YYYY-MM-DD)."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="Last day of the period, included (YYYY-MM-DD)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List the evidence behind each clause, or record a clause's evidence by hand."""
    loaded = store.load_definition(path)
    with marked_if_altered(loaded):
        if note is None:
            if clause is not None or source or start or end:
                raise InputError([Problem("--clause, --source, --from and --to need --note")])
            _list(loaded.definition, as_json)
            return
        if clause is None:
            raise InputError([Problem("--note needs --clause: which clause does it back?")])
        period = None
        if start is not None or end is not None:
            if start is None or end is None:
                raise InputError([Problem("a period is --from and --to together", field="--from")])
            period = (_day(start, "--from"), _day(end, "--to"))
        changed = record_evidence(
            loaded.definition,
            clause,
            note,
            on=clock.today(),
            period=period,
            source=source or "",
            field="--clause",
        )
        store.save(changed, path, loaded.file_sha256)
        echo(f"{path}: recorded evidence for {clause_key(changed, clause) or clause}")


def _day(text: str, option: str) -> date:
    try:
        return read_day(text)
    except ValueError as problem:
        raise InputError([Problem(str(problem), field=option)]) from None


def _list(definition: Definition, as_json: bool) -> None:
    missing = unbacked(definition)
    if as_json:
        payload = {
            "evidence": {
                key: {**value.model_dump(mode="json"), "state": evidence_state(definition, key)}
                for key, value in definition.evidence.items()
            },
            "without_evidence": missing,
        }
        echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    for key in definition.evidence:
        echo(f"{key}: {evidence_line(definition, key)}")
    if not definition.evidence:
        echo("No clause has evidence yet.")
    if missing:
        echo("Without evidence: " + unbacked_words(definition))
