"""How a column's date format is decided from its values (`workbench.core.evidence.dates`)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.evidence import dates

_EVERY_FORMAT = [fmt for formats in dates._CANDIDATES.values() for fmt in formats]
_BY_SHAPE = [dates._ByShape(formats) for formats in dates._CANDIDATES.values()]


def _first_by_trying_all(cell: str, formats: tuple[str, ...]) -> str | None:
    return next((f for f in formats if dates._reads(cell, f)), None)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_EVERY_FORMAT),
            st.integers(0, 5_000_000),
            st.sampled_from(["", " ", "0", "x", ","]),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_a_cells_shape_picks_the_same_format_as_trying_every_one(
    cells: list[tuple[str, int, str]],
) -> None:
    # The shape prefilter only skips formats that cannot read the cell: over 20,000 distinct
    # times, trying all ~190 formats on each took 49 s.
    for fmt, minutes, noise in cells:
        text = (datetime(2015, 1, 1) + timedelta(minutes=minutes)).strftime(fmt)
        for cell in (text, text + noise, noise + text, text.replace("0", "", 1)):
            shape = dates._shape(cell)
            for by_shape in _BY_SHAPE:
                expected = _first_by_trying_all(cell, by_shape.formats)
                assert by_shape.first(cell, shape) == expected, cell


def test_a_cell_is_given_to_strptime_only_with_the_formats_of_its_shape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 20,000 distinct UK times (the rows a column's format is decided from) took 49 s to
    # decide, each tried with every format of every order; now 0.5 s.
    start = datetime(2024, 1, 1)
    cells = [(start + timedelta(hours=7 * n)).strftime("%d/%m/%Y %H:%M") for n in range(2000)]
    calls = 0
    reads = dates._reads

    def counted(value: str, fmt: str) -> bool:
        nonlocal calls
        calls += 1
        return reads(value, fmt)

    monkeypatch.setattr(dates, "_reads", counted)
    reading = dates.detect(cells)
    assert reading is not None and reading.formats == ("%d/%m/%Y %H:%M",)
    assert calls <= 3 * len(cells)


def test_an_iso_date_with_a_12_hour_clock_is_read_year_first() -> None:
    # "2025-01-05 3:04:00 PM" was "not a date or time" and the hint proposed a day-first
    # format; nothing else reads it, so it is read as written.
    reading = dates.detect(["2025-01-05 3:04:00 PM", "2025-01-13 9:04:00 AM", "2025-01-14"])
    assert reading is not None and reading.order == "year" and not reading.ambiguous
    assert reading.formats == ("%Y-%m-%d %I:%M:%S %p",)


def test_the_example_of_how_dates_are_written_is_one_the_format_reads() -> None:
    # The first cell of all had been the example: "-1740392100" said as written year first.
    reading = dates.detect(["-1740392100", "2025/01/31 14:05:00"])
    assert reading is not None and reading.why == "year first, as '2025/01/31 14:05:00' is written"
    reading = dates.detect(["Q1 2025", "March 4, 2025"])
    assert reading is not None and "as 'March 4, 2025' is written" in reading.why
