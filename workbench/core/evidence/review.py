"""The quarterly MQL review (001, "Calibration Process"): seven steps over one quarter.

Steps 1-4 are counts over the loaded history (`quarter_figures`, the one function to point at
shared metric series later); step 5 compares the definition's fit gate with what closed-won
leads look like (`evidence.analysis`); step 6 applies the framework's calibration rules and
turns each into a concrete clause change with its evidence (`Adjustment`); step 7 is the
service's job (`services/review.py`): a new draft version both sides sign again.

Every number the rules compare against is held in `domain/framework.py`.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from workbench.core.domain.clause_evidence import record_evidence
from workbench.core.domain.clauses import clause_value, with_clause
from workbench.core.domain.definition import Definition
from workbench.core.domain.errors import InputError, Problem
from workbench.core.domain.framework import (
    ACCEPTANCE_BANDS,
    FALSE_NEGATIVE_ALARM,
    METRIC_SMALL,
    percent,
)
from workbench.core.domain.safe_text import markdown_text, printable
from workbench.core.evidence.analysis import Analysis, NoWins, Proposal, analyze
from workbench.core.evidence.backtest import (
    NO_REASON,
    REJECTION_ADVICE,
    Acceptance,
    reason_key,
    replay_into,
    tally_reasons,
)
from workbench.core.evidence.quarter import Quarter, last_complete_quarter, quarter_of

if TYPE_CHECKING:
    import duckdb

TOP_REASONS = 5  # step 2: "pull top 5 rejection reasons"
THRESHOLD_STEP = 0.10  # "test lowering the threshold by 10%"
BAD_FIT_COMPANY = "bad-fit-company"
NOT_INTERESTED = "not-interested"

# The bounds the rules read, from the framework's bands (never typed twice).
BROKEN_BELOW = min(low for low, *_rest in ACCEPTANCE_BANDS if low > 0)  # 0.30
STRICT_ABOVE = max(low for low, *_rest in ACCEPTANCE_BANDS)  # 0.60
ACCEPTABLE_BELOW = sorted(low for low, *_rest in ACCEPTANCE_BANDS)[2]  # 0.40: healthy from here

# Fit clauses that are the company gate (size or industry) the first rule tightens.
_COMPANY_CLAUSES = ("fit.min_employees", "fit.max_employees", "fit.industries")
# Fit clauses step 5 sets side by side with the closed-won profile.
_ICP_CLAUSES = (*_COMPANY_CLAUSES, "fit.regions", "fit.min_seniority")


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else percent(rate)


# --- steps 1-4: the quarter's figures -----------------------------------------------------


@dataclass(frozen=True)
class QuarterFigures:
    """The quarter's MQLs (by MQL date) and wins (by win date), counted as loaded."""

    quarter: Quarter
    mqls: int
    accepted: int
    rejected: int
    undecided: int  # unworked, or no decision recorded
    reasons: list[tuple[str, int]]  # rejection reasons, most frequent first
    with_opportunity: int
    wins: int
    wins_never_mql: int  # closed-won in the quarter with no MQL date before the win

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected

    @property
    def acceptance(self) -> float | None:
        """Accepted over all the quarter's MQLs, as 001's metrics table defines the rate (and
        `workbench metrics` reads it): an MQL never worked is not accepted."""
        return _share(self.accepted, self.mqls)

    @property
    def acceptance_of_decided(self) -> float | None:
        """Accepted over accepted + rejected: the rate among MQLs sales decided on."""
        return _share(self.accepted, self.decided)

    @property
    def mql_to_opportunity(self) -> float | None:
        return _share(self.with_opportunity, self.mqls)

    @property
    def false_negatives(self) -> float | None:
        return _share(self.wins_never_mql, self.wins)

    @property
    def top_reasons(self) -> list[tuple[str, int]]:
        return self.reasons[:TOP_REASONS]

    def to_json(self) -> dict[str, Any]:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        return {
            "quarter": str(self.quarter),
            "start": self.quarter.start.isoformat(),
            "end": self.quarter.end.isoformat(),
            "mqls": self.mqls,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "undecided": self.undecided,
            "acceptance": rounded(self.acceptance),
            "acceptance_of_decided": rounded(self.acceptance_of_decided),
            "top_reasons": [{"reason": r, "count": n} for r, n in self.top_reasons],
            "with_opportunity": self.with_opportunity,
            "mql_to_opportunity": rounded(self.mql_to_opportunity),
            "wins": self.wins,
            "wins_never_mql": self.wins_never_mql,
            "false_negatives": rounded(self.false_negatives),
        }


def _between(column: str, quarter: Quarter) -> str:
    return (
        f"{column} >= TIMESTAMP '{quarter.start.isoformat()}' "
        f"AND {column} < TIMESTAMP '{quarter.next().start.isoformat()}'"
    )


def quarter_figures(con: duckdb.DuckDBPyConnection, quarter: Quarter) -> QuarterFigures:
    """Steps 1-4 over the loaded `leads` table: small aggregations, one place.

    MQLs are the leads whose `mql_at` falls in the quarter; wins those whose `won_at` does.
    A win is a false negative when the lead had no MQL date on or before its win."""
    mql = _between("mql_at", quarter)
    row = con.execute(
        "SELECT count(*), "
        "count(*) FILTER (WHERE sdr_decision = 'accepted'), "
        "count(*) FILTER (WHERE sdr_decision = 'rejected'), "
        "count(*) FILTER (WHERE opportunity_at IS NOT NULL) "
        f"FROM leads WHERE {mql}"
    ).fetchone()
    assert row is not None
    reasons = con.execute(
        f"SELECT coalesce(nullif(trim(rejection_reason), ''), '{NO_REASON}') AS reason, "
        f"count(*) AS n FROM leads WHERE {mql} AND sdr_decision = 'rejected' GROUP BY reason"
    ).fetchall()
    wins = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE mql_at IS NULL OR mql_at > won_at) "
        f"FROM leads WHERE {_between('won_at', quarter)}"
    ).fetchone()
    assert wins is not None
    mqls, accepted, rejected = int(row[0]), int(row[1]), int(row[2])
    return QuarterFigures(
        quarter=quarter,
        mqls=mqls,
        accepted=accepted,
        rejected=rejected,
        undecided=mqls - accepted - rejected,
        reasons=grouped_reasons([(str(r), int(n)) for r, n in reasons]),
        with_opportunity=int(row[3]),
        wins=int(wins[0]),
        wins_never_mql=int(wins[1]),
    )


