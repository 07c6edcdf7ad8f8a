"""The tool proposes the mapping: which header is which canonical column, which value is which.

A room with a fresh CRM export should not have to write a mapping file from a blank page.
`propose(leads, activities, preset)` reads the header and a sample of rows of each file, and
the distinct values (with counts) of the choice columns, then guesses:

- each canonical column's header: its own name, a preset's header (HubSpot, Salesforce),
  a synonym ("Job Title", "Company Size"), a close spelling, and the values themselves (a
  column of e-mail addresses is the e-mail);
- a preset, when the file carries most of one's headers;
- for every distinct value of a choice column that matches nothing, a canonical value by
  keywords ("Form submission: Request a demo" is a demo request, "Pricing page" a pricing
  page view) and then by name similarity.

`Proposal.toml()` is a mapping file in the format `mapping.load_mapping` reads, for the room to
review: every guessed line says so in a comment, and the values nothing placed are listed
commented out with their counts, activity types first. `paste_lines` gives the `[values]`
lines a backtest prints when it meets values nobody mapped.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomli_w

from workbench.core.domain import clock
from workbench.core.domain.errors import InputError, Problem, WorkbenchError
from workbench.core.domain.vocab import STANDARD_REJECTION_REASONS
from workbench.core.evidence.connection import close_duckdb, duckdb_connection, open_duckdb
from workbench.core.evidence.dates import DateReading
from workbench.core.evidence.dates import detect as detect_dates
from workbench.core.evidence.gate_values import GateGuess, listed, matches
from workbench.core.evidence.gate_values import guesses as gate_guesses
from workbench.core.evidence.gate_values import paste_lines as gate_paste_lines
from workbench.core.evidence.mapping import (
    CANONICAL,
    PRESETS,
    Mapping,
    infer_seniority,
    match_choice,
)
from workbench.core.evidence.reasons import propose_reason
from workbench.core.evidence.tables import TABLES, Column

if TYPE_CHECKING:
    import duckdb

    from workbench.core.domain.definition import Definition
    from workbench.core.evidence.load import Problems
    from workbench.core.evidence.settings import EvidenceSource

SAMPLE_ROWS = 500  # rows read to recognise a column by its values
MIN_PRESET_HEADERS = 3  # a preset is proposed when at least this many of its headers are there
# The choice columns in the order their unmatched values are listed: activity types first.
CHOICE_ORDER: tuple[tuple[str, str], ...] = (
    ("activities", "kind"),
    ("leads", "sdr_decision"),
    ("leads", "relationship"),
    ("leads", "persona"),
    ("leads", "seniority"),
)

# --- headers -------------------------------------------------------------------------------

# Other names CRMs and spreadsheets give each canonical column (compared squashed: case,
# spaces and punctuation ignored).
_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "leads": {
        # Dynamics writes a record's own id "(Do Not Modify) Lead".
        "lead_id": (
            "id",
            "record id",
            "contact id",
            "lead id",
            "person id",
            "prospect id",
            "(do not modify) lead",
            "(do not modify) contact",
        ),
        "created_at": (
            "create date",
            "created",
            "created date",
            "created on",
            "creation date",
            "date created",
            "created time",
        ),
        "title": (
            "job title",
            "position",
            "job position",
            "role",
            "job role",
            "designation",
            "contact title",  # Close: a lead is a company, its contact's title
            "primary contact title",
        ),
        "seniority": ("job level", "level", "management level", "seniority level"),
        "persona": ("persona", "contact type", "audience", "buyer persona"),
        "email": ("e-mail", "email address", "e-mail address", "work email", "mail"),
        # Not "display name": Close's is the company's, most tools' the person's (a review
        # saw it beat "Organization" with people's names as companies).
        "company": (
            "company name",
            "account name",
            "organization",
            "organisation",
            "account",
        ),
        # HubSpot writes the contact's company as "Associated Company ID" (and "Company ID"),
        # Salesforce as "Account ID" (a converted lead's "Converted Account ID").
        "account_id": (
            "associated company id",
            "associated company ids",
            "primary associated company id",
            "company id",
            "company record id",
            "account id",
            "associated account id",
            "converted account id",
            "parent account id",
            "organization id",
        ),
        "domain": ("website", "website url", "company domain", "company website", "url", "web"),
        "employees": (
            "number of employees",
            "no of employees",
            "employee count",
            "company size",
            "headcount",
            "employees count",
            "size",
        ),
        "industry": ("industry", "sector", "vertical"),
        "region": ("country", "country region", "region", "geo", "territory", "location"),
        "relationship": ("lifecycle stage", "relationship", "account type", "type"),
        "target_account": ("target account", "abm target", "is target account", "named account"),
        "engaged_contacts": ("engaged contacts", "contacts engaged", "active contacts"),
        "mql_at": (
            "mql date",
            "became an mql date",
            "became a marketing qualified lead date",
            "marketing qualified date",
            "mql at",
        ),
        "sdr_decision": ("lead status", "status", "sdr decision", "sdr status", "sales decision"),
        "rejection_reason": (
            "rejection reason",
            "disqualification reason",
            "unqualified reason",
            "reason",
            "lost reason",
            "disqualified reason",
        ),
        "opportunity_at": (
            "converted date",
            "opportunity date",
            "became an opportunity date",
            "opportunity created date",
            "sql date",
        ),
        "lead_source": ("source", "original source", "lead source type"),  # Pardot: "Source"
        "won_at": (
            "close date",
            "closed won date",
            "became a customer date",
            "won date",
            "won time",
        ),
        "amount": (
            "amount",
            "deal amount",
            "recent deal amount",
            "revenue",
            "deal value",
            "est value",
            "estimated value",
        ),
        "first_response_at": ("first response", "first response date", "first response time"),
        "sdr_decision_at": ("sdr decision date", "sdr decision time", "decision date"),
        "notified_at": ("notified", "notified date", "notification date", "sales notified"),
    },
    "activities": {
        # Engagement and activity exports name the person the activity is associated with:
        # HubSpot "Associated Contact ID", Salesforce Task/Event "Name ID" (WhoId).
        "lead_id": (
            "id",
            "record id",
            "contact id",
            "lead id",
            "who id",
            "whoid",
            "person id",
            "associated contact id",
            "associated contact ids",
            "associated contact record id",
            "associated contact",
            "associated lead id",
            "associated record id",
            "contact record id",
            "lead or contact id",
            "lead contact id",
            "name id",
            "prospect id",
            "regarding (lead)",  # Dynamics: the record an activity is regarding
            "regarding lead",
            "related to id",  # Zoho
        ),
        "kind": ("activity type", "type", "event", "event type", "action", "activity"),
        "at": (
            "activity date",
            "date",
            "timestamp",
            "occurred at",
            "time",
            "event date",
            "created date",
            "create date",
            "created time",
            "date created",  # Close: "date_created"
            "created at",  # Pardot
            "created on",
            "created",
            "date time",  # Marketo's activity log: "Date/Time"
            "activity date time",
            "due date",  # Pipedrive's "Activity - Due date"
            "actual end",  # Dynamics
        ),
    },
}


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


@dataclass(frozen=True, slots=True)
class HeaderGuess:
    """One canonical column found in a file: the file's header and why it was chosen."""

    table: str
    column: str
    header: str
    why: str
    score: float

    @property
    def written(self) -> bool:
        """Whether the mapping file must name it (the loader finds its own name unaided)."""
        return self.header.strip().casefold() != self.column

    def to_json(self) -> dict[str, Any]:
        return {"column": self.column, "header": self.header, "why": self.why}


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
# A web domain's last label (its top level) has a letter: "5900.00" and "10.0.0.1" are none.
_DOMAIN = re.compile(
    r"^(https?://)?(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z0-9-]*[a-z][a-z0-9-]*(/.*)?$",
    re.IGNORECASE,
)
_TIME = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T].*)?$")
_NUMBER = re.compile(r"^[\d\s.,]+\+?$")


def _value_kind(values: list[str]) -> str | None:
    """What the non-empty sample values of a column look like, when most agree."""
    filled = [v.strip() for v in values if v and v.strip()]
    if not filled:
        return None
    for kind, pattern in (
        ("email", _EMAIL),
        ("time", _TIME),
        ("domain", _DOMAIN),
        ("number", _NUMBER),
    ):
        hits = sum(1 for v in filled if pattern.match(v))
        if hits >= 0.9 * len(filled):
            return kind
    return None


