"""`workbench serve`: the workshop app in browsers, one seat that edits and any number that follow.

textual-serve runs a web server; every browser that connects starts its own process of a
command and streams its terminal. Two apps share one port: the follow seat's at `/` (runs
`workbench open DIR --follow`) and the facilitator's under `/edit/<token>/` (runs
`workbench open DIR`). textual-serve and aiohttp are imported only when serving, so
`workbench --help` stays fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import shlex
import signal
import socket
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from workbench.cli._app import app, echo, err, friendly
from workbench.cli.serve_pages import pages_middleware
from workbench.core.domain import seats
from workbench.core.domain.errors import InputError, Problem
from workbench.core.domain.exits import INTERRUPT_EXIT
from workbench.core.files.target import resolve

if TYPE_CHECKING:
    from aiohttp import web

TEXTUAL_SERVE = "textual-serve==1.1.3"


def seat_command(path: Path, *, follow: bool, place: Path | None = None) -> str:
    """The shell command textual-serve starts for each browser of this kind of seat: this
    Python, this workbench, the same folder or file (absolute: the server's working folder
    is not the seat's concern). `place`: the file where the facilitator's seat keeps the
    definition and step it is on, so a reload, which starts a new process, comes back there
    (the follow seats are many and each goes its own way: they start at home). `exec`: the
    shell becomes the app, so the process textual-serve waits for and stops is the app
    itself, not a shell that leaves it running when killed."""
    args = [sys.executable, "-m", "workbench", "open", str(path.resolve())]
    if follow:
        args.append("--follow")
    if place is not None:
        args += ["--place", str(place.resolve())]
    return "exec " + shlex.join(args)


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is printed: a busy port or a host that
    is not this machine's is one message, and `--port 0` gets a free port to print."""
    try:
        infos = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except (OSError, UnicodeError) as error:
        raise InputError([Problem(f"cannot listen on {host!r}: {error}", field="--host")]) from None
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        reason = error.strerror or str(error)
        if error.errno == errno.EADDRNOTAVAIL:
            problem = Problem(
                f"cannot listen on {host}: not an address of this machine ({reason}); "
                f"leave --host out for {seats.DEFAULT_HOST}",
                field="--host",
            )
        else:
            problem = Problem(
                f"cannot listen on {host} port {port}: {reason}; choose another with "
                "--port N (0 picks a free one)",
                field="--port",
            )
        raise InputError([problem]) from None
    return sock


@app.command()
@friendly
def serve(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="Definitions folder, a definition's folder or a version file. "
            "Default: ./definitions, or . inside it.",
            metavar="[DIR|PATH]",
            show_default=False,
        ),
    ] = None,
    host: Annotated[
        str,
        typer.Option(
            "--host", help="Address to listen on. Anything but localhost reaches the network."
        ),
    ] = seats.DEFAULT_HOST,
    port: Annotated[
        int,
        typer.Option("--port", "-p", min=0, max=65535, help="Port to listen on; 0 picks one."),
    ] = seats.DEFAULT_PORT,
) -> None:
    """Serve the workshop to browsers: the facilitator's seat edits, every other seat follows
    (read-only, showing the draft as it is saved)."""
    try:
        from aiohttp import WSCloseCode, web
        from aiohttp.web_runner import GracefulExit
        from textual_serve.server import Server
    except ImportError:
        raise InputError(
            [Problem(f"`workbench serve` needs {TEXTUAL_SERVE}: pip install '{TEXTUAL_SERVE}'")]
        ) from None
    target = resolve(folder)
    opened = target.definition_file() or target.folder
    sock = bind(host, port)
    bound_port = int(sock.getsockname()[1])
    urls = seats.seat_urls(host, bound_port, seats.new_token())

    class Seat(Server):
        """textual-serve's server, quiet, and ending its seats' processes before it stops."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.seats: dict[web.WebSocketResponse, Any] = {}  # each browser's app service

        async def on_startup(self, app: web.Application) -> None:
            """Quiet: `serve` prints the two addresses itself."""

        async def _process_messages(self, websocket: Any, app_service: Any) -> None:
            self.seats[websocket] = app_service
            try:
                await super()._process_messages(websocket, app_service)
            finally:
                self.seats.pop(websocket, None)

        async def on_shutdown(self, app: web.Application) -> None:
            """Close each browser's connection and wait for its app process to end while the
            loop runs. Left to aiohttp's cancelling, the processes outlived the loop and
            Ctrl+C printed a traceback ("Event loop is closed")."""
            for websocket, service in list(self.seats.items()):
                await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"serve stopped")
                await service.stop()  # asks the app to quit; textual-serve waits for its output
                process = getattr(service, "_process", None)
                if process is not None:
                    try:
                        await asyncio.wait_for(process.wait(), 5)
                    except TimeoutError:
                        with contextlib.suppress(ProcessLookupError):  # ended meanwhile
                            process.kill()
                        await process.wait()

    title = "MQL workbench"
    follow_seat = Seat(
        seat_command(opened, follow=True), title=f"{title} (following)", public_url=urls.base
    )
    prefix = urls.edit.removeprefix(urls.base).rstrip("/")
    echo(f"Serving {opened} to browsers. Ctrl+C stops.")
    echo(f"  facilitator (edits; keep it to yourself): {urls.edit}")
    echo(f"  everyone else (follows, read-only):       {urls.follow}")
    warning = seats.network_warning(host)
    if warning is not None:
        err(f"warning: {warning}")
    else:
        echo("Only this machine can connect; --host 0.0.0.0 opens it to the network.")
    # The facilitator's place, kept across its reloads; removed when serve ends, however.
    with tempfile.TemporaryDirectory(prefix="workbench-serve-") as places:
        edit_seat = Seat(
            seat_command(opened, follow=False, place=Path(places) / "facilitator.toml"),
            title=f"{title} (facilitator)",
            public_url=urls.base,
        )

        interrupted: list[bool] = []

        def stop(by_ctrl_c: bool) -> None:
            interrupted.append(by_ctrl_c)
            raise GracefulExit  # aiohttp's own way out: shutdown, then the seats closed

        async def on_signals(app: web.Application) -> None:
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGINT, stop, True)
            loop.add_signal_handler(signal.SIGTERM, stop, False)

        async def make_app() -> web.Application:
            root = await follow_seat._make_app()
            root.add_subapp(prefix, await edit_seat._make_app())
            root.middlewares.append(pages_middleware(prefix, urls.follow, urls.base))
            root.on_startup.append(on_signals)
            return root

        web.run_app(make_app(), sock=sock, print=None, access_log=None, handle_signals=False)
    if interrupted:
        echo("Stopped: every seat is closed.")
    if interrupted[:1] == [True]:
        # Ctrl+C is how serve is stopped, and its exit code is the one every command gives
        # it (130): a script that ran serve can tell it was stopped, not that it finished.
        raise typer.Exit(INTERRUPT_EXIT)
