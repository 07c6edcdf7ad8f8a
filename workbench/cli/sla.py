"""`workbench sla`: both SLAs measured over the lead history (see `core.evidence.sla`).

Thin: loads the history the way `backtest` does (the folder's evidence.toml, or --leads and
--activities), measures, prints a Sales and a Marketing section or JSON. A missed figure is
a finding, not a failure: exit 0; bad input exits 2.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli._app import (
    ActivitiesOption,
    JsonOption,
    LeadsOption,
    MappingOption,
    app,
    echo,
    friendly,
    marked_if_altered,
)
from workbench.cli._history import open_history
from workbench.core.domain.errors import InputError, Problem


def _day(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise InputError(
            [Problem(f"expected a date as YYYY-MM-DD, got {text!r}", field=flag)]
        ) from None


@app.command("sla")
@friendly
def sla_cmd(
    path: Annotated[Path, typer.Argument(help="The definition whose SLA is measured.")],
    leads: LeadsOption = None,
    activities: ActivitiesOption = None,
    mapping: MappingOption = None,
    since: Annotated[
        str | None,
        typer.Option("--from", help="MQLs on or after this day (YYYY-MM-DD): first day, included."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--to", help="MQLs on or before this day (YYYY-MM-DD): last day, included."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Did sales answer, decide and follow up as agreed, and did marketing deliver?"""
    from workbench.core.evidence.sla import check_period, measure, report_lines
    from workbench.core.files import store

    start, end = _day(since, "--from"), _day(until, "--to")
    check_period(start, end)  # before the history is read
    loaded = store.load_definition(path)
    with marked_if_altered(loaded):
        with open_history(path, leads, activities, mapping) as history:
            absent = history.problems.leads.absent_columns
            report = measure(history.con, loaded.definition, start, end, absent=absent)
        if as_json:
            echo(json.dumps(report.to_json(), indent=2, default=str))
        else:
            echo("\n".join(report_lines(report)))
