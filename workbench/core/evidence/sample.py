"""A realistic, reproducible sample of lead history, for demos, tests and benchmarks.

`sample_data(leads, seed)` depends on nothing but its arguments: one `random.Random(seed)`,
and a fixed epoch (2025-01-01 UTC by default) instead of today's date, so the same seed gives
the same rows and `write_sample` the same CSV bytes on every machine.

What is in it: companies of every size and industry; prospects, existing customers, partners
and competitors (by relationship and by a competitor's domain); students, job seekers,
consultants and journalists next to employees; job titles with noisy casing, abbreviations and
typos, and a fifth of the leads without a seniority value (to be inferred from the title);
activity timelines from a few email opens to pricing-page streaks and demo requests, with
resubmits (a second demo request 90-200 days after the first) and a few high-volume
low-intent readers. Outcomes follow fit and intent: the historical MQL date, the SDR's
decision and rejection reason (the framework's standard reasons), opportunities, closed-won
dates and amounts, and a few deals won without ever being an MQL. How the SLA was kept (drawn
from a stream of its own, so the columns above are the same for a seed as before): when sales
was notified and first responded (most within minutes, some slowly, some never), when the SDR
decided (a few late), touches in the first seven days (some accepted MQLs under-touched, a
few unknown), SQL and closed-lost dates.

Patterns `workbench analyze` should find: wins are in 51-1000-employee software and fintech
companies in North America and Europe, with managers and above; wins came from a webinar
about four times as often as other leads (lead_source "Webinar"); and pricing-page views
2+ times in a week are about twice as common among wins.

The drift `workbench review` should find: in the history's last complete calendar quarter
(2025Q4 by default) a trade-show campaign brings companies from industries that never buy
(retail, media, government) asking for a demo: a quarter of the leads created in that quarter
(`source_detail` names the campaign). Sales rejects their MQLs as bad-fit-company and none of
them buys, so the quarter's acceptance falls under 30% with bad-fit-company the top reason: the
framework's first calibration rule (tighten the company size or industry gate; on the 1m-3m
template the review proposes the industries closed-won leads come from). It is drawn from its own stream after every other value, so the leads
created before that quarter are byte-identical to a sample without it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal, TypeVar

from workbench.core.domain.errors import AlreadyExists, InputError, Problem
from workbench.core.domain.vocab import ActivityKind, Persona, Relationship, Seniority
from workbench.core.evidence.tables import (
    ACTIVITY_COLUMN_NAMES,
    ACTIVITY_COLUMNS,
    LEAD_COLUMN_NAMES,
    LEAD_COLUMNS,
    ActivityRow,
    Column,
    LeadRow,
    quote_identifier,
    sql_type,
)
from workbench.core.files.tomlfile import atomic_write

DEFAULT_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
SampleFormat = Literal["csv", "parquet"]

COMPETITORS: tuple[tuple[str, str], ...] = (
    ("RivalCRM", "rivalcrm.com"),
    ("Pipewise", "pipewise.io"),
    ("LeadLoop", "leadloop.com"),
)
_UNIVERSITIES = (
    ("State University", "state.edu"),
    ("Tech Institute", "techinst.edu"),
    ("City College", "citycollege.edu"),
)
_SYLLABLES = (
    "ac", "be", "cor", "dyn", "el", "fin", "gra", "hel", "io", "jet", "kin", "lum", "mar",
    "nov", "or", "pix", "qua", "ro", "syn", "tek", "ul", "vel", "wex", "zen",
)  # fmt: skip
_SUFFIXES = ("", " Labs", " Systems", " Group", " Inc", " Software", " Health", " Works")
_INDUSTRIES = (
    ("software", 35), ("fintech", 10), ("healthcare", 10), ("manufacturing", 10),
    ("retail", 10), ("education", 8), ("agency", 7), ("media", 5), ("government", 5),
)  # fmt: skip
_REGIONS = (("north-america", 45), ("europe", 35), ("apac", 12), ("latam", 8))
_SIZE_BANDS = (
    ((1, 10), 15), ((11, 50), 25), ((51, 200), 25), ((201, 1000), 20),
    ((1001, 5000), 10), ((5001, 50000), 5),
)  # fmt: skip
_SENIORITIES: tuple[tuple[Seniority, int], ...] = (
    ("intern", 4), ("individual", 40), ("manager", 25), ("director", 15), ("vp", 10),
    ("c-level", 6),
)  # fmt: skip
_FUNCTIONS = ("Marketing", "Sales", "Operations", "Engineering", "Finance", "Revenue Operations")
_TITLES: dict[Seniority, tuple[str, ...]] = {
    "intern": ("{f} Intern", "Intern, {f}", "{f} Trainee"),
    "individual": ("{f} Specialist", "{f} Analyst", "Senior {f} Analyst", "{f} Coordinator"),
    "manager": ("{f} Manager", "Senior Manager, {f}", "Team Lead, {f}"),
    "director": ("Director of {f}", "{f} Director", "Head of {f}", "Senior Director, {f}"),
    "vp": ("VP {f}", "Vice President, {f}", "SVP {f}", "EVP, {f}"),
    "c-level": ("Chief Revenue Officer", "CEO", "Co-Founder & CEO", "Chief Marketing Officer"),
}
_NOISE = (
    ("Senior", "Sr."),
    ("Manager", "Mgr"),
    ("Director", "Dir."),
    ("Vice President", "V.P."),
    ("Director", "Dirctor"),
    ("Manager", "Manger"),
    ("Marketing", "Marketng"),
)
_OTHER_REASONS = ("not-interested", "unreachable", "timing", "duplicate")
_HAND_RAISES: tuple[ActivityKind, ...] = ("demo_request", "contact_sales", "pricing_inquiry")
_HAND_RAISE_WEIGHTS: tuple[tuple[ActivityKind, int], ...] = (
    ("demo_request", 6),
    ("contact_sales", 2),
    ("pricing_inquiry", 2),
)
_LOW_INTENT: tuple[ActivityKind, ...] = (
    "email_open", "email_open", "blog_visit", "blog_visit", "content_download",
    "webinar_attended", "case_study_view",
)  # fmt: skip


T = TypeVar("T")


def _weighted(rng: random.Random, table: Sequence[tuple[T, int]]) -> T:
    return rng.choices([value for value, _ in table], weights=[w for _, w in table])[0]


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


@dataclass(slots=True)
class _Person:
    """What the generator knows about a lead beyond the table: its fit and intent."""

    fit: float
    intent: float
    fit_company: bool
    fit_person: bool


def _company_name(rng: random.Random) -> str:
    core = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 2, 3))))
    return core.capitalize() + rng.choice(_SUFFIXES)


def _noisy(rng: random.Random, title: str) -> str:
    roll = rng.random()
    if roll < 0.10:
        return title.lower()
    if roll < 0.15:
        return title.upper()
    if roll < 0.30:
        before, after = rng.choice(_NOISE)
        return title.replace(before, after)
    return title


def sample_data(
    leads: int, seed: int, epoch: datetime = DEFAULT_EPOCH, days: int = 365
) -> tuple[list[LeadRow], list[ActivityRow]]:
    """`leads` leads created over `days` days from `epoch`, their activities and outcomes.

    The data is an export taken at `epoch + days`: nothing after that moment is in it (no
    activity, no MQL, opportunity or win yet), as in a real CRM export.
    """
    if leads < 0:
        raise ValueError("leads must be 0 or more")
    rng = random.Random(seed)
    # Lead sources come from their own stream, drawn after the outcome: adding them changed
    # no other value of a sample, so the backtest figures quoted on sample data stand.
    sources = random.Random(f"lead-source:{seed}")
    # How sales kept the SLA comes from a third stream, for the same reason.
    sla = random.Random(f"sla:{seed}")
    export = epoch + timedelta(days=days)
    lead_rows: list[LeadRow] = []
    activity_rows: list[ActivityRow] = []
    width = max(6, len(str(leads)))
    for number in range(1, leads + 1):
        lead_id = f"L{number:0{width}d}"
        created = _minute(epoch + timedelta(days=rng.uniform(0, days)))
        lead, person = _lead(rng, lead_id, created)
        activities = _activities(rng, lead, person, created)
        outcome = _as_of(_outcomes(rng, lead, person, activities), export)
        outcome = _sla_behaviour(sla, outcome, export)
        lead_rows.append(replace(outcome, lead_source=_source(sources, outcome)))
        activity_rows.extend(
            ActivityRow(lead_id, kind, at) for at, kind in activities if at <= export
        )
    return _campaign_drift(lead_rows, activity_rows, seed, export)


CAMPAIGN_SHARE = 0.25  # share of the last quarter's new leads the campaign brings
CAMPAIGN_DETAIL = "retail and media trade-show campaign"
CAMPAIGN_INDUSTRIES = ("retail", "media", "government")  # industries closed-won leads avoid


def _campaign_drift(
    leads: list[LeadRow], activities: list[ActivityRow], seed: int, export: datetime
) -> tuple[list[LeadRow], list[ActivityRow]]:
    """The last complete quarter's campaign: companies outside the industries that buy,
    asking for a demo, rejected as bad fit (company), none of them buying.

    Its own stream, drawn only for leads created in that quarter, so earlier leads keep every
    value; the campaign's demo requests are appended after the other activities."""
    from workbench.core.evidence.quarter import last_complete_quarter

    quarter = last_complete_quarter((export - timedelta(minutes=1)).date())
    start = datetime.combine(quarter.start, datetime.min.time(), UTC)
    end = datetime.combine(quarter.next().start, datetime.min.time(), UTC)
    rng = random.Random(f"review-drift:{seed}")
    out: list[LeadRow] = []
    extra: list[ActivityRow] = []
    for lead in leads:
        if not start <= lead.created_at < end or rng.random() >= CAMPAIGN_SHARE:
            out.append(lead)
            continue
        industry = rng.choice(CAMPAIGN_INDUSTRIES)
        mql_at = lead.mql_at
        if mql_at is None:
            asked = _minute(lead.created_at + timedelta(hours=rng.uniform(0, 72)))
            if asked <= export:
                mql_at = asked
                extra.append(ActivityRow(lead.lead_id, "demo_request", asked))
        decision, reason = lead.sdr_decision, lead.rejection_reason
        if mql_at is not None and rng.random() >= 0.1:
            decision = "rejected"
            if reason not in ("competitor-student-job-seeker", "already-a-customer"):
                reason = "bad-fit-company"
        elif mql_at is not None and lead.mql_at is None:
            decision = "unworked"
        out.append(
            replace(
                lead,
                industry=industry,
                source_detail=CAMPAIGN_DETAIL,
                mql_at=mql_at,
                sdr_decision=decision,
                rejection_reason=reason if decision == "rejected" else None,
                opportunity_at=None,
                won_at=None,
                amount=None,
            )
        )
    return out, activities + extra