def grouped_reasons(spellings: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Spellings of one reason counted together, as the SLA report and the backtest count
    them (`tally_reasons`: 'No Budget' and 'no budget'; 'Bad fit (company)' and
    bad-fit-company), most frequent first. A standard reason is shown by the framework's name
    for it, any other by its most frequent spelling, so the room reads one row per reason."""
    named = [
        (REJECTION_ADVICE[key][0] if key in REJECTION_ADVICE else spelling, n)
        for key, spelling, n in tally_reasons(spellings)
    ]
    return sorted(named, key=lambda item: (-item[1], item[0]))


def refuse_outside_history(con: duckdb.DuckDBPyConnection, quarter: Quarter) -> None:
    """A --quarter the history does not reach is refused: its 0 MQLs would read as a quarter
    with no demand, and the calibration rules as having nothing to say about it."""
    row = con.execute(
        'SELECT least((SELECT min(created_at) FROM leads), (SELECT min("at") FROM activities)), '
        'greatest((SELECT max(created_at) FROM leads), (SELECT max("at") FROM activities))'
    ).fetchone()
    first, last = (row[0], row[1]) if row else (None, None)
    if not isinstance(first, datetime) or not isinstance(last, datetime):
        raise InputError(
            [
                Problem(
                    f"the history holds no lead: nothing to review in {quarter}", field="--quarter"
                )
            ]
        )
    if quarter.end < first.date() or quarter.start > last.date():
        raise InputError(
            [
                Problem(
                    f"{quarter} ({quarter.start.isoformat()} to {quarter.end.isoformat()}) is "
                    f"outside the history ({first.date().isoformat()} to "
                    f"{last.date().isoformat()}): nothing to review",
                    field="--quarter",
                )
            ]
        )


def last_quarter(con: duckdb.DuckDBPyConnection, today: date | None = None) -> Quarter:
    """The last complete calendar quarter before the history's last lead or activity, and
    before `today`: one activity mistyped as 2052 made the review pick 2052Q1 ("0 MQLs")."""
    row = con.execute(
        'SELECT greatest((SELECT max(created_at) FROM leads), (SELECT max("at") FROM activities))'
    ).fetchone()
    last = row[0] if row else None
    if not isinstance(last, datetime):
        last = datetime(1970, 1, 1)
    if today is not None:  # today is reached whatever the time: the run is under way on it
        last = min(last, datetime.combine(today, time.max))
    return last_complete_quarter(last)


# --- step 5 and 6: the profile and the adjustments -----------------------------------------


@dataclass(frozen=True)
class IcpLine:
    """One fit clause beside what closed-won leads support (step 5)."""

    clause: str
    current: object
    supported: object | None  # None: the wins support no value for it
    summary: str

    @property
    def shifted(self) -> bool:
        return self.supported is not None and _same(self.current, self.supported) is False

    def to_json(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "current": self.current,
            "supported": self.supported,
            "shifted": self.shifted,
            "summary": self.summary,
        }


def _same(a: object, b: object) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return a == b


@dataclass(frozen=True)
class Adjustment:
    """A clause change a calibration rule calls for, with the figure that backs it."""

    rule: str  # which rule fired, in the framework's words
    clause: str
    before: object
    after: object
    evidence: str  # recorded on the clause in the new draft
    proposal: Proposal | None = None  # the analysis proposal it comes from, if any

    @property
    def text(self) -> str:
        return (
            f"{self.clause}: {_shown(self.before, self.clause)} → {_shown(self.after, self.clause)}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "clause": self.clause,
            "before": self.before,
            "after": self.after,
            "evidence": self.evidence,
        }


def _shown(value: object, clause: str = "") -> str:
    """A clause value in the room's words: an unset fit limit lets any value through, so it
    reads "any" (as the diff says it), an empty trigger list "none"."""
    empty = "any" if clause.startswith("fit.") else "none"
    if value is None:
        return empty
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value) or empty
    if isinstance(value, dict):
        return " ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


@dataclass(frozen=True)
class Packet:
    """What the room reads at the quarterly review, and the changes it is asked to make."""

    definition: str
    source: str
    figures: QuarterFigures
    icp: list[IcpLine]
    profile_note: str  # how many wins step 5 read, or why it could not
    rules: list[str]  # every rule that fired, in the framework's words
    adjustments: list[Adjustment]
    notes: list[str] = field(default_factory=list)  # "investigate" findings without a change
    # Why no clause change is written, per clause the rules looked at: the next version is
    # then the same clauses with this recorded as their evidence, for both sides to sign again.
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    version: int = 1
    signed_on: date | None = None  # when the version in force was signed (both sides)
    replayed: Replayed | None = None  # what this version would have made in the quarter
    # Why the quarter's acceptance is not judged yet (its MQLs still await the SDR's decision,
    # as `metrics` marks it "not yet mature"); empty when it is.
    pending: str = ""
    waiting: int = 0  # how many of the quarter's MQLs `pending` counts
    reviewed: str = ""  # why this quarter's review is already in the version (no rule fires)
    before_signing: int = 0  # the quarter's MQLs recorded before the version was signed
    # Why the quarter's MQLs are not the version's to judge (signed after the quarter ended,
    # or during it with most of them made before), or "": no rule fires on another
    # process's MQLs, and no next version is written from them.
    not_its_own: str = ""

    @property
    def quarter(self) -> Quarter:
        return self.figures.quarter

    @property
    def first_own_quarter(self) -> Quarter | None:
        """The first quarter the version is in force throughout: its first to review."""
        if self.signed_on is None:
            return None
        holding = quarter_of(self.signed_on)
        return holding if self.signed_on <= holding.start else holding.next()

    @property
    def unwritable(self) -> str:
        """Why no next version is written from this review, or ""."""
        if self.reviewed:
            return self.reviewed
        if not self.not_its_own:
            return ""
        first = self.first_own_quarter
        return (
            f"no new version from {self.quarter}: "
            f"{_whose(self.signed_on, self.figures, f'v{self.version}')}, "
            f"so there is nothing of v{self.version}'s own to calibrate"
            + (
                f"; its first review is of {first}, the first quarter it is in force "
                f"throughout, once the history covers it (--quarter {first})"
                if first is not None
                else ""
            )
        )

    @property
    def change_called_for(self) -> bool:
        return bool(self.adjustments)

    def to_json(self) -> dict[str, Any]:
        return {
            "definition": self.definition,
            "source": self.source,
            "quarter": str(self.quarter),
            "figures": self.figures.to_json(),
            "acceptance_band": acceptance_band(self.figures.acceptance),
            "profile": {"note": self.profile_note, "clauses": [i.to_json() for i in self.icp]},
            "rules": self.rules,
            "adjustments": [a.to_json() for a in self.adjustments],
            "notes": self.notes,
            "change_called_for": self.change_called_for,
            "no_change_because": [{"clause": c, "because": b} for c, b in self.unchanged],
            "signed_on": None if self.signed_on is None else self.signed_on.isoformat(),
            "replayed": None if self.replayed is None else self.replayed.to_json(),
            "acceptance_pending": self.pending,
            "acceptance_waiting": self.waiting,
            "already_reviewed": self.reviewed,
            "mqls_before_signing": self.before_signing,
            "not_its_own": self.not_its_own,
        }


@dataclass(frozen=True)
class Replayed:
    """Steps 1, 3 and 4 as the version in force would have made them (the backtest's replay
    over the history), beside the CRM's recorded MQLs.

    Where a motion also makes PQLs or AQLs, `events`, `leads` and `with_opportunity` count
    the MQL events alone (000: not MQL variants, as the backtest reads them), `others` gives
    the other types' events, and `wins_mql` counts a win any type handed over."""

    events: int  # MQL events in the quarter
    leads: int  # leads with an MQL event in the quarter
    with_opportunity: int  # of those, an opportunity on or after their first event there
    wins: int  # closed-won in the quarter
    wins_mql: int  # of those, MQL'd (or PQL'd, AQL'd) by this version on or before the win day
    others: dict[str, int] = field(default_factory=dict)  # PQL and AQL events in the quarter
    # The SDR decisions the history holds for `leads`, as the backtest reads its expected
    # acceptance: over those the process then in force handed to an SDR.
    acceptance: Acceptance | None = None

    def to_json(self) -> dict[str, Any]:
        accepted = self.acceptance
        return {
            "events": self.events,
            "leads": self.leads,
            "with_opportunity": self.with_opportunity,
            "wins": self.wins,
            "wins_mql": self.wins_mql,
            "other_lead_types": dict(self.others),
            "acceptance": None
            if accepted is None
            else {
                "accepted": accepted.accepted,
                "rejected": accepted.rejected,
                "unworked": accepted.unworked,
                "no_decision": accepted.no_decision,
                "rate": None if accepted.rate is None else round(accepted.rate, 4),
            },
        }


REPLAY_TABLE = "review_events"


def replayed_figures(
    con: duckdb.DuckDBPyConnection, definition: Definition, quarter: Quarter
) -> Replayed:
    """The version's own MQLs in the quarter: one replay (`backtest.replay_into`), counted as
    the backtest counts (by day for the win)."""
    replay_into(con, definition, REPLAY_TABLE)
    in_quarter = every = _between('"at"', quarter)
    kinds = list(dict.fromkeys(m.lead_type for m in definition.motions if m.lead_type != "mql"))
    if kinds:  # the MQL figures count the MQL events alone (000)
        in_quarter += " AND lead_type = 'mql'"
    try:
        others: dict[str, int] = {kind: 0 for kind in kinds}
        for kind, n in con.execute(
            f"SELECT lead_type, count(*) FROM {REPLAY_TABLE} "
            f"WHERE {every} AND lead_type <> 'mql' GROUP BY 1"
        ).fetchall():
            others[str(kind)] = int(n)
        first = (
            f'SELECT lead_id, min("at") AS first_at FROM {REPLAY_TABLE} '
            f"WHERE {in_quarter} GROUP BY lead_id"
        )
        row = con.execute(
            "SELECT count(*), "
            "count(*) FILTER (WHERE l.opportunity_at IS NOT NULL "
            "AND CAST(l.opportunity_at AS DATE) >= CAST(p.first_at AS DATE)), "
            # The backtest's expected acceptance (`backtest._outcome`), over the quarter's.
            "count(*) FILTER (WHERE l.sdr_decision = 'accepted'), "
            "count(*) FILTER (WHERE l.sdr_decision = 'rejected'), "
            "count(*) FILTER (WHERE l.sdr_decision = 'unworked' "
            "OR (l.sdr_decision IS NULL AND l.mql_at IS NOT NULL)), "
            "count(*) FILTER (WHERE l.sdr_decision IS NULL AND l.mql_at IS NULL) "
            f"FROM ({first}) AS p JOIN leads AS l ON l.lead_id = p.lead_id"
        ).fetchone()
        events = con.execute(f"SELECT count(*) FROM {REPLAY_TABLE} WHERE {in_quarter}").fetchone()
        wins = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE p.first_at IS NOT NULL "
            "AND CAST(p.first_at AS DATE) <= CAST(l.won_at AS DATE)) FROM leads AS l "
            f'LEFT JOIN (SELECT lead_id, min("at") AS first_at FROM {REPLAY_TABLE} '
            "GROUP BY lead_id) AS p ON p.lead_id = l.lead_id "
            f"WHERE {_between('l.won_at', quarter)}"
        ).fetchone()
    finally:
        con.execute(f"DROP TABLE IF EXISTS {REPLAY_TABLE}")
    assert row is not None and events is not None and wins is not None
    return Replayed(
        int(events[0]),
        int(row[0]),
        int(row[1]),
        int(wins[0]),
        int(wins[1]),
        others if kinds else {},
        Acceptance(int(row[2]), int(row[3]), int(row[4]), int(row[5])),
    )


