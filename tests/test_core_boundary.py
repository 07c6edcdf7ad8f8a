"""The core never imports a UI library, and the CLI does not pull in Textual to print help.

Each check runs in a fresh interpreter (`sys.executable`), because this test process may
already have imported Textual or typer for other tests.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import workbench.core

UI_LIBRARIES = ("textual", "typer", "click", "rich")
ROOT = Path(__file__).resolve().parent.parent


def core_modules() -> list[str]:
    """Every module of the core, in every layer and below (`core/evidence/` included)."""
    found = [
        info.name
        for info in pkgutil.walk_packages(workbench.core.__path__, prefix="workbench.core.")
        if not info.name.rsplit(".", 1)[-1].startswith("_")
    ]
    return sorted(found)


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def loaded_ui_modules(imports: list[str]) -> list[str]:
    code = f"""
        import importlib, json, sys
        for name in {imports!r}:
            importlib.import_module(name)
        ui = {UI_LIBRARIES!r}
        bad = sorted(m for m in sys.modules if m.split('.')[0] in ui)
        print(json.dumps(bad))
    """
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_boundary_checks_reach_every_layer_and_below() -> None:
    modules = core_modules()
    for expected in (
        "domain.definition",
        "domain.evaluator",
        "files.store",
        "evidence.engine",
        "render.export",
        "services.workshop",
        "services.backtest_session",
    ):
        assert f"workbench.core.{expected}" in modules
    on_disk = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in (ROOT / "workbench" / "core").rglob("*.py")
        if not path.name.startswith("_")
    }
    assert on_disk <= set(modules), "a module the walk does not reach is not checked"


def test_importing_the_core_package_loads_no_ui_library() -> None:
    assert loaded_ui_modules(["workbench.core"]) == []


def test_importing_every_core_module_loads_no_ui_library() -> None:
    assert loaded_ui_modules(["workbench", "workbench.core", *core_modules()]) == []


def test_the_cli_core_dependencies_load_no_ui_library() -> None:
    # What the CLI modules import from the core, without the CLI itself (which needs typer).
    cli_source = "\n".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "workbench" / "cli").glob("*.py")
    )
    used = sorted(
        {
            line.split()[1]
            for line in cli_source.splitlines()
            if line.startswith("from workbench.core")
        }
    )
    assert "workbench.core.domain.evaluator" in used
    assert loaded_ui_modules(used) == []


def test_the_subprocess_check_can_fail() -> None:
    # Guard against a vacuous check: importing typer must be seen.
    assert "typer" in loaded_ui_modules(["typer"])


def test_importing_the_cli_does_not_import_textual() -> None:
    done = run_python(
        """
        import sys
        import workbench.cli
        print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_workbench_help_runs_without_importing_textual() -> None:
    done = run_python(
        """
        import runpy, sys
        sys.argv = ['workbench', '--help']
        code = 0
        try:
            runpy.run_module('workbench', run_name='__main__', alter_sys=True)
        except SystemExit as stop:
            code = stop.code or 0
        textual = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')
        print('EXIT', code)
        print('TEXTUAL', textual)
        """
    )
    assert done.returncode == 0, done.stderr
    assert "EXIT 0" in done.stdout
    assert "TEXTUAL []" in done.stdout
    for command in ("stages", "new", "show", "test", "evaluate", "sign"):
        assert command in done.stdout


def test_python_dash_m_workbench_help_exits_zero() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "evaluate" in done.stdout
