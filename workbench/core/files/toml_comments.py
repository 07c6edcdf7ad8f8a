"""A definition's comments survive the workbench's own rewrite of it.

The workbench writes a definition from its model (`store.to_toml`), so what a person wrote by
hand between the keys (the reason behind a number, a note for the next review) would be gone
at the next autosave, sign-off or new version. `carry(old, new)` puts every comment of the old
text back into the new one: above the table, key or array item it sat above, or at the end of
the line it ended. Array-of-tables elements (edge cases, tier 2 rules) are followed by content,
so a comment stays with its case when an earlier case is removed. A comment whose line is gone
goes above the nearest table or key still there: nothing is dropped.

Comments are not content: the signed hash is of the definition, so they change no signature.
"""

from __future__ import annotations

import json
import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from workbench.core.files.tomlfile import key_lines
from workbench.core.files.tomlguard import skip_string

Loc = tuple[str | int, ...]

_SPECIAL = re.compile(r"[\"'#]")
_NOT_NEWLINE = re.compile(r"[^\n]")


@dataclass(frozen=True, slots=True)
class _Anchor:
    """A line of the file: a table header or key (`item` None), an item of a multi-line array
    as written (`item` its text, "]" for the closing bracket), or the file's end (`loc` ())."""

    loc: Loc
    item: str | None = None


@dataclass(frozen=True, slots=True)
class _Note:
    anchor: _Anchor
    above: tuple[str, ...]  # whole-line comments, and "" for a blank line between two
    gap: bool  # a blank line between them and the line they sit above
    trailing: str | None  # the comment that ended the anchor's line


@dataclass(frozen=True, slots=True)
class _Scan:
    """What each line is, and where the comments are (line index -> comment column)."""

    lines: list[str]
    anchors: dict[int, _Anchor]
    comments: dict[int, int]
    paths: dict[Loc, int]  # every table and key path -> its first line


def carry(old: str, new: str) -> str:
    """`new` with the comments of `old` put back where they belong (see the module's doc)."""
    if "#" not in old:
        return new  # most files: no comment to carry, and no scan of a large suite per save
    before = _scan(old)
    if not before.comments:
        return new
    notes = _notes(before)
    numbered = any(isinstance(part, int) for note in notes for part in note.anchor.loc)
    remap = _Remap(_parsed(old), _parsed(new)) if numbered else _Remap(None, None)
    after = _scan(new)
    where = {anchor: index for index, anchor in sorted(after.anchors.items(), reverse=True)}
    for loc, index in after.paths.items():
        where.setdefault(_Anchor(loc), index)
    above: dict[int, list[str]] = {}
    trailing: dict[int, str] = {}
    at_end: list[str] = []
    for note in notes:
        target, exact = _place(note.anchor, remap, where)
        comments = list(note.above)
        if note.trailing is not None and (not exact or target in trailing):
            comments.append(note.trailing.strip())  # its line is gone or taken: a line of its own
        elif note.trailing is not None and target is not None:
            trailing[target] = note.trailing
        if not comments:
            continue
        if target is None:
            at_end.extend(comments)
            continue
        block = above.setdefault(target, [])
        block.extend(comments)
        if note.gap and exact:
            block.append("")
    out: list[str] = []
    for index, line in enumerate(after.lines):
        indent = line[: len(line) - len(line.lstrip())]
        out.extend(indent + comment if comment else "" for comment in above.get(index, []))
        out.append(line + trailing[index] if index in trailing else line)
    if at_end:
        if out and out[-1].strip():
            out.append("")
        out.extend(at_end)
    # Every line added starts with a comment, and a comment is only added after a line of
    # `new` that ends outside any string (`new` is written by tomli-w, which writes no
    # multi-line string), so no value changes: the property test holds this on every template.
    return "\n".join(out) + "\n"


