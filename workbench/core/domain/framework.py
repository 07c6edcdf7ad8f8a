"""The framework's numbers, held once: the acceptance bands and the false-negative alarm.

The backtest's readings, the report's words and the app's step texts are all built from these,
so a number the room reads in one place is the number the tool applies in another.
"""

from __future__ import annotations

FALSE_NEGATIVE_ALARM = 0.10

# The framework's acceptance bands: (lower bound, name, what it means, what to do).
ACCEPTANCE_BANDS: tuple[tuple[float, str, str, str], ...] = (
    (
        0.60,
        "above 60%: maybe too strict",
        "The bar may be too high: pipeline is being left on the table.",
        "Test a threshold about 10% lower and watch whether the extra MQLs convert.",
    ),
    (
        0.40,
        "40-60%: healthy",
        "Marketing's bar and sales' expectations line up.",
        "Keep it; calibrate quarterly.",
    ),
    (
        0.30,
        "30-40%: acceptable",
        "Some misalignment between the bar and what sales will work.",
        "Fix the top two rejection reasons below: usually a fit or scoring issue.",
    ),
    (
        0.0,
        "below 30%: broken",
        "Sales will stop trusting MQLs and follow-up quality will drop.",
        "Urgent: raise the threshold, tighten the fit gate, and review closed-won data.",
    ),
)


def percent(rate: float) -> str:
    """0.1 -> '10%'."""
    return f"{rate * 100:.0f}%"


def healthy_acceptance() -> str:
    """The healthy band's range as the framework writes it: '40-60%'."""
    lows = sorted(low for low, *_rest in ACCEPTANCE_BANDS)
    healthy = next(band for band in ACCEPTANCE_BANDS if band[1].endswith("healthy"))
    above = min(low for low in lows if low > healthy[0])
    return f"{healthy[0] * 100:.0f}-{percent(above)}"
