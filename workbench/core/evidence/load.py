"""Load the leads and activities tables (CSV or Parquet) into the canonical shape, in DuckDB.

`load_to_duckdb` reads both files into a DuckDB connection as the temporary tables `leads` and
`activities` (the schema is in `tables`), and returns what it left out and why. `load_evidence`,
`load_leads` and `load_activities` do the same in a connection of their own and fetch the rows
as `LeadRow` / `ActivityRow`.

DuckDB reads the file in-process (`read_csv` with every column as text, or `read_parquet`
with every column read as its text), so both formats go through one set of rules. How a cell
is read is decided by the Python functions below (`_cell`: `parse_timestamp`, `parse_count`,
`match_choice`, `infer_seniority`, ...): they are the single source of truth.

To be fast on millions of rows, the file is read in one pass, in which each column goes
through an SQL *fast path* that reads the common, well-formed cells exactly as the Python
function does: ISO 8601 times, Unix times and the mapping's date formats, plain numbers, the usual
spellings of the choice and yes/no values (looked up in a table the Python rules filled),
text with nothing to trim, and typed Parquet values whose text the rules would read as the
value itself. Every other cell (empty, bad, an unusual spelling) is kept aside as text and
read by the Python function, once per distinct value, and the result written back. The fast
paths never read a cell differently from Python: where they are not sure, they leave the cell
to Python (tests/test_evidence_load.py compares them cell by cell, and whole messy files with
a row-by-row reading). The pass has no join, so the rows keep their file order.

What counts as bad data, and what happens to it:
- an empty file, or a header with no rows: an `InputError` (nothing to backtest);
- a required column the file does not have: an `InputError` naming the column and the
  mapping line that fixes it (`[leads] lead_id = "<your header>"`);
- only what makes a row unusable leaves it out: a required cell that is empty or does not
  read (lead id, creation time; an activity's lead, kind and time), a duplicate lead id, an
  activity for a lead that is not in the leads table, a CSV line with more cells than the
  header (not all empty past it). It is counted, and named by where it is and why. Never silently, and never
  fatal. Of rows with the same lead id, the first (in file order) that can be read is kept.
- an optional cell that does not read (a size of "lots", an unknown lifecycle stage, a
  placeholder time outside 1971-2099: 9999-12-31 is a CRM's "never", 0001-01-01, 1900-01-01
  or 1970-01-01 its "unknown"; with the run's time given, a time more than a day after it) is read as empty
  (`None`, or the column's default), the row kept, and the cell counted per column. Nothing
  later does arithmetic on a placeholder time.
- a CSV line with fewer cells than the header: the missing ones read as empty, the row kept,
  and the lines said in one note (`_read_padded`: only such a file is read twice).
An empty optional cell is not a problem: it is unknown (`None`), or its documented default.
Every problem is in `TableReport.all` (file order); the summary shows the first few per cause.

CSV problems are located by the file's own line (a quoted cell may span lines: see
`csvlines`); Parquet problems by row.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from workbench.core.domain.errors import InputError, Problem
from workbench.core.evidence.csvfile import (
    SAMPLE,
    CsvFormat,
    detect,
    excel_sep_line,
    file_utf8_evidence,
    mostly_utf8,
    utf8_copy,
)
from workbench.core.evidence.csvlines import (
    UNCLOSED_QUOTE,
    CsvLines,
    Dialect,
    Footer,
    Rejected,
    find_footer,
)
from workbench.core.evidence.dates import (
    ZONE_OFFSETS,
    DateReading,
    candidate_formats,
    reading_formats,
    split_zone,
    zone_of,
)
from workbench.core.evidence.dates import detect as detect_dates
from workbench.core.evidence.local_time import from_local, from_local_sql
from workbench.core.evidence.mapping import (
    CANONICAL,
    Mapping,
    fix_line,
    infer_seniority,
    match_choice,
    seniority_label,
    squash,
)
from workbench.core.evidence.numbers import (
    Ambiguous,
    decimal_evidence,
    is_ambiguous,
    is_range,
    parse_amount,
    parse_count,
)
from workbench.core.evidence.tables import (
    ACTIVITY_COLUMNS,
    LEAD_COLUMNS,
    ActivityRow,
    Column,
    LeadRow,
    loaded_type,
    quote_identifier,
    sql_type,
)

if TYPE_CHECKING:
    import duckdb

SHOWN = 5  # row problems in `TableReport.first` and `emptied_first`; all of them are counted
SHOWN_PER_CAUSE = 3  # row problems the summary shows per cause; `TableReport.all` has them all


ABSENT_NOTE = "not in the file, left empty: "
"""How a table report notes the optional columns a file does not have (`absent_columns`)."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One row left out, or one cell of a kept row read as empty: where it is ("line 12" in a
    CSV, "row 11" in Parquet), why, and (for the full list) its cause, column and raw value."""

    table: str
    where: str
    reason: str
    kind: str = ""  # the cause it is counted under: "bad created_at", "duplicate lead_id", ...
    column: str = ""  # the canonical column, "" for the row as a whole
    value: str | None = None  # the cell as the file has it
    kept: bool = False  # True: the cell was emptied and the row kept

    def __str__(self) -> str:
        return f"{self.table} {self.where}: {self.reason}"

    @property
    def number(self) -> int:
        """The line (CSV) or row (Parquet) as a number."""
        return int(self.where.rsplit(" ", 1)[-1])


@dataclass(slots=True)
class TableReport:
    """How one file loaded: rows read, rows kept, rows left out (the first few), cells read as
    empty in kept rows (the first few), every problem (`all`, in file order), notes."""

    table: str
    path: Path
    rows_read: int = 0
    rows_loaded: int = 0
    skipped: int = 0
    first: list[RowProblem] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    emptied: int = 0
    emptied_first: list[RowProblem] = field(default_factory=list)
    emptied_columns: Counter[str] = field(default_factory=Counter)
    all: list[RowProblem] = field(default_factory=list)
    encoding: str | None = None  # CSV: the encoding it was read in (a Python codec name)
    delimiter: str | None = None  # CSV: the character between cells (None: DuckDB's guess)
    bom: bool = False  # CSV: it starts with a byte-order mark
    read_as: str = ""  # CSV: how it was read, in words, when that is not plain UTF-8 and ','
    # Leads: the rows left out whose lead id did read, by id (the first such row of each), so
    # that an activity of such a lead can say where its lead went.
    left_out_ids: dict[str, RowProblem] = field(default_factory=dict)
    # The order (day or month first) a date of this file proved, and that date: the export's
    # other file, whose dates may all read either way, is read in the same order.
    date_order: tuple[str, str] | None = None

    def skip(
        self, where: str, reason: str, kind: str, column: str = "", value: str | None = None
    ) -> None:
        self.skipped += 1
        self.reasons[kind] += 1
        problem = RowProblem(self.table, where, reason, kind, column, value)
        if len(self.first) < SHOWN:
            self.first.append(problem)
        self.all.append(problem)

    def empty(self, where: str, reason: str, column: str, value: str | None = None) -> None:
        """A kept row whose cell in `column` did not read and was read as empty."""
        self.emptied += 1
        self.emptied_columns[column] += 1
        problem = RowProblem(
            self.table, where, reason, f"{column} read as empty", column, value, kept=True
        )
        if len(self.emptied_first) < SHOWN:
            self.emptied_first.append(problem)
        self.all.append(problem)

    def _first_per_cause(self, kept: bool) -> dict[str, list[RowProblem]]:
        """The first few problems of each cause, causes in the order of their first."""
        out: dict[str, list[RowProblem]] = {}
        for problem in self.all:
            if problem.kept == kept:
                shown = out.setdefault(problem.kind, [])
                if len(shown) < SHOWN_PER_CAUSE:
                    shown.append(problem)
        return out

    @property
    def absent_columns(self) -> frozenset[str]:
        """The canonical columns the file does not have at all (from the loader's note)."""
        for note in self.notes:
            if note.startswith(ABSENT_NOTE):
                return frozenset(note[len(ABSENT_NOTE) :].split(", "))
        return frozenset()

    def lines(self) -> list[str]:
        out = [f"{self.path}: {self.rows_loaded} of {self.rows_read} {self.table} rows loaded"]
        if self.read_as:
            out.append(f"  {self.read_as}")
        if self.skipped:
            kinds = ", ".join(f"{n} {kind}" for kind, n in self.reasons.most_common())
            out.append(f"  {self.skipped} left out ({kinds}):")
            for kind, problems in self._first_per_cause(kept=False).items():
                more = self.reasons[kind] - len(problems)
                out.extend(f"    {p.where}: {p.reason}" for p in problems)
                if more:
                    out.append(f"    ... and {more} more {kind}")
        if self.emptied:
            columns = ", ".join(f"{n} {c}" for c, n in self.emptied_columns.most_common())
            cells = "1 cell" if self.emptied == 1 else f"{self.emptied} cells"
            out.append(f"  {cells} that did not read, read as empty, the rows kept ({columns}):")
            for kind, problems in self._first_per_cause(kept=True).items():
                more = self.emptied_columns[problems[0].column] - len(problems)
                out.extend(f"    {p.where}: {p.reason}" for p in problems)
                if more:
                    out.append(f"    ... and {more} more {kind}")
        out.extend(f"  note: {note}" for note in self.notes)
        return out


@dataclass(frozen=True, slots=True)
class Problems:
    leads: TableReport
    activities: TableReport

    @property
    def skipped(self) -> int:
        return self.leads.skipped + self.activities.skipped

    @property
    def emptied(self) -> int:
        return self.leads.emptied + self.activities.emptied

    def lines(self) -> list[str]:
        return [*self.leads.lines(), *self.activities.lines()]

    def all(self) -> list[tuple[TableReport, RowProblem]]:
        """Every row left out and every cell emptied, leads first, each in file order."""
        return [(report, p) for report in (self.leads, self.activities) for p in report.all]

    def to_json(self) -> list[dict[str, Any]]:
        """Every problem, for scripts: file, line (a Parquet file's row), column, value, cause."""
        return [
            {
                "table": p.table,
                "file": str(report.path),
                "line": p.number,
                "column": p.column or None,
                "value": p.value,
                "cause": p.reason,
                "kind": p.kind,
                "row_kept": p.kept,
            }
            for report, p in self.all()
        ]

    def write_csv(self, path: Path, *, replace: bool = True) -> int:
        """Write every problem to a CSV (file, line, column, value, cause); returns how many.

        An unwritable path is an InputError naming it."""
        import csv
        import io

        from workbench.core.files.tomlfile import atomic_write

        handle = io.StringIO(newline="")
        writer = csv.writer(handle)
        writer.writerow(["file", "line", "column", "value", "cause"])
        for report, p in self.all():
            writer.writerow([report.path, p.number, p.column, p.value or "", p.reason])
        # Whole or not at all; without `replace`, never over a file that appeared meanwhile.
        atomic_write(path, handle.getvalue().encode("utf-8"), create=not replace)
        return len(self.leads.all) + len(self.activities.all)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The canonical tables, ready to replay, and how loading went."""

    leads: tuple[LeadRow, ...]
    activities: tuple[ActivityRow, ...]
    problems: Problems


# --- cells: the rules ----------------------------------------------------------------------


class _Bad(ValueError):
    """A cell that cannot be read; `kind` groups the count ("bad created_at")."""

    def __init__(self, column: str, value: str, why: str) -> None:
        super().__init__(f"{column} {value!r}: {why}")
        self.kind = f"bad {column}"


def time_hint(formats: tuple[str, ...], value: str = "") -> str:
    """Why a time did not read: the formats tried, and the mapping lines that say the file's,
    with a format that reads this very cell where one does (`_formats_reading`): "2025/03/04
    14:05" was told to write date_formats = ["%d.%m.%Y %H:%M"], which does not read it."""
    shown = ", ".join(repr(f) for f in formats[:4])
    more = f" and {len(formats) - 4} more" if len(formats) > 4 else ""
    tried = f"tried {shown}{more}, then ISO 8601" if formats else "tried ISO 8601"
    readers = [f for f in _formats_reading(value.strip()) if f not in formats]
    if not readers:
        say = (
            'date_formats = ["%d.%m.%Y %H:%M"], or locale = "de-DE" (day first) / "en-US" '
            "(month first)"
        )
    else:
        say = f'date_formats = ["{readers[0]}"] reads this one'
        other = next((f for f in readers[1:] if _swapped(readers[0]) == f), None)
        if other is not None:
            say += f' (month first; ["{other}"] if the day comes first)'
    return (
        f"not a date or time ({tried}, such as 2025-01-31 or 2025-01-31T14:00:00Z, and Unix "
        f"time in seconds or milliseconds); say how the file writes dates in the mapping "
        f"file: {say}"
    )


def _swapped(fmt: str) -> str:
    return fmt.replace("%m", "\0").replace("%d", "%m").replace("\0", "%d")


# A cell that could be a date a format of `dates` reads: digits in two or three groups, or a
# month's name, and short; not an e-mail address or a sentence (a column mapped wrongly has
# thousands of shapes, and each new one costs a pass over the candidate formats).
_DATE_LIKE = re.compile(r"[\w ,.:/-]{6,40}")


def _formats_reading(value: str) -> list[str]:
    """The candidate date formats (`dates`: year, month's name, month, then day first) that
    read this cell, found for its shape (digits as 1) and then tried on the cell itself."""
    if not _DATE_LIKE.fullmatch(value) or not re.search(r"[0-9]", value):
        return []
    shape = re.sub(r"[0-9]", "1", value)
    found = []
    for fmt in _formats_for_shape(shape):
        try:
            datetime.strptime(value, fmt)
        except ValueError:
            continue
        found.append(fmt)
    return found


@functools.lru_cache(maxsize=256)
def _formats_for_shape(shape: str) -> tuple[str, ...]:
    """The candidate formats that read a cell of this shape (a few ms over some 300 formats;
    a column of real dates has a few shapes)."""
    readers = []
    for fmt in candidate_formats():
        try:
            datetime.strptime(shape, fmt)
        except ValueError:
            continue
        readers.append(fmt)
    return tuple(readers)


_ISO_DAY = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]|$)")


def _no_such_day(value: str) -> str | None:
    """A date written the ISO way that no calendar has (2025-13-01, 2025-02-30): said as
    such, not as a format to declare, which would not help."""
    found = _ISO_DAY.match(value)
    if found is None:
        return None
    year, month, day = (int(part) for part in found.groups())
    if not 1 <= year <= 9999:
        return None  # year 0000, a placeholder: said as any unreadable time is
    if not 1 <= month <= 12:
        return f"no such date: there is no month {month}"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return f"no such date: {calendar.month_name[month]} {year} has {last} days"
    return None


_ALL_ZEROS = re.compile(r"\s*0+[-./]0+[-./]0+(?:[ T]0+:0+(?::0+)?)?\s*")


def _no_such_time(value: str, formats: tuple[str, ...]) -> str | None:
    """A cell no calendar has, said as such, not as a format to declare (the format named
    was the one just tried): `0000-00-00 00:00:00`, a database's "no date"; a day past
    its month's end in one of the formats the column is read with (29.02.2025 as
    %d.%m.%Y); else an ISO date no calendar has (`_no_such_day`, only where the mapping
    names no formats of its own)."""
    if _ALL_ZEROS.fullmatch(value):
        return "a placeholder, not a real time (all zeros: a database's 'no date')"
    readings = [(value, _zoneless(formats))]  # a literal " UTC" in a format reads it whole
    split = split_zone(value)
    if split is not None and split[1] in ZONE_OFFSETS:
        readings.append((split[0], readings[0][1]))  # the time before its zone
    for cell, tried in readings:
        for fmt in tried:
            try:
                datetime.strptime(cell.strip(), fmt)
            except ValueError as error:
                if "out of range" in str(error):
                    return f"no such date: its day is past the end of its month (read as {fmt!r})"
    return None if formats else _no_such_day(value)


# A number of days since 1899-12-30 with the time as its fraction: a date as Excel stores it,
# which a CSV saved from a sheet whose column is formatted General writes ("45662.6284722222").
# 20000 to 79999 is 1954 to 2119. Not read: the same number is 4 years later in a workbook of
# Excel's 1904 date system, and a number column mapped onto a time would be read as dates.
_EXCEL_SERIAL = re.compile(r"\s*([2-7][0-9]{4})(?:[.,]([0-9]+))?\s*")
_EXCEL_DAY_ZERO = datetime(1899, 12, 30)
_EXCEL_1904 = timedelta(days=1462)  # the 1904 date system's day 0, 1904-01-01, in the 1900 one


def _excel_hint(value: str) -> str | None:
    """A cell that is an Excel date number: what it is, and how to export it as a date."""
    found = _EXCEL_SERIAL.fullmatch(value)
    if found is None:
        return None
    days = float(f"{found.group(1)}.{found.group(2) or 0}")
    moment = _EXCEL_DAY_ZERO + timedelta(minutes=round(days * 24 * 60))
    later = moment + _EXCEL_1904
    return (
        "an Excel date number, not a date or time (a sheet's column formatted General writes "
        f"them: {moment:%Y-%m-%d %H:%M} in Excel's usual date system, {later:%Y-%m-%d %H:%M} "
        "in its 1904 one, so it is not guessed); format the column as a date in the sheet and "
        "save the file again"
    )


def _zone_hint(value: str, formats: tuple[str, ...]) -> str | None:
    """A time that reads but for the zone's abbreviation after it, one not in
    `dates.ZONE_OFFSETS` ("2025-01-05 15:04:00 IST"): named, and its offset asked for."""
    split = split_zone(value)
    if split is None or split[1] in ZONE_OFFSETS:
        return None
    try:
        _parse_time(split[0], _zoneless(formats))
    except ValueError:
        return None
    read = ", ".join(ZONE_OFFSETS)
    return (
        f"time zone {split[1]!r} is not read: such an abbreviation can stand for more than "
        f"one offset (only {read} are read); write the time with a numeric offset instead, "
        "such as 2025-01-05T15:04:00+05:30"
    )


EARLIEST_TIME = datetime(1971, 1, 1, tzinfo=UTC)
"""Times before this are placeholders: 0001-01-01, 1900-01-01 (Excel's and SQL Server's day
zero) and 1970-01-01 (Unix time zero, what an API or a database writes for no date) stand
for "unknown" in CRM exports; no lead history is that old. One 1970 activity had made a
history of 672 months and 1.3 MQLs a month where it was 73.4."""
LATEST_TIME = datetime(2100, 1, 1, tzinfo=UTC)
"""Times from this on are placeholders: 9999-12-31 and 2999-12-31 stand for "never"."""
_PLACEHOLDER_HINT = (
    f"a placeholder, not a real time (outside {EARLIEST_TIME.year}-{LATEST_TIME.year - 1})"
)
FUTURE_SLACK = timedelta(days=1)
"""How far past the run's own time a cell may be: a time written in a zone ahead of UTC
without its offset reads up to 14 hours late."""
_LATEST: ContextVar[datetime] = ContextVar("latest_time", default=LATEST_TIME)
"""The end of the times a load reads (exclusive): LATEST_TIME, or a day past the run when
`load_to_duckdb` is told the time. Set for the length of one load, in its thread; the SQL fast
path and Python's reading of a cell both bound by it, so they never read a cell apart."""


def _future_hint(latest: datetime) -> str:
    return (
        f"after {(latest - FUTURE_SLACK):%Y-%m-%d}, when this ran: a mistyped year, or a "
        "placeholder for 'never'"
    )


