"""Commands that write a definition out for people and tools: export and schema.

`export` writes the written agreement (Markdown, HTML or JSON), or the definition's replay as
one SQL query for a warehouse (`--format sql --dialect ...`), to stdout or, with --out, to a
new file, atomically; it never overwrites a file without --force (refusing exits 1, as every
refusal to overwrite does) and never writes a .toml file, so a signed version cannot be
clobbered by a mistyped --out.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli._app import app, echo, err, friendly, warn_altered
from workbench.cli._out import check_out
from workbench.core.domain.definition import Definition
from workbench.core.domain.errors import AlreadyExists, InputError, Problem
from workbench.core.evidence.warehouse import export_sql
from workbench.core.files import store
from workbench.core.files.tomlfile import atomic_write
from workbench.core.render.dbt_export import DbtInput, export_dbt, parse_input
from workbench.core.render.export import Format, json_schema, render


class ExportFormat(StrEnum):
    md = "md"
    html = "html"
    json = "json"
    sql = "sql"
    dbt = "dbt"


# The formats that render the written agreement (sql is the replay query instead).
DOCUMENTS: dict[ExportFormat, Format] = {
    ExportFormat.md: "md",
    ExportFormat.html: "html",
    ExportFormat.json: "json",
}


class SqlDialect(StrEnum):
    """The warehouse dialects `--format sql` writes (see `workbench.core.evidence.warehouse`)."""

    duckdb = "duckdb"
    postgres = "postgres"
    snowflake = "snowflake"
    bigquery = "bigquery"
    spark = "spark"


class SchemaKind(StrEnum):
    definition = "definition"
    lead = "lead"


@app.command("export")
@friendly
def export(
    path: Annotated[Path, typer.Argument(help="A definition file.")],
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="md, html (one printable page), json, sql (the replay as one query), or dbt "
            "(a model and its edge cases as unit tests, into the --out folder).",
        ),
    ] = ExportFormat.md,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --out file.")] = False,
    dialect: Annotated[
        SqlDialect | None,
        typer.Option(
            "--dialect", help="With --format sql: the warehouse's SQL dialect [default: duckdb]."
        ),
    ] = None,
    leads_table: Annotated[
        str | None,
        typer.Option(
            "--leads-table",
            help="With --format sql: the leads table, as the dialect names it [default: leads].",
        ),
    ] = None,
    activities_table: Annotated[
        str | None,
        typer.Option(
            "--activities-table",
            help="With --format sql: the activities table [default: activities].",
        ),
    ] = None,
    leads_input: Annotated[
        str | None,
        typer.Option(
            "--leads",
            help="With --format dbt: the leads input, ref('name') or source('src', 'table') "
            "[default: ref('leads')].",
        ),
    ] = None,
    activities_input: Annotated[
        str | None,
        typer.Option(
            "--activities",
            help="With --format dbt: the activities input [default: ref('activities')].",
        ),
    ] = None,
) -> None:
    """The written agreement (md, html, json), or the MQL replay as one SQL query (sql).

    md, html and json: the definition in sentences, SLA, edge cases, signers, review date.
    sql: one query over the leads and activities tables that replays every lead's history
    under the definition and returns one row per MQL event (see the header it starts with).
    dbt: that query as a dbt model in the --out folder, documented, with the edge cases as
    unit tests.
    """
    sql_only = {
        "--dialect": dialect,
        "--leads-table": leads_table,
        "--activities-table": activities_table,
    }
    misplaced = [name for name, value in sql_only.items() if value is not None]
    if fmt is ExportFormat.dbt:
        misplaced = [name for name in misplaced if name != "--dialect"]
    if fmt not in (ExportFormat.sql, ExportFormat.dbt) and misplaced:
        raise InputError(
            [Problem(f"only applies with --format sql (not {fmt.value})", field=misplaced[0])]
        )
    dbt_only = {"--leads": leads_input, "--activities": activities_input}
    misplaced = [name for name, value in dbt_only.items() if value is not None]
    if fmt is not ExportFormat.dbt and misplaced:
        raise InputError(
            [Problem(f"only applies with --format dbt (not {fmt.value})", field=misplaced[0])]
        )
    if fmt is ExportFormat.dbt:
        if out is None:
            raise InputError(
                [Problem("--format dbt writes several files: give a folder", field="--out")]
            )
        leads = parse_input("ref('leads')" if leads_input is None else leads_input, "--leads")
        acts = parse_input(
            "ref('activities')" if activities_input is None else activities_input,
            "--activities",
        )
        loaded = store.load_definition(path)
        _export_dbt(
            loaded.definition, (dialect or SqlDialect.duckdb).value, leads, acts, out, force
        )
        if loaded.altered:
            warn_altered(loaded.path, ": the model is marked ALTERED, it is not what was signed")
            raise typer.Exit(1)
        return
    loaded = store.load_definition(path)
    if fmt is ExportFormat.sql:
        chosen = dialect or SqlDialect.duckdb
        text = export_sql(
            loaded.definition,
            chosen.value,
            "leads" if leads_table is None else leads_table,
            "activities" if activities_table is None else activities_table,
        )
        kind = f"sql, {chosen.value}"
    else:
        text = render(loaded, DOCUMENTS[fmt])
        kind = fmt.value
    if out is None:
        echo(text, nl=False)
    else:
        check_out(out, reads=[path], force=force, what="exports")
        atomic_write(out, text.encode("utf-8"), create=not force)
        err(f"wrote {out} ({kind})")
    if loaded.altered:
        warn_altered(loaded.path, ": the export is marked ALTERED, it is not what was signed")
        raise typer.Exit(1)


def _export_dbt(
    definition: Definition,
    dialect: str,
    leads: DbtInput,
    activities: DbtInput,
    out: Path,
    force: bool,
) -> None:
    """Write the dbt files into `out`: all checked before any is written."""
    if out.exists() and not out.is_dir():
        raise InputError([Problem("is a file; --format dbt writes into a folder", file=out)])
    if not out.parent.is_dir():
        raise InputError(
            [Problem("no such folder for --out; nothing was written", file=out.parent)]
        )
    with_project = not (out / "dbt_project.yml").exists()
    files = export_dbt(definition, dialect, leads, activities, with_project)
    todo: dict[Path, bytes] = {}
    for relative, text in files.items():
        target = out / relative
        payload = text.encode("utf-8")
        if target.exists() and target.read_bytes() == payload:
            continue  # the same text (a shared sources file): nothing to replace
        if target.exists() and not force:
            raise AlreadyExists([Problem("already exists; use --force to replace it", file=target)])
        todo[target] = payload
    for target, payload in todo.items():
        atomic_write(target, payload, create=not target.exists())
        err(f"wrote {target}")
    if not todo:
        err(f"{out}: every file was already up to date")


@app.command("schema")
def schema_cmd(
    kind: Annotated[
        SchemaKind, typer.Argument(help="definition (the default) or lead.")
    ] = SchemaKind.definition,
) -> None:
    """Print the JSON Schema of a definition (or lead) file, for editors that validate TOML."""
    echo(json.dumps(json_schema(kind.value), indent=2))
