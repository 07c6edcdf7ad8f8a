"""How a column's dates are written, decided from its values.

CRM exports write dates the way the exporting user's locale does: Salesforce in Germany
writes "17.01.2025 03:31" or "05.03.25, 14:22", in the US "3/5/2025, 2:22 PM". A mapping
that names no `date_formats` (and no `locale`) would drop every such lead. The column's
distinct values decide instead: a first field above 12 can only be a day, a second above 12
only a day in the month-first order. When every value could be read either way, the mapping's
locale decides, else month first, as US CRMs write (and the summary says so).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

# Time zones by abbreviation, as exports write them after the time ("2025-01-05 15:04:00 EST",
# "1/5/2025 3:04 PM PDT": Salesforce reports, Marketo, HubSpot in some locales), each with its
# fixed offset from UTC. Only the abbreviations that name one offset wherever a CRM export
# comes from: UTC, GMT and Z, and North America's zones, which US exports write. Every other
# one names different offsets in different places (IST: India +05:30, Ireland +01:00, Israel
# +02:00; BST: British summer time +01:00, Bangladesh +06:00; AST: Atlantic -04:00, Arabia
# +03:00), or is not what CRMs write: it is refused, and the time asked for with its offset.
# (CST is also China's +08:00; exports from there write the offset, as HubSpot and Salesforce
# do outside North America, so CST is read as North America's, which US exports write.)
ZONE_OFFSETS: dict[str, timedelta] = {
    "UTC": timedelta(0),
    "GMT": timedelta(0),
    "Z": timedelta(0),
    "EST": timedelta(hours=-5),
    "EDT": timedelta(hours=-4),
    "CST": timedelta(hours=-6),
    "CDT": timedelta(hours=-5),
    "MST": timedelta(hours=-7),
    "MDT": timedelta(hours=-6),
    "PST": timedelta(hours=-8),
    "PDT": timedelta(hours=-7),
    "AKST": timedelta(hours=-9),
    "AKDT": timedelta(hours=-8),
    "HST": timedelta(hours=-10),
}
# A time, a space, then a word of capitals (as exports write it): a zone's abbreviation
# ("AM" and "PM" are not).
_ZONE_WORD = re.compile(r"(.*\S)\s+([A-Z]{1,5})")


def split_zone(value: str) -> tuple[str, str] | None:
    """A time written with a zone's abbreviation after it ("2025-01-05 15:04:00 EST"): the
    time before it and the abbreviation (any, known or not), or None."""
    found = _ZONE_WORD.fullmatch(value.strip())
    if found is None or found.group(2) in ("AM", "PM"):
        return None
    return found.group(1), found.group(2)


def zone_of(abbreviation: str) -> timezone | None:
    """The fixed UTC offset of an abbreviation in `ZONE_OFFSETS`, or None."""
    offset = ZONE_OFFSETS.get(abbreviation)
    return None if offset is None else timezone(offset, abbreviation)


def without_zone(value: str) -> str:
    """A cell without the zone's abbreviation after its time (for reading its format). Any
    abbreviation, read or not: with "17.01.2025 15:04 CET" left whole no format was found,
    and each cell was "not a date or time" where it is "zone 'CET' is not read"."""
    split = split_zone(value)
    return split[0] if split is not None else value


_TIMES = (
    "",
    " %H:%M",
    " %H:%M:%S",
    ", %H:%M",
    ", %H:%M:%S",
    " %I:%M %p",
    " %I:%M:%S %p",
    ", %I:%M %p",
    ", %I:%M:%S %p",
    # macOS's medium style, as Apple Numbers exports it: "Feb 19, 2025 at 1:01 AM",
    # "19 Feb 2025 at 13:01"; every one of 300 leads was "not a date or time".
    " at %H:%M",
    " at %H:%M:%S",
    " at %I:%M %p",
    " at %I:%M:%S %p",
)
_SEPARATORS = (".", "/", "-")
_ORDERS = {
    "day": ("%d", "%m"),
    "month": ("%m", "%d"),
}
# A date of three numeric fields and an optional time: the shapes the formats above read.
_SHAPE = re.compile(r"\s*(\d{1,4})([./-])(\d{1,2})\2(\d{2,4})\.?(?:,?\s+\S.*)?\s*")


def formats_for(order: str) -> tuple[str, ...]:
    """Every date format of one order ("day" or "month" first), 4-digit years before 2."""
    first, second = _ORDERS[order]
    return tuple(
        f"{first}{sep}{second}{sep}{year}{time}"
        for year in ("%Y", "%y")
        for sep in _SEPARATORS
        for time in _TIMES
    )


# 2025/01/17, and ISO 8601's dashes where the time is not ISO's: "2025-01-05 3:04:00 PM", a
# 12-hour clock (ISO 8601 itself is always read, "2025-02-19 01:01:00 UTC" too: ZONE_OFFSETS).
_YEAR_FIRST = tuple(f"%Y{sep}%m{sep}%d{time}" for sep in (".", "/", "-") for time in _TIMES)

# The month by its name (English, as exports write it): "19-Feb-25", "Feb 19, 2025 01:01 AM",
# "19 February 2025". Never ambiguous: the name says which field is the month.
_NAMED = tuple(
    f"{date}{time}"
    for date in (
        "%d-%b-%y", "%d-%b-%Y", "%d %b %Y", "%d %b %y", "%b %d, %Y", "%b %d %Y",
        "%d %B %Y", "%B %d, %Y", "%d-%B-%Y", "%d/%b/%Y",
    )
    for time in _TIMES
)  # fmt: skip


def _reads(value: str, fmt: str) -> bool:
    try:
        datetime.strptime(value.strip(), fmt)
    except ValueError:
        return False
    return True


# A cell's shape: each digit a "9", each letter an "a", the rest as written. A format can read
# a cell only if its own shape pattern (`_shape_pattern`) matches the cell's shape, so each
# cell is given to strptime only with the few formats of its shape: trying all ~190 on each
# of 20,000 distinct times took 49 s, as strptime's failures are slow.
_SHAPE_CHARS = re.compile(r"[^\W\d_]|\d")


def _shape(value: str) -> str:
    return _SHAPE_CHARS.sub(lambda m: "9" if m.group().isdigit() else "a", value.strip())


# What each directive of the formats above can match in a shape: Python's strptime reads 1 to
# 2 digits for most numbers (%d also " 5"), 4 for %Y, a word for a name or AM/PM. Generous:
# the pattern only has to match every shape strptime could read.
_SHAPE_OF = {"Y": "9{4}", "y": "9{2}", "b": "a+", "B": "a+", "p": "a+", "d": " ?9{1,2}"}


def _shape_pattern(fmt: str) -> re.Pattern[str]:
    parts: list[str] = []
    i = 0
    while i < len(fmt):
        char = fmt[i]
        if char == "%" and i + 1 < len(fmt):
            directive = fmt[i + 1]
            parts.append("%" if directive == "%" else _SHAPE_OF.get(directive, "9{1,2}"))
            i += 2
            continue
        if char.isspace():
            parts.append(r"\s+")
        elif char.isdigit() or char.isalpha():
            parts.append("9" if char.isdigit() else "a")
        else:
            parts.append(re.escape(char))
        i += 1
    return re.compile("".join(parts))


class _ByShape:
    """The formats of a list that could read cells of a shape, in the list's order."""

    def __init__(self, formats: tuple[str, ...]) -> None:
        self.formats = formats
        self.patterns = [_shape_pattern(f) for f in formats]
        self.known: dict[str, tuple[str, ...]] = {}

    def first(self, cell: str, shape: str) -> str | None:
        """The first format that reads the cell (as `_reads` would find it), or None."""
        fitting = self.known.get(shape)
        if fitting is None:
            fitting = tuple(
                f for f, p in zip(self.formats, self.patterns, strict=True) if p.fullmatch(shape)
            )
            self.known[shape] = fitting
        return next((f for f in fitting if _reads(cell, f)), None)


