"""TUI benchmark: startup against a bare Textual app, `--help` imports, keystroke-to-repaint.

Run from the repository root:

    .venv/bin/python benchmarks/bench_tui.py [--startup-runs 15] [--help-runs 15]
                                             [--keys 50] [--rounds 3] [--profile]

It measures three things, in one run, alternating the variants it compares (A, B, A, B, ...)
so that noise from the rest of the machine lands on all of them alike:

1. Startup. Fresh subprocesses of this Python, each a small `python -c` driver. The parent
   reads `time.perf_counter()` (CLOCK_MONOTONIC on Linux, so it is comparable between
   processes) just before it launches the child; the child reports the same clock when the
   app's screen is ready and exits at once. "Ready" is:
   - workbench: `HomeScreen.show_rows` has run (the rows loaded by the `load_rows` thread
     worker are in the table) and the screen has refreshed once after it. The driver goes
     through the console script's entry point, `workbench.cli.main()` with argv
     `workbench open DIR`, with `workbench.tui.app.run_app` swapped for one that calls
     `run(headless=True)`;
   - workbench, app only: the same, but the driver builds `WorkbenchApp` itself, without
     the CLI (typer, click), to show what the CLI adds;
   - bare: an App with a Header, a Static and a Footer, after `on_mount` and one refresh.
   The folder holds one definition (the 3m-10m template). Target (issue 3): workbench at
   most 1.3x the bare app.
2. `workbench --help`: wall time of the console script and of a driver that imports
   `workbench.cli` and calls its `main()` with argv `workbench --help` (catching the
   SystemExit), against `python -c pass`, and whether Textual (and Rich) end up in
   `sys.modules`.
3. Keystroke to repaint with a 100-case suite (3m-10m and 30m-plus), against the stage's own
   template (8 and 10 cases). `app.run_test(size=(120, 40))`, open the definition, ctrl+n to
   the fit gate (the cursor lands in "Min employees"), end, then type '0' and backspace
   alternately (50 -> 500 -> 50 ...: every key is a valid, different value, so every key
   re-runs the suite, updates the status bar and starts the autosave worker). For each key:
   - "painted": from the start of `pilot.press(key)` until the status bar is rendered
     (`render_lines`) for the first time after it was updated for that key. The headless
     driver does not write to a terminal, so the terminal write is not included;
   - "press+pause": `await pilot.press(key)` then `await pilot.pause()`. This includes
     Textual's pilot overhead: it waits for every widget's message queue to drain, and
     `wait_for_idle` sleeps in 20 ms steps until the process uses no CPU, which also waits
     out the autosave thread. It is an upper bound, not what a person sees;
   - "settled": until the autosave worker has finished and the screen has been refreshed,
     i.e. the status bar shows "saved HH:MM:SS".
   Keys are pressed from a settled state (as a person typing at up to ~5 keys/s would see
   it). Each session is a fresh process running one app (this script with `--session`),
   and sessions of the two variants alternate. The table also counts the full (generation
   2) garbage collections that ran while keys were being timed, and the longest.
   (`Workshop.changed_on_disk` now checks under the save lock itself, so the 2 s disk watcher
   no longer races the autosave.) The app runs with `save_delay=0`, saving on every key: the
   heaviest path, and the one the keystroke numbers include.

1b. Start-up in a real terminal (first, `--only terminal`): tmux sessions of
   `python -m workbench open DIR` and a bare app showing one Static, timed until
   `capture-pane` shows their text (see `bench_terminal_startup`).
4-7. (`--only interactions`) keys typed at 8 a second without waiting for the app while the
   autosave of the previous ones runs; step switches; "Give Mid-market its own triggers" and
   back; sign to commit in a git repository. Headless Pilot, each in fresh processes.

`--before REF` runs sections 1b, 3 and 4-7 also against REF's `workbench` package (unpacked
from git), alternating with this tree's in the same run.

Everything is printed as markdown tables. `--profile` adds, untimed: a `-X importtime`
breakdown of the two startup drivers' imports; wrapped timers on the keystroke path
(`Workshop.apply`, `EditorScreen.after_change` and its parts, Textual's layout and render,
and `Workshop.save` in the autosave thread) over 20 keys with the 100-case 3m-10m suite;
and a cProfile of the event-loop thread over 10 of those keys (the autosave thread is not
in it).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Sessions of `--before REF` run this script against that ref's `workbench` package.
sys.path.insert(0, os.environ.get("BENCH_WORKBENCH", str(ROOT)))

import textual  # noqa: E402
from machine import cpu_model  # noqa: E402
from textual.widgets import Input  # noqa: E402

from workbench.core.domain.definition import Definition  # noqa: E402
from workbench.core.domain.suite import run_suite  # noqa: E402
from workbench.core.domain.templates import from_template  # noqa: E402
from workbench.core.files import store  # noqa: E402
from workbench.core.services import workshop as workshop_module  # noqa: E402
from workbench.core.services.workshop import Workshop  # noqa: E402
from workbench.tui.app import WorkbenchApp  # noqa: E402
from workbench.tui.components.status_bar import SuiteStatusBar  # noqa: E402
from workbench.tui.screens.editor import EditorScreen  # noqa: E402
from workbench.tui.screens.home import HomeScreen  # noqa: E402

STARTUP_TARGET = 1.3
CREATED = date(2026, 5, 4)
FIXED_NOW = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
KEY_STAGES = ("3m-10m", "30m-plus")
CASES = 100

# --- drivers run in fresh subprocesses ------------------------------------------------------

# Each driver reads perf_counter first thing, then prints one JSON line after the app exits:
# t_start (interpreter running the script), t_imported, t_ready.

WORKBENCH_CLI_DRIVER = r"""
import time
t_start = time.perf_counter()
import json, sys
from workbench.launch import main
import workbench.tui.app as tui_app
from workbench.tui.screens.home import HomeScreen
t_imported = time.perf_counter()
marks = {}
show_rows = HomeScreen.show_rows
def patched(self, rows):
    show_rows(self, rows)
    marks["rows"] = len(rows)
    def ready():
        marks["t_ready"] = time.perf_counter()
        self.app.exit()
    self.call_after_refresh(ready)
HomeScreen.show_rows = patched
tui_app.run_app = lambda folder, evidence=None, open_path=None: tui_app.WorkbenchApp(folder, evidence=evidence, open_path=open_path).run(headless=True)
sys.argv = ["workbench", "open", sys.argv[1]]
try:
    main()
except SystemExit as exit:
    assert not exit.code, exit.code
print(json.dumps({"t_start": t_start, "t_imported": t_imported, **marks}))
"""

# `workbench` with no arguments, as the README's main command: the entry point opens the app
# on ./definitions without loading the CLI.
WORKBENCH_LAUNCH_DRIVER = r"""
import time
t_start = time.perf_counter()
import json, os, sys
from pathlib import Path
os.chdir(Path(sys.argv[1]).parent)
from workbench.launch import main
import workbench.tui.app as tui_app
from workbench.tui.screens.home import HomeScreen
t_imported = time.perf_counter()
marks = {}
show_rows = HomeScreen.show_rows
def patched(self, rows):
    show_rows(self, rows)
    if "t_ready" in marks:
        return
    marks["rows"] = len(rows)
    def ready():
        marks["t_ready"] = time.perf_counter()
        self.app.exit()
    self.call_after_refresh(ready)
