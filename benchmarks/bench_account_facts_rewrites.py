"""Issue 16: rewrites of the account facts' window passes, measured against the replay as it
is, before taking any: the $30M+ replay spends most of its time there (the lag/lead over a
lead's activity, the one running sum over every account's steps).

Variants of the same query text, each checked to give the same events (count and a hash of
every row):
- as it is: `SUM(s) OVER (ORDER BY acct, t ...)`, one sort (see `engine._account_facts`);
- buckets: the running sum partitioned by account number buckets (`acct >> BITS`), each
  account's steps summing to 0 within its bucket, so the sums are the same, in parallel;
- lead only: lag/lead partitioned by the lead alone (a lead is in one account);
- anti join: the loader's unknown-lead-id check as an ANTI JOIN instead of NOT IN.

Data: bench_load's sample (`--leads`, seed 1, Parquet), loaded once. One connection, the
variants alternating in each round, medians of wall and CPU (`time.process_time`, all of the
process's threads).

Run: `python benchmarks/bench_account_facts_rewrites.py --leads 1000000 --reps 3`.
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

RUNNING = "OVER (ORDER BY acct, t RANGE"
LAG = "PARTITION BY acct, lead_id ORDER BY t"
NOT_IN = (
    "CREATE OR REPLACE TEMP TABLE odd AS SELECT rowid AS ord FROM activities "
    "WHERE lead_id NOT IN (SELECT lead_id FROM leads)"
)
ANTI = (
    "CREATE OR REPLACE TEMP TABLE odd AS SELECT a.rowid AS ord FROM activities AS a "
    "ANTI JOIN leads AS l ON l.lead_id = a.lead_id"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()

    from workbench.core.domain.templates import from_template
    from workbench.core.evidence.connection import open_duckdb
    from workbench.core.evidence.engine import replay_query
    from workbench.core.evidence.load import load_to_duckdb

    print(started_line())
    data = dataset(args.leads, 1)
    con = open_duckdb()
    load_to_duckdb(con, data / "leads.parquet", data / "activities.parquet")
    sql = replay_query(con, from_template("acme", "30m-plus", date(2026, 1, 5)))
    assert RUNNING in sql and LAG in sql, "the query no longer has the passes measured"
    variants = {
        "as it is": sql,
        "buckets >> 8": sql.replace(RUNNING, "OVER (PARTITION BY acct >> 8 ORDER BY acct, t RANGE"),
        "buckets >> 16": sql.replace(
            RUNNING, "OVER (PARTITION BY acct >> 16 ORDER BY acct, t RANGE"
        ),
        "lead only": sql.replace(LAG, "PARTITION BY lead_id ORDER BY t"),
    }
    seen: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    answers: dict[str, tuple[object, ...]] = {}
    for _ in range(args.reps):
        for name, query in variants.items():
            cpu, wall = time.process_time(), time.perf_counter()
            con.execute(f"CREATE OR REPLACE TEMP TABLE ev AS {query}")
            seen[name].append((time.perf_counter() - wall, time.process_time() - cpu))
            row = con.execute("SELECT count(*), bit_xor(hash(ev)) FROM ev").fetchone()
            assert row is not None
            answers[name] = tuple(row)
    assert len(set(answers.values())) == 1, answers
    checks = {"not in": NOT_IN, "anti join": ANTI}
    for name in checks:
        seen[name] = []
    for _ in range(args.reps):
        for name, query in checks.items():
            cpu, wall = time.process_time(), time.perf_counter()
            con.execute(query)
            seen[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    events = answers["as it is"][0]
    print(f"{args.leads:,} leads, $30M+ template, {events:,} events in every variant")
    base = statistics.median(r[1] for r in seen["as it is"])
    for name, runs in seen.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        ratio = f", cpu {cpu / base:.2f}x the query as it is" if name in variants else ""
        print(f"{name}: wall {wall:.3f} s, cpu {cpu:.3f} s{ratio}")


if __name__ == "__main__":
    main()