def gate_leaves_out(
    con: duckdb.DuckDBPyConnection, definition: Definition, quarter: Quarter
) -> tuple[int, int]:
    """(left out, all): the quarter's bad-fit-company rejections the definition's own fit
    gate (`engine.fit_sql`, as the replay reads it) already leaves out."""
    from workbench.core.evidence.engine import fit_sql

    rows = con.execute(
        f"SELECT l.rejection_reason, f.fits_ FROM leads AS l JOIN ({fit_sql(definition)}) AS f "
        f"ON f.lead_id = l.lead_id WHERE {_between('l.mql_at', quarter)} "
        "AND l.sdr_decision = 'rejected' AND l.rejection_reason IS NOT NULL"
    ).fetchall()
    bad = [fits for reason, fits in rows if reason_key(str(reason)) == BAD_FIT_COMPANY]
    return sum(1 for fits in bad if fits is not True), len(bad)


def _signed_on(definition: Definition) -> date | None:
    signoff = definition.signoff
    if signoff is None:
        return None
    return signoff.signed_utc().date()


def acceptance_band(rate: float | None) -> str | None:
    """The framework's band name for an acceptance rate."""
    if rate is None:
        return None
    return next(name for low, name, *_rest in ACCEPTANCE_BANDS if rate >= low)


