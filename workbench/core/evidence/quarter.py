"""Calendar quarters: the period the quarterly MQL review reads (001, "Calibration Process").

Kept apart from the review so the sample generator can plant its drift in the very quarter
the review will read, without importing the review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from workbench.core.domain.errors import InputError, Problem
from workbench.core.evidence.coverage import as_day, reaches

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[qQ]([1-4])\s*$")


@dataclass(frozen=True, order=True, slots=True)
class Quarter:
    year: int
    number: int  # 1..4

    @property
    def start(self) -> date:
        return date(self.year, 3 * (self.number - 1) + 1, 1)

    @property
    def end(self) -> date:
        """The quarter's last day."""
        return self.next().start - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def last_complete_quarter(last: date | datetime) -> Quarter:
    """The last quarter the data covers to its end (`coverage.reaches`): the one holding
    `last` (the history's last moment, or its last day) when that reaches the quarter's last
    day (an export taken on its afternoon or evening or at midnight after it), else the one
    before."""
    holding = quarter_of(as_day(last))
    return holding if reaches(last, holding.end) else holding.previous()


# The years a lead history can hold: the loader reads times outside 1971-2099 as placeholders
# (`load.EARLIEST_TIME`, `load.LATEST_TIME`), so no quarter outside them has anything to read,
# and 9999Q4 or 0000Q1 would have no calendar date before or after them.
FIRST_YEAR, LAST_YEAR = 1971, 2099


def parse_quarter(text: str, field: str = "--quarter") -> Quarter:
    """'2025Q3' (or '2025-Q3', '2025q3') as a Quarter; anything else is one clear message."""
    match = _QUARTER.match(text)
    if match is None:
        raise InputError([Problem(f"expected a quarter such as 2025Q3, got {text!r}", field=field)])
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(
            [
                Problem(
                    f"expected a quarter of a year from {FIRST_YEAR} to {LAST_YEAR} (the years "
                    f"a lead history holds), got {text!r}",
                    field=field,
                )
            ]
        )
    return Quarter(year, int(match.group(2)))
