"""Where the material disagrees, said instead of chosen silently.

The framework (001) and the scoring article (002) give two readings of the same question
twice: what a hand raise is (001: a tier 1 MQL that bypasses scoring; 002: +30 points toward
a threshold) and what acceptance rate is healthy (001: 40-60%; 002: 60-75% SAL). The
hand-raise article (000) and 001 disagree on what else makes an MQL: 000 says only a hand
raise does (engagement is a MAL kept in nurture), 001's tier 2 and tier 3 qualify
high-intent visits and a behaviour score too. A definition
shows which reading it follows in one line each, derived from its clauses where it can be:
`show`, the written agreement, the app's triggers step and the backtest report all say it.
"""

from __future__ import annotations

from workbench.core.domain.definition import Definition
from workbench.core.domain.framework import acceptance_reading
from workbench.core.domain.lint import qualifies_nobody, scored_hand_raises
from workbench.core.domain.phrases import activity_label
from workbench.core.domain.templates import HAND_RAISES

SCORING_ARTICLE_DEMO_POINTS = 30  # 002: "demo request: +30"
# Said where the room reads the hand-raise choice, exactly when `check` fails it (and so
# signing refuses it).
_REFUSED = (
    " As it stands this fails `workbench check` (demo-request-scored) and cannot be signed: "
    "a hand raise is a tier 1 trigger without points."
)
_NOBODY = (
    " As it stands no trigger is left, so no lead can become an MQL: this fails `workbench "
    "check` (no-trigger)"
)


def _words(kinds: list[str], one: str, many: str) -> str:
    """'demo request makes', 'demo request and contact sales make'."""
    labels = [activity_label(kind) for kind in kinds]
    if len(labels) == 1:
        return f"{labels[0]} {one}"
    return ", ".join(labels[:-1]) + " and " + labels[-1] + f" {many}"


def hand_raise_reading(definition: Definition) -> str:
    """One line: does a hand raise bypass scoring (001) or earn points (002) here?

    Read from the clauses: a hand raise in any rule set's tier 1 follows 001; a hand raise
    given points in any scoring table follows 002; both, or neither, is said as such."""
    instant: list[str] = []
    scored: list[str] = []
    for _where, triggers, scoring in definition.rule_sets():
        instant += [k for k in HAND_RAISES if k in triggers.tier1 and k not in instant]
        points = {str(k): v for k, v in (scoring.activity_points if scoring else {}).items()}
        scored += [k for k in HAND_RAISES if points.get(k, 0) > 0 and k not in scored]
    refused = _REFUSED if scored_hand_raises(definition) else ""
    if qualifies_nobody(definition):
        refused += _NOBODY + ("." if definition.is_signed else " and cannot be signed.")
    other_001 = "the framework (001) makes a hand raise a tier 1 MQL that bypasses scoring"
    other_002 = (
        f"the scoring article (002) scores a demo request +{SCORING_ARTICLE_DEMO_POINTS} toward "
        "a threshold instead"
    )
    if instant and not scored:
        return (
            f"Hand raise: this follows the framework (001): "
            f"{_words(instant, 'is a tier 1 MQL', 'are tier 1 MQLs')} without any score; "
            f"{other_002}.{refused}"
        )
    if scored and not instant:
        return (
            f"Hand raise: this follows the scoring article (002): "
            f"{_words(scored, 'earns', 'earn')} points in scoring.activity_points; {other_001}."
            f"{refused}"
        )
    if instant and scored:
        return (
            f"Hand raise: this mixes both: {_words(instant, 'bypasses', 'bypass')} scoring in "
            f"tier 1 (001), and {_words(scored, 'also earns', 'also earn')} points in "
            f"scoring.activity_points (002).{refused}"
        )
    return (
        f"Hand raise: neither tier 1 nor scoring names one; {other_001}, while {other_002}."
        f"{refused}"
    )


def engagement_reading(definition: Definition) -> str:
    """One line: does engagement without a hand raise make an MQL here (001's tier 2 and 3) or
    only a hand raise (000)? Read from the clauses of every rule set."""
    tier2 = any(triggers.tier2 for _where, triggers, _scoring in definition.rule_sets())
    tier3 = any(
        triggers.tier3 and scoring is not None
        for _where, triggers, scoring in definition.rule_sets()
    )
    other_000 = (
        "the hand-raise article (000) says an MQL is a hand raise and nothing more: pricing "
        "visits, downloads and opens are signals, and a lead with only those is a MAL kept in "
        "nurture"
    )
    if tier2 or tier3:
        what = " and ".join(
            words
            for on, words in ((tier2, "tier 2 high-intent visits"), (tier3, "a tier 3 score"))
            if on
        )
        return (
            f"Engagement: this follows the framework (001): {what} make MQLs without a hand "
            f"raise; {other_000}."
        )
    return (
        "Engagement: this follows the hand-raise article (000): only a hand raise makes an "
        "MQL, and engagement alone stays in nurture; the framework (001) also qualifies "
        "tier 2 high-intent visits and a tier 3 score."
    )


def readings(definition: Definition) -> list[str]:
    """Each place the material disagrees, one line: what this definition follows, and the other."""
    return [hand_raise_reading(definition), engagement_reading(definition), acceptance_reading()]
