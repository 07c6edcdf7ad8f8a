"""What the loader's tests of a text cell cost: placeholders ("N/A", "#N/A", "-") read as
empty, ids in scientific notation refused, whole-number ids written as floats and 18-character
Salesforce ids read as the id (`load._placeholder_to_python`).

Over 7.3M lead ids as the 1M sample writes them ("L0000001", as many as its activities), in
one DuckDB connection, alternating in each round, medians:
- **plain**: the text fast path alone (`load._fast_text`), as before these tests;
- **trimmed**: the tests as first written, each cell trimmed and lower-cased
  (`lower(trim(v)) IN (...)`, the scientific-notation pattern on every cell);
- **without the ';' test**: the loader's lead_id fast path before it left a cell with several
  ids joined by ";" (HubSpot's associations) to Python;
- **now**: the loader's lead_id fast path (`load.fast_sql`), which looks at a cell's first
  character before anything dearer.

Run: `python benchmarks/bench_text_checks.py --reps 5`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from machine import started_line  # noqa: E402

CELLS = 7_300_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()

    import duckdb

    from workbench.core.evidence import load
    from workbench.core.evidence.mapping import CANONICAL
    from workbench.core.evidence.tables import ACTIVITY_COLUMNS

    print(started_line())
    lead_id = next(c for c in ACTIVITY_COLUMNS if c.name == "lead_id")
    words = ", ".join(f"'{w}'" for w in sorted(load.TEXT_PLACEHOLDERS))
    trimmed = (
        f"CASE WHEN strlen(v) <= 11 AND lower(trim(v)) IN ({words}) "
        f"OR regexp_full_match(trim(v), '{load.SCIENTIFIC_ID}') THEN NULL "
        f"WHEN contains(v, '.') AND regexp_full_match(v, '{load.FLOAT_ID}') "
        f"THEN split_part(v, '.', 1) ELSE {load._fast_text('v')} END"
    )
    now = load.fast_sql(lead_id, CANONICAL, "v")
    assert now is not None
    several = f"WHEN contains(v, '{load.SEVERAL_IDS}') THEN NULL "
    assert several in now
    expressions = {
        "plain": load._fast_text("v"),
        "trimmed": trimmed,
        "without the ';' test": now.replace(several, ""),
        "now": now,
    }
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t AS SELECT 'L' || lpad(CAST(i AS VARCHAR), 7, '0') AS v "
        f"FROM range({CELLS}) r(i)"
    )
    times: dict[str, list[float]] = {name: [] for name in expressions}
    for _ in range(args.reps):
        for name, expression in expressions.items():
            start = time.perf_counter()
            con.execute(f"SELECT count({expression}) FROM t").fetchone()
            times[name].append(time.perf_counter() - start)
    print(f"\n| expression over {CELLS:,} ids | wall s ({args.reps} runs) | median |")
    print("|---|---|---:|")
    for name, runs in times.items():
        shown = ", ".join(f"{t:.2f}" for t in runs)
        print(f"| {name} | {shown} | {statistics.median(runs):.3f} |")


if __name__ == "__main__":
    main()
