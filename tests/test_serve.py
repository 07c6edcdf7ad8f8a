"""`workbench serve` without a browser: the seats' addresses, what a follower may do, and the
command's refusals and warnings (the browser test is test_serve_browser.py)."""

from __future__ import annotations

import ipaddress
import shlex
import socket
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.cli_steps import one_error, run
from workbench.cli import serve as serve_module
from workbench.core.domain import seats
from workbench.core.domain.errors import InputError
from workbench.core.domain.templates import from_template
from workbench.core.files import store
from workbench.core.services.workshop import Workshop

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    return store.create(from_template("acme", "3m-10m", date(2026, 1, 5)), tmp_path / "defs")


# --- the seats ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("workshop.example", False),
    ],
)
def test_only_loopback_counts_as_this_machine(host: str, local: bool) -> None:
    assert seats.is_loopback(host) is local
    assert (seats.network_warning(host) is None) is local


def test_the_editing_address_carries_a_secret_the_follow_address_does_not() -> None:
    token = seats.new_token()
    assert len(token) >= 20 and token != seats.new_token()
    urls = seats.seat_urls("127.0.0.1", 8123, token)
    assert urls.follow == "http://127.0.0.1:8123/"
    assert urls.edit == f"http://127.0.0.1:8123/edit/{token}/"
    assert token not in urls.follow


def test_addresses_a_browser_can_open() -> None:
    assert seats.seat_urls("::1", 80, "t").follow == "http://[::1]:80/"
    wildcard = seats.seat_urls("0.0.0.0", 8000, "t").follow
    assert wildcard == f"http://{seats.network_address() or socket.gethostname()}:8000/"


def test_a_wildcard_host_is_printed_as_this_machines_network_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Printed as the machine's name, the page's scripts loaded from that name: a browser that
    # could not resolve it stayed on the splash, even opened by IP address.
    monkeypatch.setattr(seats, "network_address", lambda: "192.168.1.20")
    assert seats.seat_urls("0.0.0.0", 8000, "t").follow == "http://192.168.1.20:8000/"
    assert seats.seat_urls("::", 8000, "t").edit == "http://192.168.1.20:8000/edit/t/"
    monkeypatch.setattr(seats, "network_address", lambda: None)  # no network: the name
    assert seats.seat_urls("0.0.0.0", 8000, "t").follow == f"http://{socket.gethostname()}:8000/"
    assert seats.seat_urls("127.0.0.1", 8000, "t").follow == "http://127.0.0.1:8000/"


def test_the_network_address_is_an_address_or_none() -> None:
    found = seats.network_address()
    if found is not None:
        address = ipaddress.ip_address(found)
        assert not address.is_loopback and not address.is_unspecified


def test_the_network_warning_says_who_can_edit() -> None:
    warning = seats.network_warning("0.0.0.0")
    assert warning is not None
    assert "anyone who has the editing address can edit" in warning


# --- a follower, in the core ------------------------------------------------------------


def test_a_follower_never_edits_saves_or_signs(draft: Path) -> None:
    before = draft.read_bytes()
    follower = Workshop.open(draft, follow=True)
    assert follower.read_only
    assert "follows the room" in (follower.read_only_reason() or "")
    result = follower.apply("fit.min_employees", 5)
    assert not result.ok and "follows the room" in result.errors[0]
    assert not follower.save()
    with pytest.raises(InputError, match="follows the room"):
        follower.sign(("Ana", "CMO"), ("Bo", "VP Sales"), None, datetime(2026, 1, 6, tzinfo=UTC))
    assert draft.read_bytes() == before


def test_a_follower_takes_the_facilitators_save(draft: Path) -> None:
    follower = Workshop.open(draft, follow=True)
    editor = Workshop.open(draft)
    assert editor.apply("fit.min_employees", 137).ok and editor.save()
    assert follower.changed_on_disk()
    follower.reload()
    assert follower.definition.fit.min_employees == 137
    assert follower.read_only and not follower.changed_on_disk()


# --- the command ------------------------------------------------------------------------


