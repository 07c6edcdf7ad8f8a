"""The SQL engine: a definition compiled to one query that replays every lead's history.

The query reads the two canonical tables (see `tables`) and returns one row per MQL event,
exactly the events of the reference replay in `replay` (its docstring is the contract, and a
property test holds the two together). How it gets there without looping over leads:

- **Lead-level clauses are columns.** Disqualifiers, the choice of segment or motion and the
  fit gate depend only on the lead's snapshot, so each rule set `i` becomes a boolean `e{i}`
  per lead ("this rule set applies and its fit passes"), and its seniority points `sp{i}`.
  Leads no rule set applies to are dropped before their activities are read.
- **Moments are rows.** Each activity row carries what it adds at its moment; window functions
  with RANGE frames (which take in every activity at the same timestamp, so the rows of one
  moment agree) give the latest activity of each trigger kind set, encoded as
  `t * 32 + (31 - kind index)` so one MAX finds the latest time and, on a tie, the kind first
  in the vocabulary; counts inside each tier 2 window; windowed score points.
- **The first MQL needs no history.** Before it, a lead can only become an MQL at an activity
  some clause names (between such moments only time passes, and time only lowers counts and
  positive scores), so the first MQLs are found on those rows alone. What time raises (negative
  points or an excluding activity leaving their window, an account's other contacts) keeps
  every moment of the leads it can happen to, from the first such activity on
  (`_Compiler.first_moments`).
- **Later MQLs difference running totals.** After an MQL at `m`, only activity in `(m, t]`
  counts: a count over `(m, t]` inside a window `[t - W, t]` is the window's own count when
  `m < t - W`, else the running count at `t` minus the running count at `m`, which the event
  row carries. From each lead's first MQL on, every row is kept for a lead with activity a
  resubmit window later (a hand raise routed inside the window makes an MQL at whatever moment
  comes next past it; a lead without such activity has no later MQL), and a recursive CTE
  walks from event to event: the next event is the first moment at or past the window where
  some rule set fires given the last event's state.
- **Decay** (a scoring half-life) cannot be differenced that way, so its score is summed over
  (moment, activity) pairs inside the scoring window, restricted to activity after `m`.

The query is written in DuckDB's dialect; `export` translates it for warehouses with sqlglot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from workbench.core.domain.account import (
    ACCOUNT_WINDOW_DAYS,
    INTENT_MIN_ACTIONS,
    has_account_motion,
    intent_kinds,
)
from workbench.core.domain.definition import Definition, FitGate, Scoring
from workbench.core.domain.evaluator import SCORE_TOLERANCE, Prepared, RuleSet, prepare
from workbench.core.domain.matching import TITLE_SEPARATORS, domain_form, keyword_form
from workbench.core.domain.sources import normalized, source_form
from workbench.core.domain.vocab import (
    ACCOUNT_TRIGGER,
    ACTIVITY_KINDS,
    CUSTOMERS_TO_OWNER,
    SENIORITY_ORDER,
)
from workbench.core.evidence.replay import MqlEvent
from workbench.core.evidence.tables import TABLES, ActivityRow, LeadRow, sql_columns

if TYPE_CHECKING:
    import duckdb

_US_PER_DAY = 86_400 * 1_000_000
_KIND_SLOTS = 32  # more than there are activity kinds: the low bits of a trigger code
_FACT_BITS = 1 << 32  # an account's intent actions above its engaged contacts in one sum
# DuckDB keeps a CTE read twice in memory for the whole query; this one is the activities
# table itself, so it is read again instead. Exports leave the hint out (`compile_replay`).
_NOT_MATERIALIZED = "NOT MATERIALIZED "
assert len(ACTIVITY_KINDS) < _KIND_SLOTS


def _lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _in_list(values: Iterable[str]) -> str:
    return ", ".join(_lit(v) for v in sorted(values))


def _kind_in(kinds: Iterable[str], alias: str = "") -> str:
    """The activity's kind is one of `kinds` (FALSE for none: `IN ()` is no SQL)."""
    return f"{alias}kind IN ({_in_list(kinds)})" if kinds else "FALSE"


def _days_us(days: float) -> int:
    return round(days * _US_PER_DAY)


@dataclass
class _Features:
    """The per-moment columns the rule sets need, each computed once however often it is used."""

    kind_sets: dict[frozenset[str], int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    kind_windows: dict[tuple[str, int], int] = field(default_factory=dict)
    points: dict[tuple[tuple[str, int], ...], int] = field(default_factory=dict)
    point_windows: dict[tuple[tuple[tuple[str, int], ...], int | None], int] = field(
        default_factory=dict
    )
    decays: dict[tuple[tuple[tuple[str, int], ...], int | None, float], int] = field(
        default_factory=dict
    )
    combos: dict[tuple[tuple[str, ...], int], int] = field(default_factory=dict)
    # (combination, n): a moment's n-th latest complete session (`cn{combination}_{n}`).
    nth: set[tuple[int, int]] = field(default_factory=set)
    # The running values a later MQL reads as a difference (`_Compiler._since`).
    differenced: set[str] = field(default_factory=set)
    # The review rule's count of every activity, when a score is reviewed only for volume
    # (`review_rule.score_rule = false`): the activity count that makes it high (`n_`).
    volume: int | None = None

    @staticmethod
    def _id(table: dict[Any, int], key: Any) -> int:
        return table.setdefault(key, len(table))

    def latest(self, kinds: frozenset[str]) -> str:
        return f"lk{self._id(self.kind_sets, kinds)}"

    def running(self, kind: str) -> str:
        return f"pc{self._id(self.kinds, kind)}"

    def windowed(self, kind: str, days: int) -> str:
        self.running(kind)
        return f"wc{self._id(self.kind_windows, (kind, days))}"

    def running_points(self, points: tuple[tuple[str, int], ...]) -> str:
        return f"ps{self._id(self.points, points)}"

    def windowed_points(self, points: tuple[tuple[str, int], ...], days: int | None) -> str:
        self.running_points(points)
        return f"ws{self._id(self.point_windows, (points, days))}"

    def decayed(self, points: tuple[tuple[str, int], ...], days: int | None, half: float) -> int:
        return self._id(self.decays, (points, days, half))

    def combined(self, kinds: tuple[str, ...], days: int) -> int:
        """A tier 2 combination's table of complete sessions (`cp{n}`)."""
        return self._id(self.combos, (kinds, days))

    def state(self) -> list[str]:
        """Running values an event row carries, so later moments can difference against it."""
        totals = [f"pc{i}" for i in self.kinds.values()] + [f"ps{i}" for i in self.points.values()]
        return [name for name in totals if name in self.differenced] + (
            ["n_"] if self.volume is not None else []
        )


def _points_key(scoring: Scoring) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((k, v) for k, v in scoring.activity_points.items() if v))


# --- lead-level clauses ----------------------------------------------------------------------


def _ends_with(column: str, suffix: str) -> str:
    """`column` ends with `suffix`, as LIKE, which DuckDB plans as a suffix test (half the
    time of comparing `right(...)` on 1M e-mail domains). Only for an e-mail domain entry:
    `check_domains` allows letters, digits, '-' and '.', so no wildcard, escape or quote."""
    assert not any(c in suffix for c in "%_\\'"), suffix
    return f"{column} LIKE {_lit('%' + suffix)}"


def _competitor(names: frozenset[str]) -> str:
    """The evaluator's competitor match on the lead row `l` (domain, e-mail domain, name)."""
    tests = ["l.rel_ = 'competitor'"]
    if names:
        for domain in ("l.domain_", "l.email_domain_"):
            for name in sorted(names):
                suffix = "." + name
                tests.append(
                    f"COALESCE({domain} = {_lit(name)} OR "
                    f"right({domain}, {len(suffix)}) = {_lit(suffix)}, FALSE)"
                )
        tests.append(f"COALESCE(l.company_ IN ({_in_list(names)}), FALSE)")
    return "(" + " OR ".join(tests) + ")"


def _disqualified(rules: RuleSet) -> str:
    customer = (
        "l.rel_ = 'customer'" if rules.fit.existing_customers in CUSTOMERS_TO_OWNER else "FALSE"
    )
    return f"({_competitor(rules.competitors)} OR {customer})"


def _listed(column: str, allowed: list[str], wanted: frozenset[str]) -> str | None:
    if not allowed:
        return None
    if not wanted:
        return "FALSE"
    return f"COALESCE(l.{column}_ IN ({_in_list(wanted)}), FALSE)"


