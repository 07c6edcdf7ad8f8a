"""Errors a person can act on: which file, which line, which field, what was expected.

Front-ends print `str(error)` and exit with `error.exit_code`; they never show a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.core.domain.safe_text import printable


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    message: str
    file: Path | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        """The located message; controls in it (a crafted key, a file name) are escaped."""
        where = ""
        if self.file is not None:
            where = printable(str(self.file), one_line=True)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        field = f"{printable(self.field, one_line=True)}: " if self.field else ""
        return f"{where}{field}{printable(self.message)}"


class WorkbenchError(Exception):
    """Base: a message for a person and the exit code a script can branch on."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class InputError(WorkbenchError):
    """Bad input or usage: malformed file, unknown key, wrong type, bad slug. Exit 2."""

    exit_code = 2


class CheckFailed(WorkbenchError):
    """A check the input was put to failed: a refused sign-off, a failing suite. Exit 1."""

    exit_code = 1


class AlreadyExists(WorkbenchError):
    """A refusal to overwrite a file that exists (`new`, `export` without --force,
    `sample-data`). Exit 1, the same for every command: the README's table gives 1 to "a check
    failed or was refused"; the input was well formed, the disk's state refused it."""

    exit_code = 1


class ConflictError(WorkbenchError):
    """The file on disk is not what we read: someone else changed it. Nothing was written."""

    exit_code = 1


class SignedVersionError(WorkbenchError):
    """A signed version is a contract: it is never rewritten, only superseded."""

    exit_code = 1
