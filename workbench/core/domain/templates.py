"""Stage templates: a starting draft for each stage, with the framework's edge cases.

The defaults describe an illustrative B2B software ICP: a Director-or-above contact at a
50-1,000 employee software company in North America or Europe passes every template's fit
gate. The room is expected to change them; the cases make the consequences visible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from workbench.core.domain.definition import (
    Definition,
    EdgeCase,
    Expectation,
    FitGate,
    FitScore,
    Motion,
    Recycling,
    ReviewRule,
    Scoring,
    Segment,
    Sla,
    Tier2Rule,
    Triggers,
)
from workbench.core.domain.framework import RESPONSE_BUSINESS_DAYS
from workbench.core.domain.framework import RESPONSE_MINUTES as FRAMEWORK_RESPONSE_MINUTES
from workbench.core.domain.lead import Lead
from workbench.core.domain.stages import STAGES
from workbench.core.domain.vocab import STANDARD_REJECTION_REASONS

ICP_INDUSTRIES = ["software"]
ICP_REGIONS = ["north-america", "europe"]
EXAMPLE_COMPETITORS = ["rivalcrm.com", "RivalCRM"]

# The framework's response-time table, held in framework.py: no template answers a trigger
# slower than its row (`lint` warns when a room makes one slower).
RESPONSE_MINUTES = dict(FRAMEWORK_RESPONSE_MINUTES)

HAND_RAISES = ["demo_request", "contact_sales", "pricing_inquiry"]

# Disqualifiers read from the lead's own data (001: "NOT a competitor, student, consultant,
# or job seeker", "add title filters"; 002: "student email domain: -50"). They exclude only a
# lead whose persona nobody set by hand.
STUDENT_AND_JOB_SEEKER_TITLES = [
    "student",
    "phd candidate",
    "doctoral candidate",
    "open to work",
    "opentowork",  # LinkedIn's "#OpenToWork" is one word
    "job seeker",
    "seeking opportunities",
    "seeking new opportunities",
    "looking for opportunities",
    "looking for new opportunities",
    "independent consultant",
    "freelance consultant",
]
# Interns are not listed: 001's edge case rejects the intern on seniority (the minimum
# seniority gate), which the loader infers from the title when the file has none.
ACADEMIC_DOMAINS = ["edu", "ac.uk", "edu.au", "ac.nz", "ac.jp", "ac.in", "edu.cn"]
# Personal webmail: real buyers use it too, so it takes fit points instead of excluding.
WEBMAIL_DOMAINS = ["gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "yahoo.com"]
WEBMAIL_DOMAINS += ["icloud.com", "aol.com", "proton.me", "protonmail.com", "gmx.de"]
# A careers-page visit points to a job seeker; where no [scoring] can take points for it,
# a recent one excludes.
CAREERS_WINDOW_DAYS = 30
HIGH_INTENT = [
    "pricing_page_view",
    "comparison_page_view",
    "case_study_view",
    "webinar_attended",
    "trial_signup",
]


def _lead(
    title: str,
    seniority: str,
    company: str,
    domain: str,
    employees: int,
    industry: str = "software",
    region: str = "north-america",
    relationship: str = "prospect",
    activities: list[dict[str, Any]] | None = None,
    history: dict[str, Any] | None = None,
    email: str | None = None,
    persona: str | None = None,
    **company_extra: Any,
) -> Lead:
    person: dict[str, Any] = {
        "title": title,
        "seniority": seniority,
        "email": email or f"alex@{domain}",
    }
    if persona is not None:  # set by hand: wins over what the title or the e-mail suggests
        person["persona"] = persona
        person["persona_set_by_hand"] = True
    data: dict[str, Any] = {
        "person": person,
        "company": {
            "name": company,
            "domain": domain,
            "employees": employees,
            "industry": industry,
            "region": region,
            "relationship": relationship,
            **company_extra,
        },
        "activities": activities or [],
    }
    if history is not None:
        data["history"] = history
    return Lead.model_validate(data)


def _case(
    name: str, why: str, expect: dict[str, Any], lead: Lead, depends: bool = False
) -> EdgeCase:
    return EdgeCase(
        name=name,
        why=why,
        depends=depends,
        expect=Expectation.model_validate(expect),
        lead=lead.model_copy(deep=True),
    )


# The eight scenarios of the framework's "MQL vs Not-MQL" table, as leads.
CEO_EBOOK = _lead(
    "CEO",
    "c-level",
    "Northwind Apps",
    "northwind.example",
    200,
    activities=[{"kind": "content_download", "days_ago": 1}],
)
INTERN_DEMO = _lead(
    "Marketing Intern",
    "intern",
    "Globex Software",
    "globex.example",
    500,
    activities=[{"kind": "demo_request", "days_ago": 0}],
)
AGENCY_VP_DEMO = _lead(
    "VP Sales",
    "vp",
    "Brightside Agency",
    "brightside.example",
    10,
    industry="agency",
    activities=[{"kind": "demo_request", "days_ago": 0}],
)
COMPETITOR_DEMO = _lead(
    "Director of Sales",
    "director",
    "RivalCRM",
    "rivalcrm.com",
    400,
    relationship="competitor",
    activities=[{"kind": "demo_request", "days_ago": 0}],
)
CHATBOT_VISITOR = _lead(
    "Director of Operations",
    "director",
    "Lumen Systems",
    "lumen.example",
    300,
    region="europe",
    activities=[
        {"kind": "pricing_page_view", "days_ago": 0, "count": 5},
        {"kind": "chatbot_identified", "days_ago": 0},
    ],
)
CUSTOMER_DEMO = _lead(
    "Director of IT",
    "director",
    "Initech",
    "initech.example",
    600,
    relationship="customer",
    activities=[{"kind": "demo_request", "days_ago": 0}],
)
RESUBMIT_90 = _lead(
    "VP Marketing",
    "vp",
    "Umbrella Cloud",
    "umbrella.example",
    400,
    activities=[
        {"kind": "demo_request", "days_ago": 90},
        {"kind": "demo_request", "days_ago": 0},
    ],
    history={"last_mql_days_ago": 90, "last_mql_outcome": "unworked"},
)
BLOG_RESEARCHER = _lead(
    "Director of Research",
    "director",
    "Vandelay Data",
    "vandelay.example",
    150,
    activities=[{"kind": "blog_visit", "days_ago": 3, "count": 200}],
)


# Issue 17: leads whose own data (title, e-mail, activity) decides, and the fit axis.
DEMO_TODAY = [{"kind": "demo_request", "days_ago": 0}]
STUDENT_BY_TITLE = _lead(
    "MSc Student", "individual", "Globex Software", "globex.example", 500, activities=DEMO_TODAY
)
ACADEMIC_EMAIL = _lead(
    "Director of Research",
    "director",
    "Northwind Apps",
    "northwind.example",
    300,
    email="alex@cs.stateu.edu",
    activities=DEMO_TODAY,
)
STUDENT_SUCCESS_DIRECTOR = _lead(
    "Director of Student Success",
    "director",
    "Coursely",
    "coursely.example",
    300,
    persona="employee",
    activities=DEMO_TODAY,
)
CAREERS_THEN_DEMO = _lead(
    "Operations Lead",
    "director",
    "Lumen Systems",
    "lumen.example",
    300,
    activities=[{"kind": "careers_page_view", "days_ago": 3}, *DEMO_TODAY],
)
WEBMAIL_BUYER = _lead(
    "VP Operations",
    "vp",
    "Hooli",
    "hooli.example",
    400,
    email="alex.ops@gmail.com",
    activities=DEMO_TODAY,
)
WEBMAIL_CONSULTANT = _lead(
    "Senior Marketing Consultant",
    "director",
    "Brightside Partners",
    "brightside.example",
    120,
    email="alex.consults@gmail.com",
    activities=[*DEMO_TODAY, {"kind": "pricing_page_view", "days_ago": 0, "count": 5}],
)


def _inferred_cases(webmail_route: str | None = None, careers: bool = False) -> list[EdgeCase]:
    """Cases for the disqualifiers read from the lead's own data, and for the fit score where
    the stage keeps one (`webmail_route`: the route a fitting webmail buyer takes)."""
    cases = [
        _case(
            "student-by-title-demo-request",
            "Nobody set this contact's persona, but the title says student: excluded by "
            "fit.exclude_titles, not a real prospect.",
            {"status": "rejected", "route": "marketing"},
            STUDENT_BY_TITLE,
        ),
        _case(
            "academic-email-demo-request",
            "A director title, but an academic e-mail domain (.edu): excluded by "
            "fit.exclude_email_domains. Set the persona by hand if this is a real buyer.",
            {"status": "rejected", "route": "marketing"},
            ACADEMIC_EMAIL,
        ),
        _case(
            "student-success-director-set-by-hand",
            "'Student' is in the title, but the room set the persona to employee by hand: a "
            "hand-set persona wins over what the title suggests.",
            {"status": "mql", "tier": 1},
            STUDENT_SUCCESS_DIRECTOR,
        ),
    ]
    if careers:
        cases.append(
            _case(
                "careers-page-visitor-demo-request",
                f"A careers-page visit in the last {CAREERS_WINDOW_DAYS} days points to a job "
                "seeker: excluded by fit.exclude_activities (there is no scoring to take "
                "points for it).",
                {"status": "rejected", "route": "marketing"},
                CAREERS_THEN_DEMO,
            )
        )
    if webmail_route is not None:
        cases += [
            _case(
                "webmail-buyer-demo-request",
                "A gmail.com address takes fit points but does not exclude: a VP at a fitting "
                "company still qualifies.",
                {"status": "mql", "route": webmail_route, "tier": 1},
                WEBMAIL_BUYER,
            ),
            _case(
                "webmail-consultant-high-intent",
                "A demo request and five pricing views, but a consultant's title and a gmail.com "
                "address put the fit score below its threshold: a high-intent bad fit never "
                "sneaks through (fit and intent are two axes).",
                {"status": "rejected", "route": "marketing"},
                WEBMAIL_CONSULTANT,
            ),
        ]
    return cases


def _standard_cases(
    route: str,
    intern: dict[str, Any],
    agency: dict[str, Any],
    review_route: str = "marketing",
    intern_why: str = "Fails the seniority fit gate. Marketing checks whether the intern is part "
    "of a buying committee.",
    agency_why: str = "Passes seniority but fails company size. If agencies are in the ICP, "
    "change this to mql.",
) -> list[EdgeCase]:
    return _standard(route, intern, agency, review_route, intern_why, agency_why) + (
        _recency_cases(route, review_route)
    )


def _standard(
    route: str,
    intern: dict[str, Any],
    agency: dict[str, Any],
    review_route: str,
    intern_why: str,
    agency_why: str,
) -> list[EdgeCase]:
    return [
        _case(
            "ceo-ebook-download",
            "Fit is great, but one ebook is a low-intent action: nurture until a hand raise.",
            {"status": "nurture"},
            CEO_EBOOK,
        ),
        _case("intern-demo-request", intern_why, intern, INTERN_DEMO),
        _case("agency-vp-demo-request", agency_why, agency, AGENCY_VP_DEMO, depends=True),
        _case(
            "competitor-demo-request",
            "A competitor is disqualified automatically; marketing leadership reviews it.",
            {"status": "rejected", "route": "marketing-leadership"},
            COMPETITOR_DEMO,
        ),
        _case(
            "chatbot-pricing-visitor",
            "Five pricing page views, then identified by the chatbot: high intent, and fit passes.",
            {"status": "mql", "route": route, "tier": 2},
            CHATBOT_VISITOR,
        ),
        _case(
            "existing-customer-demo-request",
            "An expansion or cross-sell signal for the account owner, not a new MQL.",
            {"status": "routed", "route": "account-owner"},
            CUSTOMER_DEMO,
        ),
        _case(
            "resubmit-after-90-days",
            "Unanswered 90 days ago and back today: a new buying cycle, so a fresh MQL.",
            {"status": "mql", "route": route, "tier": 1},
            RESUBMIT_90,
        ),
        _case(
            "blog-researcher-200-visits",
            "High volume and no high-intent action: could be a researcher, journalist or "
            "competitor, so a person reviews it.",
            {"status": "review", "route": review_route},
            BLOG_RESEARCHER,
        ),
    ]


def _sla(volume: int) -> Sla:
    return Sla.model_validate(
        {
            "marketing": {"monthly_volume": volume},
            "sales": {
                "response_minutes": dict(RESPONSE_MINUTES),
                "response_business_days": dict(RESPONSE_BUSINESS_DAYS),
                "rejection_reasons": list(STANDARD_REJECTION_REASONS),
            },
        }
    )


def _full_scoring() -> Scoring:
    return Scoring(
        threshold=75,
        window_days=90,
        half_life_days=None,
        activity_points={
            "comparison_page_view": 15,
            "pricing_page_view": 10,
            "case_study_view": 10,
            "webinar_attended": 10,
            "content_download": 5,
            "blog_visit": 1,
            "email_open": 1,
            "careers_page_view": -30,
            "unsubscribe": -20,
        },
        seniority_points={"manager": 5, "director": 10, "vp": 15, "c-level": 20},
    )


def _fit_score() -> FitScore:
    """002's fit points on their own axis (004): senior titles and larger companies add,
    personal webmail and a consultant's title take away; below 0 the fit gate fails."""
    return FitScore.model_validate(
        {
            "threshold": 0,
            "seniority_points": {"manager": 10, "director": 10, "vp": 15, "c-level": 15},
            "email_domain_points": dict.fromkeys(WEBMAIL_DOMAINS, -10),
            # -30: a consultant's title outweighs director +10 and 200+ employees +10 together.
            "title_points": {"consultant": -30, "freelance": -30, "freelancer": -30},
            "size_points": [{"min_employees": 200, "points": 10}],
        }
    )


