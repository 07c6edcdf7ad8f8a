"""The one clock: `now` in UTC for timestamps, `today` as the local calendar date.

Commands and the app read the time only through here, never `datetime.now()` or
`date.today()` directly: "today" (a draft's creation date, the default review date, what is
overdue) is then the same calendar day in every command, and tests pin the time with one
seam instead of racing midnight.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    """This moment, timezone-aware, in UTC (how signing times are stored)."""
    return datetime.now(UTC)


def today() -> date:
    """The calendar date where the person is (their machine's time zone)."""
    return local_date(now())


def local_date(moment: datetime) -> date:
    """The calendar date of `moment` in the machine's time zone."""
    return moment.astimezone().date()
