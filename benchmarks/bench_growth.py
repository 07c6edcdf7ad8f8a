"""How the backtest's cost grows with the data, each size against DuckDB's bare scan.

Run from the repository root:

    .venv/bin/python benchmarks/bench_growth.py [--sizes 100000,1000000,3000000]
        [--formats parquet,csv] [--stages 3m-10m,30m-plus] [--reps 3] [--big-reps 1]
        [--before REF]

With `--before REF`, each cell also runs the backtest with REF's `workbench` package (from
`git archive`, beside this tree), in the same rounds (scan, this tree, REF), one row each.

Data: 100k and 1M leads are `workbench.core.evidence.sample` (seed 1, bench_load's cache). 3M
leads are the 1M sample three times over with new lead ids, emails, domains, account ids and
company names in the second and third copy (`tripled`), so accounts keep their 1M sizes
(generating 3M leads in Python takes more memory and time than the machine has to spare).

Each measurement is a fresh subprocess (bench_backtest's scripts), alternating backtest and
scan, `--reps` times (`--big-reps` at 3M and above); medians. What is measured:
- **bare scan**: DuckDB reading every column of both files into tables
  (`CREATE TABLE AS SELECT * FROM read_parquet/read_csv`), no checks, no mapping.
- **backtest**: `workbench backtest`'s work: load both files through the loader (mapping,
  checks, bad-row report), replay the template with the SQL engine, summary, missed wins,
  report text.
Wall seconds, the child's CPU seconds (user + system, from `resource.getrusage` of the
children: on a shared machine the CPU ratio is the steadier one) and its peak resident
memory (VmHWM). The backtest opens its connection as `workbench backtest` does (`open_duckdb`:
the memory limit, `WORKBENCH_MEMORY_LIMIT` if set); the scan takes DuckDB's defaults.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_backtest import BACKTEST, ROOT, SCAN, data  # noqa: E402
from machine import load_average  # noqa: E402

FORMATS = ("parquet", "csv")


def tripled(folder: Path, copies: int) -> Path:
    """`copies` times the sample in `folder`, each copy with its own leads and accounts."""
    import duckdb

    out = folder.with_name(folder.name.replace("leads-1000000", f"leads-{copies}000000-tripled"))
    if out.is_dir():
        return out
    partial = out.with_name(out.name + ".partial")
    partial.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")

    def lead_id(i: int) -> str:
        return (
            "'L' || lpad(CAST(CAST(substr(lead_id, 2) AS INTEGER) + "
            f"{i} * 1000000 AS VARCHAR), 7, '0')"
        )

    for fmt in FORMATS:
        if fmt == "parquet":
            read, options = "read_parquet('{}')", "(FORMAT parquet)"
        else:
            read, options = "read_csv('{}', header = true, all_varchar = true)", "(FORMAT csv)"
        leads = " UNION ALL ".join(
            f"SELECT * REPLACE ({lead_id(i)} AS lead_id, "
            f"replace(replace(email, lower(lead_id), lower({lead_id(i)})), '@', '@c{i}') "
            f"AS email, CASE WHEN {i} = 0 THEN domain ELSE 'c{i}' || domain END AS domain, "
            f"CASE WHEN {i} = 0 OR account_id IS NULL THEN account_id "
            f"ELSE account_id || '-c{i}' END AS account_id, "
            f"CASE WHEN {i} = 0 OR company IS NULL THEN company ELSE company || ' C{i}' END "
            f"AS company) FROM {read.format(folder / f'leads.{fmt}')}"
            for i in range(copies)
        )
        activities = " UNION ALL ".join(
            f"SELECT * REPLACE ({lead_id(i)} AS lead_id) "
            f"FROM {read.format(folder / f'activities.{fmt}')}"
            for i in range(copies)
        )
        con.execute(f"COPY ({leads}) TO '{partial / f'leads.{fmt}'}' {options}")
        con.execute(f"COPY ({activities}) TO '{partial / f'activities.{fmt}'}' {options}")
    partial.rename(out)
    return out


def folder_for(leads: int) -> Path:
    if leads > 1_000_000 and leads % 1_000_000 == 0:
        return tripled(data(1_000_000), leads // 1_000_000)
    return data(leads)


def child(script: str, *args: str, root: Path = ROOT) -> dict[str, float]:
    """One measurement in a fresh process: its JSON line plus its CPU seconds."""
    import json

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    result["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000,3000000")
    parser.add_argument("--formats", default="parquet,csv")
    parser.add_argument("--stages", default="3m-10m,30m-plus")
    parser.add_argument("--big-stages", default="3m-10m", help="templates at 3M+ leads")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--big-reps", type=int, default=1)
    parser.add_argument("--before", help="also run the backtest with the code at this git ref")
    args = parser.parse_args()
    roots = {"this tree": ROOT}
    if args.before:
        old = Path(tempfile.mkdtemp(prefix="bench-growth-before-"))
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.before, "workbench"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        roots[args.before] = old
    from machine import started_line

    print(started_line(), flush=True)
    print()
    code = "code | " if args.before else ""
    print(
        f"| leads | format | template | {code}scan s (cpu) | backtest s (cpu) | load / "
        "replay+rest s | wall ratio | cpu ratio | peak MB scan / backtest | runs | load avg |"
    )
    print(f"|---:|---|---|{'---|' if code else ''}---:|---:|---:|---:|---:|---:|---:|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        folder = folder_for(size)
        big = size > 1_000_000
        reps = args.big_reps if big else args.reps
        stages = (args.big_stages if big else args.stages).split(",")
        for fmt in args.formats.split(","):
            leads, acts = str(folder / f"leads.{fmt}"), str(folder / f"activities.{fmt}")
            for stage in stages:
                each: dict[str, list[dict[str, float]]] = {name: [] for name in roots}
                scans: list[dict[str, float]] = []
                loads: list[str] = []
                for _ in range(reps):
                    loads.append(load_average().split()[0])
                    scans.append(child(SCAN, leads, acts))
                    for name, root in roots.items():
                        each[name].append(child(BACKTEST, leads, acts, stage, root=root))

                def med(rows: list[dict[str, float]], key: str) -> float:
                    return statistics.median(r[key] for r in rows)

                for name, runs in each.items():
                    print(
                        f"| {size:,} | {fmt} | {stage} | {f'{name} | ' if code else ''}"
                        f"{med(scans, 'seconds'):.2f} "
                        f"({med(scans, 'cpu'):.1f}) | {med(runs, 'seconds'):.2f} "
                        f"({med(runs, 'cpu'):.1f}) | {med(runs, 'load'):.2f} / "
                        f"{med(runs, 'replay'):.2f} | "
                        f"{med(runs, 'seconds') / med(scans, 'seconds'):.2f}x | "
                        f"{med(runs, 'cpu') / med(scans, 'cpu'):.2f}x | "
                        f"{med(scans, 'peak_mb'):.0f} / {med(runs, 'peak_mb'):.0f} | {reps} "
                        f"| {', '.join(loads)} |",
                        flush=True,
                    )
    print(f"\nfinished {datetime.now():%H:%M}, load {load_average()}")


if __name__ == "__main__":
    main()
