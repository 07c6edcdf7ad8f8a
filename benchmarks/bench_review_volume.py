"""What the review rule's volume count costs the SQL engine: `review_rule.score_rule = false`
(a tier 3 score is reviewed only past `min_low_intent_actions` activities since the last MQL,
a running count of every activity for the leads with that many) against the score rule, the
replay query of the same template on the same loaded tables.

Data: bench_load's sample (`--leads`, seed 1, Parquet). One connection, the two queries
alternating in each round (`SELECT count(*)` over the replay), medians of wall and CPU.

Run: `python benchmarks/bench_review_volume.py --leads 1000000 --stage 30m-plus --reps 5`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_load import dataset  # noqa: E402
from machine import started_line  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--stage", default="30m-plus")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()

    import duckdb

    from workbench.core.domain.templates import from_template
    from workbench.core.evidence.engine import compile_replay
    from workbench.core.evidence.load import load_to_duckdb

    print(started_line())
    data = dataset(args.leads, 1)
    con = duckdb.connect()
    load_to_duckdb(con, data / "leads.parquet", data / "activities.parquet")
    base = from_template("acme", args.stage, date(2026, 1, 5))
    queries: dict[str, str] = {}
    for name, flag in (("score rule", True), ("volume only", False)):
        rule = base.review_rule.model_copy(update={"score_rule": flag})
        queries[name] = compile_replay(base.model_copy(update={"review_rule": rule}))
    seen: dict[str, list[tuple[float, float, int]]] = {name: [] for name in queries}
    for _ in range(args.reps):
        for name, sql in queries.items():
            cpu, wall = time.process_time(), time.perf_counter()
            row = con.execute(f"SELECT count(*) FROM ({sql})").fetchone()
            assert row is not None
            seen[name].append((time.perf_counter() - wall, time.process_time() - cpu, row[0]))
    for name, runs in seen.items():
        print(
            f"{name}: wall {statistics.median(r[0] for r in runs):.3f} s, "
            f"cpu {statistics.median(r[1] for r in runs):.3f} s, {runs[0][2]} MQL events"
        )
    volume = statistics.median(r[1] for r in seen["volume only"])
    score = statistics.median(r[1] for r in seen["score rule"])
    print(f"cpu, volume only / score rule: {volume / score:.2f}")


if __name__ == "__main__":
    main()
