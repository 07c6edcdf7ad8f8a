"""What any replay must spend beyond the bare scan: the floor under issue 16's "within 2x".

The backtest's goal is a wall time within 2x of DuckDB's bare scan of the two files. A replay
must at least read both files and order each lead's activities by time. This measures, in
fresh processes and the same rounds, alternating:
- **bare scan**: `bench_backtest.SCAN`, both files into tables, nothing else;
- **sort**: the leads into a table, the activities read from the file and written ordered by
  lead and time (what one ordered pass needs, with no computation at all);
- **one window**: the leads into a table, one running `MAX` over each lead's activities read
  straight from the file (the cheapest window pass the engine could make, and it makes
  several, after the loader's checks);
- **backtest**: `bench_backtest.BACKTEST` for `--stage`.

Each is reported as a multiple of the bare scan's median, wall and CPU (all threads).
Run: `python benchmarks/bench_floor.py --leads 1000000 --reps 3`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_backtest import BACKTEST, PRELUDE, SCAN, data  # noqa: E402
from bench_growth import child, load_average  # noqa: E402

_LEADS_TABLE = """start = time.perf_counter()
import duckdb
con = duckdb.connect()
reader = "read_parquet" if sys.argv[1].endswith(".parquet") else "read_csv"
con.execute(f"CREATE TABLE leads AS SELECT * FROM {reader}(?)", [sys.argv[1]])
"""
_DONE = """done = time.perf_counter()
print(json.dumps({"seconds": done - start, "peak_mb": peak_mb()}))
"""
SORT = (
    PRELUDE
    + _LEADS_TABLE
    + """con.execute(
    f'CREATE TABLE acts AS SELECT lead_id, kind, "at" FROM {reader}(?) ORDER BY lead_id, "at"',
    [sys.argv[2]],
)
"""
    + _DONE
)
WINDOW = (
    PRELUDE
    + _LEADS_TABLE
    + """con.execute(
    f'CREATE TABLE acts AS SELECT lead_id, kind, "at", max("at") OVER '
    f'(PARTITION BY lead_id ORDER BY "at") AS latest FROM {reader}(?)',
    [sys.argv[2]],
)
"""
    + _DONE
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--formats", default="parquet,csv")
    parser.add_argument("--stage", default="pre-1m")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    from machine import started_line

    print(started_line(), flush=True)
    folder = data(args.leads)

    def med(runs: dict[str, list[dict[str, float]]], name: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[name])

    steps = {"bare scan": SCAN, "sort": SORT, "one window": WINDOW, "backtest": BACKTEST}
    print("\n| format | what | wall s (cpu s) | wall / scan | cpu / scan | peak MB |")
    print("|---|---|---:|---:|---:|---:|")
    for fmt in args.formats.split(","):
        files = (str(folder / f"leads.{fmt}"), str(folder / f"activities.{fmt}"))
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in steps}
        for _ in range(args.reps):
            for name, script in steps.items():
                extra = (args.stage,) if name == "backtest" else ()
                runs[name].append(child(script, *files, *extra))

        for name in steps:
            print(
                f"| {fmt} | {name} | {med(runs, name, 'seconds'):.2f} ({med(runs, name, 'cpu'):.1f}) | "
                f"{med(runs, name, 'seconds') / med(runs, 'bare scan', 'seconds'):.2f}x | "
                f"{med(runs, name, 'cpu') / med(runs, 'bare scan', 'cpu'):.2f}x | "
                f"{med(runs, name, 'peak_mb'):.0f} |",
                flush=True,
            )
    print(f"\nfinished {datetime.now():%H:%M}, load {load_average()}; {args.reps} runs each")


if __name__ == "__main__":
    main()
