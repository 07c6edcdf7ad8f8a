"""The loader's value normalisation as SQL, so the exported replay reads a warehouse's raw rows.

`workbench backtest` reads files through `load`, which trims text, matches choice values
ignoring case and punctuation, cleans domains, fills defaults, reads a customer won after it
came in as a prospect, and infers a missing seniority from the job title. The replay query
(`engine.compile_replay`) expects all of that done. A warehouse holds the CRM's raw rows, so
the export puts this module's two SELECTs in front of the replay (`leads_clean`,
`activities_clean`), and the same raw rows give the same MQL events in both.

The raw shape a warehouse holds (what `workbench sample-data` writes, loaded as is): the
canonical column names (`tables`), the times as TIMESTAMP holding UTC, employees and
engaged_contacts as whole numbers, target_account as a boolean; every text and choice column
as the CRM wrote it (any case, spaces, '-', '_', '/' or '.' in choice values, surrounding
spaces, empty strings, "https://www.acme.com/about" as a domain, seniority missing). Parsing text into
times, numbers and booleans stays with the warehouse's own loading: every warehouse reads an
ISO time or a number, and no two agree on a bad one.

What the SELECTs do, for the columns the replay reads (and the two times the relationship
rule needs): text trimmed, an empty string or a placeholder ("N/A", "#N/A", "-",
`load.TEXT_PLACEHOLDERS`) read as NULL; ids (lead_id in both tables, account_id) as the
loader reads them: a GUID in lower case and without braces, an 18-character Salesforce id as its 15, a whole
number written as a float as the number, one in scientific notation as NULL; domains lower case without scheme,
path, query or "www."; choice values (seniority, persona, relationship, activity kind)
matched as `mapping.match_choice` does (case-folded, without whitespace, '_', '-', '/', '.');
a seniority that matches none is inferred from the title, exactly as `mapping.infer_seniority`
does (the SQL is generated from its keyword data; a property test holds the two to the same
answer); relationship defaults to prospect, a customer whose own deal was won after the lead
came in is a prospect (`load.customer_by_own_win`); target_account and engaged_contacts
default to false and 0. A lead without an id or a creation time, and an activity without a
lead, a known kind or a time, is left out, as the loader leaves it out. Not done here: a
mapping's `[values]` tables (the warehouse's values must be the canonical ones, in any
spelling), duplicate lead ids (the loader keeps the first in file order; a table has no file
order), placeholder times such as 9999-12-31 (the loader reads them as unknown; a warehouse
loading them as times keeps them); text is trimmed of ASCII whitespace and the no-break
space (`TRIMMED_CODES`), and choice values are compared without ASCII whitespace only (the
loader: any Unicode whitespace, both).

The SQL is DuckDB's, using only what `warehouse` carries to every dialect: string
functions, `regexp_replace` with the 'g' flag (backreferences \\1..\\9), CASE and COALESCE.
Running it on tables that are already clean changes nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import get_args

from workbench.core.domain.vocab import Seniority
from workbench.core.evidence import mapping as rules
from workbench.core.evidence.load import (
    BRACED_GUID,
    FLOAT_ID,
    GUID,
    SCIENTIFIC_ID,
    SEVERAL_IDS,
    TEXT_PLACEHOLDERS,
    salesforce_code_sql,
)
from workbench.core.evidence.tables import ACTIVITY_COLUMNS, LEAD_COLUMNS, Column

_WORD = "a-z0-9_"  # the word characters of the title rules (see `mapping.TO_THE`)
_SPACES = " \\t\\n\\r\\f\\v"  # ASCII whitespace, as escapes every regexp dialect reads

LEAD_INPUTS: tuple[str, ...] = (
    "lead_id",
    "created_at",
    "title",
    "seniority",
    "persona",
    "email",
    "company",
    "domain",
    "account_id",
    "employees",
    "industry",
    "region",
    "relationship",
    "target_account",
    "engaged_contacts",
    "won_at",
)
"""The raw leads columns the normalisation reads (and the replay after it)."""


# What the export trims from each end of a text cell: ASCII whitespace (the tab or CR a
# spreadsheet or a CRLF file leaves in an id) and the no-break space web forms and Excel
# write, by code point. Not the loader's other Unicode spaces: Spark's chr() reads a code
# point modulo 256 (chr(8239) is '/'), and a literal holding them would carry invisible
# characters and line breaks into the exported file.
TRIMMED_CODES: tuple[int, ...] = (9, 10, 11, 12, 13, 160)


def _trim(value: str) -> str:
    return f"trim({value}, ' ' || {' || '.join(f'chr({code})' for code in TRIMMED_CODES)})"


_STEPS_PER_LAYER = 8
_IDS = ("lead_id", "account_id")


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _column(table: tuple[Column, ...], name: str) -> Column:
    return next(c for c in table if c.name == name)


@functools.cache
def casefold_specials() -> tuple[tuple[str, str], ...]:
    """The characters whose case folding holds ASCII ('ß' -> 'ss', 'ﬁ' -> 'fi', Kelvin 'K'):
    SQL's lower() does not fold them, so they are replaced first. From Python's own tables."""
    out = []
    for code in range(0x80, 0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        folded = char.casefold()
        if folded != char and any(c.isascii() for c in folded):
            out.append((char, folded))
    return tuple(out)


def folded_sql(value: str, ascii_only: bool = False) -> str:
    """`value.casefold()` as far as ASCII goes: the special foldings, then lower().
    `ascii_only`: only the foldings that are all ASCII (enough where only ASCII can match)."""
    by_fold: dict[str, list[str]] = {}
    for char, folded in casefold_specials():
        if folded.isascii() or not ascii_only:
            by_fold.setdefault(folded, []).append(char)
    singles = {chars[0]: fold for fold, chars in by_fold.items() if len(fold) == 1}
    for fold, chars in by_fold.items():
        if len(fold) > 1:
            value = _g(value, "|".join(chars), fold)
    if singles:
        value = f"translate({value}, {_lit(''.join(singles))}, {_lit(''.join(singles.values()))})"
    return f"lower({value})"


def _g(value: str, pattern: str, replacement: str) -> str:
    return f"regexp_replace({value}, {_lit(pattern)}, {_lit(replacement)}, 'g')"


def _fuzzy_pattern(target: str) -> str:
    """Every word `mapping.one_edit` reads as `target`, as one alternation."""
    assert re.fullmatch("[a-z]+", target), target
    variants = {target}
    for i in range(len(target) + 1):
        variants.add(target[:i] + "\0" + target[i:])  # one extra
    for i in range(len(target)):
        variants.add(target[:i] + target[i + 1 :])  # one missing
        variants.add(target[:i] + "\0" + target[i + 1 :])  # one wrong
    for i in range(len(target) - 1):
        variants.add(target[:i] + target[i + 1] + target[i] + target[i + 2 :])  # swapped
    assert all(len(v) >= rules.FUZZY_MIN for v in variants), target
    return "|".join(sorted(v.replace("\0", "[a-z0-9']") for v in variants))


def _regex_step(pattern: str, replacement: str) -> Callable[[str], str]:
    return lambda value: _g(value, pattern, replacement)


def _replace_step(before: str, after: str) -> Callable[[str], str]:
    return lambda value: f"replace({value}, {_lit(before)}, {_lit(after)})"


def title_word_steps() -> list[Callable[[str], str]]:
    """`mapping._normalise_title` as steps, each an SQL expression over the previous one's
    value (the first over the raw title). Run in turn they give the title as one string with
    each word between a space either side ('  vp  sales  '), so ' word ' finds a whole word.
    (Steps, not one expression: nested a hundred deep, the query would be too deep to parse.)"""
    steps: list[Callable[[str], str]] = []

    def step(fn: Callable[[str], str]) -> None:
        steps.append(fn)

    step(lambda t: folded_sql(f"COALESCE({t}, '')"))
    # strip(STRIPPED), written with the regular expressions' escapes: no control character
    # is ever written into the query.
    assert rules.STRIPPED == " \t\n\r\f\v"
    step(_regex_step(f"^[{_SPACES}]+|[{_SPACES}]+$", ""))
    # What the rules below do not tell apart: any other character (it ends a word).
    step(_regex_step(f"[^{_WORD}'. -]", "#"))
    assert rules.TO_THE.pattern == "(?<![a-z0-9_])to (?=[a-z0-9_])"
    step(
        lambda t: (
            f"CASE WHEN strpos({t}, ' to ') > 0 THEN "
            + _g(t, f"(^|[^{_WORD}])to [{_WORD}].*$", "\\1")
            + f" ELSE {t} END"
        )
    )
    assert rules.DOTTED.pattern == f"(?<![a-z0-9_.])(?:[a-z]\\.){{2,{rules.DOTTED_MAX}}}"
    assert rules.DOTTED_MAX <= 8  # \\2..\\9
    for size in range(rules.DOTTED_MAX, 1, -1):
        letters = "".join(f"\\{i}" for i in range(2, size + 2))
        pattern = f"(^|[^{_WORD}.])" + "([a-z])\\." * size
        step(_regex_step(pattern, "\\1" + letters + "."))
    for before, after in rules.JOINED:
        step(_replace_step(before, after))
    step(lambda t: _g(f"' ' || {t} || ' '", "[^a-z0-9']+", "  "))
    for short, long in rules._ABBREVIATIONS.items():
        if re.fullmatch("[a-z0-9']+", short):  # ("vice-president" cannot be one word here)
            assert long not in rules._ABBREVIATIONS, long
            step(_replace_step(f" {short} ", f" {long} "))
    for target in rules._FUZZY_TARGETS:
        step(_regex_step(f" ({_fuzzy_pattern(target)}) ", f" {target} "))
    return steps


def title_words_sql(title: str) -> str:
    """The steps of `title_word_steps` as one expression (for a test; a query layers them)."""
    for fn in title_word_steps():
        title = fn(title)
    return title


def seniority_sql(words: str) -> str:
    """`mapping.infer_seniority` on the words `title_words_sql` gives (a column name)."""

    def word(*names: str | frozenset[str]) -> str:
        flat = sorted(n for name in names for n in ([name] if isinstance(name, str) else name))
        return "(" + " OR ".join(f"strpos({words}, {_lit(f' {n} ')}) > 0" for n in flat) + ")"

    joined = f"trim({_g(words, ' +', ' ')})"

    def phrase(*texts: str) -> str:
        return "(" + " OR ".join(f"strpos({joined}, {_lit(t)}) > 0" for t in texts) + ")"

    vice = f"({phrase('vice president')} OR {word('vp')})"
    placeholders = ", ".join(_lit(p) for p in sorted(rules._PLACEHOLDERS))
    return (
        f"CASE WHEN {joined} IN ({placeholders}) THEN NULL"
        f" WHEN {phrase('managing director')} OR ({word(rules._C_LEVEL_WORDS)} AND NOT {vice})"
        " THEN 'c-level'"
        f" WHEN {vice} THEN 'vp'"
        f" WHEN {word('director', 'head')} THEN 'director'"
        f" WHEN {word('manager', 'supervisor')}"
        f" OR {phrase('team lead', 'team leader', 'general manager')} THEN 'manager'"
        f" WHEN {word(rules._INTERN_WORDS)} THEN 'intern'"
        f" WHEN {word(rules._INDIVIDUAL_WORDS)} OR {phrase('individual contributor')}"
        " THEN 'individual' END"
    )


def choice_sql(column: Column, value: str) -> str:
    """`mapping.match_choice`: the raw value as one of the column's choices, else NULL."""
    squashed = _g(folded_sql(value, ascii_only=True), f"[{_SPACES}_/.-]+", "")
    arms = " ".join(f"WHEN {_lit(rules.squash(c))} THEN {_lit(c)}" for c in column.choices)
    return f"CASE {squashed} {arms} END"


