"""From history to a proposed definition: what buyers look like, what they did, and which
clause value the data supports.

The framework asks that a definition be data-derived ("can you show the data that supports
each criterion?"). This module reads the same lead history as the backtest and answers with
figures the room can check: a buyer profile, the behaviour of wins, one `Proposal` per fit and
trigger clause the data supports, and cases from the company's own history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Proposal:
    """One clause value the history supports, with the counts behind its figure.

    `clause` is a path as `domain/clauses.py` reads and writes it; `value` is what
    `with_clause` would write there (JSON-ready). The counts let anyone redo the figure.
    """

    clause: str  # "fit.min_seniority", "fit.industries", "triggers.tier1", ...
    value: object  # the new clause value, JSON-ready
    summary: str  # the room's words: "min seniority director: keeps 81% of wins (78 of 96), ..."
    wins_kept: int
    wins_total: int
    others_dropped: int  # non-buyers (lost, rejected, never converted) the value leaves out
    others_total: int
    lift: float | None  # win rate of leads with the value over the base rate, where it applies
    period: tuple[date, date]  # first and last creation date of the leads the figures came from
    source: str  # which data: "leads.csv + activities.csv (hubspot mapping), 2,000 leads"
