"""The SQL engine agrees with the reference replay, moment by moment.

The guarantee the backtest rests on: what the room tested in the suite (the Python evaluator)
is what the backtest counts (the compiled SQL). Hand-built timelines pin the tricky edges;
hypothesis generates definitions and timelines and compares every MQL moment.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.budget import examples
from tests.evidence_steps import replay_definition
from workbench.core.domain.definition import Definition
from workbench.core.domain.stages import STAGES
from workbench.core.domain.templates import from_template
from workbench.core.domain.vocab import ACTIVITY_KINDS, PERSONAS, SENIORITY_ORDER
from workbench.core.evidence.engine import compile_replay, load_rows, replay_query, replay_sql
from workbench.core.evidence.replay import MqlEvent, account_history, replay, timeline
from workbench.core.evidence.sample import sample_data
from workbench.core.evidence.tables import ActivityRow, LeadRow

T0 = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


def by_sql(definition: Definition, leads: list[LeadRow], acts: list[ActivityRow]) -> list[MqlEvent]:
    """The events of the plan `replay_sql` chooses, held to the same events by the other plan
    (first MQLs found with or without the first-moment shortcut; `replay_query`)."""
    con = duckdb.connect()
    try:
        load_rows(con, leads, acts)
        events = replay_sql(con, definition)
        for shortcut in (True, False):
            sql = compile_replay(definition, shortcut=shortcut)
            rows = con.execute(sql).fetchall()
            assert [MqlEvent(str(r[0]), r[1].replace(tzinfo=UTC), *r[2:]) for r in rows] == events
        return events
    finally:
        con.close()


def by_python(
    definition: Definition, leads: list[LeadRow], acts: list[ActivityRow]
) -> list[MqlEvent]:
    return sorted(replay(definition, leads, acts), key=lambda e: (e.lead_id, e.at))


def agree(definition: Definition, leads: list[LeadRow], acts: list[ActivityRow]) -> list[MqlEvent]:
    expected = by_python(definition, leads, acts)
    assert by_sql(definition, leads, acts) == expected
    return expected


def lead(lead_id: str = "L1", **fields: Any) -> LeadRow:
    values: dict[str, Any] = {"created_at": T0, "seniority": "director", "employees": 200}
    values.update(fields)
    return LeadRow(lead_id=lead_id, **values)


def acts(*items: tuple[str, float], lead_id: str = "L1") -> list[ActivityRow]:
    return [ActivityRow(lead_id, kind, T0 + timedelta(days=d)) for kind, d in items]  # type: ignore[arg-type]


# --- hand-built edges --------------------------------------------------------------------


def test_a_resubmit_exactly_at_the_window_is_a_second_mql() -> None:
    events = agree(replay_definition(), [lead()], acts(("demo_request", 0), ("demo_request", 90)))
    assert [e.at for e in events] == [T0, T0 + timedelta(days=90)]


def test_a_resubmit_a_second_inside_the_window_is_not() -> None:
    timeline_ = [ActivityRow("L1", "demo_request", T0)]
    timeline_.append(ActivityRow("L1", "demo_request", T0 + timedelta(days=90, seconds=-1)))
    assert len(agree(replay_definition(), [lead()], timeline_)) == 1


def test_a_hand_raise_routed_inside_the_window_fires_at_the_next_moment_past_it() -> None:
    events = agree(
        replay_definition(),
        [lead()],
        acts(("demo_request", 0), ("demo_request", 60), ("email_open", 100)),
    )
    assert [e.at for e in events] == [T0, T0 + timedelta(days=100)]


def test_tier2_counts_only_activity_after_the_last_mql() -> None:
    definition = replay_definition(
        triggers={
            "tier1": ["demo_request"],
            "tier2": [{"kind": "pricing_page_view", "min_count": 2, "within_days": 30}],
        },
        scoring=None,
        recycling={"resubmit_after_days": 10},
    )
    # The view on day 5 is before the MQL on day 6, so day 20's single view is not a pair.
    plan = acts(("pricing_page_view", 5), ("demo_request", 6), ("pricing_page_view", 20))
    events = agree(definition, [lead()], plan)
    assert [e.trigger for e in events] == ["demo_request"]
    plan += acts(("pricing_page_view", 25))
    assert [e.trigger for e in agree(definition, [lead()], plan)] == [
        "demo_request",
        "pricing_page_view",
    ]


def test_an_activity_at_the_last_mql_does_not_count_again_at_the_window_edge() -> None:
    definition = replay_definition(
        triggers={"tier2": [{"kind": "pricing_page_view", "min_count": 2, "within_days": 10}]},
        scoring=None,
        recycling={"resubmit_after_days": 10},
    )
    # MQL at day 0.5; at day 10.5 the 10-day window starts exactly at that MQL's own view,
    # which made the first MQL and must not help make the second.
    plan = acts(("pricing_page_view", 0), ("pricing_page_view", 0.5), ("pricing_page_view", 10.5))
    assert [e.at for e in agree(definition, [lead()], plan)] == [T0 + timedelta(days=0.5)]
    plan += acts(("pricing_page_view", 10.75))
    assert len(agree(definition, [lead()], plan)) == 2


def test_a_decayed_score_and_negative_points_agree() -> None:
    definition = replay_definition(
        triggers={"tier3": True},
        scoring={
            "threshold": 25,
            "window_days": 0,
            "half_life_days": 7,
            "activity_points": {"webinar_attended": 20, "careers_page_view": -10},
        },
        review_rule={"enabled": False},
        recycling={"resubmit_after_days": 5},
    )
    plan = acts(
        ("webinar_attended", 0),
        ("webinar_attended", 3),
        ("careers_page_view", 4),
        ("webinar_attended", 10),
        ("webinar_attended", 10.5),
        ("webinar_attended", 30),
        ("webinar_attended", 31),
    )
    assert len(agree(definition, [lead()], plan)) >= 2


def test_a_score_is_reviewed_only_for_volume_when_the_score_rule_is_off() -> None:
    """001: tier 3 is the catch-all for leads who never take a tier 1 or 2 action; review is
    for high volume with low intent. Off, the score makes the MQL below `many` activities
    since the last one, counted over every kind (blog visits earn no points here)."""

    def events(score_rule: bool, *items: tuple[str, float]) -> list[MqlEvent]:
        definition = replay_definition(
            triggers={"tier3": True},
            scoring={"threshold": 30, "activity_points": {"content_download": 10}},
            review_rule={
                "min_low_intent_actions": 6,
                "high_intent": ["pricing_page_view"],
                "score_rule": score_rule,
            },
            recycling={"resubmit_after_days": 20},
        )
        return agree(definition, [lead()], acts(*items))

    three = [("content_download", d) for d in (0, 1, 2)]
    assert [e.tier for e in events(False, *three)] == [3]
    assert events(True, *three) == [], "the score rule: no high-intent action, so review"
    # Five blog visits first: the third download is the eighth action, high volume.
    blogs = [("blog_visit", d / 10) for d in range(5)]
    assert events(False, *blogs, *three) == []
    # After an MQL only activity since it counts: three downloads more make a second one,
    # unless five blog visits come with them.
    later = [("content_download", d) for d in (30, 31, 32)]
    assert [e.tier for e in events(False, *three, *later)] == [3, 3]
    more_blogs = [("blog_visit", 29 + d / 10) for d in range(5)]
    assert [e.tier for e in events(False, *three, *more_blogs, *later)] == [3]


def test_an_excluding_activity_leaving_its_window_lets_the_next_moment_of_any_kind_fire() -> None:
    # The first-MQL shortcut reads only the moments of kinds some clause names; a blog visit
    # is none of them, but it is the first moment after the careers page view stops
    # excluding the lead, and the demo request is still fresh there.
    definition = replay_definition(
        fit={"exclude_activities": ["careers_page_view"], "exclude_activities_days": 30},
        triggers={"tier1": ["demo_request"]},
    )
    plan = acts(("careers_page_view", 0), ("demo_request", 10), ("blog_visit", 35))
    # A colleague without the careers page view fires at the demo request itself.
    plan += acts(("demo_request", 10), ("blog_visit", 35), lead_id="L2")
    events = agree(definition, [lead(), lead("L2")], plan)
    assert [(e.lead_id, e.at, e.tier, e.trigger) for e in events] == [
        ("L1", T0 + timedelta(days=35), 1, "demo_request"),
        ("L2", T0 + timedelta(days=10), 1, "demo_request"),
    ]


def test_negative_points_leaving_the_window_let_the_next_moment_of_any_kind_fire() -> None:
    definition = replay_definition(
        triggers={"tier3": True},
        scoring={
            "threshold": 20,
            "window_days": 30,
            "activity_points": {"webinar_attended": 25, "unsubscribe": -20},
        },
        review_rule={"enabled": False},
    )
    # 5 points at the webinar; at the e-mail open the unsubscribe has left the window.
    plan = acts(("unsubscribe", 0), ("webinar_attended", 5), ("email_open", 31))
    events = agree(definition, [lead()], plan)
    assert [(e.at, e.tier, e.trigger) for e in events] == [(T0 + timedelta(days=31), 3, "score")]


def test_seniority_worth_the_threshold_makes_any_first_activity_an_mql() -> None:
    # Found by the property test in CI: the first-MQL shortcut only looked at the kinds some
    # clause names, but a director worth the whole threshold is an MQL at a demo request
    # that no clause scores.
    definition = replay_definition(
        triggers={"tier3": True},
        scoring={"threshold": 1, "window_days": 0, "seniority_points": {"director": 1}},
        review_rule={"enabled": False},
    )
    events = agree(definition, [lead()], acts(("careers_page_view", 2), ("careers_page_view", 95)))
    assert [(e.at, e.tier, e.trigger) for e in events] == [
        (T0 + timedelta(days=2), 3, "score"),
        (T0 + timedelta(days=95), 3, "score"),
    ]
    # A manager's zero points leave the same timeline without an MQL.
    assert agree(definition, [lead(seniority="manager")], acts(("careers_page_view", 2))) == []


def test_ties_name_the_trigger_first_in_the_vocabulary() -> None:
    definition = replay_definition(triggers={"tier1": ["contact_sales", "demo_request"]})
    plan = acts(("contact_sales", 1), ("demo_request", 1))
    assert [e.trigger for e in agree(definition, [lead()], plan)] == ["demo_request"]


def test_competitors_customers_and_unknown_fit_never_mql() -> None:
    definition = replay_definition(
        fit={"min_employees": 50, "competitors": ["rival.io"], "industries": ["Software"]}
    )
    leads = [
        lead("A", industry="software", domain="eu.rival.io"),
        lead("B", industry="software", email="x@rival.io"),
        lead("C", industry="software", company="Rival.io"),
        lead("D", industry="software", relationship="customer"),
        lead("E", industry=None),
        lead("F", industry="Software "),
        lead("G", industry="software", domain="notrival.io"),
    ]
    plan = [a for x in "ABCDEFG" for a in acts(("demo_request", 1), lead_id=x)]
    assert [e.lead_id for e in agree(definition, leads, plan)] == ["F", "G"]


def test_an_email_domain_exclusion_matches_the_domain_and_its_subdomains_only() -> None:
    """The suffix test is written as LIKE '%.ac.uk': a near miss must stay a near miss."""
    definition = replay_definition(fit={"min_employees": 50, "exclude_email_domains": ["ac.uk"]})
    leads = [
        lead("A", email="x@ac.uk"),
        lead("B", email="x@dept.ac.uk"),
        lead("C", email="x@xac.uk"),
        lead("D", email="x@ac.uk.example.com"),
        lead("E", email="x@AC.UK "),
    ]
    plan = [a for x in "ABCDE" for a in acts(("demo_request", 1), lead_id=x)]
    assert [e.lead_id for e in agree(definition, leads, plan)] == ["C", "D"]


def account_definition(**motion: Any) -> Definition:
    """Inbound for directors, and an account motion that takes anyone at a 50+ company."""
    return replay_definition(
        fit={"min_employees": 50, "min_seniority": "director"},
        triggers={"tier1": ["demo_request"]},
        scoring=None,
        review_rule={"high_intent": ["pricing_page_view"]},
        motions=[
            {"id": "inbound"},
            {
                "id": "abm",
                "lead_type": "aql",
                "qualifies": "account",
                "target_accounts_only": True,
                "min_engaged_contacts": 3,
                "triggers": {
                    "route": "ae",
                    "tier2": [{"kind": "pricing_page_view", "min_count": 1, "within_days": 30}],
                },
                **motion,
            },
        ],
    )


def test_an_account_is_an_aql_once_enough_contacts_engage_with_intent() -> None:
    # An intern at a target account views pricing on day 0: alone, not an AQL (and below the
    # inbound seniority bar). Two colleagues engage later; at the intern's next moment the
    # account has 3 engaged contacts and 2 pricing views in 30 days: an AQL, seniority aside.
    leads = [
        lead("I", seniority="intern", domain="acme.io", target_account=True),
        lead("C1", seniority="intern", domain="acme.io"),
        lead("C2", seniority="intern", domain="acme.io"),
    ]
    plan = acts(("pricing_page_view", 0), ("blog_visit", 10), lead_id="I")
    plan += acts(("pricing_page_view", 5), lead_id="C1") + acts(("blog_visit", 8), lead_id="C2")
    events = agree(account_definition(), leads, plan)
    assert [(e.lead_id, e.at, e.motion, e.lead_type) for e in events] == [
        ("I", T0 + timedelta(days=10), "abm", "aql")
    ]
    # With one high-intent action at the account (the intern's own), no account-level intent.
    plan[2] = ActivityRow("C1", "blog_visit", T0 + timedelta(days=5))
    assert agree(account_definition(), leads, plan) == []


def test_colleagues_no_rule_set_takes_still_count_for_their_account() -> None:
    # The replay leaves out leads that fail what every rule set requires (here a size), but
    # they still engage their account: the accounts are read from every lead, not only the
    # replayed ones.
    leads = [
        lead("I", seniority="intern", domain="acme.io", target_account=True),
        lead("C1", seniority="intern", domain="acme.io", employees=None),
        lead("C2", seniority="intern", domain="acme.io", employees=None),
    ]
    plan = acts(("pricing_page_view", 0), ("blog_visit", 10), lead_id="I")
    plan += acts(("pricing_page_view", 5), lead_id="C1") + acts(("blog_visit", 8), lead_id="C2")
    events = agree(account_definition(), leads, plan)
    assert [(e.lead_id, e.motion) for e in events] == [("I", "abm")]


def test_account_facts_see_no_later_activity_and_a_30_day_window() -> None:
    leads = [
        lead("I", seniority="intern", domain="acme.io", target_account=True),
        lead("C1", seniority="intern", domain="acme.io"),
        lead("C2", seniority="intern", domain="acme.io"),
    ]
    base = acts(("pricing_page_view", 40), lead_id="I") + acts(
        ("pricing_page_view", 39), lead_id="C1"
    )
    # Exactly 30 days before the moment still counts; a second more does not.
    edge = [ActivityRow("C2", "blog_visit", T0 + timedelta(days=10))]
    assert [e.lead_id for e in agree(account_definition(), leads, base + edge)] == ["I"]
    stale = [ActivityRow("C2", "blog_visit", T0 + timedelta(days=10, seconds=-1))]
    assert agree(account_definition(), leads, base + stale) == []
    # A colleague engaging after the intern's last moment does not reach back.
    later = [ActivityRow("C2", "blog_visit", T0 + timedelta(days=41))]
    assert agree(account_definition(), leads, base + later) == []


def test_an_account_id_groups_contacts_before_the_domain_does() -> None:
    leads = [
        lead("I", seniority="intern", domain="acme.io", account_id="0015", target_account=True),
        lead("C1", seniority="intern", domain="acme-eu.io", account_id="0015"),
        lead("C2", seniority="intern", domain="acme.io", account_id="0099"),
    ]
    plan = acts(("pricing_page_view", 1), ("pricing_page_view", 2), lead_id="I")
    plan += acts(("blog_visit", 1), lead_id="C1") + acts(("blog_visit", 1), lead_id="C2")
    # I and C1 share an account id: 2 engaged contacts, and the motion needs 3.
    assert agree(account_definition(), leads, plan) == []
    assert [e.lead_id for e in agree(account_definition(min_engaged_contacts=2), leads, plan)] == [
        "I"
    ]


def test_the_account_facts_fire_when_the_contact_fired_nothing() -> None:
    # The intern only reads the blog; two colleagues view pricing. At the intern's day-3 moment
    # the account has 3 engaged contacts and intent: an AQL on the account facts (tier 2,
    # trigger "account"), and again past the 90-day resubmit window while the gate holds.
    leads = [
        lead("I", seniority="intern", domain="acme.io", target_account=True),
        lead("C1", seniority="intern", domain="acme.io"),
        lead("C2", seniority="intern", domain="acme.io"),
    ]
    plan = acts(("blog_visit", 0), ("blog_visit", 3), ("blog_visit", 20), lead_id="I")
    plan += acts(("pricing_page_view", 1), ("pricing_page_view", 95), lead_id="C1")
    plan += acts(("pricing_page_view", 2), ("pricing_page_view", 96), lead_id="C2")
    plan += acts(("blog_visit", 97), lead_id="I")
    events = agree(account_definition(), leads, plan)
    assert [(e.lead_id, e.at, e.tier, e.trigger, e.motion) for e in events] == [
        ("I", T0 + timedelta(days=3), 2, "account", "abm"),
        ("I", T0 + timedelta(days=97), 2, "account", "abm"),
    ]
    # A motion that qualifies the contact has no such arm: the intern fired nothing.
    contact = account_definition(qualifies="contact")
    assert agree(contact, leads, plan) == []


def test_the_query_names_no_lead_and_reads_the_given_tables() -> None:
    sql = compile_replay(replay_definition(), leads="crm.leads", activities="crm.events")
    assert "FROM crm.leads AS l" in sql and "FROM crm.events AS a" in sql


def test_the_3m_10m_query_is_planned_without_repeated_work() -> None:
    """The query's cost on 100k leads is mostly DuckDB planning it: a firing test or a scalar
    subquery written once more is bound and optimised once more, a window pass sorts again."""
    sql = compile_replay(from_template("bench", "3m-10m", date(2025, 1, 1)))
    # A combination after the last MQL is read from the candidate row, not counted per pair.
    assert "(SELECT COUNT(*) FROM cp" not in sql
    # Two window passes, each writing each window once: the first MQLs' moments (mo1) and
    # the tail's, from each lead's first MQL on.
    passes = re.findall(r"\n(mo1|tail) AS \((.*?)\n\)", sql, re.S)
    assert [name for name, _ in passes] == ["mo1", "tail"]
    for _, body in passes:
        frames = body.count("OVER (PARTITION BY k ORDER BY t RANGE")
        assert frames == len(
            set(re.findall(r"\w+\(\w+\) OVER \(PARTITION BY k ORDER BY t RANGE[^)]*\)", body))
        )
    # One rule set: its firing test is written in `firsts` once, in the step twice (the
    # step's own test and the NOT EXISTS of an earlier one).
    one = "(mo.e0 AND"
    assert sql.count(one) == 1
    assert sql.count("(c.e0 AND") == 1 and sql.count("(d.e0 AND") == 1


def test_the_shortcut_is_taken_where_it_leaves_out_a_third_of_the_activity() -> None:
    # pre-1m's clauses name no blog visit or e-mail open; the $3-10M score names every kind.
    leads = [lead()]
    plan = acts(("blog_visit", 1), ("email_open", 2), ("demo_request", 3))
    con = duckdb.connect()
    load_rows(con, leads, plan)
    early = from_template("sample", "pre-1m", date(2025, 1, 1))
    scored = from_template("sample", "3m-10m", date(2025, 1, 1))
    assert replay_query(con, early) == compile_replay(early, shortcut=True)
    assert replay_query(con, scored) == compile_replay(scored, shortcut=False)
    assert compile_replay(scored, shortcut=True) != compile_replay(scored, shortcut=False)
    # Five of seven rows are demo requests: the shortcut would leave out less than a third.
    more = acts(*(("demo_request", day) for day in (4, 5, 6, 7)))
    load_rows(con, leads, plan + more)
    assert replay_query(con, early) == compile_replay(early, shortcut=False)
    # Four of six leave out a third: it is taken.
    load_rows(con, leads, plan + more[:3])
    assert replay_query(con, early) == compile_replay(early, shortcut=True)


@pytest.mark.parametrize("stage", list(STAGES))
def test_every_stage_template_agrees_on_sample_data(stage: str) -> None:
    leads, activities = sample_data(400, seed=7)
    definition = from_template("sample", stage, date(2025, 1, 1))
    events = agree(definition, leads, activities)
    assert events, "the sample data should make some MQLs under every template"


# --- generated definitions and timelines ------------------------------------------------

KINDS = ["demo_request", "pricing_page_view", "webinar_attended", "blog_visit", "careers_page_view"]
INDUSTRIES = ["software", "fintech", "retail"]
REGIONS = ["NA", "EU"]
# Lead sources as a definition writes them (distinct once trimmed and lower-cased) and as a
# CRM row holds them: case and surrounding spaces vary, and both engines compare them alike.
SOURCE_KEYS = ["Webinar", "trade show", " Organic "]
LEAD_SOURCES = [None, None, "", "webinar", "WEBINAR ", " Trade Show", "trade show", "organic"]
LEAD_SOURCES += ["Cold List", "paid social"]
EXCLUDED_SOURCES: list[list[str]] = [[], [], ["Trade Show"], ["trade show ", "COLD LIST"]]


def small_kinds(min_size: int = 0) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(KINDS), min_size=min_size, max_size=2, unique=True)


@st.composite
def tier2_rules(draw: st.DrawFn) -> dict[str, Any]:
    """A count of one kind, or (a third of the time) a combination in one session or day."""
    rule: dict[str, Any] = {
        "kind": draw(st.sampled_from(KINDS)),
        "min_count": draw(st.integers(1, 3)),
        "within_days": draw(st.integers(1, 20)),
    }
    if draw(st.integers(0, 2)) == 0:
        others = [k for k in KINDS if k != rule["kind"]]
        rule["together"] = draw(
            st.lists(st.sampled_from(others), min_size=1, max_size=2, unique=True)
        )
        rule["min_count"] = draw(st.sampled_from([1, 1, 2]))
    return rule


def triggers() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "tier1": small_kinds(),
            "tier2": st.lists(tier2_rules(), max_size=2),
            "tier3": st.booleans(),
            "tier4": small_kinds(),
        },
        # A hand raise's recency window; absent, any hand raise since the last MQL counts.
        optional={"within_days": st.sampled_from([1, 5, 20])},
    )


def scorings() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "threshold": st.integers(1, 30),
            "window_days": st.sampled_from([0, 5, 20, 60]),
            "half_life_days": st.sampled_from([None, None, 3, 10.5]),
            "activity_points": st.dictionaries(
                st.sampled_from(KINDS), st.integers(-15, 20), max_size=4
            ),
            "seniority_points": st.dictionaries(
                st.sampled_from(SENIORITY_ORDER), st.integers(-5, 10), max_size=2
            ),
            "source_points": st.dictionaries(
                st.sampled_from(SOURCE_KEYS), st.integers(-10, 20), max_size=2
            ),
            "source_thresholds": st.dictionaries(
                st.sampled_from(SOURCE_KEYS), st.integers(1, 30), max_size=2
            ),
        }
    )


def fits() -> st.SearchStrategy[dict[str, Any]]:
    # Mostly permissive gates (and mostly fitting leads below), so most examples make MQLs.
    return st.fixed_dictionaries(
        {
            "min_employees": st.sampled_from([None, None, 20, 100]),
            "max_employees": st.sampled_from([None, None, 500]),
            "industries": st.sampled_from([[], [], ["software"], ["Software", "fintech"]]),
            "regions": st.sampled_from([[], [], ["NA", "EU"]]),
            "min_seniority": st.sampled_from([None, None, "manager", "director"]),
            "excluded_personas": st.sampled_from([[], [], ["student", "job-seeker"]]),
            "competitors": st.sampled_from([[], ["rival.io"], ["Rival Co"]]),
            "existing_customers": st.sampled_from(["account-owner", "prospect"]),
            "exclude_titles": st.sampled_from(
                [[], [], ["student", "open to work"], ["Étudiant", "intern"]]
            ),
            "exclude_email_domains": st.sampled_from([[], [], ["edu", "ac.uk"], ["gmail.com"]]),
            "exclude_activities": st.sampled_from(
                [[], [], ["careers_page_view"], ["careers_page_view", "blog_visit"]]
            ),
            "exclude_activities_days": st.sampled_from([1, 5, 30]),
            "score": st.one_of(st.none(), st.none(), fit_scores()),
            "exclude_sources": st.sampled_from(EXCLUDED_SOURCES),
        }
    )


def fit_scores() -> st.SearchStrategy[dict[str, Any]]:
    """The fit axis: points on every attribute it reads, thresholds that pass and fail."""
    band = st.fixed_dictionaries(
        {
            "min_employees": st.sampled_from([None, 50, 100]),
            "max_employees": st.sampled_from([None, 120, 400]),
            "points": st.integers(-30, 20),
        }
    ).filter(
        lambda b: (
            b["min_employees"] is None
            or b["max_employees"] is None
            or b["min_employees"] <= b["max_employees"]
        )
    )
    return st.fixed_dictionaries(
        {
            "threshold": st.integers(-20, 20),
            "seniority_points": st.dictionaries(
                st.sampled_from(SENIORITY_ORDER), st.integers(-10, 15), max_size=2
            ),
            "industry_points": st.dictionaries(
                st.sampled_from(["Software", "fintech"]), st.integers(-10, 15), max_size=2
            ),
            "email_domain_points": st.dictionaries(
                st.sampled_from(["gmail.com", "edu", "acme.io"]), st.integers(-15, 10), max_size=2
            ),
            "title_points": st.dictionaries(
                st.sampled_from(["vp", "head of", "student"]), st.integers(-15, 15), max_size=2
            ),
            "size_points": st.lists(band, max_size=2),
        }
    )


@st.composite
def definitions(
    draw: st.DrawFn, open_fit: bool = False, shape: str | None = None, qualifies: str | None = None
) -> Definition:
    data: dict[str, Any] = {
        "name": "Generated",
        "slug": "generated",
        "stage": "10m-30m",
        "created": date(2025, 1, 1),
        # An open fit lets every lead through; a source qualified apart still changes triggers.
        "fit": {"exclude_sources": draw(st.sampled_from(EXCLUDED_SOURCES))}
        if open_fit
        else draw(fits()),
        "triggers": draw(triggers()),
        "scoring": draw(scorings()),
        "recycling": {"resubmit_after_days": draw(st.integers(1, 25))},
        "review_rule": {
            "enabled": draw(st.booleans()),
            "min_low_intent_actions": draw(st.sampled_from([0, 3, 6])),
            "high_intent": draw(small_kinds()),
            "score_rule": draw(st.booleans()),
        },
    }
    high_intent_days = draw(st.sampled_from([None, None, 2, 10]))
    if high_intent_days is not None:
        data["review_rule"]["high_intent_days"] = high_intent_days
    shape = shape or draw(st.sampled_from(["plain", "segments", "motions"]))
    if shape == "segments":
        data["segments"] = [
            {"id": "small", "max_employees": draw(st.sampled_from([50, 150]))},
            {
                "id": "big",
                "min_employees": 100,
                "triggers": draw(st.one_of(st.none(), triggers())),
                "fit": draw(st.one_of(st.none(), fits())),
            },
        ]
    elif shape == "motions":
        # An account motion's facts come from the history (replay rule 5) and need 2+ contacts.
        qualifies = qualifies or draw(st.sampled_from(["contact", "account", "account"]))
        data["motions"] = [
            {"id": "inbound", "triggers": draw(st.one_of(st.none(), triggers()))},
            {
                "id": "abm",
                "lead_type": "aql",
                "qualifies": qualifies,
                "target_accounts_only": draw(st.booleans()) if qualifies == "account" else True,
                "min_engaged_contacts": draw(
                    st.integers(2, 3) if qualifies == "account" else st.integers(0, 3)
                ),
                "fit": draw(st.one_of(st.none(), fits())),
                "triggers": draw(triggers()),
                "scoring": draw(st.one_of(st.none(), scorings())),
            },
        ]
    for where in [data, *data.get("segments", []), *data.get("motions", [])]:
        if where.get("triggers") and where["triggers"]["tier3"] and not data["scoring"]:
            where["triggers"]["tier3"] = False
    return Definition.model_validate(data)


# Titles and e-mails that hit and miss the keywords and domains above: case, punctuation,
# non-ASCII letters (separators in both engines), a keyword inside a longer word.
TITLES = [
    None,
    "VP Sales",
    "Head of Growth",
    "MSc Student",
    "Studentin",
    "ÉTUDIANT en droit",
    "#Open-to--Work | ex-VP",
    "Summer_Intern",
    "internal audit lead",
    "",
]
EMAILS = [
    "b@eu.rival.io",
    "s@cs.mit.EDU",
    "t@ox.ac.uk",
    "u@gmail.com",
    "v@notedu.io",
    "w@edu",
    "broken-at-nothing",
]


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[LeadRow], list[ActivityRow]]:
    leads: list[LeadRow] = []
    activities: list[ActivityRow] = []
    for n in range(draw(st.integers(1, 4))):
        lead_id = f"L{n}"
        leads.append(
            LeadRow(
                lead_id=lead_id,
                created_at=T0,
                seniority=draw(st.sampled_from([None, *SENIORITY_ORDER, "director", "vp"])),
                # None: no persona set by hand, so title, e-mail and activity exclusions apply.
                persona=draw(st.sampled_from([None] * 6 + ["employee"] * 2 + list(PERSONAS[1:]))),
                title=draw(st.sampled_from(TITLES)),
                email=draw(st.sampled_from([None] + ["a@acme.io"] * 4 + EMAILS)),
                company=draw(st.sampled_from([None] + ["Acme"] * 6 + ["rival co"])),
                domain=draw(st.sampled_from([None] + ["acme.io"] * 6 + ["rival.io"])),
                # Several leads share an account (an id, else a domain): replay rule 5.
                account_id=draw(st.sampled_from([None, None, None, "", "acc-1", "acc-2"])),
                employees=draw(st.sampled_from([None, 10, 50, 120, 120, 400, 400, 900])),
                industry=draw(st.sampled_from([None, "Software", "Software", "fintech", "retail"])),
                region=draw(st.sampled_from([None, "NA", "NA", "eu", "APAC"])),
                relationship=draw(st.sampled_from(["prospect"] * 8 + ["customer", "competitor"])),
                target_account=draw(st.booleans()),
                engaged_contacts=draw(st.integers(0, 4)),
                lead_source=draw(st.sampled_from(LEAD_SOURCES)),
            )
        )
        # Times on a coarse grid (whole days, sometimes a half day) so that ties and exact
        # window edges (an activity exactly W days before a moment) happen often.
        times = draw(
            st.lists(st.tuples(st.integers(0, 60), st.sampled_from([0, 0, 0, 12])), max_size=16)
        )
        for days, hours in times:
            kind = draw(st.sampled_from(KINDS))
            at = T0 + timedelta(days=days, hours=hours)
            activities.append(ActivityRow(lead_id, kind, at, draw(SESSIONS)))  # type: ignore[arg-type]
    return leads, activities


# Mostly no session id (combinations group by UTC day), some shared, some across days.
SESSIONS = st.sampled_from([None, None, None, "s1", "s1", "s2"])


@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definition=definitions(), history=histories())
def test_sql_and_python_agree_at_every_moment(
    definition: Definition, history: tuple[list[LeadRow], list[ActivityRow]]
) -> None:
    leads, activities = history
    expected = by_python(definition, leads, activities)
    # Every moment the Python verdict is an MQL is an SQL event with the same stamps, and no
    # other moment is: the two lists are the same set of (lead, moment, tier, trigger, ...).
    mql_moments = {
        (lead.lead_id, moment.at)
        for lead in leads
        for moment in timeline(
            definition,
            lead,
            [a for a in activities if a.lead_id == lead.lead_id],
            account_history(definition, leads, activities),
        )
        if moment.verdict.status == "mql"
    }
    assert {(e.lead_id, e.at) for e in expected} == mql_moments
    assert by_sql(definition, leads, activities) == expected


@st.composite
def fitting_histories(
    draw: st.DrawFn, min_colleagues: int = 0
) -> tuple[list[LeadRow], list[ActivityRow]]:
    """One lead every gate lets through, with a busy timeline: triggers, scores and recycling."""
    leads = [
        lead(
            "L1",
            employees=120,
            target_account=True,
            engaged_contacts=3,
            account_id="A",
            lead_source=draw(st.sampled_from(LEAD_SOURCES)),
        )
    ]
    # Colleagues at the same account, whose activity makes it engaged and shows its intent.
    colleagues = draw(st.integers(min_colleagues, 3))
    leads += [
        lead(f"C{n}", employees=120, seniority="intern", account_id="A") for n in range(colleagues)
    ]
    colleague_acts = [
        ActivityRow(f"C{n}", kind, T0 + timedelta(days=d, hours=h))  # type: ignore[arg-type]
        for n, d, h, kind in draw(
            st.lists(
                st.tuples(
                    st.integers(0, max(colleagues - 1, 0)),
                    st.integers(0, 50),
                    st.sampled_from([0, 12]),
                    st.sampled_from(KINDS),
                ),
                max_size=12 if colleagues else 0,
            )
        )
    ]
    times = draw(
        st.lists(
            st.tuples(
                st.integers(0, 50),
                st.sampled_from([0, 0, 6, 12, 23]),
                st.sampled_from(KINDS),
                SESSIONS,
            ),
            min_size=1,
            max_size=30,
        )
    )
    activities = [
        ActivityRow("L1", kind, T0 + timedelta(days=d, hours=h), session)  # type: ignore[arg-type]
        for d, h, kind, session in times
    ]
    return leads, activities + colleague_acts


@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definition=definitions(open_fit=True), history=fitting_histories())
def test_sql_and_python_agree_on_triggers_scores_and_recycling(
    definition: Definition, history: tuple[list[LeadRow], list[ActivityRow]]
) -> None:
    leads, activities = history
    assert by_sql(definition, leads, activities) == by_python(definition, leads, activities)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    definition=definitions(shape="motions"),
    history=st.one_of(histories(), fitting_histories()),
)
def test_sql_and_python_agree_on_motions_and_account_facts(
    definition: Definition, history: tuple[list[LeadRow], list[ActivityRow]]
) -> None:
    leads, activities = history
    assert by_sql(definition, leads, activities) == by_python(definition, leads, activities)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    definition=definitions(open_fit=True, shape="motions", qualifies="account"),
    history=fitting_histories(min_colleagues=2),
)
def test_sql_and_python_agree_when_the_account_facts_fire(
    definition: Definition, history: tuple[list[LeadRow], list[ActivityRow]]
) -> None:
    """An engaged account with colleagues' intent: the account facts fire (tier 2, "account")
    where the motion's own triggers do not, in both engines alike."""
    leads, activities = history
    assert by_sql(definition, leads, activities) == by_python(definition, leads, activities)


