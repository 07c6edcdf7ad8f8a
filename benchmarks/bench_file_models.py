"""What reading and writing the files now costs: the yes/no check on every model, and the
comments a save carries over. Each against the way it was done before, in one run.

    .venv/bin/python benchmarks/bench_file_models.py --before REF [--leads 100000] [--rounds 3]

- **lead build**: `LeadRow.to_lead` for every lead of the bench history with its activities,
  the models the Python evaluator loop builds (`bench_backtest.py`'s baseline), CPU seconds.
  A TOML `true` where a number belongs is refused by a validator every file model now runs.
- **definition**: one definition validated from its TOML data (the 3m-10m template), µs.
- **save with comments**: `store.to_toml` and `toml_comments.carry` of a template with eight
  hand-written comments; without comments `carry` returns at once (no `#` in the text).

Rounds alternate this tree and REF in fresh processes (`BENCH_WORKBENCH_CODE`); medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, os.environ.get("BENCH_WORKBENCH_CODE", str(ROOT)))

COMMENTED = [
    ("schema_version", "# Acme's MQL definition; owner: RevOps\n\nschema_version"),
    ("min_employees = 50", "# sales: below 50 nobody picks up\nmin_employees = 50"),
    ("[triggers]", "# tiers agreed in the workshop\n[triggers]"),
    ("[scoring]", "# threshold from the Q3 wins\n[scoring]"),
    ("[sla]", "# SLA: both VPs\n[sla]"),
    ('    "student",', '    "student",  # from the rejection reasons'),
    ("[[cases]]", "# the room's first case\n[[cases]]"),
]


def measure(history: Path) -> dict[str, float]:
    """This process's code (the tree or REF): one round of each measurement."""
    from workbench.core.domain.definition import Definition
    from workbench.core.domain.templates import from_template
    from workbench.core.evidence.load import load_evidence
    from workbench.core.files import store

    out: dict[str, float] = {}
    evidence = load_evidence(history / "leads.parquet", history / "activities.parquet")
    by_lead: dict[str, list[Any]] = defaultdict(list)
    for activity in evidence.activities:
        by_lead[activity.lead_id].append(activity)
    started = time.process_time()
    for row in evidence.leads:
        row.to_lead(by_lead.get(row.lead_id, ()))
    out["lead build s"] = time.process_time() - started

    text = store.to_toml(from_template("acme", "3m-10m", date(2026, 1, 5)))
    data = tomllib.loads(text)
    started = time.perf_counter()
    for _ in range(200):
        Definition.model_validate(data)
    out["definition µs"] = (time.perf_counter() - started) / 200 * 1e6

    for old, new in COMMENTED:
        text = text.replace(old, new, 1)
    definition = Definition.model_validate(tomllib.loads(text))
    try:
        from workbench.core.files.toml_comments import carry
    except ImportError:  # before comments were carried

        def carry(old: str, new: str) -> str:
            return new

    started = time.perf_counter()
    for _ in range(50):
        carry(text, store.to_toml(definition))
    out["save with comments ms"] = (time.perf_counter() - started) / 50 * 1e3
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", required=True, help="a git ref to compare with")
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(measure(args.measure)))
        return
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import platform

    from bench_load import dataset
    from bench_tui import code_at
    from machine import cpu_model

    history = dataset(args.leads, seed=1)
    old = code_at(args.before, Path(tempfile.mkdtemp(prefix="bench-file-models-")))
    runs: dict[str, list[dict[str, float]]] = {"this tree": [], args.before: []}
    for _ in range(args.rounds):
        for label, code in (("this tree", str(ROOT)), (args.before, str(old))):
            env = {**os.environ, "BENCH_WORKBENCH_CODE": code, "PYTHONPATH": code}
            done = subprocess.run(
                [sys.executable, __file__, "--before", args.before, "--measure", str(history)],
                capture_output=True, text=True, check=True, env=env,
            )  # fmt: skip
            runs[label].append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for key in runs["this tree"][0]:
        now = statistics.median(r[key] for r in runs["this tree"])
        then = statistics.median(r[key] for r in runs[args.before])
        print(f"{key:24s} this tree {now:9.3f}  {args.before} {then:9.3f}  ratio {now / then:5.2f}")


if __name__ == "__main__":
    main()
