"""Evaluator benchmark: leads/second and the time to re-run a 100-case suite.

Run from the repository root:

    .venv/bin/python benchmarks/bench_evaluator.py [--reps 300] [--profile]

For each of the 3m-10m, 10m-30m and 30m-plus templates it builds a 100-case definition
(the template's own edge cases, replicated with varied ages, sizes, counts, seniority and
history, each expecting what it gets so the suite passes) and measures, with
`time.perf_counter` over many repetitions:

- leads/second: evaluating the 100 varied leads one after another;
- the 100-case suite: `run_suite` on the definition, as the TUI does on every keystroke;
- validate + suite: `Definition.model_validate` of the edited data, then the suite.

It prints a markdown table of medians and 95th percentiles. Target: the suite under 5 ms.
`--profile` adds a cProfile of the 3m-10m and 30m-plus suites, sorted by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import cpu_model

from workbench.core.domain.definition import Definition
from workbench.core.domain.evaluator import evaluate, evaluate_prepared, prepare
from workbench.core.domain.lead import Lead
from workbench.core.domain.suite import run_suite
from workbench.core.domain.templates import from_template

STAGES = ("3m-10m", "10m-30m", "30m-plus")
CASES = 100
TARGET_MS = 5.0
SENIORITIES = ("individual", "manager", "director", "vp", "c-level")


def vary(lead: Lead, n: int) -> Lead:
    """A deterministic variation of a template lead: different ages, sizes, counts."""
    data = lead.model_dump()
    company = data["company"]
    if company.get("employees") is not None:
        company["employees"] = max(1, company["employees"] + (n * 37) % 400 - 150)
    person = data["person"]
    if person.get("seniority") not in (None, "intern") and n % 3 == 0:
        person["seniority"] = SENIORITIES[n % len(SENIORITIES)]
    for i, activity in enumerate(data["activities"]):
        if activity.get("days_ago") is not None:
            activity["days_ago"] = activity["days_ago"] + (n + i) % 9
        activity["count"] = activity["count"] + (n % 4)
    if n % 5 == 0:
        data["activities"].append({"kind": "webinar_attended", "days_ago": n % 40, "count": 1})
    if n % 7 == 0:
        data["activities"].append({"kind": "blog_visit", "days_ago": n % 20, "count": 3 + n % 11})
    if n % 11 == 0 and data.get("history") is None:
        data["history"] = {"last_mql_days_ago": 30 + n % 120, "last_mql_outcome": "open"}
    return Lead.model_validate(data)


def hundred_case_definition(stage: str) -> Definition:
    base = from_template("bench", stage, date(2025, 1, 1))
    cases: list[dict[str, Any]] = []
    n = 0
    while len(cases) < CASES:
        for case in base.cases:
            if len(cases) == CASES:
                break
            lead = case.lead if n < len(base.cases) else vary(case.lead, n)
            verdict = evaluate(base, lead)
            cases.append(
                {
                    "name": f"{case.name}-{n}",
                    "why": case.why,
                    "expect": {"status": verdict.status, "route": verdict.route},
                    "lead": lead.model_dump(),
                }
            )
            n += 1
    definition = Definition.model_validate({**base.model_dump(), "cases": cases})
    suite = run_suite(definition)
    assert len(suite.results) == CASES and suite.ok, "the benchmark suite must pass"
    return definition


def measure(action: Callable[[], object], reps: int) -> list[float]:
    """Seconds per call of `action`, `reps` times, after a warm-up."""
    for _ in range(max(5, reps // 20)):
        action()
    gc.collect()
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=300, help="repetitions per measurement")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the 3m-10m and 30m-plus suites"
    )
    args = parser.parse_args()

    print(f"Python {platform.python_version()} on {cpu_model()}, {os.cpu_count()} CPUs")
    print(f"{args.reps} repetitions per row, {CASES} cases / leads per repetition\n")
    print(
        "| template | leads/s (median) | leads/s (p95 slowest) | suite median ms "
        "| suite p95 ms | validate+suite median ms | validate+suite p95 ms | target < 5 ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    worst = 0.0
    for stage in STAGES:
        definition = hundred_case_definition(stage)
        leads = [case.lead for case in definition.cases]
        raw = definition.model_dump()

        def evaluate_all(definition: Definition = definition, leads: list[Lead] = leads) -> None:
            # The bulk path: rule sets are built once per definition, then reused per lead.
            prepared = prepare(definition)
            for lead in leads:
                evaluate_prepared(prepared, lead)

        def suite(definition: Definition = definition) -> None:
            run_suite(definition)

        def validate_and_suite(raw: dict[str, Any] = raw) -> None:
            run_suite(Definition.model_validate(raw))

        batch = measure(evaluate_all, args.reps)
        runs = measure(suite, args.reps)
        full = measure(validate_and_suite, args.reps)
        rate_median = len(leads) / statistics.median(batch)
        rate_p95 = len(leads) / p95(batch)
        suite_median = statistics.median(runs) * 1000
        suite_p95 = p95(runs) * 1000
        worst = max(worst, suite_p95)
        verdict = (
            "met"
            if suite_p95 < TARGET_MS
            else ("median only" if suite_median < TARGET_MS else "MISSED")
        )
        print(
            f"| {stage} | {rate_median:,.0f} | {rate_p95:,.0f} | {suite_median:.2f} "
            f"| {suite_p95:.2f} | {statistics.median(full) * 1000:.2f} "
            f"| {p95(full) * 1000:.2f} | {verdict} |"
        )
    print(f"\nSlowest suite p95: {worst:.2f} ms (target < {TARGET_MS:.0f} ms)")

    if args.profile:
        for stage in ("3m-10m", "30m-plus"):
            definition = hundred_case_definition(stage)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(200):
                run_suite(definition)
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.strip_dirs().sort_stats("tottime").print_stats(12)
            print(f"\ncProfile, 200 runs of the {stage} 100-case suite, by own time:")
            print(out.getvalue())


if __name__ == "__main__":
    main()
