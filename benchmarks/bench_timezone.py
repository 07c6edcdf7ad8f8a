"""What a mapping's `timezone` costs a load: the same files without an offset in their times,
loaded as UTC (no `timezone`) and as New York's clock, alternating in one run.

Run from the repository root:

    .venv/bin/python benchmarks/bench_timezone.py [--leads 300000] [--reps 5] [--format csv]

It writes a sample lead history (`workbench.core.evidence.sample`, seed 1) whose times are
written "2025-02-19 01:01:00" (no Z), under /tmp/mql-bench-data/zoneless-<N>/, then loads it
with `load_to_duckdb` `--reps` times each way, in a fresh connection each time, and prints
the median wall time of each and their ratio.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import started_line
from workbench.core.evidence.load import load_to_duckdb
from workbench.core.evidence.mapping import CANONICAL, Mapping
from workbench.core.evidence.sample import sample_data, write_sample

_ISO_Z = re.compile(r"T([0-9]{2}:[0-9]{2}:[0-9]{2})Z")


def files(leads: int, fmt: str) -> tuple[Path, Path]:
    folder = Path(f"/tmp/mql-bench-data/zoneless-{leads}")
    target = folder / f"leads.{fmt}", folder / f"activities.{fmt}"
    if all(p.exists() for p in target):
        return target
    folder.mkdir(parents=True, exist_ok=True)
    raw = folder / "raw"
    if not (folder / "activities.csv").exists():
        raw.mkdir(exist_ok=True)
        write_sample(raw, *sample_data(leads, 1), "csv")
        for name in ("leads", "activities"):
            text = (raw / f"{name}.csv").read_text(encoding="utf-8")
            (folder / f"{name}.csv").write_text(_ISO_Z.sub(r" \1", text), encoding="utf-8")
    if fmt == "parquet":
        con = duckdb.connect()
        for name in ("leads", "activities"):
            con.execute(
                f"COPY (SELECT * FROM read_csv('{folder / name}.csv', all_varchar = true)) "
                f"TO '{folder / name}.parquet' (FORMAT parquet)"
            )
        con.close()
    return target


def once(leads: Path, activities: Path, mapping: Mapping) -> float:
    con = duckdb.connect()
    start = time.perf_counter()
    load_to_duckdb(con, leads, activities, mapping)
    took = time.perf_counter() - start
    con.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=300_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    args = parser.parse_args()
    leads, activities = files(args.leads, args.format)
    zoned = Mapping(timezone="America/New_York")
    times: dict[str, list[float]] = {"UTC": [], "America/New_York": []}
    once(leads, activities, CANONICAL)  # warm the page cache
    for _ in range(args.reps):
        times["UTC"].append(once(leads, activities, CANONICAL))
        times["America/New_York"].append(once(leads, activities, zoned))
    print(started_line())
    print(f"{args.leads:,} leads, {args.format}, {args.reps} alternating runs each")
    print("| times read as | median s | runs |")
    print("|---|---:|---|")
    for name, runs in times.items():
        shown = ", ".join(f"{t:.2f}" for t in runs)
        print(f"| {name} | {statistics.median(runs):.2f} | {shown} |")
    ratio = statistics.median(times["America/New_York"]) / statistics.median(times["UTC"])
    print(f"ratio (zone / UTC): {ratio:.2f}")


if __name__ == "__main__":
    main()
