"""The typer app and what every command shares: error handling, common options.

Exit codes: 0 success, 1 a check failed (a suite case, a refused sign-off), 2 bad input or
usage. Errors are one located message on stderr, never a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from workbench.core.domain.errors import WorkbenchError
from workbench.core.domain.exits import INTERRUPT_EXIT, INTERRUPTED
from workbench.core.domain.safe_text import printable

if TYPE_CHECKING:
    from workbench.core.files.store import DefinitionFile

app = typer.Typer(
    name="workbench",
    help="Draft, test and sign an MQL definition and SLA with marketing and sales.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])

DirOption = Annotated[
    Path | None,
    typer.Option("--dir", "-d", help="Definitions folder. Default: ./definitions, or . inside it."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace an existing output file (never one it reads).")
]
# Lead history, for `backtest` and for the app's Evidence step (`open`).
LeadsOption = Annotated[
    Path | None,
    typer.Option(
        "--leads", help="Lead history (CSV or Parquet). Default: the folder's evidence.toml."
    ),
]
ActivitiesOption = Annotated[
    Path | None,
    typer.Option("--activities", help="The leads' activities (CSV or Parquet), with --leads."),
]
MappingOption = Annotated[
    str | None,
    typer.Option(
        "--mapping", "-m", help="Column mapping: hubspot, salesforce or a mapping TOML file."
    ),
]


def echo(text: str, *, nl: bool = True) -> None:
    """Every line the CLI prints to stdout: text from a file cannot steer the terminal."""
    typer.echo(printable(text), nl=nl)


def err(text: str) -> None:
    """Every line the CLI prints to stderr, made safe like `echo`."""
    print(printable(text), file=sys.stderr)


def warn_altered(path: Path, consequence: str = "") -> None:
    """The one message for a signed file whose content no longer matches its signed hash."""
    err(
        f"error: {path}: altered after signing: its content no longer matches the signed hash"
        f"{consequence}. Restore the signed file, or make the change as a new version."
    )


@contextlib.contextmanager
def marked_if_altered(
    *files: DefinitionFile | None, consequence: str = ", so what follows is not of what was signed"
) -> Iterator[None]:
    """A signed file altered after signing, read by a command that still answers (a report,
    lint, a verdict): said first, the command's output as usual, then exit 1, as `show`,
    `test` and `backtest` do. `sla` over a hand-edited "5000 minutes" said nothing before."""
    altered = [f for f in files if f is not None and f.altered]
    for found in altered:
        warn_altered(found.path, consequence)
    yield
    if altered:
        raise typer.Exit(1)


def friendly(command: F) -> F:
    """Turn a WorkbenchError into its message and exit code instead of a traceback, and
    Ctrl-C into one line and exit 130 (what the entry point does before a command runs).
    DuckDB running out of memory, raised as it is or behind a loader's message, is the memory
    policy's one message (the limit, how to raise it) and exit 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return command(*args, **kwargs)
            except Exception as error:
                from workbench.core.evidence.connection import out_of_memory

                loaded = "duckdb" in sys.modules and not isinstance(error, typer.Exit)
                memory = out_of_memory(error) if loaded else None
                if memory is None:
                    raise
                raise memory from None
        except WorkbenchError as error:
            for problem in error.problems:
                err(f"error: {problem}")
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            err(INTERRUPTED)
            raise typer.Exit(INTERRUPT_EXIT) from None

    return wrapper  # type: ignore[return-value]


def main() -> None:
    app()