def _full_fit(min_seniority: str = "director") -> FitGate:
    return FitGate.model_validate(
        {
            "min_employees": 50,
            "max_employees": 1000,
            "industries": list(ICP_INDUSTRIES),
            "regions": list(ICP_REGIONS),
            "min_seniority": min_seniority,
            "excluded_personas": ["student", "job-seeker", "consultant", "journalist"],
            "competitors": list(EXAMPLE_COMPETITORS),
            "exclude_titles": list(STUDENT_AND_JOB_SEEKER_TITLES),
            "exclude_email_domains": list(ACADEMIC_DOMAINS),
            "score": _fit_score(),
        }
    )


def _pricing_rule() -> Tier2Rule:
    return Tier2Rule(kind="pricing_page_view", min_count=2, within_days=7)


# 001: "Tier 2 triggers should have a recency requirement ... within the last 14-30 days".
TIER2_DAYS = 14
# 001's edge case: a demo request resubmitted after 90 days is "a new buying cycle", so a hand
# raise older than the cycle no longer makes an MQL on its own.
HAND_RAISE_DAYS = 90
# A high-intent action older than the top of 001's tier 2 range no longer clears high volume.
HIGH_INTENT_DAYS = 30


def _tier2_signals(pricing: Tier2Rule | None = None, days: int = TIER2_DAYS) -> list[Tier2Rule]:
    """001's three tier 2 signals: 2+ pricing page visits, a comparison page visit, and a case
    study with the pricing page in one session. A segment may set its own pricing count."""
    return [
        pricing or _pricing_rule(),
        Tier2Rule(kind="comparison_page_view", min_count=1, within_days=days),
        Tier2Rule(
            kind="case_study_view", together=["pricing_page_view"], min_count=1, within_days=days
        ),
    ]


