"""The closed vocabularies a definition and a lead are written in.

They are `Literal` types rather than free strings so that a typo in a file is a
validation error with the list of accepted values, not a rule that silently never fires.
"""

from __future__ import annotations

from typing import Literal, get_args

StageId = Literal["pre-1m", "1m-3m", "3m-10m", "10m-30m", "30m-plus"]
STAGE_IDS: tuple[str, ...] = get_args(StageId)

Seniority = Literal["intern", "individual", "manager", "director", "vp", "c-level"]
SENIORITY_ORDER: tuple[str, ...] = get_args(Seniority)

Persona = Literal["employee", "student", "job-seeker", "consultant", "journalist"]
PERSONAS: tuple[str, ...] = get_args(Persona)

Relationship = Literal["prospect", "customer", "competitor", "partner"]

ActivityKind = Literal[
    "demo_request",
    "contact_sales",
    "pricing_inquiry",
    "pricing_page_view",
    "comparison_page_view",
    "case_study_view",
    "content_download",
    "webinar_attended",
    "email_open",
    "blog_visit",
    "chatbot_identified",
    "sales_requested",
    "trial_signup",
    "product_usage_limit",
    "teammate_invite",
    "careers_page_view",
    "unsubscribe",
]
ACTIVITY_KINDS: tuple[str, ...] = get_args(ActivityKind)

Status = Literal["mql", "nurture", "rejected", "routed", "review"]
STATUSES: tuple[str, ...] = get_args(Status)

Route = Literal[
    "sdr",
    "ae",
    "founder",
    "account-owner",
    "mql-owner",
    "marketing",
    "marketing-leadership",
    "nurture",
]
ROUTES: tuple[str, ...] = get_args(Route)

LeadType = Literal["mql", "pql", "aql"]

# "account-owner": every contact at a customer goes to its account owner (as files signed
# before the hand-raise reading were agreed); "account-owner-on-hand-raise": a contact who
# raised a hand does (001: "fills demo form"), the rest stay in nurture; "prospect": judged
# like anyone else.
CustomerHandling = Literal["account-owner", "account-owner-on-hand-raise", "prospect"]
CUSTOMERS_TO_OWNER = frozenset({"account-owner", "account-owner-on-hand-raise"})

MqlOutcome = Literal["open", "accepted", "rejected", "unworked"]

DefinitionStatus = Literal["draft", "signed"]

Side = Literal["marketing", "sales"]

TIER_KEYS: tuple[str, ...] = ("tier1", "tier2", "tier3", "tier4")
# The trigger an account motion's own facts fire on (engaged contacts and account-level intent,
# `domain.account`): not an activity kind, so its response time is the tier's (tier 2).
ACCOUNT_TRIGGER = "account"

STANDARD_REJECTION_REASONS: tuple[str, ...] = (
    "bad-fit-company",
    "bad-fit-person",
    "not-interested",
    "unreachable",
    "duplicate",
    "competitor-student-job-seeker",
    "already-a-customer",
    "timing",
)


def seniority_rank(level: str) -> int:
    """Position of a seniority level, so 'at least director' is a comparison."""
    return SENIORITY_ORDER.index(level)