def _title_has(keyword: str) -> str:
    """`matching.title_matches` on the lead row's padded title `title_`."""
    return f"COALESCE(strpos(l.title_, {_lit(keyword_form(keyword))}) > 0, FALSE)"


def _title_worth_padding(fits: list[FitGate], padded: str) -> str:
    """`padded` only for a title that may hold a keyword some fit gate looks for, else NULL
    (which no keyword is in). A keyword's longest word is in the lower-case raw title of every
    title it is found in, and a substring test is far cheaper than the regular expression:
    most titles hold none."""
    keywords = {k for fit in fits for k in fit.exclude_titles}
    keywords |= {k for fit in fits if fit.score is not None for k in fit.score.title_points}
    words = [keyword_form(k).split() for k in sorted(keywords)]
    if not words or not all(words):
        return padded
    tests = sorted({f"strpos(lower(l.title), {_lit(max(w, key=len))}) > 0" for w in words})
    return f"CASE WHEN {' OR '.join(tests)} THEN {padded} END"


def _domain_is(entry: str) -> str:
    """`matching.domain_matches` on the lead row's e-mail domain."""
    name = domain_form(entry)
    return (
        f"COALESCE(l.email_domain_ = {_lit(name)} OR "
        f"{_ends_with('l.email_domain_', '.' + name)}, FALSE)"
    )


def _fit_score(fit: FitGate) -> str:
    """`evaluator.fit_score` on the lead row: every entry that matches adds its points."""
    score = fit.score
    assert score is not None
    terms: list[str] = []
    for level, points in score.seniority_points.items():
        if points:
            terms.append(f"CASE WHEN l.seniority = {_lit(level)} THEN {points} ELSE 0 END")
    for name, points in score.industry_points.items():
        if points and name.strip():
            wanted = _lit(name.strip().lower())
            terms.append(f"CASE WHEN l.industry_ = {wanted} THEN {points} ELSE 0 END")
    for entry, points in score.email_domain_points.items():
        if points:
            terms.append(f"CASE WHEN {_domain_is(entry)} THEN {points} ELSE 0 END")
    for keyword, points in score.title_points.items():
        if points:
            terms.append(f"CASE WHEN {_title_has(keyword)} THEN {points} ELSE 0 END")
    for band in score.size_points:
        if band.points:
            inside = _in_band(band.min_employees, band.max_employees)
            terms.append(f"CASE WHEN {inside} THEN {band.points} ELSE 0 END")
    return "(" + " + ".join(terms) + ")" if terms else "0"


def _uses_titles(fit: FitGate) -> bool:
    return bool(fit.exclude_titles) or (fit.score is not None and bool(fit.score.title_points))


def _fit(rules: RuleSet) -> str:
    """The fit gate passes: no excluded persona, nothing failed and nothing unknown."""
    tests = _fit_tests(rules)
    return "(" + " AND ".join(tests) + ")" if tests else "TRUE"


def _fit_tests(rules: RuleSet) -> list[str]:
    """`_fit`'s conjuncts, each a test on the lead row `l`."""
    fit: FitGate = rules.fit
    tests: list[str] = []
    if fit.excluded_personas:
        tests.append(f"l.persona_ NOT IN ({_in_list(fit.excluded_personas)})")
    # Written out in each rule set's test, not once per lead in `lb`: DuckDB evaluates an AND
    # only on the rows its earlier terms let through, and a column for every lead measured
    # 0.5 s CPU slower on 1M leads of the $30M+ template (BENCHMARKS.md, round 4).
    inferred = [_title_has(k) for k in fit.exclude_titles]
    inferred += [_domain_is(d) for d in fit.exclude_email_domains]
    if inferred:
        # A persona set by hand (a non-empty cell) wins over the title and the e-mail.
        tests.append(f"(l.hand_ OR NOT ({' OR '.join(inferred)}))")
    if fit.score is not None:
        tests.append(f"{_fit_score(fit)} >= {fit.score.threshold}")
    if fit.min_employees is not None or fit.max_employees is not None:
        tests.append("l.employees IS NOT NULL")
        if fit.min_employees is not None:
            tests.append(f"l.employees >= {fit.min_employees}")
        if fit.max_employees is not None:
            tests.append(f"l.employees <= {fit.max_employees}")
    for test in (
        _listed("industry", fit.industries, rules.industries),
        _listed("region", fit.regions, rules.regions),
    ):
        if test is not None:
            tests.append(test)
    if fit.min_seniority is not None:
        allowed = SENIORITY_ORDER[SENIORITY_ORDER.index(fit.min_seniority) :]
        tests.append(f"COALESCE(l.seniority IN ({_in_list(allowed)}), FALSE)")
    return tests


def _in_band(low: int | None, high: int | None) -> str:
    tests = ["l.employees IS NOT NULL"]
    if low is not None:
        tests.append(f"l.employees >= {low}")
    if high is not None:
        tests.append(f"l.employees <= {high}")
    return "(" + " AND ".join(tests) + ")"


def _eligibility(prepared: Prepared) -> list[tuple[RuleSet, list[str]]]:
    """Each rule set the evaluator may apply, with the SQL tests (all must hold) that say it
    applies to lead `l`."""
    definition = prepared.definition
    chosen: list[tuple[RuleSet, str]] = []
    if prepared.segments:
        earlier: list[str] = []
        for low, high, rules in prepared.segments:
            band = _in_band(low, high)
            first = " AND ".join([band, *(f"NOT {b}" for b in earlier)])
            chosen.append((rules, f"({first})"))
            earlier.append(band)
    elif prepared.motions:
        # With an account motion, engaged contacts are the history's at each moment
        # (`_account_gate`), not the table's.
        from_history = has_account_motion(definition)
        for motion, rules in prepared.motions:
            tests = (
                []
                if from_history
                else [f"COALESCE(l.engaged_contacts, 0) >= {motion.min_engaged_contacts}"]
            )
            if motion.target_accounts_only:
                tests.append("COALESCE(l.target_account, FALSE)")
            chosen.append((rules, "(" + " AND ".join(tests) + ")" if tests else "TRUE"))
    else:
        chosen.append((prepared.base, "TRUE"))
    out: list[tuple[RuleSet, list[str]]] = []
    for rules, applies in chosen:
        tests = ["NOT l.out_", applies]
        base_fit = definition.fit
        if rules.fit is not base_fit and (
            rules.fit.competitors != base_fit.competitors
            or rules.fit.existing_customers != base_fit.existing_customers
        ):
            tests.append(f"NOT {_disqualified(rules)}")
        tests += _fit_tests(rules) or ["TRUE"]
        out.append((rules, tests))
    return out


# The lead row's fields `ln` computes cheaply from one column each: a test on them can be
# read off the raw row before the dearer ones (the padded title, the e-mail domain) are made.
_CHEAP_FIELDS = {
    "industry_": "lower(trim(l.industry))",
    "region_": "lower(trim(l.region))",
    "rel_": "COALESCE(l.relationship, 'prospect')",
    "persona_": "COALESCE(l.persona, 'employee')",
}
_FIELD = re.compile(r"\bl\.(\w+_)\b")
_LITERAL = re.compile(r"('(?:[^']|'')*')")  # a SQL string literal, quotes doubled inside


def _on_raw_row(test: str) -> str | None:
    """`test` with the cheap fields it reads written out on the raw row; None when it reads a
    dearer one. Literals are left as they are (an industry may be spelt 'l.region_')."""
    parts = _LITERAL.split(test)
    code = parts[0::2]  # between the literals
    if not all(field in _CHEAP_FIELDS for part in code for field in _FIELD.findall(part)):
        return None
    parts[0::2] = [_FIELD.sub(lambda m: _CHEAP_FIELDS[m.group(1)], part) for part in code]
    return "".join(parts)


def _prefilter(eligibility: list[tuple[RuleSet, list[str]]]) -> list[str]:
    """The tests every rule set's eligibility makes, on the raw lead row: a lead failing one
    is in no rule set, so the replay leaves it out before computing its fields. With one rule
    set DuckDB pushes its tests down itself; with several (motions, segments) it cannot push
    an OR, and 1M leads of the $30M+ template spent 1.7 s CPU making every lead's fields."""
    first, *rest = [tests for _, tests in eligibility]
    common = [t for t in first if t != "TRUE" and all(t in other for other in rest)]
    return [raw for raw in map(_on_raw_row, common) if raw is not None]


