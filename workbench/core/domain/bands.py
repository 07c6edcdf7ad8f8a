"""Segment size bands: where they overlap, where they leave a gap, where a fit gate disagrees.

The evaluator picks the first segment whose band holds the company's size, so an overlap
silently hands the shared sizes to whichever segment comes first, and a gap between two bands
rejects those companies with "no segment covers". A segment's fit gate (its own, or the main
one it uses) also checks company size: where it admits less than the band, part of the band
is rejected by fit. The room should hear all three where they type, in the same words as
lint, so these rules live here once.

Overlaps are refused when typed (`new_overlaps`); gaps and fit disagreements are warnings,
because moving a boundary between two bands always passes through a gap for a moment, and
a file signed before these rules must keep loading unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.domain.definition import Definition, Segment


@dataclass(frozen=True, slots=True)
class BandProblem:
    """One problem between bands, or between a band and its fit gate.

    `kind` is "overlap", "gap" or "fit"; `segments` are the ids involved; `low`/`high` the
    company sizes affected (`high` None: no upper end); `clause` the dotted path to edit."""

    kind: str
    segments: tuple[str, ...]
    low: int
    high: int | None
    clause: str
    message: str


def _name(segment: Segment) -> str:
    return segment.label or segment.id


def size_text(low: int, high: int | None) -> str:
    """'200-249', '1000+', '7': a range of company sizes as the room says it."""
    if high is None:
        return f"{low}+"
    return str(low) if low == high else f"{low}-{high}"


def band(segment: Segment) -> tuple[int, int | None]:
    """The sizes a segment covers (`None`: no upper end), as the evaluator reads them."""
    return segment.min_employees or 0, segment.max_employees


def overlaps(definition: Definition) -> list[BandProblem]:
    """Every pair of segments whose bands share company sizes (the earlier one wins them)."""
    found: list[BandProblem] = []
    segments = definition.segments
    for i, first in enumerate(segments):
        for j in range(i + 1, len(segments)):
            second = segments[j]
            (a_low, a_high), (b_low, b_high) = band(first), band(second)
            low = max(a_low, b_low)
            highs = [h for h in (a_high, b_high) if h is not None]
            high = min(highs) if highs else None
            if high is not None and low > high:
                continue
            found.append(
                BandProblem(
                    "overlap",
                    (first.id, second.id),
                    low,
                    high,
                    f"segments.{j}.min_employees",
                    f"{_name(second)}'s size band {size_text(*band(second))} overlaps "
                    f"{_name(first)}'s {size_text(*band(first))}: companies of "
                    f"{size_text(low, high)} employees would all go to {_name(first)}. "
                    "Move the other edge first, so the bands never share a size.",
                )
            )
    return found


def gaps(definition: Definition) -> list[BandProblem]:
    """Company sizes between two bands that no segment covers (rejected as 'no segment').

    Below the lowest band and above the highest are the room's floor and ceiling, not gaps."""
    bands = sorted(((*band(s), s) for s in definition.segments), key=lambda b: b[0])
    found: list[BandProblem] = []
    reach: int | None = -1  # the highest size covered so far; None: everything above
    below: Segment | None = None
    for low, high, segment in bands:
        if reach is None:
            break
        if below is not None and low > reach + 1:
            found.append(
                BandProblem(
                    "gap",
                    (below.id, segment.id),
                    reach + 1,
                    low - 1,
                    f"segments.{definition.segments.index(segment)}.min_employees",
                    f"No segment covers companies of {size_text(reach + 1, low - 1)} employees "
                    f"(between {_name(below)} and {_name(segment)}): they are rejected.",
                )
            )
        if high is None or high > reach:
            reach, below = high, segment
    return found


def fit_disagreements(definition: Definition) -> list[BandProblem]:
    """Sizes inside a segment's band that its fit gate (own or main) rejects."""
    found: list[BandProblem] = []
    for index, segment in enumerate(definition.segments):
        fit = segment.fit or definition.fit
        low, high = band(segment)
        which = "its own fit gate" if segment.fit else "the main fit gate it uses"
        clause = f"segments.{index}.fit" if segment.fit else "fit"
        if fit.min_employees is not None and fit.min_employees > low:
            top = fit.min_employees - 1 if high is None else min(high, fit.min_employees - 1)
            found.append(
                BandProblem(
                    "fit",
                    (segment.id,),
                    low,
                    top,
                    f"{clause}.min_employees",
                    f"{_name(segment)}'s band starts at {low} but {which} needs at least "
                    f"{fit.min_employees} employees: companies of {size_text(low, top)} in "
                    "its band are rejected by fit.",
                )
            )
        if fit.max_employees is not None and (high is None or fit.max_employees < high):
            bottom = max(low, fit.max_employees + 1)
            found.append(
                BandProblem(
                    "fit",
                    (segment.id,),
                    bottom,
                    high,
                    f"{clause}.max_employees",
                    f"{_name(segment)}'s band is {size_text(low, high)} but {which} allows at "
                    f"most {fit.max_employees} employees: companies of "
                    f"{size_text(bottom, high)} in its band are rejected by fit.",
                )
            )
    return found


def band_warnings(definition: Definition) -> list[BandProblem]:
    """Everything to tell the room about the bands, overlaps first."""
    return [*overlaps(definition), *gaps(definition), *fit_disagreements(definition)]


def uncovered(sizes: tuple[int, int | None], others: list[Segment]) -> list[tuple[int, int | None]]:
    """The part of `sizes` that none of `others` covers, in order (`None`: no upper end):
    what a segment's removal hands to no one (`part_removal`)."""
    left: list[tuple[int, int | None]] = [sizes]
    for other in others:
        o_low, o_high = band(other)
        rest: list[tuple[int, int | None]] = []
        for low, high in left:
            if low < o_low:  # the part below the other band
                rest.append((low, o_low - 1 if high is None else min(high, o_low - 1)))
            if o_high is not None and (high is None or high > o_high):  # the part above
                rest.append((max(low, o_high + 1), high))
        left = [(low, high) for low, high in rest if high is None or low <= high]
    return sorted(left, key=lambda part: part[0])


def new_overlaps(before: Definition, after: Definition) -> list[BandProblem]:
    """Overlaps an edit would create: pairs of segments that did not overlap before it.

    An overlap a file already had (signed by an earlier version) is warned about, not
    refused, so every other edit to that file still goes through."""
    old = {frozenset(p.segments) for p in overlaps(before)}
    return [p for p in overlaps(after) if frozenset(p.segments) not in old]
