"""Numbers as people, CRMs and enrichment tools write them, never read as a different number.

Counts (whole numbers: employees, engaged contacts, touches):
- thousands separators: "1,000", "3.200", "1 000" (also a no-break or thin space), "1'000";
  one separator throughout, every group of three digits. In a whole-number column "1.200" is
  1200: nobody has 1.2 employees, so no decimal mark is needed to read it;
- a decimal part of zeros: "1200.0", "1.200,00";
- size ranges: "51-200", "1,001-5,000", "51 to 200", "10,000+", "51-200 employees". A range
  is read as its LOWER bound: it is what is known for sure (a company in "51-200" has at least
  51 people), so a fit gate's minimum passes only companies certainly large enough, and
  "10,000+" (which has no upper end) reads the same way as "10,000-50,000". A maximum
  (`max_employees`) compares the same number: "51-200" passes a maximum of 100. The loader
  writes the number into the table, so the SQL replay and the Python evaluator compare the
  same value; the loading summary keeps the range text (`load._number_readings`).

Amounts (`parse_amount`): "1,234.50" and "1.234,50" are unambiguous (the last mark is the
decimal one), so are "12,5" and "1234.5". "1.200" and "1,200" are not: 1.2 or 1200. The decimal
mark of the mapping (`decimal`, or its `locale`) decides; without one, the rest of the column
(`decimal_evidence` of its other cells); when neither tells, the cell is not read (`Ambiguous`)
rather than guessed.
"""

from __future__ import annotations

import re

# Marks that group thousands in every locale: spaces (a plain, no-break, narrow no-break or
# thin space) and apostrophes (Swiss).
_SPACE_GROUPS = " \u00a0\u202f\u2009'\u2019"
_GROUP = "[" + re.escape(_SPACE_GROUPS + ",.") + "]"
_GROUPED = re.compile(rf"([1-9]\d{{0,2}})(?:({_GROUP})\d{{3}})(?:\2\d{{3}})*")
_RANGE = re.compile(r"(\d.*?)\s*(?:-|\u2013|\u2014|\bto\b)\s*(\d.*)", re.IGNORECASE)
# "51-200 employees" (LinkedIn's company sizes): the unit is dropped.
_UNIT = re.compile(r"\s*(?:employees|employee|people|staff)$", re.IGNORECASE)
_EXPONENT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+")


class Ambiguous(ValueError):
    """A cell that two decimal marks would read as two different numbers."""


def _grouped(text: str) -> tuple[str, str] | None:
    """(digits, separator) when `text` is digits grouped by three with one separator."""
    match = _GROUPED.fullmatch(text)
    if match is None:
        return None
    return text.replace(match.group(2), ""), match.group(2)


def _whole(text: str) -> int:
    """One count, without a range: grouped, plain, or with a decimal part of zeros."""
    if text.isdigit():
        return int(text)
    grouped = _grouped(text)
    if grouped is not None:
        return int(grouped[0])
    number = _decimal(text, None, whole=True)
    if not number.is_integer() or number < 0:
        raise ValueError("not a whole number of 0 or more")
    return int(number)


def parse_count(value: str) -> int:
    """A whole number ("1,200", "3.200", "1 000", "1200.0"), or a size range ("51-200",
    "1,001-5,000", "10,000+") read as its lower bound (see the module's docstring)."""
    text = _UNIT.sub("", value.strip()).replace("_", "")
    if text.endswith("+"):
        return _whole(text[:-1].strip())
    band = _RANGE.fullmatch(text)
    if band:
        low, high = _whole(band.group(1)), _whole(band.group(2))
        if low > high:
            raise ValueError("a range whose low end is above its high end")
        return low
    return _whole(text)


def is_range(value: str) -> bool:
    """Whether a count cell is a range ("51-200", "10,000+") rather than one number."""
    text = _UNIT.sub("", value.strip())
    return text.endswith("+") or _RANGE.fullmatch(text) is not None


def _ambiguous(body: str) -> str | None:
    """The mark of a cell two decimal marks read differently ("1.200", "1,200"), or None."""
    match = re.fullmatch(r"[1-9]\d{0,2}([.,])\d{3}", body)
    return match.group(1) if match else None


