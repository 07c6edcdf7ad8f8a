"""Sample data: reproducible to the byte, with the promised mix, and the sample-data command."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli_steps import one_error
from workbench.cli import app
from workbench.core.domain.vocab import STANDARD_REJECTION_REASONS
from workbench.core.evidence.load import load_evidence
from workbench.core.evidence.sample import (
    COMPETITORS,
    DEFAULT_EPOCH,
    activities_csv,
    leads_csv,
    sample_data,
)
from workbench.core.evidence.tables import LeadRow


def test_the_same_seed_gives_the_same_bytes() -> None:
    first = sample_data(300, seed=5)
    second = sample_data(300, seed=5)
    assert leads_csv(first[0]) == leads_csv(second[0])
    assert activities_csv(first[1]) == activities_csv(second[1])
    other = sample_data(300, seed=6)
    assert leads_csv(other[0]) != leads_csv(first[0])


def test_the_sample_has_the_promised_mix() -> None:
    leads, activities = sample_data(1500, seed=1)
    assert len({lead.lead_id for lead in leads}) == 1500
    relationships = Counter(lead.relationship for lead in leads)
    assert relationships["competitor"] > 0 and relationships["customer"] > 0
    competitor_domains = {domain for _name, domain in COMPETITORS}
    assert any(
        lead.domain in competitor_domains and lead.relationship == "prospect" for lead in leads
    )
    assert Counter(lead.persona for lead in leads)["student"] > 0
    assert sum(lead.seniority is None for lead in leads) > 100
    titles = [lead.title or "" for lead in leads]
    assert any(t.islower() for t in titles) and any(t.isupper() for t in titles)
    assert any(word in t for t in titles for word in ("Sr.", "Mgr", "Dirctor", "Manger", "V.P."))

    demos: dict[str, list[datetime]] = {}
    for activity in activities:
        if activity.kind == "demo_request":
            demos.setdefault(activity.lead_id, []).append(activity.at)
    resubmits = [
        at for at in demos.values() if len(at) > 1 and max(at) - min(at) >= timedelta(days=90)
    ]
    assert len(resubmits) > 5

    decisions = Counter(lead.sdr_decision for lead in leads)
    assert decisions["accepted"] and decisions["rejected"] and decisions["unworked"]
    reasons = {lead.rejection_reason for lead in leads if lead.rejection_reason}
    assert reasons <= set(STANDARD_REJECTION_REASONS) and len(reasons) >= 4
    won = [lead for lead in leads if lead.won_at is not None]
    assert won and all(lead.amount and lead.opportunity_at for lead in won)
    assert all(lead.created_at >= DEFAULT_EPOCH for lead in leads)


def test_fit_and_intent_go_with_outcomes() -> None:
    leads, _ = sample_data(2000, seed=3)

    def accepted_rate(rows: list[LeadRow]) -> float:
        decided = [r for r in rows if r.sdr_decision in ("accepted", "rejected")]
        return float(sum(r.sdr_decision == "accepted" for r in decided) / len(decided))

    good = [
        lead
        for lead in leads
        if lead.persona == "employee"
        and lead.employees is not None
        and 50 <= lead.employees <= 1000
        and lead.industry in ("software", "fintech")
    ]
    rest = [lead for lead in leads if lead not in good]
    assert accepted_rate(good) > accepted_rate(rest) + 0.2


def test_sample_data_command_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["sample-data", "--leads", "120", "--seed", "9", "--out", str(tmp_path)]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    assert "leads.csv (120 leads)" in done.stdout
    leads_bytes = (tmp_path / "leads.csv").read_bytes()
    assert leads_bytes == leads_csv(sample_data(120, seed=9)[0])

    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert "leads.csv: already exists" in again.stderr
    assert "activities.csv: already exists" in again.stderr
    assert (tmp_path / "leads.csv").read_bytes() == leads_bytes

    parquet = runner.invoke(app, [*args, "--format", "parquet"])
    assert parquet.exit_code == 0, parquet.output
    evidence = load_evidence(tmp_path / "leads.parquet", tmp_path / "activities.parquet")
    assert len(evidence.leads) == 120 and evidence.problems.skipped == 0
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_sample_data_command_rejects_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["sample-data", "--leads", "0", "--out", str(tmp_path)])
    assert done.exit_code == 2
    assert "--leads: must be 1 or more" in done.stderr
    a_file = tmp_path / "file"
    a_file.write_text("x")
    done = runner.invoke(app, ["sample-data", "--leads", "5", "--out", str(a_file)])
    assert done.exit_code == 2
    assert "is a file, expected a folder" in done.stderr


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_sample_data_under_a_file_is_bad_input_not_a_traceback(tmp_path: Path, fmt: str) -> None:
    """--out inside a path whose parent is a file: one located error, exit 2, nothing written
    (Parquet raised NotADirectoryError from the folder it makes; found by the command fuzz)."""
    a_file = tmp_path / "file"
    a_file.write_text("x")
    out = a_file / "sub"
    done = CliRunner().invoke(app, ["sample-data", "-n", "3", "--out", str(out), "-f", fmt])
    one_error(done, 2, f"{out / f'leads.{fmt}'}: cannot write: Not a directory")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_nothing_happens_after_the_export_date() -> None:
    from datetime import timedelta

    from workbench.core.evidence.sample import DEFAULT_EPOCH

    leads, activities = sample_data(600, seed=4, days=200)
    export = DEFAULT_EPOCH + timedelta(days=200)
    assert activities and max(a.at for a in activities) <= export
    for lead in leads:
        for moment in (lead.mql_at, lead.opportunity_at, lead.won_at):
            assert moment is None or moment <= export
        if lead.mql_at is None:
            assert lead.sdr_decision is None and lead.won_at is None
    # Some leads were mid-journey at the export: their later steps are simply not there yet.
    assert any(lead.opportunity_at is not None and lead.won_at is None for lead in leads)