def build_packet(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    source: str,
    quarter: Quarter | None = None,
    today: date | None = None,
) -> Packet:
    """The review of `definition` over `quarter` (default: the history's last complete one,
    ended by `today`)."""
    if quarter is not None:
        refuse_outside_history(con, quarter)
    chosen = quarter or last_quarter(con, today)
    figures = quarter_figures(con, chosen)
    analysis: Analysis | None
    try:
        analysis = analyze(con, definition, source, separating=False)
        note = (
            f"the last {analysis.wins} closed-won leads against {analysis.others} non-buyers, "
            f"created {analysis.period[0].isoformat()} to {analysis.period[1].isoformat()}"
        )
    except NoWins:
        analysis, note = None, "no closed-won lead in the history: no profile to compare"
    found = {p.clause: p for p in analysis.proposals} if analysis else {}
    icp = [
        IcpLine(
            c,
            clause_value(definition, c),
            found[c].value if c in found else None,
            found[c].summary if c in found else "the wins support no value for it",
        )
        for c in _ICP_CLAUSES
    ]
    bad_fit = bad_fit_companies(con, chosen)
    gate = gate_leaves_out(con, definition, chosen) if bad_fit else (0, 0)
    waiting, pending = decisions_pending(con, figures, definition.sla.sales.decide_within_hours)
    done = already_reviewed(definition, chosen)
    signed_on = _signed_on(definition)
    before = mqls_before(con, chosen, signed_on)
    other = not_its_own(definition.version, signed_on, figures, before)
    replayed = replayed_figures(con, definition, chosen)
    rules: list[str] = []
    adjustments: list[Adjustment] = []
    notes: list[str] = [done] if done else []
    unchanged: list[tuple[str, str]] = []
    if other and not done:
        immature = bool(pending) and not band_holds(figures, waiting)
        notes = _old_process_notes(definition.version, figures, signed_on, gate, replayed, immature)
    elif not done:
        rules, adjustments, notes, unchanged = _calibrate(
            definition, figures, found, bad_fit, gate, (waiting, pending)
        )
    adjustments, left_out = _applicable(definition, adjustments)
    notes += left_out
    return Packet(
        definition=f"{definition.slug} v{definition.version} ({definition.status})",
        source=source,
        figures=figures,
        icp=icp,
        profile_note=note,
        rules=rules,
        adjustments=adjustments,
        notes=notes,
        unchanged=unchanged,
        version=definition.version,
        signed_on=signed_on,
        replayed=replayed,
        pending=pending,
        waiting=waiting,
        reviewed=done,
        before_signing=before,
        not_its_own=other,
    )


def mqls_before(con: duckdb.DuckDBPyConnection, quarter: Quarter, signed_on: date | None) -> int:
    """The quarter's MQLs recorded before the day the version was signed: the process in
    force before it made them."""
    if signed_on is None or signed_on <= quarter.start:
        return 0
    row = con.execute(
        f"SELECT count(*) FROM leads WHERE {_between('mql_at', quarter)} AND mql_at < ?",
        [datetime.combine(signed_on, time())],
    ).fetchone()
    return int(row[0]) if row else 0


def not_its_own(version: int, signed_on: date | None, figures: QuarterFigures, before: int) -> str:
    """Why the quarter's MQLs are not version `version`'s to judge, or "".

    The calibration rules judge what a definition made; the CRM's MQLs of a quarter that
    ended before the version was signed came from the process in force before it, whatever
    they say of it. Signed during the quarter, the version is judged on it when most of its
    MQLs came on or after the signing day (the line in step 1 says how many did not)."""
    q, v = figures.quarter, f"v{version}"
    if signed_on is None or signed_on <= q.start:
        return ""
    if signed_on > q.end:
        return (
            f"{v} was signed on {signed_on.isoformat()}, after {q} ended: none of its "
            f"{figures.mqls} MQLs were made by {v}, but by the process in force before it"
        )
    if before * 2 > figures.mqls:
        return (
            f"{v} was signed on {signed_on.isoformat()}, during {q}: {before} of its "
            f"{figures.mqls} MQLs, most of them, were made before that day by the process "
            "in force before it"
        )
    return ""


def _old_process_notes(
    version: int,
    figures: QuarterFigures,
    signed_on: date | None,
    gate: tuple[int, int],
    replayed: Replayed,
    immature: bool = False,
) -> list[str]:
    """Step 6 when the quarter's MQLs are not the version's: no rule is applied and no change
    proposed; what the old process's figures say is given for the room, marked as such, and
    the version's own replayed acceptance beside it."""
    f, q, v = figures, figures.quarter, f"v{version}"
    notes = [
        f"no rule applied and no change to {v} proposed: the calibration rules judge the MQLs "
        f"a version made, and {_whose(signed_on, f, v)}"
    ]
    band = acceptance_band(f.acceptance)
    if band is not None and f.mqls >= METRIC_SMALL and not immature:
        said = (
            f"the process before {v}, not {v}: acceptance {_pct(f.acceptance)} in {q} "
            f"({f.accepted} of {f.mqls} MQLs), {band}"
        )
        if f.reasons:
            top, count = f.reasons[0]
            said += f"; its top rejection reason {top!r} ({count} of {f.rejected})"
        if gate[1]:
            said += (
                f"; {v}'s fit gate already leaves out {gate[0]} of its {gate[1]} "
                "bad-fit-company rejections"
            )
        notes.append(said)
    own = _replayed_acceptance(replayed, v, q, immature)
    if own:
        notes.append(f"{own}; the rules will judge {v} on a quarter of its own, not on this replay")
    return notes


def _whose(signed_on: date | None, figures: QuarterFigures, v: str) -> str:
    """`not_its_own`'s reason, short: who made the quarter's MQLs (by the dates, as
    `not_its_own` decides, not by a word of its sentence)."""
    if signed_on is not None and signed_on > figures.quarter.end:
        return f"{v} made none of {figures.quarter}'s MQLs (step 1)"
    return f"most of {figures.quarter}'s MQLs were made before {v} was signed (step 1)"


def _replayed_acceptance(
    replayed: Replayed | None, v: str, q: Quarter, immature: bool = False
) -> str:
    """The version's own acceptance in the quarter, as the backtest reads it: its replayed
    MQL leads that the process then in force handed to an SDR, accepted over all of them."""
    if replayed is None or replayed.acceptance is None:
        return ""
    a = replayed.acceptance
    if not replayed.leads:
        return ""  # "would have made 0 MQL events" says it
    if not a.counted:
        return (
            f"replayed: none of {v}'s {replayed.leads} MQL leads in {q} were handed to an SDR "
            "by the process then in force: no acceptance to read"
        )
    band = a.band()
    reading = (
        ", not placed in a band: the quarter is not mature (step 1)"
        if immature
        else ", too few to place in a band"
        if a.counted < METRIC_SMALL
        else f" ({band[0]})"
        if band
        else ""
    )
    return (
        f"replayed: {v}'s own acceptance in {q} would be {_pct(a.rate)}{reading}, as the "
        f"backtest reads it: {a.accepted} accepted, {a.rejected} rejected, {a.unworked} never "
        f"decided, of the {a.counted} of its {replayed.leads} MQL leads the process then in "
        "force handed to an SDR"
    )


