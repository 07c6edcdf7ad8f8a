"""The terminal driver: Textual's own, made safe for a terminal that goes away under the app.

When a terminal window closes (or its tmux session is killed), the kernel hangs up the
terminal and sends the app SIGHUP *and SIGCONT*. Textual's driver (8.x) takes any SIGCONT for
the end of a Ctrl+Z suspension and starts application mode again, inside the signal handler:
a second output thread replaces the first, its first write to the hung-up terminal raises
EIO and ends it, and the driver's bounded output queue (30 writes) then has no reader. The
31st write (a frame, or the driver's own `close` at shutdown) waits forever in `Queue.put` on
the event loop's thread, so the app's signal handlers never run again: the process outlived
its terminal, deaf to SIGTERM and SIGHUP, with the room's last keys unsaved. The same wait
follows whenever the output thread meets a write error, SIGCONT or not.

So here a SIGCONT restarts application mode only after a suspension this driver made, and
every write to the terminal that fails is dropped (the terminal is gone; nobody will read
it): the output thread keeps taking from its queue and nothing on the event loop ever waits
for a terminal. `WorkbenchApp.get_driver_class` puts this driver where Textual would use its
Linux one.
"""

from __future__ import annotations

from typing import IO, Any

from textual.drivers.linux_driver import LinuxDriver


class _GoneTerminalSafe:
    """The driver's output file, whose writes and flushes are dropped once one has failed."""

    def __init__(self, file: IO[str]) -> None:
        self._file = file
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self._file.write(text)
            except (OSError, ValueError):  # EIO on a hung-up terminal; ValueError: closed
                self.gone = True
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._file.flush()
            except (OSError, ValueError):
                self.gone = True

    def fileno(self) -> int:
        return self._file.fileno()


class TerminalDriver(LinuxDriver):
    """Textual's Linux driver, for a terminal that may be closed under the app (above)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self._file is not None:
            self._file = _GoneTerminalSafe(self._file)  # type: ignore[assignment]
        self._suspended = False

    @property
    def terminal_gone(self) -> bool:
        """A write to the terminal has failed: it was closed (hung up) under the app."""
        return isinstance(self._file, _GoneTerminalSafe) and self._file.gone

    def suspend_application_mode(self) -> None:
        self._suspended = True
        super().suspend_application_mode()

    def resume_application_mode(self) -> None:
        self._suspended = False
        super().resume_application_mode()

    def _sigcont_application(self, *args: Any) -> None:
        """Only the end of a suspension restarts application mode; the SIGCONT a hang-up
        brings (or any other) leaves the app as it is."""
        if self._suspended:
            super()._sigcont_application(*args)