def test_a_busy_port_is_one_message_and_exit_2(draft: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(CliRunner(), "serve", draft.parent.parent, "--port", str(port))
    one_error(result, 2, "--port", f"port {port}", "choose another")


def test_a_host_that_is_not_this_machine_is_one_message_and_exit_2(draft: Path) -> None:
    """192.0.2.1 is a documentation address: binding to it fails here, nothing is sent."""
    result = run(CliRunner(), "serve", draft.parent.parent, "--host", "192.0.2.1")
    one_error(result, 2, "--host", "not an address of this machine")


def test_a_port_out_of_range_is_a_usage_error(draft: Path) -> None:
    result = run(CliRunner(), "serve", draft.parent.parent, "--port", "70000")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


class Served:
    """What `serve` handed to aiohttp, instead of serving."""

    def __init__(self) -> None:
        self.sock: socket.socket | None = None

    def __call__(self, make_app: Any, **options: Any) -> None:
        make_app.close()  # the app factory coroutine, never awaited here
        self.sock = options["sock"]
        self.sock.close()


def test_serve_prints_both_addresses_and_binds_localhost(
    draft: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiohttp import web

    served = Served()
    monkeypatch.setattr(web, "run_app", served)
    result = run(CliRunner(), "serve", draft.parent.parent, "--port", "0")
    assert result.exit_code == 0, result.output
    assert served.sock is not None
    lines = result.stdout.splitlines()
    edit = next(line for line in lines if "facilitator" in line).split()[-1]
    follow = next(line for line in lines if "everyone else" in line).split()[-1]
    assert edit.startswith("http://127.0.0.1:") and "/edit/" in edit
    assert follow.startswith("http://127.0.0.1:") and follow.endswith("/")
    assert "Only this machine can connect" in result.stdout
    assert "warning" not in result.stderr


def test_a_network_host_is_served_with_a_plain_warning(
    draft: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing is refused; the facilitator is told who can edit. (The socket itself stays on
    loopback here: the test never listens on the network.)"""
    from aiohttp import web

    monkeypatch.setattr(web, "run_app", Served())
    real_bind = serve_module.bind
    monkeypatch.setattr(serve_module, "bind", lambda host, port: real_bind("127.0.0.1", 0))
    result = run(CliRunner(), "serve", draft.parent.parent, "--host", "0.0.0.0")
    assert result.exit_code == 0, result.output
    assert f"http://{seats.network_address() or socket.gethostname()}:" in result.stdout
    assert "warning: listening on 0.0.0.0" in result.stderr
    assert "anyone who has the editing address can edit" in result.stderr


def test_each_seat_runs_this_workbench_on_the_same_folder(draft: Path) -> None:
    follow = serve_module.seat_command(draft, follow=True)
    edit = serve_module.seat_command(draft, follow=False)
    assert follow.startswith(f"exec {sys.executable}") and follow.endswith(" --follow")
    assert str(draft.resolve()) in edit and "--follow" not in edit


def test_only_the_facilitators_seat_keeps_its_place_in_a_file_serve_owns(
    draft: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reload starts a new process; the facilitator's comes back to its definition and step
    through `--place`. The follow seats are many and each goes its own way."""
    from aiohttp import web

    commands: list[str] = []
    real = serve_module.seat_command

    def recorded(path: Path, **options: Any) -> str:
        commands.append(real(path, **options))
        return commands[-1]

    places: list[bool] = []

    def served(make_app: Any, **options: Any) -> None:
        make_app.close()
        options["sock"].close()
        place = Path(shlex.split(commands[1])[-1])
        places.append(place.parent.is_dir())  # the folder exists while serving

    monkeypatch.setattr(serve_module, "seat_command", recorded)
    monkeypatch.setattr(web, "run_app", served)
    monkeypatch.setattr(serve_module, "bind", lambda host, port: socket.socket())
    assert run(CliRunner(), "serve", draft.parent.parent).exit_code == 0
    follow, edit = commands
    assert "--place" not in follow
    assert shlex.split(edit)[-2] == "--place" and places == [True]
    assert not Path(shlex.split(edit)[-1]).parent.exists(), "serve cleans up after itself"


def test_open_place_is_handed_to_the_app(draft: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import workbench.tui.app

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        workbench.tui.app, "run_app", lambda *args, **options: calls.append(options)
    )
    place = draft.parent / "place.toml"
    assert run(CliRunner(), "open", draft, "--place", place).exit_code == 0
    assert calls[0]["place_file"] == place


def test_open_follow_starts_the_app_in_follow_mode(
    draft: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workbench.tui.app

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        workbench.tui.app, "run_app", lambda *args, **options: calls.append(options)
    )
    assert run(CliRunner(), "open", draft, "--follow").exit_code == 0
    assert run(CliRunner(), "open", draft).exit_code == 0
    assert [call.get("follow") for call in calls] == [True, False]


def test_help_does_not_load_the_web_server() -> None:
    code = textwrap.dedent(
        """
        import sys
        from typer.testing import CliRunner
        from workbench.cli import app
        result = CliRunner().invoke(app, ["--help"])
        assert "serve" in result.output, result.output
        loaded = [m for m in ("textual_serve", "aiohttp", "textual") if m in sys.modules]
        print(loaded)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


class Captured(Served):
    """`serve`'s aiohttp app factory, kept to be run by a test client."""

    def __call__(self, make_app: Any, **options: Any) -> None:
        self.make_app = make_app
        options["sock"].close()


def test_each_seat_has_its_own_tab_title_and_a_wrong_link_says_where_the_room_is(
    draft: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page had no title (the tab showed the address, token and all), and a cut-off
    facilitator link got a bare "404: Not Found"."""
    import asyncio

    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    captured = Captured()
    monkeypatch.setattr(web, "run_app", captured)
    result = run(CliRunner(), "serve", draft.parent.parent, "--port", "0")
    assert result.exit_code == 0, result.output
    edit = next(line for line in result.stdout.splitlines() if "facilitator" in line).split()[-1]
    path = "/" + edit.split("/", 3)[3]
    token = path.split("/")[2]

    async def pages() -> dict[str, tuple[int, str]]:
        client = TestClient(TestServer(await captured.make_app))
        await client.start_server()
        try:
            seen = {}
            for name, url in (("follow", "/"), ("edit", path), ("cut", path[:-4] + "/")):
                response = await client.get(url)
                seen[name] = (response.status, await response.text())
            # The facilitator's link without its last "/" goes to the seat.
            response = await client.get(path.rstrip("/"), allow_redirects=False)
            seen["no slash"] = (response.status, response.headers.get("Location", ""))
            response = await client.get(path.rstrip("/") + "?fontsize=22", allow_redirects=False)
            seen["no slash, font"] = (response.status, response.headers.get("Location", ""))
            return seen
        finally:
            await client.close()

    seen = asyncio.run(pages())
    assert seen["follow"][0] == 200
    assert "<title>MQL workbench · following (read-only)</title>" in seen["follow"][1]
    assert seen["edit"][0] == 200
    assert "<title>MQL workbench · facilitator (edits)</title>" in seen["edit"][1]
    status, page = seen["cut"]
    assert status == 404 and "This link is not a seat of the workshop" in page
    assert token not in page and "copy it again whole" in page
    assert seen["no slash"] == (302, path)
    assert seen["no slash, font"] == (302, path + "?fontsize=22")
    # Both seats' pages put the keyboard in the terminal once drawn (no click needed).
    for seat in ("follow", "edit"):
        assert "xterm-helper-textarea" in seen[seat][1] and ".focus()" in seen[seat][1]


@pytest.mark.parametrize(
    ("stop_signal", "exit_code", "late_seat"),
    [("SIGINT", 130, False), ("SIGTERM", 0, False), ("SIGINT", 130, True)],
)
def test_ctrl_c_with_browsers_connected_ends_their_seats_without_a_traceback(
    draft: Path, stop_signal: str, exit_code: int, late_seat: bool
) -> None:
    """Stopping `serve` while seats were open printed asyncio's "Event loop is closed"
    traceback: the seats' app processes outlived the loop that watched them. Ctrl+C exits
    130, as every command does (it exited 0); a service manager's SIGTERM is a plain stop."""
    import asyncio
    import json
    import os
    import re
    import signal
    import time

    import aiohttp

    server = subprocess.Popen(
        [sys.executable, "-m", "workbench", "serve", str(draft.parent.parent), "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert server.stdout is not None
    seat_processes: list[int] = []
    close_codes: list[int | None] = []
    seat_commands: list[list[str]] = []
    try:
        addresses: dict[str, str] = {}
        while len(addresses) < 2:
            line = server.stdout.readline()
            assert line, "serve ended before printing its addresses"
            if "facilitator" in line or "everyone else" in line:
                addresses[line.split()[0]] = line.split()[-1]

        async def seats_open_then_stop() -> None:
            async with aiohttp.ClientSession() as session:
                sockets = []
                for url in addresses.values():
                    page = await (await session.get(url)).text()
                    found = re.search(r'data-session-websocket-url="([^"]+)"', page)
                    assert found, page[:500]
                    sockets.append(await session.ws_connect(found.group(1)))
                for socket_ in sockets:
                    await socket_.send_str(json.dumps(["resize", {"width": 80, "height": 24}]))
                deadline = time.monotonic() + 60
                drawn = [False] * len(sockets)
                while not all(drawn) and time.monotonic() < deadline:  # each app is up
                    for i, socket_ in enumerate(sockets):
                        try:
                            message = await socket_.receive(timeout=0.5)
                        except TimeoutError:
                            continue
                        drawn[i] = drawn[i] or message.type == aiohttp.WSMsgType.BINARY
                assert all(drawn), "a seat's app never drew"
                seat_processes.extend(_children(server.pid))
                for pid in seat_processes:
                    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                    seat_commands.append([a.decode() for a in argv[2:4]])  # python -m ...
                if late_seat:  # a browser connecting as serve stops: its app still starting
                    page = await (await session.get(addresses["everyone"])).text()
                    found = re.search(r'data-session-websocket-url="([^"]+)"', page)
                    assert found
                    late = await session.ws_connect(found.group(1))
                    await late.send_str(json.dumps(["resize", {"width": 80, "height": 24}]))
                server.send_signal(getattr(signal, stop_signal))

                async def until_closed(socket_: aiohttp.ClientWebSocketResponse) -> int | None:
                    try:  # read on, as a browser does, so serve's close is answered
                        while not socket_.closed:
                            await socket_.receive(timeout=30)
                    except aiohttp.ClientError:  # reset rather than closed: serve is gone
                        pass
                    return socket_.close_code

                close_codes.extend(await asyncio.gather(*map(until_closed, sockets)))

        asyncio.run(seats_open_then_stop())
        said, errors = server.communicate(timeout=60)
        assert "Stopped: every seat is closed." in said
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert server.returncode == exit_code
    # Nothing from asyncio either: "Loop <...> that handles pid 16352 is closed", "Exception
    # ignored in: <function BaseSubprocessTransport.__del__ ...>".
    assert not errors.strip(), errors
    # Each browser told the server is going away (1001), as serve closes it before it ends.
    assert close_codes == [aiohttp.WSCloseCode.GOING_AWAY] * 2
    # The processes serve started are the seats' apps themselves (`exec`): a shell between
    # them was what serve stopped, and killing it left the app running.
    assert len(seat_processes) == 2, seat_processes
    assert not [pid for pid in seat_processes if _running(pid)], "a seat outlived serve"
    assert seat_commands == [["workbench", "open"]] * 2, seat_commands


def _children(pid: int) -> list[int]:
    """The processes `pid` started (Linux's /proc), each browser seat's app among them."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting for its parent to collect it."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


@pytest.mark.parametrize(
    ("origin", "hosts", "foreign"),
    [
        (None, ["127.0.0.1:8765"], False),  # no browser page: a script, curl
        ("http://127.0.0.1:8765", ["127.0.0.1:8765"], False),
        ("http://LOCALHOST:8765", ["localhost:8765"], False),
        ("http://192.168.1.20:8765", ["workshop.lan:8765"], False),  # the printed address
        ("https://evil.example", ["127.0.0.1:8765"], True),
        ("http://127.0.0.1:9999", ["127.0.0.1:8765"], True),  # another port is another site
        ("null", ["127.0.0.1:8765"], True),  # a file or sandboxed page
        ("https://room.example", ["127.0.0.1:8765", "room.example"], False),  # a TLS proxy
        ("https://evil.example", ["127.0.0.1:8765", None], True),  # no proxy header
    ],
)
def test_a_page_of_another_site_is_not_this_workshop(
    origin: str | None, hosts: list[str | None], foreign: bool
) -> None:
    from workbench.cli.serve_pages import foreign_origin

    assert foreign_origin(origin, hosts, "http://192.168.1.20:8765/") is foreign


def test_another_sites_page_cannot_open_a_seat_nor_list_the_pages_files(
    draft: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any web page the facilitator had open could open a seat's websocket on this machine
    (each one starts an app process), and /static/ listed textual-serve's files."""
    import asyncio

    import aiohttp
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    captured = Captured()
    monkeypatch.setattr(web, "run_app", captured)
    result = run(CliRunner(), "serve", draft.parent.parent, "--port", "0")
    assert result.exit_code == 0, result.output
    edit = next(line for line in result.stdout.splitlines() if "facilitator" in line).split()[-1]
    path = "/" + edit.split("/", 3)[3]

    async def visits() -> dict[str, int]:
        client = TestClient(TestServer(await captured.make_app))
        await client.start_server()
        seen: dict[str, int] = {}
        try:
            for name, url in (("follow", "/ws"), ("edit", path + "ws")):
                try:
                    socket_ = await client.ws_connect(
                        url, headers={"Origin": "https://evil.example"}
                    )
                except aiohttp.WSServerHandshakeError as refused:
                    seen[name] = refused.status
                else:
                    await socket_.close()
                    seen[name] = 101
            own = f"http://{client.host}:{client.port}"
            seen["own page"] = (await client.get("/", headers={"Origin": own})).status
            for url in ("/static/", "/static", path + "static/"):
                seen[url] = (await client.get(url)).status
            seen["a file"] = (await client.get("/static/js/textual.js")).status
            return seen
        finally:
            await client.close()

    seen = asyncio.run(visits())
    assert seen["follow"] == seen["edit"] == 403
    assert seen["own page"] == 200
    assert seen["/static/"] == seen["/static"] == seen[path + "static/"] == 404
    assert seen["a file"] == 200  # the page's own script is still served


def test_the_served_page_reads_its_font_from_the_room_not_from_google(
    draft: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every seat's page asked fonts.googleapis.com for the terminal's font: a third party
    told of the room, and a page held back until the request failed on a closed network."""
    import asyncio
    import re
    from urllib.parse import urlsplit

    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    captured = Captured()
    monkeypatch.setattr(web, "run_app", captured)
    result = run(CliRunner(), "serve", draft.parent.parent, "--port", "0")
    assert result.exit_code == 0, result.output
    edit = next(line for line in result.stdout.splitlines() if "facilitator" in line).split()[-1]

    async def fonts() -> list[tuple[str, list[int]]]:
        client = TestClient(TestServer(await captured.make_app))
        await client.start_server()
        seen = []
        try:
            for url in ("/", "/" + edit.split("/", 3)[3]):
                page = await (await client.get(url)).text()
                faces = re.findall(r'url\("([^"]+\.ttf)"\)', page)
                got = [(await client.get(urlsplit(f).path)).status for f in faces]
                seen.append((page, got))
            return seen
        finally:
            await client.close()

    for page, statuses in asyncio.run(fonts()):
        assert "googleapis" not in page and "@font-face" in page
        assert statuses == [200, 200]  # upright and italic, both served
