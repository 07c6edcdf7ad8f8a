"""Risky values warned where they are typed (core.risky) and the history's distinct values."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from workbench.core.domain.risky import (
    clause_warnings,
    response_time_warning,
    review_date_warning,
    warnings_at,
)
from workbench.core.domain.templates import from_template
from workbench.core.evidence.distinct import distinct_values


def test_a_review_date_more_than_two_quarters_out_is_warned() -> None:
    today = date(2026, 5, 4)
    assert review_date_warning(date(2026, 9, 30), today) is None
    warning = review_date_warning(date(2027, 5, 4), today)
    assert warning is not None and "two quarters" in warning
    # It said "review at least quarterly (at most 183 days)": two rules in one breath.
    assert "every quarter" in warning and "at most" not in warning


def test_a_response_time_slower_than_the_framework_is_warned() -> None:
    assert response_time_warning("demo_request", 5) is None
    warning = response_time_warning("demo_request", 60)
    assert warning is not None and "5 min" in warning and "demo request" in warning
    assert clause_warnings("sla.sales.response_minutes.tier3", 600, None)
    assert clause_warnings("sla.sales.response_minutes.tier3", 120, None) == []


def test_a_region_the_history_never_uses_is_warned_with_the_values_it_has() -> None:
    history = {"region": ("europe", "north-america"), "industry": ("software",)}
    warnings = clause_warnings("fit.regions", ["North-America", "latam"], history)
    assert len(warnings) == 1
    assert "'latam'" in warnings[0] and "North-America" not in warnings[0]
    assert "europe, north-america" in warnings[0]
    assert clause_warnings("segments.1.fit.industries", ["retail"], history)
    assert clause_warnings("fit.regions", ["europe"], history) == []
    assert clause_warnings("fit.regions", ["latam"], None) == [], "no history, no warning"


def test_distinct_values_of_a_loaded_leads_table() -> None:
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE leads (industry VARCHAR, region VARCHAR)")
    con.execute(
        "INSERT INTO leads VALUES ('software', 'europe'), ('fintech', NULL), "
        "('software', ' '), (NULL, 'north-america')"
    )
    assert distinct_values(con, "industry") == ("fintech", "software")
    assert distinct_values(con, "region") == ("europe", "north-america")
    with pytest.raises(ValueError, match="not a fit column"):
        distinct_values(con, "email; DROP TABLE leads")


def test_warnings_read_the_value_where_the_path_points() -> None:
    from datetime import date

    from workbench.core.domain.clauses import with_clause
    from workbench.core.domain.risky import warnings_at
    from workbench.core.domain.templates import from_template

    definition = from_template("acme", "3m-10m", date(2026, 5, 1))
    slow = with_clause(definition, "sla.sales.response_minutes.tier3", 600)
    assert warnings_at(slow, "sla.sales.response_minutes.tier3", None)
    assert warnings_at(definition, "sla.sales.response_minutes.not_a_trigger", None) == []
    assert warnings_at(definition, "triggers.tier2.99.kind", None) == [], "a rule removed"


def test_a_band_edge_past_the_segments_fit_gate_is_warned_at_that_edge() -> None:
    # bigco's SMB is 50-199 with its own fit gate stopping at 199: widened to 249, companies
    # of 200-249 land in SMB and are rejected by fit. Said at the edge typed, not elsewhere.
    from workbench.core.domain.clauses import with_clause
    from workbench.core.domain.risky import warnings_at
    from workbench.core.domain.templates import from_template

    base = from_template("bigco", "10m-30m", date(2026, 5, 1))
    assert warnings_at(base, "segments.0.max_employees", None) == []
    wide = with_clause(base, "segments.0.max_employees", 249)
    wide = with_clause(wide, "segments.1.min_employees", 250)
    said = warnings_at(wide, "segments.0.max_employees", None)
    assert len(said) == 1 and "companies of 200-249" in said[0], said
    assert warnings_at(wide, "segments.1.min_employees", None) == []
    assert warnings_at(wide, "fit.max_employees", None) == []


def test_a_region_in_other_words_than_the_cases_is_warned_without_a_history() -> None:
    definition = from_template("acme", "3m-10m", date(2026, 1, 1))
    spelled = definition.model_copy(
        update={"fit": definition.fit.model_copy(update={"regions": ["North America"]})}
    )
    (said,) = warnings_at(spelled, "fit.regions", None)
    assert "'North America' as 'north-america'" in said
    assert warnings_at(definition, "fit.regions", None) == []