def _is_iso(value: str) -> bool:
    text = value.strip()
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        datetime.fromisoformat(iso)
    except ValueError:
        return False
    return True


_CANDIDATES = {
    "day": formats_for("day"),
    "month": formats_for("month"),
    "year": _YEAR_FIRST,
    "name": _NAMED,
}


def candidate_formats() -> tuple[str, ...]:
    """Every format a column's dates can be read with: year first, the month's name, month
    first, then day first (as US CRMs write a date that could be either)."""
    return tuple(
        dict.fromkeys(
            [*_CANDIDATES["year"], *_CANDIDATES["name"], *_CANDIDATES["month"], *_CANDIDATES["day"]]
        )
    )


@dataclass(frozen=True, slots=True)
class DateReading:
    """The formats a column's dates are read with, and why (for the summary and `map`)."""

    order: str  # "day", "month" or "year" first, or "name" (the month's name)
    formats: tuple[str, ...]
    why: str  # in the room's words
    evidence: str | None  # a value that decides the order, or None when none does
    read: int  # distinct values the formats read
    of: int  # distinct non-ISO values looked at

    @property
    def ambiguous(self) -> bool:
        return self.evidence is None and self.order != "year"


def detect(
    values: Iterable[str], day_first: bool | None = None, told: str = ""
) -> DateReading | None:
    """The formats that read a column's distinct non-ISO values, or None when there are none
    (or no format reads any). `day_first` is the mapping's locale, for ambiguous columns, or
    what the other file of the export showed (`told` says so)."""
    # A known zone after the time says nothing of the date's format: read without it.
    cells = list(dict.fromkeys(without_zone(v.strip()) for v in values if v and v.strip()))
    cells = [v for v in cells if not _is_iso(v)]
    if not cells:
        return None
    used: dict[str, dict[str, None]] = {"day": {}, "month": {}, "year": {}, "name": {}}
    reads: dict[str, int] = {"day": 0, "month": 0, "year": 0, "name": 0}
    evidence: dict[str, str] = {}
    # The first cell each order's formats read: the summary's example of how dates are
    # written (the first cell of all was "-1740392100", said as read "%Y-%m-%d %H:%M:%S").
    shown: dict[str, str] = {}
    separators: set[str] = set()
    candidates = {order: _ByShape(formats) for order, formats in _CANDIDATES.items()}
    for cell in cells:
        shape = _shape(cell)
        for order, by_shape in candidates.items():
            fmt = by_shape.first(cell, shape)
            if fmt is not None:
                used[order].setdefault(fmt, None)
                reads[order] += 1
                shown.setdefault(order, cell)
        fields = _SHAPE.fullmatch(cell)
        if fields:
            separators.add(fields.group(2))
        if fields and len(fields.group(1)) <= 2:
            first, second = int(fields.group(1)), int(fields.group(3))
            if first > 12 >= second:
                evidence.setdefault("day", cell)
            elif second > 12 >= first:
                evidence.setdefault("month", cell)
    best = max(reads.values())
    if not best:
        return None
    if reads["name"] == best and reads["name"] > max(reads["day"], reads["month"]):
        why = f"with the month's name, as {shown['name']!r} is written"
        return DateReading("name", tuple(used["name"]), why, shown["name"], best, len(cells))
    if reads["year"] == best and reads["year"] > max(reads["day"], reads["month"]):
        order = "year"
        why = f"year first, as {shown[order]!r} is written"
        return DateReading(order, tuple(used[order]), why, shown[order], best, len(cells))
    if reads["day"] == reads["month"]:  # every value could be either
        dotted = bool(separators) and separators <= {"."}
        if day_first is not None:
            order = "day" if day_first else "month"
            by = told or "as the mapping's locale writes them"
        elif dotted:
            order, by = "day", "as dotted dates are written (05.03.2025 is 5 March)"
        else:
            order = "month"
            by = (
                'as US CRMs write them; say locale = "de-DE" (or another) in the mapping '
                "file if the day comes first"
            )
        # Read after "dates read": "dates read month first (every date could be either), …".
        why = f"{order} first (every date could be day or month first), {by}"
        return DateReading(order, tuple(used[order]), why, None, best, len(cells))
    order = "day" if reads["day"] > reads["month"] else "month"
    seen = evidence.get(order)
    why = f"{order} first, as {seen!r} can only be read that way" if seen else f"{order} first"
    return DateReading(order, tuple(used[order]), why, seen, best, len(cells))


def reading_formats(reading: DateReading, before: tuple[str, ...]) -> tuple[str, ...]:
    """The formats to read a column with: the ones its values showed, then the mapping's own
    but those of the other order (a column is read one way throughout)."""
    other = {"day": "month", "month": "day"}.get(reading.order)
    drop = set(formats_for(other)) if other else set()
    kept = [f for f in before if f not in drop]
    return tuple(dict.fromkeys([*reading.formats, *kept]))
