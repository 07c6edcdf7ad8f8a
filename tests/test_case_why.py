"""A case whose expectation no longer says what its why says is named, and only then."""

from __future__ import annotations

from datetime import date

import pytest

from workbench.core.domain.case_why import stated_outcomes, why_mismatch
from workbench.core.domain.definition import EdgeCase, Expectation
from workbench.core.domain.stages import STAGES
from workbench.core.domain.templates import from_template


def _case(why: str, status: str, route: str | None = None) -> EdgeCase:
    return EdgeCase.model_validate(
        {"name": "c", "why": why, "expect": {"status": status, "route": route}, "lead": {}}
    )


@pytest.mark.parametrize("stage", list(STAGES))
def test_no_template_case_is_flagged(stage: str) -> None:
    for case in from_template("acme", stage, date(2026, 5, 1)).cases:
        assert why_mismatch(case) is None, case.name


def test_an_expectation_changed_against_its_why_is_named() -> None:
    competitor = next(
        c for c in from_template("acme", "3m-10m", date(2026, 5, 1)).cases if "competitor" in c.name
    )
    changed = competitor.model_copy(update={"expect": Expectation(status="mql", route="sdr")})
    assert why_mismatch(changed) == ("the why says rejected or review; the case expects mql")


def test_a_route_the_why_names_is_compared_with_the_expected_route() -> None:
    assert why_mismatch(_case("An expansion signal for the account owner.", "routed", "sdr")) == (
        "the why names account-owner; the case expects sdr"
    )
    assert why_mismatch(_case("An expansion signal for the account owner.", "routed")) is None


@pytest.mark.parametrize(
    "why",
    [
        "An expansion signal for the account owner, not a new MQL.",  # denied
        "If agencies are in the ICP, change this to mql.",  # a hypothesis
        "Fails the seniority fit gate.",  # names no outcome
        "",
    ],
)
def test_a_why_that_states_no_other_outcome_is_not_flagged(why: str) -> None:
    assert why_mismatch(_case(why, "rejected")) is None


def test_the_words_read_as_outcomes() -> None:
    states = stated_outcomes("Disqualified; the SDRs never nurture it. Goes to the founder's AE.")
    assert states.statuses == ("rejected",)
    assert states.routes == ("sdr", "ae")  # the founder's AE is an AE: a possessive owns


def test_a_possessive_names_a_person_and_to_marketing_a_route() -> None:
    # Flagged before: "the why names founder; the case expects marketing".
    why = (
        "The founder's time is scarce: an intern's demo request goes to marketing to check "
        "for a buying committee."
    )
    assert stated_outcomes(why).routes == ("marketing",)
    assert why_mismatch(_case(why, "rejected", "marketing")) is None
    assert why_mismatch(_case(why, "mql", "founder")) == (
        "the why names marketing; the case expects founder"
    )
    assert stated_outcomes("Every demo request goes to the founder.").routes == ("founder",)


def test_to_marketing_leadership_is_that_route() -> None:
    assert stated_outcomes("Escalate to marketing leadership for a call.").routes == (
        "marketing-leadership",
    )
