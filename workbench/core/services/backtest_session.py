"""Backtesting a definition on lead history: the use case `workbench backtest` and the app's
Evidence step share.

`load_history` is the one way lead history becomes tables (mapping resolved, files loaded,
"no usable rows" refused); the CLI calls it once per command, and the app's `EvidenceSession`
once per app session.

One `EvidenceSession` per app: the first backtest loads the folder's lead history (the
`--leads/--activities` flags of `workbench open`, else the folder's evidence.toml) into one
DuckDB connection, and every later backtest, for whichever definition is open, reuses it.
Everything here runs in worker threads; the connection is used by one thread at a time
(`_lock`), and a run that a newer one supersedes is interrupted (`con.interrupt()`) rather
than left to finish. Nothing here imports Textual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from workbench.core.domain import clock
from workbench.core.domain.errors import WorkbenchError

if TYPE_CHECKING:
    import duckdb

    from workbench.core.domain.definition import Definition
    from workbench.core.evidence.backtest import Backtest, Comparison
    from workbench.core.evidence.load import Problems
    from workbench.core.evidence.settings import EvidenceSource

T = TypeVar("T")

Note = Callable[[str], None]
"""Where a run reports what it is doing: 'loading leads.csv', 'replaying acme v2 40%'."""


class Closed(Exception):
    """The app is closing: a run stops at its next report."""


class NoSource(Exception):
    """No lead history is configured for this folder."""


@dataclass(frozen=True)
class Outcome:
    """What one run produced: a backtest, or a comparison with the signed version."""

    source: EvidenceSource
    problems: Problems | None
    backtest: Backtest | None = None
    comparison: Comparison | None = None


@dataclass(frozen=True)
class _Loaded:
    con: duckdb.DuckDBPyConnection
    source: EvidenceSource
    problems: Problems | None


class EvidenceSession:
    """The lead history of one definitions folder, loaded once per app session."""

    def __init__(self, folder: Path, flags: EvidenceSource | None = None) -> None:
        self.folder = folder
        self.flags = flags
        self._lock = threading.Lock()  # one thread at a time on the connection
        self._state = threading.Lock()  # generation, busy, closed
        self._loaded: _Loaded | None = None
        self._generation = 0
        self._busy: duckdb.DuckDBPyConnection | None = None  # a backtest runs on it
        self._loading: duckdb.DuckDBPyConnection | None = None  # the history loads into it
        self._closed = False
        # The signed side of the last comparison, by the definition it replayed: the room
        # edits the draft, so the signed version is replayed once per session, not per edit.
        self._base: tuple[str, Backtest] | None = None
        # The regions and industries the loaded history uses (set once, when it loads; read
        # from the UI thread without the lock): None until then, so fields warn of nothing.
        self.history_values: dict[str, tuple[str, ...]] | None = None

    # --- called from the UI thread ---------------------------------------------------------

    def supersede(self) -> int:
        """A newer run is wanted: interrupt the backtest under way, if any; the new run's id.

        A load under way is left to finish: the newer run needs the same tables."""
        with self._state:
            self._generation += 1
            if self._busy is not None:
                self._busy.interrupt()
            return self._generation

    def is_current(self, generation: int) -> bool:
        return generation == self._generation and not self._closed

    @property
    def loaded(self) -> bool:
        return self._loaded is not None

    def close(self) -> None:
        """The app is closing: stop whatever runs, so quitting never waits for a backtest."""
        with self._state:
            self._closed = True
            self._generation += 1
            for con in (self._busy, self._loading):
                if con is not None:
                    con.interrupt()

    # --- called from a worker thread -------------------------------------------------------

    def names_a_source(self) -> bool:
        """Whether there is a lead history to read (flags, or the folder's evidence.toml),
        without reading it: the room may pick the files when there is none."""
        from workbench.core.evidence.settings import settings_path

        return self.flags is not None or settings_path(self.folder).is_file()

    def source(self) -> EvidenceSource:
        """The flags given when the app was opened, else the folder's evidence.toml."""
        if self.flags is not None:
            return self.flags
        from workbench.core.evidence.settings import load_source

        found = load_source(self.folder)
        if found is None:
            raise NoSource
        return found

    def run(
        self,
        generation: int,
        definition: Definition,
        base: Definition | None,
        note: Note,
    ) -> Outcome | None:
        """Backtest `definition` (against `base` when given); None when superseded.

        Raises NoSource, a WorkbenchError (a missing file or column, a bad mapping or
        evidence.toml: the panel shows its message), or Closed.
        """
        import duckdb

        from workbench.core.evidence.backtest import BEFORE_TABLE, backtest, compare

        def loading(stage: str, fraction: float | None = None) -> None:
            if self._closed:
                raise Closed
            share = f" {fraction * 100:.0f}%" if fraction is not None else ""
            note(f"{stage}{share}")

        def progress(stage: str, fraction: float | None = None) -> None:
            if not self.is_current(generation) and not self._closed:
                raise _Superseded  # between queries, where an interrupt would be forgotten
            loading(stage, fraction)

        with self._lock:
            if not self.is_current(generation):
                return None
            loaded = self._load(loading)
            if not self.is_current(generation):
                return None
            with self._state:
                # Checked under the lock `supersede` takes: a newer run that arrives after this
                # finds the connection busy and interrupts it.
                if self._generation != generation:
                    return None
                self._busy = loaded.con
            try:
                if base is not None:
                    key = base.model_dump_json()
                    if self._base is None or self._base[0] != key:
                        self._base = None  # until the base's events are in place
                        before = backtest(loaded.con, base, progress, table=BEFORE_TABLE)
                        self._base = (key, before)
                    comparison = compare(
                        loaded.con, base, definition, progress, before_result=self._base[1]
                    )
                    return Outcome(loaded.source, loaded.problems, comparison=comparison)
                result = backtest(loaded.con, definition, progress)
                return Outcome(loaded.source, loaded.problems, backtest=result)
            except (duckdb.InterruptException, _Superseded):
                if self._closed:
                    raise Closed from None
                return None
            finally:
                with self._state:
                    self._busy = None

    def read(
        self,
        work: Callable[[duckdb.DuckDBPyConnection, EvidenceSource, Problems | None], T],
        note: Note,
    ) -> T | None:
        """Run `work` over the loaded history (loading it first): another reading of the same
        tables, such as the Analysis tab's. It waits for a backtest under way rather than
        stopping it; a backtest asked for meanwhile (`supersede`) stops it instead, and it
        returns None (the caller runs it again later). Raises like `run`."""
        import duckdb

        def loading(stage: str, fraction: float | None = None) -> None:
            if self._closed:
                raise Closed
            note(f"{stage}{f' {fraction * 100:.0f}%' if fraction is not None else ''}")

        with self._lock:
            if self._closed:
                raise Closed
            loaded = self._load(loading)
            with self._state:
                if self._closed:
                    raise Closed
                self._busy = loaded.con  # so that `close` (and a newer backtest) stops it
            try:
                return work(loaded.con, loaded.source, loaded.problems)
            except duckdb.InterruptException:
                if self._closed:
                    raise Closed from None
                return None
            finally:
                with self._state:
                    self._busy = None

    def _load(self, progress: Callable[[str, float | None], None]) -> _Loaded:
        """The tables, loaded on first use; a failed load is tried again on the next run."""
        if self._loaded is not None:
            return self._loaded
        import duckdb

        from workbench.core.evidence.connection import close_duckdb, open_duckdb

        source = self.source()
        con = open_duckdb()  # its spill folder goes with the app (or a failed load, below)
        with self._state:
            self._loading = con
        try:
            problems = load_history(con, source, progress=lambda stage: progress(stage, None))
        except duckdb.InterruptException:
            close_duckdb(con)
            raise Closed from None
        except BaseException:
            close_duckdb(con)
            raise
        finally:
            with self._state:
                self._loading = None
        from workbench.core.evidence.distinct import FIT_COLUMNS, distinct_values

        # The values the history uses, for the fields' "never in your history" warnings.
        self.history_values = {column: distinct_values(con, column) for column in FIT_COLUMNS}
        self._loaded = _Loaded(con, source, problems)
        return self._loaded


def load_history(
    con: duckdb.DuckDBPyConnection,
    source: EvidenceSource,
    progress: Callable[[str], None] | None = None,
    left_out: Callable[[Problems], None] | None = None,
) -> Problems:
    """The lead history `source` names, loaded into `con` as the canonical tables.

    Raises a located WorkbenchError for a bad mapping, a missing file or column, or a
    history with no usable rows; the problems returned are what loading left out, also
    handed to `left_out` before the no-rows check (so a caller can show them first). A time
    after the clock's now (and a day) does not read: nothing has happened since the export."""
    from workbench.core.evidence.backtest import require_rows
    from workbench.core.evidence.load import load_to_duckdb
    from workbench.core.evidence.mapping import resolve_mapping

    mapping = resolve_mapping(source.mapping)
    problems = load_to_duckdb(
        con, source.leads, source.activities, mapping, progress=progress, now=clock.now()
    )
    if left_out is not None:
        left_out(problems)
    require_rows(problems)
    return problems


class _Superseded(Exception):
    """A newer run was asked for while this one was between queries."""


def error_lines(error: BaseException) -> list[str]:
    """A loading or backtest failure as a person reads it: the core's located message (for
    DuckDB out of memory, the limit and how to raise it)."""
    from workbench.core.evidence.connection import out_of_memory

    error = out_of_memory(error) or error
    if isinstance(error, WorkbenchError):
        return [str(problem) for problem in error.problems]
    return [f"{type(error).__name__}: {error}"]