def _account_gate(definition: Definition, rules: RuleSet, c: str) -> str | None:
    """The motion's account facts at moment `c` (replay rule 5), when history gives them."""
    if rules.motion is None or not has_account_motion(definition):
        return None
    # No minimum is no test: such a rule set never reads the facts (`_Compiler.needs_facts`).
    tests = [f"{c}.eng_ >= {n}" for n in [rules.min_engaged_contacts] if n > 0]
    if rules.qualifies_account:
        tests.append(f"{c}.aint_")
    return " AND ".join(tests) if tests else None


def account_key_sql(alias: str = "l") -> str:
    """A lead's account (replay rule 5): its account id, else its domain, else itself."""
    return (
        f"COALESCE('a:' || NULLIF({alias}.account_id, ''), 'd:' || NULLIF({alias}.domain, ''), "
        f"'l:' || {alias}.lead_id)"
    )


def _account_facts(
    definition: Definition,
    leads: str,
    activities: str,
    lead_columns: str,
    session: str = "",
    needs: str = "TRUE",
    warehouse: bool = False,
) -> list[str]:
    """CTEs giving each moment (k, t) of a replayed lead its account's engaged contacts and
    intent (replay rule 5): the account's activity in [t - window, t], every lead counted.
    They read the activities table once (`ab`, which `a0` narrows to replayed leads and `aa`
    to what the facts need) and the leads table once more (`lt`, every lead's account).

    Only where the replay reads them: at the moments of leads `needs` holds for (some rule
    set with an account gate applies), from the activity inside those moments' windows. At
    1M leads of the $30M+ template that is 88k of 773k moments and 3.6M of 7.2M activities.

    Counted as running sums of +1/-1 steps per account, not by joining each moment to the
    account's activity in its window: that join grows with the square of an account's
    activity (195M rows for 1M leads of the $30M+ template, a minute of DuckDB). A lead is
    engaged at t when it has activity in [t - window, t]: it steps in (+1) at an activity with
    none in the window before it, and out (-1) a microsecond past the window after an activity
    with none following inside it. Each intent action is +1 at its time and -1 past the window.
    Each moment that reads the facts has a row of its own (a 0 step) in its account's sum.

    Every step has its opposite in the same account (a lead's run of activity steps in once
    and out once; an intent action is counted and uncounted), so an account's steps sum to 0
    and one running sum over all accounts in (account, time) order is each account's own: one
    sort where a partition per account cost twice the CPU in DuckDB (2.2 -> 1.1 s on 4.2M
    steps at 1M leads). A `warehouse` export keeps the partition: a distributed engine runs a
    window without one on a single worker.

    For DuckDB (not `warehouse`) `ab` and `lt` carry `_NOT_MATERIALIZED`."""
    kinds = intent_kinds(definition)
    seen = _days_us(ACCOUNT_WINDOW_DAYS)  # how far back a moment sees
    out = seen + 1  # the first microsecond past the window
    intent = f"kind IN ({_in_list(kinds)})" if kinds else "FALSE"
    # Running sums with RANGE frames take in every step at the moment's own time (its peers).
    order = "PARTITION BY acct ORDER BY t" if warehouse else "ORDER BY acct, t"
    running = f"{order} RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
    hint = "" if warehouse else _NOT_MATERIALIZED
    return [
        # Accounts numbered, so the windows below partition and sort by numbers: the distinct
        # accounts are sorted, not every lead (a 1M-row sort was 1.3 s of the $30M+ replay).
        # Every lead's account, from the leads table: `ln` holds only the replayed leads.
        f"lt AS {hint}(SELECT l.lead_id, {account_key_sql()} AS acct_ FROM {leads} AS l)",
        "lk AS (\n  SELECT l.lead_id, g.acct FROM lt AS l JOIN (\n"
        "    SELECT acct_, ROW_NUMBER() OVER (ORDER BY acct_) AS acct\n"
        "    FROM (SELECT DISTINCT acct_ FROM lt) AS d\n  ) AS g ON g.acct_ = l.acct_\n)",
        # Read twice (`a0`, `aa`); DuckDB would keep all of it in memory between the two.
        f'ab AS {hint}(\n  SELECT a.lead_id, a.kind{session}, a."at",\n'
        "    date_diff('microsecond', TIMESTAMP '1970-01-01 00:00:00', a.\"at\") AS t\n"
        f'  FROM {activities} AS a WHERE a."at" IS NOT NULL\n)',
        f'a0 AS (\n  SELECT lq.k, a."at", a.kind{session}, {lead_columns}, a.t, x.acct\n'
        "  FROM ab AS a JOIN lq ON lq.lead_id = a.lead_id JOIN lk AS x ON x.lead_id = a.lead_id\n)",
        # Only the moments whose rule sets read the facts (`_account_gate`) take them.
        f"am AS (SELECT DISTINCT k, t, acct FROM a0 WHERE {needs})",
        # What those moments can see: per account, the spans [first - window, last] of runs of
        # moments less than a window apart. Activity outside them is in no moment's window, so
        # leaving it out changes no count at a moment (nor whether a lead is engaged there).
        "ag AS (\n  SELECT acct, t, SUM(CASE WHEN p IS NULL OR p < t - "
        f"{seen} THEN 1 ELSE 0 END)\n"
        "    OVER (PARTITION BY acct ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
        " AS g\n  FROM (SELECT acct, t, LAG(t) OVER (PARTITION BY acct ORDER BY t) AS p\n"
        "    FROM (SELECT DISTINCT acct, t FROM am) AS m) AS x\n)",
        f"ai AS (SELECT acct, MIN(t) - {seen} AS lo, MAX(t) AS hi FROM ag GROUP BY acct, g)",
        "aa AS (\n  SELECT x.acct, x.lead_id, a.kind, a.t\n"
        "  FROM ab AS a JOIN lk AS x ON x.lead_id = a.lead_id\n"
        "  JOIN ai ON ai.acct = x.acct AND a.t >= ai.lo AND a.t <= ai.hi\n)",
        # Each activity with its lead's activity before and after (a lead is in one account;
        # of activities at the same time one sees the one before them, one the one after).
        "ad AS (\n  SELECT acct, t, kind,\n"
        "    LAG(t) OVER (PARTITION BY acct, lead_id ORDER BY t) AS p,\n"
        "    LEAD(t) OVER (PARTITION BY acct, lead_id ORDER BY t) AS n\n  FROM aa\n)",
        # One step column: engaged contacts in the low bits, intent actions from bit 32 (both
        # are counts, never negative, and contacts stay far below 2^32), so one running sum
        # gives both; an activity that steps neither has no row.
        "ax AS (\n"
        f"  SELECT acct, t, CASE WHEN p IS NULL OR p < t - {out} THEN 1 ELSE 0 END\n"
        f"    + CASE WHEN {intent} THEN {_FACT_BITS} ELSE 0 END AS s, CAST(NULL AS BIGINT) AS k\n"
        f"  FROM ad WHERE p IS NULL OR p < t - {out} OR {intent}\n"
        "  UNION ALL\n"
        f"  SELECT acct, t + {out} AS t, CASE WHEN n IS NULL OR n > t + {out} THEN -1 ELSE 0 "
        f"END\n    + CASE WHEN {intent} THEN -{_FACT_BITS} ELSE 0 END AS s, "
        "CAST(NULL AS BIGINT) AS k\n"
        f"  FROM ad WHERE n IS NULL OR n > t + {out} OR {intent}\n"
        "  UNION ALL\n"
        "  SELECT acct, t, 0 AS s, k FROM am\n)",
        "af AS (\n  SELECT k, t, s_ FROM (\n    SELECT k, t,\n"
        f"      CAST(SUM(s) OVER ({running}) AS BIGINT) AS s_\n"
        "    FROM ax\n  ) AS s WHERE k IS NOT NULL\n)",
    ]


def _seniority_points(scoring: Scoring | None) -> str:
    if scoring is None or not any(scoring.seniority_points.values()):
        return _source_points(scoring)
    arms = " ".join(
        f"WHEN {_lit(level)} THEN {points}"
        for level, points in scoring.seniority_points.items()
        if points
    )
    source = _source_points(scoring)
    plus = "" if source == "0" else f" + {source}"
    return f"(CASE l.seniority {arms} ELSE 0 END{plus})"


# --- lead source clauses (`domain.sources`): on the lead row's `source_`, lower(trim(...)) ---


def _uses_sources(rules: RuleSet) -> bool:
    scoring = rules.scoring
    return bool(rules.fit.exclude_sources) or (
        scoring is not None and bool(scoring.source_points or scoring.source_thresholds)
    )