def _parsed(text: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _scan(text: str) -> _Scan:
    lines = _lines(text)
    comments: dict[int, int] = {}
    inside: set[int] = set()  # lines that begin inside a multi-line string
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    pieces: list[str] = []  # the text with strings' insides and comments blanked out
    pos = 0
    while (found := _SPECIAL.search(text, pos)) is not None:
        at = found.start()
        if found.group() == "#":
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            row = bisect_right(starts, at) - 1
            comments[row] = at - starts[row]
            pieces.append(text[pos:at])
            pos = end
            continue
        end = skip_string(text, at)
        if end < 0:
            break  # unterminated: the rest is not TOML this can place anything in
        first = bisect_right(starts, at) - 1
        last = bisect_right(starts, end) - 1
        inside.update(range(first + 1, last + 1))
        pieces.append(text[pos : at + 1])
        pieces.append(_NOT_NEWLINE.sub("x", text[at + 1 : end - 1]))
        pieces.append(text[end - 1 : end])
        pos = end
    pieces.append(text[pos:])
    plain = _lines("".join(pieces))
    keyed = "\n".join("" if row in inside else line for row, line in enumerate(lines))
    anchors: dict[int, _Anchor] = {}
    paths = {loc: number - 1 for loc, number in key_lines(keyed).items()}
    for loc, row in paths.items():
        known = anchors.get(row)
        if known is None or len(loc) > len(known.loc):
            anchors[row] = _Anchor(loc)
    depth, array = 0, _Anchor(())
    for row, line in enumerate(plain):
        if row in inside:
            continue
        if depth > 0 and row not in anchors:
            item = lines[row][: comments.get(row, len(lines[row]))].strip()
            if item:
                anchors[row] = _Anchor(array.loc, "]" if item.startswith("]") else _item(item))
            depth += line.count("[") - line.count("]")
        elif row in anchors and "=" in line:
            value = line.split("=", 1)[1]
            opened = value.count("[") - value.count("]")
            if opened > 0:
                depth, array = opened, anchors[row]
    return _Scan(lines, anchors, comments, paths)


def _lines(text: str) -> list[str]:
    """Lines split at "\n" only: `splitlines` would also split at a form feed or a line
    separator inside a string."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def _item(text: str) -> str:
    return text.removesuffix(",").rstrip()


def _notes(scan: _Scan) -> list[_Note]:
    notes: list[_Note] = []
    pending: list[str] = []
    gap = False
    for row, line in enumerate(scan.lines):
        column = scan.comments.get(row)
        code = line[:column].strip() if column is not None else line.strip()
        if not code and column is None:
            gap = bool(pending)
            continue
        if not code and column is not None:
            if gap:
                pending.append("")
            pending.append(line[column:].rstrip())
            gap = False
            continue
        tail = line[len(line[:column].rstrip()) :].rstrip() if column is not None else None
        if not pending and tail is None:
            continue
        anchor = scan.anchors.get(row) or _nearest_before(scan, row)
        notes.append(_Note(anchor, tuple(pending), gap, tail))
        pending, gap = [], False
    if pending:
        notes.append(_Note(_Anchor(()), tuple(pending), False, None))
    return notes


def _nearest_before(scan: _Scan, row: int) -> _Anchor:
    """A line with no place of its own (inside a multi-line string or inline table): the
    key or table it belongs to."""
    for earlier in range(row - 1, -1, -1):
        anchor = scan.anchors.get(earlier)
        if anchor is not None and anchor.item is None:
            return anchor
    return _Anchor(())


def _place(anchor: _Anchor, remap: _Remap, where: dict[_Anchor, int]) -> tuple[int | None, bool]:
    """The new line for `anchor` and whether it is the same line, else the nearest line
    still there (its array's key, then each enclosing table), or None: the file's end."""
    if not anchor.loc:
        return None, False
    loc, whole = remap(anchor.loc)
    if whole:
        found = where.get(_Anchor(loc, anchor.item))
        if found is not None:
            return found, True
    for size in range(len(loc), 0, -1):
        found = where.get(_Anchor(loc[:size]))
        if found is not None:
            return found, False
    return None, False


class _Remap:
    """An array-of-tables index in the old text to the same element's index in the new."""

    def __init__(self, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        self.old, self.new = old or {}, new or {}
        self._pairs: dict[tuple[Loc, Loc], dict[int, int]] = {}

    def __call__(self, loc: Loc) -> tuple[Loc, bool]:
        out: Loc = ()
        old_node: Any = self.old
        new_node: Any = self.new
        old_path: Loc = ()
        for part in loc:
            if isinstance(part, int):
                if not (isinstance(old_node, list) and isinstance(new_node, list)):
                    return (*out, part), True
                pairs = self._pairs.get((old_path, out))
                if pairs is None:
                    pairs = self._pairs[(old_path, out)] = _pair(old_node, new_node)
                moved = pairs.get(part)
                if moved is None:
                    return out, False
                old_node, new_node = old_node[part], new_node[moved]
                old_path, out = (*old_path, part), (*out, moved)
                continue
            old_node = old_node.get(part) if isinstance(old_node, dict) else None
            new_node = new_node.get(part) if isinstance(new_node, dict) else None
            old_path, out = (*old_path, part), (*out, part)
        return out, True


def _pair(old: list[Any], new: list[Any]) -> dict[int, int]:
    """Old index -> new index: equal elements first, then edited ones in order."""
    key = [json.dumps(item, sort_keys=True, default=str) for item in old]
    fresh = [json.dumps(item, sort_keys=True, default=str) for item in new]
    pairs: dict[int, int] = {}
    matcher = SequenceMatcher(None, key, fresh, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            for offset in range(min(i2 - i1, j2 - j1)):
                pairs[i1 + offset] = j1 + offset
    return pairs
