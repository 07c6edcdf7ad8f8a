"""The backtest: what a definition would have done on real lead history, read against the framework.

The workshop's evidence step asks for three numbers before anyone signs: MQLs per month, the
acceptance rate to expect, and the false negatives (closed-won deals that were never MQLs).
This module replays a definition over the canonical tables with the SQL engine and reads the
answer against the framework's bands and calibration rules.

What each number means here (the choices where the framework leaves room):
- **MQLs per month** counts MQL events (a lead that resubmits after the window counts again)
  per calendar month, from the first to the last activity in the data, zero months included.
  The average is over the complete months only (a history that starts on the 20th would
  understate its first month), and the last three complete months are shown apart: the
  framework's "based on last quarter's data, ~X MQLs per month". The stage's typical volume is
  the yardstick.
- **Acceptance** is read from the historical SDR decision of the leads the definition passes:
  accepted / (accepted + rejected + unworked), 001's "accepted / total MQLs", as `metrics`
  and `review` read it: an MQL sales never worked was not accepted. The rate among the
  decided alone is given beside it. Leads the old process never handed to an SDR have no
  decision and are counted apart.
- **MQL to opportunity / closed-won** are shares of the leads the definition passes whose
  opportunity (or win) came on or after the day of the definition's first MQL of the lead: an
  opportunity opened before the MQL was not converted from it. Days, not times, because CRMs
  often keep close dates without a time of day.
- **A false negative** is a closed-won lead the definition did not make an MQL on or before the
  day of the win: marketing would never have handed it over. Over 10% of closed-won is the framework's alarm.
- **Rejection reasons** are the historical reasons among passed leads the SDRs rejected, the
  five most frequent, each with the framework's advice for it.
- **Lead types.** A motion may make PQLs or AQLs beside MQLs. 000: they are not MQL variants,
  and folding them into the same reporting is the mistake. So where a definition makes them,
  the volume line counts every event and then each type apart, and every MQL figure (the
  stage's volume, the SLA's commitment, acceptance, conversion, the median days, rejection
  reasons) counts the MQL events alone; each other type has its own volume, acceptance and
  conversion (`lead_types`). A lead counts under every type it was made. A false negative is
  a win no motion handed over before it closed: a win the account-based motion caught as an
  AQL was handed over. Without motions every event is an MQL and nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from workbench.core.domain.definition import Definition
from workbench.core.domain.errors import InputError, Problem
from workbench.core.domain.framework import (
    ACCEPTANCE_BANDS,
    FALSE_NEGATIVE_ALARM,
    volume_standing,
    volume_words,
)
from workbench.core.domain.readings import readings
from workbench.core.domain.stages import STAGES
from workbench.core.evidence.coverage import covers
from workbench.core.evidence.engine import replay_query
from workbench.core.evidence.gate_values import gate_warnings
from workbench.core.evidence.missed import MissedClause, MissedWins, missed_wins

if TYPE_CHECKING:
    import duckdb

    from workbench.core.evidence.load import Problems

Progress = Callable[[str, float | None], None]
"""A stage name and, while a query runs, how far it is (0-1), or None when unknown."""


# The framework's standard rejection reasons: what each one tells marketing to change.
REJECTION_ADVICE: dict[str, tuple[str, str]] = {
    "bad-fit-company": (
        "Bad fit (company)",
        "Review the company fit: if it recurs, tighten the size, industry or region gate.",
    ),
    "bad-fit-person": (
        "Bad fit (person)",
        "Review the seniority and title criteria: if it recurs, add title filters "
        "(fit.exclude_titles) for the roles sales turns away.",
    ),
    "not-interested": (
        "Not interested",
        "Review behaviour scoring: these scores may come from non-buying activity; "
        "raise the threshold or drop vanity points.",
    ),
    "unreachable": (
        "Unreachable",
        "Check data quality: verify e-mail addresses before a lead becomes an MQL.",
    ),
    "duplicate": (
        "Duplicate",
        "Improve de-duplication in routing: already in a deal or disqualified before.",
    ),
    "competitor-student-job-seeker": (
        "Competitor / student / job seeker",
        "Add them to the disqualifiers (competitor list, excluded personas) and "
        "strengthen negative points.",
    ),
    "already-a-customer": (
        "Already a customer",
        "Improve account matching: existing customers go to the account owner, not an SDR.",
    ),
    "timing": (
        "Timing",
        "Right fit, not buying now: recycle to nurture and re-engage in 30-90 days.",
    ),
}

# A rejection with no reason at all: not a reason to map but the feedback clause missed (001's
# anti-pattern "no rejection reason tracking").
NO_REASON = "(no reason given)"
NO_REASON_ADVICE = (
    "Sales rejected these without a reason: the feedback clause (sla.sales.rejection_reasons) "
    "was missed. Make the reason a required field so marketing can calibrate."
)


def reason_key(text: str) -> str:
    """'Bad fit (company)', 'bad_fit_company' and 'bad-fit-company' are the same reason."""
    squashed = re.sub(r"[^a-z]+", "-", text.casefold()).strip("-")
    aliases = {
        "bad-fit-company": "bad-fit-company",
        "bad-fit-person": "bad-fit-person",
        "competitor-student-job-seeker": "competitor-student-job-seeker",
        "competitor": "competitor-student-job-seeker",
        "student": "competitor-student-job-seeker",
        "job-seeker": "competitor-student-job-seeker",
        "customer": "already-a-customer",
        "existing-customer": "already-a-customer",
    }
    return aliases.get(squashed, squashed)


def tally_reasons(given: Iterable[tuple[str, int]]) -> list[tuple[str, str, int]]:
    """Rejection reasons as a file gives them (text, count), counted by `reason_key`: for each
    reason its key, its most frequent spelling (ties by text, so one file always names it the
    same way) and its count, most frequent first. The backtest, the SLA report and the review
    count reasons with it, so the three agree."""
    counts: dict[str, int] = {}
    spellings: dict[str, dict[str, int]] = {}
    for text, n in given:
        key = reason_key(text) or text
        counts[key] = counts.get(key, 0) + n
        seen = spellings.setdefault(key, {})
        seen[text] = seen.get(text, 0) + n
    tally = [
        (key, min(spellings[key].items(), key=lambda s: (-s[1], s[0]))[0], n)
        for key, n in counts.items()
    ]
    return sorted(tally, key=lambda row: (-row[2], row[0]))


@dataclass(frozen=True, slots=True)
class Acceptance:
    accepted: int
    rejected: int
    unworked: int  # handed over (a CRM MQL) and never decided: unworked, or left blank
    no_decision: int  # never handed over by the old process: nothing to count

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected

    @property
    def counted(self) -> int:
        """The MQLs the rate is over: every one an SDR was handed, worked or not."""
        return self.decided + self.unworked

    @property
    def rate(self) -> float | None:
        """001's acceptance rate, "accepted / total MQLs", as `metrics` and `review` read it:
        an MQL never worked is not accepted. Over the decided alone, a backtest read 40.8%
        ("healthy") where the quarterly review of the same MQLs read 36.7% ("fix the top two
        rejection reasons")."""
        return self.accepted / self.counted if self.counted else None

    @property
    def rate_of_decided(self) -> float | None:
        """Accepted over accepted + rejected: the rate among the MQLs sales decided on."""
        return self.accepted / self.decided if self.decided else None

    def band(self) -> tuple[str, str, str] | None:
        """(band, what it means, what to do) from the framework's table."""
        rate = self.rate
        if rate is None:
            return None
        rate = round(rate, 3)  # the band agrees with the rate as printed (one decimal of %)
        for low, name, meaning, action in ACCEPTANCE_BANDS:
            # "above 60%" is strictly above; 40% and 30% belong to the band they start.
            if rate > low if low == 0.60 else rate >= low:
                return name, meaning, action
        return None  # pragma: no cover - the last band starts at 0


@dataclass(frozen=True, slots=True)
class LeadTypeFigures:
    """One lead type's own figures: its events, and what became of the leads it made."""

    lead_type: str  # mql, pql or aql
    events: int
    leads: int  # leads with at least one event of this type
    monthly: list[tuple[str, int]]
    acceptance: Acceptance  # the SDR decisions the history holds for those leads
    opportunities: int  # on or after the day of the lead's first event of this type
    won: int

    @property
    def name(self) -> str:
        return self.lead_type.upper()

    @property
    def opportunity_rate(self) -> float | None:
        return self.opportunities / self.leads if self.leads else None

    @property
    def won_rate(self) -> float | None:
        return self.won / self.leads if self.leads else None


@dataclass(frozen=True, slots=True)
class RejectionReason:
    reason: str
    label: str
    count: int
    share: float
    advice: str


@dataclass(frozen=True, slots=True)
class FalseNegatives:
    won: int
    missed: int

    @property
    def rate(self) -> float | None:
        return self.missed / self.won if self.won else None

    @property
    def alarm(self) -> bool:
        rate = self.rate
        return rate is not None and round(rate, 3) > FALSE_NEGATIVE_ALARM


@dataclass(frozen=True)
class Backtest:
    """Everything a backtest found for one definition over one data set."""

    definition: str
    stage: str
    first_day: date | None
    last_day: date | None
    leads: int
    activities: int
    events: int
    leads_passed: int
    monthly: list[tuple[str, int]]
    historical_monthly: list[tuple[str, int]]
    by_tier: dict[str, int]
    by_group: dict[str, int]
    acceptance: Acceptance
    opportunities: int
    won: int
    false_negatives: FalseNegatives
    rejection_reasons: list[RejectionReason]
    median_days_to_mql: float | None
    complete_months: tuple[str, ...] = ()
    missed_wins: MissedWins | None = None  # why the false negatives were missed
    readings: tuple[str, ...] = ()  # where the material disagrees: what it follows, one line each
    # A fit gate's listed regions or industries the history (almost) never writes: the lines
    # to read and paste (`gate_values.gate_warnings`).
    gate_values: tuple[str, ...] = ()
    # The SLA's "about N MQLs a month" (marketing's commitment), read against what it makes.
    committed: int | None = None
    mql_monthly: list[tuple[str, int]] = field(default_factory=list)  # lead type MQL only
    # Events by lead type, where a motion makes PQLs or AQLs (000: not MQL variants, so the
    # report names them apart); empty when every event is an MQL.
    by_lead_type: dict[str, int] = field(default_factory=dict)
    # Each lead type's own figures, in `by_lead_type`'s order; empty when every event is an
    # MQL. `acceptance`, `opportunities`, `won` and `rejection_reasons` are then the MQLs'.
    lead_types: dict[str, LeadTypeFigures] = field(default_factory=dict)

    @property
    def counted(self) -> str:
        """What the events are, in the report's words: 'MQLs', or 'MQLs, PQLs and AQLs'."""
        if not self.by_lead_type:
            return "MQLs"
        names = [f"{kind.upper()}s" for kind in self.by_lead_type]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def _average(self, series: list[tuple[str, int]], last: int | None = None) -> float:
        full = [n for m, n in series if m in self.complete_months] or [n for _, n in series]
        if last is not None:
            full = full[-last:]
        return sum(full) / len(full) if full else 0.0

    @property
    def per_month(self) -> float:
        """Mean MQLs per complete month (every month when none is complete)."""
        return self._average(self.monthly)

    @property
    def recent_per_month(self) -> float:
        """Mean over the last three complete months: "last quarter's data"."""
        return self._average(self.monthly, last=3)

    @property
    def historical_per_month(self) -> float:
        return self._average(self.historical_monthly)

    @property
    def mql_leads(self) -> int:
        """The leads the MQL figures are over: those with an MQL event (all passed leads when
        every event is an MQL)."""
        mql = self.lead_types.get("mql")
        return self.leads_passed if mql is None else mql.leads

    @property
    def opportunity_rate(self) -> float | None:
        return self.opportunities / self.mql_leads if self.mql_leads else None

    @property
    def won_rate(self) -> float | None:
        return self.won / self.mql_leads if self.mql_leads else None

    def type_per_month(self, figures: LeadTypeFigures) -> float:
        """One lead type's events per complete month."""
        return self._average(figures.monthly)

    def other_types(self) -> list[LeadTypeFigures]:
        """The PQLs and AQLs a motion makes: reported apart from the MQL figures."""
        return [figures for kind, figures in self.lead_types.items() if kind != "mql"]

    def volume_reading(self) -> str:
        """The MQLs' monthly volume against the stage's typical range (the MQLs alone where a
        motion also makes PQLs or AQLs: the same number as the three numbers' first)."""
        stage = STAGES[self.stage]
        per_month = self.mql_per_month
        if per_month < stage.volume_low:
            where = "below"
        elif stage.volume_high is not None and per_month > stage.volume_high:
            where = "above"
        else:
            where = "within"
        said = f"{where} the {stage.label} typical {stage.volume}"
        if self.volume_off_commitment():
            assert self.committed
            said += f"; the SLA commits to {volume_words(self.committed)}"
        return said

    def volume_standing(self) -> str | None:
        """The MQLs a month against the SLA's commitment: "short", "about" or "over"
        (`framework.volume_standing`, as `sla` and `metrics` read it); None without a
        commitment or a month to read."""
        if not self.committed or (not self.complete_months and not self.monthly):
            return None
        return volume_standing(self.mql_per_month, self.committed)

    def volume_off_commitment(self) -> bool:
        """Under half or over twice the SLA's monthly commitment: marketing would sign a
        volume this definition does not make (the SLA sets "about", not an exact count)."""
        return self.volume_standing() in ("short", "over")

    @property
    def mql_per_month(self) -> float:
        """MQLs alone per complete month: a motion's PQLs and AQLs are not marketing's
        monthly commitment."""
        return self._average(self.mql_monthly or self.monthly)

    def advice(self) -> list[str]:
        """The calibration advice this backtest calls for, most urgent first."""
        out: list[str] = []
        band = self.acceptance.band()
        if band is not None:
            out.append(f"Acceptance is {band[0]}. {band[2]}")
        if self.volume_off_commitment():
            assert self.committed
            over = (
                ", more than sales agreed to answer at the SLA's response times"
                if self.volume_standing() == "over"
                else ""
            )
            out.append(
                f"The SLA commits marketing to {volume_words(self.committed)}; this "
                f"definition would have made {self.mql_per_month:.0f}{over}: change the "
                + (
                    "commitment or the definition in a new version (workbench new-version)."
                    if self.definition.endswith("(signed)")
                    else "commitment (the SLA step) or the definition before both sides sign."
                )
            )
        if self.false_negatives.alarm:
            out.append(
                "False negatives are above 10%: deals close without marketing ever handing "
                "them over. Either the triggers miss behaviour that closed-won leads show, or "
                "outbound deals never pass through the MQL path: investigate both."
            )
            best = self.best_loosening()
            if best is not None:
                seen = ", ".join(value for value, _ in best.values)
                out.append(
                    f"Loosening {best.clause} alone would have made {best.recovered} of the "
                    f"missed wins MQLs before they closed{f' ({seen})' if seen else ''}: if "
                    "those deals are business you want, widen it."
                )
        if self.rejection_reasons and band is not None and not band[0].startswith("40-60%"):
            top = " and ".join(f"'{r.label}'" for r in self.rejection_reasons[:2])
            out.append(f"Start with the top rejection reasons ({top}): their advice is above.")
        return out

    def best_loosening(self) -> MissedClause | None:
        """The fit clause whose loosening alone wins back the most missed wins."""
        if self.missed_wins is None:
            return None
        found = [c for c in self.missed_wins.clauses if c.recovered]
        return max(found, key=lambda c: c.recovered or 0, default=None)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("first_day", "last_day"):
            value = data[key]
            data[key] = value.isoformat() if value is not None else None
        data["monthly"] = [{"month": m, "mqls": n} for m, n in self.monthly]
        data["historical_monthly"] = [{"month": m, "mqls": n} for m, n in self.historical_monthly]
        data["per_month"] = round(self.per_month, 2)
        data["recent_per_month"] = round(self.recent_per_month, 2)
        data["complete_months"] = list(self.complete_months)
        data["historical_per_month"] = round(self.historical_per_month, 2)
        stage = STAGES[self.stage]
        data["stage_volume"] = {"low": stage.volume_low, "high": stage.volume_high}
        data["volume_reading"] = self.volume_reading()
        band = self.acceptance.band()
        data["acceptance"]["rate"] = _rounded(self.acceptance.rate)
        data["acceptance"]["rate_of_decided"] = _rounded(self.acceptance.rate_of_decided)
        data["acceptance"]["band"] = band[0] if band else None
        data["opportunity_rate"] = _rounded(self.opportunity_rate)
        data["won_rate"] = _rounded(self.won_rate)
        data["false_negatives"]["rate"] = _rounded(self.false_negatives.rate)
        data["false_negatives"]["alarm"] = self.false_negatives.alarm
        data["advice"] = self.advice()
        data["missed_wins"] = None if self.missed_wins is None else self.missed_wins.to_json()
        data["mql_per_month"] = round(self.mql_per_month, 2)
        data["mql_leads"] = self.mql_leads
        data["lead_types"] = {
            kind: self._type_json(figures) for kind, figures in self.lead_types.items()
        }
        return data

    def _type_json(self, figures: LeadTypeFigures) -> dict[str, Any]:
        acceptance = figures.acceptance
        return {
            "events": figures.events,
            "leads": figures.leads,
            "per_month": round(self.type_per_month(figures), 2),
            "monthly": [{"month": m, "events": n} for m, n in figures.monthly],
            "acceptance": {
                "accepted": acceptance.accepted,
                "rejected": acceptance.rejected,
                "unworked": acceptance.unworked,
                "no_decision": acceptance.no_decision,
                "rate": _rounded(acceptance.rate),
                "rate_of_decided": _rounded(acceptance.rate_of_decided),
            },
            "opportunities": figures.opportunities,
            "won": figures.won,
            "opportunity_rate": _rounded(figures.opportunity_rate),
            "won_rate": _rounded(figures.won_rate),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(frozen=True)
class Comparison:
    """Two definitions over the same history: what adopting `after` instead of `before` changes."""

    before: Backtest
    after: Backtest
    gained: int  # leads `after` passes that `before` did not
    lost: int
    gained_won: int
    lost_won: int
    gained_accepted: int
    gained_rejected: int
    lost_accepted: int
    lost_rejected: int

    def to_json(self) -> dict[str, Any]:
        return {
            "before": self.before.to_json(),
            "after": self.after.to_json(),
            "change": {
                "per_month": round(self.after.per_month - self.before.per_month, 2),
                "mql_per_month": round(self.after.mql_per_month - self.before.mql_per_month, 2),
                "leads_gained": self.gained,
                "leads_lost": self.lost,
                "gained_won": self.gained_won,
                "lost_won": self.lost_won,
                "gained_accepted": self.gained_accepted,
                "gained_rejected": self.gained_rejected,
                "lost_accepted": self.lost_accepted,
                "lost_rejected": self.lost_rejected,
            },
        }


# --- running -------------------------------------------------------------------------------


def require_rows(problems: Problems) -> None:
    """Numbers from no data would read as a finding ("100% false negatives"): refuse them."""
    for report in (problems.leads, problems.activities):
        if report.rows_loaded == 0:
            first = f"; the first: {report.first[0]}" if report.first else ""
            raise InputError(
                [
                    Problem(
                        f"none of the {report.rows_read} {report.table} rows could be used{first}",
                        file=report.path,
                    )
                ]
            )


def _run(con: duckdb.DuckDBPyConnection, sql: str, stage: str, progress: Progress | None) -> None:
    """Run a statement, reporting DuckDB's own progress estimate while it works."""
    if progress is None:
        con.execute(sql)
        return
    import threading

    done = threading.Event()
    failure: list[BaseException] = []

    def work() -> None:
        try:
            con.execute(sql)
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)
        finally:
            done.set()

    try:  # DuckDB estimates progress only with its progress bar on; we draw our own
        con.execute("SET enable_progress_bar = true")
        con.execute("SET enable_progress_bar_print = false")
    except Exception:  # an older DuckDB: progress is a nicety, never a failure
        pass
    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    progress(stage, 0.0)
    try:
        while not done.wait(0.2):
            try:
                fraction = con.query_progress()
            except Exception:  # progress is a nicety, never a failure
                fraction = -1
            progress(stage, fraction / 100 if fraction is not None and fraction >= 0 else None)
    except BaseException:
        # Ctrl-C (or a failing progress callback): stop the query before anyone closes the
        # connection under it, which DuckDB answers by aborting the process.
        con.interrupt()
        worker.join()
        raise
    worker.join()
    if failure:
        raise failure[0]
    progress(stage, 1.0)


def _month(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def _months(first: date | None, last: date | None) -> list[str]:
    if first is None or last is None:
        return []
    months: list[str] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _complete(
    months: list[str], first: date | None, last: date | datetime | None
) -> tuple[str, ...]:
    """The months the history covers from their first day to their last (`coverage.covers`;
    `last`: the history's last moment)."""
    if first is None or last is None:
        return ()
    out = []
    for month in months:
        year, number = int(month[:4]), int(month[5:])
        start = date(year, number, 1)
        following = date(year + 1, 1, 1) if number == 12 else date(year, number + 1, 1)
        if covers(first, last, start, following - timedelta(days=1)):
            out.append(month)
    return tuple(out)


def _day(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    assert isinstance(value, date)
    return value


def replay_into(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    table: str,
    progress: Progress | None = None,
) -> None:
    """Materialise a definition's MQL events as a temp table (lead_id, at, tier, ...)."""
    sql = replay_query(con, definition)
    _run(
        con,
        f"CREATE OR REPLACE TEMP TABLE {table} AS {sql}",
        f"replaying {definition.slug} v{definition.version}",
        progress,
    )


def summarize(con: duckdb.DuckDBPyConnection, definition: Definition, table: str) -> Backtest:
    """Read an events table (see `replay_into`) against the leads' outcomes."""
    row = con.execute(
        'SELECT CAST(min("at") AS DATE), CAST(max("at") AS DATE), count(*), max("at") '
        "FROM activities"
    ).fetchone()
    assert row is not None
    first, last, activity_count = _day(row[0]), _day(row[1]), int(row[2])
    last_moment = row[3] if isinstance(row[3], datetime) else last  # how far into its day
    lead_row = con.execute("SELECT count(*) FROM leads").fetchone()
    lead_count = int(lead_row[0]) if lead_row else 0
    months = _months(first, last)

    def by_month(query: str) -> list[tuple[str, int]]:
        counts = {str(m): int(n) for m, n in con.execute(query).fetchall()}
        return [(m, counts.get(m, 0)) for m in months]

    monthly = by_month(f"SELECT strftime(\"at\", '%Y-%m') AS m, count(*) FROM {table} GROUP BY m")
    # What marketing's "about N MQLs a month" is about: MQLs, not a motion's PQLs or AQLs.
    mql_monthly = (
        by_month(
            f"SELECT strftime(\"at\", '%Y-%m') AS m, count(*) FROM {table} "
            "WHERE lead_type = 'mql' GROUP BY m"
        )
        if any(motion.lead_type != "mql" for motion in definition.motions)
        else monthly
    )
    historical = by_month(
        "SELECT strftime(mql_at, '%Y-%m') AS m, count(*) FROM leads "
        "WHERE mql_at IS NOT NULL GROUP BY m"
    )
    by_lead_type: dict[str, int] = {}
    if mql_monthly is not monthly:
        by_lead_type = {"mql": 0} | {m.lead_type: 0 for m in definition.motions}
        for kind, n in con.execute(
            f"SELECT lead_type, count(*) FROM {table} GROUP BY lead_type"
        ).fetchall():
            by_lead_type[str(kind)] = int(n)
    tiers = {
        f"tier {t}": int(n)
        for t, n in con.execute(
            f"SELECT tier, count(*) FROM {table} GROUP BY tier ORDER BY tier"
        ).fetchall()
    }
    # Every segment and motion is listed, with 0 when the evidence never chose it: a motion
    # missing from the list reads as "not replayed", not as "no leads qualify".
    groups: dict[str, int] = {f"segment {s.id}": 0 for s in definition.segments}
    groups |= {f"motion {m.id} ({m.lead_type.upper()})": 0 for m in definition.motions}
    for segment, motion, lead_type, n in con.execute(
        f"SELECT segment, motion, lead_type, count(*) FROM {table} "
        "GROUP BY ALL ORDER BY count(*) DESC"
    ).fetchall():
        if segment is not None:
            groups[f"segment {segment}"] = int(n)
        elif motion is not None:
            groups[f"motion {motion} ({str(lead_type).upper()})"] = int(n)
    groups = dict(sorted(groups.items(), key=lambda item: -item[1]))  # ties: as defined
    # Where a motion makes PQLs or AQLs, the MQL figures are the MQL events' alone (000).
    mql_only = "WHERE lead_type = 'mql' " if by_lead_type else ""
    passed = _passed(table, mql_only)
    mql_outcome = _outcome(con, passed)
    passed_count, accepted, rejected, unworked, undecided, opps, won, median_days = mql_outcome
    if by_lead_type:  # the volume line's leads: those with an event of any type
        every = con.execute(f"SELECT count(*) FROM {_passed(table)}").fetchone()
        assert every is not None
        passed_count = every[0]
    lead_types: dict[str, LeadTypeFigures] = {}
    for kind, n in by_lead_type.items():
        where = f"WHERE lead_type = '{kind}' "
        type_leads, *decisions, type_opps, type_won, _ = (
            mql_outcome if kind == "mql" else _outcome(con, _passed(table, where))
        )
        lead_types[kind] = LeadTypeFigures(
            lead_type=kind,
            events=n,
            leads=int(type_leads),
            monthly=mql_monthly
            if kind == "mql"
            else by_month(
                f"SELECT strftime(\"at\", '%Y-%m') AS m, count(*) FROM {table} {where}GROUP BY m"
            ),
            acceptance=Acceptance(*(int(d) for d in decisions)),
            opportunities=int(type_opps),
            won=int(type_won),
        )
    fn = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE p.first_at IS NULL "
        "OR CAST(p.first_at AS DATE) > CAST(l.won_at AS DATE)) "
        f'FROM leads AS l LEFT JOIN (SELECT lead_id, min("at") AS first_at FROM {table} '
        "GROUP BY lead_id) AS p ON p.lead_id = l.lead_id WHERE l.won_at IS NOT NULL"
    ).fetchone()
    assert fn is not None
    reasons_raw = con.execute(
        f"SELECT coalesce(nullif(trim(l.rejection_reason), ''), '{NO_REASON}'), count(*) "
        f"FROM {passed} WHERE l.sdr_decision = 'rejected' GROUP BY 1"
    ).fetchall()
    merged = [
        (key, REJECTION_ADVICE[key][0] if key in REJECTION_ADVICE else spelling, n)
        for key, spelling, n in tally_reasons((str(text), int(n)) for text, n in reasons_raw)
    ]
    total_rejected = sum(n for _, _, n in merged)
    reasons = [
        RejectionReason(
            reason=key,
            label=label,
            count=n,
            share=n / total_rejected if total_rejected else 0.0,
            advice=REJECTION_ADVICE[key][1]
            if key in REJECTION_ADVICE
            else NO_REASON_ADVICE
            if label == NO_REASON
            else "Not a standard reason: agree what it means, or map it to one of the "
            "framework's eight so it can be acted on.",
        )
        for key, label, n in merged[:5]
    ]
    events_row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return Backtest(
        readings=tuple(readings(definition)),
        gate_values=tuple(gate_warnings(con, definition)),
        definition=f"{definition.slug} v{definition.version} ({definition.status})",
        stage=definition.stage,
        first_day=first,
        last_day=last,
        leads=lead_count,
        activities=activity_count,
        events=int(events_row[0]) if events_row else 0,
        leads_passed=int(passed_count),
        monthly=monthly,
        historical_monthly=historical,
        by_tier=tiers,
        by_group=groups,
        acceptance=Acceptance(int(accepted), int(rejected), int(unworked), int(undecided)),
        opportunities=int(opps),
        won=int(won),
        false_negatives=FalseNegatives(won=int(fn[0]), missed=int(fn[1])),
        rejection_reasons=reasons,
        median_days_to_mql=None if median_days is None else float(median_days),
        complete_months=_complete(months, first, last_moment),
        missed_wins=missed_wins(con, definition, table, int(fn[1])),
        committed=definition.sla.marketing.monthly_volume,
        mql_monthly=mql_monthly,
        by_lead_type=by_lead_type,
        lead_types=lead_types,
    )


def _passed(table: str, where: str = "") -> str:
    """Each lead's first event (of the events `where` keeps), joined to the lead."""
    return (
        f'(SELECT lead_id, min("at") AS first_at FROM {table} {where}GROUP BY lead_id) AS p '
        "JOIN leads AS l ON l.lead_id = p.lead_id"
    )


def _outcome(con: duckdb.DuckDBPyConnection, passed: str) -> tuple[Any, ...]:
    """(leads, accepted, rejected, unworked, no decision, opportunities, won, median days to
    the first event) over the leads `passed` (see `_passed`) joins."""
    outcome = con.execute(
        "SELECT count(*),"
        " count(*) FILTER (WHERE l.sdr_decision = 'accepted'),"
        " count(*) FILTER (WHERE l.sdr_decision = 'rejected'),"
        # A CRM MQL with no decision recorded was handed over and never decided, as the
        # quarterly review counts it; a lead never handed over has no decision to count.
        " count(*) FILTER (WHERE l.sdr_decision = 'unworked'"
        " OR (l.sdr_decision IS NULL AND l.mql_at IS NOT NULL)),"
        " count(*) FILTER (WHERE l.sdr_decision IS NULL AND l.mql_at IS NULL),"
        " count(*) FILTER (WHERE CAST(l.opportunity_at AS DATE) >= CAST(p.first_at AS DATE)),"
        " count(*) FILTER (WHERE CAST(l.won_at AS DATE) >= CAST(p.first_at AS DATE)),"
        " median(date_diff('second', l.created_at, p.first_at) / 86400.0)"
        f" FROM {passed}"
    ).fetchone()
    assert outcome is not None
    return tuple(outcome)


def backtest(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    progress: Progress | None = None,
    table: str = "mql_events",
) -> Backtest:
    """Replay one definition over the `leads` and `activities` tables already in `con`."""
    replay_into(con, definition, table, progress)
    return summarize(con, definition, table)


BEFORE_TABLE = "mql_events_before"  # `compare`'s events of each side, kept on the connection
AFTER_TABLE = "mql_events_after"


def compare(
    con: duckdb.DuckDBPyConnection,
    before: Definition,
    after: Definition,
    progress: Progress | None = None,
    *,
    before_result: Backtest | None = None,
) -> Comparison:
    """Both definitions over the same history, and the leads one passes that the other doesn't.

    `before_result` is `before`'s own result from an earlier `compare` on this connection (its
    events are still in `BEFORE_TABLE`): a workshop edits the draft, not the signed
    version, so the signed side is replayed once, not on every refresh."""
    first = before_result
    if first is None:
        first = backtest(con, before, progress, table=BEFORE_TABLE)
    second = backtest(con, after, progress, table=AFTER_TABLE)

    def moved(into: str, out_of: str) -> tuple[int, int, int, int]:
        row = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE l.won_at IS NOT NULL),"
            " count(*) FILTER (WHERE l.sdr_decision = 'accepted'),"
            " count(*) FILTER (WHERE l.sdr_decision = 'rejected')"
            f" FROM (SELECT DISTINCT lead_id FROM {into}"
            f" EXCEPT SELECT DISTINCT lead_id FROM {out_of}) AS x"
            " JOIN leads AS l ON l.lead_id = x.lead_id"
        ).fetchone()
        assert row is not None
        return int(row[0]), int(row[1]), int(row[2]), int(row[3])

    gained, gained_won, gained_acc, gained_rej = moved(AFTER_TABLE, BEFORE_TABLE)
    lost, lost_won, lost_acc, lost_rej = moved(BEFORE_TABLE, AFTER_TABLE)
    return Comparison(
        before=first,
        after=second,
        gained=gained,
        lost=lost,
        gained_won=gained_won,
        lost_won=lost_won,
        gained_accepted=gained_acc,
        gained_rejected=gained_rej,
        lost_accepted=lost_acc,
        lost_rejected=lost_rej,
    )