def is_ambiguous(value: str) -> bool:
    """Whether two decimal marks read the cell as two numbers ("1.200": 1.2 or 1200)."""
    body = _body(value)
    return body is not None and _ambiguous(body) is not None


def decimal_evidence(value: str) -> str | None:
    """The decimal mark a number cell shows beyond doubt ("12,50" -> ",", "1,234.5" -> ".",
    "1.234.567" -> ","), or None (a plain or an ambiguous number, or not a number)."""
    body = _body(value)
    if body is None or _ambiguous(body):
        return None
    marks = [c for c in body if c in ".,"]
    if not marks:
        return None
    if len(set(marks)) == 2:
        return marks[-1]
    if len(marks) > 1:  # one mark, repeated: it groups thousands; the other is the decimal
        return "," if marks[0] == "." else "."
    return marks[0] if re.fullmatch(r"\d*[.,]\d+", body) else None


# A currency's ISO 4217 code before or after the number, as multi-currency CRMs write an
# amount (Salesforce: "USD 15,000.00"; "15.000,00 EUR"): read as the sign is, the number kept.
# Only these codes: "15 MIO" (millions), "TBD 2025" or "MAX 100" are not an amount of 15,
# 2025 or 100.
CURRENCY_CODES = frozenset({
    "USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "ISK",
    "PLN", "CZK", "HUF", "RON", "BGN", "HRK", "TRY", "RUB", "UAH", "INR", "CNY", "HKD",
    "TWD", "SGD", "KRW", "THB", "MYR", "IDR", "PHP", "VND", "PKR", "BDT", "LKR", "ILS",
    "AED", "SAR", "QAR", "KWD", "BHD", "OMR", "EGP", "NGN", "KES", "ZAR", "MAD", "BRL",
    "MXN", "ARS", "CLP", "COP", "PEN", "UYU",
})  # fmt: skip
_CODES = "|".join(sorted(CURRENCY_CODES))
_CODE = re.compile(rf"^(?:{_CODES}) ?(?=[-+]?[0-9.,])|(?<=[0-9]) ?(?:{_CODES})$")


def _without_currency(value: str) -> str:
    """The cell without its currency sign or ISO code, trimmed."""
    return _CODE.sub("", re.sub(r"[$€£¥]", "", value).strip()).strip()


def _body(value: str) -> str | None:
    """The number's digits and marks, without currency, sign and surrounding spaces."""
    text = _without_currency(value).lstrip("+-").strip()
    return text or None


def _decimal(text: str, decimal: str | None, *, whole: bool = False) -> float:
    """Digits with at most one decimal mark and grouped thousands before it."""
    marks = [c for c in text if c in ".,"]
    if not marks and not any(c in _SPACE_GROUPS for c in text):
        return float(text)  # plain digits, "1e5", "nan": float decides (raises ValueError)
    if _EXPONENT.fullmatch(text):
        return float(text)
    if decimal is None:
        if whole and len(marks) == 1 and _ambiguous(text):
            decimal = "," if marks[0] == "." else "."  # a whole number's thousands
        elif _ambiguous(text):
            raise Ambiguous("ambiguous")
        elif len(set(marks)) == 2:
            decimal = marks[-1]
        elif len(marks) == 1:
            decimal = marks[0]
        else:
            decimal = "," if marks and marks[0] == "." else "."
    integer, _, fraction = text.partition(decimal) if decimal in text else (text, "", "")
    if fraction and not fraction.isdigit():
        raise ValueError("not a number")
    if integer.isdigit() or (not integer and fraction):
        digits = integer
    else:
        grouped = _grouped(integer)
        if grouped is None or grouped[1] == decimal:
            raise ValueError("not a number")
        digits = grouped[0]
    return float(f"{digits or '0'}.{fraction or '0'}")


def parse_amount(value: str, decimal: str | None = None) -> float:
    """An amount: currency signs and codes and thousands separators dropped, the decimal mark the
    mapping's (or the one the cell shows beyond doubt); raises `Ambiguous` for a cell such as
    "1.200" when no decimal mark is known, ValueError for what is not a number."""
    text = _without_currency(value)
    sign = ""
    if text and text[0] in "+-":
        sign, text = text[0], text[1:].strip()
    number = _decimal(text, decimal)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("not a finite number")
    return -number if sign == "-" else number
