"""The `workbench` entry point: opening the workshop app skips the CLI machinery.

`workbench` (or `workbench open [DIR]`) is the command a facilitator types in front of the
room, so it goes straight to the app without importing typer and every command module; the
app paints its home screen before pydantic is even imported. Anything else, `--help`
included, goes to the full command line.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _app_folder(args: list[str]) -> Path | None:
    """The folder to open when the arguments only ask for the app; None otherwise."""
    from workbench.core.folder import DEFAULT_DIR

    if not args:
        return DEFAULT_DIR
    if args[0] == "open" and len(args) <= 2 and not any(a.startswith("-") for a in args[1:]):
        return Path(args[1]) if len(args) == 2 else DEFAULT_DIR
    return None


def main() -> None:
    folder = _app_folder(sys.argv[1:])
    if folder is not None:
        from workbench.tui.app import run_app

        run_app(folder)
        return
    from workbench.cli import main as cli_main

    cli_main()