def _source_points(scoring: Scoring | None) -> str:
    """scoring.source_points: a lead's source adds its points once, like its seniority."""
    points = {k: v for k, v in normalized(scoring.source_points).items() if v} if scoring else {}
    if not points:
        return "0"
    arms = " ".join(f"WHEN {_lit(k)} THEN {v}" for k, v in sorted(points.items()))
    return f"(CASE l.source_ {arms} ELSE 0 END)"


def _source_threshold(scoring: Scoring) -> str:
    """scoring.source_thresholds: the lead's source's threshold, else the main one."""
    own = normalized(scoring.source_thresholds)
    arms = " ".join(f"WHEN {_lit(k)} THEN {v}" for k, v in sorted(own.items()))
    return f"(CASE l.source_ {arms} ELSE {scoring.threshold} END)"


def _source_apart(fit: FitGate) -> str:
    """fit.exclude_sources: the lead's source is qualified apart (unknown: it is not)."""
    forms = {f for v in fit.exclude_sources if (f := source_form(v))}
    return f"COALESCE(l.source_ IN ({_in_list(forms)}), FALSE)"


# --- moment-level clauses --------------------------------------------------------------------


@dataclass(frozen=True)
class _FirstMoments:
    """The moments a first MQL can be at (`_Compiler.first_moments`): an activity of one of
    `kinds`, or any moment from `delay_us` past a lead's first activity of `blockers` on."""

    kinds: frozenset[str]
    blockers: frozenset[str]
    delay_us: int
    # Lead columns (`e{i}`): every moment of a lead one of them holds for is kept.
    every: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Tests:
    """SQL for one rule set's triggers at moment alias `c`, given the last event alias `e`."""

    tier1: str
    tier2: list[tuple[str, str]]  # (test, trigger kind)
    tier4: str
    tier1_code: str
    tier4_code: str
    fires: str
    # An account motion's facts fire once its gate (part of `fires`) passes: tier 2, after
    # tier 1, 2 and 4 and before tier 3, as `evaluator._account_fires`.
    account: str = "FALSE"


