"""The one way the workbench opens DuckDB for evidence work, and its memory policy.

Why a policy: DuckDB's own limit is 80% of the machine's memory, so a backtest of a few
million leads took 2.6-2.9 GB (BENCHMARKS.md, issue 16) and a laptop that also runs a browser
swaps. Under a limit DuckDB spills to disk instead, with the same results and some more CPU.

- The limit is 1500 MB (DuckDB's units: 1 MB = 1,000,000 bytes), or 80% of the machine's
  memory when that is less: with the process's own memory on top the peak stays under 2 GB.
  `WORKBENCH_MEMORY_LIMIT` changes it for every front-end (the CLI, the app, the services):
  a size such as `4GB` or `800MiB`, or `none` for DuckDB's own default.
- The limit is the process's, not a connection's: every connection is a cursor on one
  in-memory database (per limit), with temp tables of its own, so the app's loaded history and a
  review or analysis loading beside it share the 1500 MB rather than take 1500 MB each.
- The spill folder is a fresh folder in the system temp dir, readable by this user only, one
  per database, removed when the process exits (also after an error). A process that is
  killed (the kernel's out-of-memory killer sends SIGKILL) runs none of that, so the folder is
  locked (`flock`) while its database lives: the kernel drops the lock with the process, and
  the next workbench process to open a connection removes this user's unlocked spill folders
  older than a minute (`sweep_orphans`).
- Nothing else is set: thread count, insertion order and results are DuckDB's as before.

When a query still does not fit, `out_of_memory` turns DuckDB's error into one message that
says what ran out, the limit, and how to raise it.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import threading
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.core.domain.errors import CheckFailed, InputError, Problem

if TYPE_CHECKING:
    import duckdb

ENV_VAR = "WORKBENCH_MEMORY_LIMIT"
DEFAULT_LIMIT = 1_500_000_000
"""Bytes: under 2 GB of peak for the process with DuckDB's spill (measured, BENCHMARKS.md)."""
SPILL_PREFIX = "workbench-duckdb-"

