"""Both SLAs measured from lead history: did sales answer, decide and follow up as agreed, and
did marketing deliver MQLs that fit, in volume, complete and notified?

The unit is a historical MQL (a lead row with mql_at, on a day from the period's first day to
its last, both included: `--to 2025-03-31` holds the MQLs of 31 March). `mql_facts_sql`
gives one row per such MQL with everything the figures read (the trigger, its deadline and
clause, the response, the decision, the touches, whether the fit gate passes), so a per-period
report can group the same facts by week; `measure` turns them into figures.

Choices the framework leaves open, made here once:

- **The MQL's trigger** is the activity that made it: among the lead's activities at or up to
  `MQL_TRIGGER_WINDOW_HOURS` before mql_at, a hand raise first (demo request, contact sales,
  pricing inquiry; a sales request is tier 4), else a pricing or comparison page or case study
  view (tier 2), else a content kind (keyed `content`); the latest of the best kind wins.
  Without one the MQL came from the score (tier 3).
- **The deadline** is the definition's merged response table (`framework.response_for`) of the
  rule set that binds the lead (its segment by size, its motion, else the definition's own); a
  business day is a weekday (`framework.business_deadline`: weekends do not count, a weekend MQL
  counts from Monday 00:00 UTC). Answered within means at most the deadline after mql_at.
  No first response is a miss, never left out.
- A decision keeps the SLA when it is made within `decide_within_hours` and, for a rejection,
  gives a reason; unworked is a miss. Follow-up counts accepted MQLs with a known touch count.
- A column the file does not have at all is "not in the data"; a column it has with empty
  cells counts the empty cells as misses.
"""

from __future__ import annotations

import textwrap
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from workbench.core.domain.definition import Definition, Motion, Segment
from workbench.core.domain.errors import InputError, Problem
from workbench.core.domain.evaluator import RuleSet, prepare
from workbench.core.domain.framework import (
    CONTENT_KINDS,
    MQL_TRIGGER_WINDOW_HOURS,
    RESPONSE_COMPLIANCE_TARGET,
    percent,
    response_for,
    volume_range,
    volume_standing,
    volume_words,
)
from workbench.core.domain.vocab import STANDARD_REJECTION_REASONS
from workbench.core.evidence.coverage import as_day, covers, day_bounds
from workbench.core.evidence.engine import fit_sql

if TYPE_CHECKING:
    import duckdb

# (kind, tier, priority): lower priority wins when several activities precede mql_at.
_TRIGGER_KINDS: tuple[tuple[str, int, int], ...] = (
    ("demo_request", 1, 1),
    ("contact_sales", 1, 1),
    ("pricing_inquiry", 1, 1),
    ("sales_requested", 4, 1),
    ("pricing_page_view", 2, 2),
    ("comparison_page_view", 2, 2),
    ("case_study_view", 2, 2),
    *((kind, 3, 3) for kind in CONTENT_KINDS),
)
SCORE_TRIGGER = "score"
"""The trigger of an MQL no activity explains: tier 3, the score threshold."""

_TRIGGER_WORDS: dict[str, str] = {
    "demo_request": "demo requests",
    "contact_sales": "contact-sales requests",
    "pricing_inquiry": "pricing inquiries",
    "sales_requested": "sales-requested MQLs",
    "pricing_page_view": "pricing-page MQLs",
    "comparison_page_view": "comparison-page MQLs",
    "case_study_view": "case-study MQLs",
    SCORE_TRIGGER: "score-threshold MQLs",
}

# The marketing SLA's required fields and the leads column each is read from; `mql_trigger`
# is complete when an activity explains the MQL (see the module's docstring). `name` has no
# canonical column: it is not in the data.
REQUIRED_FIELD_COLUMNS: dict[str, str | None] = {
    "email": "email",
    "name": None,
    "company": "company",
    "title": "title",
    "lead_source": "lead_source",
    "mql_trigger": "activities",
}