def _choice_share(column: Column, values: list[str], mapping: Mapping) -> float:
    """The share of sample values that read as one of the column's choices."""
    filled = [v for v in values if v and v.strip()]
    if not filled:
        return 0.0
    hits = sum(1 for v in filled if match_choice(column, mapping.translate(column.name, v)))
    return hits / len(filled)


# Which canonical columns a kind of values fits (a column of e-mails is the e-mail): every
# time column is a time ("SDR Decision Date" full of dates was refused as sdr_decision_at).
_FITS: dict[str, tuple[str, ...]] = {
    "email": ("email",),
    "domain": ("domain",),
    "time": tuple(
        dict.fromkeys(c.name for cols in TABLES.values() for c in cols if c.type == "timestamp")
    ),
    "number": ("employees", "engaged_contacts", "amount", "touches_7d", "lead_id"),
}

# Pipedrive names its columns "<Entity> - <Field>" ("Person - Job title", "Organization -
# Number of employees", "Activity - Due date"): such a header is read by its field too, for
# the columns its entity holds (an activity's own "Activity - ID" is no lead id).
_ENTITIES: dict[str, str] = {
    "person": "person",
    "contact": "person",
    "lead": "person",
    "organization": "company",
    "organisation": "company",
    "company": "company",
    "account": "company",
    "deal": "deal",
    "opportunity": "deal",
    "activity": "activity",
}
_COMPANY_COLUMNS = frozenset(
    {
        "company",
        "domain",
        "account_id",
        "employees",
        "industry",
        "region",
        "relationship",
        "target_account",
        "engaged_contacts",
    }
)
_DEAL_COLUMNS = frozenset({"amount", "opportunity_at", "won_at", "closed_lost_at", "sql_at"})


def _entity_holds(table: str, entity: str, column: str) -> bool:
    """Whether a column of `entity` ("Person - ...") can be the canonical `column`."""
    if table == "activities":
        return (entity == "person") == (column == "lead_id") and entity in ("person", "activity")
    if entity == "company":
        return column in _COMPANY_COLUMNS
    if entity == "deal":
        return column in _DEAL_COLUMNS
    return entity == "person"


def entity_field(header: str) -> tuple[str, list[str]] | None:
    """(entity, the names its field may be read by) of a "<Entity> - <Field>" header, or None:
    "Person - Person created" is the person's "Person created", that is "created";
    "Organization - Address - Country" the organization's "Address Country", or "Country"."""
    parts = [part.strip() for part in re.split(r"\s+-\s+", header.strip())]
    if len(parts) < 2 or not all(parts):
        return None
    entity = _ENTITIES.get(parts[0].casefold())
    if entity is None:
        return None
    field = " ".join(parts[1:])
    names = [field]
    words = field.split()
    if len(words) > 1 and words[0].casefold() == parts[0].casefold():
        names.append(" ".join(words[1:]))  # a field that repeats its entity's word
    if len(parts) > 2:
        names.append(parts[-1])
    return entity, names


# A usual name that holds several ids per cell (HubSpot joins a contact's companies with
# ';'): the loader reads such a cell as empty, so the primary one's column is preferred.
_SEVERAL = frozenset({"associatedcompanyids", "associatedcontactids"})
# Each column's own: a company's primary id is an account, never a lead ("Associated Company
# ID (Primary)" beat a contacts file's own "Contact ID" for lead_id, and every activity of
# an activities file with both columns was of an unknown lead).
_PRIMARY = {
    "account_id": frozenset(
        {"associatedcompanyidprimary", "associatedcompanyidsprimary", "primaryassociatedcompanyid"}
    ),
    "lead_id": frozenset({"associatedcontactidprimary", "associatedcontactidsprimary"}),
}


def _by_name(table: str, column: str, squashed: str, field: str = "") -> tuple[float, str]:
    """(score, why) of one name for a canonical column: its own, a preset's header, a usual
    one, a close one; 0 for none. `field`: the name is a header's field (`entity_field`)."""
    after = f", read by its field {field!r}" if field else ""
    cut = 5.0 if field else 0.0  # a whole header's name first
    if squashed == _squash(column):
        return 100.0 - cut, "its own name, written another way" + after
    for preset in PRESETS.values():
        theirs = preset.headers(table).get(column)
        if theirs and _squash(theirs) == squashed and preset is not CANONICAL:
            return 90.0 - cut, f"the {preset.name} preset's header" + after
    synonyms = {_squash(s) for s in _SYNONYMS[table].get(column, ())}
    if squashed in _PRIMARY.get(column, frozenset()):
        return 85.0 - cut, "a usual name for it, the primary one" + after
    if squashed in synonyms:
        if squashed in _SEVERAL:
            return 70.0 - cut, "a usual name for it" + after
        return 80.0 - cut, "a usual name for it" + after
    names = (column.replace("_", " "), *_SYNONYMS[table].get(column, ()))
    ratio = max(difflib.SequenceMatcher(None, squashed, _squash(n)).ratio() for n in names)
    if ratio >= 0.8:
        return 50.0 + 20 * ratio - cut, "a name close to it" + after
    return 0.0, ""


# Close writes its custom fields "custom.<Field>" ("custom.Lead Source"): read by the field.
_CUSTOM = re.compile(r"^custom[.:]\s*(?P<field>.+)$", re.IGNORECASE)


def _custom_field(header: str) -> tuple[str, ...]:
    """The field of a custom field's header ("custom.Lead Source": "Lead Source"), or none."""
    found = _CUSTOM.match(header.strip())
    return (found["field"],) if found else ()


CLOSE_NAME = "a name close to it"
DISTINCT_SHARE = 0.9  # a sample this distinct is names or ids, not a choice column's values
DISTINCT_MIN = 10  # ... when it has at least this many values


def _mostly_distinct(values: list[str]) -> bool:
    """Whether the sample's values are nearly all distinct (a choice column repeats a few)."""
    filled = [v.strip().casefold() for v in values if v and v.strip()]
    return len(filled) >= DISTINCT_MIN and len(set(filled)) >= DISTINCT_SHARE * len(filled)


def _candidates(
    table: str, header: str, values: list[str], mapping: Mapping
) -> list[tuple[float, str, str]]:
    """(score, canonical column, why) for one header of the file, best first."""
    squashed = _squash(header)
    kind = _value_kind(values)
    entity = entity_field(header)
    out: list[tuple[float, str, str]] = []
    for column in TABLES[table]:
        name = column.name
        if entity is not None and not _entity_holds(table, entity[0], name):
            continue
        score, why = _by_name(table, name, squashed)
        if entity is not None and why.startswith(CLOSE_NAME):
            score, why = 0.0, ""  # "Person - Name" is not close to persona: read its field
        for text in (*(entity[1] if entity is not None else ()), *_custom_field(header)):
            found = _by_name(table, name, _squash(text), text)
            if found[0] > score:
                score, why = found
        # The values confirm or overrule the name.
        if kind is not None and name in _FITS.get(kind, ()):
            if score:
                score += 10
            elif kind in ("email", "domain"):
                score, why = (
                    60.0,
                    f"its values are {'e-mail addresses' if kind == 'email' else 'web domains'}",
                )
        elif (
            kind is not None
            and score
            and column.type in ("timestamp", "int", "float")
            and not (kind == "number" and column.type in ("int", "float"))
        ):
            score -= 40  # a "Date" header full of e-mails is not a date
        if column.type == "choice" and values:
            share = _choice_share(column, values, mapping)
            if share >= 0.5:
                if score:
                    score += 10
                else:
                    score, why = 55.0 + 10 * share, f"its values are {name} values"
            elif why.startswith(CLOSE_NAME) and _mostly_distinct(values):
                # A choice column repeats a few values: "Person - Name"'s 300 distinct
                # names are no persona, however close the header's name.
                score, why = 0.0, ""
        if score > 0:
            out.append((score, name, why))
    out.sort(reverse=True)
    return out


