"""000: PQLs and AQLs "aren't variations" of the MQL, so the backtest reports them apart.

The MQL figures (acceptance, conversion, the three numbers) count MQL events alone; a
motion's PQLs and AQLs get their own lines. A definition without motions makes only MQLs:
its report must read exactly as it did before the split, which the file
`data/backtest-without-motions.json` holds (captured from the code before the change).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from workbench.core.domain.templates import from_template
from workbench.core.evidence.backtest import Backtest, backtest, compare
from workbench.core.evidence.engine import compile_replay, load_rows
from workbench.core.evidence.quarter import Quarter
from workbench.core.evidence.report import backtest_lines, comparison_lines, three_numbers
from workbench.core.evidence.review import build_packet, steps
from workbench.core.evidence.sample import sample_data

BEFORE = Path(__file__).parent / "data" / "backtest-without-motions.json"
# Keys the split added to `backtest --json`: everything else must be as it was.
ADDED = frozenset({"lead_types", "mql_leads", "mql_per_month"})


def capture() -> dict[str, Any]:
    """Every figure the backtest, the three numbers, a comparison and the review's replayed
    lines print for the four templates without motions, on one sample history."""
    con = duckdb.connect()
    load_rows(con, *sample_data(2000, seed=5))
    out: dict[str, Any] = {}
    for stage in ("pre-1m", "1m-3m", "3m-10m", "10m-30m"):
        definition = from_template("plain", stage, date(2025, 1, 1))
        result = backtest(con, definition)
        packet = build_packet(con, definition, "golden", today=date(2026, 1, 15))
        out[stage] = {
            "json": result.to_json(),
            "lines": backtest_lines(result),
            "three": three_numbers(result),
            "review": packet.to_json()["replayed"],
            "review_steps": [[title, lines] for title, lines in steps(packet)][:4],
        }
    both = compare(
        con,
        from_template("a", "1m-3m", date(2025, 1, 1)),
        from_template("b", "3m-10m", date(2025, 1, 1)),
    )
    out["compare"] = {
        "json": both.to_json(),
        "lines": comparison_lines(both),
        "three": three_numbers(both.after, both.before),
    }
    return out


def _without_added(report: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in report.items() if key not in ADDED}


def test_a_definition_without_motions_reads_exactly_as_before_the_split() -> None:
    now = json.loads(json.dumps(capture(), sort_keys=True, default=str))
    before = json.loads(BEFORE.read_text())
    for name, parts in now.items():
        if name == "compare":
            for side in ("before", "after"):
                parts["json"][side] = _without_added(parts["json"][side])
            # the comparison's change adds the MQLs' own, the same as the events' here
            change = parts["json"]["change"]
            assert change.pop("mql_per_month") == change["per_month"]
        else:
            # Without motions the added keys say nothing new: no other type, every event
            # and every passed lead an MQL's.
            report = parts["json"]
            assert report["lead_types"] == {}
            assert report["mql_per_month"] == report["per_month"]
            assert report["mql_leads"] == report["leads_passed"]
            parts["json"] = _without_added(report)
            assert parts["review"].pop("other_lead_types") == {}
    assert now.keys() == before.keys()
    for name in before:
        for part in before[name]:
            assert now[name][part] == before[name][part], (name, part)


# --- a definition whose motions make PQLs and AQLs -----------------------------------------


@pytest.fixture(scope="module")
def motions() -> tuple[duckdb.DuckDBPyConnection, Backtest]:
    con = duckdb.connect()
    load_rows(con, *sample_data(3000, seed=3))
    return con, backtest(con, from_template("big", "30m-plus", date(2025, 1, 1)))


def _by_type(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Each lead type's leads, decisions and conversions, counted here in Python from the
    replay's events and the leads' rows: what the backtest's SQL must agree with."""
    first: dict[tuple[str, str], datetime] = {}
    for lead_id, kind, at in con.execute(
        'SELECT lead_id, lead_type, "at" FROM mql_events'
    ).fetchall():
        key = (str(kind), str(lead_id))
        first[key] = min(first.get(key, at), at)
    leads = {
        str(row[0]): row[1:]
        for row in con.execute(
            "SELECT lead_id, sdr_decision, mql_at, opportunity_at, won_at FROM leads"
        ).fetchall()
    }
    names = ("leads", "accepted", "rejected", "unworked", "no_decision", "opportunities", "won")
    out = {kind: dict.fromkeys(names, 0) for kind in ("mql", "pql", "aql")}
    for (kind, lead_id), at in first.items():
        decision, mql_at, opportunity_at, won_at = leads[lead_id]
        figures = out[kind]
        figures["leads"] += 1
        if decision in ("accepted", "rejected", "unworked"):
            figures[decision] += 1
        else:
            figures["unworked" if mql_at is not None else "no_decision"] += 1
        figures["opportunities"] += (
            opportunity_at is not None and opportunity_at.date() >= at.date()
        )
        figures["won"] += won_at is not None and won_at.date() >= at.date()
    return out


