"""The backtest's numbers on hand-built history, where every count is known in advance."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from workbench.core.domain.definition import Definition
from workbench.core.domain.errors import AlreadyExists, InputError
from workbench.core.domain.templates import from_template
from workbench.core.evidence.backtest import Acceptance, backtest, compare
from workbench.core.evidence.engine import compile_replay, load_rows
from workbench.core.evidence.replay import replay
from workbench.core.evidence.report import backtest_lines, comparison_lines, monthly_chart
from workbench.core.evidence.sample import sample_data
from workbench.core.evidence.settings import (
    EvidenceSource,
    choose_source,
    load_source,
    save_source,
)
from workbench.core.evidence.tables import ActivityRow, LeadRow

T0 = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)


def make(**clauses: Any) -> Definition:
    data: dict[str, Any] = {
        "name": "Backtest test",
        "slug": "backtest-test",
        "stage": "1m-3m",
        "created": date(2025, 1, 1),
        "fit": {"min_employees": 20},
        "triggers": {"tier1": ["demo_request"]},
        "recycling": {"resubmit_after_days": 90},
        **clauses,
    }
    return Definition.model_validate(data)


def lead(lead_id: str, **fields: Any) -> LeadRow:
    return LeadRow(**{"lead_id": lead_id, "created_at": T0, "employees": 100, **fields})


def demo(lead_id: str, days: float) -> ActivityRow:
    return ActivityRow(lead_id, "demo_request", T0 + timedelta(days=days))


def history() -> tuple[list[LeadRow], list[ActivityRow]]:
    leads = [
        lead("A", sdr_decision="accepted", opportunity_at=T0 + timedelta(days=5)),
        lead(
            "B",
            sdr_decision="accepted",
            opportunity_at=T0 + timedelta(days=5),
            won_at=T0 + timedelta(days=40),
        ),
        lead("C", sdr_decision="rejected", rejection_reason="Bad fit (company)"),
        lead("D", sdr_decision="rejected", rejection_reason="bad-fit-company"),
        lead("E", sdr_decision="rejected", rejection_reason="timing"),
        lead("F", sdr_decision="unworked"),
        lead("G"),  # never sent to an SDR
        lead("H", employees=5, won_at=T0 + timedelta(days=60)),  # too small: a false negative
        lead("I", won_at=T0 + timedelta(days=1)),  # won before its demo request: missed too
    ]
    acts = [
        demo("A", 0),
        demo("A", 100),  # a resubmit past the 90-day window: a second event
        demo("B", 1),
        demo("C", 31),
        demo("D", 32),
        demo("E", 33),
        demo("F", 34),
        demo("G", 35),
        demo("H", 2),
        demo("I", 3),
        ActivityRow("G", "blog_visit", T0 + timedelta(days=140)),
    ]
    return leads, acts


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    load_rows(connection, *history())
    return connection


def test_counts_events_months_and_outcomes(con: duckdb.DuckDBPyConnection) -> None:
    result = backtest(con, make())
    assert result.events == 9  # A twice; B-G, I once; H fails the fit gate
    assert result.leads_passed == 8
    assert [m for m, _ in result.monthly] == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
    # Jan 10-31: A, B, I (day 3); Feb: C, D, E, F, G (days 31-35); Apr 20: A's resubmit.
    assert dict(result.monthly) == {
        "2025-01": 3,
        "2025-02": 5,
        "2025-03": 0,
        "2025-04": 1,
        "2025-05": 0,
    }
    # Jan starts on the 10th and May ends on the 30th: the average is over Feb-Apr only.
    assert result.complete_months == ("2025-02", "2025-03", "2025-04")
    assert result.per_month == pytest.approx(6 / 3)
    assert result.recent_per_month == pytest.approx(6 / 3)
    assert result.by_tier == {"tier 1": 9}
    assert result.acceptance == Acceptance(accepted=2, rejected=3, unworked=1, no_decision=2)
    # 001's accepted / total MQLs, as `review` and `metrics` read it: the unworked one counts
    # as not accepted (2 of 6, "30-40%"); among the five decided it would be 40% ("healthy").
    assert result.acceptance.rate == pytest.approx(2 / 6)
    assert result.acceptance.rate_of_decided == pytest.approx(0.4)
    assert result.acceptance.band() is not None
    assert result.acceptance.band()[0].startswith("30-40%")  # type: ignore[index]
    assert (result.opportunities, result.won) == (2, 1)  # I was won before its MQL
    assert (result.false_negatives.won, result.false_negatives.missed) == (3, 2)
    assert result.false_negatives.alarm


def test_a_crm_mql_left_without_a_decision_counts_as_not_accepted(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # As the quarterly review counts it (accepted / all the quarter's MQLs): a lead the CRM
    # handed over (mql_at) with no decision recorded is not accepted; one never handed over
    # has nothing to count (found by review: both had been "never sent to an SDR").
    before = backtest(con, make()).acceptance
    assert before.no_decision == 2
    con.execute(
        "UPDATE leads SET mql_at = created_at WHERE lead_id = "
        "(SELECT min(lead_id) FROM leads WHERE sdr_decision IS NULL)"
    )
    after = backtest(con, make()).acceptance
    assert (after.unworked, after.no_decision) == (before.unworked + 1, 1)
    assert after.rate == pytest.approx(2 / 7)


def test_rejection_reasons_merge_spellings_and_carry_advice(con: duckdb.DuckDBPyConnection) -> None:
    reasons = backtest(con, make()).rejection_reasons
    assert [(r.reason, r.count) for r in reasons] == [("bad-fit-company", 2), ("timing", 1)]
    assert "tighten the size, industry or region gate" in reasons[0].advice
    assert reasons[0].share == pytest.approx(2 / 3)


def test_the_events_are_the_reference_replays(con: duckdb.DuckDBPyConnection) -> None:
    definition = make()
    backtest(con, definition)
    rows = con.execute('SELECT lead_id, "at" FROM mql_events ORDER BY lead_id, "at"').fetchall()
    expected = sorted((e.lead_id, e.at) for e in replay(definition, *history()))
    assert [(lead_id, at.replace(tzinfo=UTC)) for lead_id, at in rows] == expected


@pytest.mark.parametrize(
    ("accepted", "rejected", "band"),
    [
        (7, 3, "above 60%"),
        (5, 5, "40-60%"),
        (35, 65, "30-40%"),
        (1, 9, "below 30%"),
        (3, 7, "30-40%"),
    ],
)
def test_acceptance_bands(accepted: int, rejected: int, band: str) -> None:
    found = Acceptance(accepted, rejected, 0, 0).band()
    assert found is not None and found[0].startswith(band)


def test_no_mql_sent_to_an_sdr_means_no_band() -> None:
    assert Acceptance(0, 0, 0, 2).band() is None
    # Four MQLs nobody worked: none accepted, 001's rate is 0%.
    found = Acceptance(0, 0, 4, 2).band()
    assert found is not None and found[0].startswith("below 30%")


def test_compare_names_the_leads_gained_and_lost(con: duckdb.DuckDBPyConnection) -> None:
    looser = make(fit={"min_employees": 1})
    result = compare(con, make(), looser)
    assert (result.gained, result.lost, result.gained_won) == (1, 0, 1)  # H is back
    text = "\n".join(comparison_lines(result))
    assert "gains 1 lead (" in text and "1 closed-won" in text


def test_compare_reuses_the_signed_sides_result(con: duckdb.DuckDBPyConnection) -> None:
    signed = make()
    first = compare(con, signed, make(fit={"min_employees": 1}))
    # The draft changes again; the signed side's events are still on the connection.
    stricter = make(fit={"min_employees": 500})
    again = compare(con, signed, stricter, before_result=first.before)
    assert again == compare(con, signed, stricter)
    assert again.before is first.before and again.lost > 0


def test_the_report_reads_in_words(con: duckdb.DuckDBPyConnection) -> None:
    text = "\n".join(backtest_lines(backtest(con, make())))
    assert (
        "2.0 per month over 3 complete months (below the $1-3M ARR typical 20-50/month; "
        "the SLA commits to about 100 MQLs a month, 50 to 200)"
    ) in text
    # Marketing would sign a volume the definition does not make: said before signing.
    assert (
        "The SLA commits marketing to about 100 MQLs a month, 50 to 200; this definition "
        "would have made 2: change" in text
    )
    # Far over the commitment is more than sales agreed to work, as `sla` flags it.
    base = backtest(con, make(sla={"marketing": {"monthly_volume": 1}}))
    assert base.volume_standing() == "about"  # 2 a month is twice 1: still about it
    over = dataclasses.replace(base, mql_monthly=[(m, 3 * n) for m, n in base.monthly])
    assert over.volume_standing() == "over"
    assert "more than sales agreed to answer at the SLA's response times" in " ".join(over.advice())
    within = backtest(con, make(sla={"marketing": {"monthly_volume": 3}}))
    assert not within.volume_off_commitment() and "SLA" not in " ".join(within.advice())
    # A signed version is past "before both sides sign": the change is a new version.
    assert "before both sides sign" in " ".join(over.advice())
    signed = dataclasses.replace(over, definition=over.definition.replace("(draft)", "(signed)"))
    assert signed.definition.endswith("(signed)")
    said = " ".join(signed.advice())
    assert "in a new version (workbench new-version)" in said and "both sides sign" not in said
    assert "last 3 complete months: 2.0 per month" in text
    assert "Expected acceptance: 33.3% (30-40%: acceptable" in text
    assert "2 accepted, 3 rejected, 1 never worked" in text
    assert "of those sales decided on, 40.0% were accepted" in text
    assert "2 never sent to an SDR by the old process are not counted" in text
    assert "False negatives: 66.7% (2 of 3 closed-won" in text and "above the 10% alarm" in text
    assert "Bad fit (company)" in text and "tighten" in text


def test_the_chart_scales_bars_and_marks_the_typical_range(con: duckdb.DuckDBPyConnection) -> None:
    lines = monthly_chart(backtest(con, make()), width=20)
    bars = {line.split()[0]: line for line in lines[:-1]}
    assert bars["2025-02"].count("█") > bars["2025-01"].count("█") > 0
    assert "┆" in bars["2025-03"]  # an empty month still shows where "typical" starts
    assert "typical 20-50/month" in lines[-1]


def test_a_month_the_history_barely_reaches_is_marked_partial() -> None:
    # The 30k sample ends on one activity at 2026-01-01T00:00Z: its month read "2026-01 ... 0"
    # in the chart and counted in "13 months", unmarked, beside twelve whole months.
    leads = [lead("A"), lead("B")]
    acts = [
        ActivityRow("A", "demo_request", datetime(2025, 2, 1, 10, tzinfo=UTC)),
        ActivityRow("B", "demo_request", datetime(2025, 3, 12, 10, tzinfo=UTC)),
        ActivityRow("B", "email_open", datetime(2025, 4, 1, 0, 0, tzinfo=UTC)),
    ]
    connection = duckdb.connect()
    load_rows(connection, leads, [ActivityRow("A", "email_open", datetime(2025, 2, 1)), *acts])
    result = backtest(connection, make())
    assert result.complete_months == ("2025-02", "2025-03")
    lines = backtest_lines(result)
    assert "2025-02-01 to 2025-04-01, 3 months (2025-04 partial)" in lines[1]
    bars = {line.split()[0]: line for line in monthly_chart(result, width=20)[:-2]}
    assert bars["2025-04"].endswith("0  partial")
    assert not bars["2025-03"].endswith("partial")
    assert "partial: only part of the month is in the history (not averaged)" in "\n".join(lines)


def test_a_template_on_sample_data_gives_a_full_report() -> None:
    leads, acts = sample_data(1500, seed=5)
    connection = duckdb.connect()
    load_rows(connection, leads, acts)
    result = backtest(connection, from_template("sample", "1m-3m", date(2025, 1, 1)))
    assert result.events > 0 and result.acceptance.decided > 0
    data = result.to_json()
    assert data["per_month"] == round(result.per_month, 2)
    assert data["acceptance"]["band"] is not None
    assert len(data["monthly"]) == len(result.monthly)


# --- where the data lives ------------------------------------------------------------------


def test_evidence_toml_round_trips_with_relative_paths(tmp_path: Path) -> None:
    folder = tmp_path / "definitions"
    folder.mkdir()
    data = tmp_path / "data"
    source = EvidenceSource(data / "leads.csv", data / "activities.csv", "hubspot")
    path = save_source(folder, source)
    assert 'leads = "../data/leads.csv"' in path.read_text()
    found = load_source(folder)
    assert found is not None
    assert found.leads.resolve() == source.leads.resolve()
    assert found.mapping == "hubspot"
    with pytest.raises(AlreadyExists, match="already exists"):
        save_source(folder, source)


def test_flags_win_and_half_a_pair_is_refused(tmp_path: Path) -> None:
    save_source(tmp_path, EvidenceSource(tmp_path / "a.csv", tmp_path / "b.csv"))
    chosen = choose_source(tmp_path, tmp_path / "x.csv", tmp_path / "y.csv", None)
    assert chosen.leads.name == "x.csv"
    assert choose_source(tmp_path, None, None, "salesforce").mapping == "salesforce"
    with pytest.raises(InputError, match="give --activities too"):
        choose_source(tmp_path, tmp_path / "x.csv", None, None)


def test_no_data_says_how_to_set_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"evidence\.toml"):
        choose_source(tmp_path, None, None, None)


def test_a_bad_evidence_toml_is_located(tmp_path: Path) -> None:
    (tmp_path / "evidence.toml").write_text('leads = "a.csv"\nactivitys = "b.csv"\n')
    with pytest.raises(InputError) as caught:
        load_source(tmp_path)
    assert "evidence.toml:2" in str(caught.value)


def test_a_same_day_win_with_a_date_only_close_counts_as_converted() -> None:
    # CRMs often keep close dates without a time: a win dated the day of the 10:00 MQL is
    # converted from it, not a false negative.
    day = datetime(2025, 3, 5, tzinfo=UTC)
    leads = [lead("A", won_at=day, opportunity_at=day)]
    connection = duckdb.connect()
    load_rows(connection, leads, [demo("A", (day - T0).days + 10 / 24)])
    result = backtest(connection, make())
    assert (result.won, result.opportunities) == (1, 1)
    assert result.false_negatives.missed == 0


@pytest.mark.parametrize(
    ("accepted", "rejected", "band"),
    [(1501, 999, "40-60%"), (2999, 7001, "30-40%"), (6, 4, "40-60%")],
)
def test_bands_follow_the_rate_as_printed(accepted: int, rejected: int, band: str) -> None:
    # 60.04% prints as 60.0% and 29.99% as 30.0%: the band must agree with what is read.
    found = Acceptance(accepted, rejected, 0, 0).band()
    assert found is not None and found[0].startswith(band)


def test_the_report_says_which_reading_of_the_material_it_follows(
    con: duckdb.DuckDBPyConnection,
) -> None:
    lines = backtest_lines(backtest(con, make()))
    at = lines.index("Where the material disagrees")
    assert lines[at + 1].startswith("  Hand raise: this follows the framework (001)")
    assert lines[at + 2].startswith("  Engagement: ")
    assert "40-60% accepted is healthy" in lines[at + 3]
    assert "60-75% SAL acceptance" in lines[at + 3]


def test_reasons_are_tallied_by_key_and_named_by_their_most_frequent_spelling() -> None:
    from workbench.core.evidence.backtest import tally_reasons

    given = [
        ("Bad fit (company)", 2),
        ("Wrong region", 1),
        ("bad_fit_company", 3),
        ("wrong region", 2),
        ("Budget", 1),
        ("budget", 1),
    ]
    assert tally_reasons(given) == [
        ("bad-fit-company", "bad_fit_company", 5),
        ("wrong-region", "wrong region", 3),
        ("budget", "Budget", 2),  # a tie between spellings: the first by text, every run
    ]
    # The order the rows come in (a GROUP BY's) does not change the name.
    assert tally_reasons(list(reversed(given))) == tally_reasons(given)


def test_the_sla_commitment_is_read_against_mqls_alone_not_a_motions_pqls() -> None:
    """A $30M+ definition's events hold PQLs and AQLs beside MQLs; marketing's "about N MQLs
    a month" is about MQLs."""
    con = duckdb.connect()
    load_rows(con, *sample_data(3000, seed=3))
    definition = from_template("big", "30m-plus", date(2025, 1, 1))
    result = backtest(con, definition)
    by_type = dict(
        con.execute(
            "SELECT lead_type, count(*) FROM (" + compile_replay(definition) + ") GROUP BY 1"
        ).fetchall()
    )
    assert set(by_type) > {"mql"}  # the motions made PQLs or AQLs too
    assert sum(n for _, n in result.mql_monthly) == by_type["mql"]
    assert sum(n for _, n in result.monthly) == sum(by_type.values())
    assert result.mql_per_month < result.per_month


