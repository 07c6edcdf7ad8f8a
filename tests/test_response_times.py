"""Response times in business days: written in the file, said in the verdict and the SLA text."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from tests.cli_steps import one_error, run
from workbench.core.domain.definition import Definition
from workbench.core.domain.describe import summary
from workbench.core.domain.evaluator import evaluate
from workbench.core.domain.lead import Lead
from workbench.core.domain.templates import from_template
from workbench.core.files import store

CREATED = date(2025, 1, 15)
NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)


def webinar_definition() -> Definition:
    definition = from_template("acme", "3m-10m", CREATED)
    data = definition.model_dump()
    data["triggers"]["tier2"].append(
        {"kind": "webinar_attended", "min_count": 2, "within_days": 14}
    )
    return Definition.model_validate(data)


def webinar_lead() -> Lead:
    return Lead.model_validate(
        {
            "person": {"title": "VP Ops", "seniority": "vp", "email": "v@fit.example"},
            "company": {
                "name": "Fit",
                "domain": "fit.example",
                "employees": 300,
                "industry": "software",
                "region": "europe",
            },
            "activities": [{"kind": "webinar_attended", "days_ago": 1, "count": 2}],
        }
    )


def test_a_content_triggered_mql_is_answered_within_one_business_day() -> None:
    verdict = evaluate(webinar_definition(), webinar_lead(), NOW)
    assert (verdict.status, verdict.tier, verdict.trigger) == ("mql", 2, "webinar_attended")
    assert verdict.response_business_days == 1 and verdict.response_minutes is None
    assert verdict.respond_within() == "1 business day"
    assert verdict.to_dict()["response_business_days"] == 1


def test_the_kinds_own_key_wins_over_content_and_content_over_the_tier() -> None:
    data = webinar_definition().model_dump()
    data["sla"]["sales"]["response_minutes"]["webinar_attended"] = 30
    verdict = evaluate(Definition.model_validate(data), webinar_lead(), NOW)
    assert (verdict.response_minutes, verdict.response_business_days) == (30, None)
    data["sla"]["sales"]["response_minutes"].pop("webinar_attended")
    data["sla"]["sales"]["response_business_days"] = {}
    verdict = evaluate(Definition.model_validate(data), webinar_lead(), NOW)
    assert verdict.response_minutes == 15  # no content row: the tier 2 fallback


def test_a_segment_key_in_minutes_replaces_the_main_key_in_business_days() -> None:
    definition = from_template("acme", "10m-30m", CREATED)
    data = definition.model_dump()
    for segment in data["segments"]:
        if segment["triggers"] is not None:
            segment["triggers"]["tier2"].append(
                {"kind": "webinar_attended", "min_count": 2, "within_days": 14}
            )
    data["segments"][1]["triggers"] = data["segments"][0]["triggers"]
    data["segments"][1]["response_minutes"] = {"content": 120}
    verdict = evaluate(Definition.model_validate(data), webinar_lead(), NOW)
    assert verdict.segment == "mid-market"
    assert (verdict.response_minutes, verdict.response_business_days) == (120, None)


@pytest.mark.parametrize(
    ("sales", "says"),
    [
        ({"response_business_days": {"content": 0}}, "1 business day or more"),
        ({"response_business_days": {"blog": 1}}, "neither an activity kind"),
        (
            {"response_minutes": {"content": 60}, "response_business_days": {"content": 1}},
            "in both response_minutes and response_business_days",
        ),
    ],
)
def test_bad_business_days_are_refused(sales: dict[str, object], says: str) -> None:
    data = from_template("acme", "3m-10m", CREATED).model_dump()
    data["sla"]["sales"].update(sales)
    with pytest.raises(ValidationError, match=says):
        Definition.model_validate(data)


def test_business_days_are_written_to_the_file_and_read_back(tmp_path: Path) -> None:
    path = store.create(from_template("acme", "3m-10m", CREATED), tmp_path)
    text = path.read_text()
    assert "[sla.sales.response_business_days]\ncontent = 1\n" in text
    assert store.load_definition(path).definition.sla.sales.response_business_days == {"content": 1}


def test_a_definition_without_business_days_writes_no_table(tmp_path: Path) -> None:
    data = from_template("acme", "3m-10m", CREATED).model_dump()
    data["sla"]["sales"]["response_business_days"] = {}
    path = store.create(Definition.model_validate(data), tmp_path)
    assert "response_business_days" not in path.read_text()


def test_the_sla_text_and_the_cli_say_business_days(tmp_path: Path) -> None:
    sla = dict(summary(webinar_definition()))["SLA"]
    assert "content 1 business day" in sla[1] and "tier3 4 h" in sla[1]
    path = store.create(webinar_definition(), tmp_path)
    lead = tmp_path / "lead.toml"
    lead.write_text(
        '[person]\ntitle = "VP Ops"\nseniority = "vp"\nemail = "v@fit.example"\n'
        '[company]\nname = "Fit"\ndomain = "fit.example"\nemployees = 300\n'
        'industry = "software"\nregion = "europe"\n'
        '[[activities]]\nkind = "webinar_attended"\ndays_ago = 1\ncount = 2\n'
    )
    result = run(CliRunner(), "evaluate", path, "--lead", lead)
    assert result.exit_code == 0, result.output
    assert "respond within 1 business day" in result.stdout


def test_a_business_day_typo_in_a_file_is_one_clear_error(tmp_path: Path) -> None:
    path = store.create(from_template("acme", "3m-10m", CREATED), tmp_path)
    path.write_text(path.read_text().replace("content = 1\n", "content = 0\n"))
    one_error(run(CliRunner(), "show", path), 2, "response_business_days", "business day")
