"""`workbench map`: propose a mapping file for a CRM export, for the room to review.

It reads the two files, guesses which header is which canonical column and which value is
which canonical value, writes the mapping (every guess marked on its line) and says how the
files would load with it. It never overwrites `--out` unless `--force`, and writes nothing
when it fails (a required column with no header, a file whose header is not its first line).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli._app import JsonOption, app, echo, err, friendly
from workbench.cli._out import check_mapping_out


@app.command("map")
@friendly
def map_cmd(
    leads: Annotated[Path, typer.Option("--leads", help="The leads export (CSV or Parquet).")],
    activities: Annotated[
        Path, typer.Option("--activities", help="The activities export (CSV or Parquet).")
    ],
    preset: Annotated[
        str | None,
        typer.Option("--preset", "-p", help="Start from a preset: hubspot or salesforce."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the proposed mapping file here (TOML)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing mapping file at --out.")
    ] = False,
    definition: Annotated[
        Path | None,
        typer.Option(
            "--definition",
            "-d",
            help="A definition file: propose its fit gate's own regions and industries for "
            "the export's values (United States -> north-america).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Propose a column mapping for an export: headers, values, and what would load."""
    from workbench.core.evidence.mapping import fix_line
    from workbench.core.evidence.propose import propose, summary_lines, would_keep
    from workbench.core.files import store
    from workbench.core.files.tomlfile import atomic_write

    if out is not None:
        check_mapping_out(out, reads=[leads, activities, definition], force=force)
    gate = store.load_definition(definition).definition if definition is not None else None
    proposal = propose(leads, activities, preset, definition=gate)
    missing = proposal.missing_required()
    problems = None if missing else would_keep(proposal)
    if out is not None and not missing:  # never a file when the command fails
        atomic_write(out, proposal.toml().encode("utf-8"), create=not force)
    if as_json:
        payload = proposal.to_json()
        if out is not None and not missing:
            payload["written"] = str(out)
        if problems is not None:
            payload["would_keep"] = {
                report.table: {"read": report.rows_read, "kept": report.rows_loaded}
                for report in (problems.leads, problems.activities)
            }
        echo(json.dumps(payload, indent=2))
    else:
        echo("\n".join(summary_lines(proposal, problems)))
        if out is not None and not missing:
            echo(f"wrote {out}: review every line marked 'guess', then pass it as --mapping")
        elif not missing:
            echo("pass --out FILE to write it")
    if missing:
        table, column = missing[0].split(".", 1)
        example = fix_line("leads" if table == "leads" else "activities", column)
        nothing = f"; {out} not written" if out is not None else ""
        err(
            f"error: no header found for {', '.join(missing)}: name the file's header in a "
            f"mapping file ({example}){nothing}"
        )
        raise typer.Exit(1)
