"""Applying an analysis proposal in the app, and showing the step it changed.

Run from the repository root:

    .venv/bin/python benchmarks/bench_apply_proposal.py [--runs 5] [--before REF]

Each session is a fresh process (this script with `--session`): `app.run_test(size=(120, 40))`
on the 3m-10m template with a 2,000-lead sample history, the Evidence step's Analysis tab,
the cursor on the second proposal (`fit.industries`). Two times, each from the key until the
app is settled (its message queues drained and its workers done, as the tests' `settle`):
- **apply**: `a`, the proposal applied (the suite, the backtest and the analysis follow);
- **show**: then `f2`, the Fit step with the cursor in its first field: the rebuild a hidden
  step owes after the proposal, where it is paid.
`--before REF` runs the same sessions against REF's `workbench` package (from `git archive`),
alternating with this tree's, so that noise lands on both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, os.environ.get("BENCH_WORKBENCH", str(ROOT)))


async def session(folder: Path) -> dict[str, float]:
    from textual.widgets import DataTable

    from workbench.core.domain.templates import from_template
    from workbench.core.evidence.sample import sample_data, write_sample
    from workbench.core.evidence.settings import EvidenceSource
    from workbench.core.files import store
    from workbench.tui.app import WorkbenchApp

    definitions = folder / "definitions"
    store.create(from_template("acme", "3m-10m", date(2026, 5, 4)), definitions)
    leads, activities = write_sample(folder / "data", *sample_data(2000, 1))
    app = WorkbenchApp(
        definitions,
        clock=lambda: datetime(2026, 5, 4, 9, 30, tzinfo=UTC),
        save_delay=0,
        evidence=EvidenceSource(leads, activities),
        evidence_delay=0,
    )
    times: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:

        async def settle() -> None:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()

        await settle()
        await pilot.press("enter")
        await settle()
        await pilot.press("f6")
        await settle()
        await pilot.press("right")
        await settle()
        app.screen.query_one("#analysis-proposals", DataTable).focus()
        await pilot.press("down")
        await settle()
        started = time.perf_counter()
        await pilot.press("a")
        await settle()
        times["apply"] = time.perf_counter() - started
        started = time.perf_counter()
        await pilot.press("f2")
        await settle()
        times["show"] = time.perf_counter() - started
    return times


def code_at(ref: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "workbench"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before")
    parser.add_argument("--session", type=Path)
    args = parser.parse_args()
    if args.session is not None:
        print(json.dumps(asyncio.run(session(args.session))))
        return
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from machine import cpu_model

    print(
        f"Python {platform.python_version()}, {cpu_model()}, {os.cpu_count()} CPUs, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n"
    )
    trees = {"this tree": str(ROOT)}
    if args.before:
        trees[f"@{args.before}"] = str(
            code_at(args.before, Path(tempfile.mkdtemp(prefix="bench-apply-")))
        )
    found: dict[str, dict[str, list[float]]] = {name: {"apply": [], "show": []} for name in trees}
    for _ in range(args.runs):
        for name, tree in trees.items():
            env = {**os.environ, "BENCH_WORKBENCH": tree, "PYTHONPATH": tree}
            with tempfile.TemporaryDirectory() as folder:
                out = subprocess.run(
                    [sys.executable, __file__, "--session", folder],
                    capture_output=True,
                    text=True,
                    env=env,
                    check=True,
                ).stdout
            for key, value in json.loads(out.strip().splitlines()[-1]).items():
                found[name][key].append(value)
    print("| code | apply `a` s (median) | then `f2` s (median) | both s | runs |")
    print("|---|---:|---:|---:|---:|")
    for name, times in found.items():
        apply, show = statistics.median(times["apply"]), statistics.median(times["show"])
        print(f"| {name} | {apply:.2f} | {show:.2f} | {apply + show:.2f} | {args.runs} |")
    if args.before:
        now, old = found["this tree"], found[f"@{args.before}"]
        ratio = statistics.median(old["apply"]) / statistics.median(now["apply"])
        print(f"\napply: {ratio:.1f}x faster than @{args.before} (ratio of medians)")


if __name__ == "__main__":
    main()