def _placeholder(trimmed: str) -> str:
    """`load.TEXT_PLACEHOLDERS`: "N/A", "#N/A", "-", "null"... a CRM or a spreadsheet wrote for
    no value. The loader reads them as empty: left as text, every lead with account_id '#N/A'
    was one account and every activity with session '-' one session."""
    words = ", ".join(_lit(word) for word in sorted(TEXT_PLACEHOLDERS))
    longest = max(len(word) for word in TEXT_PLACEHOLDERS)
    # lower(), not `folded_sql`: the placeholders are ASCII, and no one writes "undeﬁned" with
    # a ligature; the fold's eight regexps on every text column made Spark's plan (each CTE
    # copied into every place that reads it) run its driver out of memory.
    return f"(length({trimmed}) <= {longest} AND lower({trimmed}) IN ({words}))"


def _text(value: str) -> str:
    """Trimmed; an empty string or a placeholder as NULL."""
    trimmed = _trim(value)
    return f"CASE WHEN {_placeholder(trimmed)} THEN NULL ELSE NULLIF({trimmed}, '') END"


def _full(pattern: str, value: str) -> str:
    """`re.fullmatch(pattern, value)` in every dialect: nothing left once the match is gone."""
    sql_pattern = pattern.replace("(?:", "(")
    assert "(?" not in sql_pattern, pattern
    return f"{_g(value, '^(' + sql_pattern + ')$', '')} = ''"