def guess_headers(
    table: str, headers: list[str], sample: dict[str, list[str]], mapping: Mapping
) -> list[HeaderGuess]:
    """The best header for each canonical column, each header used once, highest score first.

    A column the mapping already places (its preset header, or its own name, is in the file)
    is kept as the mapping has it."""
    present = {h.strip().casefold(): h for h in headers}
    guesses: list[HeaderGuess] = []
    taken_columns: set[str] = set()
    taken_headers: set[str] = set()
    for column in TABLES[table]:
        named = mapping.headers(table).get(column.name)
        for candidate, why in ((named, f"the {mapping.name} preset's header"), (column.name, "")):
            if candidate and candidate.strip().casefold() in present:
                header = present[candidate.strip().casefold()]
                guesses.append(
                    HeaderGuess(table, column.name, header, why or "the canonical name", 100.0)
                )
                taken_columns.add(column.name)
                taken_headers.add(header)
                break
    scored: list[tuple[float, int, str, str, str]] = []
    for position, header in enumerate(headers):
        if header in taken_headers:
            continue
        for score, name, why in _candidates(table, header, sample.get(header, []), mapping):
            scored.append((score, -position, name, header, why))
    scored.sort(reverse=True)
    for score, _, name, header, why in scored:
        if name in taken_columns or header in taken_headers or score < 60:
            continue
        guesses.append(HeaderGuess(table, name, header, why, score))
        taken_columns.add(name)
        taken_headers.add(header)
    order = [c.name for c in TABLES[table]]
    guesses.sort(key=lambda g: order.index(g.column))
    return guesses


def choose_preset(leads: list[str], activities: list[str]) -> tuple[Mapping, int]:
    """The preset with the most of its own headers in the files (at least MIN_PRESET_HEADERS).

    A header counts for a preset only when it is that preset's own: one another preset names
    too ("Lead Status") says nothing of which CRM wrote the file. A Zoho export was proposed
    as HubSpot's for "Record Id", "Lead Status" and "Activity Type"."""
    preset, count, _ = choose_preset_why(leads, activities)
    return preset, count


def choose_preset_why(leads: list[str], activities: list[str]) -> tuple[Mapping, int, list[str]]:
    """`choose_preset`, and the headers that decided it."""
    best, best_found = CANONICAL, list[str]()
    files = {
        "leads": {_squash(h): h for h in leads},
        "activities": {_squash(h): h for h in activities},
    }
    presets = [preset for preset in PRESETS.values() if preset is not CANONICAL]
    for preset in presets:
        found: list[str] = []
        for table in ("leads", "activities"):
            for column, header in preset.headers(table).items():
                squashed = _squash(header)
                if squashed not in files[table] or squashed == _squash(column):
                    continue
                shared = any(
                    _squash(other.headers(table).get(column, "")) == squashed
                    for other in presets
                    if other is not preset
                )
                if not shared:
                    found.append(files[table][squashed])
        if len(found) > len(best_found):
            best, best_found = preset, found
    if len(best_found) < MIN_PRESET_HEADERS:
        return CANONICAL, 0, []
    return best, len(best_found), best_found


# --- values --------------------------------------------------------------------------------

# Keywords per canonical value, tried in order: the first whose every word is in the value
# wins, so "Form submission: Request a demo" is a demo request before it is a form download.
_KEYWORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "kind": (
        ("unsubscribe", "unsubscribe"),
        ("unsubscribed", "unsubscribe"),
        ("opt out", "unsubscribe"),
        ("optout", "unsubscribe"),
        ("demo", "demo_request"),
        ("trial", "trial_signup"),
        ("sign up", "trial_signup"),
        ("signup", "trial_signup"),
        ("free account", "trial_signup"),
        ("contact sales", "contact_sales"),
        ("talk to sales", "contact_sales"),
        ("contact us", "contact_sales"),
        ("sales inquiry", "contact_sales"),
        ("sales contact", "contact_sales"),
        ("pricing inquiry", "pricing_inquiry"),
        ("pricing question", "pricing_inquiry"),
        ("pricing request", "pricing_inquiry"),
        ("pricing form", "pricing_inquiry"),
        ("quote", "pricing_inquiry"),
        ("pricing", "pricing_page_view"),
        ("price", "pricing_page_view"),
        ("comparison", "comparison_page_view"),
        ("compare", "comparison_page_view"),
        ("vs", "comparison_page_view"),
        ("alternative", "comparison_page_view"),
        ("case study", "case_study_view"),
        ("case studies", "case_study_view"),
        ("customer story", "case_study_view"),
        ("customer stories", "case_study_view"),  # HubSpot: "Page view: Customer stories"
        ("webinar", "webinar_attended"),
        ("event attended", "webinar_attended"),
        ("download", "content_download"),
        ("ebook", "content_download"),
        ("whitepaper", "content_download"),
        ("white paper", "content_download"),
        ("content", "content_download"),
        ("email open", "email_open"),
        ("email opened", "email_open"),
        ("opened email", "email_open"),
        ("open email", "email_open"),  # Marketo: "Open Email"
        ("attend event", "webinar_attended"),  # Marketo: "Attend Event"
        ("attended event", "webinar_attended"),
        ("blog", "blog_visit"),
        ("article", "blog_visit"),
        ("chat", "chatbot_identified"),
        ("bot", "chatbot_identified"),
        ("sales request", "sales_requested"),
        ("meeting request", "sales_requested"),
        ("meeting requested", "sales_requested"),
        ("meeting booked", "contact_sales"),  # as the HubSpot preset reads "Meeting booked"
        ("booked a meeting", "contact_sales"),
        ("book a meeting", "contact_sales"),
        ("requested by sales", "sales_requested"),
        ("usage limit", "product_usage_limit"),
        ("limit", "product_usage_limit"),
        ("quota", "product_usage_limit"),
        ("invite", "teammate_invite"),
        ("invited", "teammate_invite"),
        ("career", "careers_page_view"),
        ("careers", "careers_page_view"),
        ("jobs", "careers_page_view"),
    ),
    "sdr_decision": (
        ("unqualified", "rejected"),
        ("disqualified", "rejected"),
        ("not converted", "rejected"),
        ("nurture", "rejected"),
        ("rejected", "rejected"),
        ("reject", "rejected"),
        ("bad", "rejected"),
        ("junk", "rejected"),
        ("lost", "rejected"),
        ("not contacted", "unworked"),
        ("attempted", "unworked"),
        ("new", "unworked"),
        ("open", "unworked"),
        ("unworked", "unworked"),
        ("working", "unworked"),
        ("qualified", "accepted"),
        ("converted", "accepted"),
        ("accepted", "accepted"),
        ("accept", "accepted"),
        ("connected", "accepted"),
        ("progress", "accepted"),
        ("deal", "accepted"),
        ("sql", "accepted"),
        ("sal", "accepted"),
    ),
    "relationship": (
        ("customer", "customer"),
        ("client", "customer"),
        ("evangelist", "customer"),
        ("competitor", "competitor"),
        ("partner", "partner"),
        ("reseller", "partner"),
        ("lead", "prospect"),
        ("subscriber", "prospect"),
        ("prospect", "prospect"),
        ("mql", "prospect"),
        ("sql", "prospect"),
        ("opportunity", "prospect"),
        ("other", "prospect"),
    ),
    "persona": (
        ("student", "student"),
        ("university", "student"),
        ("job seeker", "job-seeker"),
        ("jobseeker", "job-seeker"),
        ("candidate", "job-seeker"),
        ("applicant", "job-seeker"),
        ("consultant", "consultant"),
        ("freelance", "consultant"),
        ("freelancer", "consultant"),
        ("journalist", "journalist"),
        ("press", "journalist"),
        ("media", "journalist"),
        ("employee", "employee"),
        ("buyer", "employee"),
    ),
}


def _words(text: str) -> list[str]:
    return re.sub(r"[^0-9a-z]+", " ", text.casefold()).split()


@dataclass(frozen=True, slots=True)
class ValueGuess:
    """One distinct value of a choice column that matched nothing, its count and a proposal."""

    column: str
    value: str
    count: int
    proposal: str | None
    why: str

    def to_json(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "value": self.value,
            "count": self.count,
            "proposal": self.proposal,
            "why": self.why,
        }


# Activity types that, bare, are most often a rep's own touch (Salesforce's Task and Event
# types; a logged call or e-mail): guessing a trigger for them turns a rep's work into the
# prospect's hand raise (+53% MQLs in one review), so `map` leaves them for the room to place.
_OWN_TOUCHES = frozenset(
    {
        "meeting",
        "meetings",
        "email",
        "emails",
        "e mail",
        "call",
        "calls",
        "phone call",
        "task",
        "tasks",
        "event",
        "logged call",
        "logged email",
        "list email",
        "listemail",
        "sales email",
        "email sent",
        "sent email",
    }
)
OWN_TOUCH_NOTE = "a rep's own touch? map it only if the prospect did it"


