"""Commands for evidence: lead history to test a definition against.

`sample-data` writes a realistic, reproducible data set (leads and activities in the canonical
shape) for demos, tests and benchmarks. It never overwrites: when leads.* or activities.*
already exist in --out, it names them and exits 1 without writing anything.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli._app import app, friendly
from workbench.core.errors import InputError, Problem
from workbench.core.evidence.sample import check_free, sample_data, write_sample


class SampleFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"


@app.command("sample-data")
@friendly
def sample_data_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the two files into.")],
    leads: Annotated[int, typer.Option("--leads", "-n", help="How many leads.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same data.")] = 1,
    fmt: Annotated[
        SampleFormat, typer.Option("--format", "-f", help="csv or parquet.")
    ] = SampleFormat.csv,
) -> None:
    """Write a realistic, reproducible sample of leads and their activities."""
    if leads < 1:
        raise InputError([Problem("must be 1 or more", field="--leads")])
    check_free(out, fmt.value)  # before generating: a refusal should be instant
    lead_rows, activity_rows = sample_data(leads, seed)
    leads_path, activities_path = write_sample(out, lead_rows, activity_rows, fmt.value)
    typer.echo(f"wrote {leads_path} ({len(lead_rows)} leads)")
    typer.echo(f"wrote {activities_path} ({len(activity_rows)} activities)")
