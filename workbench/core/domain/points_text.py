"""The fit score's tables as the room types them on one line.

A fit score (004) gives points to free keys (an industry, an e-mail domain, a title word) and
to company size bands. The room edits them where it argues about them, as text: "gmail.com
-10, outlook.com -10" and "50-199 5, 200+ 10". The text is read here, once, so the words a
refusal uses ("needs its points after it") are the same wherever it is typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from workbench.core.domain.definition import SizeBand

_POINTS = re.compile(r"[+-]?\d+")
_BOTH = re.compile(r"(\d+)\s*-\s*(\d+)")
_FROM = re.compile(r"(\d+)\s*\+")
_UP_TO = re.compile(r"up to\s+(\d+)", re.IGNORECASE)
BAND_EXAMPLE = "'50-199 5', '200+ 10' or 'up to 49 -10'"
# A size written with a thousands mark ("1,000+", "200-1.499", "up to 9,999"), where a size
# stands: at a band's start, after a range's dash ("200-", "200 - ", not the minus of "49
# -10") or after "up to", and followed by "+", "-", a space or the end. "50-199 5,200+ 10"
# is two bands (the 5 is points), not 5200; "50-199 5,1,000+ 10" is 50-199 and 1000+.
_THOUSANDS = re.compile(
    r"(^\s*|,\s*|(?<=\d)-\s*|(?<=\d)\s+-\s+|up to\s+)(\d{1,3}([,.])\d{3}(?:\3\d{3})*)(?=\s*[+-]|\s|$)",
    re.IGNORECASE,
)


def points_text(table: Mapping[str, int]) -> str:
    """'gmail.com -10, outlook.com -10': each key and its points, as typed."""
    return ", ".join(f"{key} {points}" for key, points in table.items())


def parse_points(text: str) -> dict[str, int]:
    """The table typed as 'key points, key points'; a key may hold spaces ('head of 10'),
    the points are the last word. Empty text is an empty table."""
    table: dict[str, int] = {}
    seen: dict[str, str] = {}  # the evaluator compares keys ignoring case: so does this
    for part in _parts(text):
        key, _, points = part.rpartition(" ")
        key = key.strip()
        if not key or not _POINTS.fullmatch(points):
            raise ValueError(f"'{part}' needs its points after it, as in '{key or part} 10'")
        if key.casefold() in seen:
            raise ValueError(f"'{key}' is listed twice (as '{seen[key.casefold()]}')")
        seen[key.casefold()] = key
        table[key] = int(points)
    return table


def bands_text(bands: Sequence[SizeBand]) -> str:
    """'50-199 5, 200+ 10, up to 49 -10': each band and its points."""
    return ", ".join(f"{band_text(b.min_employees, b.max_employees)} {b.points}" for b in bands)


def band_text(low: int | None, high: int | None) -> str:
    """'50-199', '200+', 'up to 49', 'any': a size band as the room types it."""
    if low is not None and high is not None:
        return f"{low}-{high}"
    if low is not None:
        return f"{low}+"
    if high is not None:
        return f"up to {high}"
    return "any"


def sizes_read(text: str) -> str:
    """The bands' text with each size's thousands mark read ("1,000+ 10" is "1000+ 10"): a
    comma there had split "1,000+" into two bands and refused the first ("'1' is not a size
    band"), with no word of the comma."""
    return _THOUSANDS.sub(lambda m: m[1] + m[2].replace(m[3], ""), text)


def parse_bands(text: str) -> list[dict[str, Any]]:
    """Size bands typed as '50-199 5, 200+ 10, up to 49 -10' (both ends included); a size
    may carry a thousands mark ('1,000+ 10')."""
    bands: list[dict[str, Any]] = []
    for part in _parts(sizes_read(text)):
        spec, _, points = part.rpartition(" ")
        spec = spec.strip()
        low: int | None = None
        high: int | None = None
        if (both := _BOTH.fullmatch(spec)) is not None:
            low, high = int(both[1]), int(both[2])
        elif (start := _FROM.fullmatch(spec)) is not None:
            low = int(start[1])
        elif (end := _UP_TO.fullmatch(spec)) is not None:
            high = int(end[1])
        elif spec.lower() != "any":
            spec = ""
        if not spec or not _POINTS.fullmatch(points):
            raise ValueError(f"'{part}' is not a size band and its points: write {BAND_EXAMPLE}")
        if re.search(r"(?<!\d)0\d", spec):
            # "50-199 10,000+ 3" splits at its comma into "50-199 10" and "000+ 3": a size
            # written with a leading zero is the tail of a number, never a size of its own.
            raise ValueError(
                f"'{part}': a size does not start with 0. If it ends a number with a "
                "thousands mark, put a comma between the bands, as in '50-199 10, 10,000+ 3'"
            )
        bands.append({"min_employees": low, "max_employees": high, "points": int(points)})
    return bands


def _parts(text: str) -> list[str]:
    return [" ".join(part.split()) for part in text.split(",") if part.strip()]


# The fit score's fields typed as one line of text, by name, and how each is read.
TEXT_FORMS: dict[str, Callable[[str], Any]] = {
    "industry_points": parse_points,
    "email_domain_points": parse_points,
    "title_points": parse_points,
    "size_points": parse_bands,
}