# Phrases that say an activity did not happen or was undone: "Demo Cancelled", "Webinar
# No-Show", "Email: Not Opened", "Trial Expired". Read by their other words, each was the
# very action it denies (a cancelled demo a tier 1 hand raise: 324 → 376 of them in one
# probe). Phrases, not single words: "No Credit Card", "Not a customer" and a title such
# as "Never Miss a Lead" deny nothing.
_DENIALS = (
    "did not", "didn t", "didnt", "no show", "noshow", "not attended", "not attend",
    "not opened", "not open", "not clicked", "not registered", "cancel", "cancelled",
    "canceled", "cancellation", "declined", "expired", "unregistered", "bounced",
    "resubscribed", "resubscribe",
)  # fmt: skip
DENIAL_NOTE = "it says {word!r}: not the action its other words name? map it only if it is"
# A page seen or a video watched is not the form sent: "Page View - Request a Demo" and "Demo
# Video Watched" are no demo request. A form sent on a page is: "Submitted form 'Demo
# Request' on page 'Request a Demo'".
_SEEN = frozenset({"view", "viewed", "views", "visit", "visited", "watched"})
_SENT = frozenset({"form", "submitted", "submission", "submit", "fill", "filled", "signup"})
_HAND_RAISES = frozenset(
    {"demo_request", "contact_sales", "pricing_inquiry", "trial_signup", "sales_requested"}
)
SEEN_NOTE = "it says {word!r}: a page seen, not the form sent? map it only if the prospect asked"


# A page visit or a form sent, without which page or form ("Visit Webpage", "Fill Out Form",
# Pardot's "Visitor Page View" and "Form Success"): the kind is the page's or the form's.
_GENERIC = frozenset(
    {
        "visit webpage",
        "visit web page",
        "visitor page view",
        "page view",
        "page visit",
        "web page visit",
        "webpage visit",
        "fill out form",
        "form success",
        "form submission",
        "form submitted",
        "form fill",
        "submitted form",
        "click link",
        "click email",
        "email click",
        "email clicked",
    }
)
GENERIC_NOTE = (
    "a page, form or link without which one: its kind is the page's or form's (in another "
    "column?); map it only if every one is the same kind"
)

# Marketo's standard activity type ids (GET /rest/v1/activities/types.json), as its bulk
# extract writes them in "activityTypeId". Each is placed as its name would be.
MARKETO_TYPES: dict[str, str] = {
    "1": "Visit Webpage",
    "2": "Fill Out Form",
    "3": "Click Link",
    "6": "Send Email",
    "7": "Email Delivered",
    "8": "Email Bounced",
    "9": "Unsubscribe Email",
    "10": "Open Email",
    "11": "Click Email",
    "12": "New Lead",
    "13": "Change Data Value",
}
MARKETO_HEADERS = frozenset({"activitytypeid"})


def kind_proposal(header: str, value: str) -> tuple[str | None, str]:
    """`propose_value` for an activity type in the column `header`: Marketo's "activityTypeId"
    numbers read as its standard activity types' names."""
    column = TABLE_COLUMNS["kind"]
    if _squash(header) not in MARKETO_HEADERS or not value.strip().isdigit():
        return propose_value(column, value)
    number = value.strip()
    name = MARKETO_TYPES.get(number)
    if name is None:
        return None, (
            "a Marketo activity type id, not one of its standard ones: its name is in "
            "Marketo's activity types"
        )
    proposal, why = propose_value(column, name)
    said = f"Marketo's standard activity type id {number} is {name!r}"
    return proposal, f"{said}; {why}" if why else said


def propose_value(column: Column, value: str) -> tuple[str | None, str]:
    """A canonical value for a CRM's value, and why; (None, "") when nothing fits, or
    (None, a note) when the value is a kind the tool should not guess (a rep's own touch, an
    action denied, a hand raise's page only seen)."""
    words = _words(value)
    if column.name == "kind" and " ".join(words) in _OWN_TOUCHES:
        return None, OWN_TOUCH_NOTE
    if column.name == "kind" and " ".join(words) in _GENERIC:
        return None, GENERIC_NOTE
    joined = " " + " ".join(words) + " "
    if column.name == "kind":
        denied = next((phrase for phrase in _DENIALS if f" {phrase} " in joined), None)
        if denied is not None:
            return None, DENIAL_NOTE.format(word=denied)
    for keyword, choice in _KEYWORDS.get(column.name, ()):
        if f" {keyword} " in joined and choice in column.choices:
            seen = next((w for w in words if w in _SEEN), None)
            sent = any(w in _SENT for w in words)
            if column.name == "kind" and choice in _HAND_RAISES and seen and not sent:
                return None, SEEN_NOTE.format(word=seen)
            return choice, f"it says {keyword!r}"
    if column.name == "seniority":
        inferred = infer_seniority(value)
        if inferred is not None:
            return inferred, "read like a job title"
    squashed = _squash(value)
    if squashed:
        by_squash = {_squash(c): c for c in column.choices}
        close = difflib.get_close_matches(squashed, list(by_squash), n=1, cutoff=0.75)
        # A misspelling keeps its first letters; "Subscribed" and "Resubscribed" were read
        # as their opposite, unsubscribe, by the letters they share.
        if close and (column.name != "kind" or close[0][:3] == squashed[:3]):
            return by_squash[close[0]], "a name close to it"
    return None, ""


# --- reading the files ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileSample:
    """A file's headers, a sample of rows per header, and how to read it again in DuckDB."""

    path: Path
    headers: list[str]
    sample: dict[str, list[str]]
    scan: str


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class HeaderNotFirst(WorkbenchError):
    """A file whose header is not its first line (Excel's `sep=` line, a report's title
    above it), which the loader refuses: `map` proposes nothing from the lines above. Exit 1,
    as when no header is found."""

    exit_code = 1


def _scan(con: duckdb.DuckDBPyConnection, path: Path, table: str, stack: ExitStack) -> str:
    """A DuckDB table function that reads every cell as text, the file read as the loader
    reads it: its encoding and delimiter found by `csvfile.detect` (a file not in UTF-8 read
    from a UTF-8 copy that lives as long as `stack`), Excel's `sep=` line refused."""
    from workbench.core.evidence.csvfile import detect, excel_sep_line, utf8_copy
    from workbench.core.evidence.load import LONGEST_LINE, _open, line_limit, title_above_header

    if _open(path, table):
        return f"read_parquet({_lit(str(path))})"
    sep = excel_sep_line(path)
    if sep is not None:
        problem = Problem(title_above_header(2, f"sep={sep}"), file=path, line=1)
        raise HeaderNotFirst([problem])
    form = detect(path)
    read = stack.enter_context(utf8_copy(path, form, []))
    delimiter = "" if form.delimiter is None else f", delim = {_lit(form.delimiter)}"
    base = (
        f"read_csv({_lit(str(read))}, header = true, all_varchar = true, ignore_errors = true"
        f"{delimiter}"
    )
    # DuckDB's default line limit, then room for a long line (a 3 MB description): past 2 MB
    # DuckDB refuses the line, or fails to sniff the file when the line is among its first;
    # a line it would skip without a word (`line_limit`) gets the room from the start.
    roomy = f", max_line_size = {LONGEST_LINE}"
    limits = ("", roomy) if line_limit(read, path) is None else (roomy,)
    for longest in limits:
        scan = base + longest + ")"
        try:
            con.execute(f"SELECT * FROM {scan} LIMIT 1").fetchall()
        except Exception:  # DuckDB raises many kinds: try the next way
            continue
        return scan
    raise InputError([Problem(f"cannot read as CSV ({form.describe()})", file=path)])


def read_sample(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, stack: ExitStack
) -> FileSample:
    """The header and the first SAMPLE_ROWS rows of a file, cells as text (`_scan`: the
    scan stays readable as long as `stack`)."""
    import duckdb as _duckdb

    scan = _scan(con, path, table, stack)
    try:
        cursor = con.execute(f"SELECT * FROM {scan} LIMIT {SAMPLE_ROWS}")
        headers = [str(d[0]) for d in cursor.description or ()]
        rows = cursor.fetchall()
    except _duckdb.Error as error:
        first = (str(error).strip().splitlines() or ["unreadable"])[0]
        raise InputError([Problem(f"cannot read: {first}", file=path)]) from None
    sample = {
        header: [str(row[i]) for row in rows if row[i] is not None]
        for i, header in enumerate(headers)
    }
    return FileSample(path, headers, sample, scan)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def distinct_counts(
    con: duckdb.DuckDBPyConnection, sample: FileSample, header: str
) -> list[tuple[str, int]]:
    """Every distinct non-empty value of one column with its count, most frequent first."""
    rows = con.execute(
        f"SELECT trim(CAST({_quote(header)} AS VARCHAR)) AS v, count(*) AS n FROM {sample.scan} "
        f"WHERE v IS NOT NULL AND v <> '' GROUP BY v ORDER BY n DESC, v"
    ).fetchall()
    return [(str(v), int(n)) for v, n in rows]


