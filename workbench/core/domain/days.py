"""A day typed by a person (a review date, `--since`): read, or refused in the room's words."""

from __future__ import annotations

import calendar
import re
from datetime import date

_SHAPED = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")  # ASCII digits: not "２０２７"


def read_day(text: str) -> date:
    """The day `text` names; a ValueError that says what is wrong otherwise. "2027-02-30" is
    in the format and still no day: "February 2027 has 28 days" sends the room to February,
    where "expected YYYY-MM-DD" sent it to the format and Python's "day is out of range for
    month" read as a program's error. Any form `date.fromisoformat` reads is taken."""
    value = text.strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    shaped = _SHAPED.fullmatch(value)
    if shaped is None:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")
    year, month, day = (int(part) for part in shaped.groups())
    if not 1 <= month <= 12:
        raise ValueError(f"{value} is not a day of the calendar: there is no month {month}")
    if year < 1:
        raise ValueError(f"{value} is not a day of the calendar: there is no year {year}")
    if day == 0:
        raise ValueError(f"{value} is not a day of the calendar: there is no day 0")
    last = calendar.monthrange(year, month)[1]
    raise ValueError(
        f"{value} is not a day of the calendar: {calendar.month_name[month]} {year} has {last} days"
    )
