"""`workbench metrics`: every metric of the framework's table by period, with its trend.

Thin: loads the history the way `analyze` does, runs `core.evidence.periods.metrics_report`
for the definition at PATH, and prints text, JSON, or a Markdown/HTML section.
"""

from __future__ import annotations

import json
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
from workbench.cli.analyze import DocFormat
from workbench.core.domain.errors import InputError, Problem


class Every(StrEnum):
    week = "week"
    month = "month"
    quarter = "quarter"


@app.command("metrics")
@friendly
def metrics_cmd(
    path: Annotated[
        Path, typer.Argument(help="The definition: its name, version and committed volume.")
    ],
    leads: LeadsOption = None,
    activities: ActivitiesOption = None,
    mapping: MappingOption = None,
    every: Annotated[
        Every | None,
        typer.Option("--every", help="One period for every metric (default: each its own)."),
    ] = None,
    as_json: JsonOption = False,
    fmt: Annotated[
        DocFormat | None,
        typer.Option("--format", "-f", help="md or html: a section for the meeting."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the output to this file.")
    ] = None,
    force: ForceOption = False,
) -> None:
    """Each metric by week, month or quarter: value, change, band and trend flags."""
    from workbench.core.evidence.periods import metrics_report
    from workbench.core.evidence.periods_report import (
        metrics_html,
        metrics_lines,
        metrics_markdown,
    )
    from workbench.core.files import store

    if as_json and fmt is not None:
        raise InputError([Problem("give --json or --format, not both", field="--format")])
    loaded = store.load_definition(path)  # a mistyped PATH is said first
    if out is not None:
        check_history_out(out, path, leads, activities, mapping, force=force)
    definition = loaded.definition
    with marked_if_altered(loaded):
        with open_history(path, leads, activities, mapping) as history:
            report = metrics_report(
                history.con,
                definition,
                history.described,
                every=None if every is None else every.value,
            )
        if as_json:
            text = json.dumps(report.to_json(), indent=2) + "\n"
        elif fmt is DocFormat.md:
            text = metrics_markdown(report)
        elif fmt is DocFormat.html:
            text = metrics_html(report)
        else:
            text = "\n".join(metrics_lines(report)) + "\n"
        print_or_write(out, text, force=force)
