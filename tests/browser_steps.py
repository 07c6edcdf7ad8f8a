"""A real browser for the tests: Debian's headless Chromium, driven over its DevTools protocol.

No client library: Chromium speaks the protocol on a pair of pipes (`--remote-debugging-pipe`:
it reads commands on fd 3 and writes answers and events on fd 4, each message JSON ended by a
NUL byte), so the test opens no debugging port and needs nothing beyond the standard library.

textual-serve draws the terminal with xterm.js into a canvas (WebGL, else 2D), so the page's
text cannot be read from the DOM. What the seat shows is read from what the browser received
on the terminal's websocket (`Network.webSocketFrameReceived`): the app's screen updates,
escape sequences stripped. A screenshot is kept as an artifact for a person to look at.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REQUIRE_BROWSER = "WORKBENCH_REQUIRE_BROWSER"
# CSI sequences (cursor moves, colours), OSC strings, then any other two-byte escape.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


def chromium_or_skip() -> str:
    """Chromium's path; skip without it, unless WORKBENCH_REQUIRE_BROWSER=1 (as CI sets it),
    where a missing browser fails the test instead: CI cannot pass by skipping."""
    found = shutil.which("chromium")
    if found is None:
        reason = "headless Chromium (Debian's `chromium` package) is not installed"
        if os.environ.get(REQUIRE_BROWSER) == "1":
            pytest.fail(f"{reason}, and {REQUIRE_BROWSER}=1 requires the browser tests to run")
        pytest.skip(f"{reason}; set {REQUIRE_BROWSER}=1 to make this a failure")
    return found


def screen_text(raw: str) -> str:
    """What a terminal stream says, without its escape sequences."""
    return _ESCAPES.sub("", raw)


@dataclass
class Page:
    """One tab, attached in flat mode: its commands carry its session id."""

    browser: Browser
    session: str
    received: list[str] = field(default_factory=list)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        return self.browser.send(method, params, session=self.session)

    def text(self) -> str:
        """Everything the seat's terminal was sent so far, as text."""
        with self.browser.lock:
            return screen_text("".join(self.received))

    def wait_for_text(self, needle: str, timeout: float) -> str:
        """Wait until the seat has been sent `needle`; the text so far, or an error saying
        what it showed instead."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text()
            if needle in text:
                return text
            time.sleep(0.1)
        tail = self.text()[-1500:]
        raise AssertionError(
            f"{needle!r} not shown within {timeout:.0f} s; the seat showed:\n{tail}"
        )

    def focus(self) -> None:
        """Bring the tab forward and put the keyboard in its terminal, as a click would."""
        self.send("Page.bringToFront")
        self.send(
            "Runtime.evaluate",
            expression="document.querySelector('.xterm-helper-textarea').focus()",
        )

    def press(self, key: str, code: str, key_code: int, text: str = "", ctrl: bool = False) -> None:
        """A key pressed in the page (xterm.js turns it into what a terminal would send); a
        key that types something (enter, tab) carries its text, as a keyboard's does."""
        keys: dict[str, Any] = {"key": key, "code": code, "windowsVirtualKeyCode": key_code}
        if ctrl:
            keys["modifiers"] = 2
        self.send("Input.dispatchKeyEvent", type="keyDown", text=text, **keys)
        self.send("Input.dispatchKeyEvent", type="keyUp", **keys)

    def type_text(self, text: str) -> None:
        """Text typed into the page, as a keyboard's input would arrive."""
        self.send("Input.insertText", text=text)

    def screenshot(self, path: Path) -> None:
        self.send("Page.bringToFront")  # a tab behind another is not painted
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))


def _above_nine(fd: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


class Browser:
    """A headless Chromium process and the protocol spoken with it."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_read, to_write = os.pipe()  # our commands: Chromium's fd 3
        from_read, from_write = os.pipe()  # its answers and events: Chromium's fd 4
        # Chromium's ends, moved above 9 so that putting them on 3 and 4 cannot close one.
        to_read, from_write = (_above_nine(to_read), _above_nine(from_write))
        flags = [
            "--headless",
            "--no-sandbox",  # CI runs as root
            "--remote-debugging-pipe",
            f"--user-data-dir={profile}",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,800",
        ]
        # bash (dash takes single-digit fds only) puts the pipes on fds 3 and 4 for Chromium.
        script = f'exec "$0" "$@" 3<&{to_read} 4>&{from_write} {to_read}<&- {from_write}>&-'
        self.process = subprocess.Popen(
            ["bash", "-c", script, executable, *flags],
            pass_fds=(to_read, from_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        os.close(to_read)
        os.close(from_write)
        self._out = os.fdopen(to_write, "wb", buffering=0)
        self._in = os.fdopen(from_read, "rb", buffering=0)
        self.lock = threading.Lock()
        self._answered = threading.Condition(self.lock)
        self._answers: dict[int, dict[str, Any]] = {}
        self._next_id = 0
        self._pages: dict[str, Page] = {}
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        while chunk := self._in.read(65536):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                self._dispatch(json.loads(raw))
        with self.lock:
            self._answered.notify_all()

    def _dispatch(self, message: dict[str, Any]) -> None:
        with self.lock:
            if "id" in message:
                self._answers[message["id"]] = message
                self._answered.notify_all()
                return
            page = self._pages.get(message.get("sessionId", ""))
            if page is None or message.get("method") != "Network.webSocketFrameReceived":
                return
            frame = message["params"]["response"]
            payload = frame["payloadData"]
            if frame["opcode"] == 2:  # binary: the terminal's bytes, base64-encoded
                payload = base64.b64decode(payload).decode("utf-8", "replace")
            page.received.append(payload)

    def send(
        self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None
    ) -> dict[str, Any]:
        with self.lock:
            self._next_id += 1
            ident = self._next_id
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        self._out.write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 15
        with self.lock:
            while ident not in self._answers:
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise AssertionError(f"Chromium did not answer {method}")
                self._answered.wait(left)
            answer = self._answers.pop(ident)
        if "error" in answer:
            raise AssertionError(f"{method}: {answer['error']}")
        result: dict[str, Any] = answer.get("result", {})
        return result

    def open(self, url: str) -> Page:
        """A new tab on `url`, with its network events recorded from before the first byte."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        page = Page(self, session)
        with self.lock:
            self._pages[session] = page
        page.send("Network.enable")
        page.send("Page.enable")
        page.send("Page.navigate", url=url)
        return page

    def close(self) -> None:
        with contextlib.suppress(AssertionError, OSError):  # it may have gone already
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait(timeout=10)
        self._out.close()
        self._in.close()


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")
