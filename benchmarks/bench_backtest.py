"""Backtest benchmark: 1M leads and ~10M activities, against DuckDB's bare scan and Python.

Run from the repository root:

    .venv/bin/python benchmarks/bench_backtest.py [--leads 1000000] [--stage 3m-10m]
        [--format parquet] [--reps 3] [--subset 100000]

Data: `workbench.core.evidence.sample` at the given size (seed 1), generated once and cached
with bench_load.py's cache (/tmp/mql-bench-data/leads-N-seed-1-<generator hash>/, CSV and
Parquet; generating 1M leads takes minutes).

Measured, each in a fresh subprocess, interleaved, `--reps` times:
- **backtest**: what `workbench backtest` does: load both files through the loader (mapping,
  validation, bad-row report), replay the stage's template with the SQL engine, summarise,
  render the report. Wall time and the process's peak resident memory.
- **bare scan**: DuckDB reading every column of the same two files into tables
  (`CREATE TABLE AS SELECT * FROM read_parquet/read_csv`), nothing else.
And in one process, interleaved: the replay of the first `--subset` leads by the SQL engine
(tables already in memory) vs the Python reference replay looping the evaluator over them.

Targets (issue 5): backtest under 10 s and 2 GB; within 3x of the bare scan; the SQL engine
20x or more faster than the Python loop.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# What both child scripts start with: imports and their own peak memory.
PRELUDE = """
import json, resource, sys, time

def peak_mb():
    # VmHWM is this process's own high-water mark; ru_maxrss would include the RSS the parent
    # had when it forked us (Linux keeps it across exec).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

BACKTEST = (
    PRELUDE
    + """start = time.perf_counter()
from datetime import date
from pathlib import Path
import duckdb
from workbench.core.evidence.backtest import backtest
from workbench.core.evidence.load import load_to_duckdb
from workbench.core.evidence.mapping import CANONICAL
from workbench.core.evidence.report import backtest_lines
from workbench.core.domain.templates import from_template
leads, activities, stage = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
try:  # the connection `workbench backtest` opens: its memory limit and spill folder
    from workbench.core.evidence.connection import open_duckdb as connect
except ImportError:  # a ref from before the memory policy (`bench_growth.py --before`)
    connect = duckdb.connect
con = connect()
problems = load_to_duckdb(con, leads, activities, CANONICAL)
loaded = time.perf_counter()
result = backtest(con, from_template("bench", stage, date(2025, 1, 1)))
text = "\\n".join(backtest_lines(result))
done = time.perf_counter()
print(json.dumps({
    "seconds": done - start, "load": loaded - start, "replay": done - loaded,
    "peak_mb": peak_mb(),
    "events": result.events, "per_month": result.per_month, "skipped": problems.skipped,
}))
"""
)

SCAN = (
    PRELUDE
    + """start = time.perf_counter()
import duckdb
con = duckdb.connect()
reader = "read_parquet" if sys.argv[1].endswith(".parquet") else "read_csv"
for name, path in (("leads", sys.argv[1]), ("activities", sys.argv[2])):
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM {reader}(?)", [path])
done = time.perf_counter()
print(json.dumps({
    "seconds": done - start,
    "peak_mb": peak_mb(),
}))
"""
)


