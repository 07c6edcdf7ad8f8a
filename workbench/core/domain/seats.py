"""The seats of a served workshop (`workbench serve`): one edits, every other one follows.

A browser seat is told apart only by its address: the facilitator's address carries a secret
token, the follow address does not. Which host counts as "this machine only" is decided here,
so the command can say plainly when anyone on the network could reach the room.

Standard library only: `workbench --help` must not pay for the web server.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from dataclasses import dataclass

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# The facilitator's seat lives under /edit/<token>/; everyone else opens the root.
EDIT_PREFIX = "/edit/"
# 128 bits: not guessable by anyone who can reach the port, short enough to paste.
TOKEN_BYTES = 16


@dataclass(frozen=True, slots=True)
class SeatUrls:
    """Where each kind of seat opens the app."""

    edit: str
    follow: str
    base: str


def is_loopback(host: str) -> bool:
    """Only this machine can connect: `localhost` or a loopback address (127.0.0.0/8, ::1)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    """Every interface of the machine (`0.0.0.0`, `::`): a browser cannot open that address."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def new_token() -> str:
    """The editing seat's secret, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def network_address() -> str | None:
    """This machine's address on its network (the one its default route leaves from), or
    None without one. A UDP socket's connect only picks the route: nothing is sent, and the
    address is a documentation one (RFC 5737)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            found = str(probe.getsockname()[0])
    except OSError:
        return None
    address = ipaddress.ip_address(found)
    return None if address.is_loopback or address.is_unspecified else found


def url_host(host: str) -> str:
    """The host as a browser should type it: for a wildcard address this machine's network
    address (its name only without one: a laptop's name often does not resolve for the rest
    of a room's network, and the served page loads its scripts from the printed address, so
    a page opened by a name that does not resolve stayed on its splash), brackets around an
    IPv6 address."""
    if is_wildcard(host):
        return network_address() or socket.gethostname()
    bare = host.strip("[]")
    try:
        if ipaddress.ip_address(bare).version == 6:
            return f"[{bare}]"
    except ValueError:
        pass
    return host


def seat_urls(host: str, port: int, token: str) -> SeatUrls:
    """The facilitator's and the followers' addresses for a server on `host:port`."""
    base = f"http://{url_host(host)}:{port}"
    return SeatUrls(edit=f"{base}{EDIT_PREFIX}{token}/", follow=f"{base}/", base=base)


def network_warning(host: str) -> str | None:
    """What a facilitator must know before sharing a non-local address; None on loopback."""
    if is_loopback(host):
        return None
    return (
        f"listening on {host}, not only on this machine: anyone on the network can open the "
        "follow address, and anyone who has the editing address can edit the definitions. "
        "Give the editing address to the facilitator only; the connection is not encrypted."
    )
