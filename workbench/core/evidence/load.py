"""Load the leads and activities tables (CSV or Parquet) into the canonical shape.

DuckDB reads the file in-process (`read_csv` with every column as text, or `read_parquet`
with every column cast to text), so both formats go through one set of cell parsers.

What counts as bad data, and what happens to it:
- an empty file, or a header with no rows: an `InputError` (nothing to backtest);
- a required column the file does not have: an `InputError` naming the column and the
  mapping line that fixes it (`[leads] lead_id = "<your header>"`);
- a row that cannot be read (a bad date, a non-numeric size, an unknown activity kind, a CSV
  line with too many or too few fields, a duplicate lead id, an activity for a lead that is
  not in the leads table): the row is left out, counted and the first few are shown with
  where they are and why. Never silently, and never fatal.
An empty optional cell is not a problem: it is unknown (`None`), or its documented default.

CSV problems are located by line (assuming one record per line, as exports write them);
Parquet problems by row.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.core.errors import InputError, Problem
from workbench.core.evidence.mapping import (
    CANONICAL,
    Mapping,
    fix_line,
    infer_seniority,
    match_choice,
)
from workbench.core.evidence.tables import (
    ACTIVITY_COLUMNS,
    LEAD_COLUMNS,
    ActivityRow,
    Column,
    LeadRow,
)

SHOWN = 5  # row problems shown per table; all of them are counted


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One row left out: where it is ("line 12" in a CSV, "row 11" in Parquet) and why."""

    table: str
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.table} {self.where}: {self.reason}"


@dataclass(slots=True)
class TableReport:
    """How one file loaded: rows read, rows kept, rows left out (the first few), notes."""

    table: str
    path: Path
    rows_read: int = 0
    rows_loaded: int = 0
    skipped: int = 0
    first: list[RowProblem] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def skip(self, where: str, reason: str, kind: str) -> None:
        self.skipped += 1
        self.reasons[kind] += 1
        if len(self.first) < SHOWN:
            self.first.append(RowProblem(self.table, where, reason))

    def lines(self) -> list[str]:
        out = [f"{self.path}: {self.rows_loaded} of {self.rows_read} {self.table} rows loaded"]
        if self.skipped:
            kinds = ", ".join(f"{n} {kind}" for kind, n in self.reasons.most_common())
            out.append(f"  {self.skipped} left out ({kinds}); the first {len(self.first)}:")
            out.extend(f"    {p.where}: {p.reason}" for p in self.first)
        out.extend(f"  note: {note}" for note in self.notes)
        return out


@dataclass(frozen=True, slots=True)
class Problems:
    leads: TableReport
    activities: TableReport

    @property
    def skipped(self) -> int:
        return self.leads.skipped + self.activities.skipped

    def lines(self) -> list[str]:
        return [*self.leads.lines(), *self.activities.lines()]


@dataclass(frozen=True, slots=True)
class Evidence:
    """The canonical tables, ready to replay, and how loading went."""

    leads: tuple[LeadRow, ...]
    activities: tuple[ActivityRow, ...]
    problems: Problems


# --- reading a file ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Raw:
    headers: list[str]
    rows: list[tuple[str | None, ...]]
    where: list[str]  # "line N" / "row N" per row
    positions: list[int]  # N per row, to interleave the rejected lines in file order
    rejected: list[tuple[int, RowProblem]]

    def records(self, report: TableReport) -> Iterator[tuple[tuple[str | None, ...], str]]:
        """(row, where) in file order; a line DuckDB rejected is reported as it is passed."""
        pending = iter(self.rejected)
        upcoming = next(pending, None)
        for row, where, position in zip(self.rows, self.where, self.positions, strict=True):
            while upcoming is not None and upcoming[0] < position:
                report.skip(upcoming[1].where, upcoming[1].reason, "unreadable line")
                upcoming = next(pending, None)
            yield row, where
        while upcoming is not None:
            report.skip(upcoming[1].where, upcoming[1].reason, "unreadable line")
            upcoming = next(pending, None)


def _is_parquet(path: Path, head: bytes) -> bool:
    return head.startswith(b"PAR1") or path.suffix.lower() in (".parquet", ".pq")