# Where leads come from, as a CRM's Original Source reads. Webinars are the planted pattern:
# a closed-won lead is webinar-sourced about four times as often as any other lead.
_SOURCES: tuple[tuple[str, int], ...] = (
    ("Organic Search", 30), ("Paid Search", 20), ("Webinar", 8), ("Content", 15),
    ("Referral", 7), ("Events", 8), ("Social", 12),
)  # fmt: skip
_WON_WEBINAR = 0.4  # share of closed-won leads that came from a webinar


def _source(rng: random.Random, lead: LeadRow) -> str:
    """The lead's source: a webinar for `_WON_WEBINAR` of wins, else the usual mix."""
    if lead.won_at is not None and rng.random() < _WON_WEBINAR:
        return "Webinar"
    return _weighted(rng, _SOURCES)


def _as_of(lead: LeadRow, export: datetime) -> LeadRow:
    """The lead as an export taken at `export` shows it: later outcomes have not happened."""
    if lead.mql_at is not None and lead.mql_at > export:
        return replace(
            lead,
            mql_at=None,
            sdr_decision=None,
            rejection_reason=None,
            opportunity_at=None,
            won_at=None,
            amount=None,
        )
    if lead.opportunity_at is not None and lead.opportunity_at > export:
        return replace(lead, opportunity_at=None, won_at=None, amount=None)
    if lead.won_at is not None and lead.won_at > export:
        return replace(lead, won_at=None, amount=None)
    return lead