@contextmanager
def _times_until(now: datetime | None) -> Iterator[None]:
    """Cells read inside are times before `now` (and FUTURE_SLACK): an activity dated 2099,
    a typo, made the history 894 months long and every monthly figure near zero."""
    latest = LATEST_TIME if now is None else min(LATEST_TIME, now + FUTURE_SLACK)
    token = _LATEST.set(latest)
    try:
        yield
    finally:
        _LATEST.reset(token)


class _Placeholder(_Bad):
    """A time that parses but stands for "never" or "unknown"."""


def is_placeholder(column: Column, value: str | None, mapping: Mapping = CANONICAL) -> bool:
    """Whether a cell is a well-formed time outside EARLIEST_TIME..LATEST_TIME."""
    if column.type != "timestamp" or value is None or not value.strip():
        return False
    try:
        _cell(column, value, mapping)
    except _Placeholder:
        return True
    except _Bad:
        return False
    return False


_BIGINT_MAX = 2**63 - 1  # a count must fit the table's BIGINT


_UNIX_TIME = re.compile(r"([1-9][0-9]{9})(?:\.([0-9]{1,6}))?|([1-9][0-9]{12})(?:\.([0-9]{1,3}))?")
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def unix_time(text: str) -> datetime | None:
    """A cell of Unix time, as event tools and CRM APIs export it (HubSpot's API, Mixpanel,
    a warehouse's epoch column): 10 digits of seconds, with up to 6 decimals, or 13 digits of
    milliseconds (with up to 3 decimals: pandas writes "1740392100000.0" for a column with a
    gap), UTC by definition. Other lengths are not taken: 9 digits would be before September
    2001 and 11 or 12 after 2286, so they are more likely some other number; nor a leading
    zero ("0000000000" is a CRM's "unknown", as 1900-01-01 is)."""
    found = _UNIX_TIME.fullmatch(text)
    if found is None:
        return None
    seconds, fraction, millis, part = found.groups()
    if millis is not None:
        micros = int((part or "").ljust(3, "0"))
        return _UNIX_EPOCH + timedelta(milliseconds=int(millis), microseconds=micros)
    micros = int((fraction or "").ljust(6, "0"))
    return _UNIX_EPOCH + timedelta(seconds=int(seconds), microseconds=micros)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# JavaScript's `Date.toString()`, which a script or no-code tool writes when it puts a date
# object in a cell: "Tue Mar 04 2025 14:05:00 GMT+0100 (Central European Standard Time)";
# and its `toUTCString()` / an e-mail's date (RFC 2822): "Tue, 04 Mar 2025 13:05:00 GMT".
# Always in English; the zone's name in brackets is the machine's words and is not read.
_JS_TIME = re.compile(
    rf"({'|'.join(_WEEKDAYS)}) ({'|'.join(_MONTHS)}) ([0-9]{{2}}) ([0-9]{{4}}) "
    r"([0-9]{2}):([0-9]{2}):([0-9]{2}) GMT([+-][0-9]{2})([0-5][0-9])(?: \([^()]*\))?"
)
_MAIL_TIME = re.compile(
    rf"(?:({'|'.join(_WEEKDAYS)}), )?([0-9]{{1,2}}) ({'|'.join(_MONTHS)}) ([0-9]{{4}}) "
    r"([0-9]{2}):([0-9]{2})(?::([0-9]{2}))? (?:GMT|UTC|UT|Z|([+-][0-9]{2})([0-5][0-9]))"
)


def written_out_time(text: str) -> datetime | None:
    """A time as JavaScript's `Date.toString()` or an e-mail's header writes it (see
    `_JS_TIME`), as an aware time; None for any other cell. Its weekday must be the date's:
    a date written by a program has the right one. Raises ValueError for a date no calendar
    has (31 Feb)."""
    found = _JS_TIME.fullmatch(text)
    if found is not None:
        weekday, month, day, year, hour, minute, second, hours, minutes = found.groups()
    else:
        found = _MAIL_TIME.fullmatch(text)
        if found is None:
            return None
        weekday, day, month, year, hour, minute, second, hours, minutes = found.groups()
    sign = -1 if (hours or "+").startswith("-") else 1
    offset = timedelta(hours=abs(int(hours or 0)), minutes=int(minutes or 0)) * sign
    moment = datetime(
        int(year),
        _MONTHS.index(month) + 1,
        int(day),
        int(hour),
        int(minute),
        int(second or 0),
        tzinfo=timezone(offset),
    )
    if weekday is not None and _WEEKDAYS[moment.weekday()] != weekday:
        raise ValueError(f"{text!r}: {weekday} is not that date's weekday")
    return moment


def _written_out_hint(value: str) -> str | None:
    """A JavaScript or e-mail time (`written_out_time`) whose weekday is not its date's."""
    try:
        written_out_time(value.strip())
    except ValueError as error:  # its own words, or datetime's ("day is out of range...")
        words = str(error)
        return f"not a real time: {words.rpartition(': ')[2] or words}"
    return None


def parse_timestamp(value: str, formats: tuple[str, ...] = (), zone: str | None = None) -> datetime:
    """A cell as an aware UTC time: the mapping's formats, then Unix time, then ISO 8601;
    naive means UTC, or the clock of the mapping's `zone` (`local_time.from_local`). Unix time comes before ISO 8601 because Python reads a few 13-digit
    numbers as ISO's basic form (1701121212345 as 1701-12-12 23:45), which no export writes.
    A cell none of them reads may end with a zone's abbreviation (`dates.ZONE_OFFSETS`):
    "2025-01-05 15:04:00 EST" is the time before it at that zone's offset. A format's `%Z`
    is never given to strptime, which reads the machine's own zone there as none at all
    (on a machine set to Pacific time, "15:04 PST" was read as 15:04 UTC)."""
    formats = _zoneless(formats)
    try:
        parsed = _parse_time(value.strip(), formats)
    except ValueError:
        split = split_zone(value)
        offset = None if split is None else zone_of(split[1])
        if split is None or offset is None:
            raise
        parsed = _parse_time(split[0], formats)
        if parsed.tzinfo is not None:
            raise ValueError(f"two time zones: {value!r}") from None
        parsed = parsed.replace(tzinfo=offset)
    if parsed.tzinfo is None:
        if zone is None or _read_by_utc_format(value.strip(), formats):
            return parsed.replace(tzinfo=UTC)
        return from_local(parsed, zone)
    return parsed.astimezone(UTC)  # OverflowError at the ends of year 1 and 9999


def literal_utc(fmt: str) -> bool:
    """A format that writes its zone as text, UTC's ("%Y-%m-%dT%H:%M:%SZ", "%d.%m.%Y %H:%M
    UTC"): its times are UTC whatever `timezone` the mapping names."""
    return re.search(r"(?:^|[^%])(?:Z|UTC|GMT)\s*$", fmt) is not None


def _read_by_utc_format(text: str, formats: tuple[str, ...]) -> bool:
    """Whether the first of `formats` that reads the cell writes UTC as text (`literal_utc`)."""
    if not any(literal_utc(f) for f in formats):
        return False
    for fmt in formats:
        try:
            datetime.strptime(text, fmt)
        except ValueError:
            continue
        return literal_utc(fmt)
    return False


def _zoneless(formats: tuple[str, ...]) -> tuple[str, ...]:
    """The formats without a zone's name at the end ("%m/%d/%Y %I:%M %p %Z"): Python's %Z
    reads only UTC, GMT and the machine's own zone, and reads it as no zone at all."""
    return tuple(dict.fromkeys(re.sub(r"\s*%Z$", "", fmt) for fmt in formats))


def _parse_time(text: str, formats: tuple[str, ...]) -> datetime:
    """`parse_timestamp` without the zones' abbreviations: naive or aware, as written."""
    parsed: datetime | None = None
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt)
            break
        except ValueError:
            continue
    if parsed is None:
        parsed = unix_time(text)
    if parsed is None:
        parsed = written_out_time(text)
    if parsed is None:
        iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
        parsed = datetime.fromisoformat(iso)  # raises ValueError
    return parsed


_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


# What exports and spreadsheets write into a text cell that has no value: Excel's errors,
# "N/A", a dash, and what code writes for a missing value (None, null, NaN). Read as a value
# they were real: every lead with account_id '#N/A' was one account, activities with session
# '-' one session. Compared case-folded, after trimming. "NA" and "N.A." are left out: they
# are a region (North America).
TEXT_PLACEHOLDERS = frozenset(
    {
        "#n/a", "n/a", "-", "--", "---", "null", "none", "nil", "nan", "undefined",
        "(blank)", "(none)", "(null)", "(empty)", "#null!", "#value!", "#ref!", "#name?",
        "#div/0!", "#num!",
    }
)  # fmt: skip
_PLACEHOLDER_TEXT_HINT = "a placeholder for no value"
# An id Excel turned into a number and wrote in scientific notation (51234500000 as
# 5.12345E+10): its last digits are gone, so ids that differed now match, and 1,998 of 2,000
# leads were "duplicates" with every activity on the two left. Never read as an id.
_ID_COLUMNS = frozenset({"lead_id", "account_id"})
SCIENTIFIC_ID = r"[+-]?[0-9](?:[.,][0-9]+[eE][+]?|[eE][+])[0-9]+"  # 5.12345E+10, 5.12345E10
# A whole-number id as a float column writes it (pandas, with an empty cell in the column):
# "51234500000.0" in one file and "51234500000" in the other are one lead.
FLOAT_ID = r"[0-9]{1,15}[.]0+"  # a float holds 15 digits exactly; past 2**53 ids merge
# Salesforce writes a record's id in 15 characters (case matters) or 18 (the 15 and three
# characters that encode their case): a report of leads gave "00Q5e00000AbCdEFGH" where the
# activity history gave "00Q5e00000AbCdE", and every activity was an unknown lead. An
# 18-character id whose last three are that code is read as its 15.
SALESFORCE_CODE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


# A GUID (Dynamics, and any CRM keyed by UUIDs): 8-4-4-4-12 hex digits, case-insensitive by
# definition (RFC 9562). Dynamics wrote a lead's "(Do Not Modify) Lead" in lower case and the
# activities' "Regarding (Lead)" in upper case: 0 of 30 activities matched a lead. Read in
# lower case. Other ids keep their case (Salesforce's 15-character ids differ by case alone).
GUID = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
# The same GUID in braces, as Dynamics' older exports, Advanced Find and SQL Server tools write
# it ("{D95BAFC8-...}"): one file of a CRM's with braces and the other without left every
# activity "not in the leads table". Read without the braces, in lower case. The braces are
# written as classes, so no dialect's string literal reads a backslash.
BRACED_GUID = "[{]" + GUID + "[}]"


def salesforce_15(value: str) -> str | None:
    """The 15-character form of an 18-character Salesforce id, or None for any other text."""
    if len(value) != 18 or not (value.isascii() and value.isalnum()):
        return None
    code = "".join(
        SALESFORCE_CODE[sum(1 << j for j in range(5) if "A" <= value[5 * chunk + j] <= "Z")]
        for chunk in range(3)
    )
    return value[:15] if value[15:] == code else None


def salesforce_code_sql(ref: str) -> str:
    """The three characters that end `ref`'s 18-character Salesforce form (`salesforce_15`),
    as SQL every dialect reads: a letter's case found by its place in the alphabet, not by a
    range a collation could order otherwise."""
    upper = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"
    chunks = []
    for chunk in range(3):
        bits = " + ".join(
            f"CASE WHEN strpos({upper}, substr({ref}, {5 * chunk + j + 1}, 1)) > 0 "
            f"THEN {1 << j} ELSE 0 END"
            for j in range(5)
        )
        chunks.append(f"substr('{SALESFORCE_CODE}', {bits} + 1, 1)")
    return " || ".join(chunks)


def _salesforce_sql(ref: str) -> str:
    """`salesforce_15` in SQL: the condition, and the 15 characters."""
    return (
        f"WHEN strlen({ref}) = 18 AND regexp_full_match({ref}, '[A-Za-z0-9]{{18}}') "
        f"AND right({ref}, 3) = {salesforce_code_sql(ref)} THEN left({ref}, 15) "
    )


_SCIENTIFIC_HINT = (
    "an id written in scientific notation, its last digits lost (a spreadsheet read it as a "
    "number): export the column as text"
)
# The same in a Parquet file: no spreadsheet, a float column (pandas makes one of whole ids
# when a merge leaves a cell empty), and 19-digit ids past a float's 15 digits.
_SCIENTIFIC_PARQUET_HINT = (
    "an id stored as a floating-point number, its last digits lost: write the column as "
    "text or int64 (pandas: .astype('Int64') or .astype(str) before to_parquet)"
)
# HubSpot writes every company (or contact) a record is associated with into one cell, joined
# by ";": "555;777" as an account id made a third account of two companies, and "777;555"
# a fourth. Which one is the record's own is not in the cell, so it is read as empty.
SEVERAL_IDS = ";"
_SEVERAL_IDS_HINT = (
    "several ids in one cell (a CRM joins a record's associations with ';'); which is its own "
    "is not said: map the primary one's column instead (HubSpot: 'Associated Company ID "
    "(Primary)')"
)
_PLACEHOLDER_LONGEST = max(len(word) for word in TEXT_PLACEHOLDERS)


def _domain(value: str) -> str:
    text = value.strip().casefold()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = text.split("/", 1)[0].split("?", 1)[0]
    return text.removeprefix("www.")


def _cell(column: Column, value: str, mapping: Mapping) -> Any:
    """One non-empty cell as the column's type; raises _Bad with the reason."""
    try:
        if column.type == "text":
            if value.strip().casefold() in TEXT_PLACEHOLDERS and not mapping.names(
                column.name, value.strip()
            ):
                raise _Bad(column.name, value, _PLACEHOLDER_TEXT_HINT)
            if column.name in _ID_COLUMNS and re.fullmatch(SCIENTIFIC_ID, value.strip()):
                raise _Bad(column.name, value, _SCIENTIFIC_HINT)
            if column.name in _ID_COLUMNS and SEVERAL_IDS in value:
                raise _Bad(column.name, value, _SEVERAL_IDS_HINT)
            if column.name in _ID_COLUMNS and re.fullmatch(FLOAT_ID, value.strip()):
                return value.strip().split(".", 1)[0]
            if column.name in _ID_COLUMNS and (short := salesforce_15(value.strip())):
                return short
            if column.name in _ID_COLUMNS and re.fullmatch(GUID, value.strip()):
                return value.strip().lower()
            if column.name in _ID_COLUMNS and re.fullmatch(BRACED_GUID, value.strip()):
                return value.strip()[1:-1].lower()
            if column.name == "domain":
                return _domain(value)
            return mapping.translate(column.name, value.strip())
        if value.strip().casefold() in TEXT_PLACEHOLDERS and not mapping.names(
            column.name, value.strip()
        ):
            # "N/A" in a date column was "not a date or time", with advice to name the file's
            # date format: a facilitator went looking for a format that was not wrong.
            raise _Bad(column.name, value, _PLACEHOLDER_TEXT_HINT)
        if column.type == "timestamp":
            try:
                moment = parse_timestamp(value, mapping.formats_of(column.name), mapping.timezone)
            except OverflowError:  # 0001-01-01T00:00+01:00 is in year 0 in UTC
                raise _Placeholder(column.name, value, _PLACEHOLDER_HINT) from None
            if not EARLIEST_TIME <= moment < LATEST_TIME:
                raise _Placeholder(column.name, value, _PLACEHOLDER_HINT)
            latest = _LATEST.get()
            if moment >= latest:
                raise _Bad(column.name, value, _future_hint(latest))
            return moment
        if column.type == "int":
            count = parse_count(value)
            if count > _BIGINT_MAX:
                raise _Bad(column.name, value, f"too large (at most {_BIGINT_MAX})")
            return count
        if column.type == "float":
            try:
                return parse_amount(value, mapping.decimal)
            except Ambiguous:
                raise _Bad(column.name, value, _ambiguous_hint(value)) from None
        if column.type == "bool":
            # The mapping's `[values]` first ("x" = true, "✓" = true), then the usual words.
            folded = mapping.translate(column.name, value.strip()).casefold()
            if folded in _TRUE:
                return True
            if folded in _FALSE:
                return False
            raise _Bad(
                column.name,
                value,
                "not true or false (read: true, yes, y, t, 1 and false, no, n, f, 0); if it "
                f'means one, say so in the mapping file: [values.{column.name}] "{value.strip()}"'
                " = true",
            )
    except _Bad:
        raise
    except (ValueError, OverflowError):
        why = {
            # ISO's order, unless the mapping says the file writes another.
            "timestamp": _excel_hint(value)
            or _no_such_time(value, mapping.formats_of(column.name))
            or _zone_hint(value, mapping.formats_of(column.name))
            or _written_out_hint(value)
            or time_hint(mapping.formats_of(column.name), value),
            "int": "not a whole number",
            "float": "not a number",
        }.get(column.type, "unreadable")
        raise _Bad(column.name, value, why) from None
    translated = mapping.translate(column.name, value)
    chosen = match_choice(column, translated)
    if chosen is None:
        if column.name == "seniority":
            return seniority_label(value) or infer_seniority(value)
        raise _Bad(column.name, value, f"expected one of {', '.join(column.choices)}")
    return chosen


def _ambiguous_hint(value: str) -> str:
    """Why "1.200" is not read: the two numbers it could be, and the line that decides."""
    text = value.strip()
    mark = "." if "." in text else ","
    other = "," if mark == "." else "."
    small = parse_amount(text, mark)
    large = parse_amount(text, other)
    return (
        f"could be {small:g} or {large:g}; say which decimal mark the file uses in the "
        f'mapping file: decimal = "{mark}" (or "{other}"), or locale = "en-US" / "de-DE"'
    )


Status = Literal["ok", "empty", "bad"]


def read_cell(
    column: Column, value: str | None, mapping: Mapping = CANONICAL
) -> tuple[Status, Any]:
    """One raw cell as the loader reads it: ("empty", None), ("ok", value) or ("bad", reason).

    "empty" is a missing or blank cell (the column's default, or a problem when the column is
    required). Times are aware UTC datetimes, as in `LeadRow`.
    """
    if value is None or not value.strip():
        return "empty", None
    try:
        return "ok", _cell(column, value, mapping)
    except _Bad as bad:
        return "bad", str(bad)


def _empty_reason(column: Column, value: str | None) -> str:
    return str(_Bad(column.name, value or "", "required, but empty"))


# --- SQL fast paths ------------------------------------------------------------------------
#
# Each builder returns an SQL expression over `ref` (the raw cell, VARCHAR) that is the cell's
# value as the Python rules read it, or NULL when the fast path is not sure (then Python reads
# the cell). A fast path may leave any cell to Python; it must never return a different value.


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# The characters str.strip() removes (str.isspace), as code points.
WHITESPACE = (
    *(9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 133, 160, 5760),
    *range(8192, 8203),
    *(8232, 8233, 8239, 8287, 12288),
)
_WHITESPACE_CLASS = "[" + "".join(f"\\x{{{c:x}}}" for c in WHITESPACE) + "]"
# Printable ASCII, not starting or ending with a space: str.strip() leaves it as it is.
_PLAIN = r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?"


def _printable_ends(ref: str) -> str:
    """SQL: the cell starts and ends with a printable ASCII character other than a space.

    The first character by string comparison (bytes 0x21-0x7e), which needs no decoding; the
    last as `ref[-1]` (the last code point, as `right(ref, 1)`, which costs 2.5 times as much:
    0.19 s against 0.08 s CPU over 5M cells)."""
    return f"{ref} >= '!' AND {ref} < chr(127) AND ord(({ref})[-1]) BETWEEN 33 AND 126"