def _review_rule(route: str = "marketing") -> ReviewRule:
    """001's suspicious engagement: high volume with low intent goes to a person. A tier 3
    score alone is the catch-all MQL (`score_rule = false`), not a case for review."""
    return ReviewRule.model_validate(
        {
            "high_intent": list(HIGH_INTENT),
            "route": route,
            "high_intent_days": HIGH_INTENT_DAYS,
            "score_rule": False,
        }
    )


def _recency_cases(route: str, review_route: str = "marketing") -> list[EdgeCase]:
    """Issue 17's leads for recency and tier 2 combinations, in every template."""
    return [
        _case(
            "stale-pricing-view-blog-reader",
            "200 blog visits and a pricing page view six months ago: the pricing view is stale "
            "(001), so this is high volume with no recent high-intent action and a person "
            "reviews it.",
            {"status": "review", "route": review_route},
            _lead(
                "Director of Research",
                "director",
                "Vandelay Data",
                "vandelay.example",
                150,
                activities=[
                    {"kind": "blog_visit", "days_ago": 3, "count": 200},
                    {"kind": "pricing_page_view", "days_ago": 180},
                ],
            ),
        ),
        _case(
            "case-study-and-pricing-one-session",
            "A case study and the pricing page in the same session: 001's third tier 2 signal.",
            {"status": "mql", "route": route, "tier": 2},
            _lead(
                "VP Operations",
                "vp",
                "Pied Piper",
                "piedpiper.example",
                300,
                activities=[
                    {"kind": "case_study_view", "days_ago": 2, "session_id": "s-1"},
                    {"kind": "pricing_page_view", "days_ago": 2, "session_id": "s-1"},
                ],
            ),
        ),
        _case(
            "case-study-and-pricing-a-week-apart",
            "The same two pages a week apart are two separate moments of interest, not the "
            "evaluation session tier 2 means: nurture.",
            {"status": "nurture"},
            _lead(
                "VP Operations",
                "vp",
                "Pied Piper",
                "piedpiper.example",
                300,
                activities=[
                    {"kind": "case_study_view", "days_ago": 9, "session_id": "s-1"},
                    {"kind": "pricing_page_view", "days_ago": 2, "session_id": "s-2"},
                ],
            ),
        ),
        _case(
            "stale-demo-request",
            f"A demo request 200 days ago, nothing since: older than the {HAND_RAISE_DAYS}-day "
            "buying cycle, so it is no instant MQL today. Nurture until a fresh hand raise.",
            {"status": "nurture"},
            _lead(
                "VP Marketing",
                "vp",
                "Umbrella Cloud",
                "umbrella.example",
                400,
                activities=[{"kind": "demo_request", "days_ago": 200}],
            ),
        ),
    ]