HomeScreen.show_rows = patched
tui_app.run_app = lambda folder, evidence=None, open_path=None: tui_app.WorkbenchApp(folder, evidence=evidence, open_path=open_path).run(headless=True)
sys.argv = ["workbench"]
main()
print(json.dumps({"t_start": t_start, "t_imported": t_imported, **marks}))
"""

WORKBENCH_APP_DRIVER = r"""
import time
t_start = time.perf_counter()
import json, sys
from pathlib import Path
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.home import HomeScreen
t_imported = time.perf_counter()
marks = {}
show_rows = HomeScreen.show_rows
def patched(self, rows):
    show_rows(self, rows)
    marks["rows"] = len(rows)
    def ready():
        marks["t_ready"] = time.perf_counter()
        self.app.exit()
    self.call_after_refresh(ready)
HomeScreen.show_rows = patched
WorkbenchApp(Path(sys.argv[1])).run(headless=True)
print(json.dumps({"t_start": t_start, "t_imported": t_imported, **marks}))
"""

BARE_DRIVER = r"""
import time
t_start = time.perf_counter()
import json
from textual.app import App
from textual.widgets import Footer, Header, Static
t_imported = time.perf_counter()
marks = {}
class Bare(App):
    def compose(self):
        yield Header()
        yield Static("Hello from a bare Textual app.")
        yield Footer()
    def on_mount(self):
        self.call_after_refresh(self.ready)
    def ready(self):
        marks["t_ready"] = time.perf_counter()
        self.exit()
Bare().run(headless=True)
print(json.dumps({"t_start": t_start, "t_imported": t_imported, **marks}))
"""

HELP_DRIVER = r"""
import time
t_start = time.perf_counter()
import json, sys
from workbench.cli import main
sys.argv = ["workbench", "--help"]
try:
    main()
except SystemExit as exit:
    assert not exit.code, exit.code
t_done = time.perf_counter()
heavy = {name: name in sys.modules for name in ("textual", "rich", "pydantic", "typer")}
print("BENCH " + json.dumps({"t_start": t_start, "t_done": t_done, "modules": heavy}))
"""


# --- helpers ---------------------------------------------------------------------------------


def ms(seconds: float) -> float:
    return seconds * 1000.0


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("TEXTUAL", None)
    return env


def launch(argv: list[str], env: dict[str, str]) -> tuple[float, float, str, str]:
    """Run a child; the launch and exit times on this process's perf_counter, and output."""
    t_launch = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT, text=True
    )
    out, err = proc.communicate()
    t_exit = time.perf_counter()
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[:3]} exited {proc.returncode}:\n{err[-2000:]}")
    return t_launch, t_exit, out, err


def last_json(out: str, prefix: str = "") -> dict[str, Any]:
    for line in reversed(out.splitlines()):
        if line.startswith(prefix + "{"):
            return json.loads(line[len(prefix) :])  # type: ignore[no-any-return]
    raise RuntimeError(f"no JSON line in output:\n{out[-2000:]}")


# --- 1. startup ------------------------------------------------------------------------------


@dataclass
class StartupSamples:
    ready: list[float] = field(default_factory=list)  # launch -> ready
    interp: list[float] = field(default_factory=list)  # launch -> script running
    imports: list[float] = field(default_factory=list)  # script running -> imports done
    app: list[float] = field(default_factory=list)  # imports done -> ready


def bench_startup(runs: int) -> dict[str, StartupSamples]:
    env = child_env()
    folder = Path(tempfile.mkdtemp(prefix="bench-tui-startup-")) / "definitions"
    store.create(from_template("acme", "3m-10m", CREATED, name="Acme inbound"), folder)
    py = sys.executable
    variants: dict[str, list[str]] = {
        "workbench (no arguments)": [py, "-c", WORKBENCH_LAUNCH_DRIVER, str(folder)],
        "workbench open DIR": [py, "-c", WORKBENCH_CLI_DRIVER, str(folder)],
        "bare Textual app": [py, "-c", BARE_DRIVER],
        "WorkbenchApp only (no CLI)": [py, "-c", WORKBENCH_APP_DRIVER, str(folder)],
    }
    samples = {name: StartupSamples() for name in variants}
    for argv in variants.values():  # warm the page cache and .pyc files; not counted
        launch(argv, env)
    for _ in range(runs):
        for name, argv in variants.items():
            t_launch, _t_exit, out, _err = launch(argv, env)
            marks = last_json(out)
            if "t_ready" not in marks:
                raise RuntimeError(f"{name}: the driver never saw the screen ready")
            if "rows" in marks and marks["rows"] != 1:
                raise RuntimeError(f"{name}: expected one definition, saw {marks['rows']}")
            s = samples[name]
            s.ready.append(marks["t_ready"] - t_launch)
            s.interp.append(marks["t_start"] - t_launch)
            s.imports.append(marks["t_imported"] - marks["t_start"])
            s.app.append(marks["t_ready"] - marks["t_imported"])
    return samples


def print_startup(samples: dict[str, StartupSamples], runs: int) -> dict[str, float]:
    bare = statistics.median(samples["bare Textual app"].ready)
    print(f"### 1. Startup to ready screen ({runs} runs each, interleaved)\n")
    print(
        "| variant | ready median ms | min ms | max ms | interpreter ms | imports ms "
        "| app to ready ms | ratio vs bare (medians) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    ratios = {}
    for name, s in samples.items():
        median = statistics.median(s.ready)
        ratios[name] = median / bare
        print(
            f"| {name} | {ms(median):.0f} | {ms(min(s.ready)):.0f} | {ms(max(s.ready)):.0f} "
            f"| {ms(statistics.median(s.interp)):.0f} | {ms(statistics.median(s.imports)):.0f} "
            f"| {ms(statistics.median(s.app)):.0f} | {ratios[name]:.2f}x |"
        )
    ratio = max(ratios["workbench (no arguments)"], ratios["workbench open DIR"])
    verdict = "met" if ratio <= STARTUP_TARGET else "NOT met"
    print(f"\nTarget: workbench at most {STARTUP_TARGET}x the bare app: {verdict} ({ratio:.2f}x).")
    print(
        "(interpreter = launch until the driver's first line runs; the three columns are "
        "medians of their own, so they need not add up exactly.)\n"
    )
    return ratios


IMPORTS_OF_INTEREST = {"pydantic", "typer", "click", "textual", "textual.app", "rich"}


def print_import_times() -> None:
    """One untimed `-X importtime` run each: where the import gap comes from."""
    env = child_env()
    sources = {
        "workbench open": "from workbench.cli import main; import workbench.tui.app",
        "bare app": "from textual.app import App; from textual.widgets import Footer, Header, Static",
    }
    print("Largest imports, cumulative ms, one `python -X importtime` run each (untimed):\n")
    print("| driver | module | cumulative ms |")
    print("|---|---|---:|")
    for label, source in sources.items():
        _l, _e, _out, err = launch([sys.executable, "-X", "importtime", "-c", source], env)
        rows: list[tuple[int, str]] = []
        for line in err.splitlines():
            if not line.startswith("import time:") or "cumulative" in line:
                continue
            _self, total, name = (part.strip() for part in line[12:].split("|"))
            wanted = name in IMPORTS_OF_INTEREST or name.startswith("workbench")
            if wanted and int(total) >= 10_000:
                rows.append((int(total), name))
        for micros, name in sorted(rows, reverse=True):
            print(f"| {label} | {name} | {micros / 1000:.0f} |")
    print()


# --- 1b. startup in a real terminal ---------------------------------------------------------

TERMINAL_BARE = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Bare(App):\n"
    "    def compose(self):\n"
    "        yield Static('Hello from a bare Textual app.')\n"
    "Bare().run()\n"
)
HOME_TEXT = "Pick a definition and press enter"
BARE_TEXT = "Hello from a bare Textual app."


