"""The Triggers step with many tier 2 rules: a rule added or removed, and a tab between two
fields, each against the way it was done before, in one run.

Run from the repository root:

    .venv/bin/python benchmarks/bench_tier2_rows.py [--rules 12] [--rounds 8] [--before REF]

A definition with `--rules` tier 2 rules is opened headless (120x40) on the Triggers step
with the tier 2 fold open.

- **rows**: each round presses "Add tier 2 rule", then "Remove last rule" and "Remove it",
  and times each from the press to the step settled with the cursor placed (`apply_edit`,
  which the add and the removal both go through). Rounds alternate between this tree's row
  update and the step rebuilt as before (`_show_rows` answering False).
- **tabs**: the cursor moved between two fields of the first rule (`set_focus`, 20 moves a
  round), in an app whose folds are `Fold` and in one whose folds are Textual's
  `Collapsible`, alternating rounds.
- **keys** (with `--before REF`): "21" typed over a rule's window ten times (backspace,
  backspace, 2, 1: 40 keys) with Pilot, in a fresh process per round, alternating this
  tree's `workbench` and REF's (from `git archive`); the wall time per key, and the time of
  each edit's `apply_edit` (the core's apply, the suite, and every step refreshed).

Alternating, a load on the machine falls on both sides alike; medians and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, os.environ.get("BENCH_WORKBENCH_CODE", str(ROOT)))


def seed(rules: int) -> None:
    """A draft in ./definitions whose tier 2 has `rules` rules."""
    from workbench.core.domain.templates import from_template
    from workbench.core.files import store

    definition = from_template("bench", "3m-10m", date(2026, 1, 1), name="bench inbound")
    extra = [
        {"kind": "pricing_page_view", "min_count": 2 + i, "within_days": 14} for i in range(rules)
    ]
    triggers = definition.triggers.model_validate(
        {**definition.triggers.model_dump(), "tier2": extra}
    )
    store.create(definition.model_copy(update={"triggers": triggers}), Path("definitions"))


async def open_triggers(app: Any, pilot: Any) -> Any:
    from workbench.tui.screens.editor import EditorScreen

    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause(0.5)
    screen = app.screen
    assert isinstance(screen, EditorScreen)
    screen.show_step("triggers")
    await pilot.pause(0.5)
    screen.query_one("#fold-tier2").collapsed = False  # type: ignore[attr-defined]
    await pilot.pause(0.3)
    return screen


def new_app() -> Any:
    from workbench.tui.app import WorkbenchApp

    now = datetime(2026, 1, 1, 9, 0)
    return WorkbenchApp(
        Path("definitions"),
        clock=lambda: now,
        evidence_delay=0,
        save_delay=0,
        rescue_dir=Path("rescued"),
    )


async def settled(pilot: Any, took: list[float], count: int) -> None:
    """Until `count` edits are timed (a rebuild on a loaded machine takes seconds)."""
    for _ in range(300):
        if len(took) >= count:
            await pilot.pause(0.1)
            return
        await pilot.pause(0.05)
    raise RuntimeError(f"{count} edits not done in 15 s")


async def rows(rules: int, rounds: int) -> dict[str, list[float]]:
    from textual.widgets import Button

    from workbench.tui.screens.editor import EditorScreen

    times: dict[str, list[float]] = {"row": [], "rebuild": []}
    apply_edit = EditorScreen.apply_edit
    show_rows = EditorScreen._show_rows
    took: list[float] = []

    async def timed(screen: EditorScreen, path: str, value: Any, source: Any) -> None:
        start = time.perf_counter()
        await apply_edit(screen, path, value, source)
        if path.endswith(".tier2"):
            took.append(time.perf_counter() - start)

    async def never(screen: EditorScreen, source: Any, path: str, items: int) -> bool:
        return False

    app = new_app()
    EditorScreen.apply_edit = timed  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_triggers(app, pilot)
            for index in range(rounds * 2):
                way = "row" if index % 2 == 0 else "rebuild"
                EditorScreen._show_rows = show_rows if way == "row" else never  # type: ignore[method-assign]
                took.clear()
                screen.query_one("#add-tier2", Button).press()
                await settled(pilot, took, 1)
                screen.query_one("#remove-tier2", Button).press()
                await pilot.pause(0.2)
                app.screen.query_one("#answer-remove", Button).press()
                await settled(pilot, took, 2)
                assert len(screen.workshop.definition.triggers.tier2) == rules
                times[way].extend(took)
    finally:
        EditorScreen._show_rows = show_rows  # type: ignore[method-assign]
        EditorScreen.apply_edit = apply_edit  # type: ignore[method-assign]
    return times


async def tabs(rounds: int) -> dict[str, list[float]]:
    from textual.widgets import Collapsible, Input

    from workbench.tui.components import steps

    times: dict[str, list[float]] = {"Fold": [], "Collapsible": []}
    fold = steps.Fold
    try:
        for index in range(rounds * 2):
            way = "Fold" if index % 2 == 0 else "Collapsible"
            steps.Fold = fold if way == "Fold" else Collapsible  # type: ignore[misc]
            app = new_app()
            async with app.run_test(size=(120, 40)) as pilot:
                screen = await open_triggers(app, pilot)
                one = screen.query_one("#field-triggers-tier2-0-min-count").query_one(Input)
                two = screen.query_one("#field-triggers-tier2-0-within-days").query_one(Input)
                for move in range(20):
                    start = time.perf_counter()
                    screen.set_focus(one if move % 2 else two)
                    times[way].append(time.perf_counter() - start)
                    await pilot.pause(0.05)
    finally:
        steps.Fold = fold  # type: ignore[misc]
    return times


async def keys() -> dict[str, list[float]]:
    """One round of the typing measurement, in this process's `workbench`."""
    from textual.widgets import Input

    from workbench.tui.screens.editor import EditorScreen

    took: list[float] = []
    apply_edit = EditorScreen.apply_edit

    async def timed(screen: EditorScreen, path: str, value: Any, source: Any) -> None:
        start = time.perf_counter()
        await apply_edit(screen, path, value, source)
        took.append(time.perf_counter() - start)

    EditorScreen.apply_edit = timed  # type: ignore[method-assign]
    app = new_app()
    per_key: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_triggers(app, pilot)
        box = screen.query_one("#field-triggers-tier2-3-within-days").query_one(Input)
        box.focus()
        await pilot.pause(0.2)
        took.clear()
        for _ in range(10):
            for key in ("backspace", "backspace", "2", "1"):
                start = time.perf_counter()
                await pilot.press(key)
                per_key.append(time.perf_counter() - start)
        assert screen.workshop.definition.triggers.tier2[3].within_days == 21
    return {"key": per_key, "apply": list(took)}


