"""The backtest's peak memory and CPU with the workbench's memory policy and without it.

Run from the repository root:

    .venv/bin/python benchmarks/bench_memory.py FOLDER:STAGE [FOLDER:STAGE ...] [--reps 2]
        [--also 1800MB,...]

FOLDER holds leads.parquet and activities.parquet (bench_growth's cached data, such as
/tmp/mql-bench-data/leads-3000000-tripled-seed-1-<hash>); STAGE is a template (3m-10m).

Each run is bench_backtest's backtest (loader, SQL replay, summary, report) in a fresh child
process, its connection from `open_duckdb()`: **policy** with the default limit and spill
folder, **none** with `WORKBENCH_MEMORY_LIMIT=none` (DuckDB's own 80% of memory, the old
behaviour), and each `--also` value of `WORKBENCH_MEMORY_LIMIT`. They alternate in each round. Reported per run and as medians: the child's
CPU seconds (user + system), wall seconds, peak resident memory (VmHWM), and the MQL events,
which must be equal.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_backtest import BACKTEST  # noqa: E402
from bench_growth import child, load_average  # noqa: E402

SCRIPT = BACKTEST.replace(
    "con = duckdb.connect()",
    "from workbench.core.evidence.connection import open_duckdb\ncon = open_duckdb()",
)
assert SCRIPT != BACKTEST, "bench_backtest's BACKTEST no longer opens its connection as expected"

VARIANTS: dict[str, str | None] = {"policy": None, "none": "none"}


def run(variant: str, leads: str, activities: str, stage: str) -> dict[str, float]:
    """One backtest in a child process under `variant`'s memory setting."""
    value = VARIANTS[variant]
    saved = os.environ.pop("WORKBENCH_MEMORY_LIMIT", None)
    try:
        if value is not None:
            os.environ["WORKBENCH_MEMORY_LIMIT"] = value
        return child(SCRIPT, leads, activities, stage)
    finally:
        os.environ.pop("WORKBENCH_MEMORY_LIMIT", None)
        if saved is not None:
            os.environ["WORKBENCH_MEMORY_LIMIT"] = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cells", nargs="+", help="FOLDER:STAGE")
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--also", default="", help="more WORKBENCH_MEMORY_LIMIT values")
    args = parser.parse_args()
    VARIANTS.update({value: value for value in args.also.split(",") if value})
    print(f"started {datetime.now():%Y-%m-%d %H:%M}, load {load_average()}", flush=True)
    table: list[str] = []
    for cell in args.cells:
        folder, stage = cell.rsplit(":", 1)
        leads, acts = str(Path(folder) / "leads.parquet"), str(Path(folder) / "activities.parquet")
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in VARIANTS}
        loads: list[str] = []
        for rep in range(args.reps):
            order = list(VARIANTS) if rep % 2 == 0 else list(reversed(VARIANTS))
            for name in order:
                loads.append(load_average().split()[0])
                result = run(name, leads, acts, stage)
                runs[name].append(result)
                print(
                    f"  {Path(folder).name} {stage} {name}: cpu {result['cpu']:.1f} s, wall "
                    f"{result['seconds']:.1f} s (load {result['load']:.1f} / replay+rest "
                    f"{result['replay']:.1f}), peak {result['peak_mb']:.0f} MB, "
                    f"events {int(result['events']):,}, load avg {loads[-1]}",
                    flush=True,
                )
        events = {int(r["events"]) for rows in runs.values() for r in rows}
        for name, rows in runs.items():

            def med(key: str, rows: list[dict[str, float]] = rows) -> float:
                return statistics.median(r[key] for r in rows)

            peaks = ", ".join(f"{r['peak_mb']:.0f}" for r in rows)
            table.append(
                f"| {Path(folder).name} | {stage} | {name} | {med('cpu'):.1f} | "
                f"{med('seconds'):.1f} | {med('load'):.1f} / {med('replay'):.1f} | "
                f"{med('peak_mb'):.0f} | {peaks} | "
                f"{'equal: ' if len(events) == 1 else 'DIFFER: '}"
                f"{', '.join(f'{e:,}' for e in sorted(events))} | {', '.join(loads)} |"
            )
    print()
    print(
        "| data | template | memory | cpu s | wall s | load / replay+rest s | peak MB | "
        "peaks | events | load avg |"
    )
    print("|---|---|---|---:|---:|---:|---:|---|---|---|")
    print("\n".join(table))
    print(f"\nfinished {datetime.now():%H:%M}, load {load_average()}")


if __name__ == "__main__":
    main()
