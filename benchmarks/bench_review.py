"""Calibration benchmark: the quarterly review, the SLA and the metrics against the backtest.

Run from the repository root:

    .venv/bin/python benchmarks/bench_review.py [--leads 1000000] [--format parquet] [--rounds 3]

Data: `workbench.core.evidence.sample` at the given size (seed 1), cached by bench_load.py.
In one process: load both files through the loader once (as every command does), then, in
each round and in this order, the backtest of the 1m-3m template (the stage whose review the
sample's planted campaign triggers), `workbench review`'s packet and draft (figures, ICP
against closed-won, calibration, the adjusted draft and its suite; nothing written),
`workbench sla` and `workbench metrics`. Each is timed per round; the medians and each one's
ratio to the backtest's median are printed. Issue 15: the review on 1M leads, against the
backtest on the same files.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> None:
    import duckdb
    from bench_load import dataset

    from workbench.core.domain.suite import run_suite
    from workbench.core.domain.templates import from_template
    from workbench.core.evidence.backtest import backtest
    from workbench.core.evidence.periods import metrics_report
    from workbench.core.evidence.review import apply_adjustments, build_packet
    from workbench.core.evidence.settings import EvidenceSource
    from workbench.core.evidence.sla import measure
    from workbench.core.services.backtest_session import load_history

    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--format", choices=("csv", "parquet"), default="parquet")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    folder = dataset(args.leads, 1)
    source = EvidenceSource(folder / f"leads.{args.format}", folder / f"activities.{args.format}")
    definition = from_template("acme", "1m-3m", date(2025, 1, 1))
    con = duckdb.connect()
    start = time.perf_counter()
    load_history(con, source)
    loaded = time.perf_counter() - start

    def review() -> str:
        packet = build_packet(con, definition, "sample")
        if not packet.change_called_for:
            return f"{packet.quarter}: no change called for"
        draft = apply_adjustments(definition, packet, date(2026, 1, 1))
        suite = run_suite(draft)
        changes = ", ".join(a.clause for a in packet.adjustments)
        return f"{packet.quarter}: {changes}; draft suite {suite.passed}/{len(suite.results)}"

    steps: dict[str, Callable[[], object]] = {
        "backtest": lambda: backtest(con, definition),
        "review": review,
        "sla": lambda: measure(con, definition),
        "metrics": lambda: metrics_report(con, definition, "sample"),
    }
    times: dict[str, list[float]] = {name: [] for name in steps}
    said: dict[str, object] = {}
    for _ in range(args.rounds):
        for name, step in steps.items():
            began = time.perf_counter()
            said[name] = step()
            times[name].append(time.perf_counter() - began)
    base = statistics.median(times["backtest"])
    print(f"{args.leads:,} leads ({args.format}), {args.rounds} rounds, medians")
    print(f"  load      {loaded:6.2f} s (once)")
    for name, values in times.items():
        median = statistics.median(values)
        runs = " ".join(f"{v:.2f}" for v in values)
        print(f"  {name:<9} {median:6.2f} s  {median / base:5.2f}x the backtest  ({runs})")
    print(f"  review: {said['review']}")


if __name__ == "__main__":
    main()
