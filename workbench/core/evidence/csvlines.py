"""Where a CSV row is, as a line number a person finds in an editor.

DuckDB numbers what it reads by record: a quoted cell that spans lines (a HubSpot note, an
address) is one record but several lines, so every line number after it would be off. The
loader knows its rows by their order (the n-th row DuckDB read) and its rejected records by
DuckDB's record number and byte offset. This module turns both into the file's own lines.

Most exports write one record per line; then a record number is a line number and nothing
more is read. That is checked by counting the file's lines (a fast byte count). Otherwise,
and only when problems are to be located, the file is read again with Python's `csv` in the
dialect DuckDB sniffed, up to the last row asked for. If that reading disagrees with DuckDB's
(a rejected record that is not where Python's reading finds a record), the record numbers are
kept and said to be records.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 24
_TOO_WIDE = re.compile(r"expected (\d+) fields, found more than \d+")
_COUNT_AT_MOST = 1000  # too-wide records whose cells are counted (each is one seek and read)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record DuckDB could not read."""

    record: int  # DuckDB's line number: records (and blank lines) counted, the header is 1
    offset: int  # DuckDB's `line_byte_position` of the record's start (counted from 1)
    reason: str


@dataclass(frozen=True, slots=True)
class Dialect:
    """How DuckDB read the file (from `sniff_csv`), so Python reads it the same way."""

    delimiter: str = ","
    quote: str = '"'
    escape: str = '"'


def count_lines(path: Path) -> int:
    """The file's lines, a last line without a newline included."""
    lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def lines_at(path: Path, offsets: Iterable[int]) -> dict[int, int]:
    """The line each record starting at a byte offset (counted from 1) is on.

    DuckDB gives the record's first byte on LF files, but on CRLF files the byte before it
    (the previous line's "\n"); a record never starts with "\n" (DuckDB skips blank lines), so
    a "\n" at the offset is counted as behind it: both read as the record's own line."""
    wanted = sorted(set(offsets))
    found: dict[int, int] = {}
    newlines = 0
    start = 0  # byte offset (from 0) of the chunk
    with path.open("rb") as handle:
        chunk = handle.read(_CHUNK)
        for offset in wanted:
            index = offset - 1
            while chunk and index >= start + len(chunk):
                newlines += chunk.count(b"\n")
                start += len(chunk)
                chunk = handle.read(_CHUNK)
            found[offset] = newlines + chunk.count(b"\n", 0, max(0, index - start + 1)) + 1
    return found


def fields_at(path: Path, offset: int, dialect: Dialect) -> int | None:
    """How many cells the record starting at a byte offset (DuckDB's, counted from 1) holds:
    DuckDB stops counting at the first cell too many, this reads the record (quotes and
    delimiters inside them as Python's csv reads them). None when it cannot be read."""
    with path.open("rb") as handle:
        handle.seek(max(0, offset - 1))
        if handle.read(1) != b"\n":  # on CRLF files the offset is the previous line's end
            handle.seek(max(0, offset - 1))
        text = io.TextIOWrapper(handle, encoding="utf-8", errors="replace", newline="")
        reader = csv.reader(
            text,
            delimiter=dialect.delimiter,
            quotechar=dialect.quote or None,
            quoting=csv.QUOTE_MINIMAL if dialect.quote else csv.QUOTE_NONE,
            escapechar=None if dialect.escape in ("", dialect.quote) else dialect.escape,
            doublequote=dialect.escape in ("", dialect.quote),
            strict=False,
        )
        try:
            return len(next(reader))
        except (csv.Error, StopIteration):
            return None