def _fast_text(ref: str) -> str:
    """The cell when neither end is whitespace (nothing to strip)."""
    return (
        f"CASE WHEN {_printable_ends(ref)} THEN {ref} "
        f"WHEN {ref} <> '' AND NOT regexp_matches({ref}, "
        f"'^{_WHITESPACE_CLASS}|{_WHITESPACE_CLASS}$') THEN {ref} END"
    )


def _fast_domain(ref: str) -> str:
    """`_domain` of a plain ASCII cell, where casefold is lower."""
    text = rf"regexp_replace(lower({ref}), '^[a-z][a-z0-9+.-]*://', '')"
    host = f"split_part(split_part({text}, '/', 1), '?', 1)"
    # Already a bare lower-case host: nothing to strip, no scheme, path or "www.".
    bare = (
        f"{_printable_ends(ref)} AND strlen({ref}) = length({ref}) AND {ref} = lower({ref}) "
        f"AND NOT contains({ref}, '/') AND NOT contains({ref}, '?') "
        f"AND NOT starts_with({ref}, 'www.')"
    )
    return (
        f"CASE WHEN {bare} THEN {ref} WHEN regexp_full_match({ref}, '{_PLAIN}') "
        rf"THEN regexp_replace({host}, '^www\.', '') END"
    )


def _fast_int(ref: str) -> str:
    # Up to 15 digits; thousands grouped by ',' or by '.' twice or more ("1.000.000"). A
    # single '.' group ("3.200", which is 3200 in a count) goes to Python, to be said.
    return (
        f"CASE WHEN regexp_full_match({ref}, '[0-9]{{1,15}}') THEN CAST({ref} AS BIGINT) "
        f"WHEN regexp_full_match({ref}, '[1-9][0-9]{{0,2}}(?:,[0-9]{{3}}){{1,4}}') "
        f"THEN CAST(replace({ref}, ',', '') AS BIGINT) "
        rf"WHEN regexp_full_match({ref}, '[1-9][0-9]{{0,2}}(?:\.[0-9]{{3}}){{2,4}}') "
        f"THEN CAST(replace({ref}, '.', '') AS BIGINT) END"
    )


def _fast_float(ref: str, decimal: str | None = None) -> str:
    """Plain numbers with a decimal point, where the point cannot be a thousands separator.

    Both float() and DuckDB's cast round a decimal to the nearest double. With a decimal
    comma only whole numbers are read here. A cell such as "1.200" (1.2 or 1200) is left to
    Python whatever the mark, so that the summary can say how such cells were read."""
    whole = f"regexp_full_match({ref}, '-?[0-9]{{1,15}}')"
    if decimal == ",":
        return f"CASE WHEN {whole} THEN CAST({ref} AS DOUBLE) END"
    return (
        rf"CASE WHEN regexp_full_match({ref}, '-?[0-9]{{1,15}}(?:\.[0-9]{{1,15}})?') "
        rf"AND NOT regexp_full_match({ref}, '-?[1-9][0-9]{{0,2}}\.[0-9]{{3}}') "
        f"THEN CAST({ref} AS DOUBLE) END"
    )


