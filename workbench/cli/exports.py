"""Commands that write a definition out for people and tools: export and schema.

`export` writes the written agreement (Markdown, HTML or JSON) to stdout or, with --out, to a
new file, atomically; it never overwrites a file without --force and never writes a .toml
file, so a signed version cannot be clobbered by a mistyped --out.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli._app import app, err, friendly
from workbench.core import store
from workbench.core.errors import InputError, Problem
from workbench.core.export import json_schema, render
from workbench.core.tomlfile import atomic_write


class ExportFormat(StrEnum):
    md = "md"
    html = "html"
    json = "json"


class SchemaKind(StrEnum):
    definition = "definition"
    lead = "lead"


def check_out_path(out: Path, source: Path, force: bool) -> None:
    """Refuse an --out that would destroy something: the source, any .toml, a folder."""
    if out.suffix.lower() == ".toml" or out.resolve() == source.resolve():
        raise InputError(
            [
                Problem(
                    "exports are never written to a .toml file (a definition lives there)", file=out
                )
            ]
        )
    if out.is_dir():
        raise InputError([Problem("is a folder; give a file name for --out", file=out)])
    if not out.parent.is_dir():
        raise InputError(
            [Problem("no such folder for --out; nothing was written", file=out.parent)]
        )
    if out.exists() and not force:
        raise InputError([Problem("already exists; use --force to replace it", file=out)])


@app.command("export")
@friendly
def export(
    path: Annotated[Path, typer.Argument(help="A definition file.")],
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="md, html (one printable page) or json.")
    ] = ExportFormat.md,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --out file.")] = False,
) -> None:
    """The written agreement: definition in sentences, SLA, edge cases, signers, review date."""
    loaded = store.load_definition(path)
    text = render(loaded, fmt.value)
    if out is None:
        typer.echo(text, nl=False)
    else:
        check_out_path(out, path, force)
        atomic_write(out, text.encode("utf-8"), create=not force)
        err(f"wrote {out} ({fmt.value})")
    if loaded.altered:
        err(
            f"error: {loaded.path}: altered after signing: the export is marked ALTERED; it is "
            "not what was signed. Restore the signed file, or make the change as a new version."
        )
        raise typer.Exit(1)


@app.command("schema")
def schema_cmd(
    kind: Annotated[
        SchemaKind, typer.Argument(help="definition (the default) or lead.")
    ] = SchemaKind.definition,
) -> None:
    """Print the JSON Schema of a definition (or lead) file, for editors that validate TOML."""
    typer.echo(json.dumps(json_schema(kind.value), indent=2))
