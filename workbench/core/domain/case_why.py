"""Does a case's expectation still say what its "why" says?

A room changes an expectation (accepts what the definition now does, picks another status)
and the one-line reason beside it goes on saying the opposite: "a competitor is disqualified"
above an expectation of `mql`. Reading prose is guesswork, so the rule is deliberately narrow
and says what it read:

- the why *states* an outcome when it names a status word (MQL/PQL/AQL, rejected or
  disqualified, nurture, review, routed) or an unmistakable route (SDR, AE or account
  executive, founder, account owner, MQL owner, marketing leadership, "to marketing"); a
  route in the possessive ("the founder's time is scarce") names a person, not where the
  lead goes;
- sentences with "if" or "unless" are hypotheses ("if agencies are in the ICP, change this
  to mql"), and a word within three words after "not", "no" or "never" is denied ("not a new
  MQL"): neither states anything;
- the expectation no longer matches when the why states statuses and none of them is the
  expected status, or states routes, the expectation names a route, and none is that route.

A why that names nothing is never flagged: silence is not disagreement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.core.domain.definition import EdgeCase

# Word (lower case) → the status it states. PQLs and AQLs are MQLs of another lead type.
_STATUS_WORDS = {
    "mql": "mql",
    "mqls": "mql",
    "pql": "mql",
    "pqls": "mql",
    "aql": "mql",
    "aqls": "mql",
    "rejected": "rejected",
    "reject": "rejected",
    "rejects": "rejected",
    "disqualified": "rejected",
    "disqualify": "rejected",
    "disqualifies": "rejected",
    "nurture": "nurture",
    "nurtured": "nurture",
    "nurturing": "nurture",
    "review": "review",
    "reviews": "review",
    "reviewed": "review",
    "routed": "routed",
}

# Phrases (lower case, longest first) → the route they name. Plain "marketing" and
# "nurture" are left out: the first is the name of a team in half of all sentences, the
# second is already a status word.
_ROUTE_PHRASES = (
    ("marketing leadership", "marketing-leadership"),
    # "goes to marketing", "back to marketing": marketing as where the lead goes (after
    # "to marketing leadership", which names another route).
    ("to marketing leadership", "marketing-leadership"),
    ("to marketing", "marketing"),
    ("marketing-leadership", "marketing-leadership"),
    ("account executives", "ae"),
    ("account executive", "ae"),
    ("account owners", "account-owner"),
    ("account owner", "account-owner"),
    ("account-owner", "account-owner"),
    ("mql owner", "mql-owner"),
    ("mql-owner", "mql-owner"),
    ("founders", "founder"),
    ("founder", "founder"),
    ("sdrs", "sdr"),
    ("sdr", "sdr"),
    ("aes", "ae"),
    ("ae", "ae"),
)

_NEGATIONS = frozenset({"not", "no", "never", "isn't", "isnt", "aren't", "arent", "without"})
_HYPOTHETICAL = frozenset({"if", "unless"})
_NEGATION_REACH = 3
_SENTENCE = re.compile(r"(?<=[.!?;])\s+")
_TOKEN = re.compile(r"[a-z][a-z'-]*")


@dataclass(frozen=True, slots=True)
class WhyStates:
    """The outcomes a why states, in the order it names them."""

    statuses: tuple[str, ...]
    routes: tuple[str, ...]


def stated_outcomes(why: str) -> WhyStates:
    """The statuses and routes a why states outright (not denied, not hypothetical)."""
    statuses: list[str] = []
    routes: list[str] = []
    for sentence in _SENTENCE.split(why.lower()):
        tokens = _TOKEN.findall(sentence)
        words = [word.removesuffix("'s") for word in tokens]
        if _HYPOTHETICAL & set(words):
            continue
        denied = _denied_positions(words)
        at = 0
        while at < len(words):
            route, width = _route_at(words, at)
            if route is not None:
                owner = tokens[at + width - 1].endswith("'s")  # "the founder's time"
                if at not in denied and not owner and route not in routes:
                    routes.append(route)
                at += width
                continue
            status = _STATUS_WORDS.get(words[at])
            if status is not None and at not in denied and status not in statuses:
                statuses.append(status)
            at += 1
    return WhyStates(tuple(statuses), tuple(routes))


def why_mismatch(case: EdgeCase) -> str | None:
    """Why the case's expectation disagrees with its why, in words for the room; None if not."""
    states = stated_outcomes(case.why)
    expect = case.expect
    if states.statuses and expect.status not in states.statuses:
        return f"the why says {' or '.join(states.statuses)}; the case expects {expect.status}"
    if expect.route is not None and states.routes and expect.route not in states.routes:
        return f"the why names {' or '.join(states.routes)}; the case expects {expect.route}"
    return None


def _denied_positions(words: list[str]) -> set[int]:
    denied: set[int] = set()
    for at, word in enumerate(words):
        if word in _NEGATIONS:
            denied.update(range(at + 1, at + 1 + _NEGATION_REACH))
    return denied


def _route_at(words: list[str], at: int) -> tuple[str | None, int]:
    for phrase, route in _ROUTE_PHRASES:
        parts = phrase.split(" ")
        if words[at : at + len(parts)] == parts:
            return route, len(parts)
    return None, 1