def _catch_all_case(route: str) -> EdgeCase:
    """001's tier 3: the catch-all for leads who engage over time and never take a tier 1 or
    2 action. Nine content actions in two months are not the high volume review is for."""
    return _case(
        "content-reader-reaches-the-score",
        "Fourteen downloads and fifteen blog posts over two months, no pricing, comparison, "
        "case study or webinar: the score passes the threshold with 29 actions, no high volume, "
        "so tier 3 makes the MQL (001: the catch-all). A person reviews only high volume "
        "with low intent.",
        {"status": "mql", "route": route, "tier": 3},
        _lead(
            "Director of Finance",
            "director",
            "Initech Analytics",
            "initech.example",
            300,
            activities=[
                *({"kind": "content_download", "days_ago": d} for d in range(2, 58, 4)),
                {"kind": "blog_visit", "days_ago": 5, "count": 15},
            ],
        ),
    )


def _pre_1m(base: dict[str, Any]) -> Definition:
    return Definition.model_validate(
        {
            **base,
            "fit": {
                "excluded_personas": ["student", "job-seeker"],
                "competitors": list(EXAMPLE_COMPETITORS),
                "exclude_titles": list(STUDENT_AND_JOB_SEEKER_TITLES),
                "exclude_email_domains": list(ACADEMIC_DOMAINS),
                "exclude_activities": ["careers_page_view"],
                "exclude_activities_days": CAREERS_WINDOW_DAYS,
            },
            "triggers": Triggers(
                route="founder",
                tier1=list(HAND_RAISES),
                tier2=_tier2_signals(),
                within_days=HAND_RAISE_DAYS,
            ),
            "review_rule": _review_rule("founder"),
            "recycling": Recycling(),
            "sla": _sla(10),
            "cases": _standard_cases(
                "founder",
                intern={"status": "mql", "route": "founder"},
                agency={"status": "mql", "route": "founder"},
                review_route="founder",
                intern_why="No formal MQL yet: every inbound demo request goes to the founder, "
                "who qualifies on the call.",
                agency_why="No size gate before $1M: the founder takes the call. Add a minimum "
                "company size if small agencies waste the founder's time.",
            )
            + _inferred_cases(careers=True),
        }
    )