def _sql_literal(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _lit(value)
    raise TypeError(f"no SQL literal for {value!r}")


def _spellings(column: Column, mapping: Mapping) -> list[str]:
    """Common spellings of a bool or choice column's values, to read without Python."""
    if column.type == "bool":
        bases = ["true", "false", "yes", "no", "t", "f", "y", "n", "1", "0"]
        bases += mapping.values.get(column.name, {})  # "x" = true: a CRM's own spelling
    else:
        bases = [*column.choices, *mapping.values.get(column.name, {})]
    out: dict[str, None] = {}
    for base in bases:
        # Exports and APIs write labels as internal names: IN_PROGRESS, salesqualifiedlead.
        internal = re.sub(r"[\s_-]+", "_", base)
        texts = (base, base.replace("_", " "), base.replace("-", " "), internal)
        for text in (*texts, internal.replace("_", "")):
            for spelled in (text, text.upper(), text.lower(), text.title(), text.capitalize()):
                out[spelled] = None
    return list(out)


def _fast_known(column: Column, mapping: Mapping, ref: str) -> str | None:
    """A bool or choice cell among the common spellings, each read by Python ahead of time.

    The lookup is a cast to an ENUM of the spellings (an exact, case-sensitive hash lookup):
    unlike a long IN list, it does not become a join, which would cost the rows their order.
    """
    spelled: list[str] = []
    values: list[object] = []
    for spelling in _spellings(column, mapping):
        if spelling != spelling.strip():
            continue
        status, value = read_cell(column, spelling, mapping)
        if status == "ok" and value is not None:
            spelled.append(spelling)
            values.append(value)
    if not spelled:
        return None
    enum = f"ENUM({', '.join(_lit(s) for s in spelled)})"
    results = f"[{', '.join(_sql_literal(v) for v in values)}]"
    found = f"list_extract({results}, enum_code(TRY_CAST({ref} AS {enum})) + 1)"
    if column.choices and all(read_cell(column, c, mapping) == ("ok", c) for c in column.choices):
        # Most cells are spelled as the choices themselves: those are cast straight to the
        # loaded ENUM, the spellings looked up only for the rest (7.3M kinds read from CSV:
        # 0.51 -> 0.31 s CPU). Not when the mapping reads a choice's own name as another.
        loaded = loaded_type(column)
        return f"COALESCE(TRY_CAST({ref} AS {loaded}), CAST({found} AS {loaded}))"
    return found


# Times. The ISO 8601 shapes read by fromisoformat (after a trailing Z becomes +00:00).
_ISO_DATE = r"[1-9][0-9]{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_ISO_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?"
_ISO_OFFSET = r"(?:Z|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)"
_ISO_LOCAL = rf"{_ISO_DATE}(?:[T ]{_ISO_TIME})?"
# The commonest shapes, read by DuckDB's strptime, which skips leading and trailing whitespace
# (and a run of it where the format has a space) and reads 1 to 2 digits for %m, %d, %H, %M
# and %S. So: the exact length in bytes, a first character 1-9 (no leading whitespace, a year
# of 1000 or more), the pattern's separators, and a digit wherever whitespace could be
# skipped: then every field has all its digits, and strptime reads the cell exactly as
# fromisoformat does. (%Y reads at most 4 digits: tests/test_evidence_load.py checks it.)
_ISO_LANES: tuple[tuple[int, str, str, tuple[int, ...]], ...] = (
    (20, "%Z", "%Y-%m-%dT%H:%M:%SZ", ()),  # "%Z": ends with a Z, all that is needed here
    (19, "____-__-__ __:__:__", "%Y-%m-%d %H:%M:%S", (12, -1)),
    (19, "____-__-__T__:__:__", "%Y-%m-%dT%H:%M:%S", (-1,)),
    (10, "____-__-__", "%Y-%m-%d", (-1,)),
)
_ROUTE = "TIMESTAMP '-infinity'"  # "leave it to Python", inside the chain of steps

# strptime directives the fast path follows: Python's own pattern (from _strptime, with [0-9]
# for \d: the same on ASCII), and a stricter one whose matches DuckDB's strptime reads alike.
_DIRECTIVES: dict[str, tuple[str, str, bool]] = {
    "d": (r"(?:3[0-1]|[1-2][0-9]|0[1-9]|[1-9]| [1-9])", "[0-9]{1,2}", True),
    "m": (r"(?:1[0-2]|0[1-9]|[1-9])", "[0-9]{1,2}", True),
    "Y": (r"(?:[0-9][0-9][0-9][0-9])", "[1-9][0-9]{3}", True),
    "y": (r"(?:[0-9][0-9])", "[0-9]{2}", True),
    "H": (r"(?:2[0-3]|[0-1][0-9]|[0-9])", "[0-9]{1,2}", True),
    "I": (r"(?:1[0-2]|0[1-9]|[1-9])", "[0-9]{1,2}", True),
    "M": (r"(?:[0-5][0-9]|[0-9])", "[0-9]{1,2}", True),
    "S": (r"(?:6[0-1]|[0-5][0-9]|[0-9])", "[0-9]{1,2}", True),
    "f": (r"(?:[0-9]{1,6})", "[0-9]{6}", True),
    "p": ("(?:am|pm)", "[AaPp][Mm]", False),
}


def _am_pm() -> tuple[str, str]:
    return (
        datetime(2000, 1, 1, 1).strftime("%p").lower(),
        datetime(2000, 1, 1, 22).strftime("%p").lower(),
    )


@dataclass(frozen=True, slots=True)
class _Format:
    strict: str  # matches only cells DuckDB's strptime(cell, fmt) reads as Python does
    loose: str  # matches every cell Python's strptime(cell, fmt) could read (and more)
    needs: tuple[str, ...]  # characters every such cell contains


def _compile_format(fmt: str) -> _Format | None:
    """A strptime format for the fast path, or None when it cannot follow it exactly."""
    strict: list[str] = []
    loose: list[str] = []
    needs: dict[str, None] = {}
    seen: set[str] = set()
    numeric_before = False
    i = 0
    while i < len(fmt):
        char = fmt[i]
        if char == "%" and fmt[i + 1 : i + 2] != "%":
            directive = fmt[i + 1 : i + 2]
            spec = _DIRECTIVES.get(directive)
            if spec is None or directive in seen or (spec[2] and numeric_before):
                return None  # unknown, repeated, or two numbers without a separator
            seen.add(directive)
            loose.append(spec[0])
            strict.append(spec[1])
            numeric_before = spec[2]
            i += 2
            continue
        if char == "%":
            i += 1  # "%%" is a literal "%"
        if char.isspace():
            while i < len(fmt) and fmt[i].isspace():
                i += 1
            strict.append(" +")
            loose.append(" +")
            needs[" "] = None
            numeric_before = False
            continue
        if not (" " < char <= "~") or char.isdigit():
            return None
        escaped = char if char.isalnum() else "\\" + char
        strict.append(escaped)
        loose.append(escaped)
        if not char.isalpha():
            needs[char] = None
        numeric_before = False
        i += 1
    if not seen or ("I" in seen) != ("p" in seen) or {"H", "I"} <= seen or {"Y", "y"} <= seen:
        return None
    if "p" in seen and _am_pm() != ("am", "pm"):
        return None
    return _Format("".join(strict), "(?i)" + "".join(loose), tuple(needs))


def _time_steps(ref: str, formats: tuple[str, ...], zone: bool) -> tuple[list[str], list[str]]:
    """`_fast_timestamp`'s steps: those whose TIMESTAMP is as the cell writes it (and the
    route to Python), and those whose TIMESTAMP is UTC whatever the zone (an ISO offset or
    Z, Unix time). Without a `zone` an ISO time's step is one, in the second list."""
    local: list[str] = []  # steps whose TIMESTAMP is as written (or the route to Python)
    absolute: list[str] = []  # steps whose TIMESTAMP is UTC whatever the zone
    plain_checked = False
    iso = True
    for fmt in formats:
        compiled = _compile_format(fmt)
        if compiled is None:
            local.append(_ROUTE)  # Python might read anything here: leave the rest to it
            iso = False
            break
        has = " AND ".join(f"contains({ref}, {_lit(c)})" for c in compiled.needs) or "TRUE"
        if not (zone and literal_utc(fmt)):  # else its cells go to Python, by the loose step
            local.append(
                f"CASE WHEN {has} AND regexp_full_match({ref}, {_lit(compiled.strict)}) "
                f"THEN try_strptime({ref}, {_lit(fmt)}) END"
            )
        if not plain_checked:
            # Python strips the cell and reads Unicode digits: leave anything unusual to it.
            local.append(f"CASE WHEN NOT regexp_full_match({ref}, '{_PLAIN}') THEN {_ROUTE} END")
            plain_checked = True
        local.append(
            f"CASE WHEN {has} AND regexp_full_match({ref}, {_lit(compiled.loose)}) "
            f"THEN {_ROUTE} END"
        )
    if iso:
        for size, pattern, fmt, digits in _ISO_LANES:
            guards = [
                f"strlen({ref}) = {size}",
                f"{ref} >= '1'",
                f"{ref} < ':'",
                f"{ref} LIKE {_lit(pattern)}",
            ]
            for at in digits:
                char = f"({ref})[-1]" if at == -1 else f"substr({ref}, {at}, 1)"
                guards.append(f"ord({char}) BETWEEN 48 AND 57")
            (absolute if fmt.endswith("Z") else local).append(
                f"CASE WHEN {' AND '.join(guards)} THEN try_strptime({ref}, {_lit(fmt)}) END"
            )
        # Unix time (`unix_time`), whole seconds or milliseconds: no ISO shape is all digits.
        absolute.append(
            f"CASE WHEN strlen({ref}) IN (10, 13) AND regexp_full_match({ref}, '[1-9][0-9]+') "
            f"THEN {_from_unix(f'TRY_CAST({ref} AS BIGINT)', f'strlen({ref})')} END"
        )
        # Any other ISO 8601 time: the local part cast, less the offset. The pattern matches
        # whole cells only; on any other cell both parts are '' and the cast gives NULL.
        parts = f"regexp_extract({ref}, '^({_ISO_LOCAL})({_ISO_OFFSET}?)$', ['local', 'offset'])"
        sign = "CASE WHEN left(m.offset, 1) = '-' THEN -1 ELSE 1 END"
        minutes = (
            f"CASE WHEN m.offset IN ('', 'Z') THEN 0 ELSE {sign} * "
            "(CAST(substr(m.offset, 2, 2) AS INTEGER) * 60 + "
            "CASE WHEN length(m.offset) = 3 THEN 0 ELSE CAST(right(m.offset, 2) AS INTEGER) END) END"
        )
        utc = f"TRY_CAST(m.local AS TIMESTAMP) - to_minutes({minutes})"
        late = f"{utc} < TIMESTAMP '10000-01-01'"
        if not zone:
            absolute.append(
                f"CASE WHEN {ref} IS NOT NULL THEN list_transform([{parts}], lambda m: "
                f"CASE WHEN (m.offset = '' OR length(m.local) > 10) AND {late} "
                f"THEN {utc} END)[1] END"
            )
        else:
            local.append(
                f"CASE WHEN {ref} IS NOT NULL THEN list_transform([{parts}], lambda m: "
                f"CASE WHEN m.offset = '' AND {late} THEN {utc} END)[1] END"
            )
            absolute.append(
                f"CASE WHEN {ref} IS NOT NULL THEN list_transform([{parts}], lambda m: "
                f"CASE WHEN m.offset <> '' AND length(m.local) > 10 AND {late} "
                f"THEN {utc} END)[1] END"
            )
    return local, absolute


def _chain(steps: list[str]) -> str:
    """The first step's TIMESTAMP that is not NULL (NULL for no steps: a format the fast
    path cannot follow leaves the rest to Python)."""
    if not steps:
        return "CAST(NULL AS TIMESTAMP)"
    return f"COALESCE({', '.join(steps)})" if len(steps) > 1 else steps[0]


def _fast_timestamp(
    ref: str, formats: tuple[str, ...], *, bounded: bool = True, zone: str | None = None
) -> str:
    """parse_timestamp in SQL: each of the mapping's formats in turn, then ISO 8601 and Unix
    time (no cell reads as both). With a `zone`, the times read without an offset are that
    zone's clock (`local_time.from_local_sql`), in a lambda: the loader's own pass reads
    them in a layer of its own instead (`_stage`), which is four times as fast."""
    local, absolute = _time_steps(ref, formats, zone is not None)
    if zone is None:
        steps = local + absolute  # formats first; ISO's shapes exclude each other
    else:
        steps = [
            f"list_transform([{_chain(local)}], lambda w: CASE WHEN w = {_ROUTE} THEN w "
            f"ELSE {from_local_sql('w', zone)} END)[1]",
            *absolute,
        ]
    chain = _chain(steps)
    if not bounded:  # the caller bounds the result (`_stage`, over a column: cheaper)
        return f"NULLIF({chain}, {_ROUTE})" if formats else chain
    # A placeholder time (and the route to Python, -infinity) is left to Python, which says so.
    return f"list_transform([{chain}], lambda t: CASE WHEN {_in_range('t')} THEN t END)[1]"


def _from_unix(number: str, digits: str) -> str:
    """SQL: a whole number of Unix seconds (`digits` 10) or milliseconds (13) as a TIMESTAMP;
    NULL for any other count of digits."""
    return (
        f"CASE {digits} WHEN 10 THEN make_timestamp({number} * 1000000) "
        f"WHEN 13 THEN make_timestamp({number} * 1000) END"
    )


def _in_range(ref: str) -> str:
    """SQL: a TIMESTAMP (naive UTC) within EARLIEST_TIME and the load's latest time."""
    low = EARLIEST_TIME.replace(tzinfo=None).isoformat(sep=" ")
    high = _LATEST.get().astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    return f"{ref} >= TIMESTAMP '{low}' AND {ref} < TIMESTAMP '{high}'"


_INTEGER_TYPES = frozenset(
    {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"}
    | {"UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"}
)


def typed_fast_sql(column: Column, mapping: Mapping, ref: str, duckdb_type: str) -> str | None:
    """A fast path over a typed (Parquet) cell `ref`: its value where that is what the Python
    rules make of the cell's text (DuckDB's CAST to VARCHAR), else NULL; None: no fast path.

    Times: a TIMESTAMP renders as ISO 8601 (read as UTC), when the mapping has no date formats
    of its own, which come first; a DATE as midnight; a whole number of 10 or 13 digits as
    Unix seconds or milliseconds. Counts: whole numbers of up to 15
    digits (float() is exact there). Amounts: a finite DOUBLE renders as the shortest text
    that reads back as the same number, with a decimal point (so "1.234" is 1.234 whatever
    the mapping's decimal mark: a typed number is never ambiguous). Booleans: "true" / "false".
    """
    kind = duckdb_type.upper()
    formats = mapping.formats_of(column.name) if column.type == "timestamp" else ()
    if column.type == "timestamp" and kind in ("TIMESTAMP", "DATE") and not formats:
        value = ref if kind == "TIMESTAMP" else f"CAST({ref} AS TIMESTAMP)"
        if mapping.timezone is not None:  # a zone's clock, as its text reads in Python
            value = from_local_sql(value, mapping.timezone)
        return f"CASE WHEN {_in_range(value)} THEN {value} END"
    if column.type == "timestamp" and kind in _INTEGER_TYPES and not formats:
        # Unix time: a whole number of 10 digits (seconds) or 13 (milliseconds), as its text.
        digits = (
            f"CASE WHEN {ref} BETWEEN 1000000000 AND 9999999999 THEN 10 "
            f"WHEN {ref} BETWEEN 1000000000000 AND 9999999999999 THEN 13 END"
        )
        value = _from_unix(f"TRY_CAST({ref} AS BIGINT)", digits)
        return f"list_transform([{value}], lambda t: CASE WHEN {_in_range('t')} THEN t END)[1]"
    if column.type == "int" and kind in _INTEGER_TYPES:
        return f"CASE WHEN {ref} BETWEEN 0 AND 999999999999999 THEN CAST({ref} AS BIGINT) END"
    if column.type == "float":
        if kind == "DOUBLE":
            return f"CASE WHEN isfinite({ref}) THEN {ref} END"
        if kind in _INTEGER_TYPES:
            return (
                f"CASE WHEN {ref} BETWEEN -999999999999999 AND 999999999999999 "
                f"THEN CAST({ref} AS DOUBLE) END"
            )
    if column.type == "bool" and kind == "BOOLEAN":
        return ref
    return None


def _fast_translated(table: dict[str, str], ref: str) -> str | None:
    """A text cell through a `[values]` table (`Mapping.translate`), for plain ASCII cells,
    where casefold is lower and the only whitespace `squash` removes is a space; a cell the
    table does not name is itself. Other cells go to Python."""
    keys = {squash(their): ours for their, ours in table.items()}
    if "" in keys:
        return None  # a key of only spaces and dashes: Python reads every cell
    squashed = f"regexp_replace(lower({ref}), '[ _./-]+', '', 'g')"
    enum = f"ENUM({', '.join(_lit(k) for k in keys)})"
    results = f"[{', '.join(_lit(v) for v in keys.values())}]"
    found = f"list_extract({results}, enum_code(TRY_CAST({squashed} AS {enum})) + 1)"
    return (
        f"CASE WHEN regexp_full_match({ref}, '{_PLAIN}') AND {squashed} <> '' "
        f"THEN COALESCE({found}, {ref}) END"
    )


def _placeholder_to_python(ref: str, fast: str | None, column: str = "") -> str | None:
    """A text fast path that leaves a placeholder cell ("N/A", "#N/A", "-") to Python, which
    reads it as empty and says so (`TEXT_PLACEHOLDERS`), and an id in scientific notation
    too; a whole-number id written as a float, or an 18-character Salesforce id, is read
    here. Every text fast path leaves a cell with spaces at either end to Python, so only an
    unpadded cell is looked at, and by its first character before anything dearer: over 7.3M
    activity ids the fast path takes 0.24 s with these tests and 0.15 s without, where
    trimming and lower-casing each cell took 0.97 (BENCHMARKS.md, "the text cell tests")."""
    if fast is None:
        return None
    words = ", ".join(_lit(word) for word in sorted(TEXT_PLACEHOLDERS))
    firsts = ", ".join(
        str(code)
        for code in sorted({ord(c) for w in TEXT_PLACEHOLDERS for c in w[0] + w[0].upper()})
    )
    steps = [
        f"WHEN ascii({ref}) IN ({firsts}) AND strlen({ref}) <= {_PLACEHOLDER_LONGEST} "
        f"AND lower({ref}) IN ({words}) THEN NULL "
    ]
    if column in _ID_COLUMNS:
        steps += [
            f"WHEN contains({ref}, '{SEVERAL_IDS}') THEN NULL ",
            f"WHEN ascii({ref}) BETWEEN 43 AND 57 AND (contains({ref}, 'E') OR contains({ref}, 'e')) "
            f"AND regexp_full_match({ref}, '{SCIENTIFIC_ID}') THEN NULL ",
            f"WHEN ascii({ref}) BETWEEN 48 AND 57 AND contains({ref}, '.') "
            f"AND regexp_full_match({ref}, '{FLOAT_ID}') THEN split_part({ref}, '.', 1) ",
            _salesforce_sql(ref),
            f"WHEN strlen({ref}) = 36 AND substr({ref}, 9, 1) = '-' "
            f"AND regexp_full_match({ref}, '{GUID}') THEN lower({ref}) ",
            f"WHEN strlen({ref}) = 38 AND ascii({ref}) = 123 "
            f"AND regexp_full_match({ref}, '{BRACED_GUID}') THEN lower(substr({ref}, 2, 36)) ",
        ]
    return f"CASE {''.join(steps)}ELSE {fast} END"


def fast_sql(column: Column, mapping: Mapping, ref: str) -> str | None:
    """The column's SQL fast path over the raw cell `ref`, or None when it has none."""
    if column.type == "text":
        if column.name == "domain":
            return _placeholder_to_python(ref, _fast_domain(ref))
        table = mapping.values.get(column.name)
        fast = _fast_translated(table, ref) if table else _fast_text(ref)
        return _placeholder_to_python(ref, fast, column.name)
    if column.type == "timestamp":
        return _fast_timestamp(ref, mapping.formats_of(column.name), zone=mapping.timezone)
    if column.type == "int":
        return _fast_int(ref)
    if column.type == "float":
        return _fast_float(ref, mapping.decimal)
    return _fast_known(column, mapping, ref)


# --- reading a file ------------------------------------------------------------------------

_PREFIX = "_wb_load_"  # the loader's own temporary tables and columns


def _is_parquet(path: Path, head: bytes) -> bool:
    return head.startswith(b"PAR1") or path.suffix.lower() in (".parquet", ".pq")


def _open(path: Path, table: str) -> bool:
    """Whether the file is Parquet; InputError when it is missing, a folder or empty."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4096)
    except FileNotFoundError:
        raise InputError([Problem("no such file", file=path)]) from None
    except IsADirectoryError:
        raise InputError(
            [Problem("is a folder, expected a CSV or Parquet file", file=path)]
        ) from None
    except OSError as error:
        raise InputError([Problem(f"cannot read: {error.strerror}", file=path)]) from None
    if size == 0 or (size <= len(head) and not head.strip()):
        raise InputError([Problem(f"is empty: expected a header row and {table} rows", file=path)])
    packed = _packed(head)
    if packed is not None:
        raise InputError([Problem(packed, file=path)])
    return _is_parquet(path, head)


def _packed(head: bytes) -> str | None:
    """What to do with a workbook or an archive given where a CSV was expected: it read as
    "no header line and columns were found", which sends the room looking at the headers."""
    if head.startswith(b"PK\x03\x04"):
        if b"xl/" in head:
            return (
                "is an Excel workbook, not a CSV file: save the sheet as CSV (File > Save As > "
                "CSV UTF-8) or export the report as CSV"
            )
        if b"[Content_Types].xml" in head:
            return "is an Office document, not a CSV file: export the lead history as CSV"
        return "is a zip archive, not a CSV file: extract the CSV file from it and give that"
    if head.startswith(b"\x1f\x8b"):
        return "is gzip-compressed: decompress it (gunzip) and give the CSV file"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "is an old Excel workbook (.xls), not a CSV file: save the sheet as CSV UTF-8"
    return None


_LONG_LINE = re.compile(r"Maximum line size of \d+ bytes exceeded\. Actual Size: ?(\d+) bytes")
LONGEST_LINE = 64 * 1024 * 1024
"""The longest CSV line read (bytes). DuckDB's default is 2 MB, and a CRM's long text (an
e-mail thread pasted in a description) can pass it; a file with such a line is read again
with room for it, up to this. Files without one keep DuckDB's default, which holds less
memory (BENCHMARKS.md, "the CSV line limit")."""


def _megabytes(size: int) -> str:
    """64.4 MB, not 64: a line just over the limit must not read as within it."""
    return f"{size / 1024 / 1024:.1f} MB"


class _LongLine(Exception):
    """A CSV line longer than the reader's limit: `size` bytes, or None where DuckDB could
    not sniff the file (which a long line in its first lines makes it fail to do)."""

    def __init__(self, size: int | None, start: str) -> None:
        super().__init__(f"a line of {size} bytes")
        self.size, self.start = size, start


class _NotSniffed(Exception):
    """DuckDB's sniffer found no dialect for a CSV with RFC 4180's quotes: read it again
    with the header's names, unsniffed (`_Source.columns`), when it is a CSV file."""


_NO_HEADER = (
    "no header line and columns were found in it: a CSV file has a header line, "
    "then one line per record, its cells separated by commas, semicolons or tabs"
)
_QUOTES = """, quote = '"', escape = '"'"""  # RFC 4180's, as CRMs write them

_BLOCK = 16 * 1024 * 1024


def longest_line_over(path: Path, size: int = 2 * _BLOCK) -> tuple[int, int] | None:
    """(start offset, length in bytes) of a line of `size` bytes or more, or None.

    DuckDB reads a CSV in buffers of 16 times its line limit (32 MB by default) and, past
    the rows it samples, skips a line longer than that without a word (DuckDB 2.0.1): only a
    look at the bytes finds it. A line of 32 MB holds a whole aligned 16 MB block with no line
    break, so only the start of each block is read, until one has none: a normal file costs a
    few kilobytes per 16 MB."""
    probe = 64 * 1024
    with path.open("rb") as handle:
        handle.seek(0, 2)
        total = handle.tell()
        for block in range(0, total, _BLOCK):
            handle.seek(block)
            head = handle.read(probe)
            if b"\n" in head or len(head) < probe:
                continue
            rest = handle.read(_BLOCK - probe)
            if b"\n" in rest:
                continue
            start, end = _line_around(handle, block, total)
            if end - start >= size:
                return start, end - start
    return None


def _line_around(handle: Any, at: int, total: int) -> tuple[int, int]:
    """The start and end offsets of the line holding byte `at`, by chunks either side."""
    chunk = 1024 * 1024
    start = at
    while start > 0:
        low = max(0, start - chunk)
        handle.seek(low)
        piece = handle.read(start - low)
        found = piece.rfind(b"\n")
        if found >= 0:
            start = low + found + 1
            break
        start = low
    end = at
    while end < total:
        handle.seek(end)
        piece = handle.read(chunk)
        found = piece.find(b"\n")
        if found >= 0:
            end += found
            break
        end += len(piece)
    return start, end


def line_limit(path: Path, named: Path | None = None) -> int | None:
    """The `max_line_size` a read of the CSV at `path` needs from the start: None (DuckDB's
    default) unless its bytes hold a line DuckDB would skip without a word
    (`longest_line_over`); an InputError, naming the file as `named`, for one longer than
    LONGEST_LINE."""
    huge = longest_line_over(path)
    if huge is None:
        return None
    start, length = huge
    if length > LONGEST_LINE:
        with path.open("rb") as handle:
            handle.seek(start)
            text = handle.read(60).decode("utf-8", errors="replace")
        raise InputError([_too_long(named or path, length, _start(text))])
    return LONGEST_LINE


def _start(line: str) -> str:
    """How a long line starts, for the message that refuses it."""
    return line[:40] + ("…" if len(line) > 40 else "")


def _quoted_line_start(text: str) -> str:
    """The start of the line DuckDB quotes in its error ("Original Line: ...")."""
    found = re.search(r"Original Line: ?(.*)", text)
    return _start(found.group(1) if found else "")


@dataclass(frozen=True, slots=True)
class _Source:
    path: Path
    parquet: bool
    rejects: str  # CSV: the temporary tables DuckDB writes the lines it rejects to
    form: CsvFormat = field(default_factory=CsvFormat)  # CSV: its encoding and delimiter
    utf8: Path | None = None  # CSV: the file DuckDB reads (a UTF-8 copy of another encoding)
    max_line: int | None = None  # CSV: the longest line DuckDB reads, when not its default
    columns: tuple[str, ...] | None = None  # CSV: the header's names, when DuckDB cannot sniff
    pad: bool = False  # CSV: a row with fewer cells than the header has the rest read as empty

    @property
    def kind(self) -> str:
        return "Parquet" if self.parquet else "CSV"

    @property
    def read(self) -> Path:
        """The file DuckDB reads: the same lines as `path`, in UTF-8."""
        return self.utf8 or self.path

    def scan(self) -> str:
        path = _lit(str(self.read))
        if self.parquet:
            return f"read_parquet({path})"
        return f"read_csv({path}, {self._csv_options()})"

    def _csv_options(self) -> str:
        """Quotes as RFC 4180 writes them (and CRMs do): left to DuckDB's sniffer, one quote
        that never closes in its sample made it read the whole file without quotes, every
        "Director, Marketing" split in two and its row shifted without a word. A file whose
        sample does not sniff so is read with the header's names (`columns`), unsniffed."""
        delimiter = "" if self.form.delimiter is None else f", delim = {_lit(self.form.delimiter)}"
        unsniffed = ""
        if self.columns is not None:
            names = ", ".join(f"{_lit(name)}: 'VARCHAR'" for name in self.columns)
            unsniffed = f", auto_detect = false, columns = {{{names}}}"
        if self.pad:  # DuckDB pads a quoted file only when it reads it in one thread
            unsniffed += ", null_padding = true, parallel = false"
        return (
            f"header = true, all_varchar = true, store_rejects = true, "
            f"rejects_table = {_lit(self.rejects + '_errors')}, "
            f"rejects_scan = {_lit(self.rejects + '_scans')}{delimiter}{_QUOTES}"
            f"{self.longest()}{unsniffed}"
        )

    def longest(self) -> str:
        """The read's line limit as a `read_csv` option, when it is not DuckDB's default."""
        return "" if self.max_line is None else f", max_line_size = {self.max_line}"

    def long_lines(self, rejected: list[Rejected]) -> _LongLine | None:
        """A `_LongLine` to read the file again for, when DuckDB left out a line longer than
        this read's limit that LONGEST_LINE would read (past the lines it sniffs, a long
        line is a rejected row, not an error)."""
        if self.parquet or self.max_line == LONGEST_LINE:
            return None
        sizes = [r.line_size for r in rejected if r.line_size is not None]
        fits = [size for size in sizes if size <= LONGEST_LINE]
        return _LongLine(max(fits), "") if fits else None

    def unreadable(self, error: Exception) -> InputError | _LongLine | _NotSniffed:
        """In the room's words: not DuckDB's error class, nor the temporary UTF-8 copy's path
        (a binary file gave 'Invalid Input Error: Error when sniffing file "/tmp/workbench-…"').
        A line longer than DuckDB reads is `_LongLine`, for `_load_table` to read again."""
        text = str(error).strip()
        long_line = _LONG_LINE.search(text)
        if long_line is not None and not self.parquet:
            return _LongLine(int(long_line.group(1)), _quoted_line_start(text))
        first = text.splitlines()[0] if text else type(error).__name__
        first = re.sub(r"^[A-Z][A-Za-z ]*? Error: ", "", first)
        if self.utf8 is not None:
            first = first.replace(str(self.utf8), str(self.path))
        if not self.parquet and "sniffing file" in first and self.columns is None:
            return _NotSniffed()  # read again unsniffed, or with room for any line
        if not self.parquet and "sniffing file" in first and self.max_line != LONGEST_LINE:
            return _LongLine(None, "")  # read again with room for any line first
        if not self.parquet and "sniffing file" in first:
            first = _NO_HEADER
        if self.parquet and "magic bytes" in first:
            first = "it is not a Parquet file (it does not end with Parquet's footer)"
        return InputError([Problem(f"cannot read as {self.kind}: {first}", file=self.path)])

    def sniffs_without_quotes(self, con: duckdb.DuckDBPyConnection) -> bool:
        """Whether DuckDB's sniffer reads the file when not told the quote (it then gives up
        quotes): a CSV file whose quotes are broken somewhere in its sample, not a file that
        is no CSV at all."""
        import duckdb

        options = self._csv_options().replace(_QUOTES, "")
        try:
            con.execute(f"SELECT Delimiter FROM sniff_csv({_lit(str(self.read))}, {options})")
        except duckdb.Error:
            return False
        finally:
            self.forget_rejects(con)
        return True

    def forget_rejects(self, con: duckdb.DuckDBPyConnection) -> None:
        for suffix in ("_errors", "_scans"):
            con.execute(f"DROP TABLE IF EXISTS temp.{self.rejects}{suffix}")

    def rejected(self, con: duckdb.DuckDBPyConnection) -> list[Rejected]:
        """The records DuckDB could not read (CSV), each reason it gave."""
        if self.parquet or not _exists(con, self.rejects + "_errors"):
            return []
        return [
            Rejected(
                int(record),
                int(offset or 0),
                _reject_reason(str(message), column),
                _line_size(message),
            )
            for record, offset, message, column in con.execute(
                f"SELECT line, line_byte_position, error_message, column_name "
                f"FROM temp.{self.rejects}_errors ORDER BY line, column_idx"
            ).fetchall()
        ]

    def dialect(self, con: duckdb.DuckDBPyConnection) -> Dialect:
        """The delimiter, quote and escape DuckDB read with (for reading the file again): the
        quotes are RFC 4180's; a delimiter not known is sniffed with the scan's options."""
        if self.form.delimiter is not None:
            return Dialect(self.form.delimiter, '"', '"')
        row = con.execute(
            f"SELECT Delimiter, Quote, Escape FROM "
            f"sniff_csv({_lit(str(self.read))}, {self._csv_options()})"
        ).fetchone()
        self.forget_rejects(con)
        if not row:
            return Dialect()

        def char(value: object) -> str:
            text = str(value or "")
            return "" if text == "(empty)" else text

        return Dialect(char(row[0]) or ",", char(row[1]), char(row[2]))


def raw_header(path: Path, delimiter: str | None) -> list[str]:
    """The file's first record, read with RFC 4180's quotes by Python's csv."""
    import csv

    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            return next(csv.reader(handle, delimiter=delimiter or ","), [])
    except (OSError, csv.Error):
        return []


def header_names(path: Path, delimiter: str | None) -> tuple[str, ...] | None:
    """The header's names as DuckDB names them (trimmed; an empty one `column<n>`; a second
    of one name, in any case, `<name>_1`), read with RFC 4180's quotes: for a file DuckDB's
    sniffer gives up on. None when the first line holds no name."""
    header = raw_header(path, delimiter)
    if not any(cell.strip() for cell in header):
        return None
    width = len(str(len(header) - 1))
    names: list[str] = []
    seen: set[str] = set()
    for at, cell in enumerate(header):
        base = cell.strip() or f"column{at:0{width}d}"
        name, n = base, 0
        while name.casefold() in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name.casefold())
        names.append(name)
    return tuple(names)


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?", [table]
    ).fetchone()
    return bool(row and row[0])


def _line_size(message: object) -> int | None:
    """The bytes of a line DuckDB left out for being longer than the read's limit."""
    found = _LONG_LINE.search(str(message))
    return int(found.group(1)) if found else None


def _reject_reason(message: str, column: object = None) -> str:
    """A rejected record's reason in the room's words (`column`: the file's header of the
    cell DuckDB stopped at, if any)."""
    size = _line_size(message)
    if size is not None:
        if size > LONGEST_LINE:
            return _too_long_words(size)
        return f"a line of {_megabytes(size)}, longer than this read's limit"  # read again
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    if found:
        expected, got = int(found.group(1)), int(found.group(2))
        # DuckDB stops counting at the first cell too many: "found 5" may be 6 or more.
        more = f"more than {expected}" if got > expected else str(got)
        return f"expected {expected} fields, found {more}"
    if "unterminated quote" in message:
        cell = f"{column}: " if column else ""
        return f"{cell}{UNCLOSED_QUOTE}"
    return message.strip().splitlines()[0] if message.strip() else "unreadable line"