def keys_against(before: str, rules: int, rounds: int) -> dict[str, dict[str, list[float]]]:
    """`rounds` child processes each way, alternating this tree and `before`."""
    import json
    import subprocess

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_tui import code_at

    old = code_at(before, Path(tempfile.mkdtemp(prefix="bench-tier2-before-")))
    found: dict[str, dict[str, list[float]]] = {}
    for index in range(rounds * 2):
        code, label = (str(ROOT), "this tree") if index % 2 == 0 else (str(old), before)
        env = {**os.environ, "BENCH_WORKBENCH_CODE": code, "PYTHONPATH": code}
        out = subprocess.run(
            [sys.executable, __file__, "--rules", str(rules), "--child-keys"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout
        got = json.loads(out.strip().splitlines()[-1])
        mine = found.setdefault(label, {"key": [], "apply": []})
        mine["key"] += got["key"]
        mine["apply"] += got["apply"]
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rules", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--before", help="a git ref: also time typing against its code")
    parser.add_argument("--child-keys", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_keys:
        import json

        with tempfile.TemporaryDirectory() as folder:
            os.chdir(folder)
            seed(args.rules)
            print(json.dumps(asyncio.run(keys())))
        return
    typed = keys_against(args.before, args.rules, max(args.rounds // 2, 1)) if args.before else {}
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        seed(args.rules)
        added = asyncio.run(rows(args.rules, args.rounds))
        moved = asyncio.run(tabs(max(args.rounds // 2, 1)))
    print(f"tier 2 rules: {args.rules}")
    row, rebuild = statistics.median(added["row"]), statistics.median(added["rebuild"])
    print(f"add or remove, {args.rounds} rounds each way:")
    print(f"  the row alone      median {row * 1000:8.1f} ms")
    print(f"  the step rebuilt   median {rebuild * 1000:8.1f} ms   ({rebuild / row:.1f}x)")
    mine, theirs = statistics.median(moved["Fold"]), statistics.median(moved["Collapsible"])
    print(f"a tab, {len(moved['Fold'])} moves each way:")
    print(f"  Fold               median {mine * 1000:8.1f} ms")
    print(f"  Collapsible        median {theirs * 1000:8.1f} ms   ({theirs / mine:.1f}x)")
    if typed:
        now, then = typed["this tree"], typed[args.before]
        print(f"a key typed in a rule's window, {len(now['key'])} keys each way:")
        for what, words in (("key", "press to idle"), ("apply", "apply_edit")):
            a, b = statistics.median(now[what]), statistics.median(then[what])
            print(
                f"  {words:14s} this tree {a * 1000:7.1f} ms, {args.before} {b * 1000:7.1f} ms"
                f"   ({b / a:.1f}x)"
            )


if __name__ == "__main__":
    main()
