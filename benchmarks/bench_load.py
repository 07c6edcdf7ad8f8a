"""Loading benchmark: `load_to_duckdb` against a bare DuckDB scan of the same files.

Run from the repository root:

    .venv/bin/python benchmarks/bench_load.py [--leads 100000 1000000] [--reps 3] [--profile]

For each size it generates a lead history with `workbench.core.evidence.sample` (about 9.4
activities per lead; seed 1), writes it as CSV and as Parquet, and caches the files under
/tmp/mql-bench-data/leads-<N>-seed-<S>-<generator hash>/ (1,000,000 leads take a few minutes
to generate the first time). Then, for each format, with `time.perf_counter` (the best of --reps runs, each in
a fresh in-memory connection):

- count(*): `SELECT count(*)` over both files, the least a scan can do;
- text copy: both files copied into temporary tables with every column as text, what the old
  loader asked of DuckDB before parsing every cell in Python (and no less than a loader that
  keeps every column must do);
- load_to_duckdb: the typed `leads` and `activities` tables, checked, with the report.

It prints a markdown table. Target: a few seconds for 1,000,000 leads / ~10,000,000 activities.
`--profile` adds the loader's slowest SQL statements for the largest size.

`--before REF` instead compares this tree's loader with REF's (its `workbench` package unpacked
from git), on the same files in one run: each load a fresh process (`--child`), the two
variants alternating `--reps` times per format; it prints the medians and their ratio.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb
from machine import cpu_model

from workbench.core.evidence import sample
from workbench.core.evidence.load import Problems, load_to_duckdb
from workbench.core.evidence.sample import sample_data, write_sample

CACHE = Path("/tmp/mql-bench-data")
FORMATS = ("csv", "parquet")


def dataset(leads: int, seed: int) -> Path:
    """The cached folder with leads.{csv,parquet} and activities.{csv,parquet}.

    Keyed by size, seed and the generator's source, so a changed generator makes new files."""
    source = Path(sample.__file__).read_bytes()
    version = hashlib.sha256(source).hexdigest()[:8]
    folder = CACHE / f"leads-{leads}-seed-{seed}-{version}"
    if folder.is_dir():
        return folder
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    print(f"generating {leads:,} leads (seed {seed}) into {folder} ...", flush=True)
    start = time.perf_counter()
    lead_rows, activity_rows = sample_data(leads, seed)
    print(f"  {len(activity_rows):,} activities in {time.perf_counter() - start:.0f} s", flush=True)
    for fmt in FORMATS:
        write_sample(partial, lead_rows, activity_rows, fmt)  # type: ignore[arg-type]
        print(f"  {fmt} written at {time.perf_counter() - start:.0f} s", flush=True)
    partial.rename(folder)
    return folder


def scan(path: Path, fmt: str) -> str:
    if fmt == "parquet":
        return f"read_parquet('{path}')"
    return f"read_csv('{path}', header = true, all_varchar = true)"


def count(con: duckdb.DuckDBPyConnection, paths: tuple[Path, Path], fmt: str) -> int:
    total = 0
    for path in paths:
        row = con.execute(f"SELECT count(*) FROM {scan(path, fmt)}").fetchone()
        total += int(row[0]) if row else 0
    return total


def copy(con: duckdb.DuckDBPyConnection, paths: tuple[Path, Path], fmt: str) -> None:
    select = "SELECT *" if fmt == "csv" else "SELECT CAST(COLUMNS(*) AS VARCHAR)"
    for name, path in zip(("l", "a"), paths, strict=True):
        con.execute(f"CREATE TEMP TABLE {name} AS {select} FROM {scan(path, fmt)}")


def load(con: duckdb.DuckDBPyConnection, paths: tuple[Path, Path]) -> Problems:
    return load_to_duckdb(con, *paths)


