"""Column mapping: how an export's headers and values map onto the canonical tables.

A mapping file is TOML; every key is optional:

    preset = "hubspot"                  # start from a preset: "hubspot", "salesforce", "canonical"
    date_formats = ["%d.%m.%Y"]         # tried before ISO 8601, which is always accepted
    locale = "de-DE"                    # or decimal = ","; how an amount of "1.200" is read,
                                        # and day-first dates (05/03/2025 is March 5)
    timezone = "America/New_York"       # the clock a time without an offset was written in
                                        # (default UTC); a time with one keeps it

    [leads]
    lead_id = "Record ID"               # canonical column = "Their Header"
    employees = "Company Size"

    [activities]
    kind = "Activity Type"

    [values.sdr_decision]               # canonical column -> "Their value" = "canonical value"
    "Closed - Converted" = "accepted"

    [values.region]                     # the text columns a fit gate compares (region,
    "United States" = "north-america"   # industry) and lead_source: "Their value" = "ours",
    "Canada" = "north-america"          # any text; values the table does not name stay as is

    [values.target_account]             # a yes/no column: "Their value" = true or false
    "x" = true                          # (true, yes, y, 1 and false, no, n, 0 are read
    "✓" = true                          # without a table)

Headers match case-insensitively, ignoring surrounding spaces. A column the mapping does not
name is looked up under its canonical name, so a file already in the canonical shape needs no
mapping at all. Choice values (activity kind, seniority, persona, relationship, SDR decision)
match ignoring case, spaces, '-', '_', '/' and '.' ("Demo Request" is `demo_request`), in the
`[values]` table and the presets' tables alike ("salesqualifiedlead", "Sales Qualified Lead"
and "SALES_QUALIFIED_LEAD" are one value), then the column's own choices (`canonical_value`).
When the seniority column is absent or a cell is empty, the seniority is inferred from the job
title (`infer_seniority`).

The decimal mark (`decimal`, or the one `locale` implies) only decides cells that could be read
either way, such as an amount of "1.200" (1.2 or 1200); without it the rest of the column
decides (see `numbers`). Whole-number columns never need it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from workbench.core.domain.errors import InputError, Problem
from workbench.core.domain.filekind import refuse_other_kind
from workbench.core.domain.vocab import STANDARD_REJECTION_REASONS, Seniority
from workbench.core.evidence.csvfile import delimiter_problem, encoding_problem
from workbench.core.evidence.local_time import EXAMPLE, zone_problem
from workbench.core.evidence.tables import TABLES, Column
from workbench.core.files.tomlfile import key_lines, parse_toml, read_bytes

TableName = str


@dataclass(frozen=True)
class Mapping:
    """Headers per canonical column, value translations, and extra date formats."""

    name: str = "canonical"
    leads: dict[str, str] = field(default_factory=dict)
    activities: dict[str, str] = field(default_factory=dict)
    # canonical column -> their value (as written) -> canonical value
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    encoding: str | None = None  # a CSV's encoding; None: detected (`csvfile.detect`)
    delimiter: str | None = None  # the character between a CSV's cells; None: detected
    decimal: str | None = None  # "." or ","; None: the rest of the column decides
    date_order: str | None = None  # "day" / "month" first, as `locale` writes; None: not said
    # The zone whose clock a time without an offset is read in ("America/New_York",
    # `local_time`); None: UTC.
    timezone: str | None = None
    # Why `date_order` holds, in the summary's words, when not the locale's: the leads file
    # of the same export showed it (`load_to_duckdb`).
    date_order_why: str = ""
    dates_given: bool = False  # the mapping file names its `date_formats`: nothing is detected
    # A time column's own formats, found from its values (`load.date_readings`), read instead
    # of `date_formats`: a UK report's "21/01/2025 10:04" and "05/03/2025" in two columns
    # need two formats, and the second column's reading had replaced the first's.
    column_formats: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # A preset's other headers for a column, tried after its own: one CRM writes one field
    # under more than one name, by export (HubSpot's company id on a contacts export is
    # "Associated Company ID", on a report "Company ID").
    alternates: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def formats_of(self, column: str) -> tuple[str, ...]:
        """The date formats a time column is read with, before ISO 8601 and Unix time."""
        return self.column_formats.get(column, self.date_formats)

    def headers(self, table: TableName) -> dict[str, str]:
        return self.leads if table == "leads" else self.activities

    @cached_property
    def _squashed(self) -> dict[str, dict[str, str]]:
        """The `[values]` tables keyed as cells are compared: without case, spaces, '-', '_'."""
        return {
            column: {value_key(their): ours for their, ours in table.items()}
            for column, table in self.values.items()
        }

    def names(self, column: str, value: str) -> bool:
        """Whether the column's `[values]` table names this value (its own meaning wins
        over the loader's reading of it, a placeholder's included)."""
        key = value_key(value)
        return bool(key) and key in self._squashed.get(column, {})

    def translate(self, column: str, value: str) -> str:
        """Their value as the canonical value, when the `[values]` table names it (ignoring
        case, spaces, '-' and '_', so an export's internal value and its label are one)."""
        table = self._squashed.get(column)
        if not table:
            return value
        return table.get(value_key(value), value)


CANONICAL = Mapping()

# Each preset's `[values]` tables hold the labels the CRM's screens show; its exports and API
# write internal names ("salesqualifiedlead", "IN_PROGRESS", "Open_Not_Contacted") that are
# the same once case, spaces, '-' and '_' are ignored, which is how every value is compared.
HUBSPOT = Mapping(
    name="hubspot",
    leads={
        "lead_id": "Record ID",
        "created_at": "Create Date",
        "title": "Job Title",
        "seniority": "Seniority",
        "email": "Email",
        "company": "Company Name",
        "domain": "Website URL",
        "account_id": "Company ID",
        "employees": "Number of Employees",
        "industry": "Industry",
        "region": "Country/Region",
        "relationship": "Lifecycle Stage",
        "mql_at": "Became a Marketing Qualified Lead Date",
        "sdr_decision": "Lead Status",
        "opportunity_at": "Became an Opportunity Date",
        "won_at": "Became a Customer Date",
        "amount": "Recent Deal Amount",
        "lead_source": "Original Source",
        "source_detail": "Original Source Drill-Down 1",
        "first_response_at": "Date of first engagement",
        "sql_at": "Became a Sales Qualified Lead Date",
    },
    activities={"lead_id": "Record ID", "kind": "Activity Type", "at": "Activity Date"},
    alternates={
        "account_id": (
            "Associated Company ID",
            "Associated Company IDs (Primary)",
            "Associated Company ID (Primary)",
        )
    },
    values={
        # HubSpot's default lifecycle stages (internal: subscriber, lead,
        # marketingqualifiedlead, salesqualifiedlead, opportunity, customer, evangelist, other):
        # only customers (and evangelists) are not prospects.
        "relationship": {
            "Subscriber": "prospect",
            "Lead": "prospect",
            "Marketing Qualified Lead": "prospect",
            "Sales Qualified Lead": "prospect",
            "Opportunity": "prospect",
            "Customer": "customer",
            "Evangelist": "customer",
            "Other": "prospect",
        },
        # HubSpot's default lead statuses (internal: NEW, OPEN, IN_PROGRESS, OPEN_DEAL,
        # UNQUALIFIED, ATTEMPTED_TO_CONTACT, CONNECTED, BAD_TIMING), read as the SDR's decision.
        # An SDR working a lead (trying to reach it, talking to it) has accepted it, in every
        # preset alike; only a lead nobody has picked up yet is unworked.
        "sdr_decision": {
            "New": "unworked",
            "Open": "unworked",
            "Attempted to Contact": "accepted",
            "In Progress": "accepted",
            "Connected": "accepted",
            "Open Deal": "accepted",
            "Unqualified": "rejected",
            "Bad Timing": "rejected",
        },
        # The activity types with one meaning in the vocabulary. A form submission or a page
        # view means what its form or page is ("Form submission: Request a demo"): those are
        # named in the mapping file (`workbench map` proposes them); so is an email click.
        "kind": {
            "Email open": "email_open",
            "Open": "email_open",  # the email event type OPEN
            "Marketing email opened": "email_open",
            "Unsubscribed": "unsubscribe",
            "Email unsubscribed": "unsubscribe",
            "Spam report": "unsubscribe",  # SPAMREPORT: an opt-out by another button
            "Meeting booked": "contact_sales",  # the prospect booked a sales meeting
            "Meeting booked by contact": "contact_sales",
        },
    },
    date_formats=("%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M", "%m/%d/%Y"),
)

SALESFORCE = Mapping(
    name="salesforce",
    leads={
        "lead_id": "Lead ID",
        "created_at": "Created Date",
        "title": "Title",
        "email": "Email",
        "company": "Company",
        "domain": "Website",
        "account_id": "Account ID",
        "employees": "No. of Employees",
        "industry": "Industry",
        "region": "Country",
        "sdr_decision": "Lead Status",
        "opportunity_at": "Converted Date",
        "lead_source": "Lead Source",
    },
    activities={"lead_id": "Lead ID", "kind": "Type", "at": "Activity Date"},
    values={
        # Salesforce's default lead statuses; their API names ("Open_Not_Contacted",
        # "Closed_Converted") are the same values once '-', '_' and spaces are ignored. An SDR
        # working a lead has accepted it, as in the HubSpot preset.
        "sdr_decision": {
            "Open - Not Contacted": "unworked",
            "Working - Contacted": "accepted",
            "Closed - Converted": "accepted",
            "Closed - Not Converted": "rejected",
            "Qualified": "accepted",
            "Unqualified": "rejected",
        },
        # Campaign member statuses with one meaning in the vocabulary. "Sent" and "Responded"
        # (the defaults), and Task/Event types (Call, Email, Meeting, Other, ListEmail) are a
        # rep's own touches or say too little: they are named in the mapping file if at all.
        "kind": {
            "Attended": "webinar_attended",
            "Opened": "email_open",
            "Unsubscribed": "unsubscribe",
            "Downloaded": "content_download",
        },
    },
    # Salesforce reports write a comma after the date in newer locales ("3/5/2025, 2:22 PM")
    # and a 2-digit year in some ("3/5/25 2:22 PM").
    date_formats=(
        "%m/%d/%Y %I:%M %p",
        "%m/%d/%Y %H:%M",
        "%m/%d/%Y",
        "%m/%d/%Y, %I:%M %p",
        "%m/%d/%Y, %H:%M",
        "%m/%d/%y %I:%M %p",
        "%m/%d/%y, %I:%M %p",
        "%m/%d/%y %H:%M",
        "%m/%d/%y",
    ),
)

PRESETS: dict[str, Mapping] = {m.name: m for m in (CANONICAL, HUBSPOT, SALESFORCE)}

# Text columns whose values a `[values]` table may translate into any text of the room's own:
# region and industry are what a fit gate compares with its lists (an export writes "United
# States" and "COMPUTER_SOFTWARE", the definition says north-america and software), and
# lead_source is grouped by in the calibration loop. Matched as choice values are.
TRANSLATED_TEXT: tuple[str, ...] = ("industry", "region", "lead_source", "rejection_reason")
# Translated text columns whose values must land on a closed list: rejection reasons onto the
# framework's eight standard ones (`reasons`), so the calibration reads one vocabulary.
TRANSLATED_ONTO: dict[str, tuple[str, ...]] = {"rejection_reason": STANDARD_REJECTION_REASONS}


def fix_line(table: TableName, column: str) -> str:
    """The mapping line that points a canonical column at the file's own header."""
    return f'[{table}] {column} = "<your header>"'


def load_mapping(path: Path) -> Mapping:
    """Read a mapping TOML; every mistake is located (file, line, key) and says what is allowed."""
    data, text = parse_toml(read_bytes(path), path)
    refuse_other_kind("mapping", data, path)
    lines = key_lines(text)
    problems: list[Problem] = []

    def problem(message: str, *loc: str) -> None:
        line = None
        for size in range(len(loc), 0, -1):
            line = lines.get(tuple(loc[:size]))
            if line is not None:
                break
        problems.append(Problem(message, file=path, line=line, field=".".join(loc) or None))

    allowed_top = (
        "preset",
        "date_formats",
        "encoding",
        "delimiter",
        "locale",
        "decimal",
        "timezone",
        "leads",
        "activities",
        "values",
    )
    for key in data:
        if key not in allowed_top:
            problem(f"unknown key; expected one of: {', '.join(allowed_top)}", key)

    base = CANONICAL
    preset = data.get("preset")
    if preset is not None:
        if not isinstance(preset, str) or preset not in PRESETS:
            problem(f"unknown preset {preset!r}; expected one of: {', '.join(PRESETS)}", "preset")
        else:
            base = PRESETS[preset]

    formats = list(base.date_formats)
    locale = data.get("locale")
    if isinstance(locale, str) and day_first(locale):
        formats = day_first_formats(formats)
    raw_formats = data.get("date_formats", [])
    if not isinstance(raw_formats, list) or not all(isinstance(f, str) for f in raw_formats):
        problem('expected a list of strptime formats such as "%d.%m.%Y"', "date_formats")
    else:
        for fmt in raw_formats:
            why = date_format_problem(fmt)
            if why is not None:
                problem(f"{fmt!r}: {why}", "date_formats")
        formats = [*raw_formats, *formats]

    encoding, delimiter = _file_keys(data, problem)

    headers: dict[str, dict[str, str]] = {}
    for table, columns in TABLES.items():
        merged = dict(base.headers(table))
        section = data.get(table, {})
        if not isinstance(section, dict):
            problem(f'expected a table: [{table}] column = "Their Header"', table)
            section = {}
        names = [c.name for c in columns]
        for column, header in section.items():
            if column not in names:
                problem(
                    f"unknown {table} column; expected one of: {', '.join(names)}", table, column
                )
            elif not isinstance(header, str) or not header.strip():
                problem("expected the file's header as a non-empty string", table, column)
            else:
                merged[column] = header
        headers[table] = merged

    values = {column: dict(table) for column, table in base.values.items()}
    raw_values = data.get("values", {})
    if not isinstance(raw_values, dict):
        problem('expected tables such as [values.kind] "Their value" = "demo_request"', "values")
        raw_values = {}
    choice_columns = {c.name: c for cols in TABLES.values() for c in cols if c.type == "choice"}
    bool_columns = {c.name for cols in TABLES.values() for c in cols if c.type == "bool"}
    for column, table in raw_values.items():
        target = choice_columns.get(column)
        if target is None and column not in TRANSLATED_TEXT and column not in bool_columns:
            problem(
                "values can be translated for: "
                f"{', '.join(sorted([*choice_columns, *TRANSLATED_TEXT, *bool_columns]))}",
                "values",
                column,
            )
            continue
        if not isinstance(table, dict):
            example = "true" if column in bool_columns else '"canonical value"'
            problem(f'expected [values.{column}] "Their value" = {example}', "values", column)
            continue
        if column in bool_columns:
            values[column] = {**values.get(column, {}), **_yes_no_values(column, table, problem)}
            continue
        translated = values.setdefault(column, {})
        # A preset's value that is the same value as one of the file's gives way to it.
        preset_keys = {value_key(their): their for their in translated}
        written: dict[str, str] = {}
        for their, ours in table.items():
            if target is None and (not isinstance(ours, str) or not ours.strip()):
                problem(
                    f'expected the {column} to read it as, a non-empty string: "{their}" = '
                    f'"north-america"',
                    "values",
                    column,
                    their,
                )
                continue
            onto = TRANSLATED_ONTO.get(column, ())
            if onto and isinstance(ours, str) and ours.strip() not in onto:
                problem(
                    f"{ours!r} is not a standard {column}; expected one of: {', '.join(onto)}",
                    "values",
                    column,
                    their,
                )
                continue
            if target is not None and (not isinstance(ours, str) or ours not in target.choices):
                problem(
                    f"{ours!r} is not a {column}; expected one of: {', '.join(target.choices)}",
                    "values",
                    column,
                    their,
                )
                continue
            key = value_key(their)
            if key in written and translated[written[key]] != ours.strip():
                problem(_twice(their, written[key]), "values", column, their)
                continue
            if key in preset_keys:
                translated.pop(preset_keys.pop(key), None)
            written[key] = their
            translated[their] = ours.strip()

    decimal = _decimal_mark(data, problem)
    zone = data.get("timezone")
    if zone is not None and not isinstance(zone, str):
        problem(f"expected a time zone's name such as {EXAMPLE}", "timezone")
        zone = None
    elif zone is not None and (why := zone_problem(zone)) is not None:
        problem(why, "timezone")
    if problems:
        raise InputError(problems)
    return Mapping(
        name=str(path),
        leads=headers["leads"],
        activities=headers["activities"],
        values=values,
        date_formats=tuple(formats),
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        date_order=_date_order(data.get("locale")),
        timezone=zone,
        dates_given=bool(raw_formats) and isinstance(raw_formats, list),
        alternates=base.alternates,  # `preset = "hubspot"` reads what the preset reads
    )


def _twice(their: str, first: str) -> str:
    """A `[values]` entry that is another's value (`value_key`) with another meaning."""
    return (
        f"{their!r} is the same value as {first!r} (case, spaces, '-', '_', '/' and '.' are "
        "ignored) but is translated differently; keep one"
    )


def _yes_no_values(
    column: str, table: dict[str, Any], problem: Callable[..., None]
) -> dict[str, str]:
    """A yes/no column's `[values]` table: "x" = true, "✓" = true, "-" = false (TOML's true
    and false, or the strings "true" and "false"), held as the text the loader reads as
    that value. A value that is neither, or one written twice with both, is a problem."""
    out: dict[str, str] = {}
    written: dict[str, str] = {}
    for their, ours in table.items():
        if isinstance(ours, str) and ours.strip().casefold() in ("true", "false"):
            ours = ours.strip().casefold() == "true"
        if not isinstance(ours, bool):
            problem(
                f'{ours!r} is not true or false: write "{their}" = true or "{their}" = false',
                "values",
                column,
                their,
            )
            continue
        key = value_key(their)
        meaning = "true" if ours else "false"
        if key in written and out[written[key]] != meaning:
            problem(_twice(their, written[key]), "values", column, their)
            continue
        written[key] = their
        out[their] = meaning
    return out


def _date_order(locale: object) -> str | None:
    """ "day" or "month" first, as the mapping's locale writes dates; None without one."""
    if not isinstance(locale, str) or decimal_of_locale(locale) is None:
        return None
    return "day" if day_first(locale) else "month"


def _file_keys(data: dict[str, Any], problem: Callable[..., None]) -> tuple[str | None, str | None]:
    """The mapping's `encoding` and `delimiter` for its CSV files (None: detect them)."""
    encoding, delimiter = data.get("encoding"), data.get("delimiter")
    if encoding is not None and (why := encoding_problem(encoding)) is not None:
        problem(why, "encoding")
        encoding = None
    if delimiter is not None and (why := delimiter_problem(delimiter)) is not None:
        problem(why, "delimiter")
        delimiter = None
    return encoding, delimiter


# Languages whose locales write a decimal comma ("1.234,50"); the others write a point.
_COMMA_LANGUAGES = frozenset(
    [
        "af",
        "az",
        "be",
        "bg",
        "bs",
        "ca",
        "cs",
        "da",
        "de",
        "el",
        "es",
        "et",
        "eu",
        "fi",
        "fo",
        "fr",
        "gl",
        "hr",
        "hu",
        "hy",
        "id",
        "is",
        "it",
        "ka",
        "kk",
        "lt",
        "lv",
        "mk",
        "mn",
        "nb",
        "nl",
        "nn",
        "no",
        "pl",
        "pt",
        "ro",
        "ru",
        "sk",
        "sl",
        "sq",
        "sr",
        "sv",
        "tr",
        "uk",
        "uz",
        "vi",
    ]
)
_POINT_LANGUAGES = frozenset(
    [
        "en",
        "ja",
        "zh",
        "ko",
        "he",
        "th",
        "hi",
        "ms",
        "ta",
        "te",
        "ur",
        "bn",
        "fil",
        "tl",
        "ga",
        "mt",
    ]
)
# Swiss and Liechtenstein locales write "1'234.50" whatever their language.
_POINT_REGIONS = frozenset({"ch", "li"})


def decimal_of_locale(locale: str) -> str | None:
    """The decimal mark a locale such as "de-DE", "fr_CH" or "en" writes; None if unknown."""
    parts = re.split(r"[-_]", locale.strip().casefold())
    language, region = parts[0], (parts[1] if len(parts) > 1 else "")
    if region in _POINT_REGIONS and language in _COMMA_LANGUAGES | {"en"}:
        return "."
    if language in _COMMA_LANGUAGES:
        return ","
    if language in _POINT_LANGUAGES:
        return "."
    return None


# Locales that write the month first (3/5/2025 is March 5); English without a region is
# left as the preset has it.
_MONTH_FIRST = frozenset({"en-us", "en-ph", "en-ca", "en-um", "en-as", "en-gu", "en-pr"})


def day_first(locale: str) -> bool:
    """Whether a locale writes its dates day first (de-DE: 05.03.2025, en-GB: 05/03/2025)."""
    folded = locale.strip().casefold().replace("_", "-")
    language = folded.split("-")[0]
    if folded in _MONTH_FIRST or folded == "en" or language in {"zh", "ja", "ko", "hu", "lt"}:
        return False  # month first, not known, or year first (ISO 8601 is always read)
    return decimal_of_locale(locale) is not None


def day_first_formats(formats: list[str]) -> list[str]:
    """A preset's month-first formats written day first, and the dotted day-first dates of
    central Europe: with a day-first locale, 05/03/2025 is the 5th of March, never May."""
    swapped = [f.replace("%m/%d", "%d/%m") for f in formats]
    dotted = [
        "%d.%m.%Y %H:%M:%S",
        "%d.%m.%Y %H:%M",
        "%d.%m.%Y",
        "%d.%m.%Y, %H:%M:%S",  # Salesforce's German locale: "05.03.2025, 14:22"
        "%d.%m.%Y, %H:%M",
        "%d.%m.%y %H:%M",  # and a 2-digit year: "05.03.25 14:22"
        "%d.%m.%y, %H:%M",
        "%d.%m.%y",
    ]
    return list(dict.fromkeys([*swapped, *dotted]))


def _decimal_mark(data: dict[str, object], problem: Callable[..., None]) -> str | None:
    """The mapping's decimal mark, from `decimal` or else `locale` (which must agree)."""
    decimal = data.get("decimal")
    if decimal is not None and decimal not in (".", ","):
        problem('expected "." or ","', "decimal")
        decimal = None
    locale = data.get("locale")
    if locale is None:
        return decimal if isinstance(decimal, str) else None
    implied = decimal_of_locale(locale) if isinstance(locale, str) else None
    if implied is None:
        problem(
            f'unknown locale {locale!r}; expected a language code such as "de-DE" or '
            f'"en-US", or set the decimal mark itself: decimal = "," (or ".")',
            "locale",
        )
    elif isinstance(decimal, str) and decimal != implied:
        problem(f"locale {locale!r} writes {implied!r} but decimal is {decimal!r}", "decimal")
    return decimal if isinstance(decimal, str) else implied


# The directives Python's strptime knows (3.11); %h is another name for %b's field.
_DIRECTIVES = frozenset("aAbBcdfGHIjmMpSUuVwWyYzZxXh")
_SAME_FIELD = {"h": "b"}


def date_format_problem(fmt: str) -> str | None:
    """Why strptime cannot use `fmt`, or None. A repeated field (`%d/%m/%d`) makes strptime
    raise re.error on every cell, which is not a ValueError: it is refused here, up front."""
    seen: dict[str, str] = {}
    index = 0
    while index < len(fmt):
        if fmt[index] != "%":
            index += 1
            continue
        directive = fmt[index + 1 : index + 2]
        index += 2
        if directive == "%":
            continue
        if not directive:
            return "ends with a lone '%'; write '%%' for a percent sign"
        if directive not in _DIRECTIVES:
            return f"'%{directive}' is not a strptime directive"
        field = _SAME_FIELD.get(directive, directive)
        if field in seen:
            return f"'%{directive}' repeats the field of '%{seen[field]}'; give each field once"
        seen[field] = directive
    try:
        datetime.strptime("", fmt)
    except re.error:
        return "repeats a field (%c, %x and %X stand for several); give each field once"
    except ValueError:
        pass  # "" does not match: the format itself is usable
    return None


def resolve_mapping(spec: str | Path | None) -> Mapping:
    """A preset name, a mapping file, or None (the canonical headers)."""
    if spec is None:
        return CANONICAL
    if isinstance(spec, str) and spec in PRESETS:
        return PRESETS[spec]
    path = Path(spec)
    if not path.exists():
        # "salesforse" read as a file name said only "no such file".
        presets = ", ".join(sorted(PRESETS))
        raise InputError(
            [Problem(f"no such mapping file, and not a preset ({presets})", file=path)]
        )
    return load_mapping(path)


# --- choice values -----------------------------------------------------------------------


def squash(value: str) -> str:
    """A choice value as it is compared: case-folded, without spaces, '-', '_', '/' or '.'."""
    return re.sub(r"[\s_\-/.]+", "", value.casefold())


def value_key(value: str) -> str:
    """A `[values]` entry or a cell as the two are matched: `squash`ed, or, for a mark that is
    nothing but what `squash` drops ("-" = false), as written less case and spaces. Squashed,
    "-" had also read "_", "." and "--" as false."""
    return squash(value) or value.strip().casefold()


def match_choice(column: Column, value: str) -> str | None:
    """A cell as one of the column's choices, ignoring case and what `squash` drops; else None."""
    if value in column.choices:
        return value
    wanted = squash(value)
    for choice in column.choices:
        if squash(choice) == wanted:
            return choice
    return None


def canonical_value(column: Column, value: str, mapping: Mapping = CANONICAL) -> str | None:
    """Which of the column's choices a raw value means: through the mapping's `[values]`
    table (and its preset's), then the choices themselves, all compared as `squash` does (case,
    spaces, '-', '_', '/', '.'); None when it means none of them. (Seniority may still be inferred from a title.)"""
    return match_choice(column, mapping.translate(column.name, value))


# --- seniority from job titles -----------------------------------------------------------

_PLACEHOLDERS = frozenset({"", "n a", "na", "none", "null", "unknown", "tbd", "other", "x"})
_ABBREVIATIONS = {
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "mgr": "manager",
    "mngr": "manager",
    "mgmt": "management",
    "dir": "director",
    "pres": "president",
    "vice-president": "vice president",
    "eng": "engineer",
    "engr": "engineer",
    "exec": "executive",
    "asst": "assistant",
    "assoc": "associate",
    "coord": "coordinator",
    "rep": "representative",
    "dev": "developer",
    "svp": "vp",
    "evp": "vp",
    "avp": "vp",
    "gvp": "vp",
    "rvp": "vp",
}
_C_LEVEL_WORDS = frozenset(
    {
        "chief",
        "ceo",
        "cto",
        "cfo",
        "coo",
        "cmo",
        "cro",
        "cio",
        "ciso",
        "cpo",
        "cdo",
        "cco",
        "chro",
        "cso",
        "cxo",
        "csuite",
        "founder",
        "cofounder",
        "owner",
        "president",
    }
)
_INTERN_WORDS = frozenset(
    {"intern", "internship", "trainee", "apprentice", "student", "werkstudent"}
)
_INDIVIDUAL_WORDS = frozenset(
    {
        "engineer",
        "developer",
        "programmer",
        "analyst",
        "specialist",
        "associate",
        "coordinator",
        "representative",
        "consultant",
        "designer",
        "architect",
        "scientist",
        "accountant",
        "administrator",
        "admin",
        "assistant",
        "executive",
        "writer",
        "editor",
        "recruiter",
        "sdr",
        "bdr",
        "ae",
        "technician",
        "agent",
        "planner",
        "strategist",
        "researcher",
        "marketer",
        "officer",
        "staff",
        "member",
        "advisor",
        "clerk",
        "generalist",
        "partner",
        "principal",
        "contributor",
    }
)
# Long keywords a typo may hit ("Dirctor", "Manger", "Vice Presdent"); short ones never fuzzy-match.
_FUZZY_TARGETS = (
    "director",
    "manager",
    "president",
    "engineer",
    "developer",
    "officer",
    "founder",
    "analyst",
    "specialist",
    "coordinator",
    "intern",
    "student",
    "executive",
    "assistant",
    "consultant",
)


# The title rules read ASCII word characters only ([a-z0-9_], on the case-folded title), so a
# warehouse's regular expressions find the same word boundaries (`normalise_sql` writes these
# rules as SQL; a property test holds the two to the same answer).
TO_THE = re.compile(r"(?<![a-z0-9_])to (?=[a-z0-9_])")
"""'Assistant to the CEO' is an assistant: the title is read up to the first 'to '."""
DOTTED_MAX = 8
"""Dotted acronyms ('v.p.', 'c.e.o.') of 2 to this many letters are read as one word."""
DOTTED = re.compile(rf"(?<![a-z0-9_.])(?:[a-z]\.){{2,{DOTTED_MAX}}}")
STRIPPED = " \t\n\r\f\v"
"""The whitespace stripped from a title's ends (other characters simply end a word)."""
JOINED = (("co-founder", "cofounder"), ("c-suite", "csuite"))
"""Hyphenated words read as one, before punctuation splits the title into words."""


def one_edit(token: str, target: str) -> bool:
    """Whether `token` is `target` with at most one letter missing, extra, wrong, or two
    neighbours swapped: a one-letter typo ("Dirctor", "Manger", "Presdent")."""
    if token == target:
        return True
    if abs(len(token) - len(target)) > 1:
        return False
    if len(token) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(token, target, strict=True)) if a != b]
        if len(diff) == 1:
            return True
        first, *rest = diff
        return (
            len(rest) == 1
            and rest[0] == first + 1
            and token[first] == target[rest[0]]
            and token[rest[0]] == target[first]
        )
    short, long = sorted((token, target), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


FUZZY_MIN = 5
"""Only words of this many letters or more are read as a typo of a long keyword."""


def fuzzy_keyword(token: str) -> str:
    """The long keyword a word is a one-letter typo of (the first in `_FUZZY_TARGETS`), else
    the word; the keywords of the other lists are never read as typos."""
    if len(token) < FUZZY_MIN or token in _C_LEVEL_WORDS or token in _INDIVIDUAL_WORDS:
        return token
    return next((target for target in _FUZZY_TARGETS if one_edit(token, target)), token)


def _normalise_title(title: str) -> list[str]:
    text = title.casefold().strip(STRIPPED)
    text = TO_THE.split(text, maxsplit=1)[0] if " to " in text else text
    # Dotted acronyms: "v.p." -> "vp", "c.e.o." -> "ceo".
    text = DOTTED.sub(lambda m: m.group(0).replace(".", "") + " ", text)
    for before, after in JOINED:
        text = text.replace(before, after)
    text = re.sub(r"[^a-z0-9']+", " ", text)
    tokens = []
    for token in text.split():
        token = fuzzy_keyword(_ABBREVIATIONS.get(token, token))
        tokens.extend(token.split())
    return tokens


# Seniority as enrichment tools and CRMs write it in a seniority or management-level column
# (ZoomInfo's "C-Level Exec" and "Non-Manager", LinkedIn's "CXO" and "Entry", Apollo's
# "c_suite"), compared as `squash` compares choices. Read as job titles they went wrong: in a
# title "Executive" is an account executive (individual), so "C-Level Exec" became
# individual, and "Non-Manager" holds "manager".
LEVEL_LABELS: dict[str, Seniority] = {
    "clevel": "c-level", "clevelexec": "c-level", "clevelexecutive": "c-level",
    "csuite": "c-level", "cxo": "c-level", "executive": "c-level", "exec": "c-level",
    "owner": "c-level", "founder": "c-level", "partner": "c-level", "vplevel": "vp", "vplevelexec": "vp",
    "vicepresident": "vp", "directorlevel": "director", "head": "director",
    "managerlevel": "manager", "nonmanager": "individual", "individualcontributor": "individual",
    "employee": "individual", "staff": "individual", "senior": "individual",
    "entry": "individual", "entrylevel": "individual", "training": "intern",
    "trainee": "intern", "unpaid": "intern",
}  # fmt: skip


def seniority_label(value: str) -> Seniority | None:
    """A seniority cell that is a level label rather than one of ours (`LEVEL_LABELS`)."""
    return LEVEL_LABELS.get(squash(value))


def infer_seniority(title: str | None) -> Seniority | None:
    """A seniority level guessed from a job title, or None when the title gives no clue.

    Checked from the top down, so "VP, Engineering Manager" is a vp: c-level (chief, C-suite
    acronyms, founder, owner, president, managing director), then vp (vice president, VP,
    SVP/EVP/AVP), then director (director, head of), then manager (manager, team lead,
    supervisor), then intern (intern, trainee, student), then individual (engineer, analyst,
    specialist, ...). Casing, punctuation, common abbreviations (Sr., Mgr, Dir.) and one-letter
    typos in the long keywords (`one_edit`) are tolerated.
    """
    if title is None:
        return None
    tokens = _normalise_title(title)
    joined = " ".join(tokens)
    if joined in _PLACEHOLDERS:
        return None
    words = set(tokens)
    vice = "vice president" in joined or "vp" in words
    if "managing director" in joined or (words & _C_LEVEL_WORDS and not vice):
        return "c-level"
    if vice:
        return "vp"
    if "director" in words or "head" in words:
        return "director"
    if (
        "manager" in words
        or "supervisor" in words
        or "team lead" in joined
        or "team leader" in joined
        or "general manager" in joined
    ):
        return "manager"
    if words & _INTERN_WORDS:
        return "intern"
    if words & _INDIVIDUAL_WORDS or "individual contributor" in joined:
        return "individual"
    return None
