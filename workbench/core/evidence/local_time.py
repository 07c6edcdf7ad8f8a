"""Times written without an offset, read as a place's clock when the mapping names its zone.

Most CRM exports write local times without saying where: Zoho, Pardot, ActiveCampaign and
Marketo's screens write "2025-03-04 09:15" in the exporting user's zone. Read as UTC, such a
file's leads were hours off the activities of a file that writes its offset (ActiveCampaign's
leads 5 hours off its activities), and so was any time between the two, such as a response
time. `timezone = "America/New_York"` in the mapping file reads every time without an offset
(or a zone's abbreviation) as that place's clock, summer time included; a time that says its
zone keeps it. The calendars read after loading stay UTC's: a backtest's months and the
SLA's weekends (a lead made at 22:00 on 31 March in New York is April's there).

Two wall times are not one moment: the hour a clock skips in spring (02:30 on the day New
York goes to summer time) is read at the offset before the change, which places it an hour
later, as the clock a person wrote it from would have shown after it jumped; the hour a clock
repeats in autumn is read as the second time it came round: both are the later moment.

The loader reads most cells in SQL and the rest in Python (`load`), and both must give one
answer. DuckDB's own zone functions use ICU's copy of the zone rules, which is not the one
Python reads (tzdata 2025b on Debian and ICU disagreed on Vancouver in 2030 and on Chisinau in
March 2025), so the SQL reads Python's: the zone's offsets by year, taken from `zoneinfo`, as
a list literal (`from_local_sql`).
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# Names a clock's zone can be given as besides an "Area/City": UTC itself.
_PLAIN = frozenset({"UTC"})
_UTC_NAMES = frozenset(
    {"utc", "etc/utc", "gmt", "etc/gmt", "zulu", "etc/zulu", "uct", "etc/uct", "universal"}
    | {"etc/universal", "z", "gmt0", "etc/gmt0", "etc/gmt+0", "etc/gmt-0", "greenwich"}
)
EXAMPLE = '"America/New_York", "Europe/Berlin" or "Asia/Kolkata"'


def zone_problem(name: str) -> str | None:
    """Why `name` is not a place's zone to read times in, or None. An abbreviation such as
    "EST" or "CET", or a fixed offset ("Etc/GMT+5", which is UTC-5), names one offset all
    year, so summer's times would be an hour off: a place's name is asked for instead. A
    name written in other capitals or with spaces is told the one meant."""
    if name in _PLAIN:
        return None
    if name.strip().casefold() in _UTC_NAMES:
        return f'{name!r} is UTC: write "UTC", or leave timezone out (UTC is the default)'
    meant = _meant(name)
    if meant is not None and meant != name:
        return f"unknown time zone {name!r}; the tz database writes it {meant!r}"
    if name.startswith("Etc/") or "/" not in name or name.startswith(("posix/", "right/")):
        if meant is None and "/" not in name:
            return f"unknown time zone {name!r}; expected a place's, such as {EXAMPLE}"
        return (
            f"{name!r} is not a place's time zone; expected one such as {EXAMPLE} "
            "(it names one offset all year, and summer times would be an hour off)"
        )
    try:
        local_zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {name!r}; expected one such as {EXAMPLE}"
    return None


def _meant(name: str) -> str | None:
    """The tz database's name for `name` written in other capitals, with spaces for '_' or
    around it ("america/new york " is "America/New_York"), or None."""
    key = name.strip().replace(" ", "_").casefold()
    for known in (*_PLAIN, *_known_zones()):
        if known.casefold() == key:
            return known
    return None


@functools.lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


@functools.lru_cache(maxsize=32)
def local_zone(name: str) -> ZoneInfo:
    """The zone by its tz database name (ZoneInfoNotFoundError when there is none)."""
    return ZoneInfo(name)


def from_local(naive: datetime, name: str) -> datetime:
    """A time without an offset, read as the clock of zone `name`, as an aware UTC time: in
    a skipped or repeated hour, the later of the two moments it could be (see the module)."""
    zone = local_zone(name)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    return max(first, second)


# The years the SQL knows a zone's offsets in: a day either side of the loader's bounds
# (`load.EARLIEST_TIME`, `load.LATEST_TIME`); a time outside is a placeholder either way.
FIRST_YEAR, LAST_YEAR = 1970, 2100
_STEP = timedelta(hours=6)  # no zone has changed its clock twice within 6 hours since 1970


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    offset = moment.astimezone(zone).utcoffset()
    assert offset is not None  # a ZoneInfo always has one
    return offset


@functools.lru_cache(maxsize=8)
def changes(name: str) -> tuple[tuple[datetime, timedelta, timedelta], ...]:
    """The zone's clock changes from FIRST_YEAR to LAST_YEAR: each as the local wall time from
    which the new offset holds (the UTC moment plus the new offset: the later reading of a
    skipped or repeated hour), the offset before and the offset after."""
    zone = local_zone(name)
    moment = datetime(FIRST_YEAR - 1, 12, 31, tzinfo=UTC)
    end = datetime(LAST_YEAR + 1, 1, 2, tzinfo=UTC)
    found: list[tuple[datetime, timedelta, timedelta]] = []
    before = _offset(zone, moment)
    while moment < end:
        later = moment + _STEP
        after = _offset(zone, later)
        if after != before:
            low, high = moment, later  # the change is in (low, high]: halve to the second
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle <= low:
                    break
                if _offset(zone, middle) == before:
                    low = middle
                else:
                    high = middle
            found.append(((high + after).replace(tzinfo=None), before, after))
            before = after
        moment = later
    return tuple(found)


def _literal(moment: datetime) -> str:
    return f"TIMESTAMP '{moment.isoformat(sep=' ')}'"


@functools.lru_cache(maxsize=8)
def _by_year(name: str) -> tuple[list[list[datetime | None]], list[list[int]]]:
    """The zone's clock by local year, FIRST_YEAR to LAST_YEAR: the K-th change's local wall
    time in each year (None where a year has fewer), and the offset in seconds a year starts
    with (index 0) and after each change."""
    found = changes(name)
    # The offset a year starts with is the last change's before it (not the offset at the
    # year's first moment: a clock that changes at midnight on 1 January skips it).
    if found:
        current = found[0][1]
    else:
        current = _offset(local_zone(name), datetime(FIRST_YEAR, 6, 1, tzinfo=UTC))
    years: list[tuple[list[datetime], list[int]]] = []
    index = 0
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        while index < len(found) and found[index][0].year < year:
            current = found[index][2]
            index += 1
        walls: list[datetime] = []
        offsets = [int(current.total_seconds())]
        while index < len(found) and found[index][0].year == year:
            walls.append(found[index][0])
            offsets.append(int(found[index][2].total_seconds()))
            current = found[index][2]
            index += 1
        years.append((walls, offsets))
    most = max(len(walls) for walls, _ in years)
    bounds = [[walls[k] if k < len(walls) else None for walls, _ in years] for k in range(most)]
    after = [[offs[k] if k < len(offs) else offs[-1] for _, offs in years] for k in range(most + 1)]
    return bounds, after


def from_local_sql(expression: str, name: str) -> str:
    """SQL (DuckDB): a TIMESTAMP without a zone, read as the clock of zone `name` as
    `from_local` reads it, as a TIMESTAMP holding UTC; NULL outside FIRST_YEAR..LAST_YEAR
    (left to Python, which says it is a placeholder) and for NULL. `name` has passed
    `zone_problem`. `expression` is repeated: give a column's name, not a computation.

    Per year, a constant list of each change's wall time and of the offsets, indexed by the
    year: a CASE from the year's last change back. Over 5M times it took 0.19 s, where one
    list of the years' changes filtered in a lambda per cell took 0.8 and DuckDB's own ICU
    0.9; and a constant list inside a lambda is built again for each cell: the same CASE
    inside one took 0.7 (BENCHMARKS.md)."""
    bounds, offsets = _by_year(name)
    at = expression
    year = f"(year({at}) - {FIRST_YEAR - 1})"

    def walls(items: list[datetime | None]) -> str:
        shown = ", ".join("NULL" if w is None else _literal(w) for w in items)
        return f"([{shown}]::TIMESTAMP[])[{year}]"

    def seconds(items: list[int]) -> str:
        return f"([{', '.join(map(str, items))}])[{year}]"

    steps = [
        f"WHEN {at} >= {walls(bounds[k])} THEN {seconds(offsets[k + 1])}"
        for k in reversed(range(len(bounds)))
    ]
    offset = (
        f"CASE {' '.join(steps)} ELSE {seconds(offsets[0])} END" if steps else seconds(offsets[0])
    )
    inside = f"year({at}) BETWEEN {FIRST_YEAR} AND {LAST_YEAR}"
    return f"CASE WHEN {inside} THEN {at} - to_seconds({offset}) END"
