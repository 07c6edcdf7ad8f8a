"""Which invocations go straight to the app, and which to the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from workbench.launch import _app_folder


def test_the_app_commands_skip_the_cli() -> None:
    assert _app_folder([]) == Path("definitions")
    assert _app_folder(["open"]) == Path("definitions")
    assert _app_folder(["open", "elsewhere"]) == Path("elsewhere")


def test_everything_else_goes_to_the_cli() -> None:
    assert _app_folder(["--help"]) is None
    assert _app_folder(["open", "--help"]) is None
    assert _app_folder(["open", "a", "b"]) is None
    assert _app_folder(["test", "x.toml"]) is None


def test_python_m_workbench_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "stages"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "3m-10m" in done.stdout
