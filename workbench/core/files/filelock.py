"""One writer at a time per definition folder, across processes and threads.

`store.save` compares the file's hash with what the caller read and then replaces the file;
without a lock two `workbench sign` runs (or an autosave racing a sign) can both pass the
comparison and the later rename silently drops the earlier sign-off. Every write of a
definition file therefore happens inside `folder_lock(slug_folder)`, and re-checks the file
under it.

The lock is `flock` on the folder itself: its inode never changes, whereas a definition file's
inode is replaced by every atomic write, so a lock on the file would not exclude the next
writer. No lock file is left behind. Within one process the lock is re-entrant per thread (a
new version checks the folder and creates the file under one lock).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from workbench.core.domain.errors import ConflictError, InputError, Problem

try:  # POSIX; on a platform without flock, writes still re-check the hash but do not lock.
    import fcntl
except ImportError:  # pragma: no cover - not a platform this project ships on
    fcntl = None  # type: ignore[assignment]

# How long a writer waits for another one to finish. A save holds the lock for milliseconds;
# waiting this long means something is stuck, and a clear refusal beats hanging the room.
WAIT_SECONDS = 10.0
TEMP_SUFFIX = ".tmp"

_guard = threading.Lock()
_thread_locks: dict[str, threading.RLock] = {}
_held: dict[str, tuple[int, int]] = {}  # folder -> (fd, depth) for the thread holding it


@contextlib.contextmanager
def folder_lock(folder: Path, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the folder's write lock; raise ConflictError if another writer keeps it too long.

    Taking it also removes temp files a killed writer left (`.v2.toml.XXXX.tmp`): while the
    lock is held no other writer is half-way through a write, so any such file is debris.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError([Problem(f"cannot write: {reason}", file=folder)]) from None
    key = str(folder.resolve())
    with _guard:
        local = _thread_locks.setdefault(key, threading.RLock())
    if not local.acquire(timeout=wait):
        raise _busy(folder)
    try:
        fd, depth = _held.get(key, (-1, 0))
        if depth == 0:
            fd = _lock_fd(Path(key), wait, folder)
            _remove_debris(Path(key))
        _held[key] = (fd, depth + 1)
        try:
            yield
        finally:
            fd, depth = _held.pop(key)
            if depth > 1:
                _held[key] = (fd, depth - 1)
            else:
                os.close(fd)  # closing the descriptor releases the flock
    finally:
        local.release()


def _lock_fd(folder: Path, wait: float, shown: Path) -> int:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError([Problem(f"cannot lock the folder: {reason}", file=shown)]) from None
    if fcntl is None:  # pragma: no cover
        return fd
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise _busy(shown) from None
            time.sleep(0.01)


def _busy(folder: Path) -> ConflictError:
    return ConflictError(
        [
            Problem(
                f"another workbench has been writing here for over {WAIT_SECONDS:.0f} s; "
                "nothing was written. Try again when it has finished.",
                file=folder,
            )
        ]
    )


def _remove_debris(folder: Path) -> None:
    for entry in folder.glob(".v*.toml.*" + TEMP_SUFFIX):
        with contextlib.suppress(OSError):
            entry.unlink()
