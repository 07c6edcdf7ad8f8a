"""What the CSV line limit costs: DuckDB's default against a 64 MB limit on every read, and
the loader's read again when a file has a line over the default.

The loader reads a CSV with DuckDB's default `max_line_size` (2 MB) and reads it again with
room for the line only when DuckDB refuses one (`load.LONGEST_LINE`, 64 MB at most). This
measures, in fresh processes, alternating in each round:
- **default**: the 1M sample's activities (7.3M rows) read as text into a table;
- **64 MB**: the same read with `max_line_size` at 64 MB, what raising the limit for every
  file would cost;
- **load**: `load_to_duckdb` of a 20k-lead sample;
- **load, one 3 MB line**: the same files with one lead's title 3 MB long, which the loader
  reads again with a larger limit;
- **look for a 32 MB line**: `load.longest_line_over` on the 1M activities file, the look at
  the bytes every CSV load makes first (DuckDB skips such a line without a word).

Run: `python benchmarks/bench_line_limit.py --reps 3`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_backtest import PRELUDE, data  # noqa: E402
from bench_growth import child, load_average  # noqa: E402

READ = (
    PRELUDE
    + """start = time.perf_counter()
import duckdb
con = duckdb.connect()
limit = "" if sys.argv[2] == "default" else f", max_line_size = {sys.argv[2]}"
con.execute(f"CREATE TABLE a AS SELECT * FROM read_csv(?, header = true, all_varchar = true{limit})",
    [sys.argv[1]])
print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": peak_mb()}))
"""
)
LOOK = (
    PRELUDE
    + """from pathlib import Path
from workbench.core.evidence.load import longest_line_over
start = time.perf_counter()
assert longest_line_over(Path(sys.argv[1])) is None
print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": peak_mb()}))
"""
)
LOAD = (
    PRELUDE
    + """from pathlib import Path
import duckdb
from workbench.core.evidence.load import load_to_duckdb
con = duckdb.connect()
start = time.perf_counter()
problems = load_to_duckdb(con, Path(sys.argv[1]), Path(sys.argv[2]))
assert problems.leads.skipped == 0, problems.leads.reasons
print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": peak_mb()}))
"""
)


def long_line_copy(folder: Path, out: Path) -> Path:
    """The sample's leads with one title 3 MB long."""
    lines = (folder / "leads.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[100].rstrip("\n").split(",")
    cells[header.index("title")] = "x" * (3 * 1024 * 1024)
    lines[100] = ",".join(cells) + "\n"
    path = out / "leads-long-line.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    from machine import started_line

    print(started_line(), flush=True)
    big, small = data(1_000_000), data(20_000)
    with tempfile.TemporaryDirectory() as scratch:
        long_leads = long_line_copy(small, Path(scratch))
        runs: dict[str, list[dict[str, float]]] = {}
        cases = {
            "read, default limit": (READ, str(big / "activities.csv"), "default"),
            "read, 64 MB limit": (READ, str(big / "activities.csv"), str(64 * 1024 * 1024)),
            "load 20k": (LOAD, str(small / "leads.csv"), str(small / "activities.csv")),
            "load 20k, one 3 MB line": (LOAD, str(long_leads), str(small / "activities.csv")),
            "look for a 32 MB line (1M activities)": (LOOK, str(big / "activities.csv")),
        }
        for _ in range(args.reps):
            for name, (script, *argv) in cases.items():
                runs.setdefault(name, []).append(child(script, *argv))
    print(f"finished {datetime.now():%Y-%m-%d %H:%M}, load {load_average()}")
    print("| what | wall s (runs) | median | peak MB |")
    print("|---|---|---:|---:|")
    for name, rows in runs.items():
        walls = ", ".join(f"{r['seconds']:.2f}" for r in rows)
        median = statistics.median(r["seconds"] for r in rows)
        peak = statistics.median(r["peak_mb"] for r in rows)
        print(f"| {name} | {walls} | {median:.2f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