def test_the_kind_vocabulary_fits_the_trigger_code() -> None:
    assert len(ACTIVITY_KINDS) < 32


def test_leads_no_rule_set_can_take_are_left_out_before_their_fields_are_made() -> None:
    # Both motions require a 50+ company; only inbound requires a director. The replay reads
    # the leads passing what every rule set requires, tested on the raw row, and no other.
    sql = compile_replay(account_definition())
    ln = sql[sql.index("ln AS (") : sql.index("lb AS")]
    assert "WHERE l.employees IS NOT NULL AND l.employees >= 50\n" in ln
    # A test on a dearer field (the padded title) is left to the rule sets' own tests.
    titled = compile_replay(from_template("titled", "30m-plus", date(2025, 1, 1)))
    ln = titled[titled.index("ln AS (") : titled.index("lb AS")]
    where = ln[ln.index("WHERE") :]
    assert "title_" in ln and "l.employees >= " in where
    assert "student" not in where and "title" not in where


def test_a_field_name_inside_a_value_is_a_value() -> None:
    from workbench.core.evidence.engine import _on_raw_row

    assert _on_raw_row("COALESCE(l.industry_ IN ('l.region_', 'it''s'), FALSE)") == (
        "COALESCE(lower(trim(l.industry)) IN ('l.region_', 'it''s'), FALSE)"
    )
    assert _on_raw_row("COALESCE(strpos(l.title_, ' student ') > 0, FALSE)") is None
    assert _on_raw_row("l.employees >= 50") == "l.employees >= 50"
