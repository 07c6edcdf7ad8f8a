"""The replay as SQL for a warehouse: the engine's DuckDB query, translated with sqlglot.

`export_sql` returns one query (with a header comment saying what it reads and returns) that
a data team runs where the lead history lives: DuckDB, PostgreSQL, Snowflake, BigQuery or
Spark SQL. It is the query `engine.compile_replay` builds, the one the property tests hold to
the reference replay, parsed as DuckDB and generated in the target dialect. The engine writes
its SQL with constructs sqlglot carries faithfully to every one of these dialects (`date_diff`
for times, string functions rather than regular expressions); what sqlglot cannot carry, this
module fixes on the syntax tree before generating:

- **Null ordering in windows.** DuckDB sorts NULLs last, BigQuery and Spark first, so sqlglot
  would spell out `NULLS LAST` inside the windows, which BigQuery refuses with a frame (and
  sqlglot warns). The framed windows order by `t`, a moment's time in microseconds, which is
  never NULL (rows without a time are dropped first), so there the target's own default order
  is the same order. Other window orders are left to sqlglot.
- **Times.** sqlglot writes the microsecond difference as `DATE_DIFF`, which BigQuery has for
  dates only: there `UNIX_MICROS(CAST(at AS TIMESTAMP))`, exact for a TIMESTAMP column and for
  a DATETIME holding UTC. Spark's `DATEDIFF(unit, ...)` sqlglot also reads as a difference of
  dates, so Spark gets the unambiguous `TIMESTAMPDIFF(MICROSECOND, ...)`.
- **Names.** `at` and `trigger` are keywords in some dialects, so they are always quoted; in
  Snowflake in upper case, which resolves like an unquoted name (a quoted lower-case name
  would only match a column created with quotes).
- **Spark's recursion.** The engine's recursive step finds a lead's next MQL as the candidate
  that fires with no earlier one firing (NOT EXISTS); its firing test has scalar subqueries
  reading the last event, two scopes out inside the NOT EXISTS, which Spark cannot resolve,
  and Spark allows no window or aggregate over the recursive reference. The step reads of
  the last event only its lead, time and carried totals, all `tail`'s at that moment, so
  Spark gets a CTE `nxt` pairing every moment with the earliest candidate that fires after
  it (the same test, the same stamps), and the recursion only follows it: Spark plans and
  runs the step anew per level, so the anchor carries each lead's `nxt` as a map (`nxm`)
  and the step reads only `ev`.
- **Spark's simple CASE.** Spark copies a CASE's key into every arm; a choice value's folded
  key is a long chain of string functions, so there it is a MAP lookup (one copy).
- **Empty lists.** The engine writes `kind IN ()` for an empty list of kinds; only DuckDB
  takes it. Elsewhere it is `CASE WHEN kind IS NULL THEN NULL ELSE FALSE END`, DuckDB's value.
- **Table names** are given in the target's own syntax (`project.dataset.leads` on BigQuery)
  and parsed in that dialect, so nothing but a table name reaches the query.

Anything else sqlglot reports as not translatable is an error, never a warning: the query is
either faithful or not written. sqlglot is imported here, lazily: `workbench --help` and every
other command never load it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Literal, cast, get_args

from workbench import __version__
from workbench.core.domain.definition import Definition
from workbench.core.domain.errors import InputError, Problem, WorkbenchError
from workbench.core.evidence.engine import compile_replay
from workbench.core.evidence.normalise_sql import activities_select, leads_select
from workbench.core.evidence.tables import ACTIVITY_COLUMNS, LEAD_COLUMNS, Column, sql_type
from workbench.core.files.store import integrity_of

if TYPE_CHECKING:
    from sqlglot import exp

Dialect = Literal["duckdb", "postgres", "snowflake", "bigquery", "spark"]
DIALECTS: tuple[Dialect, ...] = get_args(Dialect)

DIALECT_NAMES: dict[Dialect, str] = {
    "duckdb": "DuckDB",
    "postgres": "PostgreSQL",
    "snowflake": "Snowflake",
    "bigquery": "BigQuery",
    "spark": "Spark SQL",
}

# How each dialect should hold the canonical timestamps; all of them in UTC.
_TIME_NOTES: dict[Dialect, str] = {
    "duckdb": "TIMESTAMP (without time zone) holding UTC",
    "postgres": "timestamp without time zone holding UTC (for timestamptz columns, run "
    "SET TIME ZONE 'UTC' first)",
    "snowflake": "TIMESTAMP_NTZ holding UTC",
    "bigquery": "DATETIME holding UTC, or TIMESTAMP",
    "spark": "TIMESTAMP_NTZ holding UTC (or TIMESTAMP with spark.sql.session.timeZone=UTC)",
}

_DIALECT_NOTES: dict[Dialect, tuple[str, ...]] = {
    "duckdb": (),
    "postgres": ("Needs PostgreSQL 11 or later (RANGE window frames with an offset).",),
    "snowflake": (
        "Column names are unquoted except AT and TRIGGER, which are quoted in upper case:",
        "they resolve like unquoted names, so create the tables without quoting names.",
    ),
    "bigquery": (
        "Recursive CTEs run at most 500 iterations; one iteration per MQL event of the",
        "busiest lead.",
    ),
    "spark": (
        "Needs Spark 4.1 or later (recursive CTEs); one recursion level per MQL event of",
        "the busiest lead (spark.sql.cteRecursionLevelLimit, 100 by default).",
    ),
}

OUTPUT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("lead_id", "the lead (leads.lead_id)"),
    ("at", "when it became an MQL: the time of the activity that made it one, UTC"),
    ("tier", "the trigger tier: 1 hand raise, 2 repeated intent, 3 score, 4 sales-requested"),
    ("trigger", "the activity kind that triggered it, or 'score' for tier 3"),
    ("lead_type", "mql, pql or aql (the motion's lead type)"),
    ("segment", "the segment whose rules applied, else NULL"),
    ("motion", "the motion whose rules applied, else NULL"),
)


# Placeholders the engine writes for the two tables; replaced by the parsed real names.
_LEADS = "wb_leads_input"
_ACTIVITIES = "wb_activities_input"
_KEYWORD_NAMES = ("at", "trigger")


class TranslationError(WorkbenchError):
    """sqlglot cannot carry the query to the dialect faithfully. Nothing is written. Exit 1."""

    exit_code = 1


def export_sql(
    definition: Definition,
    dialect: str,
    leads_table: str = "leads",
    activities_table: str = "activities",
) -> str:
    """The definition's replay as one query in `dialect`, with a header comment."""
    target = _dialect(dialect)
    import sqlglot
    from sqlglot.errors import ErrorLevel, SqlglotError

    leads = _table(leads_table, target, "leads table")
    activities = _table(activities_table, target, "activities table")
    with _sqlglot_warnings() as warnings:
        try:
            tree, sessions = _normalised_replay(definition)
            _place(tree, {_LEADS: leads, _ACTIVITIES: activities})
            _window_nulls(tree, target)
            _microseconds(tree, target)
            _replace_every_match(tree, target)
            _backreferences(tree, target)
            _first_candidate(tree, target)
            _empty_in_lists(tree, target)
            _choice_lookups(tree, target)
            _names(tree, target)
            read = {c.name for c in tree.find_all(sqlglot.exp.Column) if c.table == "l"}
            body = tree.sql(dialect=target, pretty=True, unsupported_level=ErrorLevel.RAISE)
        except SqlglotError as error:
            raise _untranslatable(target, str(error)) from None
    if warnings:
        raise _untranslatable(target, "; ".join(warnings))
    header = _header(
        definition,
        target,
        leads.sql(dialect=target),
        activities.sql(dialect=target),
        read,
        sessions,
    )
    return header + body + ";\n"