def _read(path: Path, table: str) -> _Raw:
    import duckdb  # imported here: `workbench --help` should not load DuckDB

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
    parquet = _is_parquet(path, head)
    connection = duckdb.connect()
    try:
        if parquet:
            result = connection.execute(
                "SELECT CAST(COLUMNS(*) AS VARCHAR) FROM read_parquet(?)", [str(path)]
            )
        else:
            result = connection.execute(
                "SELECT * FROM read_csv(?, header = true, all_varchar = true, "
                "store_rejects = true)",
                [str(path)],
            )
        headers = [str(d[0]) for d in result.description or ()]
        rows: list[tuple[str | None, ...]] = [tuple(r) for r in result.fetchall()]
        rejected: list[tuple[int, RowProblem]] = []
        positions: list[int]
        if parquet:
            positions = list(range(1, len(rows) + 1))
            where = [f"row {i}" for i in positions]
        else:
            bad: dict[int, str] = {}
            for line, message in connection.execute(
                "SELECT line, error_message FROM reject_errors ORDER BY line"
            ).fetchall():
                bad.setdefault(int(line), _reject_reason(str(message)))
            rejected = [(n, RowProblem(table, f"line {n}", why)) for n, why in sorted(bad.items())]
            positions = []
            line = 1
            for _ in rows:
                line += 1
                while line in bad:
                    line += 1
                positions.append(line)
            where = [f"line {n}" for n in positions]
    except duckdb.Error as error:
        kind = "Parquet" if parquet else "CSV"
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError([Problem(f"cannot read as {kind}: {first}", file=path)]) from None
    finally:
        connection.close()
    if not rows and not rejected:
        raise InputError([Problem(f"has a header but no {table} rows", file=path)])
    return _Raw(headers, rows, where, positions, rejected)


def _reject_reason(message: str) -> str:
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    if found:
        return f"expected {found.group(1)} fields, found {found.group(2)}"
    return message.strip().splitlines()[0] if message.strip() else "unreadable line"


def _columns(
    raw: _Raw, path: Path, table: str, columns: tuple[Column, ...], mapping: Mapping
) -> tuple[dict[str, int], list[str]]:
    """Each canonical column's index in the file; a missing required column is an error."""
    folded = {h.strip().casefold(): i for i, h in enumerate(raw.headers)}
    named = mapping.headers(table)
    found: dict[str, int] = {}
    problems: list[Problem] = []
    notes: list[str] = []
    absent: list[str] = []
    for column in columns:
        header = named.get(column.name)
        candidates = [h for h in (header, column.name) if h]
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
                    f"headers are {', '.join(repr(h) for h in raw.headers)}. Name yours in "
                    f"the mapping file: {fix_line(table, column.name)}",
                    file=path,
                    field=column.name,
                )
            )
        else:
            absent.append(column.name)
    if problems:
        raise InputError(problems)
    if absent:
        notes.append(f"not in the file, left empty: {', '.join(absent)}")
    return found, notes


# --- cells ---------------------------------------------------------------------------------


class _Bad(ValueError):
    """A cell that cannot be read; `kind` groups the count ("bad created_at")."""

    def __init__(self, column: str, value: str, why: str) -> None:
        super().__init__(f"{column} {value!r}: {why}")
        self.kind = f"bad {column}"


_TIME_HINT = "not a date or time (expected ISO 8601 such as 2025-01-31 or 2025-01-31T14:00:00Z)"


def parse_timestamp(value: str, formats: tuple[str, ...] = ()) -> datetime:
    """A cell as an aware UTC time: the mapping's formats, then ISO 8601; naive means UTC."""
    text = value.strip()
    parsed: datetime | None = None
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt)
            break
        except ValueError:
            continue
    if parsed is None:
        iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
        parsed = datetime.fromisoformat(iso)  # raises ValueError
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


_BAND = re.compile(r"^(\d+)\s*(?:-|–|to)\s*(\d+)$")


def parse_count(value: str) -> int:
    """A whole number ("1,200", "1200.0"), a size band ("51-200": its midpoint) or "10,001+"."""
    text = value.strip().replace(",", "").replace("_", "").replace(" ", "")
    band = _BAND.match(text)
    if band:
        low, high = int(band.group(1)), int(band.group(2))
        return (low + high) // 2
    if text.endswith("+") and text[:-1].isdigit():
        return int(text[:-1])
    number = float(text)  # raises ValueError
    if not number.is_integer() or number < 0:
        raise ValueError("not a whole number of 0 or more")
    return int(number)


_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def _domain(value: str) -> str:
    text = value.strip().casefold()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = text.split("/", 1)[0].split("?", 1)[0]
    return text.removeprefix("www.")


