"""Taking one segment or motion out of a draft, and what the room should hear before it does.

The $10-30M template gives three segments and the $30M+ template three motions; a company
without a free product has no PQLs to hand over, and a room may merge two bands into one. A
segment taken out takes its own rules with it, and the sizes it covered go to no one: the
evaluator rejects a company no segment covers ("No segment covers a company of ..."), so
taking out the top band rejects every large company. The question says that before it is
asked, in the sizes the room would lose, not after the backtest shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from workbench.core.domain.bands import band, size_text, uncovered
from workbench.core.domain.definition import Definition, Motion, Segment
from workbench.core.domain.phrases import flip_words
from workbench.core.domain.suite import flips, run_suite

PartList = Literal["segments", "motions"]


@dataclass(frozen=True, slots=True)
class PartRemoval:
    """One segment or motion taken out: the list as an edit sets it (`Workshop.apply`), and
    what taking it out does, in sentences for the question put to the room."""

    path: PartList
    value: list[dict[str, Any]]
    name: str
    effects: tuple[str, ...]

    own_rules: bool = False

    def question(self) -> str:
        kind = "segment" if self.path == "segments" else "motion"
        rules = " and its own rules" if self.own_rules else ""
        return f"Remove the {kind} {self.name}{rules}? " + " ".join(self.effects)


def _name(part: Segment | Motion) -> str:
    return part.label or part.id


def remove_part(definition: Definition, path: PartList, index: int) -> PartRemoval:
    """The draft's segments or motions without the one at `index`; IndexError if none is."""
    parts: list[Segment | Motion] = list(getattr(definition, path))
    if not 0 <= index < len(parts):
        raise IndexError(f"{path}.{index}: no such {path[:-1]}")
    gone = parts[index]
    rest = [part for at, part in enumerate(parts) if at != index]
    effects: list[str] = []
    if not rest:
        effects.append(f"With no {path[:-1]} left, the main rules decide every lead as an MQL.")
        low, high = definition.fit.min_employees, definition.fit.max_employees
        if low is not None or high is not None:
            # The main fit gate's own size limits then apply to every company: the top
            # segment's large companies are rejected by them, said before, not after.
            effects.append(
                f"The main fit gate takes companies of {size_text(low or 0, high)} employees; "
                "others are rejected."
            )
    elif isinstance(gone, Segment):
        lost = uncovered(band(gone), [p for p in rest if isinstance(p, Segment)])
        if lost:
            sizes = ", ".join(size_text(low, high) for low, high in lost)
            effects.append(
                f"No other segment covers companies of {sizes} employees: they would be "
                "rejected (widen a neighbour's band to take them)."
            )
        else:
            effects.append("The other segments cover its sizes.")
    else:
        kind = gone.lead_type.upper()
        same = [_name(p) for p in rest if isinstance(p, Motion) and p.lead_type == gone.lead_type]
        if same:
            effects.append(f"{', '.join(same)} still makes {kind}s.")
        else:
            article = "an" if kind[0] in "AEFHILMNORSX" else "a"  # an MQL, an AQL, a PQL
            effects.append(
                f"No lead becomes {article} {kind} any more: no other motion makes them."
            )
        open_to_all = [p for p in rest if isinstance(p, Motion) and not _conditions(p)]
        if not open_to_all:
            who = "; ".join(
                f"{_name(p)}: {', '.join(_conditions(p))}" for p in rest if isinstance(p, Motion)
            )
            effects.append(
                f"The motions left take only some leads ({who}): any other lead matches no "
                "motion and is nurtured."
            )
    effects.append(_flips_said(definition, definition.model_copy(update={path: rest})))
    own = any(getattr(gone, clause) is not None for clause in _OWN_CLAUSES)
    return PartRemoval(path, [part.model_dump() for part in rest], _name(gone), tuple(effects), own)


def _conditions(motion: Motion) -> list[str]:
    """What a lead's company needs for the motion to apply (`evaluator._rule_sets`)."""
    found = []
    if motion.target_accounts_only:
        found.append("target accounts")
    if motion.min_engaged_contacts:
        found.append(f"{motion.min_engaged_contacts}+ engaged contacts")
    if motion.qualifies_account:
        found.append("account-level intent")
    return found


_OWN_CLAUSES = ("fit", "triggers", "scoring", "response_minutes", "response_business_days")
_FLIPS_NAMED = 3


def _flips_said(before: Definition, after: Definition) -> str:
    """The edge cases the removal would flip, as the status bar would name them after it:
    the room argued for those cases, and taking out the PQL motion fails the one about the
    trial user at the usage limit."""
    found = flips(run_suite(before), run_suite(after))
    if not found:
        return "No edge case flips."
    named = "; ".join(flip_words(flip) for flip in found[:_FLIPS_NAMED])
    more = len(found) - _FLIPS_NAMED
    cases = "1 edge case flips" if len(found) == 1 else f"{len(found)} edge cases flip"
    return f"{cases}: {named}" + (f"; and {more} more." if more > 0 else ".")