# --- the proposal --------------------------------------------------------------------------


@dataclass(slots=True)
class Proposal:
    """A proposed mapping: the preset, the headers and value translations, and what nothing
    placed. `mapping()` is the Mapping the file will load as."""

    leads_file: Path
    activities_file: Path
    preset: Mapping
    preset_why: str
    preset_given: bool
    headers: dict[str, list[HeaderGuess]]
    unused: dict[str, list[str]]
    values: list[ValueGuess] = field(default_factory=list)
    dates: DateReading | None = None  # how the files write dates, when the preset's don't read
    # With a definition: what its fit gates list (region, industry), and each history value
    # they do not name, with one of the definition's names proposed (`gate_values`).
    listed: dict[str, list[str]] = field(default_factory=dict)
    gate: list[GateGuess] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the room should know before loading
    # The time columns whose sampled times say no zone, as "leads.created_at = 'Create
    # Date'" (`zoneless_times`).
    zoneless: list[str] = field(default_factory=list)

    def mapping(self) -> Mapping:
        values = {column: dict(table) for column, table in self.preset.values.items()}
        guessed = [(g.column, g.value, g.proposal) for g in self.values]
        guessed += [(g.column, g.value, g.proposal) for g in self.gate]
        for column, value, proposal in guessed:
            if proposal is not None:
                values.setdefault(column, {})[value.strip().casefold()] = proposal
        headers = {
            table: {
                **self.preset.headers(table),
                **{g.column: g.header for g in self.headers[table]},
            }
            for table in ("leads", "activities")
        }
        return Mapping(
            name="proposed",
            alternates=self.preset.alternates,
            leads=headers["leads"],
            activities=headers["activities"],
            values=values,
            date_formats=tuple(dict.fromkeys([*self.dates.formats, *self.preset.date_formats]))
            if self.dates
            else self.preset.date_formats,
            dates_given=self.dates is not None,
        )

    def missing_required(self) -> list[str]:
        """Required canonical columns no header was found for (`table.column`)."""
        return [
            f"{table}.{column.name}"
            for table, columns in TABLES.items()
            for column in columns
            if column.required and column.name not in {g.column for g in self.headers[table]}
        ]

    def placed(self) -> list[ValueGuess]:
        return [g for g in self.values if g.proposal is not None]

    def unplaced(self) -> list[ValueGuess]:
        return [g for g in self.values if g.proposal is None]

    def toml(self) -> str:
        """The mapping file for the room to review; every guess says so on its line."""
        return "\n".join(toml_lines(self)) + "\n"

    def to_json(self) -> dict[str, Any]:
        return {
            "leads": str(self.leads_file),
            "activities": str(self.activities_file),
            "preset": self.preset.name,
            "preset_guessed": not self.preset_given and self.preset is not CANONICAL,
            "headers": {t: [g.to_json() for g in gs] for t, gs in self.headers.items()},
            "unused_headers": self.unused,
            "values": [g.to_json() for g in self.values],
            "gate_values": [
                {"column": g.column, "value": g.value, "count": g.count, "proposal": g.proposal}
                | {"why": g.why}
                for g in self.gate
            ],
            "missing": self.missing_required(),
            "notes": self.notes,
        }


def _pair(key: str, value: str) -> str:
    """One `key = "value"` TOML line, quoted and escaped as TOML needs."""
    return tomli_w.dumps({key: value}).rstrip("\n")


def _count(count: int, column: str) -> str:
    noun = ("activity", "activities") if column == "kind" else ("lead", "leads")
    return f"{count:,} {noun[0] if count == 1 else noun[1]}"


def toml_lines(proposal: Proposal) -> list[str]:
    lines = [
        "# A mapping proposed by `workbench map` from",
        f"#   {proposal.leads_file}",
        f"#   {proposal.activities_file}",
        "# Every line marked 'guess' is the tool's guess: check it, then delete the mark.",
        "# Values it could not place are listed commented out: give each a canonical value.",
        *(f"# note: {note}" for note in proposal.notes),
        "",
    ]
    if proposal.preset is not CANONICAL:
        line = _pair("preset", proposal.preset.name)
        if not proposal.preset_given:
            line += f"  # guess: {proposal.preset_why}"
        lines.append(line)
    if proposal.dates is not None:
        shown = ", ".join(f'"{f}"' for f in proposal.dates.formats)
        lines.append(f"date_formats = [{shown}]  # guess: dates read {proposal.dates.why}")
    if proposal.zoneless:
        lines.append(
            '# timezone = "America/New_York"  # to fill in: the place whose clock the times '
            "without a zone were written in (see the note above), else UTC"
        )
    for table in ("leads", "activities"):
        written = [g for g in proposal.headers[table] if g.written]
        written = [g for g in written if proposal.preset.headers(table).get(g.column) != g.header]
        if not written:
            continue
        lines += ["", f"[{table}]"]
        lines += [f"{_pair(g.column, g.header)}  # guess: {g.why}" for g in written]
    for _, column in (*CHOICE_ORDER, ("leads", REASON_COLUMN.name)):
        guesses = [g for g in proposal.values if g.column == column]
        if not guesses:
            continue
        lines += ["", f"[values.{column}]"]
        for g in guesses:
            if g.proposal is not None:
                lines.append(
                    f"{_pair(g.value, g.proposal)}  # guess: {g.why} ({_count(g.count, column)})"
                )
        for g in guesses:
            if g.proposal is None:
                choices = ", ".join(TABLE_COLUMNS[column].choices)
                note = f"{g.why}; " if g.why else ""
                lines.append(
                    f"# {_pair(g.value, '')}  # not placed ({_count(g.count, column)}): "
                    f"{note}one of {choices}"
                )
    for column, names in proposal.listed.items():
        mine = [g for g in proposal.gate if g.column == column]
        if mine:
            lines += ["", f"# {column}: the definition's fit gates list {', '.join(names)}"]
            lines += gate_paste_lines(mine, names)
    unused = [h for t in ("leads", "activities") for h in proposal.unused[t]]
    if unused:
        lines += ["", "# Not used: " + ", ".join(repr(h) for h in unused)]
    return lines


# Rejection reasons are text in the tables, proposed onto the eight standard ones (`reasons`).
REASON_COLUMN = Column("rejection_reason", "choice", choices=STANDARD_REJECTION_REASONS)

TABLE_COLUMNS: dict[str, Column] = {
    c.name: c for table, cols in TABLES.items() for c in cols if c.type == "choice"
} | {REASON_COLUMN.name: REASON_COLUMN}


def reason_guesses(counts: Iterable[tuple[str, int]], mapping: Mapping) -> list[ValueGuess]:
    """Each distinct rejection reason that is not standard under `mapping`, with a standard
    one proposed (`reasons.propose_reason`) or None: left for the room."""
    out = []
    for value, count in counts:
        if mapping.translate(REASON_COLUMN.name, value).strip() in STANDARD_REJECTION_REASONS:
            continue
        proposal, why = propose_reason(value)
        out.append(ValueGuess(REASON_COLUMN.name, value, count, proposal, why))
    return out


def unmatched_values(
    column: Column, counts: Iterable[tuple[str, int]], mapping: Mapping, header: str = ""
) -> list[ValueGuess]:
    """The values that match nothing under `mapping`, each with a proposal (or None);
    `header` the file's column they are from (`kind_proposal`)."""
    out = []
    for value, count in counts:
        if match_choice(column, mapping.translate(column.name, value)) is not None:
            continue
        if column.name == "seniority" and infer_seniority(value) is not None:
            continue  # the loader reads it from the words, as a title
        if column.name == "kind":
            proposal, why = kind_proposal(header, value)
        else:
            proposal, why = propose_value(column, value)
        out.append(ValueGuess(column.name, value, count, proposal, why))
    return out