def _columns(
    headers: list[str], path: Path, table: str, columns: tuple[Column, ...], mapping: Mapping
) -> tuple[dict[str, int], list[str]]:
    """Each canonical column's index in the file; a missing required column is an error."""
    folded = {h.strip().casefold(): i for i, h in enumerate(headers)}
    named = mapping.headers(table)
    found: dict[str, int] = {}
    problems: list[Problem] = []
    notes: list[str] = []
    absent: list[str] = []
    for column in columns:
        header = named.get(column.name)
        # A preset's other names, unless a mapping line gives one to another column.
        taken = {h.strip().casefold() for c, h in named.items() if c != column.name}
        others = [h for h in mapping.alternates.get(column.name, ()) if h.casefold() not in taken]
        candidates = [h for h in (header, column.name, *others) if h]
        index = next(
            (folded[h.strip().casefold()] for h in candidates if h.strip().casefold() in folded),
            None,
        )
        if index is not None:
            found[column.name] = index
            continue
        if column.required:
            tried = " or ".join(repr(h) for h in dict.fromkeys(candidates))
            problems.append(
                Problem(
                    f"no {column.name} column ({column.help}): no header {tried}; the file's "
                    f"headers are {', '.join(repr(h) for h in headers)}. Name yours in "
                    f"the mapping file: {fix_line(table, column.name)}",
                    file=path,
                    field=column.name,
                )
            )
        else:
            absent.append(column.name)
    if problems:
        below = header_further_down(path, table, columns, mapping)
        if below is not None:
            line, title = below
            raise InputError([Problem(title_above_header(line, title), file=path, line=line)])
        raise InputError(problems)
    if absent:
        notes.append(ABSENT_NOTE + ", ".join(absent))
    used = set(found.values())
    unused = [repr(h) for i, h in enumerate(headers) if i not in used]
    if unused:
        notes.append(f"the file's columns not used: {', '.join(unused)}")
    return found, notes


_TITLE_LINES = 30  # how far down a report's title may push the header


def _head_lines(path: Path) -> list[str]:
    """The file's first `_TITLE_LINES` lines as text, for a message only (no lines when it
    cannot be read: the scan that matters says why)."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            return [handle.readline() for _ in range(_TITLE_LINES)]
    except OSError:
        return []


def title_above_header(line: int, title: str) -> str:
    """Where the header is, under a report's title (`header_further_down`), in the words
    the loader and `map` both say."""
    sep = re.fullmatch(r"(?i)sep=(.)", title.strip("\ufeff\r\n"))
    if line == 2 and sep is not None:
        return (
            f'its header is on line 2, below "{title.strip()}", Excel\'s note of the character '
            "between cells: delete that line (the header must come first)"
        )
    lines = "1 line" if line == 2 else f"{line - 1} lines"
    return (
        f"its header is on line {line}, below {lines} of a report's title "
        f"({title!r}): delete the lines above the header, or export the report without its "
        "title"
    )


def header_further_down(
    path: Path, table: str, columns: tuple[Column, ...], mapping: Mapping
) -> tuple[int, str] | None:
    """The line (from 2) holding every required column's header, under lines a report
    export put above it ("Leads with activities", its filters), and the first of those; None
    when there is none. Read as text with any delimiter: only a hint for the message."""
    import csv

    named = mapping.headers(table)
    wanted = [
        {h.strip().casefold() for h in (named.get(c.name), c.name) if h}
        for c in columns
        if c.required
    ]
    lines = _head_lines(path)
    for number, text in enumerate(lines[1:], start=2):
        for delimiter in ",;\t|":
            cells = {
                cell.strip().casefold()
                for row in csv.reader([text], delimiter=delimiter)
                for cell in row
            }
            if all(names & cells for names in wanted):
                return number, lines[0].strip().strip('"')
    return None


def _no_rows(
    source: _Source, table: str, columns: tuple[Column, ...], mapping: Mapping, headers: list[str]
) -> InputError:
    """Why a file gave no rows. "has a header but no leads rows" was said of a 20,000-line
    export whose first line was a report's title ("Leads report;generated 2026-01-02;;"):
    DuckDB read that line as a header of 4 columns, and no line below it had 4. A Parquet
    file has no lines: it has no rows."""
    path = source.path
    if source.parquet:
        return InputError([Problem(f"has a header but no {table} rows", file=path)])
    below = header_further_down(path, table, columns, mapping)
    if below is not None:
        return InputError([Problem(title_above_header(*below), file=path, line=below[0])])
    filled = [line.strip() for line in _head_lines(path) if line.strip()]
    if len(filled) > 1:
        return InputError(
            [
                Problem(
                    f"line 1 ({filled[0][:80]!r}) was read as a header of {len(headers)} "
                    f"columns, and no line below it as {table} rows with that many cells: if "
                    "line 1 is a report's title, delete the lines above the header",
                    file=path,
                    line=1,
                )
            ]
        )
    return InputError([Problem(f"has a header but no {table} rows", file=path)])


def _maybe_twice(headers: list[str]) -> bool:
    """Whether DuckDB's names hint at a header used twice: two that fold to one name, or a
    renamed one (`title_1` next to `title`). Only then is the header row read again."""
    folded = [h.strip().casefold() for h in headers]
    if len(set(folded)) < len(folded):
        return True
    names = set(folded)
    return any(
        (m := re.fullmatch(r"(.*)_\d+", name)) is not None and m.group(1) in names
        for name in folded
    )


def _no_header_twice(
    con: duckdb.DuckDBPyConnection, source: _Source, headers: list[str], index: dict[str, int]
) -> None:
    """A header the loader reads must name one column: with two (`title` and `Title `), which
    one holds the value is a guess. DuckDB renames the second (`Title_1`), so the file's own
    header row is read to see it. CSV only; Parquet names its columns once."""
    import duckdb

    if source.parquet or not index or not _maybe_twice(headers):
        return
    if source.columns is not None:  # not sniffed: the header as Python's csv reads it
        raw = raw_header(source.read, source.form.delimiter)
    else:
        try:
            row = con.execute(
                f"SELECT * FROM read_csv({_lit(str(source.read))}, header = false, "
                f"all_varchar = true, ignore_errors = true{_QUOTES}{source.longest()}"
                f"{'' if source.form.delimiter is None else ', delim = ' + _lit(source.form.delimiter)}"
                f") LIMIT 1"
            ).fetchone()
        except duckdb.Error:
            return  # the scan that matters reports what is wrong with the file
        raw = [str(cell or "") for cell in row or ()]
    if not raw or max(index.values()) >= len(raw):
        return  # read differently without a header: nothing to compare with
    problems = []
    for name, at in index.items():
        folded = raw[at].strip().casefold()
        same = [i for i, header in enumerate(raw) if header.strip().casefold() == folded]
        if len(same) > 1:
            places = ", ".join(str(i + 1) for i in same[:-1]) + f" and {same[-1] + 1}"
            read_as = "" if folded == name else f", read as {name}"
            problems.append(
                Problem(
                    f"columns {places} are {'both' if len(same) == 2 else 'all'} headed {raw[at].strip()!r}{read_as}: which one "
                    f"holds the value is a guess; rename or remove all but one",
                    file=source.path,
                    line=1,
                    field=name,
                )
            )
    if problems:
        raise InputError(problems)


# --- loading one table ---------------------------------------------------------------------


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _upload(
    con: duckdb.DuckDBPyConnection, name: str, column: Column, rows: Sequence[tuple[str, Any]]
) -> None:
    """A temporary lookup table (raw VARCHAR, value in the column's type) from Python values."""
    values: list[Any] = []
    for _, value in rows:
        if isinstance(value, datetime):
            value = value.astimezone(UTC).replace(tzinfo=None)
        values.append(value)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT unnest($1::VARCHAR[]) AS raw, "
        f"unnest($2::{sql_type(column)}[]) AS value",
        [[raw for raw, _ in rows], values],
    )


_RAW = quote_identifier(f"{_PREFIX}raw")
"""The helper column: for a row with a cell the fast path was not sure of, the list of its raw
cells (one per column the file has, NULL where the fast path was sure); NULL for other rows.
One list column that is NULL in the rows of a clean file, rather than a column of raw cells
per column: storing a column of NULLs costs as much as storing text (a 7.2M-row activities
table: 0.71 s CPU with four helper columns, 0.51 s without)."""


@dataclass(frozen=True, slots=True)
class _Table:
    """One table being loaded: its name in DuckDB, its columns and helper column."""

    name: str
    columns: tuple[Column, ...]
    present: tuple[Column, ...]  # the columns the file has
    ids_aside: bool = False  # activities: lead ids that are not known ones are in `_RAW_ID`

    def raw(self, column: Column) -> str:
        """SQL: the raw cell of `column` where the fast path was not sure, else NULL."""
        if self.ids_aside and column.name == "lead_id":
            return _RAW_ID
        return f"{_RAW}[{self.present.index(column) + 1}]"


def _stage(
    con: duckdb.DuckDBPyConnection,
    source: _Source,
    target: str,
    columns: tuple[Column, ...],
    index: dict[str, int],
    described: list[tuple[str, str]],
    mapping: Mapping,
    known: str | None,
    guess: Callable[[str], str] | None = None,
) -> _Table:
    """One pass over the file into `target`: each column's value by the fast path (or its
    default), plus the helper column `_RAW` with the raw cells of a row wherever the fast path
    was not sure of one.

    With `known` (a table of the lead ids there are), lead_id is taken as it is and checked
    against them afterwards (`_ids_not_known`): an id that is a known (trimmed) id needs no
    trimming; the others go to Python like any cell the fast path is not sure of.

    With `guess` (SQL: the seniority a raw title gives, see `_title_guesses`), an empty
    seniority cell is filled from the title during this pass, and the helper column
    `_INFERRED` marks those rows (no second pass rewriting the table)."""
    import duckdb

    present = tuple(c for c in columns if c.name in index)
    scan: list[str] = []
    fast: list[str] = []
    final: list[str] = []
    helpers: list[str] = []
    unsure: list[str] = []  # per column: SQL, the fast path left a cell that is there
    zoned: list[str] = []  # per time column, with a `timezone`: its wall times read in it
    title = f"_wb_s{next(n for n, c in enumerate(columns) if c.name == 'title')}" if guess else ""
    inferred = "NULL"
    for n, column in enumerate(columns):
        default = "NULL" if column.default is None else _sql_literal(column.default)
        name, typed = quote_identifier(column.name), loaded_type(column)
        if guess and column.name == "seniority" and column.name not in index:
            final.append(f"CAST({guess(title)} AS {typed}) AS {name}")
            inferred = f"{guess(title)} IS NOT NULL"
            continue
        if column.name not in index:
            final.append(f"CAST({default} AS {typed}) AS {name}")
            continue
        header, duckdb_type = described[index[column.name]]
        cell, text, value = f"_wb_c{n}", f"_wb_s{n}", f"_wb_v{n}"
        shortcut = None
        if source.parquet and duckdb_type.upper() != "VARCHAR":
            shortcut = typed_fast_sql(column, mapping, cell, duckdb_type)
        if shortcut is not None:
            # The typed value where it is exact; its text (for Python) only where it is not.
            scan.append(f"{quote_identifier(header)} AS {cell}")
            fast.append(f"{cell}, {shortcut} AS {value}")
            helpers.append(f"CASE WHEN {value} IS NULL THEN CAST({cell} AS VARCHAR) END")
            unsure.append(f"({value} IS NULL AND {cell} IS NOT NULL)")
        else:
            raw = quote_identifier(header)
            scan.append(
                f"CAST({raw} AS VARCHAR) AS {text}" if source.parquet else f"{raw} AS {text}"
            )
            pair = ""  # a zoned time's wall times, in the fast layer
            if known and column.name == "lead_id":
                expression: str | None = text  # checked against the known ids after the pass
            elif column.type == "timestamp" and mapping.timezone is not None:
                # The wall times in a column, read in the zone's clock in a layer of their
                # own, over that column (`from_local_sql`).
                # The UTC steps only where no wall time was read (the offset's regex is dear).
                walls, utc = _time_steps(text, mapping.formats_of(column.name), True)
                pair = f"CASE WHEN {text} IS NOT NULL THEN {_chain(walls)} END AS {value}_w"
                expression = None  # the fast layer takes `pair`, and the zoned layer the value
                zoned.append(
                    f"CASE WHEN {value}_w = {_ROUTE} THEN NULL "
                    f"WHEN {value}_w IS NOT NULL "
                    f"THEN {from_local_sql(f'{value}_w', mapping.timezone)} "
                    f"WHEN {text} IS NOT NULL THEN {_chain(utc)} END AS {value}"
                )
            elif column.type == "timestamp":
                expression = _fast_timestamp(text, mapping.formats_of(column.name), bounded=False)
            else:
                expression = fast_sql(column, mapping, text)
            if expression is not None and expression != text:
                # Every fast path reads an empty cell as NULL; a mostly empty column (mql_at,
                # rejection_reason) then skips it (CSV leads at 1M: 0.82 -> 0.76 s CPU).
                expression = f"CASE WHEN {text} IS NOT NULL THEN {expression} END"
            if pair:
                fast.append(f"{text}, {pair}")
            else:
                fast.append(f"{text}, {expression or 'NULL'} AS {value}")
            if column.type == "timestamp":
                value = f"CASE WHEN {_in_range(value)} THEN {value} END"  # as fast_sql bounds it
            helpers.append(f"CASE WHEN {value} IS NULL THEN {text} END")
            unsure.append(f"({value} IS NULL AND {text} IS NOT NULL)")
        settled = value if column.default is None else f"COALESCE({value}, {default})"
        if guess and column.name == "seniority":
            # Only an empty cell: a cell Python reads later keeps the old path (`_infer_seniority`).
            empty = f"{cell if shortcut is not None else text} IS NULL"
            settled = f"COALESCE({value}, CASE WHEN {empty} THEN {guess(title)} END"
            settled += ")" if column.default is None else f", {default})"
            inferred = f"({value} IS NULL AND {empty} AND {guess(title)} IS NOT NULL)"
        final.append(f"CAST({settled} AS {typed}) AS {name}")
    if helpers:
        final.append(f"CASE WHEN {' OR '.join(unsure)} THEN [{', '.join(helpers)}] END AS {_RAW}")
    if guess:
        final.append(f"{inferred} AS {_INFERRED}")
    layer = f"(SELECT {', '.join(fast) or '1'} FROM (SELECT {', '.join(scan) or '1'} FROM {source.scan()}))"
    if zoned:
        layer = f"(SELECT *, {', '.join(zoned)} FROM {layer})"
    sql = f"CREATE OR REPLACE TEMP TABLE {target} AS SELECT {', '.join(final)} FROM {layer}"
    try:
        con.execute(sql)
    except duckdb.Error as error:
        raise source.unreadable(error) from None
    aside = bool(known and "lead_id" in index and _ids_not_known(con, target, known))
    return _Table(target, columns, present, aside)


_ODD = f"{_PREFIX}odd"  # the rows of activities whose lead id, as it is, is not a known one
_RAW_ID = quote_identifier(f"{_PREFIX}raw_id")  # the raw lead id of those rows


def _ids_not_known(con: duckdb.DuckDBPyConnection, table: str, known: str) -> bool:
    """The activities whose lead id, as it is, is not a known id: found by a read (the table
    `_ODD`); only when there are some are their ids set aside in the column `_RAW_ID` for
    Python, as a cell the fast path was not sure of. Returns whether there were some.

    (An UPDATE of the whole table probing every id cost 0.30 s CPU at 1M leads, and the
    unknown ids a second probe. `_RAW` is not updated: DuckDB 2.0 moves a row whose list
    cell is updated to the end of the table, out of file order.)"""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_ODD} AS SELECT rowid AS ord FROM {table} "
        f"WHERE lead_id NOT IN (SELECT lead_id FROM {known})"
    )
    if not _scalar(con, f"SELECT count(*) FROM {_ODD}"):
        return False
    con.execute(f"ALTER TABLE {table} ADD COLUMN {_RAW_ID} VARCHAR")
    con.execute(
        f"UPDATE {table} SET {_RAW_ID} = lead_id, lead_id = NULL "
        f"WHERE rowid IN (SELECT ord FROM {_ODD})"
    )
    return True


def _number_readings(
    con: duckdb.DuckDBPyConnection,
    table: _Table,
    mapping: Mapping,
    source: _Source,
    file_columns: dict[str, str],
) -> tuple[Mapping, list[str]]:
    """How a number column's unusual cells are read, for the summary: size ranges (as their
    lower bound) and, when the mapping names no decimal mark, cells such as "1.200" in an
    amount column, read with the mark the rest of the column shows beyond doubt (the mapping
    returned has it). The cells the fast path left are looked at, once per value; only when
    an amount is ambiguous is the file's column read again for the marks it shows."""
    notes: list[str] = []
    for column in table.present:
        if column.type not in ("int", "float"):
            continue
        raw = table.raw(column)
        counted = [
            (str(text), int(n))
            for text, n in con.execute(
                f"SELECT {raw}, count(*) FROM {table.name} WHERE {raw} IS NOT NULL "
                f"GROUP BY {raw} ORDER BY count(*) DESC, {raw}"
            ).fetchall()
        ]
        if column.type == "int":
            ranges = [
                (text, n)
                for text, n in counted
                if is_range(text) and read_cell(column, text, mapping)[0] == "ok"
            ]
            if ranges:
                shown = ", ".join(f"{t.strip()!r} as {parse_count(t)}" for t, _ in ranges[:3])
                notes.append(
                    f"{column.name}: {_cells(sum(n for _, n in ranges))} with a size range, read "
                    f"as its lower bound (what is known for sure): {shown}"
                )
            dotted = [
                (text, n)
                for text, n in counted
                if "." in text
                and is_ambiguous(text)
                and read_cell(column, text, mapping)[0] == "ok"
            ]
            if dotted:
                first = dotted[0][0].strip()
                notes.append(
                    f"{column.name}: {_cells(sum(n for _, n in dotted))} like {first!r} read as "
                    f"{parse_count(first)}: in a count, '.' groups thousands"
                )
            continue
        ambiguous = [(text, n) for text, n in counted if is_ambiguous(text)]
        if not ambiguous:
            continue
        cells, first = _cells(sum(n for _, n in ambiguous)), ambiguous[0][0].strip()
        if mapping.decimal is not None:
            value = parse_amount(first, mapping.decimal)
            notes.append(
                f"{column.name}: {cells} like {first!r} read with {mapping.decimal!r} as the "
                f"decimal mark, as the mapping says ({first!r} is {value:g})"
            )
            continue
        cell = f"CAST({quote_identifier(file_columns[column.name])} AS VARCHAR)"
        shown_by: dict[str, str] = {}
        for (text,) in con.execute(
            f"SELECT DISTINCT {cell} AS v FROM {source.scan()} "
            f"WHERE contains(v, '.') OR contains(v, ',') ORDER BY v"
        ).fetchall():
            mark = decimal_evidence(str(text))
            if mark is not None:
                shown_by.setdefault(mark, str(text).strip())
                if len(shown_by) == 2:
                    break
        if len(shown_by) == 1:
            ((mark, example),) = shown_by.items()
            mapping = replace(mapping, decimal=mark)
            notes.append(
                f"{column.name}: {cells} like {first!r} read with {mark!r} as the decimal "
                f"mark ({first!r} is {parse_amount(first, mark):g}), as the rest of the column "
                f'writes it ({example!r}); say otherwise in the mapping file: decimal = "."'
            )
        else:
            why = "writes both marks" if shown_by else "shows no decimal mark"
            notes.append(
                f"{column.name}: {cells} like {first!r} could be read with either decimal "
                f"mark, so not read (the rest of the column {why}); say which in the "
                f'mapping file: decimal = "," (or "."), or locale = "de-DE"'
            )
    return mapping, notes


DATE_SAMPLE_ROWS = 20_000
"""A time column's format is decided from the distinct cells of the file's first rows: cheap
(the start of the file), and decided before the pass, so the fast path reads every cell of
the column with the same formats."""


