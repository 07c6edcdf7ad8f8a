"""Where the material disagrees: each definition says which reading it follows, from its clauses."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.cli_steps import run
from workbench.core.domain.clauses import with_clause
from workbench.core.domain.definition import Definition
from workbench.core.domain.describe import summary
from workbench.core.domain.lint import lint, scored_hand_raises
from workbench.core.domain.readings import engagement_reading, hand_raise_reading, readings
from workbench.core.domain.templates import from_template
from workbench.core.domain.vocab import STAGE_IDS
from workbench.core.files import store

CREATED = date(2025, 1, 15)


def edited(change: dict[str, Any]) -> Definition:
    data = from_template("acme", "3m-10m", CREATED).model_dump()
    data["triggers"].update(change.get("triggers", {}))
    data["scoring"]["activity_points"].update(change.get("points", {}))
    return Definition.model_validate(data)


@pytest.mark.parametrize("stage", STAGE_IDS)
def test_every_template_follows_the_framework_on_hand_raises(stage: str) -> None:
    line = hand_raise_reading(from_template("acme", stage, CREATED))
    assert line.startswith("Hand raise: this follows the framework (001)")
    assert "scoring article (002)" in line


@pytest.mark.parametrize(
    ("change", "starts", "names"),
    [
        (
            {"triggers": {"tier1": []}, "points": {"demo_request": 30}},
            "Hand raise: this follows the scoring article (002): demo request earns points",
            "the framework (001) makes a hand raise a tier 1 MQL",
        ),
        (
            {"triggers": {"tier1": ["demo_request"]}, "points": {"demo_request": 30}},
            "Hand raise: this mixes both",
            "scoring.activity_points (002)",
        ),
        (
            {"triggers": {"tier1": []}},
            "Hand raise: neither tier 1 nor scoring names one",
            "+30",
        ),
    ],
)
def test_the_hand_raise_reading_is_read_from_the_clauses(
    change: dict[str, Any], starts: str, names: str
) -> None:
    line = hand_raise_reading(edited(change))
    assert line.startswith(starts) and names in line


def test_the_acceptance_reading_names_both_bands() -> None:
    line = readings(from_template("acme", "3m-10m", CREATED))[2]
    assert "40-60% accepted is healthy" in line and "above 60%" in line
    # 002: "calibrated to produce a SAL acceptance rate of 60-75%. If acceptance rates are
    # lower, the threshold is too low": its line is at 60%, not 001's 40% (it was misquoted).
    assert "60-75% SAL acceptance" in line and "under 60%" in line
    assert "under 40%" not in line


@pytest.mark.parametrize(
    ("stage", "starts", "names"),
    [
        ("3m-10m", "Engagement: this follows the framework (001)", "tier 2 high-intent visits"),
        ("3m-10m", "Engagement: this follows the framework (001)", "a tier 3 score"),
        ("pre-1m", "Engagement: this follows the framework (001)", "a MAL kept in nurture"),
    ],
)
def test_the_engagement_reading_is_read_from_the_clauses(
    stage: str, starts: str, names: str
) -> None:
    # 000: "An MQL is a hand raise. Nothing more, nothing less." 001's tier 2 and tier 3 make
    # MQLs of engagement too. Each definition says which it follows.
    line = readings(from_template("acme", stage, CREATED))[1]
    assert line.startswith(starts) and names in line, line


def test_hand_raises_alone_follow_the_hand_raise_article_on_engagement() -> None:
    definition = from_template("acme", "pre-1m", CREATED)
    line = engagement_reading(definition)
    assert "tier 2 high-intent visits" in line and "tier 3" not in line, line
    definition.triggers.tier2 = []
    line = engagement_reading(definition)
    assert line.startswith("Engagement: this follows the hand-raise article (000)"), line
    assert "engagement alone stays in nurture" in line


def test_show_says_which_reading_it_follows(tmp_path: Path) -> None:
    sections = dict(summary(from_template("acme", "3m-10m", CREATED)))
    assert len(sections["Where the material disagrees"]) == 3
    path = store.create(from_template("acme", "3m-10m", CREATED), tmp_path)
    result = run(CliRunner(), "show", path)
    assert result.exit_code == 0, result.output
    assert "Where the material disagrees" in result.stdout
    assert "Hand raise: this follows the framework (001)" in result.stdout


def test_the_hand_raise_note_says_cannot_be_signed_exactly_where_check_fails() -> None:
    # A scored hand raise in tier 1 fails `check` (demo-request-scored); the same points on a
    # hand raise that is a tier 4 trigger (instant too) do not, and the note must not claim so.
    base = from_template("acme", "3m-10m", date(2026, 5, 1))
    tier1_scored = with_clause(base, "scoring.activity_points.demo_request", 30)
    assert "cannot be signed" in hand_raise_reading(tier1_scored)
    tier4 = with_clause(base, "triggers.tier1", ["demo_request", "pricing_inquiry"])
    tier4 = with_clause(tier4, "triggers.tier4", ["sales_requested", "contact_sales"])
    tier4_scored = with_clause(tier4, "scoring.activity_points.contact_sales", 20)
    assert not scored_hand_raises(tier4_scored)
    assert "cannot be signed" not in hand_raise_reading(tier4_scored)
    assert "cannot be signed" not in hand_raise_reading(base)


def test_the_hand_raise_note_says_when_no_trigger_is_left() -> None:
    base = from_template("acme", "3m-10m", date(2026, 5, 1))
    cleared = base
    for clause, value in (
        ("triggers.tier1", []),
        ("triggers.tier2", []),
        ("triggers.tier3", False),
        ("triggers.tier4", []),
    ):
        assert "no-trigger" not in hand_raise_reading(cleared)
        cleared = with_clause(cleared, clause, value)
    line = hand_raise_reading(cleared)
    assert "no lead can become an MQL" in line and "(no-trigger) and cannot be signed" in line
    assert "no-trigger" in {f.rule for f in lint(cleared, today=date(2026, 5, 2))}
    # A version signed by an earlier workbench that did not refuse it: check fails it, but
    # "cannot be signed" would be untrue of a signed file.
    signed = cleared.model_copy(update={"status": "signed"})
    assert signed.is_signed
    line = hand_raise_reading(signed)
    assert line.endswith("this fails `workbench check` (no-trigger).")
