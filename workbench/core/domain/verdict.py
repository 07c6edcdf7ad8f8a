"""What the evaluator returns: a verdict and the clauses that decided it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbench.core.domain.framework import ResponseTime
from workbench.core.domain.phrases import trigger_label


@dataclass(frozen=True, slots=True)
class Reason:
    """One plain sentence, tied to the clause (its path in the file) that decided."""

    clause: str
    text: str

    def __str__(self) -> str:
        return f"{self.text} [{self.clause}]"


@dataclass(frozen=True, slots=True)
class Verdict:
    status: str
    route: str
    lead_type: str = "mql"
    tier: int | None = None
    trigger: str | None = None
    response_minutes: int | None = None
    response_business_days: int | None = None
    segment: str | None = None
    motion: str | None = None
    score: int | None = None
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    # The fit axis beside the behaviour score: None when the fit gate keeps no fit score.
    fit_score: int | None = None

    def clauses(self) -> tuple[str, ...]:
        return tuple(reason.clause for reason in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "route": self.route,
            "lead_type": self.lead_type,
            "tier": self.tier,
            "trigger": self.trigger,
            "response_minutes": self.response_minutes,
            "response_business_days": self.response_business_days,
            "segment": self.segment,
            "motion": self.motion,
            "score": self.score,
            "fit_score": self.fit_score,
            "reasons": [{"clause": r.clause, "text": r.text} for r in self.reasons],
        }

    def respond_within(self) -> str | None:
        """The first-response deadline in words: '5 min', '4 h', '1 business day'."""
        if self.response_business_days is not None:
            return ResponseTime(business_days=self.response_business_days).text()
        if self.response_minutes is not None:
            return ResponseTime(minutes=self.response_minutes).text()
        return None

    def summary(self) -> str:
        """The verdict in the room's words: 'mql → sdr (tier 1, demo request)'."""
        extra = []
        if self.tier is not None:
            extra.append(f"tier {self.tier}")
        if self.trigger:
            extra.append(trigger_label(self.trigger))
        if self.lead_type != "mql":
            extra.append(self.lead_type.upper())
        if self.segment:
            extra.append(self.segment)
        tail = f" ({', '.join(extra)})" if extra else ""
        return f"{self._status_route()}{tail}"

    def _status_route(self) -> str:
        """'rejected → marketing', or just 'nurture' when the route only repeats the status."""
        return self.status if self.route == self.status else f"{self.status} → {self.route}"

    def short(self) -> str:
        """The verdict in a table cell, in the room's words: 'mql → sdr, tier 1', 'nurture'."""
        text = self._status_route()
        if self.tier is not None:
            text += f", tier {self.tier}"
        if self.lead_type != "mql":
            text += f", {self.lead_type.upper()}"
        return text