Status = Literal["measured", "not in the data", "not agreed"]


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ts(value: datetime) -> str:
    """A time as a naive UTC SQL literal, as the loaded tables hold them."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return f"TIMESTAMP '{value.isoformat(sep=' ')}'"


def _rule_sets(definition: Definition) -> list[RuleSet]:
    """The rule sets in `fit_sql`'s `rs_` order; the definition's own last (rs_ NULL)."""
    prepared = prepare(definition)
    found = [rules for _, _, rules in prepared.segments] + [r for _, r in prepared.motions]
    return [*found, prepared.base]


def _deadline(rules: RuleSet, definition: Definition, trigger: str, tier: int) -> tuple[str, ...]:
    """(key, minutes, clause path, words) for a trigger, or () when no key covers it."""
    found = response_for(rules.response_minutes, rules.response_business_days, trigger, tier)
    if found is None:
        return ()
    key, limit = found
    table = "response_business_days" if limit.business_days else "response_minutes"
    owners: list[Segment | Motion] = [*definition.segments, *definition.motions]
    owner = next((o for o in owners if o.id in (rules.segment, rules.motion)), None)
    own = owner is not None and key in (getattr(owner, table) or {})
    where = f"{rules.path}.{table}" if own else f"sla.sales.{table}"
    days = str(limit.business_days) if limit.business_days else "NULL"
    return key, str(limit.nominal_minutes()), days, f"{where}.{key}", limit.text()


def _business_deadline(moment: str, days: str) -> str:
    """SQL for `framework.business_deadline`: `days` weekdays after `moment` at the same clock
    time; an MQL made on a Saturday or Sunday counts from Monday 00:00 (UTC)."""
    start = (
        f"(CASE isodow({moment}) WHEN 6 THEN date_trunc('day', {moment}) + INTERVAL 2 DAY "
        f"WHEN 7 THEN date_trunc('day', {moment}) + INTERVAL 1 DAY ELSE {moment} END)"
    )
    added = (
        f"(7 * ({days} // 5) + {days} % 5 "
        f"+ CASE WHEN isodow({start}) + {days} % 5 > 5 THEN 2 ELSE 0 END)"
    )
    return f"({start} + {added} * INTERVAL 1 DAY)"


def _deadline_rows(definition: Definition) -> str:
    """VALUES rows (rs, trigger, key, minutes, clause, words) for every rule set and trigger."""
    rows: list[str] = []
    sets = _rule_sets(definition)
    triggers = [(kind, tier) for kind, tier, _ in _TRIGGER_KINDS] + [(SCORE_TRIGGER, 3)]
    for index, rules in enumerate(sets):
        rs = "-1" if index == len(sets) - 1 else str(index)
        for trigger, tier in triggers:
            found = _deadline(rules, definition, trigger, tier)
            if found:
                key, minutes, days, clause, words = found
                rows.append(
                    f"({rs}, {_lit(trigger)}, {_lit(key)}, {minutes}, {days}, {_lit(clause)}, "
                    f"{_lit(words)})"
                )
    if not rows:
        rows.append("(-2, '', '', 0, NULL, '', '')")
    return ", ".join(rows)


def mql_facts_sql(
    definition: Definition,
    first_day: date | None = None,
    last_day: date | None = None,
    leads: str = "leads",
    activities: str = "activities",
) -> str:
    """One row per historical MQL created (mql_at, UTC) from `first_day` to `last_day`, both
    days included (either open: None): the facts both SLAs are measured on.

    Columns: lead_id, mql_at, month_ (first day of mql_at's month), trigger_ (an activity kind
    or 'score'), tier_, key_ / deadline_minutes_ / clause_ / deadline_words_ (the response
    deadline; NULL when no key covers the trigger), response_minutes_ (NULL: never answered),
    responded_in_time_, responded_before_ (a first response timed before mql_at: left out of
    the response figures), sdr_decision, rejection_reason, decision_hours_, touches_7d,
    notify_seconds_, fits_ (the definition's fit gate passes), and the raw email, company,
    title, lead_source. Reuse it for per-period figures: group by date_trunc('week', mql_at).
    """
    window = ["l.mql_at IS NOT NULL"]
    start, end = day_bounds(first_day, last_day)
    if start is not None:
        window.append(f"l.mql_at >= {_ts(start)}")
    if end is not None:
        window.append(f"l.mql_at < {_ts(end)}")
    kinds = " ".join(f"WHEN {_lit(k)} THEN {p}" for k, _, p in _TRIGGER_KINDS)
    tiers = " ".join(f"WHEN {_lit(k)} THEN {t}" for k, t, _ in _TRIGGER_KINDS)
    fit = fit_sql(definition, leads).replace("\n", "\n  ")
    return f"""WITH
m AS (
  SELECT l.* FROM {leads} AS l WHERE {" AND ".join(window)}
),
cand AS (
  SELECT a.lead_id, a.kind, a."at", CASE a.kind {kinds} END AS pri
  FROM {activities} AS a JOIN m ON m.lead_id = a.lead_id
  WHERE a."at" <= m.mql_at AND a."at" >= m.mql_at - INTERVAL {MQL_TRIGGER_WINDOW_HOURS} HOUR
),
pick AS (
  SELECT lead_id, kind, ROW_NUMBER() OVER (
    PARTITION BY lead_id ORDER BY pri, "at" DESC, CAST(kind AS VARCHAR)) AS n
  FROM cand WHERE pri IS NOT NULL
),
fit AS (
  {fit}
),
dl(rs, trg, key_, minutes_, days_, clause_, words_) AS (VALUES {_deadline_rows(definition)}),
f AS (
  SELECT m.*, COALESCE(p.kind, {_lit(SCORE_TRIGGER)}) AS trigger_,
    COALESCE(CASE p.kind {tiers} END, 3) AS tier_,
    p.kind IS NOT NULL AS explained_,
    COALESCE(fit.fits_, FALSE) AS fits_, COALESCE(fit.rs_, -1) AS rs_
  FROM m
  LEFT JOIN pick AS p ON p.lead_id = m.lead_id AND p.n = 1
  LEFT JOIN fit ON fit.lead_id = m.lead_id
)
SELECT f.lead_id, f.mql_at, date_trunc('month', f.mql_at) AS month_, f.trigger_, f.tier_,
  f.explained_, f.fits_, dl.key_, dl.minutes_ AS deadline_minutes_, dl.clause_,
  dl.words_ AS deadline_words_,
  date_diff('second', f.mql_at, f.first_response_at) / 60.0 AS response_minutes_,
  COALESCE(f.first_response_at < f.mql_at, FALSE) AS responded_before_,
  COALESCE(f.first_response_at >= f.mql_at AND CASE WHEN dl.days_ IS NULL
    THEN date_diff('second', f.mql_at, f.first_response_at) <= dl.minutes_ * 60
    ELSE f.first_response_at <= {_business_deadline("f.mql_at", "dl.days_")} END, FALSE)
    AS responded_in_time_,
  f.sdr_decision, f.rejection_reason,
  date_diff('second', f.mql_at, f.sdr_decision_at) / 3600.0 AS decision_hours_,
  f.touches_7d, date_diff('second', f.mql_at, f.notified_at) AS notify_seconds_,
  f.email, f.company, f.title, f.lead_source
FROM f LEFT JOIN dl ON dl.rs = f.rs_ AND dl.trg = f.trigger_
ORDER BY f.lead_id"""


@dataclass(slots=True)
class Figure:
    """One SLA commitment measured: numerator of denominator against a target, and who missed
    what in one sentence."""

    side: Literal["sales", "marketing"]
    clause: str
    what: str
    numerator: int = 0
    denominator: int = 0
    target: float | None = None
    target_words: str = ""
    status: Status = "measured"
    sentence: str = ""
    unknown: int = 0
    # How the report marks a figure not kept, where MISSED would say the wrong thing: the
    # volume's OVER (more than agreed, not marketing short of it). Empty: kept or MISSED.
    flag: str = ""

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def kept(self) -> bool | None:
        """None when nothing could be measured."""
        rate = self.rate
        if self.status != "measured" or rate is None or self.target is None:
            return None
        if self.target_words.startswith("over"):
            return rate > self.target
        return rate >= self.target

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["rate"] = self.rate
        out["kept"] = self.kept
        return out


@dataclass(slots=True)
class RejectionCount:
    reason: str
    count: int
    standard: bool
    advice: str = ""


@dataclass(slots=True)
class SlaReport:
    """Both SLAs over the MQLs of a period. `start` and `end` are its first and last day, both
    included (None: open), as `--from` and `--to` were typed; in JSON "from" and "to" are
    those days as YYYY-MM-DD (earlier versions wrote "to" as the midnight after the period,
    excluded: a report saved then reads one day later than its last day)."""

    mqls: int
    start: date | None
    end: date | None
    sales: list[Figure] = field(default_factory=list)
    marketing: list[Figure] = field(default_factory=list)
    rejections: list[RejectionCount] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Whose MQLs these are, when the version was signed after some of them: a year of
    # history was "[MISSED]" for both teams, before the agreement existed, and never said so.
    whose: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "mqls": self.mqls,
            "whose": self.whose or None,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "sales": [f.to_json() for f in self.sales],
            "marketing": [f.to_json() for f in self.marketing],
            "rejection_reasons": [asdict(r) for r in self.rejections],
            "notes": self.notes,
        }


def _pct(n: int, d: int, target: float | None = None) -> str:
    """'76%'; a share that is not all never reads as 100%, nor a share above none as 0%,
    nor a share that misses (or beats) `target` as the target itself: 265/310 against "over
    85%" reads '85.5%', where '85%' looked kept and missed at once."""
    if not d:
        return "-"
    if n < d and round(n / d * 100) == 100:
        return "over 99%"
    if n > 0 and round(n / d * 100) == 0:
        return "under 1%"
    if target is not None and n / d != target and round(n / d * 100) == round(target * 100):
        # As many decimals as it takes to tell the share from its target (1699/2000 is 84.95%).
        for places in range(1, 5):
            if round(n / d * 100, places) != round(target * 100, places):
                return f"{n / d * 100:.{places}f}%"
    return percent(n / d)


def _says(figure: Figure) -> str:
    return f"the agreement says {figure.target_words}."


def _missing(side: Literal["sales", "marketing"], clause: str, what: str, column: str) -> Figure:
    return Figure(
        side,
        clause,
        what,
        status="not in the data",
        sentence=f"Not measured: the file has no {column} column (not in the data).",
    )


def check_period(first_day: date | None, last_day: date | None) -> None:
    """Refuse a period that ends before it starts; one day (`--from D --to D`) is a period."""
    if first_day is not None and last_day is not None and first_day > last_day:
        raise InputError(
            [Problem(f"is after --to {last_day.isoformat()}: no day is in both", field="--from")]
        )


def measure(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    first_day: date | None = None,
    last_day: date | None = None,
    absent: frozenset[str] | set[str] = frozenset(),
    leads: str = "leads",
    activities: str = "activities",
) -> SlaReport:
    """Both SLAs over the historical MQLs of the loaded tables created from `first_day` to
    `last_day`, both included (`coverage.day_bounds`). `absent`: the leads columns the file
    does not have at all (the loader's note), said as not in the data."""
    check_period(first_day, last_day)
    cursor = con.execute(mql_facts_sql(definition, first_day, last_day, leads, activities))
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    report = SlaReport(len(rows), first_day, last_day)
    report.whose = _whose(definition, rows)
    report.sales = _sales(definition, rows, absent, report.notes)
    report.marketing = _marketing(definition, rows, absent, whole_months(con, first_day, last_day))
    report.rejections = _rejections(rows) if "rejection_reason" not in absent else []
    return report


def _whose(definition: Definition, rows: list[dict[str, Any]]) -> str:
    """The sentence that says the MQLs came before the version was signed, if any did."""
    signoff = definition.signoff
    if signoff is None or not rows:
        return ""
    signed = signoff.signed_utc()
    naive = signed.replace(tzinfo=None)  # DuckDB's times are UTC without a zone
    before = sum(
        1 for row in rows if row["mql_at"] < (naive if row["mql_at"].tzinfo is None else signed)
    )
    if not before:
        return ""
    v = f"v{definition.version}"
    share = "all" if before == len(rows) else f"{before} of the {len(rows)}"
    return (
        f"{v} was signed on {signed.date().isoformat()}: {share} MQLs here came before it, "
        f"made by the process in force then. They show how that process would have met "
        f"{v}'s SLA, not that {v}'s was broken."
    )


def _sales(
    definition: Definition,
    rows: list[dict[str, Any]],
    absent: frozenset[str] | set[str],
    notes: list[str],
) -> list[Figure]:
    sales = definition.sla.sales
    out: list[Figure] = []
    target = RESPONSE_COMPLIANCE_TARGET
    over = f"over {percent(target)}"
    if "first_response_at" in absent:
        out.append(
            _missing("sales", "sla.sales.response_minutes", "response time", "first_response_at")
        )
    else:
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            if row["clause_"] is None:
                continue
            groups.setdefault(row["clause_"], []).append(row)
        uncovered = sum(1 for row in rows if row["clause_"] is None)
        if uncovered:
            notes.append(
                f"{uncovered} MQLs have a trigger no response time covers: not in the "
                "response figures."
            )
        for clause, group in sorted(groups.items()):
            # A first response timed before the MQL cannot be read as an answer to it (sales
            # was already in touch, or the CRM's clocks disagree): named, left out.
            early = sum(1 for row in group if row["responded_before_"])
            group = [row for row in group if not row["responded_before_"]]
            if not group:
                continue
            within = sum(1 for row in group if row["responded_in_time_"])
            words = group[0]["deadline_words_"]
            key = group[0]["key_"]
            what = _TRIGGER_WORDS.get(key) or (
                "content-triggered MQLs"
                if key == "content"
                else f"{key.replace('tier', 'tier ')} MQLs"
            )
            never = sum(1 for row in group if row["response_minutes_"] is None)
            figure = Figure(
                "sales",
                clause,
                f"response to {what}",
                within,
                len(group),
                target,
                over,
                unknown=early,
            )
            before = (
                f"; {early} more answered before the MQL time, left out as the data cannot tell"
                if early
                else ""
            )
            figure.sentence = (
                f"Sales answered {within} of {len(group)} {what} within {words} "
                f"({_pct(within, len(group), target)}; {never} never answered{before}); "
                f"{_says(figure)}"
            )
            out.append(figure)
    out += _decisions(sales.decide_within_hours, rows, absent)
    out.append(_follow_up(sales.follow_up_touches, sales.follow_up_days, rows, absent))
    return out


def _decided_with_reason(row: dict[str, Any]) -> bool:
    """Accepted, or rejected with a reason: what the decision clause asks of every MQL."""
    decision = row["sdr_decision"]
    return decision == "accepted" or (
        decision == "rejected" and bool((row["rejection_reason"] or "").strip())
    )


def _decisions(
    hours: int, rows: list[dict[str, Any]], absent: frozenset[str] | set[str]
) -> list[Figure]:
    out: list[Figure] = []
    clause = "sla.sales.decide_within_hours"
    if "sdr_decision" in absent:
        out.append(_missing("sales", clause, "decision time", "sdr_decision"))
    elif "sdr_decision_at" in absent:
        # When they decided is unknown, but an MQL never worked missed the clause whenever.
        decided = sum(1 for row in rows if _decided_with_reason(row))
        unworked = sum(1 for row in rows if row["sdr_decision"] in (None, "unworked"))
        figure = Figure(
            "sales", clause, "decision (timing not in the data)", decided, len(rows), 1.0,
            "every MQL",
        )  # fmt: skip
        figure.sentence = (
            f"Sales accepted or rejected (with a reason) {decided} of {len(rows)} MQLs "
            f"({_pct(decided, len(rows), figure.target)}; {unworked} never worked, a miss whenever it is "
            f"measured); when they decided is not in the data (no sdr_decision_at), so the "
            f"{hours}-hour deadline itself is not measured; {_says(figure)}"
        )
        out.append(figure)
    else:
        # A decision timed before the MQL was not a decision on it.
        kept = sum(
            1
            for row in rows
            if _decided_with_reason(row)
            and row["decision_hours_"] is not None
            and 0 <= row["decision_hours_"] <= hours
        )
        unworked = sum(1 for row in rows if row["sdr_decision"] in (None, "unworked"))
        figure = Figure(
            "sales", clause, "decision within the deadline", kept, len(rows), 1.0, "every MQL"
        )
        figure.sentence = (
            f"Sales accepted or rejected (with a reason) {kept} of {len(rows)} MQLs within "
            f"{hours} hours ({_pct(kept, len(rows), figure.target)}; {unworked} never worked); "
            f"{_says(figure)}"
        )
        out.append(figure)
    feedback = "sla.sales.rejection_reasons"
    if "rejection_reason" in absent or "sdr_decision" in absent:
        out.append(_missing("sales", feedback, "rejection reasons", "rejection_reason"))
        return out
    rejected = [row for row in rows if row["sdr_decision"] == "rejected"]
    with_reason = sum(1 for row in rejected if (row["rejection_reason"] or "").strip())
    figure = Figure(
        "sales",
        feedback,
        "a reason for every rejection",
        with_reason,
        len(rejected),
        1.0,
        "every rejection",
    )
    figure.sentence = (
        f"Sales gave a reason for {with_reason} of {len(rejected)} rejections "
        f"({_pct(with_reason, len(rejected), figure.target)}); {_says(figure)}"
    )
    out.append(figure)
    return out


def _follow_up(
    touches: int, days: int, rows: list[dict[str, Any]], absent: frozenset[str] | set[str]
) -> Figure:
    clause = "sla.sales.follow_up_touches"
    if "touches_7d" in absent:
        return _missing("sales", clause, "follow-up touches", "touches_7d")
    accepted = [row for row in rows if row["sdr_decision"] == "accepted"]
    known = [row for row in accepted if row["touches_7d"] is not None]
    kept = sum(1 for row in known if row["touches_7d"] >= touches)
    unknown = len(accepted) - len(known)
    figure = Figure(
        "sales",
        clause,
        f"{touches}+ touches in {days} days",
        kept,
        len(known),
        1.0,
        "every accepted MQL",
        unknown=unknown,
    )
    figure.sentence = (
        f"Sales touched {kept} of {len(known)} accepted MQLs {touches}+ times in the first "
        f"{days} days ({_pct(kept, len(known), figure.target)}; {unknown} with touches unknown); "
        f"{_says(figure)}"
    )
    return figure


def _marketing(
    definition: Definition,
    rows: list[dict[str, Any]],
    absent: frozenset[str] | set[str],
    months: tuple[list[date], list[date]] = ([], []),
) -> list[Figure]:
    sla = definition.sla.marketing
    out: list[Figure] = []
    fits = sum(1 for row in rows if row["fits_"])
    target = sla.quality_pct / 100
    quality = Figure(
        "marketing",
        "sla.marketing.quality_pct",
        "MQLs meeting the fit gate",
        fits,
        len(rows),
        target,
        f"at least {sla.quality_pct}%",
    )
    quality.sentence = (
        f"{fits} of {len(rows)} MQLs meet the documented fit gate ({_pct(fits, len(rows), quality.target)}); "
        f"{_says(quality)}"
    )
    out.append(quality)
    out.append(_volume(sla.monthly_volume, rows, months))
    for name in sla.required_fields:
        column = REQUIRED_FIELD_COLUMNS.get(name)
        clause = f"sla.marketing.required_fields.{name}"
        if column is None or column in absent:
            figure = _missing("marketing", clause, f"{name} on every MQL", column or name)
            if column is None:
                figure.sentence = (
                    f"Not measured: lead history has no {name} column the workbench reads "
                    "(not in the data)."
                )
            out.append(figure)
            continue
        if column == "activities":
            have = sum(1 for row in rows if row["explained_"])
        else:
            have = sum(1 for row in rows if (row[column] or "").strip())
        figure = Figure(
            "marketing", clause, f"{name} on every MQL", have, len(rows), 1.0, "every MQL"
        )
        source = (
            f"an activity up to {MQL_TRIGGER_WINDOW_HOURS} h before mql_at"
            if column == "activities"
            else column
        )
        figure.sentence = (
            f"{have} of {len(rows)} MQLs have {name.replace('_', ' ')} (from {source}) "
            f"({_pct(have, len(rows), figure.target)}); {_says(figure)}"
        )
        out.append(figure)
    clause = "sla.marketing.notify_seconds"
    if "notified_at" in absent:
        out.append(_missing("marketing", clause, "notification time", "notified_at"))
    else:
        seconds = sla.notify_seconds
        quick = sum(
            1
            for row in rows
            if row["notify_seconds_"] is not None and row["notify_seconds_"] <= seconds
        )
        figure = Figure(
            "marketing",
            clause,
            f"sales notified within {seconds} s",
            quick,
            len(rows),
            1.0,
            "every MQL",
        )
        figure.sentence = (
            f"Sales was notified within {seconds} seconds of {quick} of {len(rows)} MQLs "
            f"({_pct(quick, len(rows), figure.target)}); {_says(figure)}"
        )
        out.append(figure)
    return out


def whole_months(
    con: duckdb.DuckDBPyConnection, first_day: date | None, last_day: date | None
) -> tuple[list[date], list[date]]:
    """(whole months, partial months) of the period, by their first day: a month is whole when
    the period holds every one of its days and the history covers it (`coverage.covers`, as
    `metrics` and the backtest read a month); a month the period or the history only enters
    is partial, its count low by construction."""
    from workbench.core.evidence.periods import file_span

    first, last = file_span(con)
    if first is None or last is None:
        return [], []
    start = max(first_day or as_day(first), as_day(first))
    end = min(last_day or as_day(last), as_day(last))
    whole: list[date] = []
    partial: list[date] = []
    month = date(start.year, start.month, 1)
    while month <= end:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        final = following - timedelta(days=1)
        inside = (first_day is None or first_day <= month) and (
            last_day is None or final <= last_day
        )
        (whole if inside and covers(first, last, month, final) else partial).append(month)
        month = following
    return whole, partial


def _volume(
    committed: int, rows: list[dict[str, Any]], months: tuple[list[date], list[date]]
) -> Figure:
    """Marketing's volume commitment, month by whole month: about `committed` a month
    (`framework.volume_standing`). A month under half of it is short, a miss of marketing's
    commitment; over twice it is flagged over: more MQLs than the pace sales agreed to answer
    at the SLA's times, a miss of the agreement, not of marketing's delivery."""
    whole, partial = months
    clause = "sla.marketing.monthly_volume"
    figure = Figure("marketing", clause, "whole months at about the agreed volume")
    figure.target, figure.target_words = 1.0, volume_words(committed)
    if committed <= 0:
        figure.status = "not agreed"
        figure.sentence = "Not measured: the SLA commits to no monthly volume (0)."
        return figure
    counts = dict.fromkeys(whole, 0)
    for row in rows:
        month = as_day(row["month_"])
        if month in counts:
            counts[month] += 1
    short = [m for m, n in counts.items() if volume_standing(n, committed) == "short"]
    over = [m for m, n in counts.items() if volume_standing(n, committed) == "over"]
    figure.numerator, figure.denominator = len(counts) - len(short) - len(over), len(counts)
    low, high = volume_range(committed)
    left = (
        f" ({_months_named(partial)}: only part of the month is in the period or the "
        "history, not counted)"
        if partial
        else ""
    )
    if not counts:
        figure.sentence = (
            f"Not measured: no whole month in the period{left}; the agreement says "
            f"{figure.target_words}."
        )
        return figure
    average = sum(counts.values()) / len(counts)
    said = [
        f"Marketing delivered {low} to {high} MQLs in {figure.numerator} of "
        f"{len(counts)} whole months"
    ]
    if short:
        said.append(f"short, under {low}: {_months_named(short)}")
    if over:
        said.append(
            f"over {high}, more than sales agreed to answer at the SLA's times: "
            f"{_months_named(over)}"
        )
    figure.flag = ", ".join(["MISSED"] * bool(short) + ["OVER"] * bool(over))
    figure.sentence = (
        "; ".join(said)
        + f". About {average:.0f} a month, {average / committed:.1f}x the agreed volume"
        + f"{left}; {_says(figure)}"
    )
    return figure


def _months_named(months: list[date]) -> str:
    names = [f"{m.year:04d}-{m.month:02d}" for m in months]
    if len(names) > 4:
        return f"{len(names)} months ({names[0]} to {names[-1]})"
    return ", ".join(names)


def _rejections(rows: list[dict[str, Any]]) -> list[RejectionCount]:
    """Reasons given, most frequent first, spellings of one reason counted together ('No
    Budget' and 'no budget'; 'Bad fit (company)' and bad-fit-company); a reason outside the
    eight standard ones is said to be so (map it with `[values.rejection_reason]`), never
    dropped. A reason is shown as its most frequent spelling, a standard one by its key."""
    from workbench.core.evidence.backtest import REJECTION_ADVICE, tally_reasons

    given = [
        (reason, 1)
        for row in rows
        if row["sdr_decision"] == "rejected" and (reason := (row["rejection_reason"] or "").strip())
    ]
    out: list[RejectionCount] = []
    for key, spelling, count in tally_reasons(given):
        standard = key in STANDARD_REJECTION_REASONS
        shown = key if standard else spelling
        advice = (
            REJECTION_ADVICE[key][1]
            if key in REJECTION_ADVICE
            else ("Not one of the eight standard reasons: map it in the mapping file.")
        )
        out.append(RejectionCount(shown, count, standard, advice))
    return out


def report_lines(report: SlaReport) -> list[str]:
    """The report as text: a Sales and a Marketing section, each figure with its clause, value,
    target and sentence; then the rejection reasons with the framework's advice."""
    period = ""
    if report.start or report.end:
        start = report.start.isoformat() if report.start else "the start"
        end = report.end.isoformat() if report.end else "the end"
        period = f" from {start} to {end} (both days included)"
    lines = [f"SLA measured over {report.mqls} historical MQLs{period}"]
    if report.whose:
        lines += textwrap.wrap(report.whose, 80)
    lines += textwrap.wrap(
        "The MQLs are the ones your CRM recorded (the leads file's mql_at), whatever process "
        "made them; each is held to this version's clauses. For this version's own MQLs "
        "replayed over the history, run `workbench backtest`.",
        80,
    )
    for title, figures in (("Sales", report.sales), ("Marketing", report.marketing)):
        lines += ["", title]
        for figure in figures:
            kept = {True: "kept", False: figure.flag or "MISSED", None: "not measured"}[figure.kept]
            value = (
                f"{figure.numerator}/{figure.denominator} = "
                f"{_pct(figure.numerator, figure.denominator, figure.target)}"
                if figure.rate is not None
                else ("nothing to measure" if figure.status == "measured" else figure.status)
            )
            lines.append(
                f"  [{kept}] {figure.clause}: {value}, target {figure.target_words or '-'}"
            )
            lines += textwrap.wrap(
                figure.sentence, 80, initial_indent="    ", subsequent_indent="    "
            )
    if report.rejections:
        lines += ["", "Rejection reasons"]
        for reason in report.rejections[:5]:
            mark = "" if reason.standard else " (not a standard reason)"
            lines.append(f"  {reason.reason}{mark}: {reason.count}")
            lines += textwrap.wrap(
                f"→ {reason.advice}", 80, initial_indent="    ", subsequent_indent="      "
            )
    for note in report.notes:
        lines += textwrap.wrap(f"note: {note}", 80, subsequent_indent="  ")
    return lines
