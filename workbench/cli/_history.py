"""The lead history the evidence commands read, opened one way for all of them.

`analyze`, `metrics`, `review` and `sla` each take PATH plus optional --leads/--activities/
--mapping (else the folder's evidence.toml), load both files through the loader, print what the
loader emptied or left out on stderr, and describe the data the same way in their reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.cli._app import err

if TYPE_CHECKING:
    import duckdb

    from workbench.core.evidence.load import Problems


@dataclass(frozen=True)
class History:
    """An open connection holding `leads` and `activities`, what loading them found, and
    the sources named as the reports name them."""

    con: duckdb.DuckDBPyConnection
    problems: Problems
    described: str


@contextmanager
def open_history(
    path: Path, leads: Path | None, activities: Path | None, mapping: str | None
) -> Iterator[History]:
    """Load the history PATH's folder (or the options) names; the connection closes after."""
    from workbench.core.evidence.connection import duckdb_connection
    from workbench.core.evidence.settings import choose_source, definitions_folder
    from workbench.core.services.analysis_session import describe_source
    from workbench.core.services.backtest_session import load_history

    source = choose_source(definitions_folder(path), leads, activities, mapping)
    with duckdb_connection() as con:
        problems = load_history(con, source)
        for line in problems.lines() if problems.skipped or problems.emptied else []:
            err(line)
        yield History(con, problems, describe_source(source, problems))
