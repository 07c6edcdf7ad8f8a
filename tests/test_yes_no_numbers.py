"""A TOML boolean where a file wants a number is refused, never read as 1 or 0."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from workbench.core.domain.definition import Scoring
from workbench.core.domain.lead import Activity, Company, Lead


def _refusal(build: Any) -> tuple[tuple[Any, ...], str]:
    with pytest.raises(ValidationError) as raised:
        build()
    (error,) = raised.value.errors()
    return tuple(error["loc"]), str(error["msg"])


@pytest.mark.parametrize("value", [True, False])
def test_a_count_that_is_a_yes_no_is_refused(value: bool) -> None:
    loc, message = _refusal(lambda: Company(employees=value))
    assert loc == ("employees",)
    assert "a number expected, not a yes/no" in message


def test_a_whole_number_or_decimal_that_is_a_yes_no_is_refused() -> None:
    assert _refusal(lambda: Activity(kind="demo_request", days_ago=True))[0] == ("days_ago",)


def test_a_points_table_names_the_entry_that_is_a_yes_no() -> None:
    loc, message = _refusal(
        lambda: Scoring(threshold=50, activity_points={"demo_request": 20, "webinar": True})
    )
    assert loc == ("activity_points",)
    assert "webinar: a number expected, not a yes/no (got true)" in message


def test_a_yes_no_typed_over_a_number_is_refused() -> None:
    company = Company(employees=40)
    with pytest.raises(ValidationError):
        company.employees = True
    assert company.employees == 40


def test_numbers_and_real_yes_nos_still_read() -> None:
    lead = Lead.model_validate(
        {
            "company": {"employees": 0, "target_account": True},
            "activities": [{"kind": "demo_request", "days_ago": 1.5, "count": 2}],
        }
    )
    assert lead.company.employees == 0 and lead.company.target_account is True
    assert lead.activities[0].days_ago == 1.5 and lead.activities[0].count == 2
    scoring = Scoring(threshold=50, activity_points={"demo_request": 20})
    assert scoring.activity_points == {"demo_request": 20}


def test_every_number_field_of_every_file_model_is_checked() -> None:
    """The check runs on the fields `NUMBER_FIELDS` names: a number field added to a file
    model without its name there would read `true` as 1 again."""
    import workbench.core.domain.definition
    import workbench.core.evidence.settings  # noqa: F401  (their models subclass Strict)
    from workbench.core.domain.lead import NUMBER_FIELDS, Strict, _number_shape

    def models(base: type[Strict]) -> list[type[Strict]]:
        found = []
        for sub in base.__subclasses__():
            found += [sub, *models(sub)]
        return found

    missing = {
        f"{model.__name__}.{name}"
        for model in models(Strict)
        for name, field in model.model_fields.items()
        if _number_shape(field.annotation) is not None and name not in NUMBER_FIELDS
    }
    assert not missing
    assert len(models(Strict)) > 20
