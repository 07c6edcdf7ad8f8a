"""Which days a lead history covers: one rule for every period read as complete or partial
(`metrics`' partial periods, the review's last complete quarter, the backtest's complete
months), and for every period typed as a first and a last day (`sla --from/--to`).

A history covers a period when it reaches from the period's first day to its last day, read
by calendar day (UTC): a CRM export taken on the evening of 31 March, its last activity at
23:20, covers March and the first quarter, as the room that took it reads it. The times
within a day are not read: an export has no "end of day" moment, and a last activity at 23:20
would otherwise leave the quarter open for 40 minutes nobody could have filled.

A period given by its days includes both: `--to 2025-03-31` means 31 March included, so the
moments it holds run from the first day's midnight up to (excluding) the midnight after the
last day (`day_bounds`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta


def as_day(moment: date | datetime) -> date:
    """The calendar day of a moment (a date is its own day)."""
    return moment.date() if isinstance(moment, datetime) else moment


def covers(first: date | datetime, last: date | datetime, start: date, last_day: date) -> bool:
    """Whether a history running from `first` to `last` covers the period from `start` to
    `last_day` (both days included): it begins on or before the first day and reaches the
    last."""
    return as_day(first) <= start and reaches(last, last_day)


def reaches(last: date | datetime, last_day: date) -> bool:
    """Whether a history whose last moment is `last` reaches `last_day` (holds some of it)."""
    return last_day <= as_day(last)


def day_bounds(
    first_day: date | None, last_day: date | None
) -> tuple[datetime | None, datetime | None]:
    """The moments of the days from `first_day` to `last_day`, both included, as a half-open
    [start, end): the first day's midnight and the midnight after the last day (naive, as
    the loaded tables hold UTC). Either end may be open (None)."""
    start = None if first_day is None else datetime(first_day.year, first_day.month, first_day.day)
    end = None
    if last_day is not None and last_day < date.max:  # 9999-12-31: no midnight after it
        after = last_day + timedelta(days=1)
        end = datetime(after.year, after.month, after.day)
    return start, end
