"""Analysis benchmark: `workbench analyze` against the backtest on the same files, one run.

Run from the repository root:

    .venv/bin/python benchmarks/bench_analyze.py [--leads 1000000] [--format parquet]

Data: `workbench.core.evidence.sample` at the given size (seed 1), cached by bench_load.py.
In one process: load both files through the loader (as both commands do), then the backtest
of the 3m-10m template, then the analysis against the same draft (profile, behaviour,
proposals, cases), each timed once. Target (issue 14): 1M leads analysed in seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> None:
    import duckdb
    from bench_load import dataset

    from workbench.core.domain.templates import from_template
    from workbench.core.evidence.analysis import analyze
    from workbench.core.evidence.backtest import backtest
    from workbench.core.evidence.settings import EvidenceSource
    from workbench.core.services.backtest_session import load_history

    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--format", choices=("csv", "parquet"), default="parquet")
    args = parser.parse_args()
    folder = dataset(args.leads, 1)
    source = EvidenceSource(folder / f"leads.{args.format}", folder / f"activities.{args.format}")
    draft = from_template("acme", "3m-10m", date(2026, 1, 1))
    con = duckdb.connect()
    start = time.perf_counter()
    load_history(con, source)
    loaded = time.perf_counter()
    backtest(con, draft)
    tested = time.perf_counter()
    result = analyze(con, draft, f"{args.leads:,} sample leads")
    analysed = time.perf_counter()
    print(f"{args.leads:,} leads ({args.format}), one run")
    print(f"  load      {loaded - start:6.2f} s")
    print(f"  backtest  {tested - loaded:6.2f} s")
    print(
        f"  analyze   {analysed - tested:6.2f} s  ({result.wins} wins, "
        f"{result.others:,} non-buyers, {len(result.proposals)} proposals)"
    )


if __name__ == "__main__":
    main()
