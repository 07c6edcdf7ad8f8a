"""What the account facts (replay rule 5) cost: computed only where the replay reads them.

The SQL engine takes them only at the moments of leads some account-gated rule set applies
to, from only the activity those moments can see; the missed wins' history is read grouped by
account. Each keeps the events (and facts) of the reference replay.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
from hypothesis import HealthCheck, given, settings

from tests.budget import examples
from tests.test_evidence_engine import T0, account_definition, acts, agree, histories, lead
from workbench.core.domain.account import AccountHistory, account_key, micros
from workbench.core.domain.definition import Definition
from workbench.core.evidence.engine import compile_replay, load_rows
from workbench.core.evidence.tables import ActivityRow, LeadRow


def cte_rows(
    definition: Definition,
    leads: list[LeadRow],
    activities: list[ActivityRow],
    query: str,
    *,
    warehouse: bool = False,
) -> list[tuple[Any, ...]]:
    """`query` run over the replay's own CTEs (`am`, `aa`, `lq`, ...) on these rows."""
    sql = compile_replay(definition, warehouse=warehouse)
    body = sql[: sql.rindex("\nSELECT lq.lead_id")]
    con = duckdb.connect()
    try:
        load_rows(con, leads, activities)
        return con.execute(f"{body}\n{query}").fetchall()
    finally:
        con.close()


def test_facts_are_taken_only_where_an_account_gate_reads_them() -> None:
    # I: an intern at a target account, only the account motion applies (it reads the facts).
    # D: a director at the same account, not a target: only inbound applies, which has no
    # account gate, so its moments take no facts. C2's activity on day 200 is more than 30
    # days after every moment of I: no count at a moment can see it.
    leads = [
        lead("I", seniority="intern", domain="acme.io", target_account=True),
        lead("D", domain="acme.io"),
        lead("C1", seniority="intern", domain="acme.io"),
        lead("C2", seniority="intern", domain="acme.io"),
    ]
    plan = acts(("pricing_page_view", 0), ("blog_visit", 10), lead_id="I")
    plan += acts(("blog_visit", 2), ("demo_request", 150), lead_id="D")
    plan += acts(("pricing_page_view", 5), lead_id="C1")
    plan += acts(("blog_visit", 8), ("pricing_page_view", 200), lead_id="C2")
    definition = account_definition()
    events = agree(definition, leads, plan)
    assert [(e.lead_id, e.motion) for e in events] == [("D", "inbound"), ("I", "abm")]
    gated = cte_rows(
        definition, leads, plan, "SELECT DISTINCT lq.lead_id FROM am JOIN lq ON lq.k = am.k"
    )
    assert gated == [("I",)]
    day_200 = micros(T0 + timedelta(days=200))
    seen = cte_rows(definition, leads, plan, "SELECT count(*), max(t) FROM aa")
    # Days 0-10 of I, C1 and C2, and D's day 2; not D's day 150 nor C2's day 200.
    assert seen[0][0] == 5 and seen[0][1] < day_200


def test_an_account_read_whole_gives_the_facts_of_its_rows() -> None:
    # The missed wins read each account as three lists (`add_account`); the replay adds rows
    # (`add_activities`). Same facts at every moment, ties at one time included.
    definition = account_definition()
    rng = random.Random(16)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    people = [("P1", "a1"), ("P2", "a1"), ("P3", "a1"), ("P4", None)]
    rows = [
        (
            rng.choice(people)[0],
            rng.choice(["pricing_page_view", "blog_visit"]),
            start + timedelta(days=rng.randrange(0, 90), hours=rng.choice([0, 12])),
        )
        for _ in range(200)
    ]
    by_rows = AccountHistory(definition)
    whole = AccountHistory(definition)
    for person, account in people:
        by_rows.add_lead(person, account, "acme.io")
        whole.add_lead(person, account, "acme.io")
    by_rows.add_activities(rows)
    grouped: dict[str, list[tuple[int, str, str]]] = {}
    for person, kind, at in rows:
        account = dict(people)[person]
        grouped.setdefault(account_key(account, "acme.io", person), []).append(
            (micros(at), person, kind)
        )
    for key, items in grouped.items():
        items.sort(key=lambda item: (item[0], rng.random()))  # ties in any order
        whole.add_account(
            key,
            [t for t, _, _ in items],
            [p for _, p, _ in items],
            [t for t, _, k in items if k == "pricing_page_view"],
        )
    moments = {at for _, _, at in rows} | {start + timedelta(days=45, seconds=1)}
    for person, _ in people:
        for at in sorted(moments):
            assert whole.facts(person, at) == by_rows.facts(person, at)
    assert any(by_rows.facts("P1", at)[1] for at in moments)


def test_the_duckdb_form_sums_every_account_in_one_window() -> None:
    definition = account_definition()
    local = compile_replay(definition)
    exported = compile_replay(definition, warehouse=True)
    assert "OVER (ORDER BY acct, t RANGE" in local and "NOT MATERIALIZED" in local
    # A distributed warehouse would run a window without a partition on one worker.
    assert "OVER (PARTITION BY acct ORDER BY t RANGE" in exported
    assert "NOT MATERIALIZED" not in exported


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=histories())
def test_every_account_s_steps_sum_to_zero_so_one_sum_serves_all(
    history: tuple[list[LeadRow], list[ActivityRow]],
) -> None:
    """What the one running sum over all accounts rests on: each account's steps cancel out,
    so the sum reaching an account's first row is 0 and its rows read their own account's
    facts, the same as a sum per account (the export's form)."""
    leads, activities = history
    definition = account_definition(target_accounts_only=False)
    unbalanced = cte_rows(
        definition,
        leads,
        activities,
        "SELECT acct, sum(s) FROM ax GROUP BY acct HAVING sum(s) <> 0",
    )
    assert unbalanced == []
    facts = "SELECT k, t, s_ FROM af ORDER BY k, t"
    assert cte_rows(definition, leads, activities, facts) == cte_rows(
        definition, leads, activities, facts, warehouse=True
    )