def _1m_3m(base: dict[str, Any]) -> Definition:
    return Definition.model_validate(
        {
            **base,
            "fit": {
                "min_employees": 20,
                "min_seniority": "individual",
                "excluded_personas": ["student", "job-seeker", "consultant"],
                "competitors": list(EXAMPLE_COMPETITORS),
                "exclude_titles": list(STUDENT_AND_JOB_SEEKER_TITLES),
                "exclude_email_domains": list(ACADEMIC_DOMAINS),
                "exclude_activities": ["careers_page_view"],
                "exclude_activities_days": CAREERS_WINDOW_DAYS,
            },
            "triggers": Triggers(
                route="sdr",
                tier1=list(HAND_RAISES),
                tier2=_tier2_signals(),
                tier4=["sales_requested"],
                within_days=HAND_RAISE_DAYS,
            ),
            "review_rule": _review_rule(),
            "sla": _sla(35),
            "cases": _standard_cases(
                "sdr",
                intern={"status": "rejected", "route": "marketing"},
                agency={"status": "rejected", "route": "marketing"},
                intern_why="The basic fit check excludes interns. Marketing checks whether the "
                "intern is part of a buying committee.",
                agency_why="Fails the basic size check (20+ employees). If agencies are in the "
                "ICP, lower the minimum and change this to mql.",
            )
            + _inferred_cases(careers=True),
        }
    )