class _Compiler:
    def __init__(
        self, definition: Definition, warehouse: bool = False, shortcut: bool = True
    ) -> None:
        self.definition = definition
        self.warehouse = warehouse
        self.prepared = prepare(definition)
        eligibility = _eligibility(self.prepared)
        self.rule_sets = [(rules, " AND ".join(tests)) for rules, tests in eligibility]
        self.prefilter = _prefilter(eligibility)
        self.features = _Features()
        self.window_us = _days_us(definition.recycling.resubmit_after_days)
        # Which tables later MQLs read sessions and decayed scores from: `cp{n}`/`dp{n}`, or
        # `cl{n}`/`dl{n}` at the tail's candidates (set by `sql` before it writes the step).
        self.late = "p"
        self.shortcut = shortcut  # find first MQLs on `first_moments` alone (`replay_query`)
        # Register every feature up front, so the moment CTEs know every column to build.
        for rules, _ in self.rule_sets:
            self.tests(rules, "c", None)
            self.tests(rules, "c", "e")

    # -- building blocks on a moment `c` and the last event `e` (None: no MQL yet) --

    @staticmethod
    def _after(code: str, c: str, e: str | None) -> str:
        if e is None:
            return f"({c}.{code} IS NOT NULL)"
        return f"COALESCE({c}.{code} > {e}.t * {_KIND_SLOTS} + {_KIND_SLOTS - 1}, FALSE)"

    @staticmethod
    def _fresh(code: str, days: int | None, c: str) -> str:
        """The latest activity a trigger code names is at most `days` old at moment `c`."""
        if days is None:
            return "TRUE"
        return f"COALESCE({c}.{code} >= ({c}.t - {_days_us(days)}) * {_KIND_SLOTS}, FALSE)"

    def _recent(self, code: str, days: int | None, c: str, e: str | None) -> str:
        """`_after`, and inside the recency window when there is one."""
        after = self._after(code, c, e)
        return after if days is None else f"({after} AND {self._fresh(code, days, c)})"

    def _sessions(
        self, kinds: tuple[str, ...], days: int, least: int, c: str, e: str | None
    ) -> str:
        """At least `least` sessions (or UTC days) hold every kind inside the window, after `e`.

        After `e`, that is "the `least`-th latest complete session is after `e`": a column of
        the candidate row (`cn{n}_{least}`), where a count of the sessions after `e` would be
        a scalar subquery per candidate and last event, planned anew wherever it is written."""
        n = self.features.combined(kinds, days)
        self.features.nth.add((n, least))
        if e is None:
            return f"COALESCE({c}.cs{n} >= {least}, FALSE)"
        return f"COALESCE({c}.cn{n}_{least} > {e}.t, FALSE)"

    def _since(self, running: str, windowed: str, days: int | None, c: str, e: str | None) -> str:
        """A sum over activity in (m, t] and inside the window [t - days, t].

        A candidate is at least the resubmit window past the last event (`cand`), so a window
        shorter than that never reaches back to it: the running total is then never read,
        and not computed (`_Features.differenced`)."""
        if e is None or (days is not None and _days_us(days) < self.window_us):
            return f"{c}.{windowed}"
        self.features.differenced.add(running)
        if days is None:
            return f"({c}.{running} - {e}.{running})"
        return (
            f"(CASE WHEN {e}.t < {c}.t - {_days_us(days)} THEN {c}.{windowed} "
            f"ELSE {c}.{running} - {e}.{running} END)"
        )

    def _score(self, rules: RuleSet, index: int, c: str, e: str | None) -> str:
        scoring = rules.scoring
        assert scoring is not None
        points = _points_key(scoring)
        seniority = f"{c}.sp{index}"
        if not points:
            return f"CAST({seniority} AS DOUBLE)"
        if scoring.half_life_days is not None:
            n = self.features.decayed(points, scoring.window_days, float(scoring.half_life_days))
            if e is None:
                activity = f"{c}.ds{n}"
            else:
                activity = (
                    f"COALESCE((SELECT SUM(p.w) FROM d{self.late}{n} p WHERE p.k = {c}.k "
                    f"AND p.t = {c}.t AND p.a > {e}.t), 0)"
                )
            return f"(CAST({activity} AS DOUBLE) + {seniority})"
        running = self.features.running_points(points)
        windowed = self.features.windowed_points(points, scoring.window_days)
        total = self._since(running, windowed, scoring.window_days, c, e)
        return f"CAST({total} + {seniority} AS DOUBLE)"

    def tests(self, rules: RuleSet, c: str, e: str | None) -> _Tests:
        index = next(i for i, (r, _) in enumerate(self.rule_sets) if r is rules)
        triggers = rules.triggers
        features = self.features
        tier1 = tier4 = "FALSE"
        tier1_code = tier4_code = "NULL"
        fresh = triggers.within_days
        if triggers.tier1:
            tier1_code = f"{c}.{features.latest(frozenset(triggers.tier1))}"
            tier1 = self._recent(features.latest(frozenset(triggers.tier1)), fresh, c, e)
        if triggers.tier4:
            tier4_code = f"{c}.{features.latest(frozenset(triggers.tier4))}"
            tier4 = self._recent(features.latest(frozenset(triggers.tier4)), fresh, c, e)
        tier2: list[tuple[str, str]] = []
        for rule in triggers.tier2:
            if rule.together:
                sessions = self._sessions(tuple(rule.kinds), rule.within_days, rule.min_count, c, e)
                tier2.append((sessions, rule.kind))
                continue
            if rule.min_count == 1:
                # One is enough: the latest such activity inside the window (a running
                # maximum, cheaper than a windowed count).
                latest = features.latest(frozenset({rule.kind}))
                tier2.append((self._recent(latest, rule.within_days, c, e), rule.kind))
                continue
            count = self._since(
                features.running(rule.kind),
                features.windowed(rule.kind, rule.within_days),
                rule.within_days,
                c,
                e,
            )
            tier2.append((f"COALESCE({count} >= {rule.min_count}, FALSE)", rule.kind))
        # A source qualified apart: engagement and score make no MQL, a hand raise still does.
        apart = f"{c}.xs{index}" if rules.fit.exclude_sources else None
        if apart is not None:
            tier2 = [(f"(NOT {apart} AND {test})", kind) for test, kind in tier2]
        arms = [tier1, *(t for t, _ in tier2), tier4]
        excluded = "FALSE"
        fit = rules.fit
        if fit.exclude_activities:
            # Excluded while the latest excluding activity is inside the window.
            seen = self._recent(
                features.latest(frozenset(fit.exclude_activities)),
                fit.exclude_activities_days,
                c,
                e,
            )
            excluded = f"COALESCE({c}.xa{index} AND {seen}, FALSE)"
        scoring = rules.scoring
        if triggers.tier3 and scoring is not None:
            threshold = f"{c}.th{index}" if scoring.source_thresholds else str(scoring.threshold)
            reaches = (
                f"COALESCE({self._score(rules, index, c, e)} >= "
                f"{threshold} - {SCORE_TOLERANCE!r}, FALSE)"
            )
            if apart is not None:
                reaches = f"(NOT {apart} AND {reaches})"
            review = self.definition.review_rule
            many = review.min_low_intent_actions
            if review.enabled and (review.score_rule or many is not None):
                high = set(review.high_intent) | set(triggers.tier1) | set(triggers.tier4)
                for rule in triggers.tier2:
                    high.update(rule.kinds)
                calm = (
                    self._recent(features.latest(frozenset(high)), review.high_intent_days, c, e)
                    if high
                    else "FALSE"
                )
                if not review.score_rule and many is not None:
                    # Only high volume reviews a score: fewer than `many` activities since
                    # the last MQL (every kind, `n_` a running count) let it through.
                    features.volume = many
                    since = f"{c}.n_" if e is None else f"({c}.n_ - {e}.n_)"
                    calm = f"({calm} OR {since} < {many})"
                arms.append(f"({reaches} AND {calm})")
            else:
                arms.append(reaches)
        gate = _account_gate(self.definition, rules, c)
        account = "" if gate is None else f" AND {gate}"
        # An excluding activity (a careers-page view) rejects the lead at this moment.
        excluding = "" if excluded == "FALSE" else f" AND NOT {excluded}"
        own = "TRUE" if rules.qualifies_account and gate is not None else "FALSE"
        if own == "TRUE":
            arms = ["TRUE"]  # the gate is the trigger: every other arm is only a name
        fires = f"({c}.e{index}{account}{excluding} AND (" + " OR ".join(arms) + "))"
        return _Tests(tier1, tier2, tier4, tier1_code, tier4_code, fires, own)

    def needs_facts(self) -> str:
        """Whether a replayed lead's moments read account facts: some rule set with an account
        gate applies to it. The others' facts are never read, so never computed."""
        # No parentheses: Spark reads `FROM a0 WHERE (e1)` as a table alias with a column list.
        return " OR ".join(self.gated()) or "FALSE"

    def gated(self) -> list[str]:
        """The columns `e{i}` of the rule sets with an account gate."""
        return [
            f"e{i}"
            for i, (rules, _) in enumerate(self.rule_sets)
            if _account_gate(self.definition, rules, "c") is not None
        ]

    def first_moments(self) -> _FirstMoments | None:
        """Which moments of a lead with no MQL yet can be its first; None: every moment.

        With no MQL yet, nothing depends on history, and between two such moments only time
        passes: a latest trigger stays, a window count can only fall, and a score of positive
        points can only fall. So the first MQL is at a moment with an activity some clause
        names. Recency windows keep it: a hand raise, a combination or a high-intent action
        (which lets a score through the review rule) leaving its window only takes an MQL away.

        Three things rise as time passes. A score, once negative points leave its window (or
        decay away with a half-life), and a lead, once an excluding activity leaves its window:
        each needs such an activity first, so a lead's moments from its first one, plus the
        shortest such window, on are all kept (`_FirstMoments.blockers`); before it the
        shortcut holds. And an account's engaged contacts and intent (below).
        Seniority or source points worth the threshold on their own make the lead's first
        activity of any kind an MQL moment: then every moment counts.
        """
        # With an account gate, other contacts' activity raises engaged contacts and intent
        # between a lead's moments, so any moment of a lead such a rule set applies to may be
        # its first MQL; the other leads' moments are read as above.
        if has_account_motion(self.definition) and self.warehouse:
            # Spark plans every reference to a CTE anew: a second window pass over the
            # account facts ran its driver out of memory while planning.
            return None
        every = tuple(self.gated())
        kinds: set[str] = set()
        blockers: set[str] = set()
        after: list[int] = []
        review = self.definition.review_rule.enabled
        for rules, _ in self.rule_sets:
            fit = rules.fit
            if fit.exclude_activities:
                # Read in full (the latest excluding activity, `tests`), and a blocker.
                blockers.update(fit.exclude_activities)
                after.append(fit.exclude_activities_days)
            triggers = rules.triggers
            kinds |= set(triggers.tier1) | set(triggers.tier4)
            for rule in triggers.tier2:
                kinds.update(rule.kinds)
            scoring = rules.scoring
            if triggers.tier3 and scoring is not None:
                # The lead's own points (seniority, source) reaching its lowest threshold.
                own = max([0, *scoring.seniority_points.values()]) + max(
                    [0, *scoring.source_points.values()]
                )
                if own >= min([scoring.threshold, *scoring.source_thresholds.values()]):
                    return None
                kinds |= {k for k, v in scoring.activity_points.items() if v}
                if review:
                    kinds |= set(self.definition.review_rule.high_intent)
                negative = {k for k, v in scoring.activity_points.items() if v < 0}
                if negative and scoring.half_life_days is not None:
                    # Decay shrinks a negative point at once: any later moment may fire.
                    blockers |= negative
                    after.append(0)
                elif negative and scoring.window_days is not None:
                    blockers |= negative
                    after.append(scoring.window_days)
        return _FirstMoments(
            frozenset(kinds | blockers),
            frozenset(blockers),
            _days_us(min(after, default=0)),
            every,
        )

    def choice(self, c: str, e: str | None) -> tuple[str, str, str, str]:
        """(fires, rule set index, tier, trigger) of the first rule set that fires at `c`.

        The last three are read only on rows where `fires` holds, so the last rule set is
        the ELSE: its firing test is not written again (each copy is bound and optimised
        anew, the larger part of the query's cost on 100k leads)."""
        fires: list[str] = []
        rule_set: list[str] = []
        tier: list[str] = []
        trigger: list[str] = []
        last = len(self.rule_sets) - 1
        for index, (rules, _) in enumerate(self.rule_sets):
            tests = self.tests(rules, c, e)
            fires.append(tests.fires)
            when = "ELSE" if index == last else f"WHEN {tests.fires} THEN"
            rule_set.append(f"{when} {index}")
            arms = [(tests.tier1, 1, _kind_of(tests.tier1_code, rules.triggers.tier1))]
            arms += [(test, 2, _lit(kind)) for test, kind in tests.tier2]
            arms += [(tests.tier4, 4, _kind_of(tests.tier4_code, rules.triggers.tier4))]
            arms += [(tests.account, 2, _lit(ACCOUNT_TRIGGER))]
            tier_arms = " ".join(f"WHEN {t} THEN {n}" for t, n, _ in arms if t != "FALSE")
            kind_arms = " ".join(f"WHEN {t} THEN {k}" for t, _, k in arms if t != "FALSE")
            tier.append(f"{when} (CASE {tier_arms} ELSE 3 END)".replace("(CASE  ELSE 3 END)", "3"))
            trigger.append(
                f"{when} (CASE {kind_arms} ELSE 'score' END)".replace(
                    "(CASE  ELSE 'score' END)", "'score'"
                )
            )

        def case(arms: list[str]) -> str:
            # One rule set: its ELSE alone is the value.
            return (
                arms[0].removeprefix("ELSE ") if len(arms) == 1 else f"(CASE {' '.join(arms)} END)"
            )

        return "(" + " OR ".join(fires) + ")", case(rule_set), case(tier), case(trigger)

    def _lead_ctes(self, leads: str, where: list[str] | None = None) -> list[str]:
        """`ln` (the lead's fields as the evaluator compares them) and `lb` (with `out_`, the
        disqualifiers): what every lead-level clause reads, the replay and `fit_sql` alike.
        `where`: tests on the raw row a lead must pass to be read at all (`_prefilter`)."""
        fits = [rules.fit for rules, _ in self.rule_sets]
        fields = [
            "l.lead_id, l.employees, l.seniority, l.target_account, l.engaged_contacts",
            "lower(trim(l.domain)) AS domain_",
            # After the last '@', without a regular expression: every warehouse has these.
            "CASE WHEN strpos(l.email, '@') > 0 THEN lower(trim(substr(l.email, "
            "length(l.email) - strpos(reverse(l.email), '@') + 2))) END AS email_domain_",
            "lower(trim(l.company)) AS company_",
            ", ".join(f"{sql} AS {name}" for name, sql in _CHEAP_FIELDS.items()),
        ]
        if any(_uses_titles(fit) for fit in fits):
            # The padded title `matching.padded_title` reads; 'g': every run, in DuckDB and
            # PostgreSQL (the export drops it for the warehouses that replace every match).
            padded = (
                "' ' || lower(regexp_replace(COALESCE(l.title, ''), "
                f"{_lit(TITLE_SEPARATORS)}, ' ', 'g')) || ' '"
            )
            fields.append(f"{_title_worth_padding(fits, padded)} AS title_")
        if any(f.exclude_titles or f.exclude_email_domains or f.exclude_activities for f in fits):
            fields.append("l.persona IS NOT NULL AS hand_")
        if any(_uses_sources(rules) for rules, _ in self.rule_sets):
            fields.append("lower(trim(l.lead_source)) AS source_")
        return [
            # The lead's fields as the evaluator compares them: trimmed, lower case, defaults.
            "ln AS (\n  SELECT "
            + ",\n    ".join(fields)
            + f"\n  FROM {leads} AS l"
            + (f"\n  WHERE {' AND '.join(where)}" if where else "")
            + "\n)",
            f"lb AS (SELECT l.*, {_disqualified(self.prepared.base)} AS out_ FROM ln AS l)",
        ]

    def fit_sql(self, leads: str) -> str:
        """One row per lead: `lead_id`, `fits_` (some rule set applies and its fit gate passes,
        as the replay's `e{i}`) and `rs_`, the rule set whose SLA binds it (a segment by size, a
        motion whose gate passes; NULL: the definition's own). Activity exclusions are not in
        it: they are read at a moment, not from the lead's snapshot."""
        count = len(self.rule_sets)
        eligible = ", ".join(f"{sql} AS e{i}" for i, (_, sql) in enumerate(self.rule_sets))
        segments = self.prepared.segments
        band = "".join(
            f", {_in_band(low, high)} AS b{i}" for i, (low, high, _) in enumerate(segments)
        )
        if segments:
            arms = [f"WHEN b{i} THEN {i}" for i in range(len(segments))]
        else:
            arms = [f"WHEN e{i} THEN {i}" for i in range(count)] if self.prepared.motions else []
        rule_set = f"CASE {' '.join(arms)} END" if arms else "CAST(NULL AS BIGINT)"
        return (
            "WITH\n"
            + ",\n".join(self._lead_ctes(leads))
            + f",\nlx AS (\n  SELECT l.lead_id, {eligible}{band}\n"
            "  FROM lb AS l\n)\n"
            f"SELECT lead_id, ({' OR '.join(f'e{i}' for i in range(count))}) AS fits_, "
            f"{rule_set} AS rs_\nFROM lx"
        )

    # -- the query --

    def sql(self, leads: str, activities: str) -> str:
        f = self.features
        count = len(self.rule_sets)
        eligible = ",\n    ".join(f"{sql} AS e{i}" for i, (_, sql) in enumerate(self.rule_sets))
        seniority = ",\n    ".join(
            f"{_seniority_points(rules.scoring)} AS sp{i}"
            for i, (rules, _) in enumerate(self.rule_sets)
        )
        any_rule = " OR ".join(f"e{i}" for i in range(count))
        lead_columns = [f"e{i}" for i in range(count)] + [f"sp{i}" for i in range(count)]
        # Whether an excluding activity may reject the lead: its persona was not set by hand.
        excluding = [i for i, (r, _) in enumerate(self.rule_sets) if r.fit.exclude_activities]
        lead_columns += [f"xa{i}" for i in excluding]
        seniority += "".join(f",\n    NOT l.hand_ AS xa{i}" for i in excluding)
        # The lead source clauses, one lead-level column each (see `_source_apart`).
        for i, (rules, _) in enumerate(self.rule_sets):
            if rules.fit.exclude_sources:
                lead_columns.append(f"xs{i}")
                seniority += f",\n    {_source_apart(rules.fit)} AS xs{i}"
            if rules.scoring is not None and rules.scoring.source_thresholds:
                lead_columns.append(f"th{i}")
                seniority += f",\n    {_source_threshold(rules.scoring)} AS th{i}"
        # What one activity row adds at its moment. The windows use RANGE frames, which take in
        # every activity at the same timestamp, so all rows of one moment carry the same values.
        per_row: list[str] = []
        for kinds, i in f.kind_sets.items():
            # Only the set's own kinds have an arm: the others give NULL, as before.
            arms = " ".join(
                f"WHEN {_lit(k)} THEN a.t * {_KIND_SLOTS} + {_KIND_SLOTS - 1 - n}"
                for n, k in enumerate(ACTIVITY_KINDS)
                if k in kinds
            )
            code = f"CASE a.kind {arms} END" if arms else "CAST(NULL AS BIGINT)"
            per_row.append(f"{code} AS bk{i}")
        for kind, i in f.kinds.items():
            per_row.append(f"CASE WHEN a.kind = {_lit(kind)} THEN 1 ELSE 0 END AS c{i}")
        for points, i in f.points.items():
            arms = " ".join(f"WHEN {_lit(k)} THEN {v}" for k, v in points)
            per_row.append(f"CASE a.kind {arms} ELSE 0 END AS p{i}")
        running = "PARTITION BY k ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"

        def frame(days: int | None) -> str:
            if days is None:
                return running
            return (
                f"PARTITION BY k ORDER BY t RANGE BETWEEN {_days_us(days)} PRECEDING "
                "AND CURRENT ROW"
            )

        # Look-back values at a moment: what an MQL is found with.
        looking_back = [f"MAX(bk{i}) OVER ({running}) AS lk{i}" for i in f.kind_sets.values()]
        for (kind, days), i in f.kind_windows.items():
            looking_back.append(f"SUM(c{f.kinds[kind]}) OVER ({frame(days)}) AS wc{i}")
        for (points, window), i in f.point_windows.items():
            looking_back.append(f"SUM(p{f.points[points]}) OVER ({frame(window)}) AS ws{i}")
        # Running totals from each lead's first MQL on: later MQLs difference them.
        state = f.state()
        totals = [
            f"SUM(c{i}) OVER ({running}) AS pc{i}" for i in f.kinds.values() if f"pc{i}" in state
        ]
        totals += [
            f"SUM(p{i}) OVER ({running}) AS ps{i}" for i in f.points.values() if f"ps{i}" in state
        ]
        # A combination groups activities by session id, else by UTC calendar day; the column is
        # read only when some rule combines, so older activity tables without it still work.
        session = ", a.session_id" if f.combos else ""
        session_day = (
            ',\n    CASE WHEN a.session_id IS NULL THEN CAST(a."at" AS DATE) END AS sd'
            if f.combos
            else ""
        )
        accounts = has_account_motion(self.definition)
        keep = ["k", "t", '"at"', *lead_columns, *(["eng_", "aint_"] if accounts else [])]
        volume: list[str] = []
        counted = ""  # `act`'s running count of every activity, as a warehouse computes it
        if f.volume is not None:
            keep.append("n_")
        if f.volume is not None and self.warehouse:
            # One window over `act`'s own rows: a warehouse that inlines every CTE at each
            # reference (Spark) planned another copy of the activities for `nv` below, and a
            # generated account-motion definition ran its driver out of heap planning it.
            counted = (
                ", COUNT(*) OVER (PARTITION BY a.k ORDER BY a.t "
                "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n_"
            )
        elif f.volume is not None:
            # Every activity counted at each moment (with its peers), for the leads with at
            # least that many in all: for the others the count never reaches the rule's.
            volume = [
                f"nh AS (SELECT k FROM a0 GROUP BY k HAVING COUNT(*) >= {f.volume})",
                "nv AS (\n  SELECT DISTINCT k, t, COUNT(*) OVER (PARTITION BY k ORDER BY t "
                "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n_\n"
                "  FROM a0 WHERE k IN (SELECT k FROM nh)\n)",
            ]
        moments = self.first_moments() if self.shortcut else None
        if moments is None:
            first_rows = "act"
        else:
            kept = [_kind_in(moments.kinds, "a.")]
            blocked = ""
            if moments.blockers:
                # A lead's moments from its first blocker, plus the shortest window, on.
                kept.append("a.t >= b.b")
                blocked = (
                    " LEFT JOIN (\n"
                    f"      SELECT k, MIN(t) + {moments.delay_us} AS b FROM act\n"
                    f"      WHERE {_kind_in(moments.blockers)} GROUP BY k\n"
                    "    ) AS b ON b.k = a.k"
                )
            kept += [f"a.{column}" for column in moments.every]
            first_rows = (
                f"(\n    SELECT a.* FROM act AS a{blocked}\n"
                f"    WHERE {' OR '.join(kept)}\n  ) AS act"
            )

        def listed(items: list[str], prefix: str = "") -> str:
            return ", ".join(prefix + item for item in items)

        def windowed(columns: list[str]) -> str:
            return (",\n    " + ",\n    ".join(columns)) if columns else ""

        ctes = [
            *self._lead_ctes(leads, self.prefilter),
            f"lx AS (\n  SELECT l.lead_id,\n    {eligible},\n    {seniority}\n  FROM lb AS l\n)",
            # k numbers the leads by id, not in whatever order a scan yields them: a warehouse may
            # evaluate a CTE once per reference, and every reference must agree.
            "lq AS (SELECT lx.*, ROW_NUMBER() OVER (ORDER BY lx.lead_id) AS k "
            f"FROM lx WHERE {any_rule})",
            *(
                _account_facts(
                    self.definition,
                    leads,
                    activities,
                    listed(lead_columns, "lq."),
                    session,
                    self.needs_facts(),
                    self.warehouse,
                )
                if accounts
                else [
                    f'a0 AS (\n  SELECT lq.k, a."at", a.kind{session}, '
                    + listed(lead_columns, "lq.")
                    + ",\n"
                    # Exact microseconds since 1970 (naive times are UTC); sqlglot carries
                    # date_diff to every warehouse, where epoch() can lose the fraction of a
                    # second.
                    "    date_diff('microsecond', TIMESTAMP '1970-01-01 00:00:00', a.\"at\") AS t\n"
                    f"  FROM {activities} AS a\n"
                    '  JOIN lq ON lq.lead_id = a.lead_id WHERE a."at" IS NOT NULL\n)'
                ]
            ),
            *volume,
            f'act AS (\n  SELECT a.k, a.t, a."at", a.kind{session}{session_day}, '
            + listed(lead_columns, "a.")
            + (", COALESCE(nv.n_, 0) AS n_" if volume else counted)
            + (
                f", COALESCE(f.s_ % {_FACT_BITS}, 0) AS eng_, "
                f"COALESCE(f.s_ >= {INTENT_MIN_ACTIONS * _FACT_BITS}, FALSE) AS aint_"
                if accounts
                else ""
            )
            + (",\n    " + ",\n    ".join(per_row) if per_row else "")
            + "\n  FROM a0 AS a"
            + ("\n  LEFT JOIN af AS f ON f.k = a.k AND f.t = a.t" if accounts else "")
            + ("\n  LEFT JOIN nv ON nv.k = a.k AND nv.t = a.t" if volume else "")
            + "\n)",
            # Before its first MQL a lead can only become one at an activity some clause
            # looks at, or once something time raises can reach it (see `first_moments`): the
            # first MQLs are found on those rows alone.
            "mo1 AS (\n  SELECT "
            + listed(keep)
            + windowed(looking_back if moments is not None else looking_back + totals)
            + f"\n  FROM {first_rows}\n)",
        ]
        decay_columns: list[str] = []
        decay_joins: list[str] = []
        # The moments whose sessions and decayed scores are read: mo1's. Later MQLs read them
        # at the tail's candidates (`ml`), computed apart when mo1 is not every moment. Not in
        # an export: a warehouse plans each reference to `tail` anew (see `first_moments`).
        apart = moments is not None and not self.warehouse and bool(f.decays or f.combos)
        if f.decays or f.combos:
            ctes.append(f"mo0 AS (SELECT DISTINCT k, t FROM {'mo1' if apart else 'act'})")
        for (combined, window), i in f.combos.items():
            ctes += _combination(f"cq{i}", f"cp{i}", "mo0", combined, window)
            decay_columns.append(f"COALESCE(q{i}.s, 0) AS cs{i}")
            decay_joins.append(
                f"LEFT JOIN (SELECT k, t, COUNT(*) AS s FROM cp{i} GROUP BY k, t) "
                f"AS q{i} ON q{i}.k = mo1.k AND q{i}.t = mo1.t"
            )
        for (points, window, half), i in f.decays.items():
            ctes.append(_decay(f"dp{i}", "mo0", points, window, half))
            decay_columns.append(f"COALESCE(d{i}.s, 0) AS ds{i}")
            decay_joins.append(
                f"LEFT JOIN (SELECT k, t, SUM(w) AS s FROM dp{i} GROUP BY k, t) "
                f"AS d{i} ON d{i}.k = mo1.k AND d{i}.t = mo1.t"
            )
        ctes.append(
            "mo AS (\n  SELECT mo1.*"
            + "".join(f", {c}" for c in decay_columns)
            + "\n  FROM mo1"
            + "".join(f"\n  {j}" for j in decay_joins)
            + "\n)"
        )
        fires0, rule_set0, tier0, trigger0 = self.choice("mo", None)
        ctes.append(
            'firsts AS (\n  SELECT k, t, "at", rs, tier, trg FROM (\n    SELECT mo.k, mo.t, mo."at", '
            f"{rule_set0} AS rs, {tier0} AS tier, {trigger0} AS trg,\n"
            "      ROW_NUMBER() OVER (PARTITION BY mo.k ORDER BY mo.t) AS rn\n"
            f"    FROM mo WHERE {fires0}\n  ) AS x WHERE rn = 1\n)"
        )
        # From each lead's first MQL on, every moment of every kind (a hand raise routed inside
        # the window makes an MQL at whatever moment comes next past it), with look-back values
        # and running totals over these rows only: a later MQL needs activity after the first,
        # so only leads with activity a resubmit window past their first MQL are replayed on.
        ctes.append(
            "tail AS (\n  SELECT "
            + listed(keep)
            + ", ft"
            + windowed(looking_back + totals)
            + "\n  FROM (SELECT act.*, f.t AS ft FROM act JOIN firsts AS f ON f.k = act.k "
            "AND act.t >= f.t\n    JOIN (SELECT k, MAX(t) AS z FROM act GROUP BY k) AS z ON z.k = f.k"
            f" AND z.z >= f.t + {self.window_us}) AS x\n)"
            if moments is not None
            # mo1 already holds every moment: its windows serve the tail too. Over the whole
            # history rather than from the first MQL, they agree wherever the step reads them:
            # a latest trigger or a window count is read only after the last event, and
            # running totals only as a difference of two moments.
            else "tail AS (\n  SELECT x.*, f.t AS ft FROM mo1 AS x\n"
            "  JOIN firsts AS f ON f.k = x.k AND x.t >= f.t\n)"
        )
        late = "p"  # the sessions and decayed scores later MQLs read: `cp`/`dp`, or `cl`/`dl`
        if apart:
            late = "l"
            ctes.append(f"ml AS (SELECT DISTINCT k, t FROM tail WHERE t >= ft + {self.window_us})")
            for (combined, window), i in f.combos.items():
                ctes += _combination(f"cr{i}", f"cl{i}", "ml", combined, window)
            for (points, window, half), i in f.decays.items():
                ctes.append(_decay(f"dl{i}", "ml", points, window, half))
        self.late = late
        # One row per moment (the rows of one moment agree on every column here), so the
        # recursion can use UNION ALL: BigQuery and Snowflake take no other.
        # A combination's n-th latest complete session at each moment (see `_sessions`).
        nth_joins = ""
        nth_columns = ""
        for n, least in sorted(f.nth):
            name = f"cn{n}_{least}"
            if least == 1:
                ctes.append(f"{name} AS (SELECT k, t, MAX(a) AS a FROM c{late}{n} GROUP BY k, t)")
            else:
                ctes.append(
                    f"{name} AS (\n  SELECT k, t, a FROM (\n    SELECT k, t, a, ROW_NUMBER() "
                    f"OVER (PARTITION BY k, t ORDER BY a DESC) AS r FROM c{late}{n}\n  ) AS x "
                    f"WHERE r = {least}\n)"
                )
            nth_columns += f", {name}.a AS {name}"
            nth_joins += f"\n  LEFT JOIN {name} ON {name}.k = s.k AND {name}.t = s.t"
        ctes.append(
            f"cand AS (SELECT DISTINCT s.*{nth_columns} FROM tail AS s{nth_joins}\n"
            f"  WHERE s.t >= s.ft + {self.window_us})"
        )
        fires, rule_set, tier, trigger = self.choice("c", "e")
        fires_d, _, _, _ = self.choice("d", "e")
        carried = ", ".join(state)
        carried_sep = f", {carried}" if carried else ""
        ctes.append(
            f'ev(k, t, "at", rs, tier, trg{carried_sep}) AS (\n'
            f'  SELECT DISTINCT f.k, f.t, f."at", f.rs, f.tier, f.trg'
            + "".join(f", s.{c}" for c in state)
            + "\n  FROM firsts AS f LEFT JOIN tail AS s ON s.k = f.k AND s.t = f.t\n"
            "  UNION ALL\n"
            f'  SELECT c.k, c.t, c."at", {rule_set}, {tier}, {trigger}'
            + "".join(f", c.{c}" for c in state)
            + "\n  FROM ev AS e JOIN cand AS c ON c.k = e.k "
            f"AND c.t >= e.t + {self.window_us}\n"
            f"  WHERE {fires}\n"
            "    AND NOT EXISTS (\n      SELECT 1 FROM cand AS d WHERE d.k = e.k "
            f"AND d.t >= e.t + {self.window_us} AND d.t < c.t\n        AND {fires_d}\n    )\n)"
        )
        stamps = []
        for column in ("lead_type", "segment", "motion"):
            arms = " ".join(
                f"WHEN {i} THEN {_lit(v) if (v := getattr(rules, column)) else 'NULL'}"
                for i, (rules, _) in enumerate(self.rule_sets)
            )
            stamps.append(f"CASE ev.rs {arms} END AS {column}")
        return (
            "WITH RECURSIVE\n"
            + ",\n".join(ctes)
            + '\nSELECT lq.lead_id, ev."at", ev.tier, ev.trg AS trigger,\n  '
            + ",\n  ".join(stamps)
            + '\nFROM ev JOIN lq ON lq.k = ev.k\nORDER BY lq.lead_id, ev."at"'
        )