def test_a_motions_pqls_and_aqls_are_named_apart_from_mqls_in_the_report() -> None:
    # 000: PQLs and AQLs "aren't variations" of the MQL; the report said "MQLs: 40" for 37
    # MQLs and 3 AQLs.
    con = duckdb.connect()
    load_rows(con, *sample_data(3000, seed=3))
    result = backtest(con, from_template("big", "30m-plus", date(2025, 1, 1)))
    by_type = result.by_lead_type
    assert list(by_type) == ["mql", "pql", "aql"], by_type
    assert sum(by_type.values()) == result.events and by_type["mql"] < result.events
    lines = backtest_lines(result)
    assert lines[3].startswith(f"MQLs, PQLs and AQLs: {result.events} from "), lines[3]
    for line, kind in zip(lines[4:7], ("MQL", "PQL", "AQL"), strict=True):
        assert line.startswith(f"  {kind}s: {by_type[kind.lower()]} from "), line
    assert "not MQL variants (000)" in lines[7]
    assert "MQLs, PQLs and AQLs per month" in lines
    assert result.to_json()["by_lead_type"] == by_type
    # Where every event is an MQL, the report says MQLs and nothing more.
    plain = backtest(con, from_template("mid", "3m-10m", date(2025, 1, 1)))
    assert plain.by_lead_type == {}
    plain_lines = backtest_lines(plain)
    assert plain_lines[3].startswith("MQLs: ") and "MQLs per month" in plain_lines
    assert not any("not MQL variants" in line for line in plain_lines)
