"""The MQL domain: models, stage templates, evaluator, suite, files and sign-off.

Nothing in this package imports a UI library (a test proves it), so the CLI, the TUI and
CI checks all apply exactly the same rules.
"""

from workbench.core.definition import Definition, EdgeCase, Expectation
from workbench.core.errors import CheckFailed, ConflictError, InputError, WorkbenchError
from workbench.core.evaluator import evaluate
from workbench.core.lead import Lead
from workbench.core.suite import SuiteResult, run_suite
from workbench.core.verdict import Reason, Verdict

__all__ = [
    "CheckFailed",
    "ConflictError",
    "Definition",
    "EdgeCase",
    "Expectation",
    "InputError",
    "Lead",
    "Reason",
    "SuiteResult",
    "Verdict",
    "WorkbenchError",
    "evaluate",
    "run_suite",
]