def _lead(rng: random.Random, lead_id: str, created: datetime) -> tuple[LeadRow, _Person]:
    relationship: Relationship = "prospect"
    persona: Persona = "employee"
    roll = rng.random()
    name = _company_name(rng)
    domain = name.split()[0].lower() + rng.choice((".com", ".com", ".io", ".co"))
    if roll < 0.03:
        name, domain = rng.choice(COMPETITORS)
        # Half are flagged in the CRM; the rest are caught only by their domain.
        relationship = "competitor" if rng.random() < 0.5 else "prospect"
    elif roll < 0.09:
        relationship = "customer"
    elif roll < 0.10:
        relationship = "partner"
    roll = rng.random()
    if roll < 0.05:
        persona = "student"
    elif roll < 0.07:
        persona = "job-seeker"
    elif roll < 0.10:
        persona = "consultant"
    elif roll < 0.11:
        persona = "journalist"

    low, high = _weighted(rng, _SIZE_BANDS)
    employees: int | None = rng.randint(low, high) if rng.random() > 0.03 else None
    industry: str | None = _weighted(rng, _INDUSTRIES) if rng.random() > 0.03 else None
    region: str | None = _weighted(rng, _REGIONS) if rng.random() > 0.02 else None
    seniority: Seniority = _weighted(rng, _SENIORITIES)
    function = rng.choice(_FUNCTIONS)
    title = _noisy(rng, rng.choice(_TITLES[seniority]).format(f=function))
    if persona == "student":
        name, domain = rng.choice(_UNIVERSITIES)
        seniority = "intern"
        title = rng.choice(("Student", "MBA Candidate", "Graduate Student", "student"))
        employees, industry = rng.randint(2000, 30000), "education"
    elif persona == "job-seeker":
        seniority = "individual"
        title = rng.choice(("Looking for new opportunities", "Open to work", "Analyst"))
    elif persona == "consultant":
        title = rng.choice(
            ("Independent Consultant", "Marketing Consultant", "Principal Consultant")
        )
    first = rng.choice(("alex", "sam", "dana", "chris", "kim", "lee", "pat", "robin", "max"))
    email = f"{first}.{lead_id.lower()}@{domain}"

    fit_company = (
        employees is not None
        and 50 <= employees <= 1000
        and industry in ("software", "fintech")
        and region in ("north-america", "europe")
    )
    fit_person = persona == "employee" and seniority in ("manager", "director", "vp", "c-level")
    fit = (0.55 * fit_company + 0.35 * fit_person + 0.1 * (relationship == "prospect")) * (
        persona == "employee"
    )
    intent = min(1.0, rng.random() ** 1.4 + 0.2 * fit * rng.random())
    target = employees is not None and employees > 500 and rng.random() < 0.4
    lead = LeadRow(
        lead_id=lead_id,
        created_at=created,
        title=title,
        # A fifth of the leads carry no seniority: the loader infers it from the title.
        seniority=seniority if rng.random() > 0.2 else None,
        persona=persona,
        email=email,
        company=name,
        domain=domain,
        employees=employees,
        industry=industry,
        region=region,
        relationship=relationship,
        target_account=target,
        engaged_contacts=rng.randint(1, 6) if target else rng.randint(0, 2),
    )
    return lead, _Person(fit, intent, fit_company, fit_person)