def date_readings(
    samples: Sequence[tuple[Column, Sequence[str | None]]], mapping: Mapping
) -> tuple[Mapping, list[str], tuple[str, str] | None]:
    """`_date_readings`, and the summary's note of the zone the mapping names (for a file
    with a time column): where a time without an offset was read."""
    mapping, notes, proved = _date_readings(samples, mapping)
    zoneless = _zoneless_columns(samples, replace(mapping, timezone=None))
    if mapping.timezone is not None and zoneless:
        notes = [
            *notes,
            f"{', '.join(zoneless)}: times without a zone read as {mapping.timezone}'s clock",
        ]
    elif zoneless and mapping.timezone is None:
        notes = [
            *notes,
            f"{', '.join(zoneless)}: times without a zone, read as UTC; if they are a place's "
            'clock, name it in the mapping file: timezone = "America/New_York"',
        ]
    return mapping, notes, proved


_ZONE_PROBE = "Asia/Kolkata"  # +05:30 all year since 1945: a time without a zone moves in it
_ZONE_SAMPLE = 50  # distinct cells per column looked at


def says_no_zone(value: str, formats: tuple[str, ...]) -> bool:
    """Whether a cell reads as a time that says no zone (no offset, Z, abbreviation, a
    format writing UTC, nor Unix time): read in another place's clock, it moves. False for
    a cell that does not read (the loader says why)."""
    try:
        return parse_timestamp(value, formats) != parse_timestamp(value, formats, _ZONE_PROBE)
    except (ValueError, OverflowError):
        return False


def _zoneless_columns(
    samples: Sequence[tuple[Column, Sequence[str | None]]], mapping: Mapping
) -> list[str]:
    """The time columns where a sampled cell says no zone (`says_no_zone`): read as UTC
    without a word, a local export's times had moved by hours."""
    found = []
    for column, cells in samples:
        values = list(dict.fromkeys(c.strip() for c in cells if c is not None and c.strip()))
        formats = mapping.formats_of(column.name)
        if any(says_no_zone(value, formats) for value in values[:_ZONE_SAMPLE]):
            found.append(column.name)
    return found


def _date_readings(
    samples: Sequence[tuple[Column, Sequence[str | None]]], mapping: Mapping
) -> tuple[Mapping, list[str], tuple[str, str] | None]:
    """How each time column's dates are written, when the mapping file names no date_formats
    and some of its first cells do not read: decided from their distinct values
    (`dates.detect`), said in the summary; the mapping returned reads each column with its
    own formats (`Mapping.column_formats`). Last, the order a value proved (day or month
    first, and the value), for the export's other file.

    A day over 12 in one column proves the order for the file: its columns whose every date
    could be either are read that way (a UK report's "21/01/2025 10:04" and "05/03/2025"),
    even those the preset's month-first formats read; else as the mapping's locale, else as
    the leads file of the export proved (`Mapping.date_order_why`), else month first."""
    if mapping.dates_given:
        return mapping, [], None
    told = mapping.date_order if mapping.date_order_why else None  # the leads file's order
    locale = None if told is not None else mapping.date_order
    columns: dict[str, list[str]] = {}
    readings: dict[str, DateReading] = {}
    for column, cells in samples:
        values = list(dict.fromkeys(c.strip() for c in cells if c is not None and c.strip()))
        columns[column.name] = values
        if not any(read_cell(column, v, mapping)[0] == "bad" for v in values):
            continue
        reading = detect_dates(values, None if locale is None else locale == "day")
        if reading is not None:
            readings[column.name] = reading
    proofs: dict[str, tuple[str, str]] = {}  # order -> (the column, the value)
    for name, reading in readings.items():
        if reading.order in ("day", "month") and reading.evidence is not None:
            proofs.setdefault(reading.order, (name, reading.evidence))
    proved = None
    followers: dict[str, DateReading] = {}
    order, why = str(told), mapping.date_order_why
    if len(proofs) == 1:  # two columns proving two orders prove none for the file
        ((order, (name, value)),) = proofs.items()
        proved = (order, value)
        why = f"as {name} in this file writes them ({value!r} can only be read {order} first)"
    if locale is None and (proved is not None or told is not None):
        for column, _cells in samples:
            values = columns[column.name]
            before = readings.get(column.name)
            if before is not None and not (before.ambiguous and before.order in ("day", "month")):
                continue  # its own values decide it
            reading = detect_dates(values, order == "day", why)
            if reading is None or not reading.ambiguous or reading.order != order:
                continue
            if before is None and not _reads_otherwise(column, values, reading, mapping):
                continue  # the mapping's formats read it this way already
            readings.pop(column.name, None)
            followers[column.name] = reading
    formats: dict[str, tuple[str, ...]] = {}
    notes: list[str] = []
    for name, reading in readings.items():
        formats[name] = reading_formats(reading, mapping.date_formats)
        notes.append(f"{name}: dates read {reading.why} ({_shown(reading.formats)})")
    if followers:
        first = next(iter(followers.values()))
        shown = _shown(tuple(dict.fromkeys(f for r in followers.values() for f in r.formats)))
        notes.append(f"{', '.join(followers)}: dates read {first.why} ({shown})")
        for name, reading in followers.items():
            formats[name] = reading_formats(reading, mapping.date_formats)
    if not notes:
        return mapping, [], proved
    every = tuple(
        dict.fromkeys(f for r in [*readings.values(), *followers.values()] for f in r.formats)
    )
    notes[-1] += f"; to be sure, say so in the mapping file: date_formats = [{_shown(every)}]"
    column_formats = {**mapping.column_formats, **formats}
    return replace(mapping, column_formats=column_formats), notes, proved


def _shown(formats: tuple[str, ...]) -> str:
    return ", ".join(f'"{f}"' for f in formats)


def _reads_otherwise(
    column: Column, values: Sequence[str], reading: DateReading, mapping: Mapping
) -> bool:
    """Whether a column the mapping's formats read (a preset's month-first "05/03/2025")
    reads otherwise with `reading`'s formats, the order its file proved."""
    formats = reading_formats(reading, mapping.date_formats)
    column_formats = {**mapping.column_formats, column.name: formats}
    other = replace(mapping, column_formats=column_formats)
    return any(read_cell(column, v, mapping) != read_cell(column, v, other) for v in values)


def _date_samples(
    con: duckdb.DuckDBPyConnection,
    source: _Source,
    headers: list[str],
    index: dict[str, int],
    columns: tuple[Column, ...],
) -> list[tuple[Column, list[str | None]]]:
    """The first DATE_SAMPLE_ROWS cells of each time column, as text."""
    times = [c for c in columns if c.type == "timestamp" and c.name in index]
    if not times:
        return []
    cells = ", ".join(f"CAST({quote_identifier(headers[index[c.name]])} AS VARCHAR)" for c in times)
    rows = con.execute(f"SELECT {cells} FROM {source.scan()} LIMIT {DATE_SAMPLE_ROWS}").fetchall()
    source.forget_rejects(con)
    return [(c, [None if r[i] is None else str(r[i]) for r in rows]) for i, c in enumerate(times)]


def _cells(count: int) -> str:
    return "1 cell" if count == 1 else f"{count} cells"


def _read_the_rest(
    con: duckdb.DuckDBPyConnection, table: _Table, mapping: Mapping
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Python reads the cells the fast path left, once per distinct raw value, and the values
    are written into the table. Returns the raw values that are bad in required columns (the
    row is left out), and those of optional columns, which stay empty (NULL, or the column's
    default) in rows that are kept."""
    bad_values: dict[str, list[str]] = {}
    emptied_values: dict[str, list[str]] = {}
    lookup = f"{_PREFIX}lookup"
    for column in table.present:
        raw = table.raw(column)
        distinct = con.execute(
            f"SELECT DISTINCT {raw} FROM {table.name} WHERE {raw} IS NOT NULL"
        ).fetchall()
        read: list[tuple[str, Any]] = []
        bad: list[str] = []
        emptied: list[str] = []
        for (text,) in distinct:
            status, value = read_cell(column, text, mapping)
            if status == "ok" and value is not None:
                read.append((text, value))
            elif status == "bad" and not column.required:
                emptied.append(text)  # an optional cell: emptied, the row kept
            elif status == "bad":
                bad.append(text)
        if read:
            _upload(con, lookup, column, read)
            con.execute(
                f"UPDATE {table.name} SET {quote_identifier(column.name)} = l.value "
                f"FROM {lookup} l WHERE {table.name}.{raw} = l.raw"
            )
            con.execute(f"DROP TABLE {lookup}")
        if bad:
            bad_values[column.name] = bad
        if emptied:
            emptied_values[column.name] = emptied
    return bad_values, emptied_values


def _find_problems(
    con: duckdb.DuckDBPyConnection,
    table: _Table,
    bad_values: dict[str, list[str]],
    unique: bool,
    known: str | None,
) -> None:
    """Temporary tables of the rows to leave out: `..._bad` (ord, col: the first column in
    order that cannot be read), `..._duplicate` (ord, lead_id, first: the first row with the
    id) and `..._unknown` (ord, lead_id)."""
    checks: list[str] = []
    for n, column in enumerate(table.columns):
        name = quote_identifier(column.name)
        if column.required and column in table.present:
            checks.append(f"WHEN {name} IS NULL THEN {n}")
        elif column.name in bad_values:
            values = f"{_PREFIX}badvalues_{n}"
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {values} AS SELECT unnest($1::VARCHAR[]) AS raw",
                [bad_values[column.name]],
            )
            checks.append(f"WHEN {table.raw(column)} IN (SELECT raw FROM {values}) THEN {n}")
    case = f"CASE {' '.join(checks)} END" if checks else "NULL"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_PREFIX}bad AS SELECT ord, col FROM "
        f"(SELECT rowid AS ord, {case} AS col FROM {table.name}) WHERE col IS NOT NULL"
    )
    good = f"SELECT rowid AS ord, lead_id FROM {table.name}"
    if _scalar(con, f"SELECT count(*) FROM {_PREFIX}bad"):
        good += f" WHERE rowid NOT IN (SELECT ord FROM {_PREFIX}bad)"
    if unique:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {_PREFIX}duplicate AS "
            f"WITH good AS ({good}), "
            f"firsts AS (SELECT lead_id, min(ord) AS first FROM good GROUP BY lead_id "
            f"HAVING count(*) > 1) "
            f"SELECT g.ord, g.lead_id, f.first FROM good g JOIN firsts f "
            f"ON g.lead_id = f.lead_id WHERE g.ord > f.first"
        )
    else:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {_PREFIX}duplicate "
            f"(ord BIGINT, lead_id VARCHAR, first BIGINT)"
        )
    if known is not None and table.ids_aside:
        # Only ids that did not match as they were can be unknown (see `_ids_not_known`).
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {_PREFIX}unknown AS SELECT g.ord, g.lead_id "
            f"FROM ({good}) g WHERE g.ord IN (SELECT ord FROM {_ODD}) "
            f"AND g.lead_id NOT IN (SELECT lead_id FROM {known})"
        )
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_PREFIX}unknown (ord BIGINT, lead_id VARCHAR)")


# A report's total and subtotal lines, as Salesforce writes them among and after the rows
# ("Subtotal", "Working - Contacted (2 records)", "Grand Totals (300 records)"): 4 of a grouped
# report's 7 lines were "lead_id '': required, but empty".
# A total's own words, the whole cell ("Subtotal", "Grand Totals", "Total:"): "Total Wine" is
# a company. A group's count ends a cell ("Working - Contacted (2 records)", "Total Wine (2
# records)" under a report grouped by company).
_TOTAL_WORD = re.compile(
    r"(?i)\s*(grand totals?|sub-?totals?|totals?)\s*"
    # then nothing, a count or sum ("Total: 1", "TOTAL 1", "Total (1)", "(2 records)"), or
    # a separator and the group's name ("Subtotal - Working"); never a name straight after
    # the word ("Total Wine").
    r"(:?\s*\(?[\d.,]+(\s*records?)?\)?|[:\-–]\s*.*)?\s*"
)
_RECORDS = re.compile(r"(?i)\(\d[\d,.]* records?\)\s*$")
_SUM = re.compile(r"[A-Za-z]{0,3}\s?[$€£¥]?\s?-?[\d.,]+\s?[$€£¥]?")  # "USD 573,500.00"


def _cells_of(
    con: duckdb.DuckDBPyConnection,
    table: _Table,
    ordinals: Sequence[int],
    columns: Sequence[Column],
) -> list[tuple[int, list[Any]]]:
    """The rows `ordinals` of the table, each with the cells of `columns` as the file had them
    where the fast path left them to Python, else as they read: for saying what a row left
    out is (a total line, the header again, an empty row)."""
    if not ordinals or not columns:
        return []
    cells = ", ".join(
        f"COALESCE(t.{table.raw(c)}, CAST(t.{quote_identifier(c.name)} AS VARCHAR))"
        for c in columns
    )
    rows = con.execute(
        f"SELECT t.rowid, {cells} FROM {table.name} t "
        f"WHERE t.rowid IN (SELECT unnest($1::BIGINT[]))",
        [list(ordinals)],
    ).fetchall()
    return [(int(ordinal), values) for ordinal, *values in rows]


def _total_lines(
    con: duckdb.DuckDBPyConnection, table: _Table, left: Sequence[tuple[Any, ...]]
) -> dict[int, str]:
    """The rows left out for a cell that did not read that are a report's total lines (the
    lead id empty or the total's own words): by ordinal, the cell that says so."""
    if not table.present or table.present[0].name != "lead_id":
        return {}
    wanted = [int(row[0]) for row in left if row[1] is not None]
    columns = [c for c in table.present if c.type not in ("timestamp", "bool")]
    found: dict[int, str] = {}
    for ordinal, (lead_id, *values) in _cells_of(con, table, wanted, columns):
        said = [
            str(v).strip()
            for v in (lead_id, *values)
            if v and (_TOTAL_WORD.fullmatch(str(v)) or _RECORDS.search(str(v)))
        ]
        rest = [str(v).strip() for v in values if v and str(v).strip() not in said]
        # A total line has no lead id of its own (empty, or the total's words) and holds sums
        # at most besides ("USD 573,500.00"): a lead with an id, or with a title beside it, is
        # a lead's row gone wrong, and says why.
        own_id = bool(lead_id and str(lead_id).strip()) and str(lead_id).strip() not in said
        if said and not own_id and all(_SUM.fullmatch(v) for v in rest):
            found[ordinal] = said[0]
    return found


def _headers_again(
    con: duckdb.DuckDBPyConnection,
    table: _Table,
    left: Sequence[tuple[Any, ...]],
    headers: dict[str, str],
) -> set[int]:
    """The rows left out that are the file's header again: two exports joined into one file
    (or a sheet pasted under another) repeat it mid-file. It was said as "created_at
    'Create Date': not a date or time", and the activities' as a lead not in the leads table.
    A row is the header again when its lead id is the header's and so is every other cell
    with text in it, two at least."""
    columns = [c for c in table.present if c.name in headers]
    names = {c.name: headers[c.name].strip().casefold() for c in columns}
    if not left or "lead_id" not in names:
        return set()
    found: set[int] = set()
    for ordinal, values in _cells_of(con, table, [int(row[0]) for row in left], columns):
        said = {
            column.name: str(value).strip().casefold()
            for column, value in zip(columns, values, strict=True)
            if value is not None and str(value).strip()
        }
        same = [name for name, cell in said.items() if cell == names[name]]
        if said.get("lead_id") == names["lead_id"] and len(same) == len(said) >= 2:
            found.add(ordinal)
    return found


_ONE_ROW = {"leads": "a lead", "activities": "an activity"}  # "not a activitie" was said


def _empty_rows(
    con: duckdb.DuckDBPyConnection, table: _Table, left: Sequence[tuple[Any, ...]]
) -> set[int]:
    """The rows left out for a cell that did not read whose every column read is empty: the
    blank rows a spreadsheet keeps below its data (",,,"), said as such. They were "lead_id
    '': required, but empty", one per row, and a room counted them as leads lost."""
    wanted = [int(row[0]) for row in left if row[1] is not None]
    return {
        ordinal
        for ordinal, values in _cells_of(con, table, wanted, table.present)
        if not any(value is not None and str(value).strip() for value in values)
    }


def _report(
    con: duckdb.DuckDBPyConnection,
    report: TableReport,
    table: _Table,
    mapping: Mapping,
    lines: CsvLines | None,
    emptied_values: dict[str, list[str]],
    dropped: dict[str, RowProblem] | None = None,
    known: str | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    """Fill in the report's left-out rows and emptied cells, every one of them, as a row-by-row
    reading would have; returns how many rows of the table are left out. `lines` locates CSV
    rows; Parquet rows are numbered. `dropped`: the leads file's left-out rows by lead id, so
    that an activity of such a lead names the line its lead was left out at; `known`: the
    table of the leads' ids, for the ids that differ from one only in leading zeros."""
    raw_of = "CASE b.col " + " ".join(
        f"WHEN {n} THEN t.{table.raw(column)}"
        for n, column in enumerate(table.columns)
        if column in table.present
    )
    raw_of = f"{raw_of} END" if table.present else "NULL"
    bad_id = "t.lead_id" if report.table == "leads" else "NULL"
    left = con.execute(
        f"SELECT b.ord, b.col, {raw_of} AS raw, {bad_id} AS lead_id, NULL AS first "
        f"FROM {_PREFIX}bad b JOIN {table.name} t ON t.rowid = b.ord "
        f"UNION ALL SELECT ord, NULL, NULL, lead_id, first FROM {_PREFIX}duplicate "
        f"UNION ALL SELECT ord, NULL, NULL, lead_id, NULL FROM {_PREFIX}unknown "
        f"ORDER BY 1"
    ).fetchall()
    emptied = _emptied(con, table, emptied_values)
    totals = _total_lines(con, table, left)
    # Rows that are no lead or activity at all, said as what they are: (reason, kind).
    one = _ONE_ROW[report.table]
    not_rows = {
        ordinal: (f"a report's total line ({said!r}), not {one}", "report total line")
        for ordinal, said in totals.items()
    }
    for ordinal in _headers_again(con, table, left, headers) if headers else set():
        not_rows[ordinal] = (
            f"the header again, not {one} (two exports joined into one file?); the rows "
            "after it are read",
            "header again",
        )
    for ordinal in _empty_rows(con, table, left):
        not_rows[ordinal] = (f"an empty row: every column read is empty, not {one}", "empty")
    unknown = any(col is None and first is None for _, col, _, _, first in left)
    twins = _zero_twins(con, known) if known is not None and unknown else {}
    cases = _case_twins(con, known) if known is not None and unknown else {}

    ordinals = {int(row[0]) for row in left} | {int(row[4]) for row in left if row[4] is not None}
    ordinals |= {ordinal for ordinal, _, _ in emptied}
    if lines is None:
        position = {ordinal: ordinal + 1 for ordinal in ordinals}
        rejected: dict[int, str] = {}
    else:
        position = lines.locate(ordinals)
        rejected = lines.rejected()
        if lines.by_record and (rejected or ordinals):
            report.notes.append(
                "a quoted cell spans lines and the file could not be read again to find "
                "line numbers: the numbers below count records, not lines"
            )

    def where(place: int) -> str:
        return f"line {place}" if lines is not None else f"row {place}"

    reasons: dict[tuple[int, str | None], str] = {}

    def cell_reason(col: int, raw: str | None) -> str:
        """Why a cell did not read (once per distinct value)."""
        key = (col, raw)
        if key not in reasons:
            column = table.columns[col]
            status, why = read_cell(column, raw, mapping)
            reasons[key] = str(why) if status == "bad" else _empty_reason(column, raw)
            if lines is None:  # Parquet: its ids were never in a spreadsheet
                reasons[key] = reasons[key].replace(_SCIENTIFIC_HINT, _SCIENTIFIC_PARQUET_HINT)
        return reasons[key]

    events: list[tuple[int, int, RowProblem]] = []  # (line or row, column index, problem)
    for line, why in rejected.items():
        events.append((line, -1, RowProblem(report.table, where(line), why, "unreadable line")))
    for ordinal, col, raw, lead_id, first in left:
        place = position[int(ordinal)]
        if int(ordinal) in not_rows:
            reason, kind = not_rows[int(ordinal)]
            problem = RowProblem(report.table, where(place), reason, kind)
        elif col is not None:
            name = table.columns[int(col)].name
            problem = RowProblem(
                report.table, where(place), cell_reason(int(col), raw), f"bad {name}", name, raw
            )
            if lead_id is not None:
                report.left_out_ids.setdefault(str(lead_id), problem)
        elif first is not None:
            at = where(position[int(first)])
            reason = f"lead_id {lead_id!r} appears again (first at {at})"
            problem = RowProblem(
                report.table, where(place), reason, "duplicate lead_id", "lead_id", lead_id
            )
        else:
            reason = unknown_lead_reason(lead_id, dropped, twins.get(lead_id), cases.get(lead_id))
            problem = RowProblem(
                report.table, where(place), reason, "unknown lead_id", "lead_id", lead_id
            )
        events.append((place, -1, problem))
    for ordinal, col, raw in emptied:
        name = table.columns[col].name
        reason = f"{cell_reason(col, raw)}; read as empty"
        problem = RowProblem(
            report.table,
            where(position[ordinal]),
            reason,
            f"{name} read as empty",
            name,
            raw,
            kept=True,
        )
        events.append((position[ordinal], col, problem))
    events.sort(key=lambda event: (event[0], event[1]))

    report.all = [problem for _, _, problem in events]
    report.first = [p for p in report.all if not p.kept][:SHOWN]
    report.emptied_first = [p for p in report.all if p.kept][:SHOWN]
    report.reasons = Counter(p.kind for p in report.all if not p.kept)
    report.skipped = sum(report.reasons.values())
    report.emptied_columns = Counter(p.column for p in report.all if p.kept)
    report.emptied = sum(report.emptied_columns.values())
    grouped = next(
        (c for c in totals.values() if _RECORDS.search(c) and not _TOTAL_WORD.fullmatch(c)), None
    )
    if grouped is not None:
        report.notes.append(
            f"a report grouped by a column ({grouped!r}): such a report writes a group's value "
            "on its first row only, and the rows under it read as empty there; export the "
            "report's details only (Salesforce: Export, Details Only)"
        )
    note = _zero_twins_note(report, twins, dropped or {}) if twins else None
    if note is not None:
        report.notes.append(note)
    note = _case_twins_note(report, cases, dropped or {}) if cases else None
    if note is not None:
        report.notes.append(note)
    return report.skipped - len(rejected)


def unknown_lead_reason(
    lead_id: str,
    dropped: dict[str, RowProblem] | None = None,
    twin: str | None = None,
    case_twin: str | None = None,
) -> str:
    """Why an activity's lead is not there: its lead row was left out (at that line, and
    why), or no row of the leads file has the id (`twin`: a lead's id that differs from it
    only in leading zeros; `case_twin`: only in letter case)."""
    left_out = (dropped or {}).get(lead_id)
    if left_out is not None:
        return (
            f"lead_id {lead_id!r}: its lead row was left out at {left_out.where} of the leads "
            f"file: {left_out.reason}"
        )
    if twin is not None:
        return (
            f"lead_id {lead_id!r} is not in the leads table (a lead has {twin!r}: the same id "
            "but for leading zeros)"
        )
    if case_twin is not None:
        return (
            f"lead_id {lead_id!r} is not in the leads table (a lead has {case_twin!r}: the "
            "same id but for letter case)"
        )
    return f"lead_id {lead_id!r} is not in the leads table"


def _twins(con: duckdb.DuckDBPyConnection, known: str, form: str) -> dict[str, str]:
    """The activities' unknown lead ids (`..._unknown`) that are a lead's id once both are
    put in `form` (SQL with `{}` for the id), each with that lead's id. Asked only when
    there are unknown ids."""
    ours, theirs = form.format("k.lead_id"), form.format("u.lead_id")
    rows = con.execute(
        f"SELECT u.lead_id, min(k.lead_id) FROM (SELECT DISTINCT lead_id FROM {_PREFIX}unknown) u "
        f"JOIN {known} k ON {theirs} = {ours} WHERE {theirs} <> '' GROUP BY u.lead_id"
    ).fetchall()
    return {str(theirs): str(ours) for theirs, ours in rows}


def _zero_twins(con: duckdb.DuckDBPyConnection, known: str) -> dict[str, str]:
    """Unknown lead ids that are a lead's but for leading zeros ("00123" and 123: one file's id
    column went through a spreadsheet or pandas as a number)."""
    return _twins(con, known, "ltrim({}, '0')")


def _zero_twins_note(
    report: TableReport, twins: dict[str, str], dropped: dict[str, RowProblem]
) -> str | None:
    """The note for activities left out whose lead id is a lead's but for leading zeros: how
    many, an example, which file's column lost its zeros, and the fix. They are not matched:
    whether "0123" and "123" are one record is the CRM's to say, not a guess of ours."""
    rows = [
        p.value
        for p in report.all
        if p.kind == "unknown lead_id" and p.value in twins and p.value not in dropped
    ]
    ids = list(dict.fromkeys(v for v in rows if v is not None))
    if not ids:
        return None  # every one's lead row was left out, which its reason says
    example = ids[0]
    shorter = {len(theirs) > len(twins[theirs]) for theirs in ids}
    if shorter == {True}:
        column = "the leads file's lead_id column was"
    elif shorter == {False}:
        column = "the activities file's lead_id column was"
    else:
        column = "both files' lead_id columns were"
    activities = "1 activity" if len(rows) == 1 else f"{len(rows)} activities"
    lead_ids = "1 lead id" if len(ids) == 1 else f"{len(ids)} lead ids"
    return (
        f"{activities} left out as unknown leads ({lead_ids}) match a lead "
        f"once leading zeros are dropped ({example!r} here, {twins[example]!r} in the leads "
        f"file): {column} probably read as a number (a spreadsheet or pandas drops the "
        "zeros); export the ids as text. They are not matched by guess"
    )


def _case_twins(con: duckdb.DuckDBPyConnection, known: str) -> dict[str, str]:
    """Unknown lead ids that are a lead's but for letter case (GUIDs are read in lower case,
    so these are other ids)."""
    return _twins(con, known, "lower({})")


def _case_twins_note(
    report: TableReport, twins: dict[str, str], dropped: dict[str, RowProblem]
) -> str | None:
    """The note for activities left out whose lead id is a lead's but for letter case: how
    many, an example, and the fix. They are not matched: Salesforce's 15-character ids
    differ by case alone ("00Q5g00000AbCdE" and "00Q5g00000ABCDE" are two leads)."""
    rows = [
        p.value
        for p in report.all
        if p.kind == "unknown lead_id" and p.value in twins and p.value not in dropped
    ]
    ids = list(dict.fromkeys(v for v in rows if v is not None))
    if not ids:
        return None
    example = ids[0]
    activities = "1 activity" if len(rows) == 1 else f"{len(rows)} activities"
    lead_ids = "1 lead id" if len(ids) == 1 else f"{len(ids)} lead ids"
    return (
        f"{activities} left out as unknown leads ({lead_ids}) match a lead but for letter "
        f"case ({example!r} in {report.path.name}, {twins[example]!r} in the leads file): "
        "they are not matched by guess, as some CRMs' ids differ by case alone (Salesforce's "
        "15-character ids); if they are one record, export both files' ids as the CRM writes "
        "them, or write one file's ids in the other's case"
    )


def _emptied(
    con: duckdb.DuckDBPyConnection, table: _Table, emptied_values: dict[str, list[str]]
) -> list[tuple[int, int, str]]:
    """The cells of kept rows that did not read and were read as empty: (row, column, raw)."""
    if not emptied_values:
        return []
    left_out = (
        f"SELECT ord FROM {_PREFIX}bad UNION ALL SELECT ord FROM {_PREFIX}duplicate "
        f"UNION ALL SELECT ord FROM {_PREFIX}unknown"
    )
    selects = []
    for n, column in enumerate(table.columns):
        if column.name not in emptied_values:
            continue
        values = f"{_PREFIX}emptied_{n}"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {values} AS SELECT unnest($1::VARCHAR[]) AS raw",
            [emptied_values[column.name]],
        )
        raw = table.raw(column)
        selects.append(
            f"SELECT rowid AS ord, {n} AS col, {raw} AS raw FROM {table.name} "
            f"WHERE {raw} IN (SELECT raw FROM {values}) AND rowid NOT IN ({left_out})"
        )
    return [
        (int(ordinal), int(col), str(raw))
        for ordinal, col, raw in con.execute(
            f"SELECT ord, col, raw FROM ({' UNION ALL '.join(selects)}) ORDER BY ord, col"
        ).fetchall()
    ]


_ENUM_LOOKUP_MAX = 2000  # keys in an ENUM lookup written into the SQL
_UPDATE_MAX = 50_000  # rows a Parquet-loaded table changes with an UPDATE; more: a rewrite


_INFERRED = quote_identifier(f"{_PREFIX}inferred")  # the helper column: seniority from the title
_TITLES = f"{_PREFIX}titles_enum"  # the temporary ENUM type of the titles that give a seniority


def _title_guesses(
    con: duckdb.DuckDBPyConnection,
    source: _Source,
    index: dict[str, int],
    described: list[tuple[str, str]],
    mapping: Mapping,
) -> Callable[[str], str] | None:
    """SQL giving the seniority a raw title cell implies (`infer_seniority` of the title as the
    loader reads it), for `_stage` to fill empty seniority cells during its pass; None where
    that does not pay or cannot be done (then `_infer_seniority` does it afterwards).

    Only for Parquet: its distinct titles cost one column's read (5 ms at 1,000,000 leads),
    and an UPDATE or a rewrite of a table read from Parquet is slow; a CSV would be parsed a
    second time. The lookup is a cast to a temporary ENUM of the titles, sorted by the guess, so
    the guess is a range of the ENUM's codes: a projection, which keeps the rows in file order
    (a join would not), whatever the number of titles."""
    import duckdb

    if not source.parquet or "title" not in index:
        return None
    header, duckdb_type = described[index["title"]]
    if duckdb_type.upper() != "VARCHAR":
        return None
    title = next(c for c in LEAD_COLUMNS if c.name == "title")
    try:
        distinct = con.execute(
            f"SELECT DISTINCT {quote_identifier(header)} FROM {source.scan()} "
            f"WHERE {quote_identifier(header)} IS NOT NULL"
        ).fetchall()
    except duckdb.Error as error:
        raise source.unreadable(error) from None
    guesses: list[tuple[str, str]] = []
    for (raw,) in distinct:
        status, value = read_cell(title, raw, mapping)
        if status == "ok" and (guess := infer_seniority(value)):
            guesses.append((raw, guess))
    if not guesses:
        return None
    guesses.sort(key=lambda pair: pair[1])
    con.execute(f"DROP TYPE IF EXISTS {_TITLES}")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_PREFIX}titles AS SELECT unnest($1::VARCHAR[]) AS raw, "
        f"generate_subscripts($1::VARCHAR[], 1) AS pos",
        [[raw for raw, _ in guesses]],
    )
    con.execute(
        f"CREATE TEMP TYPE {_TITLES} AS ENUM (SELECT raw FROM {_PREFIX}titles ORDER BY pos)"
    )
    bounds: list[tuple[int, str]] = []  # (first code past the level, level)
    for code, (_, level) in enumerate(guesses, start=1):
        if bounds and bounds[-1][1] == level:
            bounds[-1] = (code, level)
        else:
            bounds.append((code, level))

    def sql(ref: str) -> str:
        code = f"enum_code(TRY_CAST({ref} AS {_TITLES}))"
        whens = " ".join(f"WHEN {code} < {end} THEN {_lit(level)}" for end, level in bounds)
        return f"CASE {whens} END"

    return sql