def _3m_10m(base: dict[str, Any]) -> Definition:
    return Definition.model_validate(
        {
            **base,
            "fit": _full_fit(),
            "triggers": Triggers(
                route="sdr",
                tier1=list(HAND_RAISES),
                tier2=_tier2_signals(),
                tier3=True,
                tier4=["sales_requested"],
                within_days=HAND_RAISE_DAYS,
            ),
            "scoring": _full_scoring(),
            "review_rule": _review_rule(),
            "sla": _sla(125),
            "cases": _standard_cases(
                "sdr",
                intern={"status": "rejected", "route": "marketing"},
                agency={"status": "rejected", "route": "marketing"},
            )
            + _inferred_cases(webmail_route="sdr")
            + [_catch_all_case("sdr")],
        }
    )


def _10m_30m(base: dict[str, Any]) -> Definition:
    smb_triggers = Triggers(
        route="sdr",
        tier1=list(HAND_RAISES),
        tier2=_tier2_signals(Tier2Rule(kind="pricing_page_view", min_count=3, within_days=7)),
        tier3=True,
        tier4=["sales_requested"],
        within_days=HAND_RAISE_DAYS,
    )
    enterprise_triggers = Triggers(
        route="ae",
        tier1=list(HAND_RAISES),
        tier2=_tier2_signals(),
        tier3=True,
        tier4=["sales_requested"],
        within_days=HAND_RAISE_DAYS,
    )
    # Each segment's own fit gate covers the segment's own size band, so the two never disagree.
    smb_fit = _full_fit("manager")
    smb_fit.max_employees = 199
    if smb_fit.score is not None:  # "200+ employees +10" never applies below 200 (lint)
        smb_fit.score.size_points = []
    enterprise_fit = _full_fit()
    enterprise_fit.min_employees = 1000
    enterprise_fit.max_employees = None
    segments = [
        Segment(
            id="smb",
            label="SMB",
            min_employees=50,
            max_employees=199,
            fit=smb_fit,
            triggers=smb_triggers,
            # SMB volume is high, but a score-threshold MQL still gets the framework's 4 h.
            response_minutes={"tier3": 240},
        ),
        Segment(id="mid-market", label="Mid-market", min_employees=200, max_employees=999),
        Segment(
            id="enterprise",
            label="Enterprise",
            min_employees=1000,
            fit=enterprise_fit,
            triggers=enterprise_triggers,
        ),
    ]
    cases = _standard_cases(
        "sdr",
        intern={"status": "rejected", "route": "marketing"},
        agency={"status": "rejected", "route": "marketing"},
        agency_why="No segment covers a 10-person company. Add an SMB floor below 50 if "
        "agencies are in the ICP.",
    )
    cases += [*_inferred_cases(webmail_route="sdr"), _catch_all_case("sdr")]
    for case in cases:
        if case.name in (
            "chatbot-pricing-visitor",
            "resubmit-after-90-days",
            "webmail-buyer-demo-request",
            "content-reader-reaches-the-score",
        ):
            case.expect.segment = "mid-market"
    cases.append(
        _case(
            "enterprise-demo-request",
            "Enterprise demo requests go to an account executive within five minutes.",
            {"status": "mql", "route": "ae", "tier": 1, "segment": "enterprise"},
            _lead(
                "VP Revenue",
                "vp",
                "Massive Dynamic",
                "massive.example",
                1000,
                activities=[{"kind": "demo_request", "days_ago": 0}],
            ),
        )
    )
    return Definition.model_validate(
        {
            **base,
            "fit": _full_fit(),
            "triggers": Triggers(
                route="sdr",
                tier1=list(HAND_RAISES),
                tier2=_tier2_signals(),
                tier3=True,
                tier4=["sales_requested"],
                within_days=HAND_RAISE_DAYS,
            ),
            "scoring": _full_scoring(),
            "review_rule": _review_rule(),
            "segments": segments,
            "sla": _sla(500),
            "cases": cases,
        }
    )


