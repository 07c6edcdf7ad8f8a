"""`workbench analyze`: from the folder's lead history to a proposed definition.

Thin: loads the history the way `backtest` does, runs `core.evidence.analysis.analyze`
against the draft at PATH, and prints text, JSON, or a Markdown/HTML section.
"""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli._app import (
    ActivitiesOption,
    ForceOption,
    JsonOption,
    LeadsOption,
    MappingOption,
    app,
    friendly,
    marked_if_altered,
)
from workbench.cli._history import open_history
from workbench.cli._out import check_history_out, print_or_write
from workbench.core.domain.days import read_day
from workbench.core.domain.errors import InputError, Problem


class DocFormat(StrEnum):
    md = "md"
    html = "html"


def _day(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    try:
        return read_day(text)
    except ValueError as problem:
        raise InputError([Problem(str(problem), field=flag)]) from None


@app.command("analyze")
@friendly
def analyze_cmd(
    path: Annotated[
        Path, typer.Argument(help="The draft the cases and triggers are read against.")
    ],
    leads: LeadsOption = None,
    activities: ActivitiesOption = None,
    mapping: MappingOption = None,
    wins: Annotated[
        int | None,
        typer.Option("--wins", help="Read the last N closed-won leads (default 100)."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="Leads created on or after this day (YYYY-MM-DD): first day, included."
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until", help="Leads created on or before this day (YYYY-MM-DD): last day, included."
        ),
    ] = None,
    as_json: JsonOption = False,
    fmt: Annotated[
        DocFormat | None,
        typer.Option("--format", "-f", help="md or html: a section for the written agreement."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the output to this file.")
    ] = None,
    force: ForceOption = False,
) -> None:
    """What closed-won leads look like and did, and the clause values the history supports."""

    from workbench.core.evidence.analysis import DEFAULT_WINS, analyze
    from workbench.core.evidence.analysis_report import (
        analysis_html,
        analysis_lines,
        analysis_markdown,
    )
    from workbench.core.files import store

    start, end = _day(since, "--since"), _day(until, "--until")
    if wins is not None and (start or end):
        raise InputError(
            [Problem("give --wins or a period (--since/--until), not both", field="--wins")]
        )
    if wins is not None and wins < 1:
        raise InputError([Problem("must be 1 or more", field="--wins")])
    if start and end and start > end:
        raise InputError([Problem(f"is after --until {end.isoformat()}", field="--since")])
    if as_json and fmt is not None:
        raise InputError([Problem("give --json or --format, not both", field="--format")])
    loaded = store.load_definition(path)  # a mistyped PATH is said first
    if out is not None:
        check_history_out(out, path, leads, activities, mapping, force=force)
    with marked_if_altered(loaded):
        with open_history(path, leads, activities, mapping) as history:
            result = analyze(
                history.con,
                loaded.definition,
                history.described,
                wins=None if start or end else (wins or DEFAULT_WINS),
                since=start,
                until=end,
            )
        if as_json:
            text = json.dumps(result.to_json(), indent=2, default=str) + "\n"
        elif fmt is DocFormat.md:
            text = analysis_markdown(result)
        elif fmt is DocFormat.html:
            text = analysis_html(result)
        else:
            text = "\n".join(analysis_lines(result)) + "\n"
        print_or_write(out, text, force=force)