def _infer_seniority(con: duckdb.DuckDBPyConnection, table: str, parquet: bool) -> int:
    """Seniority from the title where a lead has none; returns how many leads got one.

    DuckDB's UPDATE of many rows is slow on a table read from Parquet (all 1,000,000 leads:
    1.1 s, against 0.1 s from CSV; it depends on how the parallel scan laid the rows out),
    so there, when many leads get one, the table is rewritten in order (0.5 s) instead."""
    titles = con.execute(
        f"SELECT DISTINCT title FROM {table} WHERE seniority IS NULL AND title IS NOT NULL"
    ).fetchall()
    guesses = [(title, guess) for (title,) in titles if (guess := infer_seniority(title))]
    if not guesses:
        return 0
    missing = f"SELECT count(*) FROM {table} WHERE seniority IS NULL"
    if (
        parquet
        and len(guesses) <= _ENUM_LOOKUP_MAX
        and _scalar(con, f"{missing} AND title IS NOT NULL") > _UPDATE_MAX
    ):
        enum = f"ENUM({', '.join(_lit(title) for title, _ in guesses)})"
        inferred = f"list_extract($1::VARCHAR[], enum_code(TRY_CAST(title AS {enum})) + 1)"
        before = _scalar(con, missing)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * REPLACE "
            f"(COALESCE(seniority, {inferred}) AS seniority) FROM {table}",
            [[guess for _, guess in guesses]],
        )
        return before - _scalar(con, missing)
    lookup = f"{_PREFIX}titles"
    seniority = next(c for c in LEAD_COLUMNS if c.name == "seniority")
    _upload(con, lookup, seniority, guesses)
    updated = con.execute(
        f"UPDATE {table} SET seniority = l.value FROM {lookup} l "
        f"WHERE {table}.seniority IS NULL AND {table}.title = l.raw"
    ).fetchone()
    return int(updated[0]) if updated else 0


def _load_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    path: Path,
    mapping: Mapping,
    target: str,
    say: Callable[[str], None],
    known: str | None = None,
    dropped: dict[str, RowProblem] | None = None,
) -> TableReport:
    """Load one file into the temporary table `target`: the canonical columns, in file order.

    A CSV's encoding and delimiter are the mapping's, or detected (`csvfile`); a file in
    another encoding than UTF-8 is read from a temporary UTF-8 copy."""
    parquet = _open(path, table)
    if parquet:
        source = _Source(path, parquet, f"{_PREFIX}rejects")
        return _load_source(con, table, source, mapping, target, say, known, dropped)
    sep = excel_sep_line(path)
    if sep is not None:
        # Read past, DuckDB took "sep=" for the header and said the file had no rows.
        raise InputError(
            [
                Problem(
                    f'the first line is "sep={sep}", Excel\'s note of the character between '
                    "cells, not the header: delete that line (the header must come first) and "
                    "load the file again",
                    file=path,
                    line=1,
                )
            ]
        )
    form = detect(path, mapping.encoding, mapping.delimiter)
    before = dict(dropped) if dropped is not None else None
    report = _load_csv(con, table, path, form, mapping, target, say, known, dropped)
    if form.utf8 and _not_utf8_lines(report):
        # A line that is not UTF-8 was left out, taking its lead and the lead's activities.
        # Either a Windows-1252 file whose first accent comes after a first MiB of plain
        # ASCII (30 of 2,000 leads were lost so): read whole as Windows-1252, which reads
        # those first lines the same. Or a UTF-8 file with a stray byte (a Windows-1252 dash
        # pasted into one cell): read again, each such byte as Windows-1252, the lines named.
        late = _late_windows_1252(path, form)
        form = replace(form, encoding="windows-1252") if late else replace(form, stray=True)
        if dropped is not None and before is not None:
            dropped.clear()
            dropped.update(before)
        report = _load_csv(con, table, path, form, mapping, target, say, known, dropped)
        if late:
            report.notes.append(
                "read as windows-1252: the first MiB is plain ASCII and a later line is not "
                "UTF-8; if that is wrong, name the encoding in the mapping file, e.g. encoding = "
                '"latin-1"'
            )
    report.encoding, report.delimiter = form.encoding, form.delimiter
    report.bom = form.bom
    if not form.plain:
        report.read_as = form.describe()
    return report


def _load_csv(
    con: duckdb.DuckDBPyConnection,
    table: str,
    path: Path,
    form: CsvFormat,
    mapping: Mapping,
    target: str,
    say: Callable[[str], None],
    known: str | None,
    dropped: dict[str, RowProblem] | None,
) -> TableReport:
    """One CSV file in `form`, read again once with room for a long line (`_LongLine`)."""
    if not form.utf8:
        say(f"{table}: reading {path} as {form.encoding}")
    stray: list[int] = []
    with utf8_copy(path, form, stray) as utf8:
        source = _Source(path, False, f"{_PREFIX}rejects", form, utf8)
        source = replace(source, max_line=line_limit(source.read, path))
        while True:  # with DuckDB's limit, then LONGEST_LINE; sniffed, then with the names
            try:
                report = _load_source(con, table, source, mapping, target, say, known, dropped)
                if stray:
                    report.notes.append(_stray_note(stray))
                return report
            except _NotSniffed:
                names = header_names(source.read, form.delimiter)
                if names is not None and source.sniffs_without_quotes(con):
                    source = replace(source, columns=names)
                elif source.max_line != LONGEST_LINE:
                    source = replace(source, max_line=LONGEST_LINE)
                else:
                    problem = Problem(f"cannot read as CSV: {_NO_HEADER}", file=path)
                    raise InputError([problem]) from None
            except _LongLine as long_line:
                size = long_line.size  # None only below LONGEST_LINE (`unreadable`)
                if size is not None and (size > LONGEST_LINE or source.max_line == LONGEST_LINE):
                    raise InputError([_too_long(path, size, long_line.start)]) from None
                source = replace(source, max_line=LONGEST_LINE)


def _stray_note(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:5]) + (", ..." if len(lines) > 5 else "")
    some = "a line has" if len(lines) == 1 else f"{len(lines)} lines have"
    return (
        f"{some} bytes that are not UTF-8, read as windows-1252 (line {shown}): the rest of "
        "the file is UTF-8; check those cells"
    )


def _not_utf8_lines(report: TableReport) -> bool:
    return any("not utf-8" in p.reason for p in report.all if not p.kept)


def _late_windows_1252(path: Path, form: CsvFormat) -> bool:
    """Whether the file was detected as UTF-8 from a first MiB of plain ASCII and is, taken
    whole, not mostly UTF-8 (`csvfile.mostly_utf8`): a Windows-1252 file whose first accent
    comes late. Else it is UTF-8 with stray bytes, and read as Windows-1252 its accented rows
    would be garbled; one "É®" (a UTF-8 letter by chance) among its accents no longer says so."""
    if not form.utf8 or form.encoding_given or form.bom:
        return False
    with path.open("rb") as handle:
        if not handle.read(SAMPLE).isascii():
            return False
    return not mostly_utf8(*file_utf8_evidence(path))


def _too_long_words(size: int, start: str = "") -> str:
    """Why a line is not read: how long it is, and the limit."""
    starting = f", starting {start!r}," if start else ""
    return (
        f"a line of {_megabytes(size)}{starting} is longer than the "
        f"{LONGEST_LINE // 1024 // 1024} MB a line may be: a cell may hold a whole file, or a "
        "quote may be left open; remove that cell or column from the export"
    )