def propose(
    leads: Path,
    activities: Path,
    preset: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    definition: Definition | None = None,
) -> Proposal:
    """Read both files and propose a mapping (see the module's docstring). With a
    `definition`, the region and industry values its fit gates do not list are proposed onto
    its own names (`gate_values.propose_listed`)."""
    if preset is not None and preset not in PRESETS:
        raise InputError(
            [
                Problem(
                    f"unknown preset {preset!r}; expected one of: {', '.join(PRESETS)}",
                    field="--preset",
                )
            ]
        )
    own = con is None
    connection = con or open_duckdb()
    try:
        with ExitStack() as stack:
            return _propose(connection, stack, leads, activities, preset, definition)
    finally:
        if own:
            close_duckdb(connection)


# --- the values confirm the names ----------------------------------------------------------

ID_SHARE = 0.5  # a column whose sampled values are at least this share of lead ids holds them
KIND_NAMED = 0.1  # a type column that places this share of activities is the kind column
KIND_OTHER = 0.5  # ... else another column that places at least this share
_TYPE_WORDS = frozenset({"type", "kind", "activity", "event", "action", "category"})


def _id_key(value: str) -> str:
    """An id as compared across the files, read as the loader reads one (`load._cell`): a
    float's whole number ("500000.0"), an 18-character Salesforce id's 15, a GUID in lower
    case without braces. Compared as written, a note said "every activity would be left out"
    of files the loader then kept whole."""
    from workbench.core.evidence.load import BRACED_GUID, FLOAT_ID, GUID, salesforce_15

    text = value.strip()
    if re.fullmatch(FLOAT_ID, text):
        return text.split(".", 1)[0]
    if re.fullmatch(BRACED_GUID, text):
        return text[1:-1].lower()
    if re.fullmatch(GUID, text):
        return text.lower()
    return salesforce_15(text) or text


def _guess(guesses: list[HeaderGuess], column: str) -> HeaderGuess | None:
    return next((g for g in guesses if g.column == column), None)


def _put(guesses: list[HeaderGuess], guess: HeaderGuess) -> None:
    """Put `guess` in place of its column's, the header no longer any other column's."""
    guesses[:] = [g for g in guesses if g.column != guess.column and g.header != guess.header] + [
        guess
    ]
    order = {c.name: n for n, c in enumerate(TABLES[guess.table])}
    guesses.sort(key=lambda g: order[g.column])


def _id_like(values: list[str]) -> bool:
    """Whether a sample reads as a record's own ids: filled, all distinct, no spaces."""
    filled = [v.strip() for v in values if v and v.strip()]
    return (
        len(filled) >= max(1, int(0.95 * len(values)))
        and len({_id_key(v) for v in filled}) == len(filled)
        and not any(" " in v or "@" in v for v in filled)
        and _value_kind(filled) not in ("time", "email", "domain")
    )


def _lead_ids(con: duckdb.DuckDBPyConnection, sample: FileSample, header: str) -> set[str]:
    """Every id of one column of the leads file (the whole file, not the sample)."""
    rows = con.execute(
        f"SELECT DISTINCT trim(CAST({_quote(header)} AS VARCHAR)) AS v FROM {sample.scan} "
        "WHERE v IS NOT NULL AND v <> ''"
    ).fetchall()
    return {_id_key(str(v)) for (v,) in rows}


def _id_share(values: list[str], ids: set[str]) -> tuple[float, int, int]:
    """(share, hits, filled) of a sample's values that are among `ids`."""
    filled = [v for v in values if v and v.strip()]
    hits = sum(1 for v in filled if _id_key(v) in ids)
    return (hits / len(filled) if filled else 0.0), hits, len(filled)


def ids_by_values(
    con: duckdb.DuckDBPyConnection,
    files: dict[str, FileSample],
    headers: dict[str, list[HeaderGuess]],
) -> list[str]:
    """Check the lead_id columns by their values, and put right what they show; the notes.

    The activities' lead_id is the column whose sampled values are the leads' ids: Zoho's
    "Related To" (the contact's name, "Chris Lee") was proposed by its name while "What Id"
    held the leads' "Record Id", and no activity was kept. The leads' lead_id, when no name
    gives it, is a column of distinct id-like values, the one the activities name if any."""
    leads, acts = files["leads"], files["activities"]
    notes: list[str] = []
    own = _guess(headers["leads"], "lead_id")
    if own is None:
        options = [h for h in leads.headers if _id_like(leads.sample.get(h, []))]
        taken = {g.header for g in headers["leads"]}
        options = [h for h in options if h not in taken] or options
        best: tuple[float, int, str] | None = None
        for n, header in enumerate(options):
            ids = _lead_ids(con, leads, header)
            share = max(
                (_id_share(acts.sample.get(h, []), ids)[0] for h in acts.headers), default=0.0
            )
            if best is None or (share, -n) > (best[0], -best[1]):
                best = (share, n, header)
        if best is None:
            return notes
        why = "its values are distinct ids"
        if best[0] >= ID_SHARE:
            why += ", the ones the activities name"
        own = HeaderGuess("leads", "lead_id", best[2], why, 60.0)
        _put(headers["leads"], own)
    ids = _lead_ids(con, leads, own.header)
    if not ids:
        return notes
    times = {c.name for c in TABLES["activities"] if c.type == "timestamp"}
    named = _guess(headers["activities"], "lead_id")
    shares = {
        header: _id_share(acts.sample.get(header, []), ids)
        for header in acts.headers
        if not any(g.header == header and g.column in times for g in headers["activities"])
    }
    if not shares:
        return notes
    best_header = max(shares, key=lambda h: (shares[h][0], h == (named and named.header)))
    share, hits, filled = shares[best_header]
    if named is not None and shares.get(named.header, (0.0,))[0] >= ID_SHARE:
        # The column named for it holds the leads' ids: kept, whatever else does too. An
        # activity's own "id" (1-3000, where leads are 1-1000) held more of them than
        # "lead_id" (some of whose leads were not in the file) and took every activity to
        # another lead.
        return notes
    if share >= ID_SHARE:
        why = (
            f"its values are the leads' ids ({hits} of {filled} sampled are in the leads' "
            f"{own.header!r})"
        )
        if named is not None:
            was = shares.get(named.header, (0.0, 0, 0))
            why += f", not {named.header!r} ({was[1]} of {was[2]})"
        _put(headers["activities"], HeaderGuess("activities", "lead_id", best_header, why, 95.0))
    elif named is not None and shares.get(named.header, (0.0, 0, 0))[1] == 0:
        values = [v for v in acts.sample.get(named.header, []) if v.strip()][:2]
        shown = ", ".join(repr(v) for v in values)
        notes.append(
            f"activities.lead_id = {named.header!r}: none of its sampled values ({shown}) is a "
            f"lead's id in the leads' {own.header!r}, and no other column's are either: every "
            "activity would be left out as of an unknown lead. Name the activities' column that "
            "holds the leads' ids"
        )
    return notes


def _kind_share(header: str, values: list[str], mapping: Mapping) -> float:
    """The share of sampled activities whose type the tool can place (`propose_value`)."""
    filled = [v.strip() for v in values if v and v.strip()]
    if not filled:
        return 0.0
    column = TABLE_COLUMNS["kind"]
    placed = 0
    for value, count in Counter(filled).items():
        matched = match_choice(column, mapping.translate("kind", value)) is not None
        if matched or kind_proposal(header, value)[0] is not None:
            placed += count
    return placed / len(filled)


