"""The `workbench` entry point: with no arguments, straight to the workshop app.

`workbench` alone is the command a facilitator types in front of the room, so it skips the
CLI machinery (typer and every command module) and opens the app on ./definitions at once.
Anything else goes to the full command line.
"""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) == 1:
        from workbench.core.folder import DEFAULT_DIR
        from workbench.tui.app import run_app

        run_app(DEFAULT_DIR)
        return
    from workbench.cli import main as cli_main

    cli_main()