def _combination(
    latest: str, complete: str, moments: str, kinds: tuple[str, ...], days: int
) -> list[str]:
    """A tier 2 combination's complete sessions at each of the `moments` (k, t): each
    session's latest activity of each kind inside the window (`latest`); a session is
    complete with all kinds, and counts after the last MQL `e` when the oldest of those latest
    activities (`complete`'s `a`) is after it."""
    group = "a.session_id, a.sd"
    return [
        f"{latest} AS (\n  SELECT m.k, m.t, {group}, a.kind, MAX(a.t) AS lt\n"
        f"  FROM {moments} AS m JOIN act AS a ON a.k = m.k AND a.t <= m.t"
        f" AND m.t - a.t <= {_days_us(days)}\n"
        f"  WHERE a.kind IN ({_in_list(kinds)})\n"
        f"  GROUP BY m.k, m.t, {group}, a.kind\n)",
        f"{complete} AS (\n  SELECT k, t, MIN(lt) AS a FROM {latest}\n"
        f"  GROUP BY k, t, session_id, sd HAVING COUNT(*) = {len(kinds)}\n)",
    ]


def _decay(
    name: str,
    moments: str,
    points: tuple[tuple[str, int], ...],
    days: int | None,
    half: float,
) -> str:
    """Each (moment, activity) pair inside the scoring window at each of the `moments`, with
    the activity's points decayed to that moment."""
    arms = " ".join(f"WHEN {_lit(k)} THEN {v}" for k, v in points)
    inside = "" if days is None else f" AND m.t - a.t <= {_days_us(days)}"
    return (
        f"{name} AS (\n  SELECT m.k, m.t, a.t AS a,\n"
        f"    CAST((CASE a.kind {arms} ELSE 0 END) AS DOUBLE) * power(0.5, "
        f"CAST(m.t - a.t AS DOUBLE) / 1000000.0 / 86400.0 / {half!r}) AS w\n"
        f"  FROM {moments} AS m JOIN act AS a ON a.k = m.k AND a.t <= m.t"
        f"{inside}\n  WHERE a.kind IN ({_in_list([k for k, _ in points])})\n)"
    )