def already_reviewed(definition: Definition, quarter: Quarter) -> str:
    """Why `quarter` must not be reviewed again on this version, or "": the version already
    holds that quarter's review (evidence recorded by it). Its rules would fire on the same
    MQLs and apply the same changes a second time (a threshold raised twice)."""
    if not any(
        e.recorded_by == "review" and e.review_quarter == str(quarter)
        for e in definition.evidence.values()
    ):
        return ""
    return (
        f"v{definition.version} already holds the review of {quarter} (its changes and "
        f"their evidence are in it): reviewing {quarter} again would apply them twice; the "
        f"next review is {quarter.next()}'s, once the history covers it"
    )


def _tightens(clause: str, current: Any, proposed: Any) -> bool:
    """Does the proposed company-gate value leave out more than the current one?"""
    if clause == "fit.min_employees":
        return isinstance(proposed, int) and proposed > (current or 0)
    if clause == "fit.max_employees":
        return isinstance(proposed, int) and (current is None or proposed < current)
    if clause == "fit.industries" and isinstance(proposed, list) and proposed:
        wanted = {str(v).lower() for v in proposed}
        held = {str(v).lower() for v in current or []}
        return not held or wanted < held
    return False


def _threshold(
    definition: Definition, factor: float, rule: str, figure: str
) -> tuple[Adjustment | None, str | None]:
    """The score threshold moved by `factor` (at least one point), or why it cannot be."""
    if definition.scoring is None:
        return None, (
            f"{rule}: this definition has no [scoring] threshold to move; "
            "the room decides which trigger to make stricter or looser"
        )
    before = definition.scoring.threshold
    moved = before * factor
    after = math.ceil(moved) if factor > 1 else math.floor(moved)
    after = max(1, after if after != before else before + (1 if factor > 1 else -1))
    if after == before:
        return None, f"{rule}: the score threshold is already at its lowest (1)"
    return Adjustment(rule, "scoring.threshold", before, after, figure), None


def _company_gate(
    definition: Definition,
    found: dict[str, Proposal],
    bad_fit: list[tuple[int | None, str | None]],
    top: str,
    rule: str,
    accepted: str,
) -> tuple[Adjustment | None, list[str]]:
    """The one company-gate tightening the wins support that leaves out most of the
    quarter's bad-fit-company rejections (the others are named, for the room).

    Only the rejections the main fit gate would judge count: a segment with a fit gate of
    its own judges its companies by that one (`Definition.owned`). The $10-30M template's
    SMB and enterprise segments have their own, so a change to the main gate's
    min_employees had been proposed for rejections it would never see."""
    judged = [_judging_gate(definition, employees) for employees, _industry in bad_fit]
    main = [row for row, gate in zip(bad_fit, judged, strict=True) if gate == "fit"]
    elsewhere = Counter(gate for gate in judged if gate != "fit")
    aside = _judged_elsewhere(elsewhere, len(bad_fit))
    if not main:
        return None, [aside]
    ranked: list[tuple[int, str, Proposal]] = []
    for clause in _COMPANY_CLAUSES:
        proposal = found.get(clause)
        current = clause_value(definition, clause)
        if proposal is not None and _tightens(clause, current, proposal.value):
            out = sum(1 for row in main if not _passes(clause, proposal.value, row))
            ranked.append((out, clause, proposal))
    ranked.sort(key=lambda item: (-item[0], _COMPANY_CLAUSES.index(item[1])))
    if not ranked or ranked[0][0] == 0:
        why = _why_no_gate(definition, found, bool(ranked))
        return None, [f"{why}; {aside}" if aside else why]
    out, clause, proposal = ranked[0]
    judged_by = " judged by the main fit gate" if elsewhere else ""
    figure = (
        f"{accepted}, {top!r} #1, {out} of {len(main)} of them{judged_by} left out by this "
        f"value; closed-won: {proposal.summary}"
    )
    change = Adjustment(
        rule + ": tighten the company size or industry gate",
        clause,
        clause_value(definition, clause),
        proposal.value,
        figure[:500],
        proposal,
    )
    others = [
        f"also supported by the wins: {p.summary} (leaves out {n} of {len(main)})"
        for n, _c, p in ranked[1:]
    ]
    return change, [*others, *([aside] if aside else [])]


def _judging_gate(definition: Definition, employees: int | None) -> str:
    """The fit gate of `definition` a company of this size is judged by: "fit" (the main
    one), a segment's own ("segments.smb.fit"), or "" where no segment takes it (its size
    unknown, or in no segment's band: the segments' rule decides, not a fit gate)."""
    if not definition.segments:
        return "fit"  # motions: a lead may take several, and the main gate is one of them
    segment = None if employees is None else definition.segment_of(employees)
    return "" if segment is None else definition.owned(segment, "fit")[0]


def _judged_elsewhere(elsewhere: Counter[str], total: int) -> str:
    """The rejections a segment's own fit gate judges (or no segment takes), which the
    rule's change to the main gate cannot reach, said with where the room changes them."""
    if not elsewhere:
        return ""
    parts = [
        f"{gate} {count}" if gate else f"no segment (size unknown or in no band) {count}"
        for gate, count in sorted(elsewhere.items(), key=lambda item: (-item[1], item[0]))
    ]
    count = sum(elsewhere.values())
    return (
        f"{count} of the {total} bad-fit-company rejections are not judged by the main fit "
        f"gate ({', '.join(parts)}): a change to it does not reach them; tighten a segment's "
        "own gate on the Segments step"
    )


def _why_no_gate(definition: Definition, found: dict[str, Proposal], stricter: bool) -> str:
    """Why the first rule writes no company-gate change: the wins support nothing stricter
    than the definition holds (each value side by side), or nothing that leaves these out."""
    if stricter:
        return (
            "the stricter size or industry values the closed-won leads support leave out none "
            "of these rejections"
        )
    held = [
        f"{c.removeprefix('fit.').replace('_', ' ')} {_shown(clause_value(definition, c), c)} "
        f"(wins support {_shown(found[c].value, c)})"
        for c in _COMPANY_CLAUSES
        if c in found
    ]
    if not held:
        return "the closed-won leads support no size or industry value at all"
    return (
        "the definition is already as tight as the closed-won leads allow, or tighter "
        "(tightening further would drop wins): " + "; ".join(held)
    )


def _passes(clause: str, value: Any, row: tuple[int | None, str | None]) -> bool:
    """Would a rejected lead's company pass the gate at `value`? Unknown never passes."""
    employees, industry = row
    if clause == "fit.min_employees":
        return employees is not None and employees >= value
    if clause == "fit.max_employees":
        return employees is not None and employees <= value
    wanted = {str(v).lower() for v in value}
    return industry is not None and industry.lower() in wanted