def _cell(column: Column, value: str, mapping: Mapping) -> Any:
    """One non-empty cell as the column's type; raises _Bad with the reason."""
    try:
        if column.type == "text":
            return _domain(value) if column.name == "domain" else value.strip()
        if column.type == "timestamp":
            return parse_timestamp(value, mapping.date_formats)
        if column.type == "int":
            return parse_count(value)
        if column.type == "float":
            number = float(re.sub(r"[\s,$€£¥]", "", value))
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError
            return number
        if column.type == "bool":
            folded = value.strip().casefold()
            if folded in _TRUE:
                return True
            if folded in _FALSE:
                return False
            raise _Bad(column.name, value, "not true or false")
    except _Bad:
        raise
    except ValueError:
        why = {
            "timestamp": _TIME_HINT,
            "int": "not a whole number",
            "float": "not a number",
        }.get(column.type, "unreadable")
        raise _Bad(column.name, value, why) from None
    translated = mapping.translate(column.name, value)
    chosen = match_choice(column, translated)
    if chosen is None:
        if column.name == "seniority":
            return infer_seniority(value)
        raise _Bad(column.name, value, f"expected one of {', '.join(column.choices)}")
    return chosen


def _row_values(
    row: tuple[str | None, ...],
    index: dict[str, int],
    columns: tuple[Column, ...],
    mapping: Mapping,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in columns:
        position = index.get(column.name)
        raw = row[position] if position is not None else None
        if raw is None or not raw.strip():
            if column.required:
                raise _Bad(column.name, raw or "", "required, but empty")
            continue
        values[column.name] = _cell(column, raw, mapping)
    return values


# --- the two tables ----------------------------------------------------------------------


def load_leads(path: Path, mapping: Mapping = CANONICAL) -> tuple[list[LeadRow], TableReport]:
    raw = _read(path, "leads")
    index, notes = _columns(raw, path, "leads", LEAD_COLUMNS, mapping)
    report = TableReport("leads", path, rows_read=len(raw.rows) + len(raw.rejected), notes=notes)
    leads: list[LeadRow] = []
    seen: dict[str, str] = {}
    inferred = 0
    for row, where in raw.records(report):
        try:
            values = _row_values(row, index, LEAD_COLUMNS, mapping)
        except _Bad as bad:
            report.skip(where, str(bad), bad.kind)
            continue
        lead_id = values["lead_id"]
        if lead_id in seen:
            report.skip(
                where,
                f"lead_id {lead_id!r} appears again (first at {seen[lead_id]})",
                "duplicate lead_id",
            )
            continue
        seen[lead_id] = where
        if values.get("seniority") is None:
            guess = infer_seniority(values.get("title"))
            if guess is not None:
                values["seniority"] = guess
                inferred += 1
        leads.append(LeadRow(**values))
    report.rows_loaded = len(leads)
    if inferred:
        report.notes.append(f"seniority inferred from the job title for {inferred} leads")
    return leads, report


def load_activities(
    path: Path, lead_ids: set[str] | None = None, mapping: Mapping = CANONICAL
) -> tuple[list[ActivityRow], TableReport]:
    raw = _read(path, "activities")
    index, notes = _columns(raw, path, "activities", ACTIVITY_COLUMNS, mapping)
    report = TableReport(
        "activities", path, rows_read=len(raw.rows) + len(raw.rejected), notes=notes
    )
    activities: list[ActivityRow] = []
    for row, where in raw.records(report):
        try:
            values = _row_values(row, index, ACTIVITY_COLUMNS, mapping)
        except _Bad as bad:
            report.skip(where, str(bad), bad.kind)
            continue
        if lead_ids is not None and values["lead_id"] not in lead_ids:
            report.skip(
                where,
                f"lead_id {values['lead_id']!r} is not in the leads table",
                "unknown lead_id",
            )
            continue
        activities.append(ActivityRow(**values))
    report.rows_loaded = len(activities)
    return activities, report


def load_evidence(leads: Path, activities: Path, mapping: Mapping = CANONICAL) -> Evidence:
    """Both tables; activities of leads that were left out are counted as unknown leads."""
    lead_rows, lead_report = load_leads(leads, mapping)
    activity_rows, activity_report = load_activities(
        activities, {lead.lead_id for lead in lead_rows}, mapping
    )
    return Evidence(tuple(lead_rows), tuple(activity_rows), Problems(lead_report, activity_report))