def _id(v: str) -> str:
    """An id as `load._cell` reads it, from `v`, the id as `_text` gives it (a column of the
    layer below, as the expression reads it many times): an id in scientific notation, or
    several joined by ';', as NULL (the loader empties and reports it), a whole number written as a float as the
    number, an 18-character Salesforce id as its 15 characters, a GUID in lower case and without
    braces. Without
    this a warehouse's raw rows split an account Dynamics wrote in two cases, and lose every
    activity a report wrote with a lead's 18-character id."""
    return (
        f"CASE WHEN {_full(SCIENTIFIC_ID, v)} OR {v} LIKE '%{SEVERAL_IDS}%' THEN NULL"
        f" WHEN {_full(FLOAT_ID, v)} THEN {_g(v, '[.]0+$', '')}"
        f" WHEN length({v}) = 18 AND {_g(v, '[A-Za-z0-9]', '')} = ''"
        f" AND substr({v}, 16, 3) = {salesforce_code_sql(v)} THEN substr({v}, 1, 15)"
        f" WHEN length({v}) = 36 AND {_full(GUID, v)} THEN lower({v})"
        f" WHEN length({v}) = 38 AND {_full(BRACED_GUID, v)} THEN lower(substr({v}, 2, 36))"
        f" ELSE {v} END"
    )


