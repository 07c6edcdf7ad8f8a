"""The `workbench` entry point: opening the workshop app skips the CLI machinery.

`workbench` (or `workbench open [DIR|PATH]`) is the command a facilitator types in front of
the room, so it goes straight to the app without importing typer and every command module;
the app paints its home screen before pydantic is even imported. Anything else, `--help`
included, goes to the full command line.

Ctrl-C at any moment, imports included, ends with one line and exit code 130 (the shell's
code for an interrupt), never a traceback.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.core.files.target import Target

from workbench.core.domain.exits import INTERRUPT_EXIT, INTERRUPTED


def _app_target(args: list[str]) -> Target | None:
    """What to open when the arguments only ask for the app; None otherwise."""
    if args and not (
        args[0] == "open" and len(args) <= 2 and not any(a.startswith("-") for a in args[1:])
    ):
        return None
    from pathlib import Path

    from workbench.core.files.target import resolve

    return resolve(Path(args[1]) if len(args) == 2 else None)


def _run(args: list[str]) -> None:
    target = _app_target(args)
    if target is not None:
        from workbench.tui.app import run_app

        run_app(target.folder, None, target.definition_file())
        return
    from workbench.cli import main as cli_main

    cli_main()


def main() -> None:
    try:
        _run(sys.argv[1:])
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        sys.exit(INTERRUPT_EXIT)