def bad_fit_companies(
    con: duckdb.DuckDBPyConnection, quarter: Quarter
) -> list[tuple[int | None, str | None]]:
    """(employees, industry) of the quarter's MQLs rejected as bad fit (company)."""
    rows = con.execute(
        "SELECT employees, industry, rejection_reason FROM leads "
        f"WHERE {_between('mql_at', quarter)} AND sdr_decision = 'rejected' "
        "AND rejection_reason IS NOT NULL"
    ).fetchall()
    return [(r[0], r[1]) for r in rows if reason_key(str(r[2])) == BAD_FIT_COMPANY]


def decisions_pending(
    con: duckdb.DuckDBPyConnection, figures: QuarterFigures, decide_hours: int
) -> tuple[int, str]:
    """(MQLs that may still be decided, why), or (0, ""): the quarter's MQLs without an
    accept or reject that came so close to the history's end that they are still inside the
    SLA's time to decide and nine in ten decisions would still be ahead of them. An immature
    quarter reads low by construction; an MQL left undecided longer than the SLA allows is a
    missed decision (001: accept or reject within 48 hours), not a pending one."""
    from workbench.core.evidence.periods import file_span

    if not figures.undecided:
        return 0, ""
    row = con.execute(
        "SELECT quantile_cont(date_diff('second', mql_at, sdr_decision_at), 0.9) / 86400.0 "
        "FROM leads WHERE mql_at IS NOT NULL AND sdr_decision IN ('accepted', 'rejected') "
        "AND sdr_decision_at >= mql_at"
    ).fetchone()
    if row is None or row[0] is None:
        return 0, ""  # the file does not time decisions: nothing to say how long they take
    days = min(float(row[0]), decide_hours / 24)
    _first, as_of = file_span(con)
    recent = con.execute(
        f"SELECT count(*) FROM leads WHERE {_between('mql_at', figures.quarter)} "
        "AND sdr_decision IS DISTINCT FROM 'accepted' AND sdr_decision IS DISTINCT FROM "
        "'rejected' AND mql_at > ?",
        [as_of - timedelta(days=days)],
    ).fetchone()
    waiting = int(recent[0]) if recent else 0
    if not waiting:
        return 0, ""
    have = "has" if waiting == 1 else "have"
    window = f"{math.ceil(days * 24)} hours" if days < 2 else f"{math.ceil(days)} days"
    return waiting, (
        f"{waiting} of its {figures.mqls} MQLs came in its last {window}, still inside the "
        f"time the SLA and the SDRs' own pace give a decision, and {have} none yet (the "
        f"history ends {as_of.date().isoformat()})"
    )


def band_holds(figures: QuarterFigures, waiting: int) -> bool:
    """Whether the MQLs still `waiting` for a decision cannot move the quarter's acceptance
    band: the same band if none of them is accepted (the rate as read) and if every one is."""
    if not figures.mqls:
        return True
    best = (figures.accepted + waiting) / figures.mqls
    return acceptance_band(figures.acceptance) == acceptance_band(best)


def _calibrate(
    definition: Definition,
    figures: QuarterFigures,
    found: dict[str, Proposal],
    bad_fit: list[tuple[int | None, str | None]],
    gate: tuple[int, int] = (0, 0),
    waiting: tuple[int, str] = (0, ""),
) -> tuple[list[str], list[Adjustment], list[str], list[tuple[str, str]]]:
    """The framework's calibration rules over the quarter: (rules fired, changes, notes, and
    why no change is written, per clause looked at). With MQLs still `waiting` for the SDR's
    decision that could move the acceptance band, the acceptance rules wait: an immature
    quarter reads low by construction."""
    rules: list[str] = []
    changes: list[Adjustment] = []
    notes: list[str] = []
    unchanged: list[tuple[str, str]] = []
    rate, q = figures.acceptance, figures.quarter
    accepted = f"acceptance {_pct(rate)} in {q} ({figures.accepted} of {figures.mqls} MQLs)"
    count, pending = waiting
    if pending and band_holds(figures, count):
        best = _share(figures.accepted + count, figures.mqls)
        notes.append(
            f"{q} is not mature ({pending}), but even with every one accepted acceptance "
            f"would be {_pct(best)}: the same band, so the rules apply"
        )
    elif pending:
        notes.append(
            f"{accepted} is not judged yet: {pending}; the acceptance rules wait for a quarter "
            f"whose decisions are in (--quarter {q.previous()})"
        )
        unchanged.append(("fit", f"{q}'s acceptance is not mature yet ({pending})"))
        rate = None  # no acceptance rule fires on it
    few = rate is not None and figures.mqls < METRIC_SMALL
    if few:
        # A rate over 4 MQLs placed a quarter in "below 30%: broken" and wrote a gate change.
        # `metrics` shows such a rate and never flags it; the review reads it the same way.
        notes.append(
            f"{accepted}: under {METRIC_SMALL} MQLs, too few to place the quarter in a band; "
            "the acceptance rules wait for a fuller quarter"
        )
        unchanged.append(("fit", f"{q} has {figures.mqls} MQLs, too few to judge acceptance"))
        rate = None
    if rate is not None and rate < BROKEN_BELOW and figures.reasons:
        top, count = figures.reasons[0]
        rule = (
            f"acceptance below {percent(BROKEN_BELOW)} ({_pct(rate)}); the top rejection "
            f"reason is {top!r} ({count} of {figures.rejected} rejections)"
        )
        rules.append(rule)
        if reason_key(top) == BAD_FIT_COMPANY:
            change, more = _company_gate(definition, found, bad_fit, top, rule, accepted)
            changes += [change] if change else []
            if change:
                notes += more
            else:
                unchanged.append(
                    (
                        "fit",
                        f"v{definition.version}'s fit gate already leaves out "
                        f"{gate[0]} of the {gate[1]} bad-fit-company rejections of {q}, "
                        f"and {more[0]}",
                    )
                )
        elif reason_key(top) == NOT_INTERESTED:
            change, note = _threshold(
                definition,
                1 + THRESHOLD_STEP,
                rule + ": raise the behaviour threshold",
                f"{accepted}, {top!r} #1: the framework says raise the behaviour threshold",
            )
            changes += [change] if change else []
            notes += [note] if note else []
            unchanged += [(_threshold_clause(definition), note)] if note else []
        else:
            # 001 names an action for every standard reason, but one the room takes with
            # sales (which titles to filter, who to disqualify), not a number to move here.
            from workbench.core.evidence.backtest import REJECTION_ADVICE

            known = REJECTION_ADVICE.get(reason_key(top))
            action = known[1] if known else "map it to a standard reason first"
            notes.append(f"{rule}: the framework's action: {action}")
            unchanged.append(("fit", f"001's action for {top!r} is the room's to take: {action}"))
    elif rate is not None and BROKEN_BELOW <= rate < ACCEPTABLE_BELOW and figures.reasons:
        # 001's acceptance table: 30-40% is acceptable, and its action is to fix the top two
        # rejection reasons (usually a fit or scoring issue); the advice names what to look at.
        from workbench.core.evidence.backtest import REJECTION_ADVICE

        rule = (
            f"acceptance {percent(BROKEN_BELOW)}-{percent(ACCEPTABLE_BELOW)} ({_pct(rate)}): "
            "fix the top two rejection reasons"
        )
        rules.append(rule)
        for reason, count in figures.reasons[:2]:
            advice = REJECTION_ADVICE.get(reason_key(reason), ("", "map it to a standard reason"))
            notes.append(f"{reason!r} ({count} of {figures.rejected}): {advice[1]}")
        unchanged.append(
            ("fit", "the framework's action at 30-40% is the top two reasons' advice above")
        )
    elif rate is not None and rate > STRICT_ABOVE:
        rule = f"acceptance above {percent(STRICT_ABOVE)} ({_pct(rate)}): test a lower threshold"
        rules.append(rule)
        change, note = _threshold(
            definition,
            1 - THRESHOLD_STEP,
            rule,
            f"{accepted}: the framework says test a threshold {percent(THRESHOLD_STEP)} lower "
            "and track whether the extra MQLs convert",
        )
        changes += [change] if change else []
        notes += [note] if note else []
        unchanged += [(_threshold_clause(definition), note)] if note else []
    fn = figures.false_negatives
    if fn is not None and figures.wins < METRIC_SMALL and fn > FALSE_NEGATIVE_ALARM:
        notes.append(
            f"false negatives {_pct(fn)} ({figures.wins_never_mql} of {figures.wins} wins in "
            f"{q}): under {METRIC_SMALL} wins, too few to sound the alarm; no trigger is added"
        )
        unchanged.append(("triggers", f"{q} has {figures.wins} wins, too few to judge"))
    elif fn is not None and fn > FALSE_NEGATIVE_ALARM:
        rule = (
            f"false negatives above {percent(FALSE_NEGATIVE_ALARM)} ({_pct(fn)}: "
            f"{figures.wins_never_mql} of {figures.wins} wins in {q} never an MQL)"
        )
        rules.append(rule)
        added = _trigger_additions(definition, found, rule)
        changes += added
        notes.append(
            f"{rule}: investigate both causes: behaviours the scoring misses"
            + (" (the changes below add the ones the wins show)" if added else "")
            + ", and outbound-sourced deals not tracked through the MQL path"
        )
        if not added:
            unchanged.append(("triggers", "the closed-won leads show no behaviour to add"))
    # A waiting acceptance, or one over too few MQLs, said so above.
    if not rules and not (pending and rate is None) and not few:
        unchanged.append(
            (
                "fit",
                f"no calibration rule fires: {accepted}, false negatives {_pct(fn)} "
                f"(alarm above {percent(FALSE_NEGATIVE_ALARM)})",
            )
        )
    return rules, changes, notes, unchanged