def kind_by_values(
    files: dict[str, FileSample], headers: dict[str, list[HeaderGuess]], mapping: Mapping
) -> None:
    """Choose the activities' kind column by how many of its values place as activity kinds.

    A column named for the type ("Type", "Type Name", "Activity Type") that places at least
    KIND_NAMED of the sampled activities is chosen, the one that places most: Pardot's "Type"
    ("Visit", "Email", "Form") placed less than its "Type Name" ("Email Open", "Email
    Unsubscribe"). When none does (Zoho's "Activity Type" is "Event" throughout, Close's
    "_type" "Note"), another column of a few repeated values that places at least KIND_OTHER
    ("Subject": "Webinar Attended") is."""
    acts = files["activities"]
    current = _guess(headers["activities"], "kind")
    others = {g.header for g in headers["activities"] if g.column != "kind"}
    scored: list[tuple[bool, float, int, str]] = []
    for n, header in enumerate(acts.headers):
        values = acts.sample.get(header, [])
        if header in others or _mostly_distinct(values) or not any(v.strip() for v in values):
            continue
        split = entity_field(header)  # "Activity - Subject" is a subject, not a type
        words = set(_words(" ".join(split[1]) if split else header))
        named = bool(_TYPE_WORDS & words) or (current is not None and header == current.header)
        scored.append((named, _kind_share(header, values, mapping), -n, header))
    typed = sorted((s for s in scored if s[0]), reverse=True)
    if typed and typed[0][1] >= KIND_NAMED:
        chosen, how = typed[0], "places"
    else:
        # Only where the type column says nothing (one value throughout: Zoho's "Event",
        # Close's "Note"): a type column of calls, meetings and e-mails is the reps' own
        # touches, and its "Subject" ("Demo", "Pricing review") read as the lead's
        # hand-raises made demo requests of the reps' own meetings.
        said = [
            {v.strip().casefold() for v in acts.sample.get(s[3], []) if v.strip()} for s in typed
        ]
        if any(len(values) > 1 for values in said):
            return
        other = sorted((s for s in scored if not s[0]), reverse=True)
        if not other or other[0][1] < KIND_OTHER:
            return
        chosen, how = other[0], "places"
    header, share = chosen[3], chosen[1]
    if current is not None and current.header == header:
        return
    why = f"its values are activity types: the tool {how} {share:.0%} of the sampled ones"
    if current is not None:
        was = next((s[1] for s in scored if s[3] == current.header), 0.0)
        why += f" ({current.header!r}: {was:.0%})"
    _put(headers["activities"], HeaderGuess("activities", "kind", header, why, 90.0))


def times_by_values(
    files: dict[str, FileSample], headers: dict[str, list[HeaderGuess]], mapping: Mapping
) -> list[str]:
    """A required time column no header's name gives (created_at, at): the columns whose
    values read as dates, named in a note for the room to choose from; none is written. A
    review saw "Last Activity Date" proposed as created_at, with every activity then before
    its lead's creation; which date is the creation only the room knows."""
    notes: list[str] = []
    for table, sample in files.items():
        for column in TABLES[table]:
            if column.type != "timestamp" or not column.required:
                continue
            if _guess(headers[table], column.name) is not None:
                continue
            taken = {g.header for g in headers[table]}
            options = []
            for n, header in enumerate(sample.headers):
                filled = [v.strip() for v in sample.sample.get(header, []) if v.strip()]
                if header in taken or len(filled) < 1:
                    continue
                reading = detect_dates(filled, None)
                formats = (*mapping.date_formats, *(reading.formats if reading else ()))
                reads = sum(1 for v in filled if _reads_as_time(v, formats))
                if reads < 0.9 * len(filled):
                    continue
                later = bool({"modified", "updated", "update", "edited"} & set(_words(header)))
                options.append((later, n, header))
            if options:
                shown = ", ".join(repr(header) for _, _, header in sorted(options))
                first = min(options)[2]
                notes.append(
                    f"{table}.{column.name}: no header's name says it; the columns whose values "
                    f"read as dates are {shown}. Name the one that holds "
                    f"{_TIME_MEANING.get(column.name, 'it')} in the mapping file: [{table}] "
                    f"{column.name} = {first!r}"
                )
    return notes


_TIME_MEANING = {
    "created_at": "when each lead was created",
    "at": "when each activity happened",
}


def _header_further_down(path: Path, table: str, presets: Iterable[Mapping]) -> Problem | None:
    """Where the loader would find the file's header further down, under a report's title
    (`load.header_further_down`, with the headers of each preset), or None."""
    from workbench.core.evidence.load import header_further_down, title_above_header

    for mapping in presets:
        below = header_further_down(path, table, TABLES[table], mapping)
        if below is not None:
            line, title = below
            return Problem(title_above_header(line, title), file=path, line=line)
    return None


def _propose(
    connection: duckdb.DuckDBPyConnection,
    stack: ExitStack,
    leads: Path,
    activities: Path,
    preset: str | None,
    definition: Definition | None,
) -> Proposal:
    """`propose` on an open connection; the UTF-8 copies of the files live as long as `stack`."""
    files = {
        "leads": read_sample(connection, leads, "leads", stack),
        "activities": read_sample(connection, activities, "activities", stack),
    }
    if preset is not None:
        base, why, given = PRESETS[preset], "", True
    else:
        base, count, own = choose_preset_why(files["leads"].headers, files["activities"].headers)
        named = list(dict.fromkeys(own))  # "Record ID" in both files is said once
        shown = ", ".join(repr(h) for h in named[:4]) + (", ..." if len(named) > 4 else "")
        why, given = f"{count} of the files' headers are {base.name}'s own ({shown})", False
    headers = {
        table: guess_headers(table, sample.headers, sample.sample, base)
        for table, sample in files.items()
    }
    time_notes = times_by_values(files, headers, base)
    id_notes = ids_by_values(connection, files, headers)
    kind_by_values(files, headers, base)
    titled = []
    for table, sample in files.items():
        have = {g.column for g in headers[table]}
        if any(c.required and c.name not in have for c in TABLES[table]):
            titled.append(_header_further_down(sample.path, table, (base, *PRESETS.values())))
    if any(titled):
        raise HeaderNotFirst([problem for problem in titled if problem is not None])
    unused = {
        table: [h for h in files[table].headers if h not in {g.header for g in headers[table]}]
        for table in files
    }
    proposal = Proposal(leads, activities, base, why, given, headers, unused)
    proposal.notes += time_notes + id_notes + several_ids_notes(files, headers)
    proposal.dates = _date_guess(connection, files, headers, base)
    mapping = proposal.mapping()
    proposal.zoneless = zoneless_times(files, headers, mapping)
    if proposal.zoneless:
        *others, last = proposal.zoneless
        zoneless = f"{', '.join(others)} and {last}" if others else last
        verb = "hold" if others else "holds"
        proposal.notes.append(
            f"{zoneless} {verb} times without a zone, read as UTC; if the export wrote them in "
            "its user's clock, name that place's zone in the mapping: timezone = "
            '"America/New_York"'
        )
    for table, name in CHOICE_ORDER:
        found = next((g for g in headers[table] if g.column == name), None)
        if found is None:
            continue
        column = TABLE_COLUMNS[name]
        counts = distinct_counts(connection, files[table], found.header)
        proposal.values += unmatched_values(column, counts, mapping, found.header)
    found = next((g for g in headers["leads"] if g.column == "rejection_reason"), None)
    if found is not None:
        counts = distinct_counts(connection, files["leads"], found.header)
        proposal.values += reason_guesses(counts, mapping)
    if definition is not None:
        proposal.listed = listed(definition)
        for name, names in proposal.listed.items():
            found = next((g for g in headers["leads"] if g.column == name), None)
            if found is None:
                continue
            counts = distinct_counts(connection, files["leads"], found.header)
            counts = [(v, n) for v, n in counts if not matches(mapping.translate(name, v), names)]
            proposal.gate += gate_guesses(name, counts, names)
    return proposal


def zoneless_times(
    files: dict[str, FileSample], headers: dict[str, list[HeaderGuess]], mapping: Mapping
) -> list[str]:
    """The required time columns (a lead's creation, an activity's time), as
    "leads.created_at = 'Create Date'", where a sampled time says no zone
    (`load.says_no_zone`): such a time is read as UTC unless the mapping names `timezone`."""
    from workbench.core.evidence.load import says_no_zone

    found = []
    for table, guesses in headers.items():
        columns = {c.name: c for c in TABLES[table]}
        for guess in guesses:
            column = columns.get(guess.column)
            if column is None or column.type != "timestamp" or not column.required:
                continue
            formats = mapping.formats_of(column.name)
            values = [v.strip() for v in files[table].sample.get(guess.header, []) if v.strip()]
            if any(says_no_zone(value, formats) for value in values):
                found.append(f"{table}.{column.name} = {guess.header!r}")
    return found