def code_at(ref: str, into: Path) -> Path:
    """The `workbench` package as it was at a git ref, to run beside today's in one run."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "workbench"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def bench_terminal_startup(runs: int, before: str | None) -> None:
    """Launch to the home screen's text on a tmux pane, polled with `capture-pane`.

    Each run is a new tmux session (120x40) on a private tmux server started before the
    first run, running `python -m workbench open DIR` (what `workbench open DIR` runs) or a
    bare Textual app showing one Static; the time is from just before `new-session` until
    `capture-pane -p` first shows the text (polled every ~2 ms, each poll a tmux client
    process). Variants alternate; one warm-up round is not counted.
    """
    folder = Path(tempfile.mkdtemp(prefix="bench-tui-tmux-")) / "definitions"
    store.create(from_template("acme", "3m-10m", CREATED, name="Acme inbound"), folder)
    bare = folder.parent / "bare.py"
    bare.write_text(TERMINAL_BARE, encoding="utf-8")
    py = sys.executable
    variants: dict[str, tuple[str, list[str], str]] = {
        "workbench open DIR (this tree)": (
            str(ROOT),
            ["-m", "workbench", "open", str(folder)],
            HOME_TEXT,
        ),
    }
    if before is not None:
        old = code_at(before, Path(tempfile.mkdtemp(prefix="bench-tui-before-")))
        variants[f"workbench open DIR (at {before})"] = (
            str(old),
            ["-m", "workbench", "open", str(folder)],
            HOME_TEXT,
        )
    variants["bare Textual app (one Static)"] = (str(ROOT), [str(bare)], BARE_TEXT)
    socket = f"bench-tui-{os.getpid()}"

    def tmux(*args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", socket, *args], capture_output=True, text=True, check=False
        ).stdout

    tmux("new-session", "-d", "-s", "keeper", "-x", "120", "-y", "40")
    times: dict[str, list[float]] = {name: [] for name in variants}
    try:
        for round_ in range(runs + 1):
            for index, (name, (path, args, text)) in enumerate(variants.items()):
                session = f"r{round_}v{index}"
                command = " ".join(
                    ["env", f"PYTHONPATH={path}", "TEXTUAL=", py, *(f"'{a}'" for a in args)]
                )
                t0 = time.perf_counter()
                # From a neutral folder: `-m` puts the working folder first on sys.path.
                where = str(folder.parent)
                tmux(
                    "new-session",
                    "-d",
                    "-s",
                    session,
                    "-x",
                    "120",
                    "-y",
                    "40",
                    "-c",
                    where,
                    command,
                )
                while text not in tmux("capture-pane", "-p", "-t", session):
                    if time.perf_counter() - t0 > 30:
                        raise RuntimeError(f"{name}: no {text!r} on the pane after 30 s")
                    time.sleep(0.002)
                seen = time.perf_counter() - t0
                tmux("kill-session", "-t", session)
                time.sleep(0.3)  # let it exit before the next launch
                if round_:
                    times[name].append(seen)
    finally:
        tmux("kill-server")
    bare_median = statistics.median(times["bare Textual app (one Static)"])
    bare_p95 = pct(times["bare Textual app (one Static)"], 0.95)
    print(
        f"### 1b. Startup in a real terminal: tmux 120x40, launch until the text is on the "
        f"pane ({runs} runs each, interleaved)\n"
    )
    print("| variant | median ms | p95 ms | min ms | max ms | ratio of medians | ratio of p95s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, t in times.items():
        print(
            f"| {name} | {ms(statistics.median(t)):.0f} | {ms(pct(t, 0.95)):.0f} "
            f"| {ms(min(t)):.0f} | {ms(max(t)):.0f} | {statistics.median(t) / bare_median:.2f}x "
            f"| {pct(t, 0.95) / bare_p95:.2f}x |"
        )
    ratio = statistics.median(times["workbench open DIR (this tree)"]) / bare_median
    verdict = "met" if ratio <= STARTUP_TARGET else "NOT met"
    print(
        f"\nTarget: at most {STARTUP_TARGET}x the bare app in a terminal: {verdict} ({ratio:.2f}x).\n"
    )


# --- 2. --help -------------------------------------------------------------------------------


def bench_help(runs: int) -> None:
    env = child_env()
    py = sys.executable
    script = Path(py).parent / "workbench"
    variants: dict[str, list[str]] = {
        "python -c pass": [py, "-c", "pass"],
        "workbench --help (console script)": [str(script), "--help"],
        "driver: workbench.cli.main() with --help": [py, "-c", HELP_DRIVER],
    }
    if not script.exists():
        del variants["workbench --help (console script)"]
    walls: dict[str, list[float]] = {name: [] for name in variants}
    modules: dict[str, bool] = {}
    for argv in variants.values():
        launch(argv, env)
    for _ in range(runs):
        for name, argv in variants.items():
            t_launch, t_exit, out, _err = launch(argv, env)
            walls[name].append(t_exit - t_launch)
            if argv[-1] == "--help":
                assert "Usage" in out, "--help printed no usage"
            if name.startswith("driver"):
                modules = last_json(out, "BENCH ")["modules"]
    base = statistics.median(walls["python -c pass"])
    print(f"### 2. `workbench --help` ({runs} runs each, interleaved; launch to exit)\n")
    print("| command | median ms | min ms | max ms | ratio vs `python -c pass` |")
    print("|---|---:|---:|---:|---:|")
    for name, w in walls.items():
        median = statistics.median(w)
        print(
            f"| {name} | {ms(median):.0f} | {ms(min(w)):.0f} | {ms(max(w)):.0f} "
            f"| {median / base:.1f}x |"
        )
    loaded = ", ".join(f"{k}: {'yes' if v else 'no'}" for k, v in modules.items())
    print(f"\nAfter `--help`, in sys.modules: {loaded}.")
    verdict = "met" if not modules.get("textual", True) else "NOT met"
    print(f"Target: `--help` free of Textual imports: {verdict}.\n")


# --- 3. keystroke to repaint -----------------------------------------------------------------


def definition_with_cases(stage: str, count: int | None) -> Definition:
    """The stage template, its cases replicated under new names up to `count` (None: as is)."""
    base = from_template(f"bench-{stage}", stage, CREATED, name=f"Bench {stage}")
    if count is None:
        return base
    cases = list(base.cases)
    n = 0
    while len(cases) < count:
        case = base.cases[n % len(base.cases)]
        cases.append(case.model_copy(update={"name": f"{case.name}-copy-{n}"}))
        n += 1
    definition = base.model_copy(update={"cases": cases})
    suite = run_suite(definition)
    assert len(suite.results) == count and suite.ok, "the benchmark suite must pass"
    return definition


class Probe:
    """Timestamps from inside the app: status bar updated, status bar rendered, saves."""

    def __init__(self) -> None:
        self.armed = False
        self.update_at: float | None = None
        self.paint_at: float | None = None
        self.saves: list[float] = []
        self.suite_runs = 0

    def arm(self) -> None:
        self.armed = True
        self.update_at = None
        self.paint_at = None

    def install(self) -> Callable[[], None]:
        probe = self
        render_line = SuiteStatusBar._render_line
        render_lines = SuiteStatusBar.render_lines
        save = Workshop.save
        suite = getattr(workshop_module, "run_suite")  # noqa: B009 (patched below)

        def _render_line(self: SuiteStatusBar) -> None:
            render_line(self)
            if probe.armed and probe.update_at is None:
                probe.update_at = time.perf_counter()

        def _render_lines(self: SuiteStatusBar, crop: Any) -> Any:
            strips = render_lines(self, crop)
            if probe.armed and probe.update_at is not None and probe.paint_at is None:
                probe.paint_at = time.perf_counter()
            return strips

        def _save(self: Workshop) -> bool:
            start = time.perf_counter()
            try:
                return save(self)
            finally:
                probe.saves.append(time.perf_counter() - start)

        def _run_suite(*args: Any, **kwargs: Any) -> Any:
            probe.suite_runs += 1
            return suite(*args, **kwargs)

        patches = {
            (SuiteStatusBar, "_render_line"): (render_line, _render_line),
            (SuiteStatusBar, "render_lines"): (render_lines, _render_lines),
            (Workshop, "save"): (save, _save),
            (workshop_module, "run_suite"): (suite, _run_suite),
        }
        for (owner, name), (_original, patched) in patches.items():
            setattr(owner, name, patched)

        def uninstall() -> None:
            for (owner, name), (original, _patched) in patches.items():
                setattr(owner, name, original)

        return uninstall


@dataclass
class KeySamples:
    painted: list[float] = field(default_factory=list)
    press_pause: list[float] = field(default_factory=list)
    settled: list[float] = field(default_factory=list)
    saves: list[float] = field(default_factory=list)
    full_gcs: list[float] = field(default_factory=list)  # gen-2 collections while timing
    gc_during: list[bool] = field(default_factory=list)  # a full collection ran in this key
    cases: int = 0


class FullGcWatch:
    """Durations of the garbage collector's full (generation 2) passes while armed."""

    def __init__(self, into: list[float]) -> None:
        self.into = into
        self.started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.into.append(time.perf_counter() - self.started)

    def __enter__(self) -> FullGcWatch:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.callbacks.remove(self)