def _threshold_clause(definition: Definition) -> str:
    return "scoring.threshold" if definition.scoring is not None else "triggers"


def _applicable(
    definition: Definition, adjustments: list[Adjustment]
) -> tuple[list[Adjustment], list[str]]:
    """The adjustments that make a valid definition together, and a note for each left out.

    A proposal reads one clause at a time: the wins can support a minimum company size above
    the definition's maximum. Such a change cannot be a draft; the room is told, not crashed."""
    from pydantic import ValidationError

    kept: list[Adjustment] = []
    notes: list[str] = []
    changed = definition
    for item in adjustments:
        try:
            changed = with_clause(changed, item.clause, item.after)
        except ValidationError as error:
            reason = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors())
            notes.append(
                f"change {item.text} left out: it would make the definition invalid "
                f"({reason}); decide that clause by hand"
            )
            continue
        kept.append(item)
    return kept, notes


def _trigger_additions(
    definition: Definition, found: dict[str, Proposal], rule: str
) -> list[Adjustment]:
    """Trigger proposals as additions only: a false-negative alarm asks to catch more, so no
    existing trigger is dropped."""
    out: list[Adjustment] = []
    tier1 = found.get("triggers.tier1")
    if tier1 is not None and isinstance(tier1.value, list):
        before = list(definition.triggers.tier1)
        after = before + [k for k in tier1.value if k not in before]
        if after != before:
            out.append(Adjustment(rule, "triggers.tier1", before, after, tier1.summary, tier1))
    tier2 = found.get("triggers.tier2")
    if tier2 is not None and isinstance(tier2.value, list):
        current = [r.model_dump(mode="json") for r in definition.triggers.tier2]
        kinds = {r["kind"] for r in current}
        extra = [r for r in tier2.value if isinstance(r, dict) and r.get("kind") not in kinds]
        if extra:
            out.append(
                Adjustment(rule, "triggers.tier2", current, current + extra, tier2.summary, tier2)
            )
    return out


def apply_adjustments(definition: Definition, packet: Packet, on: date) -> Definition:
    """`definition` with every adjustment made and its evidence recorded on its clause."""
    changed = definition
    for item in packet.adjustments:
        changed = with_clause(changed, item.clause, item.after)
        proposal = item.proposal
        changed = record_evidence(
            changed,
            item.clause,
            item.evidence[:500],
            on=on,
            by="review",
            review_quarter=str(packet.quarter),
            wins_kept=proposal.wins_kept if proposal else None,
            wins_total=proposal.wins_total if proposal else None,
            others_dropped=proposal.others_dropped if proposal else None,
            others_total=proposal.others_total if proposal else None,
            lift=proposal.lift if proposal else None,
            period=proposal.period if proposal else (packet.quarter.start, packet.quarter.end),
            source=(proposal.source if proposal else packet.source)[:500],
        )
    return changed


def record_no_change(definition: Definition, packet: Packet, on: date) -> Definition:
    """`definition` with the review recorded where it made no change: 001's step 7 always
    ends in a re-sign-off, so the next version keeps every clause and says why."""
    changed = definition
    rules = "; ".join(packet.rules)
    for clause, because in packet.unchanged:
        why = f"{rules}, but {because}" if rules else because
        changed = record_evidence(
            changed,
            clause,
            f"reviewed {packet.quarter}: no change called for, because {why}"[:500],
            on=on,
            by="review",
            review_quarter=str(packet.quarter),
            period=(packet.quarter.start, packet.quarter.end),
            source=packet.source[:500],
        )
    return changed


# --- the seven steps in words -------------------------------------------------------------


WRITE_HINT = "workbench review PATH"  # how the CLI writes the next version; the app says its key