def data(leads: int) -> Path:
    """The cached sample folder for this size (shared with bench_load), generated if absent."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_load import dataset

    return dataset(leads, seed=1)


def child(script: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def subset_speedup(folder: Path, fmt: str, stage: str, subset: int, reps: int) -> list[str]:
    """SQL engine vs the Python reference replay on the first `subset` leads."""
    import duckdb

    from workbench.core.domain.evaluator import prepare
    from workbench.core.domain.templates import from_template
    from workbench.core.evidence.engine import replay_sql
    from workbench.core.evidence.load import load_to_duckdb
    from workbench.core.evidence.mapping import CANONICAL
    from workbench.core.evidence.replay import replay
    from workbench.core.evidence.tables import ActivityRow, LeadRow

    definition = from_template("bench", stage, date(2025, 1, 1))
    con = duckdb.connect()
    load_to_duckdb(con, folder / f"leads.{fmt}", folder / f"activities.{fmt}", CANONICAL)
    con.execute(f"CREATE TEMP TABLE sub_leads AS SELECT * FROM leads LIMIT {subset}")
    con.execute(
        "CREATE TEMP TABLE sub_acts AS SELECT a.* FROM activities AS a "
        "SEMI JOIN sub_leads AS l ON l.lead_id = a.lead_id"
    )
    names = [d[0] for d in con.execute("SELECT * FROM sub_leads LIMIT 0").description or ()]
    lead_rows = [
        LeadRow(**dict(zip(names, row, strict=True)))
        for row in con.execute("SELECT * FROM sub_leads").fetchall()
    ]
    act_rows = [
        ActivityRow(*row)
        for row in con.execute('SELECT lead_id, kind, "at" FROM sub_acts').fetchall()
    ]
    prepared = prepare(definition)
    sql_times: list[float] = []
    py_times: list[float] = []
    events = (0, 0)
    for _ in range(reps):
        start = time.perf_counter()
        sql_events = replay_sql(con, definition, "sub_leads", "sub_acts")
        sql_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        py_events = replay(prepared, lead_rows, act_rows)
        py_times.append(time.perf_counter() - start)
        events = (len(sql_events), len(py_events))
    sql, py = statistics.median(sql_times), statistics.median(py_times)
    return [
        f"| replay of {len(lead_rows):,} leads / {len(act_rows):,} activities, SQL engine | "
        f"{sql:.2f} s | {events[0]:,} MQL events |",
        f"| same, Python evaluator loop | {py:.2f} s | {events[1]:,} MQL events |",
        f"| **speed-up** | **{py / sql:.0f}x** | goal 150x (issue 16) |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--stage", default="3m-10m")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--subset", type=int, default=100_000)
    args = parser.parse_args()
    folder = data(args.leads)
    leads, acts = folder / f"leads.{args.format}", folder / f"activities.{args.format}"
    runs: list[dict[str, float]] = []
    scans: list[dict[str, float]] = []
    for _ in range(args.reps):
        runs.append(child(BACKTEST, str(leads), str(acts), args.stage))
        scans.append(child(SCAN, str(leads), str(acts)))

    def spread(rows: list[dict[str, float]]) -> str:
        return ", ".join(f"{r['seconds']:.2f}" for r in rows)

    def median(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    activity_count = int(
        __import__("duckdb")
        .execute(
            f"SELECT count(*) FROM {'read_parquet' if args.format == 'parquet' else 'read_csv'}(?)",
            [str(acts)],
        )
        .fetchone()[0]
    )
    ratio = median(runs, "seconds") / median(scans, "seconds")
    from machine import cpu_model

    print(
        f"machine: {cpu_model()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, DuckDB {__import__('duckdb').__version__}"
    )
    print(
        f"date: {date.today().isoformat()}; data: {args.leads:,} leads, "
        f"{activity_count:,} activities, {args.format}; template {args.stage}; "
        f"{args.reps} interleaved runs, medians"
    )
    print()
    print("| measure | median | note |")
    print("| --- | --- | --- |")
    print(
        f"| backtest wall time (load + replay + report) | {median(runs, 'seconds'):.2f} s | "
        f"load {median(runs, 'load'):.2f} s, replay+summary {median(runs, 'replay'):.2f} s; "
        f"runs: {spread(runs)} |"
    )
    print(
        f"| backtest peak memory | {median(runs, 'peak_mb'):.0f} MB | "
        f"{int(runs[0]['events']):,} MQL events, {runs[0]['per_month']:.0f}/month |"
    )
    print(
        f"| DuckDB bare scan of the same files | {median(scans, 'seconds'):.2f} s | "
        f"peak {median(scans, 'peak_mb'):.0f} MB; runs: "
        f"{spread(scans)} |"
    )
    print(f"| **backtest / bare scan** | **{ratio:.2f}x** | goal within 2x (issue 16) |")
    if args.subset:
        for line in subset_speedup(folder, args.format, args.stage, args.subset, args.reps):
            print(line)


if __name__ == "__main__":
    main()