async def type_keys(
    folder: Path,
    keys: list[str],
    probe: Probe,
    out: KeySamples,
    profiler: cProfile.Profile | None = None,
) -> None:
    app = WorkbenchApp(folder, clock=lambda: FIXED_NOW, save_delay=0)
    async with app.run_test(size=(120, 40)) as pilot:

        async def settle() -> None:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()

        await settle()
        assert isinstance(app.screen, HomeScreen), app.screen
        await pilot.press("enter")
        await settle()
        assert isinstance(app.screen, EditorScreen), app.screen
        out.cases = len(app.screen.workshop.suite.results)
        await pilot.press("ctrl+n")
        await settle()
        focused = app.focused
        assert isinstance(focused, Input) and focused.parent is not None
        assert focused.parent.id == "field-fit-min-employees", focused.parent.id
        await pilot.press("end")
        await settle()
        status = app.screen.query_one(SuiteStatusBar)
        probe.saves.clear()
        runs_before = probe.suite_runs
        gc.collect()
        with FullGcWatch(out.full_gcs):
            if profiler is not None:
                profiler.enable()
            for key in keys:
                before = str(status.render())
                collections = len(out.full_gcs)
                probe.arm()
                t0 = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                t1 = time.perf_counter()
                await app.workers.wait_for_complete()
                await pilot.pause()
                t2 = time.perf_counter()
                probe.armed = False
                if probe.update_at is None or probe.paint_at is None:
                    raise RuntimeError(f"key {key!r}: the status bar was not updated and repainted")
                after = str(status.render())
                if after == before or "saved" not in after:
                    raise RuntimeError(f"key {key!r}: status bar did not change: {after!r}")
                out.painted.append(probe.paint_at - t0)
                out.press_pause.append(t1 - t0)
                out.settled.append(t2 - t0)
                out.gc_during.append(len(out.full_gcs) > collections)
            if profiler is not None:
                profiler.disable()
        if app.screen.invalid:
            raise RuntimeError(f"an edit was refused: {app.screen.invalid}")
        if app.screen.workshop.conflict or app.screen.workshop.dirty:
            raise RuntimeError(f"the draft was not saved: {app.screen.workshop.conflict}")
        if probe.suite_runs - runs_before != len(keys):
            raise RuntimeError(
                f"{len(keys)} keys re-ran the suite {probe.suite_runs - runs_before} times"
            )
        out.saves.extend(probe.saves)


def key_sequence(count: int) -> list[str]:
    return ["0" if i % 2 == 0 else "backspace" for i in range(count)]