def best(action: Callable[[duckdb.DuckDBPyConnection], Any], reps: int) -> tuple[float, Any]:
    """The fastest of `reps` runs, each in a fresh connection, and the last result."""
    times = []
    result: Any = None
    for _ in range(reps):
        con = duckdb.connect()
        try:
            start = time.perf_counter()
            result = action(con)
            times.append(time.perf_counter() - start)
        finally:
            con.close()
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument("--profile", action="store_true", help="slowest SQL of the loader")
    parser.add_argument("--before", help="compare with the loader at this git ref")
    parser.add_argument("--child", nargs=2, metavar=("LEADS", "ACTIVITIES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        start = time.perf_counter()
        problems = load_to_duckdb(duckdb.connect(), Path(args.child[0]), Path(args.child[1]))
        print(f"{time.perf_counter() - start:.4f} {problems.skipped}")
        return
    if args.before:
        compare(args.before, args.leads, args.seed, args.reps)
        return

    print(f"Python {platform.python_version()}, DuckDB {duckdb.__version__}")
    print(f"{cpu_model()}, {os.cpu_count()} CPUs; best of {args.reps} runs\n")
    folders = {n: dataset(n, args.seed) for n in args.leads}
    print(
        "\n| leads | activities | format | MB | count(*) s | text copy s "
        "| load_to_duckdb s | × count(*) | × text copy |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for n, folder in folders.items():
        for fmt in FORMATS:
            leads, activities = folder / f"leads.{fmt}", folder / f"activities.{fmt}"
            megabytes = (leads.stat().st_size + activities.stat().st_size) / 1e6

            paths = (leads, activities)
            counted, rows = best(partial(count, paths=paths, fmt=fmt), args.reps)
            copied, _ = best(partial(copy, paths=paths, fmt=fmt), args.reps)
            loaded, problems = best(partial(load, paths=paths), args.reps)
            assert problems.skipped == 0, problems.lines()
            print(
                f"| {n:,} | {rows - n:,} | {fmt} | {megabytes:,.0f} | {counted:.2f} "
                f"| {copied:.2f} | {loaded:.2f} | {loaded / counted:.1f} "
                f"| {loaded / copied:.1f} |",
                flush=True,
            )

    if args.profile:
        folder = folders[max(folders)]
        for fmt in FORMATS:
            profile(folder / f"leads.{fmt}", folder / f"activities.{fmt}")


def _child(root: Path, leads: Path, activities: Path) -> tuple[float, int]:
    """One load in a fresh process importing the `workbench` package found under `root`."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(leads), str(activities)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), int(out[1])


def compare(ref: str, sizes: list[int], seed: int, reps: int) -> None:
    """This tree's loader against REF's, alternating, on the same cached files."""
    root = Path(__file__).resolve().parent.parent
    old = Path(tempfile.mkdtemp(prefix="bench-load-before-"))
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", ref, "workbench"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
    print(f"Python {platform.python_version()}, DuckDB {duckdb.__version__}")
    print(f"{cpu_model()}, {os.cpu_count()} CPUs; {reps} alternating runs per variant\n")
    print(
        "| leads | format | this tree median s | at " + ref + " median s | ratio | rows skipped |"
    )
    print("|---:|---|---:|---:|---:|---|")
    for n in sizes:
        folder = dataset(n, seed)
        for fmt in FORMATS:
            paths = (folder / f"leads.{fmt}", folder / f"activities.{fmt}")
            times: dict[str, list[float]] = {"new": [], "old": []}
            skipped: dict[str, int] = {}
            for _ in range(reps):
                for name, where in (("new", root), ("old", old)):
                    seconds, skipped[name] = _child(where, *paths)
                    times[name].append(seconds)
            new, before = statistics.median(times["new"]), statistics.median(times["old"])
            print(
                f"| {n:,} | {fmt} | {new:.2f} | {before:.2f} | {new / before:.2f}x "
                f"| {skipped['new']} / {skipped['old']} |",
                flush=True,
            )


class _Timed:
    """A connection that times each statement (what the loader runs, and how long)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.log: list[tuple[float, str]] = []

    def execute(self, sql: str, parameters: object = None) -> duckdb.DuckDBPyConnection:
        start = time.perf_counter()
        result = self.con.execute(sql, parameters)
        self.log.append((time.perf_counter() - start, " ".join(sql.split())[:100]))
        return result


def profile(leads: Path, activities: Path) -> None:
    timed = _Timed(duckdb.connect())
    start = time.perf_counter()
    load_to_duckdb(timed, leads, activities)  # type: ignore[arg-type]
    total = time.perf_counter() - start
    print(f"\n{leads.parent.name} {leads.suffix}: {total:.2f} s, {len(timed.log)} statements")
    for seconds, sql in sorted(timed.log, reverse=True)[:8]:
        print(f"  {seconds:6.2f} s  {sql}")


if __name__ == "__main__":
    main()
