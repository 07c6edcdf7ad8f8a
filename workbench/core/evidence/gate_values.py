"""The fit gate's listed text values against an export's: regions and industries.

A fit gate compares a lead's region and industry with its own lists (`fit.regions`,
`fit.industries`), ignoring case and surrounding spaces. A CRM writes neither in the room's
words: HubSpot's Country/Region says "United States", its Industry "COMPUTER_SOFTWARE", where
the definition says north-america and software. Then the gate fails every lead and the
backtest shows 0 MQLs. A mapping file's `[values.region]` / `[values.industry]` tables
translate them (`mapping.TRANSLATED_TEXT`); this module proposes those lines:

- `listed(definition)`: the values the definition's fit gates list, per column (the main gate,
  its segments' and motions' own);
- `propose_listed(column, value, names)`: one of the definition's names for an export's value,
  and why: a country through a small built-in table of areas (United States, US and Canada are
  in north-america; EU countries, the UK, Norway and Switzerland in europe and emea; ...), then
  a name of the definition's that the value contains ("Computer Software" says software), then
  a close name ("North America", "Fin-tech");
- `gate_warnings(con, definition)`: after loading, a column whose history values (almost) never
  match the gate's list, with its top values and the `[values]` lines to paste.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import tomli_w

from workbench.core.domain.definition import Definition, FitGate

if TYPE_CHECKING:
    import duckdb

# canonical column -> the fit gate's list it is compared with
GATE_LISTS: dict[str, str] = {"region": "regions", "industry": "industries"}
_A = {"region": "a region", "industry": "an industry"}
TOP_VALUES = 5  # history values a warning names
FEW = 0.05  # below this share of the leads with a value matching, the backtest warns


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def _words(text: str) -> set[str]:
    return set(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


# Area names as definitions write them (compared squashed), each with the names it goes by.
_AREAS: dict[str, tuple[str, ...]] = {
    "north-america": ("northamerica", "na", "namer", "nam", "usandcanada", "uscanada"),
    "americas": ("americas", "amer"),
    "latam": ("latam", "latinamerica", "southamerica"),
    "europe": ("europe", "eu", "eur"),
    "emea": ("emea",),
    "dach": ("dach",),
    "nordics": ("nordics", "nordic", "scandinavia"),
    "uk-ireland": ("ukandireland", "ukireland", "ukie", "ukandi"),
    "middle-east": ("middleeast", "me", "mena"),
    "africa": ("africa",),
    "apac": ("apac", "asiapacific", "asia", "apj"),
    "anz": ("anz", "oceania", "australiaandnewzealand", "australianewzealand"),
}

_NA = ("north-america", "americas")
_LATAM = ("latam", "americas")
_EU = ("europe", "emea")
_DACH = ("dach", "europe", "emea")
_NORDIC = ("nordics", "europe", "emea")
_UKI = ("uk-ireland", "europe", "emea")
_ME = ("middle-east", "emea")
_AF = ("africa", "emea")
_APAC = ("apac",)
_ANZ = ("anz", "apac")

# Countries (names and ISO codes, squashed) -> the areas they are in, the narrowest first.
_COUNTRIES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ["unitedstates", "unitedstatesofamerica", "us", "usa", "america", "canada", "ca"], _NA
    ),
    **dict.fromkeys(
        [
            "mexico", "mx", "brazil", "brasil", "br", "argentina", "ar", "chile", "cl",
            "colombia", "co", "peru", "pe", "uruguay", "ecuador", "venezuela", "costarica",
            "panama", "guatemala", "dominicanrepublic", "puertorico", "bolivia", "paraguay",
        ],
        _LATAM,
    ),
    **dict.fromkeys(["germany", "deutschland", "de", "austria", "at", "switzerland", "ch"], _DACH),
    **dict.fromkeys(
        [
            "sweden", "se", "norway", "no", "denmark", "dk", "finland", "fi", "iceland", "is",
        ],
        _NORDIC,
    ),
    **dict.fromkeys(
        ["unitedkingdom", "uk", "gb", "greatbritain", "england", "scotland", "wales",
         "northernireland", "ireland", "ie"],
        _UKI,
    ),
    **dict.fromkeys(
        [
            "france", "fr", "spain", "es", "espana", "italy", "it", "netherlands", "nl",
            "thenetherlands", "holland", "belgium", "be", "luxembourg", "lu", "portugal", "pt",
            "poland", "pl", "czechia", "czechrepublic", "cz", "slovakia", "sk", "hungary", "hu",
            "romania", "ro", "bulgaria", "bg", "greece", "gr", "croatia", "hr", "slovenia",
            "si", "estonia", "ee", "latvia", "lv", "lithuania", "lt", "cyprus", "malta",
            "serbia", "ukraine", "ua",
        ],
        _EU,
    ),
    **dict.fromkeys(
        [
            "unitedarabemirates", "uae", "ae", "saudiarabia", "sa", "israel", "il", "qatar",
            "kuwait", "bahrain", "oman", "jordan", "lebanon", "turkey", "turkiye", "tr",
        ],
        _ME,
    ),
    **dict.fromkeys(
        ["southafrica", "za", "nigeria", "ng", "kenya", "ke", "egypt", "eg", "morocco",
         "ghana"],
        _AF,
    ),
    **dict.fromkeys(["australia", "au", "newzealand", "nz"], _ANZ),
    **dict.fromkeys(
        [
            "japan", "jp", "china", "cn", "india", "in", "singapore", "sg", "southkorea",
            "korea", "kr", "hongkong", "hk", "taiwan", "tw", "indonesia", "id", "philippines",
            "ph", "vietnam", "vn", "thailand", "th", "malaysia", "my",
        ],
        _APAC,
    ),
}  # fmt: skip


def _definition_gates(definition: Definition) -> Iterable[FitGate]:
    yield definition.fit
    for segment in definition.segments:
        if segment.fit is not None:
            yield segment.fit
    for motion in definition.motions:
        if motion.fit is not None:
            yield motion.fit


def listed(definition: Definition) -> dict[str, list[str]]:
    """The values the definition's fit gates list, per canonical column (region, industry),
    in the order written, each once; a column no gate lists is absent."""
    out: dict[str, list[str]] = {}
    for gate in _definition_gates(definition):
        for column, attribute in GATE_LISTS.items():
            for name in getattr(gate, attribute):
                if name.strip() and name.strip().casefold() not in {
                    n.casefold() for n in out.get(column, [])
                }:
                    out.setdefault(column, []).append(name.strip())
    return out


def matches(value: str, names: Iterable[str]) -> bool:
    """Whether the gate reads the value as one of its names (case and surrounding spaces
    aside, as the evaluator compares)."""
    wanted = value.strip().lower()
    return any(wanted == name.strip().lower() for name in names)


def propose_listed(column: str, value: str, names: list[str]) -> tuple[str | None, str]:
    """One of the definition's `names` for an export's value, and why; (None, "") if none."""
    by_squash = {_squash(n): n for n in names if _squash(n)}
    squashed = _squash(value)
    if not squashed:
        return None, ""
    if squashed in by_squash:
        return by_squash[squashed], "the definition's name, written another way"
    if column == "region":
        for area in _COUNTRIES.get(squashed, ()):
            for alias in (_squash(area), *_AREAS.get(area, ())):
                if alias in by_squash:
                    return by_squash[alias], f"{value.strip()} is in {area}"
    words = _words(value)
    for key, name in by_squash.items():
        name_words = _words(name)
        if name_words and name_words <= words and len(key) >= 3:
            return name, f"it says {name!r}"
    close = difflib.get_close_matches(squashed, list(by_squash), n=1, cutoff=0.75)
    if close:
        return by_squash[close[0]], "a name close to it"
    return None, ""


@dataclass(frozen=True, slots=True)
class GateGuess:
    """One history value the gate's list does not name, its count and a proposal."""

    column: str
    value: str
    count: int
    proposal: str | None
    why: str


