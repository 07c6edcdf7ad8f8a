"""The one safe way in for a TOML file: bounded before `tomllib` ever sees it.

`tomllib` recurses once per nested array or inline table (500 of them on a 1 KB line raise
RecursionError) and its cost grows with the square of a dotted key's length (a 46 KB key
took 12 s and 2 GB here). A device or FIFO (`/dev/zero`) would be read until memory runs
out, or block forever. So a file is opened without blocking, must be a regular file under a
size cap, and its text is scanned in one linear pass for nesting before it is parsed.

This module imports no pydantic: the home screen reads through it before the models load.
The caps are far above anything the workbench writes: the largest stage template is 8.7 KB
with 10 edge cases and nests 6 levels (as counted here); a 1,000-case suite is 0.53 MB.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from workbench.core.domain.errors import InputError, Problem

MAX_FILE_BYTES = 4 * 1024 * 1024
"""A file this large is refused unread: 7x a 1,000-case suite, 480x the largest template."""

MAX_DEPTH = 32
"""How deeply a value may sit: each header or dotted-key part, array and inline table counts
one level. Files the workbench writes reach 6; 500 nested arrays overflow `tomllib`'s stack."""

_STRUCTURE = re.compile(r"[\"'#\[\]{}=,.\n]")
_BASIC = re.compile(r'(?:[^"\\\n]|\\.)*+"')
_MULTILINE_BASIC = re.compile(r'(?:[^"\\]|\\.|"(?!""))*+"""(?:"{1,2}(?!"))?', re.DOTALL)


class _Limit(Exception):
    def __init__(self, position: int, message: str) -> None:
        super().__init__(message)
        self.position, self.message = position, message


def read_limited(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes, at most `limit`; anything else is a located InputError.

    Opened with O_NONBLOCK so a FIFO cannot hang the open, and checked with fstat on the
    opened descriptor, so a symlink to a device is caught and nothing can swap in between.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError([Problem("no such file", file=path)]) from None
    except IsADirectoryError:
        raise InputError([Problem("is a folder, expected a file", file=path)]) from None
    except OSError as error:
        raise InputError([Problem(f"cannot read: {error.strerror}", file=path)]) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError([Problem("is a folder, expected a file", file=path)])
        if not stat.S_ISREG(info.st_mode):
            raise InputError(
                [Problem(f"is a {_kind(info.st_mode)}, not a regular file; not read", file=path)]
            )
        if info.st_size > limit:
            raise InputError([_too_big(path, info.st_size, limit)])
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, 1024 * 1024):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while we read
                raise InputError([_too_big(path, total, limit)])
        return b"".join(chunks)
    except OSError as error:
        if error.errno == errno.EISDIR:
            raise InputError([Problem("is a folder, expected a file", file=path)]) from None
        raise InputError([Problem(f"cannot read: {error.strerror}", file=path)]) from None
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISFIFO(mode):
        return "pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def _too_big(path: Path, size: int, limit: int) -> Problem:
    return Problem(
        f"is {size:,} bytes, over the limit of {limit:,} bytes for a workbench file "
        "(MAX_FILE_BYTES); not read",
        file=path,
    )


def check_shape(text: str, path: Path | None, *, limit: int = MAX_DEPTH) -> None:
    """Refuse text nested deeper than `limit`, naming the line, before `tomllib` runs.

    One pass over the structural characters; strings and comments are skipped whole, as
    TOML reads them. Text that is malformed is left for `tomllib` to report: this pass only
    has to make sure that what `tomllib` will parse is shallow.
    """
    if len(text) > MAX_FILE_BYTES:
        raise InputError([_too_big(path or Path("<text>"), len(text), MAX_FILE_BYTES)])
    try:
        _scan(text, limit)
    except _Limit as refused:
        line = text.count("\n", 0, refused.position) + 1
        raise InputError([Problem(refused.message, file=path, line=line)]) from None


def _deep(position: int, depth: int, what: str, limit: int) -> _Limit:
    return _Limit(
        position,
        f"{what} nests {depth} levels deep; at most {limit} (MAX_DEPTH: tables, dotted "
        "keys, arrays and inline tables each count one); not parsed",
    )