def _domain(value: str) -> str:
    """`load._domain`: lower case, without scheme, path, query or 'www.'; a placeholder NULL."""
    trimmed = _trim(value)
    host = _g(folded_sql(trimmed, ascii_only=True), "^[a-z][a-z0-9+.-]*://", "")
    host = _g(host, "[/?](.|\\n)*$", "")
    host = _g(host, "^www\\.", "")
    return f"CASE WHEN {_placeholder(trimmed)} THEN NULL ELSE NULLIF({host}, '') END"


def _has_id(v: str) -> str:
    """`_id(v) IS NOT NULL`, without writing `_id` out again."""
    several = f"{v} LIKE '%{SEVERAL_IDS}%'"
    return f"{v} IS NOT NULL AND NOT ({_full(SCIENTIFIC_ID, v)} OR {several})"


def leads_select(table: str, sources: bool = False) -> str:
    """The leads as the replay reads them, from the raw table `table` (DuckDB SQL).

    `sources`: the definition has lead source clauses, so `lead_source` is read (trimmed, an
    empty string as NULL); otherwise a table without that column still works."""
    inputs = (*LEAD_INPUTS, "lead_source") if sources else LEAD_INPUTS
    seniority = _column(LEAD_COLUMNS, "seniority")
    persona = _column(LEAD_COLUMNS, "persona")
    relationship = _column(LEAD_COLUMNS, "relationship")
    assert set(get_args(Seniority)) == set(seniority.choices)
    # The title's words, a few steps per layer, each layer a subquery.
    steps = title_word_steps()
    inner, value = "", "l.title"
    for at in range(0, len(steps), _STEPS_PER_LAYER):
        for fn in steps[at : at + _STEPS_PER_LAYER]:
            value = fn(value)
        if not inner:  # the ids as text once: `_id` reads them many times
            raw = ", ".join(
                f"{_text(f'l.{name}')} AS {name}" if name in _IDS else f"l.{name}"
                for name in inputs
            )
            inner = f"SELECT {raw}, {value} AS wb_words FROM {table} AS l"
        else:
            raw = ", ".join(f"s.{name}" for name in inputs)
            inner = f"SELECT {raw}, {value} AS wb_words FROM ({inner}) AS s"
        value = "s.wb_words"
    created, won = "s.created_at", "s.won_at"
    rel = choice_sql(relationship, "s.relationship")
    return (
        f"SELECT {_id('s.lead_id')} AS lead_id,\n"
        f"    {created} AS created_at,\n"
        f"    {_text('s.title')} AS title,\n"
        f"    COALESCE({choice_sql(seniority, 's.seniority')}, "
        f"{seniority_sql('s.wb_words')}) AS seniority,\n"
        f"    {choice_sql(persona, 's.persona')} AS persona,\n"
        f"    {_text('s.email')} AS email,\n"
        f"    {_text('s.company')} AS company,\n"
        f"    {_domain('s.domain')} AS domain,\n"
        f"    {_id('s.account_id')} AS account_id,\n"
        "    s.employees AS employees,\n"
        f"    {_text('s.industry')} AS industry,\n"
        f"    {_text('s.region')} AS region,\n"
        f"    CASE WHEN {rel} = 'customer' AND {won} > {created} THEN 'prospect'\n"
        f"      ELSE COALESCE({rel}, 'prospect') END AS relationship,\n"
        "    COALESCE(s.target_account, FALSE) AS target_account,\n"
        "    COALESCE(s.engaged_contacts, 0) AS engaged_contacts,\n"
        f"    {won} AS won_at"
        + (f",\n    {_text('s.lead_source')} AS lead_source" if sources else "")
        + f"\n  FROM ({inner}) AS s\n"
        f"  WHERE {_has_id('s.lead_id')} AND {created} IS NOT NULL"
    )


def activities_select(table: str, sessions: bool = True) -> str:
    """The activities as the replay reads them, from the raw table `table` (DuckDB SQL).
    `sessions`: whether to read session_id (only a tier 2 combination needs it)."""
    kind = choice_sql(_column(ACTIVITY_COLUMNS, "kind"), "s.kind")
    at = 's."at"'
    session = f",\n    {_text('s.session_id')} AS session_id" if sessions else ""
    raw = f'{_text("a.lead_id")} AS lead_id, a.kind, a."at"' + (
        ", a.session_id" if sessions else ""
    )
    return (
        f'SELECT {_id("s.lead_id")} AS lead_id, {kind} AS kind, {at} AS "at"{session}\n'
        f"  FROM (SELECT {raw} FROM {table} AS a) AS s\n"
        f"  WHERE {_has_id('s.lead_id')} AND {kind} IS NOT NULL AND {at} IS NOT NULL"
    )
