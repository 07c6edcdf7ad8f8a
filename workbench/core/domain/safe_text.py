"""Text from a file, made safe to show: control characters become visible escapes.

A definition is written by whoever opens the pull request. A key or name holding
`\\x1b[2K\\r0 errors` erased `check`'s ERROR line on a terminal and printed "0 errors" in its
place; the same bytes made the JUnit report invalid XML. Every output that shows text from a
file (the CLI, error messages, check's reports, the exports, the app) passes it through
`printable` first, which shows each such character as a Python-style escape (`\\x1b`).
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls (\x9b is a one-byte escape sequence on some
# terminals), and the Unicode controls that reorder or hide what is displayed (bidirectional
# overrides and isolates, line and paragraph separators): text must read as it is stored.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, *, one_line: bool = False) -> str:
    """`text` with every control character shown as an escape; newlines and tabs are kept
    unless `one_line` (a name, a path, a key: anything that must stay on its line)."""
    pattern = _UNSAFE_LINE if one_line else _UNSAFE
    return pattern.sub(_escape, text)


def is_printable(text: str, *, one_line: bool = False) -> bool:
    """Whether `printable` would leave `text` as it is."""
    pattern = _UNSAFE_LINE if one_line else _UNSAFE
    return pattern.search(text) is None


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#{}])")


def markdown_text(text: str) -> str:
    """Text from a file as one line of literal Markdown: no HTML, links, emphasis, table cells
    or headings it did not ask for, and no line break that would end the item or row it is in."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", printable(" ".join(text.splitlines())))
