"""The MQL definition: every clause a workshop reads, argues about and signs.

Field order here is the key order on disk, so a pull request reads top to bottom the way the
room built it: identity, fit gate, triggers, scoring, recycling, review rule, segments or
motions, SLA, open questions, edge cases, the evidence behind each clause, sign-off.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from workbench.core.domain.filekind import Kind
from workbench.core.domain.framework import CONTENT_KEY
from workbench.core.domain.later import added
from workbench.core.domain.lead import Lead, Strict
from workbench.core.domain.matching import check_domains, check_keywords
from workbench.core.domain.sources import check_sources
from workbench.core.domain.vocab import (
    ACTIVITY_KINDS,
    TIER_KEYS,
    ActivityKind,
    CustomerHandling,
    DefinitionStatus,
    LeadType,
    Persona,
    Route,
    Seniority,
    Side,
    StageId,
    Status,
)

SCHEMA_VERSION = 1
SLUG_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
MAX_CASES = 1000
"""Edge cases a definition may hold. Every edit re-runs the whole suite while the room types;
the largest stage template has 10 and a workshop adds a few dozen. At 1,000 an edit with its
suite run takes 0.03 s and a save 0.12 s here; at 10,000 a keystroke waited 16.5 s."""


def check_slug(value: str) -> str:
    """A slug becomes a folder name, so it may hold only lowercase letters, digits and '-'.

    The whole value must match: `$` would also accept a trailing newline ("acme\n")."""
    if not SLUG_RE.fullmatch(value):
        raise ValueError(
            "a slug is 1-64 lowercase letters, digits or '-', not starting or ending with '-'"
        )
    return value


Slug = Annotated[str, AfterValidator(check_slug)]


def _off(value: object) -> object:
    """0 is how a file says 'switched off' for an optional count whose default is on."""
    return None if type(value) is int and value == 0 else value


def _check_range(low: int | None, high: int | None, what: str) -> None:
    if low is not None and high is not None and low > high:
        raise ValueError(f"{what}: the minimum {low} is above the maximum {high}")


class SizeBand(Strict):
    """Fit points for a company size band (both ends included; an open end is unbounded)."""

    min_employees: int | None = Field(default=None, ge=0)
    max_employees: int | None = Field(default=None, ge=0)
    points: int

    @model_validator(mode="after")
    def _sizes(self) -> SizeBand:
        _check_range(self.min_employees, self.max_employees, "size band")
        return self


class FitScore(Strict):
    """The fit axis (004): fit attributes take points (002), and a fit score below `threshold`
    fails the fit gate, so a high-intent bad-fit lead never sneaks through. Unknown values
    add 0; every entry that matches adds its points."""

    threshold: int
    seniority_points: dict[Seniority, int] = Field(default_factory=dict)
    industry_points: dict[str, int] = Field(default_factory=dict)
    email_domain_points: dict[str, int] = Field(default_factory=dict)
    title_points: dict[str, int] = Field(default_factory=dict)
    size_points: list[SizeBand] = Field(default_factory=list)

    @field_validator("email_domain_points")
    @classmethod
    def _domains(cls, value: dict[str, int]) -> dict[str, int]:
        check_domains(list(value))
        return value

    @field_validator("title_points")
    @classmethod
    def _titles(cls, value: dict[str, int]) -> dict[str, int]:
        check_keywords(list(value))
        return value


class FitGate(Strict):
    """Part 1 of the template: who is eligible at all, before any behaviour counts.

    The clauses read from the lead's own data (title keywords, e-mail domains, activity kinds)
    exclude only a lead whose persona nobody set by hand: a hand-set persona wins over an
    inference."""

    min_employees: int | None = Field(default=None, ge=0)
    max_employees: int | None = Field(default=None, ge=0)
    industries: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    min_seniority: Seniority | None = None
    excluded_personas: list[Persona] = Field(default_factory=list)
    competitors: list[str] = Field(default_factory=list)
    existing_customers: CustomerHandling = "account-owner"
    exclude_titles: list[str] = added(default_factory=list)
    exclude_email_domains: list[str] = added(default_factory=list)
    exclude_activities: list[ActivityKind] = added(default_factory=list)
    exclude_activities_days: int = added(90, ge=1)
    score: FitScore | None = added(None)
    # 002: sources handled apart (event lists, badge scans, cold lists): no engagement or score
    # makes them an MQL here; a hand raise (tier 1 or 4) still does, fit gate first.
    exclude_sources: list[str] = added(default_factory=list)

    @field_validator("exclude_sources")
    @classmethod
    def _sources(cls, value: list[str]) -> list[str]:
        check_sources(value)
        return value

    @field_validator("exclude_titles")
    @classmethod
    def _titles(cls, value: list[str]) -> list[str]:
        check_keywords(value)
        return value

    @field_validator("exclude_email_domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        check_domains(value)
        return value

    # The clauses about the company (firmographics and the account's relationship to us):
    # the only ones an account-qualifying motion applies. Every other clause, including any
    # added later, is about the person and never decides an AQL (`for_account`).
    COMPANY_CLAUSES: ClassVar[frozenset[str]] = frozenset(
        {
            "min_employees",
            "max_employees",
            "industries",
            "regions",
            "competitors",
            "existing_customers",
        }
    )

    @model_validator(mode="after")
    def _sizes(self) -> FitGate:
        _check_range(self.min_employees, self.max_employees, "company size")
        return self

    def for_account(self) -> FitGate:
        """This gate with its person-level clauses at their defaults (which exclude no one):
        an account motion qualifies the company, so a contact's seniority or persona cannot
        keep an engaged target account from being an AQL."""
        kept = {name: getattr(self, name) for name in self.COMPANY_CLAUSES}
        return FitGate.model_validate(kept)


class Tier2Rule(Strict):
    """High-intent engagement: `min_count` of `kind` within the last `within_days` days.

    With `together` it is a combination (001's "case study + pricing page in same session"):
    `min_count` counts the sessions in which `kind` and every `together` kind all occur inside
    the window; activities without a session id group by UTC calendar day instead. A rule
    that names `together` without `min_count` needs one such session, not the usual two.
    """

    kind: ActivityKind
    min_count: int = Field(default=2, ge=1)
    within_days: int = Field(default=14, ge=1)
    together: list[ActivityKind] = added(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _one_session_by_default(cls, value: object) -> object:
        """One session holding every kind is the signal; two would be a different rule."""
        if isinstance(value, dict) and value.get("together") and "min_count" not in value:
            return {**value, "min_count": 1}
        return value

    @field_validator("together")
    @classmethod
    def _distinct(cls, value: list[ActivityKind]) -> list[ActivityKind]:
        if len(set(value)) != len(value):
            raise ValueError("the same-session kinds (together) name each kind once")
        return value

    @model_validator(mode="after")
    def _not_itself(self) -> Tier2Rule:
        if self.kind in self.together:
            # Read under the field "Same session as" in the app and by `check` on the file:
            # the room's words first, the file's keys in brackets.
            raise ValueError(
                f"the same-session kinds (together) repeat the rule's own kind, "
                f"{self.kind.replace('_', ' ')}: for several of one kind, raise its count "
                "(min_count) instead"
            )
        return self

    @property
    def kinds(self) -> list[ActivityKind]:
        """Every kind the rule needs: its own, then the ones that must come with it."""
        return [self.kind, *self.together]


class Triggers(Strict):
    """Part 2 and 3 of the template: what turns an eligible lead into an MQL, by tier."""

    route: Route = "sdr"
    tier1: list[ActivityKind] = Field(default_factory=list)
    tier2: list[Tier2Rule] = Field(default_factory=list)
    tier3: bool = False
    tier4: list[ActivityKind] = Field(default_factory=list)
    # 001: intent goes stale. A hand raise (tier 1 or 4) older than this makes no MQL; unset,
    # a hand raise since the last MQL counts however old it is (the meaning before it existed).
    within_days: int | None = added(None, ge=1)


class Scoring(Strict):
    """Point scoring for the tier 3 catch-all; negative points are allowed.

    `window_days = 0` on disk means no window (TOML has no null to write `None` with).
    """

    threshold: int = Field(default=75, ge=1)
    window_days: int | None = Field(default=90, ge=1)
    half_life_days: int | float | None = Field(default=None, gt=0, allow_inf_nan=False)
    activity_points: dict[ActivityKind, int] = Field(default_factory=dict)
    seniority_points: dict[Seniority, int] = Field(default_factory=dict)
    # 001: "not all sources are equal". Points added once per lead by its source, and a
    # threshold by source that replaces `threshold` for leads from that source.
    source_points: dict[str, int] = added(default_factory=dict)
    source_thresholds: dict[str, Annotated[int, Field(ge=1)]] = added(default_factory=dict)

    @field_validator("source_points")
    @classmethod
    def _source_points(cls, value: dict[str, int]) -> dict[str, int]:
        check_sources(value)
        return value

    @field_validator("source_thresholds")
    @classmethod
    def _source_thresholds(cls, value: dict[str, int]) -> dict[str, int]:
        check_sources(value)
        return value

    @field_validator("window_days", mode="before")
    @classmethod
    def _no_window(cls, value: object) -> object:
        return _off(value)


class Recycling(Strict):
    """The resubmit rule: a hand raise inside the window belongs to whoever owns the first MQL."""

    resubmit_after_days: int = Field(default=90, ge=1)
    inside_window_route: Route = "mql-owner"


class ReviewRule(Strict):
    """Suspicious engagement: lots of activity and no high-intent action goes to a human.

    `min_low_intent_actions = 0` on disk means no count rule (TOML has no null).
    """

    enabled: bool = True
    min_low_intent_actions: int | None = Field(default=50, ge=1)
    high_intent: list[ActivityKind] = Field(default_factory=list)
    route: Route = "marketing"
    # 001: "Pricing page visits from 6 months ago are stale." A high-intent action older than
    # this no longer clears high volume; unset, any since the last MQL does.
    high_intent_days: int | None = added(None, ge=1)
    # The score rule: a tier 3 score reached with no high-intent action goes to a person.
    # Files signed before this key read it so, and keep meaning it (the default). 001 makes
    # tier 3 the catch-all for "leads who engage heavily but never take a Tier 1 or 2
    # action" and sends to review only "high volume + low intent": with `false` the score
    # makes the MQL and only the count rule (`min_low_intent_actions`) reviews.
    score_rule: bool = added(True)

    @field_validator("min_low_intent_actions", mode="before")
    @classmethod
    def _no_count(cls, value: object) -> object:
        return _off(value)


class Segment(Strict):
    """A `10m-30m` segment: chosen by company size, with its own fit, triggers and SLA."""

    id: Slug
    label: str = ""
    min_employees: int | None = Field(default=None, ge=0)
    max_employees: int | None = Field(default=None, ge=0)
    fit: FitGate | None = None
    triggers: Triggers | None = None
    scoring: Scoring | None = None
    response_minutes: dict[str, int] | None = None
    response_business_days: dict[str, int] | None = added(None)

    @model_validator(mode="after")
    def _sizes(self) -> Segment:
        _check_range(self.min_employees, self.max_employees, f"segment {self.id} size")
        check_response_units(self.response_minutes, self.response_business_days)
        return self

    @field_validator("response_minutes")
    @classmethod
    def _keys(cls, value: dict[str, int] | None) -> dict[str, int] | None:
        return None if value is None else check_response_keys(value)

    @field_validator("response_business_days")
    @classmethod
    def _day_keys(cls, value: dict[str, int] | None) -> dict[str, int] | None:
        return None if value is None else check_business_days(value)


Qualifies = Literal["contact", "account"]


class Motion(Strict):
    """A `30m-plus` motion: inbound MQL, product-led PQL or account-based AQL, each its own rules."""

    id: Slug
    label: str = ""
    lead_type: LeadType = "mql"
    target_accounts_only: bool = False
    min_engaged_contacts: int = Field(default=0, ge=0)
    fit: FitGate | None = None
    triggers: Triggers | None = None
    scoring: Scoring | None = None
    response_minutes: dict[str, int] | None = None
    response_business_days: dict[str, int] | None = added(None)
    # "contact": the person is qualified (fit gate whole); "account": the company is, from its
    # firmographics, its engaged contacts and account-level intent (see `domain.account`).
    qualifies: Qualifies = added("contact")

    @field_validator("response_minutes")
    @classmethod
    def _keys(cls, value: dict[str, int] | None) -> dict[str, int] | None:
        return None if value is None else check_response_keys(value)

    @field_validator("response_business_days")
    @classmethod
    def _day_keys(cls, value: dict[str, int] | None) -> dict[str, int] | None:
        return None if value is None else check_business_days(value)

    @model_validator(mode="after")
    def _units(self) -> Motion:
        check_response_units(self.response_minutes, self.response_business_days)
        return self

    @model_validator(mode="after")
    def _several_contacts(self) -> Motion:
        if self.qualifies == "account" and self.min_engaged_contacts < 2:
            raise ValueError(
                f"motion {self.id} qualifies the account, so min_engaged_contacts must be 2 or "
                f"more, not {self.min_engaged_contacts}: a lone engaged contact is not an account"
            )
        return self

    @property
    def qualifies_account(self) -> bool:
        return self.qualifies == "account"


def check_response_keys(value: dict[str, int]) -> dict[str, int]:
    """Response times are keyed by trigger kind, by `content` (any content kind), or by tier
    as the fallback."""
    allowed = set(ACTIVITY_KINDS) | set(TIER_KEYS) | {CONTENT_KEY}
    for key, minutes in value.items():
        if key not in allowed:
            raise ValueError(
                f"response time key {key!r} is neither an activity kind, content, nor tier1-4"
            )
        if minutes < 0:
            raise ValueError(f"response time for {key} must be 0 minutes or more")
    return value


def check_business_days(value: dict[str, int]) -> dict[str, int]:
    """A response time in business days: the same keys, at least 1 day."""
    check_response_keys(value)
    for key, days in value.items():
        if days < 1:
            raise ValueError(f"response time for {key} must be 1 business day or more")
    return value


def check_response_units(minutes: dict[str, int] | None, days: dict[str, int] | None) -> None:
    """One trigger, one deadline: a key is in minutes or in business days, not both."""
    both = sorted(set(minutes or {}) & set(days or {}))
    if both:
        raise ValueError(
            f"response time for {both[0]} is set in both response_minutes and "
            "response_business_days: keep one"
        )


class MarketingSla(Strict):
    quality_pct: int = Field(default=70, ge=0, le=100)
    monthly_volume: int = Field(default=100, ge=0)
    required_fields: list[str] = Field(
        default_factory=lambda: [
            "email",
            "name",
            "company",
            "title",
            "lead_source",
            "mql_trigger",
        ]
    )
    notify_seconds: int = Field(default=30, ge=0)


class Escalation(Strict):
    """What happens when a response deadline is missed; without it an SLA is a suggestion."""

    to: str = "SDR manager"
    after_minutes: int = Field(default=0, ge=0)
    reassign: bool = True


class SalesSla(Strict):
    response_minutes: dict[str, int] = Field(default_factory=dict)
    response_business_days: dict[str, int] = added(default_factory=dict)
    decide_within_hours: int = Field(default=48, ge=1)
    rejection_reasons: list[str] = Field(default_factory=list)
    follow_up_touches: int = Field(default=3, ge=0)
    follow_up_days: int = Field(default=7, ge=1)

    @field_validator("response_minutes")
    @classmethod
    def _keys(cls, value: dict[str, int]) -> dict[str, int]:
        return check_response_keys(value)

    @field_validator("response_business_days")
    @classmethod
    def _day_keys(cls, value: dict[str, int]) -> dict[str, int]:
        return check_business_days(value)

    @model_validator(mode="after")
    def _units(self) -> SalesSla:
        check_response_units(self.response_minutes, self.response_business_days)
        return self


class Sla(Strict):
    """`escalation = false` on disk means no escalation (TOML has no null)."""

    marketing: MarketingSla = Field(default_factory=MarketingSla)
    sales: SalesSla = Field(default_factory=SalesSla)
    escalation: Escalation | None = Field(default_factory=Escalation)

    @field_validator("escalation", mode="before")
    @classmethod
    def _no_escalation(cls, value: object) -> object:
        return None if value is False else value


class OpenQuestion(Strict):
    text: str = Field(min_length=1)
    raised_by: str | None = None
    resolved: bool = False
    answer: str | None = None


class Expectation(Strict):
    """What the room agreed a case should come out as; unset fields are not checked."""

    status: Status
    route: Route | None = None
    tier: int | None = Field(default=None, ge=1, le=4)
    lead_type: LeadType | None = None
    segment: str | None = None

    def label(self) -> str:
        """'mql → sdr, tier 2', 'nurture': the agreed outcome in the words of Verdict.short()."""
        text: str = self.status
        if self.route and self.route != self.status:
            text += f" → {self.route}"
        if self.tier is not None:
            text += f", tier {self.tier}"
        if self.lead_type is not None and self.lead_type != "mql":
            text += f", {self.lead_type.upper()}"
        return text


class EdgeCase(Strict):
    name: Slug
    why: str = ""
    depends: bool = False
    expect: Expectation
    lead: Lead


SIDES: tuple[Side, ...] = ("marketing", "sales")
_PRINCIPAL = re.compile(r"[^\s,\"\x00-\x1f\x7f-\x9f]+")


def check_principal(value: str) -> str:
    """A principal is what `ssh-keygen -Y verify -I` matches in allowed_signers: one identity."""
    if not _PRINCIPAL.fullmatch(value):
        raise ValueError(
            "a principal is one identity such as dana@acme.example: no spaces, commas or quotes"
        )
    return value


class Signer(Strict):
    """One side's signature: a typed name is a record; an SSH signature is also a proof.

    `principal` is the identity `ssh-keygen -Y verify -I` checks against the definitions
    folder's `allowed_signers`; `ssh_signature` is the armored `ssh-keygen -Y sign` output.
    A damaged signature still loads, so `workbench check` can say what is wrong with it.

    `message_version = 2` says the signature also covers `name`, `role` and `signed_at` as
    written here (`sshsig.signed_message_v2`). Absent, it is a signature made before that
    (message v1: the content and the side only), which keeps verifying as it always did.
    """

    name: str = Field(min_length=1)
    role: str = Field(min_length=1)
    signed_at: datetime
    principal: str | None = None
    message_version: Literal[2] | None = None
    ssh_signature: str | None = None

    @field_validator("name", "role")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("principal")
    @classmethod
    def _one_identity(cls, value: str | None) -> str | None:
        return None if value is None else check_principal(value)

    @model_validator(mode="after")
    def _pair(self) -> Signer:
        if (self.principal is None) != (self.ssh_signature is None):
            raise ValueError("principal and ssh_signature come together: both or neither")
        if self.message_version is not None and self.ssh_signature is None:
            raise ValueError("message_version belongs to an SSH signature (ssh_signature)")
        return self

    @property
    def proven(self) -> bool:
        """True when this side carries an SSH signature, not just a typed name."""
        return self.ssh_signature is not None


class SignOff(Strict):
    """Both sides over one content hash: the definition is signed and never rewritten."""

    review_date: date
    content_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    marketing: Signer
    sales: Signer

    def signers(self) -> list[tuple[Side, Signer | None]]:
        return [("marketing", self.marketing), ("sales", self.sales)]

    def signed_utc(self) -> datetime:
        """When the second side signed, in UTC. A TOML local date-time (no offset, as a
        hand edit leaves it) is read as UTC, as `sign` writes UTC: compared as it was, one
        side with an offset and one without raised a TypeError."""
        moments = [
            (m if m.tzinfo is not None else m.replace(tzinfo=UTC)).astimezone(UTC)
            for m in (self.marketing.signed_at, self.sales.signed_at)
        ]
        return max(moments)


class PartialSignOff(Strict):
    """One side has signed with SSH; the other signs later, from its own machine.

    The first signer fixes the review date and the content hash; the definition stays a
    draft, and read-only, until the other side signs the same hash.
    """

    review_date: date
    content_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    marketing: Signer | None = None
    sales: Signer | None = None

    @model_validator(mode="after")
    def _one_ssh_side(self) -> PartialSignOff:
        present = [signer for _side, signer in self.signers() if signer is not None]
        if len(present) != 1:
            raise ValueError(
                "a partial sign-off holds exactly one side; with both, it is a [signoff]"
            )
        if not present[0].proven:
            raise ValueError(
                "a partial sign-off is an SSH signature: `workbench sign --as SIDE --ssh-key KEY`"
            )
        return self

    def signers(self) -> list[tuple[Side, Signer | None]]:
        return [("marketing", self.marketing), ("sales", self.sales)]

    @property
    def signed_side(self) -> Side:
        return "marketing" if self.marketing is not None else "sales"

    @property
    def missing_side(self) -> Side:
        return "sales" if self.marketing is not None else "marketing"


_CLAUSE_PATH = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9][a-z0-9_-]*){0,5}")
EvidenceBy = Literal["proposal", "hand", "review"]


class ClauseEvidence(Strict):
    """The data behind one clause (framework: "can you show the data that supports each
    criterion?"): the figure in the room's words, the counts behind it, the period and the
    files it came from, and who recorded it: an accepted proposal, the room by hand, or a
    quarterly review.

    `for_value` is the clause's value the figure was measured for, as JSON: when the room
    edits the clause afterwards the evidence is kept but reads as stale (`clause_evidence`),
    so the figure is never silently claimed for a value nobody measured."""

    figure: str = Field(min_length=1, max_length=500)
    for_value: str
    wins_kept: int | None = Field(default=None, ge=0)
    wins_total: int | None = Field(default=None, ge=0)
    others_dropped: int | None = Field(default=None, ge=0)
    others_total: int | None = Field(default=None, ge=0)
    lift: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    period_start: date | None = None
    period_end: date | None = None
    source: str | None = Field(default=None, max_length=500)
    recorded_on: date
    recorded_by: EvidenceBy
    # "2025Q4" when the quarterly review recorded it (recorded_by "review"): the label says
    # which review, not just "a proposal".
    review_quarter: str | None = added(None, max_length=8)

    @field_validator("figure")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the figure must say something")
        return value.strip()

    @model_validator(mode="after")
    def _counts(self) -> ClauseEvidence:
        for part, whole, what in (
            (self.wins_kept, self.wins_total, "wins_kept"),
            (self.others_dropped, self.others_total, "others_dropped"),
        ):
            if part is not None and whole is not None and part > whole:
                raise ValueError(f"{what} {part} is more than its total {whole}")
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValueError(
                f"the period starts {self.period_start} after it ends {self.period_end}"
            )
        return self


def check_evidence_keys(value: dict[str, ClauseEvidence]) -> dict[str, ClauseEvidence]:
    """A key is a clause path (`fit.min_seniority`, `triggers.tier2.0`), nothing else."""
    for key in value:
        if not _CLAUSE_PATH.fullmatch(key):
            raise ValueError(f"evidence key {key!r} is not a clause path such as fit.min_seniority")
    return value


OwnClause = Literal["fit", "triggers", "scoring", "response_minutes", "response_business_days"]


def _kind(owner: Segment | Motion) -> str:
    return "segments" if isinstance(owner, Segment) else "motions"


class Definition(Strict):
    FILE_KIND: ClassVar[Kind] = "definition"  # a lead file given as one is said in one line

    schema_version: int = SCHEMA_VERSION
    name: str = Field(min_length=1)
    slug: Slug
    version: int = Field(default=1, ge=1)
    stage: StageId
    status: DefinitionStatus = "draft"
    supersedes: int | None = Field(default=None, ge=1)
    created: date

    fit: FitGate = Field(default_factory=FitGate)
    triggers: Triggers = Field(default_factory=Triggers)
    scoring: Scoring | None = None
    recycling: Recycling = Field(default_factory=Recycling)
    review_rule: ReviewRule = Field(default_factory=ReviewRule)
    segments: list[Segment] = Field(default_factory=list)
    motions: list[Motion] = Field(default_factory=list)
    sla: Sla = Field(default_factory=Sla)
    questions: list[OpenQuestion] = Field(default_factory=list)
    cases: list[EdgeCase] = Field(default_factory=list)
    evidence: Annotated[dict[str, ClauseEvidence], AfterValidator(check_evidence_keys)] = added(
        default_factory=dict
    )
    signoff: SignOff | None = None
    partial_signoff: PartialSignOff | None = None

    @field_validator("cases", mode="before")
    @classmethod
    def _not_too_many(cls, value: object) -> object:
        """Counted before any case is validated: ten thousand need not be read to be refused."""
        if isinstance(value, list | tuple):
            check_case_count(len(value))
        return value

    @field_validator("schema_version")
    @classmethod
    def _schema(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(f"this workbench reads schema_version {SCHEMA_VERSION}, not {value}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Definition:
        self.check_consistent()
        return self

    def check_consistent(self) -> None:
        """Rules that span clauses; the editor re-checks them after changing one clause."""
        if self.supersedes is not None and self.supersedes >= self.version:
            raise ValueError(
                f"supersedes {self.supersedes} must be an earlier version than {self.version}"
            )
        if self.segments and self.motions:
            raise ValueError("use segments (10m-30m) or motions (30m-plus), not both")
        _unique([s.id for s in self.segments], "segment id")
        _unique([m.id for m in self.motions], "motion id")
        check_case_count(len(self.cases))
        _unique([c.name for c in self.cases], "edge case name")
        for where, triggers, scoring in self.rule_sets():
            if triggers.tier3 and scoring is None:
                raise ValueError(f"{where}: tier3 (score threshold) needs a [scoring] table")
        if self.status == "signed" and self.signoff is None:
            raise ValueError("a signed definition needs a [signoff] table")
        if self.status == "draft" and self.signoff is not None:
            raise ValueError("a draft carries no [signoff]; sign it with `workbench sign`")
        if self.status == "signed" and self.partial_signoff is not None:
            raise ValueError(
                "a signed definition carries no [partial_signoff]: both sides are in [signoff]"
            )

    def owned(self, owner: Segment | Motion | None, clause: OwnClause) -> tuple[str, Any]:
        """(path, value) of a clause as a segment or motion applies it: its own where it has
        one (`segments.smb.fit`), else the main one (`fit`). The one statement of that rule:
        the evaluator, the SQL engine (through the evaluator's rule sets) and lint use it."""
        own = getattr(owner, clause) if owner is not None else None
        if owner is not None and own is not None:
            return f"{_kind(owner)}.{owner.id}.{clause}", own
        if clause in ("response_minutes", "response_business_days"):
            return f"sla.sales.{clause}", getattr(self.sla.sales, clause)
        return clause, getattr(self, clause)

    def segment_of(self, employees: int) -> Segment | None:
        """The segment a company of this size falls in (the first whose band holds it, as
        the evaluator picks it), or None where no band does."""
        for segment in self.segments:
            low, high = segment.min_employees, segment.max_employees
            if (low is None or employees >= low) and (high is None or employees <= high):
                return segment
        return None

    def owners(self) -> list[Segment | Motion | None]:
        """Who applies rules: each segment and motion, or the definition itself (None)."""
        found: list[Segment | Motion | None] = [*self.segments, *self.motions]
        return found or [None]

    def rule_sets(self) -> list[tuple[str, Triggers, Scoring | None]]:
        """Every (clause path, triggers, scoring) combination the evaluator may apply."""
        found: list[tuple[str, Triggers, Scoring | None]] = []
        for owner in self.owners():
            where = "triggers" if owner is None else f"{_kind(owner)}.{owner.id}"
            found.append((where, self.owned(owner, "triggers")[1], self.owned(owner, "scoring")[1]))
        return found

    def scores_tier3(self) -> bool:
        """Some rule set makes MQLs by a tier 3 score (its triggers say so and it has scoring)."""
        return any(
            triggers.tier3 and scoring is not None for _, triggers, scoring in self.rule_sets()
        )

    @property
    def is_signed(self) -> bool:
        return self.status == "signed"

    @property
    def sign_record(self) -> SignOff | PartialSignOff | None:
        """Whatever sign-off the file carries: complete, one side so far, or none."""
        return self.signoff or self.partial_signoff


def check_case_count(count: int) -> None:
    """At most MAX_CASES edge cases, so a keystroke never waits for a suite of thousands."""
    if count > MAX_CASES:
        raise ValueError(
            f"{count:,} edge cases; a definition holds at most {MAX_CASES:,} (MAX_CASES), "
            "because every edit re-runs the whole suite. Keep the cases the room argues about."
        )


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} appears twice")
        seen.add(value)
