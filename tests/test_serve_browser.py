"""`workbench serve` in a real browser: headless Chromium opens both seats, the facilitator
types, and the follow seat shows what was typed.

Skipped without Chromium; with WORKBENCH_REQUIRE_BROWSER=1 (as CI sets it) a missing browser
fails instead. Only 127.0.0.1, on a port the system picks (`--port 0`). Every wait is bounded,
and the whole test stays under a minute.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

from tests.browser_steps import Browser, Page, chromium_or_skip, wait_until
from workbench.core.domain.templates import from_template
from workbench.core.files import store

ROOT = Path(__file__).resolve().parent.parent
NEW_NAME = "Agreed in room 4711"
# Keys as the DevTools protocol names them: (key, code, Windows virtual key code, text).
ENTER = ("Enter", "Enter", 13, "\r")
F1 = ("F1", "F1", 112, "")  # step 1, the cursor in its first field: the definition's name
CTRL_A = ("a", "KeyA", 65, "")  # in a field: to the start
CTRL_K = ("k", "KeyK", 75, "")  # in a field: delete to the end


def start_server(folder: Path) -> tuple[subprocess.Popen[str], list[str], str, str]:
    """`workbench serve FOLDER --port 0`, what it prints (read all along, so a full pipe
    never stalls it), and the two addresses it printed."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    server = subprocess.Popen(
        [sys.executable, "-m", "workbench", "serve", str(folder), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        start_new_session=True,
    )
    printed: list[str] = []
    stdout = server.stdout
    assert stdout is not None
    threading.Thread(target=lambda: printed.extend(stdout), daemon=True).start()
    urls: dict[str, str] = {}
    deadline = time.monotonic() + 15
    while len(urls) < 2 and time.monotonic() < deadline and server.poll() is None:
        for line in list(printed):
            found = re.search(r"(http://127\.0\.0\.1:\d+/(edit/[\w-]+/)?)\s*$", line)
            if found:
                urls["edit" if found.group(2) else "follow"] = found.group(1)
        time.sleep(0.1)
    if len(urls) < 2:
        stop(server)
        raise AssertionError("serve did not print both addresses; it printed:\n" + "".join(printed))
    return server, printed, urls["edit"], urls["follow"]


def stop(server: subprocess.Popen[str]) -> None:
    """Ctrl-C, as the facilitator would; then the process group we started, if need be."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def artifacts(tmp_path: Path, **pages: Page) -> None:
    """Screenshots of each seat, for a person to look at when the test fails."""
    for name, page in pages.items():
        with contextlib.suppress(AssertionError, OSError):
            page.screenshot(tmp_path / f"{name}.png")


def keyboard_at(page: Page) -> str:
    """The class of the element that has the page's keyboard."""
    found = page.send(
        "Runtime.evaluate",
        expression="document.activeElement ? document.activeElement.className : ''",
        returnByValue=True,
    )
    return str(found.get("result", {}).get("value", ""))


def test_a_follow_seat_sees_what_the_facilitator_types(tmp_path: Path) -> None:
    chromium = chromium_or_skip()
    folder = tmp_path / "definitions"
    path = store.create(from_template("acme-inbound", "3m-10m", date(2026, 1, 5)), folder)
    server, printed, edit_url, follow_url = start_server(folder)
    browser = Browser(chromium, tmp_path / "profile")
    seats: dict[str, Page] = {}
    try:
        # Both pages load and show the home screen: the folder's one definition.
        seats["follow"] = follow = browser.open(follow_url)
        seats["edit"] = edit = browser.open(edit_url)
        for page in (follow, edit):
            page.wait_for_text("Pick a definition and press enter", timeout=20)
            page.wait_for_text("acme-inbound", timeout=5)
        # With no click, the keyboard is in the terminal: keys typed as the page comes up
        # had gone nowhere.
        edit.send("Page.bringToFront")
        wait_until(
            lambda: "xterm-helper-textarea" in keyboard_at(edit),
            timeout=10,
            what="the keyboard in the facilitator's terminal without a click",
        )
        # Each seat opens the definition; the follow seat says it follows, read-only.
        for page in (follow, edit):
            page.focus()
            page.press(*ENTER)
        follow.wait_for_text("Following the room: read-only", timeout=10)
        edit.wait_for_text("Definition name", timeout=10)
        assert "Following the room" not in edit.text()
        # The facilitator types a new name into the definition's name field.
        edit.focus()
        edit.press(*F1)
        edit.press(*CTRL_A, ctrl=True)
        edit.press(*CTRL_K, ctrl=True)
        edit.type_text(NEW_NAME)
        follow.wait_for_text(NEW_NAME, timeout=10)
        assert store.load_definition(path).definition.name == NEW_NAME
        follow.wait_for_text("following · updated", timeout=5)
    except AssertionError as error:
        error.add_note("workbench serve printed:\n" + "".join(printed))
        raise
    finally:
        artifacts(tmp_path, **seats)
        browser.close()
        stop(server)
