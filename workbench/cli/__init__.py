"""The `workbench` command line: thin typer commands over `workbench.core`.

Each module registers its commands on the one typer app; Textual is imported only by `open`
(and textual-serve only by `serve`), so `workbench --help` stays fast.
"""

from workbench.cli import analyze as analyze
from workbench.cli import checks as checks
from workbench.cli import clause_evidence as clause_evidence
from workbench.cli import definitions as definitions
from workbench.cli import evidence as evidence
from workbench.cli import exports as exports
from workbench.cli import history as history
from workbench.cli import mapping as mapping
from workbench.cli import metrics as metrics
from workbench.cli import review as review
from workbench.cli import scoring as scoring
from workbench.cli import serve as serve
from workbench.cli import sla as sla
from workbench.cli._app import app, main

__all__ = ["app", "main"]
