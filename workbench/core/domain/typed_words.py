"""Pydantic's refusals of a typed value, said in the room's words.

A facilitator who types "72.5" into a whole-number field should read "a whole number
expected, not '72.5'", not a parser's "unable to parse string as an integer"; a field that
takes a whole number or a decimal should refuse "7,5" once, not once per type it tried; and
a bound reads "at least 1, not -60".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, time
from typing import Any

WHOLE = "a whole number expected"
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:(?:,\d{3})+|(?:\.\d{3})+)")


def whole_number_text(text: str) -> str:
    """'1,500' or '1.500' typed into a whole-number field as '1500': the room writes volumes
    with a thousands mark, a comma or (in much of Europe) a dot, as the lead history's loader
    reads them ("never 3.2 people"). Left to the parser, '1.000' was read as the decimal 1.0
    and saved as 1. Only whole groups of three and one mark, so '1,5' and '72.5' are still
    refused (a decimal is not a whole number)."""
    stripped = text.strip()
    if _GROUPED.fullmatch(stripped):
        return stripped.replace(",", "").replace(".", "")
    return text


NUMBER = "a number expected (with '.' for decimals)"
_WORDS = {
    "int_parsing": WHOLE,
    "int_from_float": WHOLE,
    "int_type": WHOLE,
    "float_parsing": NUMBER,
    "float_type": NUMBER,
}
_DATE = "a date expected, such as 2027-03-31"
# Refusals of a value of another type in a file: said with the value found.
_KINDS = {
    "bool_parsing": "true or false expected",
    "bool_type": "true or false expected",
    "string_type": "text in quotes expected",
    "list_type": 'a list expected, such as ["a", "b"]',
    "date_parsing": _DATE,
    "date_type": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "finite_number": "a finite number expected",
    "dict_type": "a table of keys and values expected",
    "model_type": "a table of keys and values expected",
    "string_too_short": "must not be empty",
}
_UNION_TAGS = ("int", "float")  # how pydantic names the member of `int | float` it tried
# A bound the value is outside of: "at least 1, not -60" rather than "Input should be greater
# than or equal to 1".
_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "more than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}


def refusals(
    items: Iterable[Mapping[str, Any]],
    other: Callable[[Mapping[str, Any]], str] | None = None,
) -> list[tuple[tuple[Any, ...], str]]:
    """(location, message) for each of pydantic's error items, in order; a value refused by
    both members of `int | float` is said once, as the wider of the two (a number). `other`
    says the refusals these words do not cover (an unknown key, a missing one); without it,
    pydantic's own message."""
    found: list[tuple[tuple[Any, ...], str | None, str]] = []
    for item in items:
        loc = tuple(item["loc"])
        words = _WORDS.get(str(item["type"]))
        bound = _BOUNDS.get(str(item["type"]))
        limit = (item.get("ctx") or {}).get(bound[0]) if bound else None
        expected = (item.get("ctx") or {}).get("expected")
        if words is None and bound is not None and limit is not None:
            message = f"{bound[1]} {_number(limit)}, not {_number(item.get('input'))}"
        elif words is None and str(item["type"]) in _KINDS and item.get("input", 0) is None:
            # A field the room emptied (the app sends None): not "text in quotes expected,
            # not None", which is the file's words and Python's.
            message = _KINDS["string_too_short"]
        elif words is None and str(item["type"]) in _KINDS:
            kind = str(item["type"])
            message = _KINDS[kind] + ("" if kind == "string_too_short" else _found(item))
        elif item["type"] in ("literal_error", "enum") and expected and "input" in item:
            # The value refused first, then the choices: "'podcast' is not one of …".
            message = f"{item['input']!r} is not one of {expected}"
        elif words is None:
            message = other(item) if other else str(item["msg"]).removeprefix("Value error, ")
        else:
            if loc and loc[-1] in _UNION_TAGS:
                loc = loc[:-1]
            typed = item.get("input")
            message = f"{words}, not {typed!r}" if isinstance(typed, str | float) else words
        found.append((loc, words, message))
    numbers = {loc for loc, words, _ in found if words == NUMBER}
    return [
        (loc, message) for loc, words, message in found if not (words == WHOLE and loc in numbers)
    ]


def _found(item: Mapping[str, Any]) -> str:
    """ ", not 3": the value a file holds, as TOML writes it; nothing for a table or list."""
    if "input" not in item or isinstance(item["input"], dict | list):
        return ""
    value = item["input"]
    if isinstance(value, bool):
        return f", not {str(value).lower()}"
    if isinstance(value, date | time):  # a TOML date or time, as the file writes it
        return f", not {value.isoformat()}"
    return f", not {value!r}"


def _number(value: Any) -> str:
    """0.0 as 0: a bound pydantic holds as a float reads as the room typed it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