def _30m_plus(base: dict[str, Any]) -> Definition:
    motions = [
        Motion(id="inbound", label="Inbound MQL", lead_type="mql"),
        Motion(
            id="product-led",
            label="Product-led PQL",
            lead_type="pql",
            fit=FitGate(
                min_employees=50,
                max_employees=1000,
                industries=list(ICP_INDUSTRIES),
                regions=list(ICP_REGIONS),
                excluded_personas=["student", "job-seeker"],
                competitors=list(EXAMPLE_COMPETITORS),
                exclude_titles=list(STUDENT_AND_JOB_SEEKER_TITLES),
                exclude_email_domains=list(ACADEMIC_DOMAINS),
            ),
            triggers=Triggers(
                route="sdr",
                tier1=["product_usage_limit"],
                # Product signals, not 001's web tier 2: a PQL is qualified in the product
                # (000, 003), so this motion keeps its own tier 2.
                tier2=[Tier2Rule(kind="teammate_invite", min_count=2, within_days=14)],
                within_days=HAND_RAISE_DAYS,
            ),
            response_minutes={"product_usage_limit": 60, "tier2": 240},
        ),
        Motion(
            id="account-based",
            label="Account-based AQL",
            lead_type="aql",
            target_accounts_only=True,
            min_engaged_contacts=3,
            qualifies="account",
            triggers=Triggers(
                route="ae",
                tier1=list(HAND_RAISES),
                tier2=[
                    Tier2Rule(kind="pricing_page_view", min_count=1, within_days=30),
                    Tier2Rule(kind="case_study_view", min_count=2, within_days=30),
                    # Any pricing view already fires here, so 001's "2+ pricing visits" and
                    # "case study + pricing in one session" are covered by the first rule.
                    Tier2Rule(kind="comparison_page_view", min_count=1, within_days=30),
                ],
                within_days=HAND_RAISE_DAYS,
            ),
            response_minutes={"tier2": 15},
        ),
    ]
    cases = _standard_cases(
        "sdr",
        intern={"status": "rejected", "route": "marketing"},
        agency={"status": "rejected", "route": "marketing"},
    )
    cases += [*_inferred_cases(webmail_route="sdr"), _catch_all_case("sdr")]
    cases.append(
        _case(
            "trial-user-hits-usage-limit",
            "A product user at an ICP company hitting the free plan's limit is a PQL: a hand "
            "raise through the product.",
            {"status": "mql", "route": "sdr", "lead_type": "pql"},
            _lead(
                "Data Engineer",
                "individual",
                "Hooli",
                "hooli.example",
                250,
                activities=[
                    {"kind": "trial_signup", "days_ago": 12},
                    {"kind": "product_usage_limit", "days_ago": 0},
                ],
            ),
        )
    )
    cases.append(
        _case(
            "target-account-engaged",
            "A target account with three engaged contacts looking at pricing is an AQL for "
            "the account executive.",
            {"status": "mql", "route": "ae", "lead_type": "aql"},
            _lead(
                "Director of Finance",
                "director",
                "Stark Analytics",
                "stark.example",
                900,
                target_account=True,
                engaged_contacts=3,
                account_intent=True,
                activities=[{"kind": "pricing_page_view", "days_ago": 4}],
            ),
        )
    )
    cases.extend(_account_cases())
    return Definition.model_validate(
        {
            **base,
            "fit": _full_fit(),
            "triggers": Triggers(
                route="sdr",
                tier1=list(HAND_RAISES),
                tier2=_tier2_signals(),
                tier3=True,
                tier4=["sales_requested"],
                within_days=HAND_RAISE_DAYS,
            ),
            "scoring": _full_scoring(),
            "review_rule": _review_rule(),
            "motions": motions,
            "sla": _sla(1500),
            "cases": cases,
        }
    )


def _analyst_at(engaged: int, intent: bool) -> Lead:
    """A junior analyst (below every template's seniority bar) at a target account."""
    return _lead(
        "Junior Financial Analyst",
        "individual",
        "Wayne Logistics Software",
        "wayne.example",
        800,
        target_account=True,
        engaged_contacts=engaged,
        account_intent=intent,
        activities=[{"kind": "pricing_page_view", "days_ago": 2}],
    )


