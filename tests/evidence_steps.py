"""The definition the replay and engine tests start from: every tier, a score, the review
rule and recycling, small enough to reason about by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

from workbench.core.domain.definition import Definition


def replay_definition(**clauses: Any) -> Definition:
    """A 3m-10m definition with tier 1, a tier 2 rule, tier 3 scoring and a competitor;
    `clauses` replace whole top-level clauses."""
    data: dict[str, Any] = {
        "name": "Replay test",
        "slug": "replay-test",
        "stage": "3m-10m",
        "created": date(2025, 1, 1),
        "fit": {"min_employees": 50, "competitors": ["rivalcrm.com"]},
        "triggers": {
            "tier1": ["demo_request"],
            "tier2": [{"kind": "pricing_page_view", "min_count": 2, "within_days": 7}],
            "tier3": True,
        },
        "scoring": {
            "threshold": 30,
            "window_days": 90,
            "activity_points": {"webinar_attended": 10},
        },
        "review_rule": {"high_intent": ["webinar_attended"]},
        "recycling": {"resubmit_after_days": 90},
        **clauses,
    }
    return Definition.model_validate(data)