def steps(packet: Packet, write_hint: str = WRITE_HINT) -> list[tuple[str, list[str]]]:
    """The seven steps of 001's table, each titled, with the packet's lines under it.

    Steps 1-4 count the CRM's recorded MQLs (mql_at); a "replayed" line beside each says
    what the version under review would have made itself."""
    f = packet.figures
    band = acceptance_band(f.acceptance)
    r, v = packet.replayed, f"v{packet.version}"
    if band and packet.not_its_own:
        band = f"{band} (the process before {v}, not {v})"
    one = [
        f"MQLs as the CRM recorded them (mql_at): "
        f"{f.mqls} MQLs in {f.quarter} ({f.quarter.start.isoformat()} to "
        f"{f.quarter.end.isoformat()}): {f.accepted} accepted, {f.rejected} rejected, "
        f"{f.undecided} not decided",
        f"acceptance {_pct(f.acceptance)} of all MQLs (never worked counts as not accepted, "
        f"as the metrics table reads it; {_pct(f.acceptance_of_decided)} of those decided)"
        + (
            f": not judged yet, the quarter is not mature ({packet.pending})"
            if packet.pending and not band_holds(f, packet.waiting)
            else (
                f": {f.mqls} MQLs, too few to place the quarter in a band"
                if 0 < f.mqls < METRIC_SMALL
                else (f": {band}" if band else ": no MQL in the quarter")
            )
        ),
    ]
    if packet.not_its_own:
        one.append(packet.not_its_own)
    elif packet.before_signing and packet.signed_on is not None:
        one.append(
            f"{v} was signed on {packet.signed_on.isoformat()}, during {f.quarter}: "
            f"{packet.before_signing} of these {f.mqls} MQLs were made before that day, by the "
            "process in force before it"
        )
    if r is not None:
        one.append(
            f"replayed: {v} would have made {r.events} MQL events in {f.quarter} ({r.leads} leads)"
        )
        immature = bool(packet.pending) and not band_holds(f, packet.waiting)
        own = _replayed_acceptance(r, v, f.quarter, immature)
        if own:
            one.append(own)
        if r.others:
            apart = ", ".join(f"{n} {kind.upper()} events" for kind, n in r.others.items())
            one.append(
                f"replayed: its motions would also have made {apart}: not MQL variants (000), "
                "so not in the MQL figures"
            )
    two = [
        f"{printable(reason, one_line=True)}: {n} ({_pct(_share(n, f.rejected))})"
        for reason, n in f.top_reasons
    ] or ["no rejections recorded"]
    if packet.not_its_own and f.top_reasons:
        two.insert(0, f"the rejections of the process before {v}, not of {v}'s MQLs:")
    three = [
        f"{f.with_opportunity} of {f.mqls} MQLs"
        + (f" (the process before {v})" if packet.not_its_own else "")
        + " have an opportunity: "
        f"{_pct(f.mql_to_opportunity)} (MQLs late in the quarter may not have one yet)"
    ]
    if r is not None:
        three.append(
            f"replayed: {r.with_opportunity} of {v}'s {r.leads} MQL leads have an opportunity "
            f"on or after their MQL: {_pct(_share(r.with_opportunity, r.leads))}"
        )
    # Two rates side by side read as a contradiction (2% and 49%): each says whose MQLs it
    # counts, and the replayed one says where it stands against the same alarm.
    four = [
        f"as the CRM recorded them (mql_at): {f.wins_never_mql} of {f.wins} closed-won leads "
        f"in {f.quarter} were never an MQL: {_pct(f.false_negatives)} (alarm above "
        f"{percent(FALSE_NEGATIVE_ALARM)})"
    ]
    if r is not None:
        never = _share(r.wins - r.wins_mql, r.wins)
        standing = ""
        if never is not None and never > FALSE_NEGATIVE_ALARM:
            standing = (
                f", above the {percent(FALSE_NEGATIVE_ALARM)} alarm: {v}'s own rules would "
                "have missed these wins"
            )
        names = ["MQL", *(kind.upper() for kind in r.others)]
        made = "an " + (", ".join(names[:-1]) + " or " + names[-1] if r.others else "MQL")
        four.append(
            f"replayed: {v} would have made {r.wins_mql} of the {r.wins} closed-won leads {made} "
            f"before the win; {r.wins - r.wins_mql} never: {_pct(never)}{standing}"
        )
    five = [f"closed-won profile: {packet.profile_note}"] + [
        f"{line.clause}: definition {_shown(line.current, line.clause)}; "
        + (
            f"wins support {_shown(line.supported, line.clause)}"
            f"{' (differs)' if line.shifted else ''}: "
            f"{line.summary}"
            if line.supported is not None
            else line.summary
        )
        for line in packet.icp
    ]
    six = [f"rule: {rule}" for rule in packet.rules]
    six += [f"change {a.text}: {a.evidence}" for a in packet.adjustments]
    six += [f"note: {n}" for n in packet.notes]
    if not packet.change_called_for:
        six += [f"no change written to {c}: {why}" for c, why in packet.unchanged]
    nxt = f"v{packet.version + 1}"
    seven = (
        [
            f"write the changes as a new draft version ({write_hint}), present them "
            "to sales, and both sides sign again"
        ]
        if packet.change_called_for
        else [
            f"no clause change: the next version {nxt} keeps every clause of {v} and records "
            f"why ({write_hint}); present it to sales, and both sides sign it again with "
            "the next review date"
        ]
    )
    return [
        ("1. MQL acceptance rate", one),
        ("2. Top 5 rejection reasons", two),
        ("3. MQL-to-opportunity conversion", three),
        ("4. False negatives (closed-won, never an MQL)", four),
        ("5. Current ICP vs closed-won firmographics", five),
        ("6. Adjust criteria", six),
        ("7. Present changes to sales, get re-sign-off", seven),
    ]


Sections = list[tuple[str, list[str]]]


def sections_text(title: str, sections: Sections) -> str:
    """Plain text for the terminal: a title, then each step with its lines indented."""
    out = [title]
    for heading, lines in sections:
        out.append("")
        out.append(heading)
        out += [f"  {line}" for line in lines]
    return "\n".join(out) + "\n"


def sections_markdown(title: str, sections: Sections) -> str:
    """A Markdown section for the meeting's shared doc."""
    out = [f"## {title}"]
    for heading, lines in sections:
        out += ["", f"### {heading}", ""]
        out += [f"- {_md(line)}" for line in lines]
    return "\n".join(out) + "\n"


def sections_html(title: str, sections: Sections) -> str:
    """An HTML section (escaped) for the meeting's shared doc."""
    from html import escape

    out = [f'<section class="review">\n<h2>{escape(title)}</h2>']
    for heading, lines in sections:
        out.append(f"<h3>{escape(heading)}</h3>\n<ul>")
        out += [f"<li>{escape(line)}</li>" for line in lines]
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return markdown_text(text)