def _scan(text: str, limit: int = MAX_DEPTH) -> None:
    """Track the depth each key and value sits at; raise _Limit past MAX_DEPTH."""
    # Containers open around the current point: (is_array, depth of the container itself).
    stack: list[tuple[bool, int]] = []
    table_depth = 0  # depth of the current [table] or [[array]] header
    in_key = True  # reading a key (line start, after `{` or after `,` in an inline table)
    key_start = True  # nothing of the key read yet: a `[` here opens a header
    parts = 1  # dotted parts of the key being read
    header = 0  # >0 while reading a header: how many `[` opened it
    header_start = 0
    arrays: set[tuple[str, ...]] = set()  # [[array]] tables: each element is one more level
    value_depth = 0  # depth of the value about to be read
    pos = 0
    end = len(text)
    while pos < end:
        found = _STRUCTURE.search(text, pos)
        if found is None:
            return
        char = found.group()
        at = found.start()
        pos = at + 1
        if char in "\"'":
            pos = skip_string(text, at)
            if pos < 0:
                return  # unterminated: tomllib says so, and parses nothing after it
            key_start = False
        elif char == "#":
            newline = text.find("\n", pos)
            pos = end if newline < 0 else newline
        elif char == "\n":
            if not stack and not header:
                in_key, key_start, parts = True, True, 1
        elif header:
            if char == ".":
                parts += 1
                if parts > limit:
                    raise _deep(at, parts, "this table header", limit)
            elif char == "]":
                table_depth = _header_depth(text[header_start:at], header == 2, arrays)
                if table_depth > limit:
                    raise _deep(at, table_depth, "this table header", limit)
                if header == 2 and text.startswith("]", pos):
                    pos += 1
                header, in_key, key_start, parts = 0, False, False, 1
        elif in_key:
            if char == "[" and key_start and not stack:
                header = 2 if text.startswith("[", pos) else 1
                pos += header - 1
                header_start, parts = pos, 1
            elif char == ".":
                parts += 1
                base = stack[-1][1] if stack else table_depth
                if base + parts > limit:
                    raise _deep(at, base + parts, "this dotted key", limit)
            elif char == "=":
                base = stack[-1][1] if stack else table_depth
                value_depth = base + parts
                if value_depth > limit:
                    raise _deep(at, value_depth, "this key", limit)
                in_key, key_start, parts = False, False, 1
            elif char == "}" and stack:
                stack.pop()  # an empty inline table `{}`
                _after_close(stack)
                in_key = False
            else:
                key_start = False
        elif char in "[{":
            depth = value_depth + 1 if stack and stack[-1][0] else value_depth
            depth = max(depth, 1)
            if depth > limit:
                raise _deep(at, depth, "this array or inline table", limit)
            stack.append((char == "[", depth))
            if char == "{":
                in_key, key_start, parts = True, True, 1
            else:
                value_depth = depth
        elif char in "]}":
            if stack:
                stack.pop()
            value_depth = _after_close(stack)
        elif char == ",":
            if stack and not stack[-1][0]:
                in_key, key_start, parts = True, True, 1
            elif stack:
                value_depth = stack[-1][1]


_KEY_PART = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[^\s."\']+')


def _header_depth(inside: str, array: bool, arrays: set[tuple[str, ...]]) -> int:
    """Levels of a `[a.b]` / `[[a.b]]` table: a part, plus one where it is an array element."""
    parts = tuple(part.strip("\"'") for part in _KEY_PART.findall(inside))
    depth = len(parts) + sum(1 for n in range(1, len(parts)) if parts[:n] in arrays)
    if array:
        arrays.add(parts)
        depth += 1
    return depth


def _after_close(stack: list[tuple[bool, int]]) -> int:
    """The depth of the next value once a container closed: an element of the enclosing array."""
    return stack[-1][1] if stack else 0


def skip_string(text: str, start: int) -> int:
    """The position after the string starting at `start`, or -1 when it is not closed."""
    quote = text[start]
    if text.startswith(quote * 3, start):
        body = start + 3
        if quote == "'":
            close = text.find("'''", body)
            if close < 0:
                return -1
            run = 3
            while run < 5 and text.startswith("'", close + run):
                run += 1  # up to two quotes may end the string's own text
            return close + run
        match = _MULTILINE_BASIC.match(text, body)
        return match.end() if match else -1
    if quote == "'":
        close = text.find("'", start + 1)
        newline = text.find("\n", start + 1)
        if close < 0 or (0 <= newline < close):
            return -1
        return close + 1
    match = _BASIC.match(text, start + 1)
    return match.end() if match else -1


def parse_text(text: str, path: Path | None = None) -> dict[str, Any]:
    """`tomllib.loads` behind the shape check; TOMLDecodeError passes through unchanged."""
    check_shape(text, path)
    return tomllib.loads(text)


def load_file(path: Path) -> dict[str, Any]:
    """Read and parse a TOML file safely: InputError for what is refused before parsing,
    TOMLDecodeError or UnicodeDecodeError for text that is not TOML (the caller words it)."""
    return parse_text(read_limited(path).decode("utf-8"), path)