def _activities(
    rng: random.Random, lead: LeadRow, person: _Person, created: datetime
) -> list[tuple[datetime, ActivityKind]]:
    out: list[tuple[datetime, ActivityKind]] = []

    def at(day: float) -> datetime:
        return _minute(created + timedelta(days=day, minutes=rng.randint(0, 600)))

    intent = person.intent
    for _ in range(int(intent * 10 + rng.random() * 6)):
        out.append((at(rng.uniform(0, 180)), rng.choice(_LOW_INTENT)))
    if rng.random() < 0.01:  # a researcher or a bot: lots of reading, no hand raise
        for _ in range(rng.randint(50, 70)):
            reading: ActivityKind = rng.choice(("blog_visit", "email_open"))
            out.append((at(rng.uniform(0, 60)), reading))
    if lead.persona == "job-seeker":
        for _ in range(rng.randint(1, 4)):
            out.append((at(rng.uniform(0, 90)), "careers_page_view"))
    if rng.random() < 0.05:
        out.append((at(rng.uniform(10, 200)), "unsubscribe"))
    streak = rng.uniform(0, 150)
    if intent > 0.35:
        # Pricing-page streaks: two views a few days apart (tier 2 when within the window).
        for _ in range(rng.choice((1, 2, 2, 3))):
            out.append((at(streak + rng.uniform(0, 12)), "pricing_page_view"))
        if rng.random() < 0.4:
            out.append((at(streak + rng.uniform(0, 5)), "comparison_page_view"))
    hand_raise = intent > 0.6 and rng.random() < 0.75
    hand_raise = hand_raise or (lead.relationship != "prospect" and rng.random() < 0.3)
    hand_raise = hand_raise or (lead.persona == "student" and rng.random() < 0.2)
    if hand_raise:
        first = streak + rng.uniform(0, 14)
        kind: ActivityKind = _weighted(rng, _HAND_RAISE_WEIGHTS)
        out.append((at(first), kind))
        roll = rng.random()
        if roll < 0.15:  # a resubmit after the 90-day window: fresh intent
            out.append((at(first + rng.uniform(92, 200)), "demo_request"))
        elif roll < 0.20:  # a second request inside the window: same owner
            out.append((at(first + rng.uniform(3, 60)), "demo_request"))
    elif rng.random() < 0.03:
        out.append((at(rng.uniform(0, 30)), "sales_requested"))
    if lead.relationship == "customer" and rng.random() < 0.4:
        out.append((at(rng.uniform(0, 120)), "product_usage_limit"))
    out.sort()
    return out