def _dialect(dialect: str) -> Dialect:
    if dialect not in DIALECTS:
        raise InputError(
            [
                Problem(
                    f"unknown SQL dialect {dialect!r}; expected one of {', '.join(DIALECTS)}",
                    field="dialect",
                )
            ]
        )
    return cast(Dialect, dialect)


def _untranslatable(dialect: Dialect, detail: str) -> TranslationError:
    return TranslationError(
        f"sqlglot cannot translate the query to {DIALECT_NAMES[dialect]} faithfully "
        f"({detail.strip()}); nothing was written. Export --dialect duckdb and translate "
        "by hand, or report this."
    )


@contextmanager
def _sqlglot_warnings() -> Iterator[list[str]]:
    """Collect what sqlglot logs instead of letting it reach the user's terminal."""
    logger = logging.getLogger("sqlglot")
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collect(logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _table(name: str, dialect: Dialect, what: str) -> exp.Table:
    """A table name in the dialect's own syntax, or a clear refusal."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    problem = Problem(
        f"{name!r} is not a table name in {DIALECT_NAMES[dialect]} "
        "(expected [catalog.][schema.]table, quoted the way the dialect quotes names)",
        field=what,
    )
    try:
        with _sqlglot_warnings() as warnings:
            table = sqlglot.parse_one(name, into=exp.Table, read=dialect)
    except SqlglotError:
        raise InputError([problem]) from None
    parts = {key: value for key, value in table.args.items() if value}
    if (
        warnings
        or not isinstance(table, exp.Table)
        or not set(parts) <= {"this", "db", "catalog"}
        or not all(isinstance(part, exp.Identifier) for part in parts.values())
    ):
        raise InputError([problem])
    return table


def _place(tree: exp.Expr, tables: dict[str, exp.Table]) -> None:
    """Put the real table names where the engine wrote the placeholders (once each)."""
    from sqlglot import exp

    placed = {name: 0 for name in tables}
    for node in list(tree.find_all(exp.Table)):
        if node.name in tables and not node.args.get("db"):
            real = tables[node.name].copy()
            real.set("alias", node.args.get("alias"))
            node.replace(real)
            placed[node.name] += 1
    assert all(count == 1 for count in placed.values()), placed


def _window_nulls(tree: exp.Expr, dialect: Dialect) -> None:
    """Window ORDER BY t: t is never NULL, so the target's default null order is faithful.

    Any other window order is left to sqlglot, which says when it cannot carry it.
    """
    from sqlglot import exp
    from sqlglot.dialects.dialect import Dialect as SqlglotDialect

    nulls_first = SqlglotDialect.get_or_raise(dialect).NULL_ORDERING == "nulls_are_small"
    for window in tree.find_all(exp.Window):
        order = window.args.get("order")
        for ordered in order.expressions if order is not None else ():
            key = ordered.this
            if isinstance(key, exp.Column) and key.name == "t" and not ordered.args.get("desc"):
                ordered.set("nulls_first", nulls_first)


def _names(tree: exp.Expr, dialect: Dialect) -> None:
    """Quote `at` and `trigger` (keywords somewhere); Snowflake: upper case, like unquoted."""
    from sqlglot import exp

    for identifier in tree.find_all(exp.Identifier):
        if identifier.name.lower() in _KEYWORD_NAMES:
            name = identifier.name.upper() if dialect == "snowflake" else identifier.name
            identifier.set("this", name)
            identifier.set("quoted", True)


def _microseconds(tree: exp.Expr, dialect: Dialect) -> None:
    """A moment's time in microseconds, where sqlglot's DATE_DIFF would mean dates."""
    from sqlglot import exp

    diffs = list(tree.find_all(exp.DateDiff))
    assert len(diffs) == 1, [d.sql() for d in diffs]
    diff = diffs[0]
    assert diff.text("unit").upper() == "MICROSECOND", diff.sql()
    moment = diff.this  # DateDiff(this=end, expression=start): the activity's time
    assert isinstance(moment, exp.Column) and moment.name.lower() == "at", diff.sql()
    if dialect == "bigquery":
        # DATE_DIFF takes dates; UNIX_MICROS is exact for TIMESTAMP and for DATETIME in UTC.
        cast = exp.cast(moment.copy(), exp.DataType.Type.TIMESTAMPTZ)
        diff.replace(exp.UnixMicros(this=cast))
    elif dialect == "spark":
        # Spark reads DATEDIFF(unit, ...) both ways; TIMESTAMPDIFF only as timestamps.
        diff.replace(
            exp.TimestampDiff(
                this=moment.copy(), expression=diff.expression.copy(), unit=exp.var("MICROSECOND")
            )
        )


def _replace_every_match(tree: exp.Expr, dialect: Dialect) -> None:
    """REGEXP_REPLACE(..., 'g'): DuckDB and PostgreSQL replace only the first match without the
    'g' flag; Snowflake, BigQuery and Spark replace every match and take no flag (Snowflake
    would read 'g' as a position), so it is dropped there."""
    from sqlglot import exp

    if dialect in ("duckdb", "postgres"):
        return
    for node in tree.find_all(exp.RegexpReplace):
        modifiers = node.args.get("modifiers")
        assert modifiers is not None and modifiers.name == "g", node.sql()
        node.set("modifiers", None)


# --- raw rows: the loader's normalisation in front of the replay -----------------------------

LEADS_CLEAN = "leads_clean"
ACTIVITIES_CLEAN = "activities_clean"


def _normalised_replay(definition: Definition) -> tuple[exp.Query, bool]:
    """The replay reading `leads_clean` and `activities_clean`, the first two CTEs, which read
    the raw tables (the placeholders) as the loader would; and whether it reads session ids.

    Always on: a warehouse holds raw rows, and on rows that are already clean the
    normalisation changes nothing (the export's tests run it on loaded tables)."""
    import sqlglot
    from sqlglot import exp

    # The warehouse form: no DuckDB memory hint (each target makes its own choice), account
    # sums partitioned so a distributed engine spreads them.
    replay = sqlglot.parse_one(
        compile_replay(definition, LEADS_CLEAN, ACTIVITIES_CLEAN, warehouse=True), read="duckdb"
    )
    assert isinstance(replay, exp.Query)
    # Only a tier 2 combination reads activities.session_id.
    sessions = any(c.name == "session_id" for c in replay.find_all(exp.Column))
    # Only the lead source clauses read leads.lead_source.
    sources = any(c.name == "lead_source" for c in replay.find_all(exp.Column))
    ctes = replay.args["with_"]
    staged = [
        exp.CTE(this=sqlglot.parse_one(select, read="duckdb"), alias=exp.TableAlias(this=name))
        for name, select in (
            (exp.to_identifier(LEADS_CLEAN), leads_select(_LEADS, sources)),
            (exp.to_identifier(ACTIVITIES_CLEAN), activities_select(_ACTIVITIES, sessions)),
        )
    ]
    ctes.set("expressions", [*staged, *ctes.expressions])
    return replay, sessions


def _backreferences(tree: exp.Expr, dialect: Dialect) -> None:
    """Spark (Java) writes a group in a replacement as $1, the others as \\1."""
    from sqlglot import exp

    if dialect != "spark":
        return
    for node in tree.find_all(exp.RegexpReplace):
        replacement = node.args.get("replacement")
        if isinstance(replacement, exp.Literal) and "\\" in replacement.this:
            assert "$" not in replacement.this, replacement.sql()
            replacement.set("this", re.sub(r"\\([1-9])", r"$\1", replacement.this))


def staging_sql(
    dialect: str,
    leads_table: str = "leads",
    activities_table: str = "activities",
    sources: bool = False,
) -> tuple[str, str]:
    """The normalised inputs alone, in `dialect`: (leads SELECT, activities SELECT), each
    reading the raw table and giving what the replay reads (a dbt staging model's body).
    `sources`: also read `lead_source`, for a definition with lead source clauses."""
    target = _dialect(dialect)
    import sqlglot
    from sqlglot.errors import ErrorLevel, SqlglotError

    out = []
    for placeholder, table, what, select in (
        (_LEADS, leads_table, "leads table", leads_select(_LEADS, sources)),
        (_ACTIVITIES, activities_table, "activities table", activities_select(_ACTIVITIES)),
    ):
        name = _table(table, target, what)
        with _sqlglot_warnings() as warnings:
            try:
                tree = sqlglot.parse_one(select, read="duckdb")
                _place(tree, {placeholder: name})
                _replace_every_match(tree, target)
                _backreferences(tree, target)
                _names(tree, target)
                out.append(
                    tree.sql(dialect=target, pretty=True, unsupported_level=ErrorLevel.RAISE)
                )
            except SqlglotError as error:
                raise _untranslatable(target, str(error)) from None
        if warnings:
            raise _untranslatable(target, "; ".join(warnings))
    return out[0], out[1]


def _first_candidate(tree: exp.Expr, dialect: Dialect) -> None:
    """Spark: each moment's next event found before the recursion, which then only follows it.

    The engine's recursive step keeps a candidate `c` after the last event `e` when it fires
    and no earlier candidate `d` fires (NOT EXISTS). Its firing test holds scalar subqueries
    that read `e`; inside the NOT EXISTS they reach two scopes out, which Spark cannot
    resolve, and Spark allows no window or aggregate over the recursive reference. But the
    step reads of `e` only its lead, time and carried totals, which are `tail`'s at that
    moment; so `nxt` pairs every moment of `tail` with the earliest candidate that fires
    after it (`cand` holds one row per moment: "no earlier one fires" is "the earliest of
    those that fire"), stamped as the step stamps it, and the step joins `ev` to `nxt`.
    Only this shape is rewritten: the NOT EXISTS must test `d` exactly as the step tests `c`.
    """
    from sqlglot import exp

    if dialect != "spark":
        return
    with_ = tree.args["with_"]
    (ev,) = [cte for cte in with_.expressions if cte.alias == "ev"]
    assert not any(cte.alias == "nxt" for cte in with_.expressions)
    union = ev.this
    step = union.expression
    assert isinstance(union, exp.Union) and isinstance(step, exp.Select), ev.sql()
    where = step.args["where"].this
    assert isinstance(where, exp.And) and isinstance(where.expression, exp.Not), where.sql()
    exists = where.expression.this
    assert isinstance(exists, exp.Exists), where.sql()
    fires = where.this
    inner = exists.this.args["where"].this
    assert isinstance(inner, exp.And), inner.sql()
    (join,) = step.args["joins"]
    later = exp.condition("d.t < c.t", dialect="duckdb")
    same_shape = exp.And(this=_renamed(join.args["on"], "c", "d"), expression=later)
    assert inner.this.sql() == same_shape.sql(), (inner.this.sql(), same_shape.sql())
    assert _renamed(inner.expression, "d", "c").sql() == fires.sql(), "NOT EXISTS tests d as c"
    names = [column.name for column in ev.args["alias"].columns]
    state = names[6:]
    assert names[:6] == ["k", "t", "at", "rs", "tier", "trg"], names
    assert [e.sql() for e in step.expressions[:3]] == ["c.k", "c.t", 'c."at"'], step.sql()
    assert [e.sql() for e in step.expressions[6:]] == [f"c.{c}" for c in state], step.sql()
    read = {
        c.name for c in exp.select(*step.expressions, fires).find_all(exp.Column) if c.table == "e"
    }
    assert read <= {"k", "t", *state}, read
    moments = exp.select("k", "t", *state).distinct().from_("tail")
    firing = step.copy()
    firing.set("from_", exp.From(this=moments.subquery("e")))
    firing.set("where", exp.Where(this=fires.copy()))
    firing.set(
        "expressions",
        [exp.alias_(exp.column("t", "e"), "et")]
        + [exp.alias_(e.copy(), name) for e, name in zip(step.expressions, names, strict=True)]
        + [exp.alias_(exp.maybe_parse("MIN(c.t) OVER (PARTITION BY e.k, e.t)"), "first_t_")],
    )
    earliest = (
        exp.select("k", "et", *names[1:])
        .from_(firing.subquery("fired"))
        .where(exp.column("t").eq(exp.column("first_t_")))
    )
    with_.expressions.insert(
        with_.expressions.index(ev),
        exp.CTE(this=earliest, alias=exp.TableAlias(this=exp.to_identifier("nxt"))),
    )
    _follow_in_a_map(with_, ev, names)


def _follow_in_a_map(with_: exp.With, ev: exp.CTE, names: list[str]) -> None:
    """Spark: the recursion reads only its own rows, each lead's `nxt` carried as a map.

    Spark runs a recursive CTE one iteration at a time, planning and executing the step
    anew each time; a step that joins `nxt` recomputes all of it (the normalisation, the
    windows, the firing tests) once per MQL of the busiest lead, and that plan is large.
    So `nxm` gathers each lead's `nxt` into one map, from a moment's time to the next
    event; the anchor (run once) adds the lead's map to its first event as `m_`, and the
    step only looks up the next event of the row before it (ELEMENT_AT gives NULL for a
    moment with none, which ends that lead's chain). A moment has at most one next event,
    so a map key is never repeated (Spark would refuse the map if it were)."""
    import sqlglot
    from sqlglot import exp

    fields = ", ".join(f"n.{name} AS {name}" for name in names[1:])
    nxm = sqlglot.parse_one(
        f"SELECT n.k, MAP_FROM_ENTRIES(COLLECT_LIST(STRUCT(n.et AS et, STRUCT({fields}) AS v)))"
        " AS m_ FROM nxt AS n GROUP BY n.k",
        read="spark",
    )
    with_.expressions.insert(
        with_.expressions.index(ev),
        exp.CTE(this=nxm, alias=exp.TableAlias(this=exp.to_identifier("nxm"))),
    )
    union = ev.this
    # The anchor's DISTINCT stays on its own columns (Spark compares no maps).
    anchor = (
        exp.select(*[exp.column(name, "a") for name in names], exp.column("m_", "x"))
        .from_(union.this.subquery("a"))
        .join("nxm AS x", on="x.k = a.k", join_type="left")
    )
    union.set("this", anchor)
    step = sqlglot.parse_one(
        "SELECT e.k, "
        + ", ".join(f"ELEMENT_AT(e.m_, e.t).{name}" for name in names[1:])
        + ", e.m_ FROM ev AS e WHERE NOT ELEMENT_AT(e.m_, e.t) IS NULL",
        read="spark",
    )
    union.set("expression", step)
    ev.args["alias"].append("columns", exp.to_identifier("m_"))


def _empty_in_lists(tree: exp.Expr, dialect: Dialect) -> None:
    """`x IN ()` (the engine writes it for an empty list of kinds) is DuckDB's own: Spark and
    PostgreSQL refuse the syntax. DuckDB gives NULL for a NULL x and FALSE otherwise, and so
    does the CASE written instead."""
    from sqlglot import exp

    if dialect == "duckdb":
        return
    for node in list(tree.find_all(exp.In)):
        if not node.expressions and node.args.get("query") is None:
            value = node.this.copy()
            node.replace(
                exp.Case(
                    ifs=[exp.If(this=exp.Is(this=value, expression=exp.Null()), true=exp.Null())],
                    default=exp.false(),
                )
            )


def _choice_lookups(tree: exp.Expr, dialect: Dialect) -> None:
    """Spark: `CASE <key> WHEN 'a' THEN 'x' ... END` as ELEMENT_AT(MAP('a', 'x', ...), <key>).

    Spark reads a simple CASE as one comparison per arm, each with its own copy of the key;
    the normalisation's keys are long chains of string functions (a choice value folded and
    squashed), and the optimizer copies them again into every filter that reads the column,
    so a plan grew to megabytes of text, past the 64 KB a generated method may hold, and its
    planning took minutes. The map evaluates the key once. Only a key that is not a plain
    column, literal arms, distinct keys and no ELSE: then both give the matching value, and
    NULL for a key that matches none or is NULL (ELEMENT_AT on a map, ANSI mode or not)."""
    from sqlglot import exp

    if dialect != "spark":
        return
    for case in list(tree.find_all(exp.Case)):
        key, arms = case.this, case.args.get("ifs") or []
        whens = [arm.this for arm in arms]
        if (
            key is None
            or isinstance(key, exp.Column)
            or case.args.get("default") is not None
            or not arms
            or not all(isinstance(w, exp.Literal) and w.is_string for w in whens)
            or not all(isinstance(arm.args.get("true"), exp.Literal) for arm in arms)
            or len({w.this for w in whens}) != len(whens)
        ):
            continue
        pairs = [part.copy() for arm in arms for part in (arm.this, arm.args["true"])]
        case.replace(exp.func("ELEMENT_AT", exp.func("MAP", *pairs, dialect="spark"), key.copy()))


def _renamed(node: exp.Expr, old: str, new: str) -> exp.Expr:
    """A copy of `node` with every column of table alias `old` read from `new` instead."""
    from sqlglot import exp

    copy = node.copy()
    for column in copy.find_all(exp.Column):
        if column.table == old:
            column.set("table", exp.to_identifier(new))
    return copy


# --- the header ------------------------------------------------------------------------------


def _clean(text: object) -> str:
    """One line of comment text: no line breaks or control characters from the file."""
    return "".join(ch if ch.isprintable() else " " for ch in str(text))


def _type_name(column: Column, dialect: Dialect) -> str:
    from sqlglot import exp

    return exp.DataType.build(sql_type(column), dialect="duckdb").sql(dialect=dialect)


def _schema(
    table: str, what: str, columns: tuple[Column, ...], read: set[str], dialect: Dialect
) -> list[str]:
    lines = [f"--   {_clean(table)}: {what}"]
    width = max(len(c.name) for c in columns)
    for column in columns:
        unused = "" if column.name in read else "  (not read by this query)"
        lines.append(f"--     {column.name:<{width}}  {_type_name(column, dialect)}{unused}")
    return lines


def _header(
    definition: Definition,
    dialect: Dialect,
    leads: str,
    activities: str,
    read: set[str],
    sessions: bool = True,
) -> str:
    record = definition.sign_record
    if record is None:
        signed = "not signed: no content hash"
    else:
        side = "both sides" if definition.signoff is not None else "one side so far"
        signed = (
            f"content sha256 {record.content_sha256}\n-- (signed by {side}; review date "
            f"{record.review_date.isoformat()})"
        )
    lines = [
        f'-- MQL events under "{_clean(definition.name)}"',
        f"-- {_clean(definition.slug)} v{definition.version}, {definition.status}; {signed}",
    ]
    if integrity_of(definition) == "altered":
        lines += [
            "-- WARNING: ALTERED AFTER SIGNING: the file no longer matches its content hash;",
            "-- this query is not what was signed.",
        ]
    lines += [
        f"-- Dialect: {DIALECT_NAMES[dialect]}. Written by mql-workbench {__version__}: its replay",
        "-- query (held to its Python evaluator by property tests), translated from DuckDB",
        "-- by sqlglot.",
        "--",
        "-- Returns one row per moment a lead would have become an MQL under this definition,",
        "-- replaying each lead's activities in time order; ordered by lead_id, at:",
    ]
    width = max(len(name) for name, _ in OUTPUT_COLUMNS)
    lines += [f"--   {name:<{width}}  {meaning}" for name, meaning in OUTPUT_COLUMNS]
    lines += [
        "--",
        "-- Reads the workbench's two canonical tables (`workbench sample-data` writes an",
        f"-- example). All times are UTC: {_TIME_NOTES[dialect]}.",
        "-- Raw rows as the CRM wrote them: the first two CTEs (leads_clean, activities_clean)",
        "-- normalise them as `workbench backtest` loads a file: choices matched ignoring case,",
        "-- spaces, '-', '_', '/', '.' (Demo Request is demo_request), text trimmed, empty text",
        "-- and placeholders (N/A, #N/A, -, null) NULL, ids as the loader reads them (GUIDs lower",
        "-- case without braces, 18-character Salesforce ids as their 15, 500123.0 as 500123), domains lower",
        "-- case without scheme, path or www., a missing seniority inferred",
        "-- from the title, relationship prospect unless it says customer. Times, numbers and",
        "-- booleans must be typed columns. Company size is a whole number:",
        "-- a size range such as 51-200 as its lower bound, 51.",
    ]
    lines += _schema(leads, "one row per lead", LEAD_COLUMNS, read, dialect)
    lines += _schema(
        activities,
        "one row per activity",
        ACTIVITY_COLUMNS,
        {c.name for c in ACTIVITY_COLUMNS if sessions or c.name != "session_id"},
        dialect,
    )
    lines += [f"-- {note}" for note in _DIALECT_NOTES[dialect]]
    return "\n".join(lines) + "\n\n"