def guesses(column: str, counts: Iterable[tuple[str, int]], names: list[str]) -> list[GateGuess]:
    """The values (with counts) that the gate reads as none of `names`, each with a proposal."""
    out = []
    for value, count in counts:
        if matches(value, names):
            continue
        proposal, why = propose_listed(column, value, names)
        out.append(GateGuess(column, value, count, proposal, why))
    return out


def _pair(key: str, value: str) -> str:
    return tomli_w.dumps({key: value}).rstrip("\n")


def _leads(count: int) -> str:
    return f"{count:,} lead" if count == 1 else f"{count:,} leads"


def paste_lines(found: list[GateGuess], names: list[str], limit: int | None = None) -> list[str]:
    """`[values.<column>]` lines for a mapping file: a proposal per value where there is one
    (marked as a guess), the others commented out with their counts."""
    if not found:
        return []
    shown = found if limit is None else found[:limit]
    lines = [f"[values.{found[0].column}]"]
    lines += [
        f"{_pair(g.value, g.proposal)}  # guess: {g.why} ({_leads(g.count)})"
        for g in shown
        if g.proposal is not None
    ]
    lines += [
        f"# {_pair(g.value, '')}  # not placed ({_leads(g.count)}): one of {', '.join(names)}"
        for g in shown
        if g.proposal is None
    ]
    if len(found) > len(shown):
        lines.append(f"# ... and {len(found) - len(shown)} more values (workbench map lists all)")
    return lines


def distinct_values(
    con: duckdb.DuckDBPyConnection, table: str, column: str
) -> list[tuple[str, int]]:
    """Every distinct non-empty value of a loaded table's column, most frequent first."""
    rows = con.execute(
        f'SELECT "{column}" AS v, count(*) AS n FROM {table} '
        f"WHERE v IS NOT NULL AND trim(v) <> '' GROUP BY v ORDER BY n DESC, v"
    ).fetchall()
    return [(str(v), int(n)) for v, n in rows]


def gate_warnings(
    con: duckdb.DuckDBPyConnection, definition: Definition, table: str = "leads"
) -> list[str]:
    """For each column a fit gate lists (region, industry) whose history values match the
    list for fewer than FEW of the leads with a value: a warning naming the top values and
    the `[values]` lines to paste. The gate fails a lead whose value it does not list, so a
    CRM that writes "United States" for north-america makes 0 MQLs, silently."""
    out: list[str] = []
    for column, names in listed(definition).items():
        counts = distinct_values(con, table, column)
        total = sum(n for _, n in counts)
        if not total:
            continue
        matched = sum(n for v, n in counts if matches(v, names))
        if matched >= FEW * total:
            continue
        top = ", ".join(f"{v!r} ({n:,})" for v, n in counts[:TOP_VALUES])
        found = guesses(column, counts, names)
        out.append(
            f"fit.{GATE_LISTS[column]} lists {', '.join(names)}, but {matched:,} of the "
            f"{_leads(total)} with {_A[column]} match it (the history's top values: {top}): "
            f"the gate fails the others. If they are the same {GATE_LISTS[column]} in the "
            f"CRM's words, translate them in the mapping file (check each guess):"
        )
        out.extend(f"  {line}" for line in paste_lines(found, names, limit=2 * TOP_VALUES))
    return out
