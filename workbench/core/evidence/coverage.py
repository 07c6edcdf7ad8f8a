"""Which days a lead history covers: one rule for every period read as complete or partial
(`metrics`' partial periods, the review's last complete quarter, the backtest's complete
months), and for every period typed as a first and a last day (`sla --from/--to`).

A history covers a period when it reaches from the period's first day into the second half
of its last day (UTC): a CRM export taken on the evening of 31 March, its last activity at
23:20, covers March and the first quarter, as the room that took it reads it. An export has
no "end of day" moment, and asking for one left the quarter open for 40 minutes nobody could
have filled. But a last activity at 00:30 on 31 March is an export taken before that day's
work (a US export late on 30 March): a day is reached from its noon (`REACHED_FROM`), so a
period is never judged whole with most of its last day missing. A history known only by its
days (dates without times) reaches the days it names.

A period given by its days includes both: `--to 2025-03-31` means 31 March included, so the
moments it holds run from the first day's midnight up to (excluding) the midnight after the
last day (`day_bounds`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

# How far into its last day a history must run to reach it: half of it, so that an export
# taken that afternoon or evening covers the day (its count is low by a few hours' worth at
# most), and one taken in its first hours does not.
REACHED_FROM = timedelta(hours=12)


def as_day(moment: date | datetime) -> date:
    """The calendar day of a moment (a date is its own day)."""
    return moment.date() if isinstance(moment, datetime) else moment


def covers(first: date | datetime, last: date | datetime, start: date, last_day: date) -> bool:
    """Whether a history running from `first` to `last` covers the period from `start` to
    `last_day` (both days included): it begins on or before the first day and reaches the
    last."""
    return as_day(first) <= start and reaches(last, last_day)


def reaches(last: date | datetime, last_day: date) -> bool:
    """Whether a history whose last moment is `last` reaches `last_day`: runs past it, or
    into its second half (`REACHED_FROM`); a day given without a time, if it is that day
    or later."""
    if not isinstance(last, datetime):
        return last_day <= last
    if last.tzinfo is not None:
        last = last.astimezone(UTC).replace(tzinfo=None)
    return last >= datetime.combine(last_day, time()) + REACHED_FROM


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