_UNITS = {
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*", re.IGNORECASE)
_NONE = ("none", "default")


@dataclass(frozen=True)
class MemoryPolicy:
    """The memory limit in bytes (None: DuckDB's own default) and where it came from."""

    limit: int | None
    origin: str

    def describe(self) -> str:
        """'1.5 GB (the default)', for messages."""
        if self.limit is None:
            return f"DuckDB's own default, 80% of this machine's memory ({self.origin})"
        return f"{size_text(self.limit)} ({self.origin})"


class MemoryLimitError(CheckFailed):
    """DuckDB ran out of memory under the limit: the input was fine, the limit refused the
    work. Exit 1, as for any refusal; the message says how to raise the limit."""


def size_text(size: int) -> str:
    """Bytes as a person reads them, in DuckDB's decimal units: 1500000000 -> '1.5 GB'."""
    for unit, factor in (("TB", 1000**4), ("GB", 1000**3), ("MB", 1000**2), ("KB", 1000)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


def parse_size(text: str) -> int | None:
    """'1500MB', '4 GB', '800MiB' as bytes; None for a text that is not a size."""
    match = _SIZE.fullmatch(text)
    if match is None or match.group(2).lower() not in _UNITS:
        return None
    size = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    return size if size > 0 else None


def machine_memory() -> int | None:
    """The machine's physical memory in bytes, where the system tells (not on Windows)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None


def memory_policy(environ: Mapping[str, str] | None = None) -> MemoryPolicy:
    """The limit `WORKBENCH_MEMORY_LIMIT` asks for, else the default (never above DuckDB's own
    80% of memory, so a small machine keeps DuckDB's choice). Raises InputError (exit 2) for a
    value that is not a size."""
    value = (os.environ if environ is None else environ).get(ENV_VAR, "").strip()
    if not value:
        physical = machine_memory()
        if physical is not None and physical * 8 // 10 < DEFAULT_LIMIT:
            return MemoryPolicy(None, "80% of this machine's memory, under the default")
        return MemoryPolicy(DEFAULT_LIMIT, "the default")
    if value.lower() in _NONE:
        return MemoryPolicy(None, f"{ENV_VAR}={value}")
    size = parse_size(value)
    if size is None:
        raise InputError(
            [
                Problem(
                    f"{value!r} is not a memory size: expected a number and a unit, such as "
                    f"1500MB, 4GB or 800MiB, or 'none' for DuckDB's own default "
                    f"(80% of this machine's memory)",
                    field=f"environment variable {ENV_VAR}",
                )
            ]
        )
    return MemoryPolicy(size, f"{ENV_VAR}={value}")


ORPHAN_AGE = 60.0
"""Seconds: a folder younger than this may be between `mkdtemp` and its lock, so it stays."""


def _remove(folder: str, lock: int | None = None) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    if lock is not None:
        os.close(lock)


def _lock(folder: str) -> int | None:
    """Hold an exclusive lock on `folder` for as long as the returned descriptor is open (None
    where there is no `flock`, or the temp dir's file system refuses it, as some network and
    FUSE ones do: there the sweep cannot lock the folder either, so it never removes it)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return None
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


_swept = False
_sweep_lock = threading.Lock()


def _sweep_once() -> None:
    """What an earlier, killed process left behind, once per process, outside any lock the
    connections wait on (removing an orphan of a few GB takes a moment)."""
    global _swept
    with _sweep_lock:
        if _swept:
            return
        _swept = True
    sweep_orphans()


def sweep_orphans(now: float | None = None) -> list[str]:
    """Remove this user's spill folders that no live database holds (their process was
    killed) and that are older than `ORPHAN_AGE`; returns what was removed. Folders of other
    users, locked folders (the lock is the test: it works across pid namespaces, where a pid
    would not) and anything not a folder are left alone."""
    import time

    if os.name != "posix":  # pragma: no cover - no flock, no owner to compare: nothing swept
        return []
    now = time.time() if now is None else now
    base = tempfile.gettempdir()
    try:
        names = os.listdir(base)
    except OSError:
        return []
    removed: list[str] = []
    for name in sorted(names):
        if not name.startswith(SPILL_PREFIX):
            continue
        folder = os.path.join(base, name)
        try:
            info = os.lstat(folder)
            if (
                not stat.S_ISDIR(info.st_mode)
                or info.st_uid != os.getuid()
                or now - info.st_mtime < ORPHAN_AGE
            ):
                continue
        except OSError:
            continue
        fd = _lock(folder)
        if fd is None:  # held: its database is alive (or locks are refused here)
            continue
        _remove(folder, fd)
        removed.append(folder)
    return removed


@dataclass(frozen=True)
class _Database:
    """One in-memory DuckDB database per process and limit: every connection is a cursor on
    it, so the limit holds for all of them together (the app's history, a review and an
    analysis loaded side by side stay under one limit), while each keeps its own temp tables."""

    root: duckdb.DuckDBPyConnection
    folder: str


_databases: dict[int | None, _Database] = {}
_databases_lock = threading.Lock()
_folders: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, str] = weakref.WeakKeyDictionary()


def _database(limit: int | None) -> _Database:
    import duckdb  # imported here: `workbench --help` should not load DuckDB

    folder = tempfile.mkdtemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-")  # mode 0700
    lock = _lock(folder)
    config: dict[str, str | bool | int | float | list[str]] = {
        "temp_directory": os.path.join(folder, "spill")
    }
    if limit is not None:
        config["memory_limit"] = f"{limit}B"
    try:
        root = duckdb.connect(config=config)
    except BaseException:
        _remove(folder, lock)
        raise
    # The folder goes when the process exits (also after an error), or with the root if it
    # is ever collected; a killed process leaves it to `sweep_orphans`.
    weakref.finalize(root, _remove, folder, lock)
    return _Database(root, folder)


def open_duckdb(policy: MemoryPolicy | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection under the memory policy (`memory_policy()` unless given): a cursor
    on the process's one in-memory database for that limit, with temp tables of its own,
    spilling to that database's private folder in the system temp dir."""
    if policy is None:
        policy = memory_policy()
    _sweep_once()
    with _databases_lock:
        database = _databases.get(policy.limit)
        if database is None:
            database = _databases[policy.limit] = _database(policy.limit)
        con = database.root.cursor()
    _folders[con] = database.folder
    return con


def spill_folder(con: duckdb.DuckDBPyConnection) -> str | None:
    """The private folder `con` spills into (None once it is closed, or if not opened here)."""
    return _folders.get(con)


def close_duckdb(con: duckdb.DuckDBPyConnection) -> None:
    """Close `con`: its temp tables and the memory they held go now; the spill folder, shared
    with the process's other connections, goes when the process exits."""
    try:
        con.close()
    finally:
        _folders.pop(con, None)


@contextmanager
def duckdb_connection(policy: MemoryPolicy | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """`open_duckdb` for the length of a block: closed after, also when the block fails."""
    con = open_duckdb(policy)
    try:
        yield con
    finally:
        close_duckdb(con)


def out_of_memory(error: BaseException) -> MemoryLimitError | None:
    """DuckDB's out-of-memory error (raised as it is, or the cause of a message such as the
    loader's "cannot read") as one message a person can act on; None for any other error."""
    import duckdb

    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, duckdb.OutOfMemoryException):
            break
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    else:
        return None
    now = f"the limit is {memory_policy_or_default().describe()}"
    return MemoryLimitError(
        [
            Problem(
                f"DuckDB ran out of memory for the lead history: {now}. Raise it with the "
                f"environment variable {ENV_VAR} (such as {ENV_VAR}=4GB, or 'none' for 80% of "
                f"this machine's memory), or run on fewer leads"
            )
        ]
    )


def memory_policy_or_default() -> MemoryPolicy:
    """The policy in force, for a message: a bad variable was reported when it was read."""
    try:
        return memory_policy()
    except InputError:
        return MemoryPolicy(DEFAULT_LIMIT, "the default")