def _kind_of(code: str, kinds: Iterable[str]) -> str:
    """The activity kind a trigger code names; it is one of the `kinds` the code was built
    from, so only those have an arm (each arm is bound and optimised wherever it is written)."""
    arms = " ".join(
        f"WHEN {i} THEN {_lit(kind)}" for i, kind in enumerate(ACTIVITY_KINDS) if kind in kinds
    )
    if not arms:
        return "CAST(NULL AS VARCHAR)"
    return f"(CASE {_KIND_SLOTS - 1} - ({code} % {_KIND_SLOTS}) {arms} END)"


def compile_replay(
    definition: Definition,
    leads: str = "leads",
    activities: str = "activities",
    *,
    warehouse: bool = False,
    shortcut: bool = True,
) -> str:
    """The replay as one DuckDB query over the canonical tables: one row per MQL event.

    `warehouse`: the form an export translates, without what suits only DuckDB on one
    machine (a materialization hint, an account sum without a partition; `_account_facts`).
    `shortcut`: first MQLs found on the moments `first_moments` keeps (`replay_query` says
    where that pays). All forms give the same events: the property tests hold both DuckDB
    plans to the Python replay, and the export tests run the warehouse form."""
    return _Compiler(definition, warehouse, shortcut).sql(leads, activities)