def test_the_mql_figures_count_mql_events_alone(
    motions: tuple[duckdb.DuckDBPyConnection, Backtest],
) -> None:
    con, result = motions
    counted = _by_type(con)
    assert counted["mql"]["leads"] and counted["aql"]["leads"], counted  # AQLs beside MQLs
    mql = counted["mql"]
    # Acceptance and conversion are the MQL leads': before the split they pooled the PQL
    # and AQL leads in (33 accepted, 15 rejected for 75 MQLs, 1 PQL and 15 AQLs).
    got = result.acceptance
    assert (got.accepted, got.rejected, got.unworked, got.no_decision) == (
        mql["accepted"],
        mql["rejected"],
        mql["unworked"],
        mql["no_decision"],
    )
    assert (result.mql_leads, result.opportunities, result.won) == (
        mql["leads"],
        mql["opportunities"],
        mql["won"],
    )
    assert result.mql_leads < result.leads_passed  # the volume line still counts them all
    assert result.opportunity_rate == mql["opportunities"] / mql["leads"]
    # Each other type has its own figures, from the same history.
    for kind in ("pql", "aql"):
        figures = result.lead_types[kind]
        mine = counted[kind]
        assert figures.events == result.by_lead_type[kind]
        assert figures.leads == mine["leads"]
        assert (
            figures.acceptance.accepted,
            figures.acceptance.rejected,
            figures.acceptance.unworked,
            figures.acceptance.no_decision,
        ) == (mine["accepted"], mine["rejected"], mine["unworked"], mine["no_decision"])
        assert (figures.opportunities, figures.won) == (mine["opportunities"], mine["won"])
    # The rejection reasons are the MQLs' rejections.
    assert sum(r.count for r in result.rejection_reasons) <= mql["rejected"]


def test_the_report_and_json_give_pqls_and_aqls_their_own_lines(
    motions: tuple[duckdb.DuckDBPyConnection, Backtest],
) -> None:
    _, result = motions
    lines = backtest_lines(result)
    aql = result.lead_types["aql"]
    assert any(line.startswith("Expected acceptance of MQLs: ") for line in lines)
    assert f"  AQLs: {aql.events} from {aql.leads} leads, " in "\n".join(lines)
    assert any(line.startswith("AQL acceptance: ") for line in lines), lines
    assert any(line.startswith("AQL to opportunity: ") for line in lines), lines
    # This history makes no PQL: the line says so rather than "0 of 0 PQL leads".
    assert result.lead_types["pql"].leads == 0
    assert "PQL acceptance and conversion: no PQL in this history to read" in lines
    assert result.opportunity_rate is not None
    assert (
        f"MQL to opportunity: {result.opportunity_rate * 100:.1f}% "
        f"({result.opportunities} of {result.mql_leads} MQL leads)" in "\n".join(lines)
    )
    assert "Top rejection reasons among the MQLs it passes" in lines
    assert "never an MQL, PQL or AQL before the win" in "\n".join(lines)
    data = result.to_json()
    assert list(data["lead_types"]) == ["mql", "pql", "aql"]
    assert data["lead_types"]["aql"]["acceptance"]["accepted"] == aql.acceptance.accepted
    assert data["lead_types"]["mql"]["leads"] == data["mql_leads"] == result.mql_leads
    assert data["acceptance"]["accepted"] == result.lead_types["mql"].acceptance.accepted
    assert data["mql_per_month"] == round(result.mql_per_month, 2) < data["per_month"]


def test_the_three_numbers_say_they_are_mql_figures(
    motions: tuple[duckdb.DuckDBPyConnection, Backtest],
) -> None:
    con, result = motions
    numbers = three_numbers(result)
    assert "MQL figures" in numbers[0], numbers
    volume = next(line for line in numbers if "MQLs per month" in line)
    assert f" {result.mql_per_month:.1f} " in volume and result.mql_per_month < result.per_month
    assert "by every motion" in next(line for line in numbers if "false negatives" in line)
    # Side by side with a definition without motions, the row is the MQLs' too.
    both = compare(
        con,
        from_template("mid", "3m-10m", date(2025, 1, 1)),
        from_template("big", "30m-plus", date(2025, 1, 1)),
    )
    row = next(line for line in comparison_lines(both) if "MQLs per month" in line)
    assert row.split()[-1] == f"{both.after.mql_per_month:.1f}", row
    assert "MQL figures" in three_numbers(both.after, both.before)[0]


def test_the_reviews_replayed_mqls_leave_a_motions_pqls_and_aqls_apart(
    motions: tuple[duckdb.DuckDBPyConnection, Backtest],
) -> None:
    con, _ = motions
    definition = from_template("big", "30m-plus", date(2025, 1, 1))
    events = con.execute(f'SELECT lead_type, "at" FROM ({compile_replay(definition)})').fetchall()
    # The quarter with the most AQLs beside its MQLs.
    aqls = Counter(Quarter(at.year, (at.month + 2) // 3) for kind, at in events if kind == "aql")
    quarter = aqls.most_common(1)[0][0]
    by_type = Counter(kind for kind, at in events if quarter.start <= at.date() <= quarter.end)
    assert by_type["aql"] and by_type["mql"], by_type
    packet = build_packet(con, definition, "test", quarter)
    replayed = packet.replayed
    assert replayed is not None
    assert replayed.events == by_type["mql"]  # before the split: every type's events
    assert replayed.others == {"pql": by_type["pql"], "aql": by_type["aql"]}
    assert packet.to_json()["replayed"]["other_lead_types"] == replayed.others
    text = "\n".join(line for _title, lines in steps(packet) for line in lines)
    assert f"would have made {replayed.events} MQL events" in text
    assert "not MQL variants (000)" in text
    assert "closed-won leads an MQL, PQL or AQL before the win" in text
