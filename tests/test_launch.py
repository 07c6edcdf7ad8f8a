"""Which invocations go straight to the app, which to the command line, and Ctrl-C early."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from workbench import launch
from workbench.launch import _app_target

ROOT = Path(__file__).resolve().parent.parent


def test_the_app_commands_skip_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for args in ([], ["open"]):
        target = _app_target(args)
        assert target is not None and target.folder == Path("definitions"), args
    elsewhere = _app_target(["open", "elsewhere"])
    assert elsewhere is not None and elsewhere.folder == Path("elsewhere")


def test_everything_else_goes_to_the_cli() -> None:
    assert _app_target(["--help"]) is None
    assert _app_target(["open", "--help"]) is None
    assert _app_target(["open", "a", "b"]) is None
    assert _app_target(["test", "x.toml"]) is None
    assert _app_target(["--leads", "l.csv", "--activities", "a.csv"]) is None


def test_open_a_version_file_opens_that_definition_in_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`workbench open definitions/x/v2.toml` used to show an empty home screen of `v2.toml`."""
    version = tmp_path / "definitions" / "acme" / "v2.toml"
    version.parent.mkdir(parents=True)
    version.write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    target = _app_target(["open", "definitions/acme/v2.toml"])
    assert target is not None
    assert target.folder == Path("definitions")
    assert target.definition_file() == Path("definitions/acme/v2.toml")


def test_python_m_workbench_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "stages"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "3m-10m" in done.stdout


# --- Ctrl-C ----------------------------------------------------------------------------


def test_ctrl_c_while_importing_exits_130_with_one_line() -> None:
    """Ctrl-C in the first half second lands in an import: no traceback, exit 130."""
    code = """
        import sys

        class CtrlC:
            def find_spec(self, name, path=None, target=None):
                if name == "typer":
                    raise KeyboardInterrupt
                return None

        sys.meta_path.insert(0, CtrlC())
        sys.argv = ["workbench", "stages"]
        from workbench.launch import main
        main()
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr == "interrupted\n"
    assert done.stdout == ""


def test_ctrl_c_before_the_app_paints_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(args: list[str]) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(launch, "_app_target", interrupted)
    monkeypatch.setattr(sys, "argv", ["workbench"])
    try:
        launch.main()
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped the entry point (a traceback for the user)")
    except SystemExit as stop:
        assert stop.code == 130
    else:
        pytest.fail("no exit code")
    assert capsys.readouterr().err == "interrupted\n"
