"""A typed day is read, or refused in the room's words (never Python's)."""

from __future__ import annotations

from datetime import date

import pytest

from workbench.core.domain.days import read_day


def test_a_day_is_read_in_any_form_python_reads() -> None:
    assert read_day(" 2027-03-31 ") == date(2027, 3, 31)
    assert read_day("20270331") == date(2027, 3, 31)  # taken before, still taken


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("2027-02-30", "2027-02-30 is not a day of the calendar: February 2027 has 28 days"),
        ("2028-02-30", "February 2028 has 29 days"),
        ("2027-04-31", "April 2027 has 30 days"),
        ("2025-13-01", "2025-13-01 is not a day of the calendar: there is no month 13"),
        ("2025-00-10", "there is no month 0"),
        ("0000-01-01", "there is no year 0"),
        ("2027-01-00", "2027-01-00 is not a day of the calendar: there is no day 0"),
        ("２０２７-０１-１５", "expected a date as YYYY-MM-DD"),
        ("2027-2-3", "expected a date as YYYY-MM-DD, got '2027-2-3'"),
        ("next quarter", "expected a date as YYYY-MM-DD, got 'next quarter'"),
    ],
)
def test_a_day_that_is_not_one_says_why_in_words(text: str, said: str) -> None:
    with pytest.raises(ValueError, match=None) as refused:
        read_day(text)
    assert said in str(refused.value)
    assert "out of range" not in str(refused.value)