def _account_cases() -> list[EdgeCase]:
    """000/002: an AQL qualifies the account (firmographics, several engaged contacts and
    account-level intent), so the contact's own seniority does not decide it."""
    return [
        _case(
            "junior-analyst-engaged-account",
            "A junior analyst at a target account with three engaged contacts and account-level "
            "intent is an AQL: the account is qualified, not the analyst's seniority.",
            {"status": "mql", "route": "ae", "lead_type": "aql"},
            _analyst_at(engaged=3, intent=True),
        ),
        _case(
            "coordinator-whitepaper-engaged-account",
            "A marketing coordinator who only downloaded a whitepaper, at a target account with "
            "five engaged contacts and account-level intent, is an AQL: the account facts make "
            "it, not the contact's own trigger or seniority.",
            {"status": "mql", "route": "ae", "lead_type": "aql", "tier": 2},
            _lead(
                "Marketing Coordinator",
                "individual",
                "Stark Analytics",
                "stark.example",
                900,
                target_account=True,
                engaged_contacts=5,
                account_intent=True,
                activities=[{"kind": "content_download", "days_ago": 1}],
            ),
        ),
        _case(
            "lone-engaged-contact",
            "One engaged contact is a person's interest, not an account's: no AQL, and the "
            "analyst alone is below the inbound seniority bar.",
            {"status": "rejected", "route": "marketing"},
            _analyst_at(engaged=1, intent=True),
        ),
        _case(
            "target-account-no-intent",
            "Engaged contacts at a target account with no account-level intent are not an AQL: "
            "only the inbound rules apply, and the analyst is below their seniority bar.",
            {"status": "rejected", "route": "marketing"},
            _analyst_at(engaged=4, intent=False),
        ),
    ]


_BUILDERS: dict[str, Callable[[dict[str, Any]], Definition]] = {
    "pre-1m": _pre_1m,
    "1m-3m": _1m_3m,
    "3m-10m": _3m_10m,
    "10m-30m": _10m_30m,
    "30m-plus": _30m_plus,
}


def from_template(slug: str, stage: str, created: date, name: str | None = None) -> Definition:
    """A fresh v1 draft for a stage; raises KeyError for an unknown stage id."""
    builder = _BUILDERS[stage]
    base: dict[str, Any] = {
        "name": name or f"{slug} MQL definition ({STAGES[stage].label})",
        "slug": slug,
        "version": 1,
        "stage": stage,
        "status": "draft",
        "created": created,
    }
    definition = builder(base)
    # 001's edge case: a customer's contact who "fills demo form" is an expansion signal for
    # the account owner; one who raised no hand is not handed over (`evaluator._disqualify`).
    for owner in definition.owners():
        _path, fit = definition.owned(owner, "fit")
        if fit.existing_customers == "account-owner":
            fit.existing_customers = "account-owner-on-hand-raise"
    return definition


@dataclass(frozen=True, slots=True)
class StageParts:
    """What a stage's template splits a definition into that the draft has none of."""

    path: str  # "segments" or "motions"
    value: list[dict[str, Any]]  # as an edit sets them (`Workshop.apply`)
    names: tuple[str, ...]  # their labels, as the room reads them


def stage_parts(definition: Definition) -> StageParts | None:
    """The $10-30M template's segments or the $30M+ template's motions, for a draft at that
    stage with neither: a draft started from another stage and moved to this one kept its
    rules (as it should), and the room had no way to the segments or motions 001 prescribes
    there ("segment-specific definitions"; MQL, PQL and AQL apart) but a new draft.

    Each one's own rules start from the draft's, changed only where the template's segment or
    motion differs from the template's main rules (`_rebased`): SMB's fit gate is the room's
    agreed one with SMB's size band and minimum seniority, not the template's industries."""
    if definition.segments or definition.motions:
        return None  # a definition has segments or motions, never both
    template = from_template(definition.slug, definition.stage, definition.created)
    for path in ("segments", "motions"):
        theirs = getattr(template, path)
        if not theirs:
            continue
        value = []
        for owner in theirs:
            data = owner.model_dump()
            for clause in ("fit", "triggers", "scoring"):
                if data.get(clause) is not None:
                    data[clause] = _rebased(
                        _dumped(getattr(definition, clause)),
                        _dumped(getattr(template, clause)),
                        data[clause],
                    )
            value.append(data)
        return StageParts(path, value, tuple(owner.label or owner.id for owner in theirs))
    return None


def _dumped(clause: Any) -> Any:
    return clause.model_dump() if clause is not None else None


def _rebased(ours: Any, base: Any, theirs: Any) -> Any:
    """`theirs`'s changes from `base`, made to `ours`: tables key by key (nested ones too),
    any other value taken whole where it differs. What `theirs` leaves as `base` has it stays
    as `ours` has it."""
    if not (isinstance(ours, dict) and isinstance(base, dict) and isinstance(theirs, dict)):
        return ours if theirs == base and ours is not None else theirs
    out = dict(ours)
    for key in base.keys() | theirs.keys():
        if key not in theirs:
            out.pop(key, None)
        elif key not in base or key not in ours:
            out[key] = theirs[key]
        elif theirs[key] != base[key]:
            out[key] = _rebased(ours[key], base[key], theirs[key])
    return out