def _too_long(path: Path, size: int, start: str) -> Problem:
    return Problem(f"cannot read as CSV: {_too_long_words(size, start)}", file=path)


def _load_source(
    con: duckdb.DuckDBPyConnection,
    table: str,
    source: _Source,
    mapping: Mapping,
    target: str,
    say: Callable[[str], None],
    known: str | None = None,
    dropped: dict[str, RowProblem] | None = None,
) -> TableReport:
    """Load one file, found and opened, into `target` (see `_load_table`)."""
    import duckdb  # imported here: `workbench --help` should not load DuckDB

    path = source.path
    columns = LEAD_COLUMNS if table == "leads" else ACTIVITY_COLUMNS
    say(f"{table}: reading {path}")
    source.forget_rejects(con)
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {source.scan()}").fetchall()
    except duckdb.Error as error:
        raise source.unreadable(error) from None
    headers = [str(row[0]) for row in described]
    described_types = [(str(row[0]), str(row[1])) for row in described]
    try:
        index, notes = _columns(headers, path, table, columns, mapping)
        _no_header_twice(con, source, headers, index)
    except InputError:
        # A header with no rows is said first, as it was before the columns are looked at.
        try:
            rows = _scalar(con, f"SELECT count(*) FROM {source.scan()}")
        except duckdb.Error as error:
            raise source.unreadable(error) from None
        rejected_any = source.rejected(con)
        source.forget_rejects(con)
        if not rows and not rejected_any:
            raise _no_rows(source, table, columns, mapping, headers) from None
        raise
    date_notes: list[str] = []
    proved: tuple[str, str] | None = None
    if not mapping.dates_given:
        try:
            samples = _date_samples(con, source, headers, index, columns)
        except duckdb.Error as error:  # a damaged Parquet file, found on its first read
            raise source.unreadable(error) from None
        mapping, date_notes, proved = date_readings(samples, mapping)
    guess = (
        _title_guesses(con, source, index, described_types, mapping) if table == "leads" else None
    )
    padded_lines = _Padded()
    try:
        staged = _stage(con, source, target, columns, index, described_types, mapping, known, guess)
        rejected = source.rejected(con)
        source.forget_rejects(con)
        again = source.long_lines(rejected)
        if again is not None:
            raise again
        footer = _footer(con, source, headers, rejected)
        if footer is not None:
            rejected = [r for r in rejected if r.offset < footer.start]
        if not source.parquet and _left_short(rejected):
            source, rejected, padded_lines = _read_padded(
                con, source, headers, target, rejected, footer
            )
            staged = _stage(
                con, source, target, columns, index, described_types, mapping, known, guess
            )
            rejected = _after_padding(con, source, target, rejected, footer, padded_lines)
    finally:
        if guess:
            con.execute(f"DROP TYPE IF EXISTS {_TITLES}")
    read = _scalar(con, f"SELECT count(*) FROM {target}")
    records = len({r.record for r in rejected})
    if not read and not records:
        raise _no_rows(source, table, columns, mapping, headers)
    report = TableReport(table, path, rows_read=read + records, notes=[*notes, *date_notes])
    report.date_order = proved
    report.notes[:0] = padded_lines.notes()
    if footer is not None:
        report.notes.insert(0, footer.describe())
    lines = None
    if not source.parquet:
        lines = CsvLines(source.read, read, rejected, lambda: source.dialect(con), footer)

    say(f"{table}: {report.rows_read} rows read; checking them")
    file_columns = {name: headers[at] for name, at in index.items()}
    mapping, readings = _number_readings(con, staged, mapping, source, file_columns)
    report.notes.extend(readings)
    bad_values, emptied_values = _read_the_rest(con, staged, mapping)
    _find_problems(con, staged, bad_values, unique=table == "leads", known=known)
    left_out = _report(
        con, report, staged, mapping, lines, emptied_values, dropped, known, file_columns
    )
    if table == "leads" and lines is not None and rejected:
        _name_rejected_leads(report, lines, index["lead_id"])
    if left_out:
        con.execute(
            f"DELETE FROM {target} WHERE rowid IN (SELECT ord FROM {_PREFIX}bad "
            f"UNION ALL SELECT ord FROM {_PREFIX}duplicate "
            f"UNION ALL SELECT ord FROM {_PREFIX}unknown)"
        )
    report.rows_loaded = read - left_out
    inferred = 0
    if guess:
        inferred = _scalar(con, f"SELECT count(*) FROM {target} WHERE {_INFERRED}")
        con.execute(f"ALTER TABLE {target} DROP COLUMN {_INFERRED}")
    if staged.present:
        con.execute(f"ALTER TABLE {target} DROP COLUMN {_RAW}")
    if staged.ids_aside:
        con.execute(f"ALTER TABLE {target} DROP COLUMN {_RAW_ID}")
    if table == "leads":
        won = _customers_by_their_own_win(con, target, staged.present)
        if won:
            report.notes.append(won)
        inferred += _infer_seniority(con, target, source.parquet)
        if inferred:
            report.notes.append(f"seniority inferred from the job title for {inferred} leads")
    for column in columns:
        if column.not_null:
            con.execute(
                f"ALTER TABLE {target} ALTER COLUMN {quote_identifier(column.name)} SET NOT NULL"
            )
    _drop_scratch(con, keep=(target, *((known,) if known else ())))
    say(f"{table}: {report.rows_loaded} of {report.rows_read} rows loaded")
    return report


_FEWER = re.compile(r"expected (\d+) fields, found (\d+)")
_TOO_WIDE = re.compile(r"expected \d+ fields, found more than \d+")


def _fewer(reason: str) -> bool:
    """Whether a rejected record had fewer cells than the header."""
    found = _FEWER.fullmatch(reason)
    return found is not None and int(found.group(2)) < int(found.group(1))


def _left_short(rejected: Sequence[Rejected]) -> bool:
    """Whether a record was refused only for having fewer cells than the header, two or more
    (DuckDB names each missing one: "Found: 2", "Found: 3", ...). A line of one cell (a
    report's title or footer) is no row left short: alone it does not make the file read
    again, and stays refused."""
    reasons: dict[int, list[str]] = {}
    for r in rejected:
        reasons.setdefault(r.record, []).append(r.reason)
    return any(
        all(_fewer(why) for why in whys)
        and min(int(m.group(2)) for why in whys if (m := _FEWER.fullmatch(why))) >= 2
        for whys in reasons.values()
    )


def _padded(con: duckdb.DuckDBPyConnection, source: _Source, headers: list[str]) -> _Source:
    """The source read again with the cells a short row leaves off read as empty: the names
    and delimiter of the first read given (unsniffed, so that a row with more cells than the
    header does not add a column, and stays refused)."""
    delimiter = source.form.delimiter or source.dialect(con).delimiter
    form = replace(source.form, delimiter=delimiter)
    return replace(source, form=form, columns=tuple(headers), pad=True)


def _cells_off(reason: str) -> bool:
    """Whether a rejected record had more or fewer cells than the header."""
    return _FEWER.fullmatch(reason) is not None or _TOO_WIDE.fullmatch(reason) is not None


@dataclass(slots=True)
class _Padded:
    """The rows read again with the cells they leave off empty (`_read_padded`): by line,
    those with fewer cells than the header, and those whose cells past it were all empty."""

    first: int = 0  # the rows of the first read
    lines: dict[int, int] = field(default_factory=dict)  # offset -> line, of the rows refused
    short: set[int] = field(default_factory=set)  # the lines of those with fewer cells
    short_read: list[int] = field(default_factory=list)
    wide_read: list[int] = field(default_factory=list)

    def notes(self) -> list[str]:
        notes = []
        if self.short_read:
            notes.append(
                f"{_count_rows(self.short_read)} had fewer cells than the header: read the missing "
                f"ones as empty ({_line_list(self.short_read)})"
            )
        if self.wide_read:
            notes.append(
                f"{_count_rows(self.wide_read)} had more cells than the header, the ones past it "
                f"empty: read without them ({_line_list(self.wide_read)})"
            )
        return notes


def _count_rows(lines: list[int]) -> str:
    return "1 row" if len(lines) == 1 else f"{len(lines)} rows"


def _line_list(lines: list[int]) -> str:
    shown = ", ".join(str(line) for line in lines[:SHOWN])
    more = ", ..." if len(lines) > SHOWN else ""
    return f"{'line' if len(lines) == 1 else 'lines'} {shown}{more}"


def _read_padded(
    con: duckdb.DuckDBPyConnection,
    source: _Source,
    headers: list[str],
    target: str,
    rejected: list[Rejected],
    footer: Footer | None,
) -> tuple[_Source, list[Rejected], _Padded]:
    """A CSV whose first read refused rows for having more or fewer cells than the header,
    to be read again padded (`_padded`): a row that leaves trailing empty cells off (an
    export that writes `L2,2025-01-06,CEO,fintech` under six headers) is kept with them
    empty, and said; one whose cells past the header are not all empty stays refused (its
    cells may be shifted). Only such files are read twice."""
    padded = _padded(con, source, headers)
    found = CsvLines(
        source.read,
        _scalar(con, f"SELECT count(*) FROM {target}"),
        rejected,
        lambda: padded.dialect(con),
        footer,
    )
    reasons = found.rejected()
    info = _Padded(first=found.rows)
    info.lines = {found.offset_of(line): line for line in reasons if _cells_off(reasons[line])}
    info.short = {line for line in info.lines.values() if _fewer(reasons[line])}
    return padded, rejected, info


def _after_padding(
    con: duckdb.DuckDBPyConnection,
    source: _Source,
    target: str,
    before: list[Rejected],
    footer: Footer | None,
    info: _Padded,
) -> list[Rejected]:
    """The records the padded read refused; `info` told which rows it read that the first
    did not. A report footer's lines of one cell are padded rows now, the last read: they
    are taken out of the table again."""
    rejected = source.rejected(con)
    source.forget_rejects(con)
    still = {r.offset for r in rejected}
    read_now = sorted(line for at, line in info.lines.items() if at and at not in still)
    info.short_read = [line for line in read_now if line in info.short]
    info.wide_read = [line for line in read_now if line not in info.short]
    if footer is not None:
        rejected = [r for r in rejected if r.offset < footer.start]
        again = len({r.offset for r in before} - still)
        last = _scalar(con, f"SELECT count(*) FROM {target}") - info.first - again
        if last > 0:
            con.execute(
                f"DELETE FROM {target} WHERE rowid >= (SELECT count(*) FROM {target}) - {last}"
            )
    return rejected


def _name_rejected_leads(report: TableReport, lines: CsvLines, at: int) -> None:
    """The lead ids of the leads file's lines DuckDB could not read, as `left_out_ids`: an
    activity of such a lead names the line its lead was left out at, not "not in the leads
    table" (it is, on a line that did not read)."""
    unreadable = {p.where: p for p in report.all if p.kind == "unreadable line"}
    for line, lead_id in lines.rejected_cells(at).items():
        problem = unreadable.get(f"line {line}")
        known = report.left_out_ids.get(lead_id)
        if problem is not None and (known is None or _place(known.where) > line):
            report.left_out_ids[lead_id] = problem  # the first in file order, as for others
    for first, lead_id in lines.spanned_cells(at).values():
        problem = unreadable.get(f"line {first}")
        if problem is not None and lead_id not in report.left_out_ids:
            report.left_out_ids[lead_id] = problem


def _place(where: str) -> int:
    """The number in a problem's "line 12" or "row 12"."""
    return int(where.rsplit(" ", 1)[-1])


def _footer(
    con: duckdb.DuckDBPyConnection,
    source: _Source,
    headers: Sequence[str],
    rejected: Sequence[Rejected],
) -> Footer | None:
    """A report footer DuckDB rejected as records (a Salesforce report's last lines), or None.

    Only a CSV of two or more columns: there a line of one cell is never a row, and DuckDB
    rejects every such line, so leaving out the rejected records in the footer leaves out
    nothing else. Looked for only when DuckDB rejected a record."""
    if source.parquet or len(headers) < 2 or not rejected:
        return None
    footer = find_footer(source.read, lambda: source.dialect(con))
    if footer is None or all(r.offset < footer.start for r in rejected):
        return None
    return footer


def customer_by_own_win(relationship: str | None, created_at: Any, won_at: Any) -> bool:
    """Whether a lead marked customer became one by its own win: a CRM sets a contact's stage
    to Customer when its deal closes won (HubSpot's Lifecycle Stage), so an export says what
    the lead became, not what it was when it came in. Such a lead was a prospect until
    `won_at`; reading it as a customer from the start looks ahead and puts every win behind
    `fit.existing_customers`. A customer whose win is at or before its creation was one then.
    (An opportunity date alone proves nothing: existing customers open expansion deals.)"""
    return relationship == "customer" and won_at is not None and won_at > created_at


def _customers_by_their_own_win(
    con: duckdb.DuckDBPyConnection, table: str, present: tuple[Column, ...]
) -> str | None:
    """Read leads marked customer by their own later win as prospects (see
    `customer_by_own_win`); returns the loading summary's note, None when there were none."""
    names = {c.name for c in present}
    if not {"relationship", "won_at"} <= names:
        return None
    row = con.execute(
        f"UPDATE {table} SET relationship = 'prospect' "
        f"WHERE relationship = 'customer' AND won_at IS NOT NULL AND won_at > created_at"
    ).fetchone()
    count = int(row[0]) if row else 0
    if not count:
        return None
    leads = "1 lead" if count == 1 else f"{count} leads"
    return (
        f"relationship: {leads} marked customer whose own deal was won after they came in "
        f"(won_at) read as prospects: the CRM marks a lead customer when its deal is won, so "
        f"it was a prospect until then"
    )


def _drop_scratch(con: duckdb.DuckDBPyConnection, keep: Sequence[str] = ()) -> None:
    """Drop the loader's temporary tables (but those in `keep`)."""
    for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, ?)",
        [_PREFIX],
    ).fetchall():
        if name not in keep:
            con.execute(f"DROP TABLE IF EXISTS temp.{quote_identifier(name)}")


@contextmanager
def _insertion_order(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Rows must stay in file order while loading, whatever the connection was set to. The
    setting is DuckDB's GLOBAL one, shared by every connection of the process (`connection`:
    one database per process); nothing in the workbench turns it off, so concurrent loads
    never race on it."""
    row = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    before = bool(row[0]) if row else True
    if not before:
        con.execute("SET preserve_insertion_order = true")
    try:
        yield
    finally:
        if not before:
            con.execute("SET preserve_insertion_order = false")


def _quiet(_message: str) -> None:
    pass


def load_to_duckdb(
    con: duckdb.DuckDBPyConnection,
    leads: Path,
    activities: Path,
    mapping: Mapping = CANONICAL,
    progress: Callable[[str], None] | None = None,
    now: datetime | None = None,
) -> Problems:
    """Load both files into `con` as the temporary tables `leads` and `activities`.

    The tables have exactly the canonical columns, typed (see `tables`), in file order; an
    existing `leads` or `activities` temporary table is replaced, but only once both files are
    loaded: on an `InputError` the connection is left as it was. Activities of leads that are
    not in the leads table (or were left out) are counted as unknown leads. `progress` is told
    what is happening, a line at a time. With `now`, a time after it (and FUTURE_SLACK) does
    not read: a required one leaves its row out, an optional one is emptied, each reported.
    """
    say = progress or _quiet
    staged_leads, staged_activities = f"{_PREFIX}leads", f"{_PREFIX}activities"
    with _insertion_order(con), _times_until(now):
        try:
            lead_report = _load_table(con, "leads", leads, mapping, staged_leads, say)
            activity_report = _load_table(
                con,
                "activities",
                activities,
                _as_the_leads_dates(mapping, lead_report),
                staged_activities,
                say,
                known=staged_leads,
                dropped=lead_report.left_out_ids,
            )
            for staged, final in ((staged_leads, "leads"), (staged_activities, "activities")):
                con.execute(f"DROP TABLE IF EXISTS temp.{final}")
                con.execute(f"ALTER TABLE {staged} RENAME TO {final}")
        finally:
            _drop_scratch(con)
    return Problems(lead_report, activity_report)


# --- as Python rows ------------------------------------------------------------------------


def _connect() -> duckdb.DuckDBPyConnection:
    from workbench.core.evidence.connection import open_duckdb

    return open_duckdb()


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> Iterator[dict[str, Any]]:
    cursor = con.execute(f"SELECT * FROM {table}")
    names = [str(d[0]) for d in cursor.description or ()]
    while batch := cursor.fetchmany(100_000):
        for row in batch:
            values = dict(zip(names, row, strict=True))
            for name, value in values.items():
                if isinstance(value, datetime):
                    values[name] = value.replace(tzinfo=UTC)
            yield values


def fetch_leads(con: duckdb.DuckDBPyConnection, table: str = "leads") -> list[LeadRow]:
    """The loaded leads table as rows (times as aware UTC datetimes)."""
    return [LeadRow(**values) for values in _rows(con, table)]


def _as_the_leads_dates(mapping: Mapping, leads: TableReport) -> Mapping:
    """The activities of one export are written as its leads are: where the leads' dates
    proved day (or month) first and the mapping says no locale, activities whose dates could
    all be read either way are read that way. A UK export's activities of the 1st to the 12th
    of each month were read month first, while its leads were read day first."""
    if mapping.dates_given or mapping.date_order is not None or leads.date_order is None:
        return mapping
    order, value = leads.date_order
    why = f"as the leads file writes them ({value!r} can only be read {order} first)"
    return replace(mapping, date_order=order, date_order_why=why)


def fetch_activities(
    con: duckdb.DuckDBPyConnection, table: str = "activities"
) -> list[ActivityRow]:
    """The loaded activities table as rows (times as aware UTC datetimes)."""
    return [ActivityRow(**values) for values in _rows(con, table)]


def load_leads(path: Path, mapping: Mapping = CANONICAL) -> tuple[list[LeadRow], TableReport]:
    con = _connect()
    try:
        with _insertion_order(con):
            try:
                report = _load_table(con, "leads", path, mapping, "leads", _quiet)
            finally:
                _drop_scratch(con)
        return fetch_leads(con), report
    finally:
        con.close()


def load_activities(
    path: Path, lead_ids: set[str] | None = None, mapping: Mapping = CANONICAL
) -> tuple[list[ActivityRow], TableReport]:
    con = _connect()
    try:
        known = None
        if lead_ids is not None:
            known = f"{_PREFIX}known"
            # A loaded lead id is trimmed; only a trimmed id can match one.
            ids = sorted(i for i in lead_ids if i and i == i.strip())
            con.execute(
                f"CREATE TEMP TABLE {known} AS SELECT unnest($1::VARCHAR[]) AS lead_id", [ids]
            )
        with _insertion_order(con):
            try:
                report = _load_table(con, "activities", path, mapping, "activities", _quiet, known)
            finally:
                _drop_scratch(con)
        return fetch_activities(con), report
    finally:
        con.close()


def load_evidence(leads: Path, activities: Path, mapping: Mapping = CANONICAL) -> Evidence:
    """Both tables; activities of leads that were left out are counted as unknown leads."""
    con = _connect()
    try:
        problems = load_to_duckdb(con, leads, activities, mapping)
        return Evidence(tuple(fetch_leads(con)), tuple(fetch_activities(con)), problems)
    finally:
        con.close()