def _outcomes(
    rng: random.Random,
    lead: LeadRow,
    person: _Person,
    activities: list[tuple[datetime, ActivityKind]],
) -> LeadRow:
    """The old process's MQL date and what happened next, driven by fit and intent."""
    raises = [moment for moment, kind in activities if kind in _HAND_RAISES]
    pricing = [moment for moment, kind in activities if kind == "pricing_page_view"]
    mql_at: datetime | None = None
    if raises:
        mql_at = raises[0]
    elif len(pricing) >= 2 and rng.random() < 0.5:
        mql_at = pricing[1]
    elif len(activities) >= 12 and rng.random() < 0.5:
        mql_at = activities[11][0]
    decision: Literal["accepted", "rejected", "unworked"] | None = None
    reason: str | None = None
    opportunity_at: datetime | None = None
    won_at: datetime | None = None
    amount: float | None = None
    if mql_at is not None:
        if rng.random() < 0.1:
            decision = "unworked"
        elif (
            lead.persona != "employee"
            or lead.relationship == "competitor"
            or (lead.domain in {d for _, d in COMPETITORS})
        ):
            decision, reason = "rejected", "competitor-student-job-seeker"
        elif lead.relationship == "customer":
            decision, reason = "rejected", "already-a-customer"
        elif rng.random() < 0.12 + 0.6 * person.fit + 0.15 * person.intent:
            decision = "accepted"
        else:
            decision = "rejected"
            if not person.fit_company:
                reason = "bad-fit-company"
            elif not person.fit_person:
                reason = "bad-fit-person"
            else:
                reason = rng.choice(_OTHER_REASONS)
        if decision == "accepted" and rng.random() < 0.3 + 0.4 * person.fit * person.intent:
            opportunity_at = _minute(mql_at + timedelta(days=rng.uniform(3, 30)))
    elif person.fit > 0.8 and rng.random() < 0.04:
        # Sourced by sales, never an MQL: the false negatives a definition should catch.
        opportunity_at = _minute(lead.created_at + timedelta(days=rng.uniform(20, 90)))
    if opportunity_at is not None and rng.random() < 0.25 + 0.3 * person.fit:
        won_at = _minute(opportunity_at + timedelta(days=rng.uniform(20, 120)))
        size = lead.employees or 100
        amount = round(5000 + min(size, 5000) * rng.uniform(20, 60), -2)
    return replace(
        lead,
        mql_at=mql_at,
        sdr_decision=decision,
        rejection_reason=reason,
        opportunity_at=opportunity_at,
        won_at=won_at,
        amount=amount,
    )


