"""What the command-line tests share: invoking `workbench`, and reading a refusal."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from workbench.cli import app


def run(runner: CliRunner, *args: str | Path) -> Result:
    """`workbench ARGS...`, as a shell would pass them."""
    return runner.invoke(app, [str(a) for a in args])


def one_error(result: Result, code: int, *needles: str) -> str:
    """Exit `code`, one error line on stderr mentioning `needles`, no traceback anywhere."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    for needle in needles:
        assert needle in errors[0], (needle, errors[0])
    return errors[0]