def several_ids_notes(
    files: dict[str, FileSample], headers: dict[str, list[HeaderGuess]]
) -> list[str]:
    """A note per id column whose sample has cells with several ids joined by ';' (HubSpot's
    "Associated Company IDs"): the loader reads such a cell as empty."""
    from workbench.core.evidence.load import SEVERAL_IDS

    notes = []
    for table, guesses in headers.items():
        for guess in guesses:
            if guess.column not in ("lead_id", "account_id"):
                continue
            values = [v.strip() for v in files[table].sample.get(guess.header, []) if v.strip()]
            several = [v for v in values if SEVERAL_IDS in v]
            if not several:
                continue
            if guess.column == "account_id":
                read = "read as empty (no account)"
                instead = (
                    "export the primary company's column instead (HubSpot: 'Associated "
                    "Company ID (Primary)'), one id a cell"
                )
            else:
                read = "read as empty, and the row left out"
                instead = "export the record's own id, one id a cell"
            notes.append(
                f"{table}.{guess.column} = {guess.header!r}: {len(several)} of the "
                f"{len(values)} sampled cells hold several ids joined by {SEVERAL_IDS!r} "
                f"({several[0]!r}); each such cell will be {read}: {instead}"
            )
    return notes


_DATE_SAMPLE = 5000  # distinct cells per time column the date format is decided from


def _date_guess(
    con: duckdb.DuckDBPyConnection,
    files: dict[str, FileSample],
    headers: dict[str, list[HeaderGuess]],
    preset: Mapping,
) -> DateReading | None:
    """How the files' time columns write dates, when some cell does not read with the
    preset's formats (or ISO 8601): decided from their distinct values (`dates.detect`)."""
    values: list[str] = []
    for table, sample in files.items():
        times = {c.name for c in TABLES[table] if c.type == "timestamp"}
        for guess in headers[table]:
            if guess.column not in times:
                continue
            values += [
                str(v)
                for (v,) in con.execute(
                    f"SELECT DISTINCT trim(CAST({_quote(guess.header)} AS VARCHAR)) AS v "
                    f"FROM {sample.scan} WHERE v IS NOT NULL AND v <> '' ORDER BY v "
                    f"LIMIT {_DATE_SAMPLE}"
                ).fetchall()
            ]
    unread = [v for v in values if not _reads_as_time(v, preset.date_formats)]
    if not unread:
        return None
    return detect_dates(values, None)


def _reads_as_time(value: str, formats: tuple[str, ...]) -> bool:
    from workbench.core.evidence.load import parse_timestamp

    try:
        parse_timestamp(value, formats)
    except (ValueError, OverflowError):
        return False
    return True


def would_keep(proposal: Proposal) -> Problems:
    """How the files load with the proposed mapping: rows kept and left out, per table."""
    from workbench.core.evidence.load import load_to_duckdb

    with duckdb_connection() as con:
        return load_to_duckdb(
            con, proposal.leads_file, proposal.activities_file, proposal.mapping(), now=clock.now()
        )


def summary_lines(proposal: Proposal, problems: Problems | None = None) -> list[str]:
    """The proposal in a few lines, for the terminal and the app: what was guessed, what
    nothing placed (activity types first, with counts), and what would load."""
    lines = []
    if proposal.preset is not CANONICAL:
        how = "given" if proposal.preset_given else f"guessed: {proposal.preset_why}"
        lines.append(f"preset: {proposal.preset.name} ({how})")
    if proposal.dates is not None:
        shown = ", ".join(f'"{f}"' for f in proposal.dates.formats)
        lines.append(f"dates: read {proposal.dates.why} (guessed: {shown})")
    for table in ("leads", "activities"):
        found = proposal.headers[table]
        named = [g for g in found if g.written]
        lines.append(
            f"{table}: {len(found)} columns found, {len(found) - len(named)} by their own name"
        )
        lines += [f"  {g.column} = {g.header!r}  ({g.why})" for g in found]  # as many as counted
        if proposal.unused[table]:
            lines.append("  not used: " + ", ".join(repr(h) for h in proposal.unused[table]))
    lines += [f"note: {note}" for note in proposal.notes]
    missing = proposal.missing_required()
    if missing:  # a header under a report's title is refused by `propose` (HeaderNotFirst)
        lines.append(f"no header found for: {', '.join(missing)}")
    placed, unplaced = proposal.placed(), proposal.unplaced()
    if placed:
        lines.append(f"values proposed ({len(placed)}):")
        lines += [
            f"  {g.column}: {g.value!r} -> {g.proposal}  ({g.why}; {_count(g.count, g.column)})"
            for g in placed
        ]
    if unplaced:
        lines.append(f"values not placed ({len(unplaced)}): give each a value in the file")
        lines += [
            f"  {g.column}: {g.value!r}  ({_count(g.count, g.column)}"
            + (f"; {g.why})" if g.why else ")")
            for g in unplaced
        ]
    if not placed and not unplaced:
        lines.append("every value of the choice columns matches")
    for column, names in proposal.listed.items():
        mine = [g for g in proposal.gate if g.column == column]
        if not mine:
            lines.append(f"every {column} value is one the definition lists ({', '.join(names)})")
            continue
        lines.append(
            f"{column} values the definition's list ({', '.join(names)}) does not name "
            f"({len(mine)}):"
        )
        lines += [
            f"  {g.value!r} -> {g.proposal}  ({g.why}; {_count(g.count, column)})"
            if g.proposal is not None
            else f"  {g.value!r}  (not placed; {_count(g.count, column)})"
            for g in mine
        ]
    if problems is not None:
        lines.append(
            f"would keep {problems.leads.rows_loaded:,} of {problems.leads.rows_read:,} leads "
            f"and {problems.activities.rows_loaded:,} of {problems.activities.rows_read:,} "
            "activities"
        )
        if problems.skipped:  # say why, not only how many
            lines += [f"  {line}" for line in problems.lines()]
    return lines


def paste_lines(values: Iterable[ValueGuess]) -> list[str]:
    """The `[values.<column>]` lines to paste into a mapping file, one per value: a proposal
    where there is one, else the value commented out with its count."""
    lines: list[str] = []
    guesses = list(values)
    for _, column in CHOICE_ORDER:
        mine = [g for g in guesses if g.column == column]
        if not mine:
            continue
        lines.append(f"[values.{column}]")
        for g in mine:
            if g.proposal is not None:
                lines.append(f"{_pair(g.value, g.proposal)}  # guess: {g.why}")
            else:
                note = f": {g.why}" if g.why else ""
                lines.append(
                    f"# {_pair(g.value, '')}  # not placed ({_count(g.count, column)}){note}"
                )
    return lines


def unmapped_values(leads: Path, activities: Path, mapping: Mapping) -> list[ValueGuess]:
    """The values of the files' choice columns that `mapping` places nowhere, with proposals:
    what a backtest prints as lines to paste when it left rows out for them."""
    con = open_duckdb()
    stack = ExitStack()
    try:
        files = {
            "leads": read_sample(con, leads, "leads", stack),
            "activities": read_sample(con, activities, "activities", stack),
        }
        out: list[ValueGuess] = []
        for table, name in CHOICE_ORDER:
            present = {h.strip().casefold(): h for h in files[table].headers}
            named = mapping.headers(table).get(name)
            header = next(
                (
                    present[h.strip().casefold()]
                    for h in (named, name)
                    if h and h.strip().casefold() in present
                ),
                None,
            )
            if header is None:
                continue
            counts = distinct_counts(con, files[table], header)
            out += unmatched_values(TABLE_COLUMNS[name], counts, mapping, header)
        return out
    finally:
        stack.close()
        close_duckdb(con)


def paste_advice(problems: Problems, source: EvidenceSource) -> list[str]:
    """When a load left rows out, or emptied cells, for values nothing maps, the `[values]` lines to paste, each
    with the tool's proposal (see `workbench map`)."""
    from workbench.core.evidence.mapping import resolve_mapping

    bad = {f"bad {name}" for _, name in CHOICE_ORDER}
    reasons = problems.leads.reasons + problems.activities.reasons
    emptied = problems.leads.emptied_columns + problems.activities.emptied_columns
    if not any(reasons[kind] for kind in bad) and not any(
        emptied[name] for _, name in CHOICE_ORDER
    ):
        return []
    try:
        guesses = unmapped_values(source.leads, source.activities, resolve_mapping(source.mapping))
    except Exception:  # only advice: a file the loader read but this cannot must not stop it
        return []
    if not guesses:
        return []
    if isinstance(source.mapping, Path):
        where = f"paste into {source.mapping}"
    else:
        preset = f'preset = "{source.mapping}" and ' if source.mapping else ""
        where = f"write a mapping file with {preset}these lines, and pass it as --mapping"
    return [
        f"values no mapping places ({where}; check each guess):",
        *(f"  {line}" for line in paste_lines(guesses)),
    ]