def _sla_behaviour(rng: random.Random, lead: LeadRow, export: datetime) -> LeadRow:
    """How the SLA was kept for one MQL: notification, first response, decision time, touches,
    SQL and closed-lost dates. Most MQLs are answered within minutes, some slowly, some never
    (most unworked ones); a few decisions come late; some accepted MQLs are under-touched
    (and a few have no touch count); some rejections come without a reason. Nothing after the
    export is in it."""
    mql_at = lead.mql_at
    if mql_at is None:
        return lead
    decision = lead.sdr_decision
    # Whole minutes, as every other time in the sample (CRM exports drop the seconds): most
    # notifications in the MQL's own minute, some minutes late.
    notified_at = mql_at + timedelta(minutes=0 if rng.random() < 0.9 else rng.randint(1, 5))
    first_response_at: datetime | None = None
    roll = rng.random()
    if decision == "unworked" and roll < 0.7:
        pass
    elif roll < 0.62:
        first_response_at = mql_at + timedelta(minutes=rng.randint(0, 4))
    elif roll < 0.78:
        first_response_at = mql_at + timedelta(minutes=rng.randint(5, 14))
    elif roll < 0.9:
        first_response_at = mql_at + timedelta(minutes=rng.randint(15, 239))
    elif roll < 0.97:
        first_response_at = mql_at + timedelta(minutes=rng.randint(240, 3000))
    decided_at: datetime | None = None
    if decision in ("accepted", "rejected"):
        hours = rng.uniform(1, 47) if rng.random() < 0.85 else rng.uniform(49, 150)
        decided_at = _minute(mql_at + timedelta(hours=hours))
    touches: int | None = None
    if decision == "accepted":
        roll = rng.random()
        touches = rng.randint(3, 8) if roll < 0.75 else rng.randint(0, 2) if roll < 0.95 else None
    elif decision == "rejected":
        touches = rng.randint(0, 3)
    elif decision == "unworked":
        touches = 0
    sql_at: datetime | None = None
    if lead.opportunity_at is not None:
        sql_at = _minute(mql_at + (lead.opportunity_at - mql_at) * rng.uniform(0.2, 0.9))
    elif decision == "accepted" and rng.random() < 0.25:
        sql_at = _minute(mql_at + timedelta(days=rng.uniform(1, 10)))
    closed_lost_at: datetime | None = None
    if lead.opportunity_at is not None and lead.won_at is None and rng.random() < 0.7:
        closed_lost_at = _minute(lead.opportunity_at + timedelta(days=rng.uniform(15, 90)))

    # Some reps reject without saying why (001's anti-pattern "no rejection reason tracking"):
    # the feedback clause's misses, and rejections the review cannot read a cause from.
    reason = lead.rejection_reason
    if decision == "rejected" and rng.random() < 0.08:
        reason = None

    def seen(moment: datetime | None) -> datetime | None:
        return moment if moment is not None and moment <= export else None

    return replace(
        lead,
        rejection_reason=reason,
        notified_at=seen(notified_at),
        first_response_at=seen(first_response_at),
        sdr_decision_at=seen(decided_at),
        sql_at=seen(sql_at),
        closed_lost_at=seen(closed_lost_at),
        touches_7d=touches,
    )


