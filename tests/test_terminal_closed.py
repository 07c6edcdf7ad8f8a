"""The terminal window closed under the app (a real process in a pseudo-terminal): the keys
already typed are saved and the process ends, in bounded time, whatever Textual's output
thread was doing when the terminal went away."""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from workbench.core.domain.templates import from_template
from workbench.core.files import store

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

UP, ENTER, TAB, F4 = "\x1b[A", "\r", "\t", "\x1bOS"
EXIT_BOUND = 20.0  # seconds: the app saves, then ends, or the watchdog ends it


def _drain(master: int, seen: bytearray) -> None:
    """Read what the app paints, as a terminal does, until the terminal is closed."""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            return
        if not chunk:
            return
        seen.extend(chunk)


def _start_in_terminal(
    folder: Path, command: list[str]
) -> tuple[subprocess.Popen[bytes], int, int, bytearray]:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def controlling_terminal() -> None:  # in the child, after setsid: as a terminal's shell
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    env.pop("TEXTUAL_DRIVER", None)
    process = subprocess.Popen(
        [sys.executable, *command],
        cwd=folder,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
        preexec_fn=controlling_terminal,
    )
    seen = bytearray()
    threading.Thread(target=_drain, args=(master, seen), daemon=True).start()
    return process, master, slave, seen


def _type(master: int, *keys: str, gap: float = 0.05) -> None:
    for key in keys:
        os.write(master, key.encode())
        time.sleep(gap)


def _unread(slave: int) -> int:
    """Bytes typed that the app has not read from its terminal yet."""
    (count,) = struct.unpack("i", fcntl.ioctl(slave, termios.FIONREAD, b"\0\0\0\0"))
    return int(count)


def _wait_for(seen: bytearray, text: bytes, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while text not in seen:
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never painted")
        time.sleep(0.05)


def _type_on_the_sla_step_then_close_the_terminal(
    folder: Path, command: list[str]
) -> tuple[int, float]:
    """F4 (the SLA step, still opening at times: its keys are held), "65", tab, "95", and
    the terminal closed as soon as the app has read them. Returns the exit code and the
    seconds the process took to end after the terminal closed."""
    process, master, slave, seen = _start_in_terminal(folder, command)
    try:
        _wait_for(seen, b"acme", timeout=30)
        _type(master, UP, ENTER)
        _wait_for(seen, b"Stage", timeout=30)
        time.sleep(2)
        _type(master, F4)
        time.sleep(1.5)
        _type(master, "6", "5", TAB, "9", "5", gap=0.02)
        # Closed as soon as the app has read the keys: a hang-up throws away what the app
        # has not read, and no app could save those.
        deadline = time.monotonic() + 5
        while _unread(slave) and time.monotonic() < deadline:
            time.sleep(0.001)
        os.close(master)  # the terminal window closed
        closed = time.monotonic()
        try:
            code = process.wait(timeout=EXIT_BOUND)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the app was still running {EXIT_BOUND}s after its terminal closed")
        return code, time.monotonic() - closed
    finally:
        os.close(slave)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def _draft(folder: Path) -> Path:
    path = store.create(from_template("acme", "3m-10m", date(2026, 1, 5)), folder / "definitions")
    sla = store.load_definition(path).definition.sla.marketing
    assert (sla.quality_pct, sla.monthly_volume) == (70, 125)
    return path


@pytest.mark.parametrize("run", range(3))
def test_closing_the_terminal_right_after_typing_saves_the_keys_and_ends_the_app(
    tmp_path: Path, run: int
) -> None:
    # tmux kill-session right after typing: the app hung (Textual's output queue, its
    # writer gone with the terminal) or ended with the keys held for the step lost.
    path = _draft(tmp_path)
    _type_on_the_sla_step_then_close_the_terminal(
        tmp_path, ["-m", "workbench", "open", "definitions"]
    )
    sla = store.load_definition(path).definition.sla.marketing
    assert (sla.quality_pct, sla.monthly_volume) == (65, 95)


# The app run as `workbench open definitions` does, with one part of its ending stuck.
STUCK = {
    # Textual's shutdown never returns (as its output thread's queue once made it).
    "shutdown": "terminal.TerminalDriver.close = lambda self: threading.Event().wait()",
    # The event loop stuck before the exit could save: the watchdog saves.
    "loop": "app.WorkbenchApp._on_exit_app = lambda self: threading.Event().wait()",
}


@pytest.mark.parametrize("stuck", sorted(STUCK))
def test_an_ending_that_sticks_is_ended_by_the_watchdog_after_the_save(
    tmp_path: Path, stuck: str
) -> None:
    path = _draft(tmp_path)
    script = "; ".join(
        [
            "import sys, threading",
            "from workbench.tui import app, terminal",
            STUCK[stuck],
            "from workbench.launch import main",
            "sys.argv = ['workbench', 'open', 'definitions']",
            "main()",
        ]
    )
    code, took = _type_on_the_sla_step_then_close_the_terminal(tmp_path, ["-c", script])
    assert code == 128 + signal.SIGHUP, "ended by the watchdog"
    assert took < EXIT_BOUND
    sla = store.load_definition(path).definition.sla.marketing
    assert (sla.quality_pct, sla.monthly_volume) == (65, 95)
