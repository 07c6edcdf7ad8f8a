"""The five company stages and what the framework says each one needs."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.domain.vocab import STAGE_IDS


@dataclass(frozen=True, slots=True)
class StageInfo:
    id: str
    label: str
    approach: str
    volume: str
    volume_low: int
    volume_high: int | None
    guidance: str


STAGES: dict[str, StageInfo] = {
    s.id: s
    for s in (
        StageInfo(
            id="pre-1m",
            label="Pre-$1M ARR",
            approach="No formal MQL: every inbound demo request goes straight to the founder.",
            volume="5-20/month",
            volume_low=5,
            volume_high=20,
            guidance=(
                "Volume is low enough for the founder to take every hand raise personally. "
                "Keep only the hard disqualifiers (competitors, students, job seekers)."
            ),
        ),
        StageInfo(
            id="1m-3m",
            label="$1-3M ARR",
            approach="Simple definition: demo request plus a basic fit check "
            "(company size at least X, not a competitor).",
            volume="20-50/month",
            volume_low=20,
            volume_high=50,
            guidance=(
                "SDRs appear. A hand raise from an eligible company is an MQL; scoring is not "
                "worth its upkeep yet."
            ),
        ),
        StageInfo(
            id="3m-10m",
            label="$3-10M ARR",
            approach="Full definition: fit gate, behaviour scoring, an MQL threshold and an SLA.",
            volume="50-200/month",
            volume_low=50,
            volume_high=200,
            guidance=(
                "Enough volume that SDRs need a queue they can trust: fit and intent as "
                "separate axes, tiers of triggers, a calibrated threshold."
            ),
        ),
        StageInfo(
            id="10m-30m",
            label="$10-30M ARR",
            approach="Segment-specific definitions: enterprise, mid-market and SMB may each "
            "have different criteria.",
            volume="200-1000/month",
            volume_low=200,
            volume_high=1000,
            guidance=(
                "Segments buy differently and are worked by different teams, so each gets its "
                "own fit, triggers and SLA."
            ),
        ),
        StageInfo(
            id="30m-plus",
            label="$30M+ ARR",
            approach="Several rule sets by motion: inbound MQL, product-led PQL, "
            "account-based AQL, each with its own triggers, routing and response times.",
            volume="1000+/month",
            volume_low=1000,
            volume_high=None,
            guidance=(
                "PQLs and AQLs are different motions with different responses, not MQL "
                "variants: each runs its own rule set and is reported apart. Scoring can be "
                "fitted on history: `workbench fit-scoring` proposes points per activity and "
                "seniority and a threshold from your lead history, calibrated to a target "
                "acceptance or volume and validated on held-out months against the current "
                "scoring; the room reads, edits and signs them like any other clause."
            ),
        ),
    )
}

assert tuple(STAGES) == STAGE_IDS
