"""The reference replay: hand-built timelines whose MQL moments are known, and properties.

These pin the contract in `workbench.core.evidence.replay` that the SQL engine must match.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.budget import examples
from tests.evidence_steps import replay_definition
from workbench.core.domain.definition import Definition
from workbench.core.domain.evaluator import evaluate
from workbench.core.domain.lead import History
from workbench.core.domain.vocab import ActivityKind
from workbench.core.evidence.replay import MqlEvent, replay, replay_one, timeline
from workbench.core.evidence.tables import ActivityRow, LeadRow

T0 = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


DEFINITION = replay_definition()


def lead(lead_id: str = "L1", **fields: Any) -> LeadRow:
    values: dict[str, Any] = {
        "created_at": T0,
        "title": "Director of Marketing",
        "seniority": "director",
        "company": "Acme",
        "domain": "acme.example",
        "employees": 200,
        **fields,
    }
    return LeadRow(lead_id=lead_id, **values)


def acts(*timeline_: tuple[ActivityKind, float], lead_id: str = "L1") -> list[ActivityRow]:
    return [ActivityRow(lead_id, kind, T0 + timedelta(days=day)) for kind, day in timeline_]


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def test_a_demo_request_is_one_mql_at_that_moment() -> None:
    events = replay_one(
        DEFINITION, lead(), acts(("email_open", 0), ("demo_request", 3), ("email_open", 5))
    )
    assert events == [MqlEvent("L1", day(3), 1, "demo_request", "mql", None, None)]


def test_two_demo_requests_30_days_apart_are_one_mql() -> None:
    events = replay_one(DEFINITION, lead(), acts(("demo_request", 0), ("demo_request", 30)))
    assert [e.at for e in events] == [day(0)]


def test_two_demo_requests_100_days_apart_are_two_mqls() -> None:
    events = replay_one(DEFINITION, lead(), acts(("demo_request", 0), ("demo_request", 100)))
    assert [(e.at, e.tier) for e in events] == [(day(0), 1), (day(100), 1)]


def test_two_pricing_views_in_7_days_are_a_tier_2_mql_at_the_second() -> None:
    events = replay_one(
        DEFINITION, lead(), acts(("pricing_page_view", 0), ("pricing_page_view", 5))
    )
    assert events == [MqlEvent("L1", day(5), 2, "pricing_page_view", "mql", None, None)]
    apart = replay_one(
        DEFINITION, lead(), acts(("pricing_page_view", 0), ("pricing_page_view", 10))
    )
    assert apart == []


def test_a_competitor_is_never_an_mql() -> None:
    timeline_ = acts(("demo_request", 0), ("pricing_page_view", 1), ("pricing_page_view", 2))
    assert replay_one(DEFINITION, lead(relationship="competitor"), timeline_) == []
    by_domain = lead(domain="eu.rivalcrm.com", company="Rival")
    assert replay_one(DEFINITION, by_domain, timeline_) == []


def test_a_score_crossing_the_threshold_is_tier_3_at_the_crossing() -> None:
    webinars = acts(("webinar_attended", 0), ("webinar_attended", 10), ("webinar_attended", 20))
    events = replay_one(DEFINITION, lead(), webinars)
    assert events == [MqlEvent("L1", day(20), 3, "score", "mql", None, None)]
    moments = timeline(DEFINITION, lead(), webinars)
    assert [m.verdict.score for m in moments] == [10, 20, 30]


def test_activities_at_the_same_time_are_one_moment() -> None:
    same = acts(("pricing_page_view", 2), ("pricing_page_view", 2), ("email_open", 2))
    moments = timeline(DEFINITION, lead(), same)
    assert len(moments) == 1
    assert replay_one(DEFINITION, lead(), same)[0].at == day(2)


def test_a_routed_resubmit_is_not_consumed() -> None:
    # Part of the contract (see the module docstring): the hand raise at day 30 is routed
    # to the MQL's owner, but the next moment past the window still counts it.
    events = replay_one(
        DEFINITION,
        lead(),
        acts(("demo_request", 0), ("demo_request", 30), ("email_open", 95)),
    )
    assert [(e.at, e.trigger) for e in events] == [
        (day(0), "demo_request"),
        (day(95), "demo_request"),
    ]


def test_segments_stamp_the_event() -> None:
    definition = replay_definition(
        stage="10m-30m",
        segments=[
            {"id": "smb", "max_employees": 199},
            {"id": "mid-market", "min_employees": 200},
        ],
    )
    events = replay_one(definition, lead(), acts(("demo_request", 1)))
    assert [e.segment for e in events] == ["mid-market"]


def test_replay_walks_every_lead_in_order() -> None:
    leads = [lead("A"), lead("B", employees=10), lead("C")]
    activities = [
        *acts(("demo_request", 200), ("demo_request", 1), lead_id="C"),
        *acts(("demo_request", 1), lead_id="A"),
        *acts(("demo_request", 1), lead_id="B"),  # below the minimum size
        *acts(("demo_request", 1), lead_id="nobody"),
    ]
    events = replay(DEFINITION, leads, activities)
    assert [(e.lead_id, e.at) for e in events] == [("A", day(1)), ("C", day(1)), ("C", day(200))]


# --- properties ---------------------------------------------------------------------------

KINDS: tuple[ActivityKind, ...] = (
    "demo_request",
    "contact_sales",
    "pricing_page_view",
    "comparison_page_view",
    "webinar_attended",
    "case_study_view",
    "email_open",
    "sales_requested",
    "careers_page_view",
    "unsubscribe",
)
kinds = st.sampled_from(KINDS)


@st.composite
def definitions(draw: st.DrawFn) -> Definition:
    tier3 = draw(st.booleans())
    clauses: dict[str, Any] = {
        "fit": {
            "min_employees": draw(st.sampled_from([None, 50])),
            "competitors": ["rivalcrm.com"],
        },
        "triggers": {
            "tier1": draw(st.lists(kinds, max_size=2, unique=True)),
            "tier2": draw(
                st.lists(
                    st.fixed_dictionaries(
                        {
                            "kind": kinds,
                            "min_count": st.integers(1, 4),
                            "within_days": st.integers(1, 30),
                        }
                    ),
                    max_size=2,
                )
            ),
            "tier3": tier3,
            "tier4": draw(st.lists(kinds, max_size=1)),
        },
        "scoring": {
            "threshold": draw(st.integers(5, 60)),
            "window_days": draw(st.sampled_from([0, 30, 90])),
            "half_life_days": draw(st.sampled_from([None, 14, 45.5])),
            "activity_points": draw(st.dictionaries(kinds, st.integers(-20, 25), max_size=5)),
        },
        "review_rule": {
            "enabled": draw(st.booleans()),
            "min_low_intent_actions": draw(st.sampled_from([0, 5])),
        },
        "recycling": {"resubmit_after_days": draw(st.integers(1, 120))},
    }
    if clauses["scoring"]["half_life_days"] is None:
        del clauses["scoring"]["half_life_days"]
    if draw(st.booleans()):
        clauses["stage"] = "30m-plus"
        clauses["motions"] = [
            {"id": "inbound"},
            {"id": "abm", "lead_type": "aql", "target_accounts_only": True},
        ]
    return replay_definition(**clauses)


@st.composite
def timelines(draw: st.DrawFn) -> tuple[LeadRow, list[ActivityRow]]:
    row = lead(
        employees=draw(st.sampled_from([None, 10, 200])),
        relationship=draw(st.sampled_from(["prospect", "prospect", "customer", "competitor"])),
        target_account=draw(st.booleans()),
    )
    offsets = draw(
        st.lists(
            st.tuples(kinds, st.floats(min_value=0, max_value=400, allow_nan=False)),
            max_size=20,
        )
    )
    return row, acts(*offsets)


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(definition=definitions(), case=timelines())
def test_replay_matches_the_evaluator_and_respects_the_resubmit_window(
    definition: Definition, case: tuple[LeadRow, list[ActivityRow]]
) -> None:
    row, activities = case
    moments = timeline(definition, row, activities)
    assert [m.at for m in moments] == sorted({a.at for a in activities})
    last: datetime | None = None
    for moment in moments:
        # The contract, rebuilt by hand: activities at or before t, history from the replay.
        lead_t = row.to_lead([a for a in activities if a.at <= moment.at])
        if last is not None:
            days = (moment.at - last).total_seconds() / 86400
            lead_t.history = History(last_mql_days_ago=days)
        assert evaluate(definition, lead_t, as_of=moment.at) == moment.verdict
        if moment.verdict.status == "mql":
            last = moment.at
    events = replay_one(definition, row, activities)
    window = timedelta(days=definition.recycling.resubmit_after_days)
    for earlier, later in itertools.pairwise(events):
        assert later.at - earlier.at >= window
