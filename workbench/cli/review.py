"""`workbench review`: the quarterly MQL review over the folder's history (001, seven steps).

Thin: loads the history the way `analyze` does, asks `core.services.review` for the packet
and the next version, writes that draft unless --dry-run, and prints text, JSON, or a
Markdown/HTML section for the meeting.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from workbench.cli._app import (
    ActivitiesOption,
    ForceOption,
    JsonOption,
    LeadsOption,
    MappingOption,
    app,
    err,
    friendly,
    marked_if_altered,
)
from workbench.cli._history import open_history
from workbench.cli._out import check_history_out, print_or_write
from workbench.core.domain import clock
from workbench.core.domain.errors import CheckFailed, InputError, Problem

if TYPE_CHECKING:
    from workbench.core.evidence.quarter import Quarter


class ReviewFormat(StrEnum):
    md = "md"
    html = "html"


@app.command("review")
@friendly
def review_cmd(
    path: Annotated[Path, typer.Argument(help="The signed version in force.")],
    leads: LeadsOption = None,
    activities: ActivitiesOption = None,
    mapping: MappingOption = None,
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter",
            help="The quarter to review, e.g. 2025Q3 (default: the last "
            "complete quarter of the history).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the review and the draft; write nothing.")
    ] = False,
    as_json: JsonOption = False,
    fmt: Annotated[
        ReviewFormat | None,
        typer.Option("--format", "-f", help="md or html: the packet for the meeting."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the output to this file.")
    ] = None,
    force: ForceOption = False,
) -> None:
    """The quarterly review: the quarter's figures, the calibration rules, and a new draft."""
    from workbench.core.evidence.quarter import parse_quarter
    from workbench.core.files import store
    from workbench.core.services.review import in_force, refuse_if_draft

    if as_json and fmt is not None:
        raise InputError([Problem("give --json or --format, not both", field="--format")])
    chosen = parse_quarter(quarter) if quarter is not None else None
    if out is not None:
        # Said before the draft is written: a review never writes half of what it was asked.
        check_history_out(out, path, leads, activities, mapping, force=force)
    _base, signed_path, _signed = in_force(path)
    if not dry_run:
        try:
            refuse_if_draft(path)
        except CheckFailed as error:
            # The meeting's packet needs no new version: say the flag that gives it.
            raise CheckFailed(
                [
                    replace(
                        problem,
                        message=f"{problem.message} (`--dry-run` reviews without writing one; "
                        "with `-f md -o FILE` it writes the meeting's packet)",
                    )
                    if problem.message.startswith("a draft already exists")
                    else problem
                    for problem in error.problems
                ]
            ) from None
    today = clock.today()
    with marked_if_altered(store.load_definition(signed_path)):
        _review(path, leads, activities, mapping, chosen, today, dry_run, as_json, fmt, out, force)


def _review(
    path: Path,
    leads: Path | None,
    activities: Path | None,
    mapping: str | None,
    chosen: Quarter | None,
    today: date,
    dry_run: bool,
    as_json: bool,
    fmt: ReviewFormat | None,
    out: Path | None,
    force: bool,
) -> None:
    """The review once its inputs are checked: the packet, and the draft unless a dry run."""
    from workbench.core.evidence.review import sections_html, sections_markdown, sections_text
    from workbench.core.services.review import (
        plan_sections,
        plan_title,
        prepare_review,
        write_review,
    )

    with open_history(path, leads, activities, mapping) as history:
        plan = prepare_review(history.con, path, history.described, today, chosen)
    written = None
    if plan.writable and not dry_run:
        written = write_review(plan, today).path
    if as_json:
        data = plan.to_json()
        data["written"] = None if written is None else str(written)
        text = json.dumps(data, indent=2, default=str) + "\n"
    else:
        sections = plan_sections(plan, written)
        render = {
            None: sections_text,
            ReviewFormat.md: sections_markdown,
            ReviewFormat.html: sections_html,
        }[fmt]
        text = render(plan_title(plan), sections)
    print_or_write(out, text, force=force)
    if written is not None:
        err(f"wrote {written}: both sides must sign it again (workbench sign {written} ...)")