def bench_keys(
    total_keys: int, rounds: int, trees: dict[str, dict[str, str]]
) -> dict[str, dict[str, KeySamples]]:
    """Alternate sessions of the two variants; each session is a fresh process, as in use.

    One app per process matters for the worst case: apps run one after another in a single
    process leave objects behind, so its full garbage collections grow from about 15 ms to
    over 200 ms after a dozen sessions, which a real workshop never sees.
    """
    per_session = max(2, -(-total_keys // rounds))
    per_session += per_session % 2  # even, so the value ends where it started
    base = Path(tempfile.mkdtemp(prefix="bench-tui-keys-"))
    results: dict[str, dict[str, KeySamples]] = {}
    for stage in KEY_STAGES:
        folders = {}
        for label, count in ((f"{CASES} cases", CASES), ("template", None)):
            folder = base / f"{stage}-{label.replace(' ', '-')}"
            store.create(definition_with_cases(stage, count), folder)
            folders[label] = folder
        samples = {f"{label}{tree}": KeySamples() for tree in trees for label in folders}
        for _ in range(rounds):
            for tree, env in trees.items():
                for label, folder in folders.items():
                    argv = [sys.executable, __file__, "--session", str(folder)]
                    _l, _e, out, _err = launch([*argv, "--session-keys", str(per_session)], env)
                    got = last_json(out, "BENCH ")
                    s = samples[f"{label}{tree}"]
                    s.cases = got["cases"]
                    for name in (
                        "painted",
                        "press_pause",
                        "settled",
                        "saves",
                        "full_gcs",
                        "gc_during",
                    ):
                        getattr(s, name).extend(got[name])
        results[stage] = samples
    return results


def run_session(folder: Path, keys: int) -> None:
    """Child process: one app, one definition, `keys` keystrokes; prints the samples."""
    probe = Probe()
    uninstall = probe.install()
    samples = KeySamples()
    try:
        asyncio.run(type_keys(folder, key_sequence(keys), probe, samples))
    finally:
        uninstall()
    payload = {
        name: getattr(samples, name)
        for name in ("painted", "press_pause", "settled", "saves", "full_gcs", "gc_during", "cases")
    }
    print("BENCH " + json.dumps(payload))


def print_keys(results: dict[str, dict[str, KeySamples]], rounds: int) -> None:
    first = next(iter(next(iter(results.values())).values()))
    count = len(first.painted)
    print(
        f"### 3. Keystroke to repaint in the fit gate's min-employees input "
        f"({count} keys per variant, in {rounds} alternating sessions, 120x40)\n"
    )
    print(
        "| stage | variant | painted median ms | painted p95 ms | painted worst ms "
        "| press+pause median ms | press+pause p95 ms | press+pause worst ms "
        "| settled (saved) median ms | settled worst ms | autosave median ms "
        "| full GCs (longest ms) | painted worst ms, keys without a full GC |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for stage, samples in results.items():
        for variant, s in samples.items():
            print(
                f"| {stage} | {variant} | {ms(statistics.median(s.painted)):.1f} "
                f"| {ms(pct(s.painted, 0.95)):.1f} | {ms(max(s.painted)):.1f} "
                f"| {ms(statistics.median(s.press_pause)):.1f} "
                f"| {ms(pct(s.press_pause, 0.95)):.1f} | {ms(max(s.press_pause)):.1f} "
                f"| {ms(statistics.median(s.settled)):.1f} | {ms(max(s.settled)):.1f} "
                f"| {ms(statistics.median(s.saves)):.1f} "
                f"| {len(s.full_gcs)} ({ms(max(s.full_gcs, default=0.0)):.0f}) "
                f"| {ms(max(p for p, g in zip(s.painted, s.gc_during, strict=True) if not g)):.1f} |"
            )
    print("\n| stage | ratio of medians, 100 cases / template: painted | press+pause | settled |")
    print("|---|---:|---:|---:|")
    for stage, samples in results.items():
        for tree in sorted(
            {v.split("cases", 1)[1] for v in samples if v.startswith(f"{CASES} cases")}
        ):
            big, small = samples[f"{CASES} cases{tree}"], samples[f"template{tree}"]
            print(
                f"| {stage}{tree} "
                f"| {statistics.median(big.painted) / statistics.median(small.painted):.2f}x "
                f"| {statistics.median(big.press_pause) / statistics.median(small.press_pause):.2f}x "
                f"| {statistics.median(big.settled) / statistics.median(small.settled):.2f}x |"
            )
    worst = max(max(s.painted) for samples in results.values() for s in samples.values())
    print(
        f"\nWorst keystroke-to-repaint (painted) over all variants: {ms(worst):.1f} ms. "
        "press+pause includes Textual's pilot overhead (it waits for every widget's queue, "
        "then polls in 20 ms sleeps until the process is idle, autosave thread included); "
        "the headless driver writes nothing to a terminal.\n"
    )


async def profile_keys(total_keys: int) -> None:
    """Where a keystroke's time goes: wrapped timers first, then cProfile (both untimed runs)."""
    from textual._compositor import Compositor
    from textual.screen import Screen

    from workbench.tui.components.cases import CasesPane
    from workbench.tui.components.signoff_pane import SignoffPane

    folder = Path(tempfile.mkdtemp(prefix="bench-tui-profile-")) / "definitions"
    store.create(definition_with_cases("3m-10m", CASES), folder)
    timers: dict[str, list[float]] = {}
    order: list[str] = []
    armed = [False]
    originals: list[tuple[Any, str, Any]] = []

    def wrap(cls: Any, name: str, label: str) -> None:
        original = getattr(cls, name)
        originals.append((cls, name, original))
        order.append(label)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                if armed[0]:
                    timers.setdefault(label, []).append(time.perf_counter() - start)

        setattr(cls, name, timed)

    wrap(Workshop, "apply", "Workshop.apply (validate clause + 100-case suite + flips)")
    wrap(EditorScreen, "after_change", "EditorScreen.after_change (all of it)")
    wrap(CasesPane, "show", "of which: CasesPane.show (DataTable clear + 100 add_row)")
    wrap(SignoffPane, "refresh_suite", "of which: SignoffPane.refresh_suite")
    wrap(EditorScreen, "refresh_status", "of which: EditorScreen.refresh_status")
    wrap(Screen, "_refresh_layout", "Screen._refresh_layout (after a refresh(layout=True))")
    wrap(Compositor, "reflow", "of which: Compositor.reflow (arrange the whole screen)")
    wrap(Screen, "_compositor_refresh", "Screen._compositor_refresh (render changed regions)")
    probe = Probe()
    uninstall = probe.install()
    keys = key_sequence(total_keys)
    try:
        app = WorkbenchApp(folder, clock=lambda: FIXED_NOW, save_delay=0)
        async with app.run_test(size=(120, 40)) as pilot:
            for key in ("enter", "ctrl+n", "end"):
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                await pilot.press(key)
            await pilot.pause()
            await app.workers.wait_for_complete()
            screen = app.screen
            widgets = len(list(screen.walk_children(with_self=True)))
            start = time.perf_counter()
            for _ in range(50):
                list(screen.query(CasesPane))
            query_ms = ms(time.perf_counter() - start) / 50
            probe.saves.clear()
            armed[0] = True
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
            armed[0] = False
        print(
            f"Per keystroke, {total_keys} keys, 3m-10m with {CASES} cases, wrapped timers "
            "(event-loop thread unless noted):\n"
        )
        print("| step | calls per key | median ms per call | total ms per key |")
        print("|---|---:|---:|---:|")
        for label in order:
            samples = timers.get(label, [])
            if not samples:
                continue
            print(
                f"| {label} | {len(samples) / total_keys:.1f} "
                f"| {ms(statistics.median(samples)):.2f} | {ms(sum(samples)) / total_keys:.2f} |"
            )
        print(
            f"| Workshop.save (autosave worker thread) | {len(probe.saves) / total_keys:.1f} "
            f"| {ms(statistics.median(probe.saves)):.2f} "
            f"| {ms(sum(probe.saves)) / total_keys:.2f} |"
        )
        print(
            f"\nThe editor screen holds {widgets} widgets; iterating "
            f"`screen.query(CasesPane)` over them takes {query_ms:.2f} ms, and `after_change` "
            "does it for CasesPane and again for SignoffPane on every edit.\n"
        )
    finally:
        for cls, name, original in originals:
            setattr(cls, name, original)
        uninstall()

    probe = Probe()
    uninstall = probe.install()
    profiler = cProfile.Profile()
    keys = keys[: max(2, total_keys // 2)]
    try:
        await type_keys(folder, keys, probe, KeySamples(), profiler)
    finally:
        uninstall()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.strip_dirs().sort_stats("cumulative").print_stats(
        r"editor.py|workshop.py|suite.py|cases.py|signoff_pane.py|fields.py|query.py|"
        r"_compositor.py:.*(reflow|render_update)|screen.py:.*(_refresh_layout|_compositor_refresh)"
        r"|_input.py:.*_on_key",
        25,
    )
    lines = [line for line in text.getvalue().splitlines() if line.strip()]
    print(
        f"cProfile of the event-loop thread, {len(keys)} keys, 3m-10m with {CASES} cases, "
        "app and layout functions by cumulative time (the profiler inflates small calls; "
        "the total includes the pilot's own waiting):\n```"
    )
    print("\n".join(lines))
    print("```\n")


# --- 4. the room's other waits: paced typing, step switch, own triggers, sign-to-commit -------

PACE_S = 0.125  # 8 keys a second: the "7-10 keys a second"
INTERACTION_STAGE = "10m-30m"  # segments, so "give it its own triggers" exists
REVIEW_DATE = date(2026, 9, 30)


class PaintWatch:
    """When the screen was first refreshed (composited) with a condition true: "painted" for
    an interaction whose result is more than the status bar."""

    def __init__(self) -> None:
        self.condition: Callable[[], bool] | None = None
        self.hit: float | None = None

    def install(self) -> Callable[[], None]:
        from textual.screen import Screen

        watch = self
        original = Screen._compositor_refresh

        def _compositor_refresh(self: Screen[Any]) -> None:
            original(self)
            if watch.condition is not None and watch.hit is None and watch.condition():
                watch.hit = time.perf_counter()

        setattr(Screen, "_compositor_refresh", _compositor_refresh)  # noqa: B010
        return lambda: setattr(Screen, "_compositor_refresh", original)

    def arm(self, condition: Callable[[], bool]) -> None:
        self.condition = condition
        self.hit = None

    async def wait(self, what: str, timeout: float = 120.0) -> float:
        deadline = time.perf_counter() + timeout
        while self.hit is None:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{what}: never painted")
            await asyncio.sleep(0.001)
        self.condition = None
        return self.hit


def send_key(app: WorkbenchApp, key: str) -> None:
    """A key as the terminal driver delivers it, without the pilot's waiting for idle."""
    from textual import events

    assert app._driver is not None
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)


async def _settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _open_editor(pilot: Any) -> EditorScreen:
    await _settle(pilot)
    await pilot.press("enter")
    await _settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EditorScreen), screen
    return screen


async def session_paced(folder: Path, keys: int, save_delay: float) -> dict[str, Any]:
    """Keys every PACE_S seconds, never waiting for the app: autosave (save_delay=0: after
    every key) runs in its thread while the next keys arrive. Per key: from sending it to the
    first repaint of the status bar after the edit it caused."""
    applied: list[float] = []
    updates: list[tuple[float, int]] = []
    paints: list[float] = []
    saves: list[float] = []
    apply, render_line = Workshop.apply, SuiteStatusBar._render_line
    render_lines, save = SuiteStatusBar.render_lines, Workshop.save

    def _apply(self: Workshop, path: str, value: Any) -> Any:
        try:
            return apply(self, path, value)
        finally:
            applied.append(time.perf_counter())

    def _render_line(self: SuiteStatusBar) -> None:
        render_line(self)
        updates.append((time.perf_counter(), len(applied)))

    def _render_lines(self: SuiteStatusBar, crop: Any) -> Any:
        strips = render_lines(self, crop)
        paints.append(time.perf_counter())
        return strips

    def _save(self: Workshop) -> bool:
        start = time.perf_counter()
        try:
            return save(self)
        finally:
            saves.append(time.perf_counter() - start)

    patches = [
        (Workshop, "apply", apply, _apply),
        (SuiteStatusBar, "_render_line", render_line, _render_line),
        (SuiteStatusBar, "render_lines", render_lines, _render_lines),
        (Workshop, "save", save, _save),
    ]
    for owner, name, _old, new in patches:
        setattr(owner, name, new)
    sent: list[float] = []
    try:
        app = WorkbenchApp(folder, clock=lambda: FIXED_NOW, save_delay=save_delay)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await _open_editor(pilot)
            await pilot.press("ctrl+n", "end")
            await _settle(pilot)
            focused = app.focused
            assert focused is not None and focused.parent is not None
            assert focused.parent.id == "field-fit-min-employees", focused.parent.id
            base = len(applied)
            saves.clear()
            start = time.perf_counter()
            for index, key in enumerate(key_sequence(keys)):
                await asyncio.sleep(max(0.0, start + index * PACE_S - time.perf_counter()))
                sent.append(time.perf_counter())
                send_key(app, key)
            await asyncio.sleep(PACE_S)
            await _settle(pilot)
            await asyncio.sleep(save_delay + 0.2)
            await _settle(pilot)
            if len(applied) - base != keys:
                raise RuntimeError(f"{keys} keys, {len(applied) - base} edits applied")
            if screen.workshop.dirty or screen.invalid:
                raise RuntimeError("the draft was not saved")
    finally:
        for owner, name, old, _new in patches:
            setattr(owner, name, old)
    painted = []
    for index, t_sent in enumerate(sent):
        update = next(t for t, count in updates if count >= base + index + 1)
        painted.append(next(t for t in paints if t >= update) - t_sent)
    return {"painted": painted, "saves": saves}


async def session_steps(folder: Path) -> dict[str, Any]:
    """ctrl+n through every step (first visits mount the step: Lazy), ctrl+b back through
    them (revisits). Per switch: from the key to the first refresh showing the new step with
    the cursor in it."""
    watch = PaintWatch()
    uninstall = watch.install()
    first: list[tuple[str, float]] = []
    again: list[tuple[str, float]] = []
    try:
        app = WorkbenchApp(folder, clock=lambda: FIXED_NOW, save_delay=0, evidence_delay=3600)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await _open_editor(pilot)
            steps = [key for key, _label in screen.steps()]

            def shown(key: str) -> Callable[[], bool]:
                def condition() -> bool:
                    panes = screen.query(f"#pane-{key}")
                    if screen._tabs().active != f"step-{key}" or not panes:
                        return False
                    pane = panes.first()
                    focused = app.focused
                    has_field = any(w.focusable for w in pane.query("*"))
                    inside = focused is not None and pane in focused.ancestors_with_self
                    return pane.size.area > 0 and (inside or not has_field)

                return condition

            for order, key_name, into in (
                (steps[1:], "ctrl+n", first),
                (list(reversed(steps[:-1])), "ctrl+b", again),
            ):
                for key in order:
                    watch.arm(shown(key))
                    t0 = time.perf_counter()
                    send_key(app, key_name)
                    into.append((key, await watch.wait(f"step {key}") - t0))
                    await _settle(pilot)
    finally:
        uninstall()
    return {"first": first, "again": again}


async def session_own(folder: Path, repeats: int) -> dict[str, Any]:
    """The segments step, the second segment's (Mid-market, on the main rules) own rules open: "Give it its own triggers"
    then "Use the main triggers", `repeats` times. Per press: to the first refresh showing
    the rebuilt pane."""
    from textual.widgets import Button, Collapsible

    watch = PaintWatch()
    uninstall = watch.install()
    give: list[float] = []
    main: list[float] = []
    try:
        app = WorkbenchApp(folder, clock=lambda: FIXED_NOW, save_delay=0, evidence_delay=3600)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await _open_editor(pilot)
            screen.show_step("segments")
            await _settle(pilot)
            screen.query_one("#own-segments-1", Collapsible).collapsed = False
            await _settle(pilot)
            widgets = 0
            for _ in range(repeats):
                for press, expect, into in (
                    ("own-segments-1-triggers", "main-segments-1-triggers", give),
                    ("main-segments-1-triggers", "own-segments-1-triggers", main),
                ):
                    button = screen.query_one(f"#{press}", Button)

                    def rebuilt(expect: str = expect) -> bool:
                        found = screen.query(f"#{expect}")
                        return bool(found) and found.first().size.area > 0

                    watch.arm(rebuilt)
                    t0 = time.perf_counter()
                    button.press()
                    into.append(await watch.wait(press) - t0)
                    await _settle(pilot)
                    widgets = max(widgets, len(list(screen.walk_children(with_self=True))))
            if screen.workshop.dirty:
                raise RuntimeError("the draft was not saved")
    finally:
        uninstall()
    return {"give": give, "main": main, "widgets": widgets}


async def session_sign(folder: Path, rounds: int) -> dict[str, Any]:
    """Sign (both sides, as the sign-off step posts it) until the "Commit it to git now?"
    question is painted, then answer "Commit now" until git's commit has finished; then a
    new version is started and opened, and the next round signs that."""
    from workbench.core.files import git
    from workbench.tui.components.modals import ConfirmModal
    from workbench.tui.components.signoff_pane import SignRequested

    done: list[float] = []
    commit = git.commit

    def _commit(*args: Any) -> str:
        try:
            return commit(*args)
        finally:
            done.append(time.perf_counter())

    git.commit = _commit  # type: ignore[assignment]
    watch = PaintWatch()
    uninstall = watch.install()
    signed: list[float] = []
    committed: list[float] = []
    try:
        app = WorkbenchApp(folder, clock=lambda: FIXED_NOW, save_delay=0, evidence_delay=3600)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await _open_editor(pilot)
            for round_ in range(rounds):
                watch.arm(lambda: isinstance(app.screen, ConfirmModal))
                t0 = time.perf_counter()
                screen.post_message(
                    SignRequested(
                        ("Dana Reyes", "VP Marketing"), ("Sam Ortiz", "VP Sales"), REVIEW_DATE
                    )
                )
                signed.append(await watch.wait("sign") - t0)
                modal = app.screen
                assert isinstance(modal, ConfirmModal) and "git commit" in modal.question, modal
                done.clear()
                t1 = time.perf_counter()
                modal.dismiss("commit")
                while not done:
                    await asyncio.sleep(0.001)
                committed.append(done[0] - t1)
                await _settle(pilot)
                if round_ + 1 < rounds:
                    slug = screen.workshop.definition.slug
                    app.open_definition(app.start_new_version(slug))
                    await _settle(pilot)
                    screen = app.screen  # type: ignore[assignment]
                    assert isinstance(screen, EditorScreen)
        log = subprocess.run(
            ["git", "-C", str(folder.parent), "log", "--oneline"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        if len(log) != rounds + 1:
            raise RuntimeError(f"{rounds} signings, git log has {len(log)} commits")
    finally:
        uninstall()
        git.commit = commit  # type: ignore[assignment]
    return {"signed": signed, "committed": committed}


def git_folder(definition: Definition, where: Path) -> Path:
    """A definitions folder in a fresh git repository, its draft committed."""
    folder = where / "definitions"
    store.create(definition, folder)
    for args in (
        ["init", "-q"],
        ["config", "user.name", "Bench"],
        ["config", "user.email", "bench@example.invalid"],
        ["config", "commit.gpgsign", "false"],
        ["add", "."],
        ["commit", "-qm", "draft"],
    ):
        subprocess.run(["git", "-C", str(where), *args], check=True, capture_output=True)
    return folder


def stats_cells(samples: list[float]) -> str:
    return (
        f"{len(samples)} | {ms(statistics.median(samples)):.1f} | {ms(pct(samples, 0.95)):.1f} "
        f"| {ms(max(samples)):.1f}"
    )


def bench_interactions(rounds: int, paced_keys: int, trees: dict[str, dict[str, str]]) -> None:
    """Each kind in fresh processes, the variants (and code trees) alternating."""
    base = Path(tempfile.mkdtemp(prefix="bench-tui-interactions-"))
    folders: dict[str, Path] = {}
    for stage in KEY_STAGES:
        for label, count in ((f"{CASES} cases", CASES), ("template", None)):
            folder = base / f"{stage}-{label.replace(' ', '-')}" / "definitions"
            store.create(definition_with_cases(stage, count), folder)
            folders[f"{stage} {label}"] = folder
    paced: dict[str, dict[str, list[float]]] = {}
    for _ in range(rounds):
        for tree, env in trees.items():
            for name, folder in folders.items():
                got = run_child(env, "paced", folder, paced_keys)
                into = paced.setdefault(f"{name}{tree}", {"painted": [], "saves": []})
                into["painted"] += got["painted"]
                into["saves"] += got["saves"]
    print(
        f"### 4. Keystroke to repaint typed at {1 / PACE_S:.0f} keys/s, autosave after every "
        f"key running while the next keys arrive ({rounds} sessions x {paced_keys} keys, "
        "alternating, headless 120x40)\n"
    )
    print("| stage | variant | keys | painted median ms | p95 ms | worst ms | autosave median ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, got in paced.items():
        stage, label = name.split(" ", 1)
        print(
            f"| {stage} | {label} | {stats_cells(got['painted'])} "
            f"| {ms(statistics.median(got['saves'])):.1f} |"
        )
    for tree in trees:
        for stage in KEY_STAGES:
            big = statistics.median(paced[f"{stage} {CASES} cases{tree}"]["painted"])
            small = statistics.median(paced[f"{stage} template{tree}"]["painted"])
            print(
                f"\n{stage}{tree}: painted median, {CASES} / template: {big / small:.2f}x", end=""
            )
    print("\n")

    stage_folder = base / "steps" / "definitions"
    store.create(definition_with_cases(INTERACTION_STAGE, CASES), stage_folder)
    first: dict[str, dict[str, list[float]]] = {tree: {} for tree in trees}
    again: dict[str, dict[str, list[float]]] = {tree: {} for tree in trees}
    own: dict[str, dict[str, list[float]]] = {tree: {"give": [], "main": []} for tree in trees}
    signing: dict[str, dict[str, list[float]]] = {
        tree: {"signed": [], "committed": []} for tree in trees
    }
    widgets = 0
    for index in range(rounds):
        for tree, env in trees.items():
            got = run_child(env, "steps", stage_folder, 0)
            for key, seconds in got["first"]:
                first[tree].setdefault(key, []).append(seconds)
            for key, seconds in got["again"]:
                again[tree].setdefault(key, []).append(seconds)
            got = run_child(env, "own", stage_folder, 3)
            own[tree]["give"] += got["give"]
            own[tree]["main"] += got["main"]
            widgets = got["widgets"]
            where = base / f"sign-{index}{tree.replace(' ', '').replace('@', '-')}"
            sign_folder = git_folder(definition_with_cases("3m-10m", CASES), where)
            got = run_child(env, "sign", sign_folder, 2)
            signing[tree]["signed"] += got["signed"]
            signing[tree]["committed"] += got["committed"]
    print(
        f"### 5. Step switch ({INTERACTION_STAGE}, {CASES} cases, {rounds} sessions; ctrl+n "
        "through the steps (first visits) then ctrl+b back (revisits), each to the first "
        "refresh showing the step with the cursor in it; headless 120x40)\n"
    )
    print("| code | step | first visit median ms | worst ms | revisit median ms | worst ms |")
    print("|---|---|---:|---:|---:|---:|")
    for tree in trees:
        for key, samples in first[tree].items():
            back = again[tree].get(key, [])
            revisit = (
                f"{ms(statistics.median(back)):.1f} | {ms(max(back)):.1f}" if back else "— | —"
            )
            print(
                f"| {tree or 'this tree'} | {key} | {ms(statistics.median(samples)):.1f} "
                f"| {ms(max(samples)):.1f} | {revisit} |"
            )
    print()
    for tree in trees:
        every_first = [x for v in first[tree].values() for x in v]
        every_again = [x for v in again[tree].values() for x in v]
        print(
            f"{tree or 'this tree'}: all first visits median "
            f"{ms(statistics.median(every_first)):.1f} ms, p95 {ms(pct(every_first, 0.95)):.1f} "
            f"ms; all revisits median {ms(statistics.median(every_again)):.1f} ms, p95 "
            f"{ms(pct(every_again, 0.95)):.1f} ms.\n"
        )
    print(
        f"### 6. Segments step: own triggers and back ({INTERACTION_STAGE}, {CASES} cases, "
        f"{rounds} sessions x 3; press to the first refresh of the rebuilt pane; the screen "
        f"then holds {widgets} widgets)\n"
    )
    print("| code | press | n | median ms | p95 ms | worst ms |")
    print("|---|---|---:|---:|---:|---:|")
    for tree in trees:
        name = tree or "this tree"
        print(f"| {name} | Give Mid-market its own triggers | {stats_cells(own[tree]['give'])} |")
        print(f"| {name} | Use the main triggers | {stats_cells(own[tree]['main'])} |")
    print(f"\n### 7. Sign to commit (3m-10m, {CASES} cases, {rounds} sessions x 2 signings)\n")
    print("| code | step | n | median ms | p95 ms | worst ms |")
    print("|---|---|---:|---:|---:|---:|")
    for tree in trees:
        name = tree or "this tree"
        signed, committed = signing[tree]["signed"], signing[tree]["committed"]
        total = [a + b for a, b in zip(signed, committed, strict=True)]
        print(f"| {name} | sign: to the commit question painted | {stats_cells(signed)} |")
        print(f"| {name} | commit: 'Commit now' to git done | {stats_cells(committed)} |")
        print(f"| {name} | both (reading time excluded) | {stats_cells(total)} |")
    print()


def run_child(env: dict[str, str], kind: str, folder: Path, count: int) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--session", str(folder), "--session-kind", kind]
    _l, _e, out, _err = launch([*argv, "--session-keys", str(count)], env)
    return last_json(out, "BENCH ")


def run_interaction_session(kind: str, folder: Path, count: int) -> None:
    if kind == "paced":
        got = asyncio.run(session_paced(folder, count, 0.0))
    elif kind == "steps":
        got = asyncio.run(session_steps(folder))
    elif kind == "own":
        got = asyncio.run(session_own(folder, count))
    else:
        got = asyncio.run(session_sign(folder, count))
    print("BENCH " + json.dumps(got))


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--startup-runs", type=int, default=15)
    parser.add_argument("--help-runs", type=int, default=15)
    parser.add_argument("--keys", type=int, default=50, help="keystrokes per variant")
    parser.add_argument("--rounds", type=int, default=3, help="alternating sessions")
    parser.add_argument("--profile", action="store_true", help="cProfile the keystroke path")
    parser.add_argument("--terminal-runs", type=int, default=20, help="tmux start-up runs")
    parser.add_argument("--before", help="also start the workbench at this git ref (tmux)")
    parser.add_argument("--interaction-rounds", type=int, default=3)
    parser.add_argument("--paced-keys", type=int, default=24)
    parser.add_argument(
        "--only",
        choices=["terminal", "keys", "interactions"],
        help="run only the tmux start-up or only sections 4-7",
    )
    parser.add_argument("--profile-keys", type=int, default=20, help="keys in the profile")
    parser.add_argument("--session", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--session-keys", type=int, default=18, help=argparse.SUPPRESS)
    parser.add_argument("--session-kind", default="keys", help=argparse.SUPPRESS)
    args = parser.parse_args()

    setattr(Input, "cursor_blink", False)  # noqa: B010 (a blink timer repaints between keys)
    os.environ["TZ"] = "UTC"
    time.tzset()
    if args.session is not None:
        if args.session_kind == "keys":
            run_session(args.session, args.session_keys)
        else:
            run_interaction_session(args.session_kind, args.session, args.session_keys)
        return
    started = time.perf_counter()
    print(
        f"Python {platform.python_version()}, Textual {textual.__version__}, "
        f"{cpu_model()}, {os.cpu_count()} CPUs, load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}\n"
    )
    trees = {"": child_env()}
    if args.before is not None:
        old = code_at(args.before, Path(tempfile.mkdtemp(prefix="bench-tui-before-")))
        trees[f" @{args.before}"] = {**child_env(), "BENCH_WORKBENCH": str(old)}
    if args.only in (None, "terminal"):
        bench_terminal_startup(args.terminal_runs, args.before)
    if args.only is None:
        startup = bench_startup(args.startup_runs)
        print_startup(startup, args.startup_runs)
        bench_help(args.help_runs)
    if args.only in (None, "keys"):
        keys = bench_keys(args.keys, args.rounds, trees)
        print_keys(keys, args.rounds)
    if args.only in (None, "interactions"):
        bench_interactions(args.interaction_rounds, args.paced_keys, trees)
    if args.profile:
        print_import_times()
        asyncio.run(profile_keys(args.profile_keys))
    print(
        f"Total {time.perf_counter() - started:.0f} s; load average after: "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