class CsvLines:
    """Line numbers for the rows and rejected records of one CSV file DuckDB read."""

    def __init__(
        self,
        path: Path,
        rows: int,
        rejected: Sequence[Rejected],
        dialect: Callable[[], Dialect],
    ) -> None:
        self.path = path
        self.rows = rows
        self._rejected = rejected
        self._dialect = dialect
        self._records = len({r.record for r in rejected})
        self._one_per_line: bool | None = None
        self._rejected_lines: dict[int, str] | None = None
        self.by_record = False  # True when lines could not be found: numbers are records

    def one_record_per_line(self) -> bool:
        """Whether each line holds one record (the header, the rows, the rejected ones)."""
        if self._one_per_line is None:
            self._one_per_line = count_lines(self.path) == 1 + self.rows + self._records
        return self._one_per_line

    def rejected(self) -> dict[int, str]:
        """The line of each rejected record, with the first reason given for it."""
        if self._rejected_lines is None:
            if not self._rejected:
                return {}
            if self.by_record or self.one_record_per_line():
                keyed = [(r.record, r.reason, r.offset) for r in self._rejected]
            else:
                at = lines_at(self.path, (r.offset for r in self._rejected))
                keyed = [(at[r.offset], r.reason, r.offset) for r in self._rejected]
            lines: dict[int, str] = {}
            offsets: dict[int, int] = {}
            for line, reason, offset in sorted(keyed, key=lambda item: item[0]):
                lines.setdefault(line, reason)
                offsets.setdefault(line, offset)
            self._rejected_lines = lines
            self._count_wide(lines, offsets)
        return self._rejected_lines

    def _count_wide(self, lines: dict[int, str], offsets: dict[int, int]) -> None:
        """ "found more than 22" made "found 24": the too-wide records' cells counted."""
        wide = [line for line, reason in lines.items() if _TOO_WIDE.fullmatch(reason)]
        if not wide:
            return
        dialect = self._dialect()
        for line in wide[:_COUNT_AT_MOST]:
            found = _TOO_WIDE.fullmatch(lines[line])
            count = fields_at(self.path, offsets[line], dialect) if offsets[line] else None
            if found and count is not None and count > int(found.group(1)):
                lines[line] = f"expected {found.group(1)} fields, found {count}"

    def locate(self, ordinals: Iterable[int]) -> dict[int, int]:
        """The line of each row, by its order among the rows DuckDB read (from 0).

        Ask before `rejected`: when the lines cannot be found, both fall back to records."""
        wanted = set(ordinals)
        if not wanted:
            return {}
        if not self.one_record_per_line() and not self.by_record:
            found = self._read(wanted)
            if found is not None:
                return found
            self.by_record = True
            self._rejected_lines = None
        return self._by_record(wanted)

    def _by_record(self, wanted: set[int]) -> dict[int, int]:
        """Record numbers: the header is 1, rejected records are not rows."""
        skipped = sorted({r.record for r in self._rejected if r.record >= 2})
        found: dict[int, int] = {}
        passed = 0  # rejected records before the current row (one walk: rows come in order)
        for ordinal in sorted(wanted):
            line = ordinal + 2 + passed
            while passed < len(skipped) and skipped[passed] <= line:
                passed += 1
                line += 1
            found[ordinal] = line
        return found

    def _read(self, wanted: set[int]) -> dict[int, int] | None:
        """Python's reading of the file, up to the last row wanted; None if it disagrees."""
        dialect = self._dialect()
        rejected = set(self.rejected())
        last = max(wanted)
        found: dict[int, int] = {}
        starts: set[int] = set()
        ordinal = -1
        with self.path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            reader = csv.reader(
                handle,
                delimiter=dialect.delimiter,
                quotechar=dialect.quote or None,
                quoting=csv.QUOTE_MINIMAL if dialect.quote else csv.QUOTE_NONE,
                escapechar=None if dialect.escape in ("", dialect.quote) else dialect.escape,
                doublequote=dialect.escape in ("", dialect.quote),
                strict=False,
            )
            try:
                next(reader)  # the header
                end = reader.line_num
                for record in reader:
                    start, end = end + 1, reader.line_num
                    if not record:
                        continue  # a blank line: DuckDB skips it too
                    starts.add(start)
                    if start in rejected:
                        continue
                    ordinal += 1
                    if ordinal in wanted:
                        found[ordinal] = start
                        if ordinal == last:
                            break
            except csv.Error:
                return None
        if len(found) != len(wanted):
            return None
        if any(line not in starts for line in rejected if line <= end):
            return None
        return found