def replay_query(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    leads: str = "leads",
    activities: str = "activities",
) -> str:
    """`compile_replay` for the tables on this connection: the first MQLs are found on the
    moments `_Compiler.first_moments` keeps only where its kinds leave out at least a third of
    the activity rows (an estimate: the moments kept after a blocker or under an account gate
    are not counted), to pay for the second window pass the shortcut makes. Where the
    clauses name nearly every kind (a score with a point for a blog visit and an e-mail open),
    the shortcut reads nearly every row and makes that pass for nothing: 0.117 against
    0.097 s for the $3-10M template on 100k leads, where pre-1m's replay goes from 0.69 to
    0.45 s (BENCHMARKS.md, round 10). Both plans give the same events (the property tests run
    each)."""
    compiler = _Compiler(definition)
    moments = compiler.first_moments()
    if moments is not None:
        row = con.execute(
            f"SELECT count(*) FILTER (WHERE {_kind_in(moments.kinds)}), count(*) FROM {activities}"
        ).fetchone()
        kept, total = row if row is not None else (0, 0)
        compiler.shortcut = 3 * kept <= 2 * total  # at least a third left out
    return compiler.sql(leads, activities)


def fit_sql(definition: Definition, leads: str = "leads") -> str:
    """The fit gate of every lead as the replay reads it (`_Compiler.fit_sql`)."""
    return _Compiler(definition).fit_sql(leads)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iter_events(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    leads: str = "leads",
    activities: str = "activities",
    batch: int = 50_000,
) -> Iterator[MqlEvent]:
    """Run the compiled replay on a DuckDB connection holding the canonical tables."""
    result = con.execute(replay_query(con, definition, leads, activities))
    while rows := result.fetchmany(batch):
        for lead_id, at, tier, trigger, lead_type, segment, motion in rows:
            yield MqlEvent(str(lead_id), _utc(at), tier, trigger, lead_type, segment, motion)


def replay_sql(
    con: duckdb.DuckDBPyConnection,
    definition: Definition,
    leads: str = "leads",
    activities: str = "activities",
) -> list[MqlEvent]:
    """`iter_events` as a list, ordered by lead id and time."""
    return list(iter_events(con, definition, leads, activities))


def _naive_utc(value: object) -> object:
    if isinstance(value, datetime):
        return _utc(value).replace(tzinfo=None)
    return value


def load_rows(
    con: duckdb.DuckDBPyConnection,
    leads: Iterable[LeadRow],
    activities: Iterable[ActivityRow],
) -> None:
    """Put rows already in memory into `leads` and `activities` tables (tests, small data),
    typed as the loader types them: a kind outside the vocabulary is an error here, as the
    loader leaves such a row out."""
    for table, columns in TABLES.items():
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({sql_columns(columns)})")
    rows = [tuple(_naive_utc(v) for v in lead.values()) for lead in leads]
    if rows:
        marks = ", ".join("?" for _ in rows[0])
        con.executemany(f"INSERT INTO leads VALUES ({marks})", rows)
    acts = [(a.lead_id, a.kind, _naive_utc(a.at), a.session_id) for a in activities]
    if acts:
        con.executemany("INSERT INTO activities VALUES (?, ?, ?, ?)", acts)
