"""Commands for evidence: lead history to test a definition against.

`backtest` replays a definition over the history (the folder's evidence.toml, or --leads and
--activities) and reads the result against the framework: MQLs per month against the stage's
volume, expected acceptance, conversion, false negatives, top rejection reasons with advice.
Progress goes to stderr when it is a terminal; rows left out of the files are listed there too.

`sample-data` writes a realistic, reproducible data set (leads and activities in the canonical
shape) for demos, tests and benchmarks. It never overwrites: when leads.* or activities.*
already exist in --out, it names them and exits 1 without writing anything.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
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
    echo,
    err,
    friendly,
    warn_altered,
)
from workbench.cli._out import check_out, history_reads
from workbench.core.domain.errors import InputError, Problem
from workbench.core.evidence.sample import check_free, sample_data, write_sample

if TYPE_CHECKING:
    from workbench.core.evidence.load import Problems
    from workbench.core.evidence.settings import EvidenceSource


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
    echo(f"wrote {leads_path} ({len(lead_rows)} leads)")
    echo(f"wrote {activities_path} ({len(activity_rows)} activities)")


class _Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self.width = 0

    def __call__(self, stage: str, fraction: float | None = None) -> None:
        if not self.live:
            return
        if fraction is None:
            line = f"{stage}…"
        else:
            done = max(0, min(20, round(fraction * 20)))
            line = f"{stage} ▕{'█' * done}{' ' * (20 - done)}▏ {fraction * 100:3.0f}%"
        pad = max(0, self.width - len(line))
        sys.stderr.write("\r" + line + " " * pad)
        sys.stderr.flush()
        self.width = len(line)

    def clear(self) -> None:
        if self.live and self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()
            self.width = 0


def _say_left_out(
    progress: _Progress,
    problems_file: Path | None = None,
    source: EvidenceSource | None = None,
    force: bool = False,
) -> Callable[[Problems], None]:
    """What loading left out comes first, so nobody reads the numbers without knowing; with
    --problems, every one of them is written there too (before a backtest may refuse); values
    no mapping places come with the lines to paste."""

    def say(problems: Problems) -> None:
        progress.clear()
        if problems_file is not None:
            count = problems.write_csv(problems_file, replace=force)
            err(f"wrote {count} row problems to {problems_file}")
        if (
            problems.skipped
            or problems.emptied
            or any(r.notes or r.read_as for r in (problems.leads, problems.activities))
        ):
            for line in problems.lines():
                err(line)
        if source is not None:
            from workbench.core.evidence.propose import paste_advice

            for line in paste_advice(problems, source):
                err(line)

    return say


@app.command("backtest")
@friendly
def backtest_cmd(
    path: Annotated[Path, typer.Argument(help="The definition file to replay, e.g. a draft.")],
    leads: LeadsOption = None,
    activities: ActivitiesOption = None,
    mapping: MappingOption = None,
    compare_with: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            help="Another version (e.g. the signed one): what adopting PATH instead changes.",
        ),
    ] = None,
    remember: Annotated[
        bool,
        typer.Option(
            "--remember", help="Save --leads/--activities/--mapping in the folder's evidence.toml."
        ),
    ] = False,
    as_json: JsonOption = False,
    problems_file: Annotated[
        Path | None,
        typer.Option(
            "--problems",
            help="Write every row left out and cell emptied to this CSV "
            "(file, line, column, value, cause).",
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Replay a definition over lead history: MQLs per month, acceptance, false negatives."""
    import duckdb

    from workbench.core.evidence.backtest import backtest, compare
    from workbench.core.evidence.connection import close_duckdb, open_duckdb
    from workbench.core.evidence.report import backtest_lines, comparison_lines
    from workbench.core.evidence.settings import (
        choose_source,
        definitions_folder,
        load_source,
        same_source,
        save_source,
    )
    from workbench.core.files import store
    from workbench.core.services.backtest_session import load_history

    loaded = store.load_definition(path)
    other_file = store.load_definition(compare_with) if compare_with else None
    altered = [f.path for f in (loaded, other_file) if f is not None and f.altered]
    for changed in altered:
        warn_altered(changed, ", so this backtest is not of what was signed")
    definition = loaded.definition
    other = other_file.definition if other_file is not None else None
    folder = definitions_folder(path)
    source = choose_source(folder, leads, activities, mapping)
    if problems_file is not None:
        reads = [*history_reads(path, source, folder), compare_with]
        check_out(problems_file, reads=reads, force=force, flag="--problems", what="problem lists")
    progress = _Progress()
    con = open_duckdb()
    try:
        problems = load_history(
            con,
            source,
            progress=lambda stage: progress(stage),
            left_out=_say_left_out(progress, problems_file, source, force),
        )
        if other is not None:
            comparison = compare(con, other, definition, progress)
            payload, lines = comparison.to_json(), comparison_lines(comparison)
        else:
            result = backtest(con, definition, progress)
            payload, lines = result.to_json(), backtest_lines(result)
    except (KeyboardInterrupt, duckdb.InterruptException):
        progress.clear()
        err("interrupted: nothing was written")
        raise typer.Exit(130) from None
    finally:
        progress.clear()
        close_duckdb(con)
    if remember:
        previous = load_source(folder)
        if previous is not None and same_source(previous, source):
            err(f"{folder / 'evidence.toml'} already names these files; left as it is")
        else:
            saved = save_source(folder, source, replace=True)
            was = f" (was: {previous.describe()})" if previous is not None else ""
            err(f"saved where the lead history lives in {saved}{was}")
    if as_json:
        payload["skipped_rows"] = {
            "leads": problems.leads.skipped,
            "activities": problems.activities.skipped,
        }
        payload["emptied_cells"] = {
            "leads": problems.leads.emptied,
            "activities": problems.activities.emptied,
        }
        payload["row_problems"] = problems.to_json()
        payload["read_as"] = {
            report.table: {
                "encoding": report.encoding,
                "delimiter": report.delimiter,
                "byte_order_mark": report.bom,
            }
            for report in (problems.leads, problems.activities)
        }
        if altered:
            payload["altered_after_signing"] = [str(p) for p in altered]
        echo(json.dumps(payload, indent=2, default=str))
    else:
        if altered:
            lines = ["ALTERED AFTER SIGNING: see the error above", *lines]
        echo("\n".join(lines))
    if altered:
        raise typer.Exit(1)