# --- writing -------------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(TIME_FORMAT)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def to_csv(header: Sequence[str], rows: Sequence[tuple[object, ...]]) -> bytes:
    """Rows as CSV bytes: UTF-8, '\\n' line ends, times as ISO 8601 UTC ('...Z')."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_text(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def leads_csv(leads: Sequence[LeadRow]) -> bytes:
    return to_csv(LEAD_COLUMN_NAMES, [lead.values() for lead in leads])


def activities_csv(activities: Sequence[ActivityRow]) -> bytes:
    return to_csv(ACTIVITY_COLUMN_NAMES, [a.values() for a in activities])


def _typed(column: Column) -> str:
    name = quote_identifier(column.name)
    if column.type == "timestamp":
        return f"strptime({name}, '{TIME_FORMAT}')::TIMESTAMP AS {name}"
    return f"CAST({name} AS {sql_type(column)}) AS {name}"


def _parquet(csv_bytes: bytes, columns: tuple[Column, ...], path: Path) -> None:
    """Write CSV bytes as a typed Parquet file at `path`, which must not exist yet."""
    from workbench.core.evidence.connection import duckdb_connection

    folder = path.parent
    try:
        # Inside the same mapping as the writes: --out under a file, or where the folder cannot
        # be made, is bad input (exit 2), like it is for CSV, not a traceback.
        folder.mkdir(parents=True, exist_ok=True)
        fd, source_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".csv", dir=folder)
    except OSError as error:
        raise InputError([Problem(f"cannot write: {error.strerror or error}", file=path)]) from None
    source = Path(source_name)
    target = source.with_suffix(".parquet")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(csv_bytes)
        select = ", ".join(_typed(c) for c in columns)
        with duckdb_connection() as connection:
            connection.execute(
                f"COPY (SELECT {select} FROM read_csv(?, header = true, all_varchar = true)) "
                f"TO '{_quote(target)}' (FORMAT parquet)",
                [str(source)],
            )
        try:
            os.link(target, path)
        except FileExistsError:
            raise AlreadyExists(
                [Problem("already exists; nothing was written", file=path)]
            ) from None
    except OSError as error:
        raise InputError([Problem(f"cannot write: {error.strerror or error}", file=path)]) from None
    finally:
        for temp in (source, target):
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def sample_paths(out: Path, fmt: SampleFormat = "csv") -> tuple[Path, Path]:
    return out / f"leads.{fmt}", out / f"activities.{fmt}"


def check_free(out: Path, fmt: SampleFormat = "csv") -> tuple[Path, Path]:
    """The two paths a sample would be written to; AlreadyExists naming any that exist."""
    leads_path, activities_path = sample_paths(out, fmt)
    if out.exists() and not out.is_dir():
        raise InputError([Problem("is a file, expected a folder", file=out)])
    existing = [p for p in (leads_path, activities_path) if p.exists()]
    if existing:
        raise AlreadyExists(
            [Problem("already exists; nothing was written", file=p) for p in existing]
        )
    return leads_path, activities_path


def write_sample(
    out: Path,
    leads: Sequence[LeadRow],
    activities: Sequence[ActivityRow],
    fmt: SampleFormat = "csv",
) -> tuple[Path, Path]:
    """Write leads and activities into `out`; refuses (AlreadyExists) if either file exists.

    Each file is written to a temporary name and linked into place, so a reader never sees
    half a file and an existing file is never replaced.
    """
    leads_path, activities_path = check_free(out, fmt)
    leads_bytes, activities_bytes = leads_csv(leads), activities_csv(activities)
    if fmt == "csv":
        atomic_write(leads_path, leads_bytes, create=True)
        atomic_write(activities_path, activities_bytes, create=True)
    else:
        _parquet(leads_bytes, LEAD_COLUMNS, leads_path)
        _parquet(activities_bytes, ACTIVITY_COLUMNS, activities_path)
    return leads_path, activities_path
