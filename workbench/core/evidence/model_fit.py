"""The $30M+ scoring model, fitted on lead history and written as an ordinary `[scoring]`.

The framework's $30M+ stage adds "ML-assisted scoring, predictive lead models"; the room still
has to read, argue about and sign what comes out. So the model is a logistic regression (its
coefficients are points, one per activity kind and seniority) and the output is a `Scoring`
clause like any typed by hand, calibrated to a target acceptance or monthly volume, and
validated on held-out months next to the definition's own scoring.

The choices made here, where the framework leaves room:
- **What the model sees of a lead.** The activities in the first `window_days` of its life
  (from its creation or first activity, whichever is earlier), counted per kind, stopped at
  its opportunity or win: what happened after a deal opened is not what made it one. This is
  the score at one moment (the window's end), undecayed; the backtest replays every moment.
- **Features.** Activity-kind counts (linear, as `[scoring]` adds points per activity),
  seniority, company size band and industry. Size and industry have no place in `[scoring]`
  (they belong to the fit gate), so the model estimates them beside the rest, which keeps
  the activity and seniority points from taking credit for firmographics, and reports them as
  fit evidence; they are not written. A kind, industry or seniority seen on fewer than
  `MIN_SUPPORT` training leads gets no feature: too few rows to argue from.
- **Target.** Won (default) or reached an opportunity (`target="opportunity"`, for histories
  with few wins).
- **Held-out months.** Train on leads created on or before `train_until` (its last day,
  included, as every end-date flag reads: `--train-until 2025-03-31` trains on March), report
  on the later ones. Default: the last third of the months the leads were created in are
  held out (`train_until` is the last day before them).
- **Points.** Coefficients are scaled so that the calibrated threshold lands near 100 (002's
  typical 75-100), rounded to integers; a point that rounds to 0 is left out. The threshold is
  then calibrated again on the integer scores, so it is exact for the clause as written.
- **Calibration** (training months only). A target acceptance: the lowest threshold whose
  band (leads scoring at or above it) has at least that acceptance among SDR decisions, over
  at least `MIN_DECIDED` decisions: the most volume that keeps the bar. A target volume: the
  threshold whose band per month is nearest the target (integer points move it in steps).
- **Validation figures** (held-out leads, each scoring with its own window and threshold):
  lift of the top band (its outcome rate over the held-out base rate), acceptance in the band,
  and false negatives (closed-won leads outside the band), the framework's alarm number.

scikit-learn is imported only inside `fit_scoring`: it is an optional extra (`scoring`), and
`workbench --help` and the app never load it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from workbench.core.domain.definition import Scoring, Triggers
from workbench.core.domain.errors import InputError, Problem
from workbench.core.domain.lint import points_refused
from workbench.core.domain.vocab import ACTIVITY_KINDS, SENIORITY_ORDER

if TYPE_CHECKING:
    import duckdb

Target = Literal["won", "opportunity"]
TARGETS: tuple[Target, ...] = ("won", "opportunity")

DEFAULT_WINDOW_DAYS = 90
DEFAULT_ACCEPTANCE = 0.5  # the middle of the framework's healthy 40-60%
MIN_SUPPORT = 10
MIN_DECIDED = 20
POINTS_SCALE = 100  # the threshold the scaled points aim at before rounding
MAX_POINTS = 200  # no single point value beyond this: one action should not be the whole bar
SIZE_BANDS: tuple[tuple[int, int | None], ...] = (
    (1, 10),
    (11, 50),
    (51, 200),
    (201, 1000),
    (1001, 5000),
    (5001, None),
)


def size_band(employees: int | None) -> str | None:
    """'51-200', '5001+' or None (unknown size)."""
    if employees is None:
        return None
    for low, high in SIZE_BANDS:
        if employees >= low and (high is None or employees <= high):
            return f"{low}+" if high is None else f"{low}-{high}"
    return None  # 0 employees: no band


@dataclass(frozen=True, slots=True)
class LeadRow:
    """One lead as the model sees it: its attributes, outcomes and SDR decision."""

    lead_id: str
    created: datetime
    seniority: str | None
    size: str | None
    industry: str | None
    decision: str | None
    opportunity: bool
    won: bool

    def outcome(self, target: Target) -> bool:
        return self.won if target == "won" else (self.opportunity or self.won)


Counts = dict[str, dict[str, int]]
"""lead_id -> activity kind -> count in the lead's window."""


def read_leads(con: duckdb.DuckDBPyConnection) -> list[LeadRow]:
    """Every lead of the canonical `leads` table, in created order (then id)."""
    rows = con.execute(
        "SELECT lead_id, created_at, seniority, employees, industry, sdr_decision,"
        " opportunity_at IS NOT NULL, won_at IS NOT NULL FROM leads ORDER BY created_at, lead_id"
    ).fetchall()
    return [
        LeadRow(
            lead_id=str(r[0]),
            created=r[1],
            seniority=r[2],
            size=size_band(None if r[3] is None else int(r[3])),
            industry=r[4],
            decision=r[5],
            opportunity=bool(r[6]),
            won=bool(r[7]),
        )
        for r in rows
    ]


def window_counts(con: duckdb.DuckDBPyConnection, window_days: int | None) -> Counts:
    """Activities per lead and kind in the lead's first `window_days` (None: all of them),
    before its opportunity or win (see the module's first choice)."""
    window = (
        "" if window_days is None else f' AND a."at" < w.anchor + INTERVAL {int(window_days)} DAY'
    )
    rows = con.execute(
        "WITH w AS (SELECT l.lead_id,"
        " least(l.created_at, coalesce(f.first_at, l.created_at)) AS anchor,"
        " least(coalesce(l.opportunity_at, l.won_at), coalesce(l.won_at, l.opportunity_at))"
        " AS cutoff FROM leads AS l"
        ' LEFT JOIN (SELECT lead_id, min("at") AS first_at FROM activities GROUP BY lead_id)'
        " AS f ON f.lead_id = l.lead_id)"
        " SELECT a.lead_id, a.kind, count(*) FROM activities AS a JOIN w ON w.lead_id = a.lead_id"
        ' WHERE (w.cutoff IS NULL OR a."at" < w.cutoff)'
        f"{window} GROUP BY a.lead_id, a.kind"
    ).fetchall()
    out: Counts = {}
    for lead_id, kind, n in rows:
        out.setdefault(str(lead_id), {})[str(kind)] = int(n)
    return out


def score_of(scoring: Scoring, counts: dict[str, int], seniority: str | None) -> int:
    """A lead's score under `scoring` from its window counts: the evaluator's sum, undecayed."""
    total = sum(scoring.activity_points.get(kind, 0) * n for kind, n in counts.items())  # type: ignore[call-overload]
    if seniority is not None:
        total += scoring.seniority_points.get(seniority, 0)  # type: ignore[call-overload]
    return int(total)


# --- calibration ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Calibration:
    """The threshold chosen for a target, and what it achieves on the rows it was chosen on."""

    kind: Literal["acceptance", "volume"]
    target: float
    threshold: float
    band: int  # leads at or above the threshold
    accepted: int
    decided: int
    per_month: float
    met: bool

    @property
    def acceptance(self) -> float | None:
        return self.accepted / self.decided if self.decided else None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "target": self.target,
            "threshold": self.threshold,
            "band": self.band,
            "accepted": self.accepted,
            "decided": self.decided,
            "acceptance": _round(self.acceptance),
            "per_month": round(self.per_month, 2),
            "met": self.met,
        }


REACH = 0.02
"""When the target acceptance is out of reach: how far below the best acceptance a band may be
and still be chosen for its size (two percentage points)."""


def calibrate(
    scores: Sequence[float],
    decisions: Sequence[str | None],
    months: float,
    *,
    acceptance: float | None = None,
    volume: float | None = None,
    minimum: float = 1,
) -> Calibration:
    """The threshold (one of the scores, at least `minimum`) that meets the target.

    Acceptance: the lowest threshold whose band has at least `acceptance` over `MIN_DECIDED`
    or more decisions (else the largest band within `REACH` of the best acceptance, `met`
    False). Volume: the
    threshold whose band per month is nearest `volume` (ties: the higher threshold)."""
    if (acceptance is None) == (volume is None):
        raise ValueError("calibrate to an acceptance or a volume")
    paired = sorted(zip(scores, decisions, strict=True), key=lambda p: -p[0])
    steps: list[tuple[float, int, int, int]] = []  # threshold, band, accepted, decided
    accepted = decided = 0
    for index, (score, decision) in enumerate(paired):
        band = index + 1
        accepted += decision == "accepted"
        decided += decision in ("accepted", "rejected")
        last = index + 1 == len(paired) or paired[index + 1][0] != score
        if last and score >= minimum:
            steps.append((score, band, accepted, decided))
    if not steps:
        raise InputError(
            [Problem(f"no lead scores {minimum:g} or more: there is nothing to set a threshold on")]
        )
    months = max(months, 1e-9)

    def made(step: tuple[float, int, int, int], met: bool) -> Calibration:
        kind: Literal["acceptance", "volume"] = "acceptance" if volume is None else "volume"
        goal = acceptance if acceptance is not None else volume
        assert goal is not None
        return Calibration(kind, goal, step[0], step[1], step[2], step[3], step[1] / months, met)

    if acceptance is not None:
        fine = [s for s in steps if s[3] >= MIN_DECIDED and s[2] / s[3] >= acceptance]
        if fine:
            return made(min(fine, key=lambda s: s[0]), True)
        decided_steps = [s for s in steps if s[3] >= MIN_DECIDED] or [s for s in steps if s[3]]
        if not decided_steps:
            raise InputError(
                [
                    Problem(
                        "the history has no SDR decisions (accepted/rejected) to calibrate an "
                        "acceptance on: give --target-volume instead",
                        field="--target-acceptance",
                    )
                ]
            )
        # Unreachable: the largest band within REACH of the best acceptance, not the best
        # band alone, which on real data is often a handful of leads no SDR queue is made of.
        best_rate = max(s[2] / s[3] for s in decided_steps)
        near = [s for s in decided_steps if s[2] / s[3] >= best_rate - REACH]
        return made(max(near, key=lambda s: (s[1], s[2] / s[3])), False)
    assert volume is not None
    best = min(steps, key=lambda s: (abs(s[1] / months - volume), -s[0]))
    return made(best, abs(best[1] / months - volume) <= max(0.1 * volume, 1.0))


# --- validation ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Validation:
    """One scoring's figures on the held-out leads: its top band against the rest."""

    label: str
    threshold: int
    leads: int
    outcomes: int  # held-out leads that reached the target outcome
    band: int
    band_outcomes: int
    accepted: int
    rejected: int
    won: int
    missed_won: int  # closed-won held-out leads outside the band: false negatives

    @property
    def base_rate(self) -> float | None:
        return self.outcomes / self.leads if self.leads else None

    @property
    def band_rate(self) -> float | None:
        return self.band_outcomes / self.band if self.band else None

    @property
    def lift(self) -> float | None:
        base, rate = self.base_rate, self.band_rate
        return rate / base if base and rate is not None else None

    @property
    def acceptance(self) -> float | None:
        decided = self.accepted + self.rejected
        return self.accepted / decided if decided else None

    @property
    def false_negative_rate(self) -> float | None:
        return self.missed_won / self.won if self.won else None

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "threshold": self.threshold,
            "leads": self.leads,
            "outcomes": self.outcomes,
            "band": self.band,
            "band_outcomes": self.band_outcomes,
            "lift": _round(self.lift),
            "accepted": self.accepted,
            "rejected": self.rejected,
            "acceptance": _round(self.acceptance),
            "won": self.won,
            "missed_won": self.missed_won,
            "false_negative_rate": _round(self.false_negative_rate),
        }


def validate(
    label: str,
    scoring: Scoring,
    leads: Sequence[LeadRow],
    counts: Counts,
    target: Target,
) -> Validation:
    """`scoring`'s band over `leads`, each scored on `counts` (the scoring's own window)."""
    band = [
        lead
        for lead in leads
        if score_of(scoring, counts.get(lead.lead_id, {}), lead.seniority) >= scoring.threshold
    ]
    return Validation(
        label=label,
        threshold=scoring.threshold,
        leads=len(leads),
        outcomes=sum(lead.outcome(target) for lead in leads),
        band=len(band),
        band_outcomes=sum(lead.outcome(target) for lead in band),
        accepted=sum(lead.decision == "accepted" for lead in band),
        rejected=sum(lead.decision == "rejected" for lead in band),
        won=sum(lead.won for lead in leads),
        missed_won=sum(lead.won for lead in leads) - sum(lead.won for lead in band),
    )


# --- fitting -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Weight:
    """One feature's coefficient (log-odds per unit) and the points it became, if any."""

    feature: str  # 'activity demo_request', 'seniority vp', 'size 51-200', 'industry software'
    coefficient: float
    points: int | None  # None: not part of [scoring] (size, industry) or rounded to nothing
    leads: int  # training leads that have it


@dataclass(frozen=True)
class ScoringFit:
    """What `fit_scoring` found: the clause, how it was calibrated, how it validated."""

    scoring: Scoring
    target: Target
    train_until: date  # the last day of the training leads, included
    train_leads: int
    train_outcomes: int
    train_months: float
    held_out_leads: int
    calibration: Calibration
    weights: list[Weight]
    fitted: Validation
    hand_written: Validation | None
    notes: list[str] = field(default_factory=list)

    @property
    def validated(self) -> bool:
        """Did the held-out months judge the points at all: some lead reached the target, and
        some is in the fitted band. "0/0 n/a" shows nothing, so `--write` refuses it."""
        return self.fitted.outcomes > 0 and self.fitted.band > 0

    def lines(self) -> list[str]:
        """The fit as the room reads it: the points, how they were chosen, how they held up."""
        s = self.scoring
        goal = (
            f"acceptance {_pct(self.calibration.target)}"
            if self.calibration.kind == "acceptance"
            else f"{self.calibration.target:g} MQLs a month"
        )
        out = [
            f"Scoring fitted on {self.train_leads} leads created on or before "
            f"{self.train_until.isoformat()} ({self.train_outcomes} {self.target}), "
            f"validated on the {self.held_out_leads} created after.",
            "",
            "[scoring]",
            f"threshold = {s.threshold}",
            f"window_days = {s.window_days or 0}",
            "activity_points = { "
            + ", ".join(f"{k} = {v}" for k, v in s.activity_points.items())
            + " }",
            "seniority_points = { "
            + ", ".join(
                f'"{k}" = {v}' if "-" in k else f"{k} = {v}" for k, v in s.seniority_points.items()
            )
            + " }",
            "",
            f"Calibrated to {goal} on the training months: threshold {s.threshold} keeps "
            f"{self.calibration.band} leads ({self.calibration.per_month:.1f} a month), "
            f"acceptance {_pct(self.calibration.acceptance)} of {self.calibration.decided} "
            f"decided{'' if self.calibration.met else ' (target not reached)'}.",
            "",
            "Why each point (log-odds per unit of the feature, and training leads that have it):",
        ]
        for w in self.weights:
            said = f"{w.points:+d} points" if w.points is not None else "no points"
            if w.feature.startswith(("size ", "industry ")):
                said = "fit evidence, not in [scoring]"
            out.append(f"  {w.feature:<32} {w.coefficient:+7.3f}  {said:<30} {w.leads} leads")
        out += [
            "",
            f"Held-out months ({self.held_out_leads} leads), top band = at or above the threshold:",
        ]
        out.append(
            f"  {'scoring':<13} {'threshold':>9} {'band':>6} {'lift':>6} {'acceptance':>11} "
            f"{'false negatives':>16}"
        )
        for v in (self.fitted, self.hand_written):
            if v is None:
                continue
            lift = "n/a" if v.lift is None else f"{v.lift:.1f}x"
            fn = f"{v.missed_won}/{v.won} {_pct(v.false_negative_rate)}"
            out.append(
                f"  {v.label:<13} {v.threshold:>9} {v.band:>6} {lift:>6} "
                f"{_pct(v.acceptance):>11} {fn:>16}"
            )
        if self.hand_written is None:
            out.append("  (the definition has no [scoring] to compare with)")
        out += [f"Note: {note}" for note in self.notes]
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "scoring": scoring_table(self.scoring),
            "target": self.target,
            # The training leads' last day, included (it was the first held-out day, excluded).
            "train_until": self.train_until.isoformat(),
            "train": {
                "leads": self.train_leads,
                "outcomes": self.train_outcomes,
                "months": round(self.train_months, 2),
            },
            "held_out": {"leads": self.held_out_leads},
            "calibration": self.calibration.to_json(),
            "weights": [
                {
                    "feature": w.feature,
                    "coefficient": round(w.coefficient, 4),
                    "points": w.points,
                    "leads": w.leads,
                }
                for w in self.weights
            ],
            "validation": {
                "fitted": self.fitted.to_json(),
                "hand_written": None if self.hand_written is None else self.hand_written.to_json(),
            },
            "notes": list(self.notes),
        }


def scoring_table(scoring: Scoring) -> dict[str, Any]:
    """The clause as it would be written under `[scoring]`."""
    return {
        "threshold": scoring.threshold,
        "window_days": 0 if scoring.window_days is None else scoring.window_days,
        "activity_points": dict(scoring.activity_points),
        "seniority_points": dict(scoring.seniority_points),
    }


def default_split(leads: Sequence[LeadRow]) -> date:
    """The last day before the held-out months (the last third of the months leads were
    created in): the training leads' last day, included."""
    months = sorted({(lead.created.year, lead.created.month) for lead in leads})
    if len(months) < 2:
        raise InputError(
            [
                Problem(
                    "the leads were all created in one month: there are no earlier months to "
                    "train on and later ones to validate on"
                )
            ]
        )
    held = max(1, round(len(months) / 3))
    year, month = months[-held]
    return date(year, month, 1) - timedelta(days=1)


def _months_between(first: datetime, last: datetime) -> float:
    return max((last - first).total_seconds() / 86400 / (365.25 / 12), 1.0)


def fit_scoring(
    con: duckdb.DuckDBPyConnection,
    current: Scoring | None = None,
    *,
    target: Target = "won",
    acceptance: float | None = None,
    volume: float | None = None,
    train_until: date | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    triggers: Sequence[Triggers] | None = None,
) -> ScoringFit:
    """Fit points on the leads created on or before `train_until` (its day included);
    validate on the later ones.

    `current` is the definition's own `[scoring]` (validated beside the fit when given).
    With neither `acceptance` nor `volume`, the target is `DEFAULT_ACCEPTANCE`.

    `triggers` are those of every rule set that reads the main `[scoring]` (the main one, and
    each segment or motion without its own scoring; `scoring_fit.scored_triggers`): a hand
    raise or a tier 1 trigger of any of them is fitted (so the other weights are not credited
    with its wins) but its positive points are left out of the written clause, which `check`
    would refuse (`lint.points_refused`). Without them, every hand raise is left out so."""
    if acceptance is not None and volume is not None:
        raise InputError([Problem("give a target acceptance or a target volume, not both")])
    if acceptance is not None and not 0 < acceptance <= 1:
        raise InputError(
            [
                Problem(
                    f"must be above 0 and at most 1, not {acceptance}", field="--target-acceptance"
                )
            ]
        )
    if volume is not None and volume <= 0:
        raise InputError([Problem(f"must be above 0, not {volume}", field="--target-volume")])
    if acceptance is None and volume is None:
        acceptance = DEFAULT_ACCEPTANCE
    leads = read_leads(con)
    split = train_until or default_split(leads)
    train = [lead for lead in leads if lead.created.date() <= split]
    held = [lead for lead in leads if lead.created.date() > split]
    if not train or not held:
        raise InputError(
            [
                Problem(
                    f"{split.isoformat()} leaves {len(train)} leads to train on and {len(held)} "
                    "to validate on: both need some",
                    field="--train-until",
                )
            ]
        )
    positives = sum(lead.outcome(target) for lead in train)
    if positives < MIN_SUPPORT or positives == len(train):
        raise InputError(
            [
                Problem(
                    f"{positives} of the {len(train)} leads created on or before "
                    f"{split.isoformat()} reached the target ({target}): a model needs at "
                    f"least {MIN_SUPPORT}, and some that did not"
                    + ("; try --target opportunity" if target == "won" else ""),
                )
            ]
        )
    counts = window_counts(con, window_days)
    features = _features(train, counts)
    rows = [[_value(name, lead, counts) for name in features] for lead in train]
    outcome = [int(lead.outcome(target)) for lead in train]

    try:  # the optional extra, loaded here only
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise InputError(
            [
                Problem(
                    "fitting a scoring model needs scikit-learn, an optional extra: "
                    "pip install 'mql-workbench[scoring]'"
                )
            ]
        ) from None

    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(rows, outcome)
    coefficients = [float(c) for c in model.coef_[0]]
    weights = dict(zip(features, coefficients, strict=True))

    months = _months_between(
        min(lead.created for lead in train), max(lead.created for lead in train)
    )
    decisions = [lead.decision for lead in train]
    scored = [a for a in features if a.startswith(("activity ", "seniority "))]

    def raw(lead: LeadRow) -> float:
        return sum(weights[name] * _value(name, lead, counts) for name in scored)

    # First on the model's own scale, to find how many points make the bar, then in points.
    first = calibrate(
        [raw(lead) for lead in train],
        decisions,
        months,
        acceptance=acceptance,
        volume=volume,
        minimum=1e-9,
    )
    largest = max((abs(weights[name]) for name in scored), default=0.0)
    if largest == 0:
        raise InputError([Problem("no activity or seniority carries any weight in this history")])
    scale = min(POINTS_SCALE / first.threshold, MAX_POINTS / largest)
    points = {name: round(weights[name] * scale) for name in scored}
    rules = list(triggers) if triggers else [Triggers()]
    left_out = {
        name: p
        for name, p in points.items()
        if name.startswith("activity ")
        and p > 0
        and any(points_refused(name.split(" ", 1)[1], t) for t in rules)
    }
    for name in left_out:
        del points[name]
    activity_points = {
        name.split(" ", 1)[1]: p for name, p in points.items() if name.startswith("activity ") and p
    }
    seniority_points = {
        name.split(" ", 1)[1]: p
        for name, p in points.items()
        if name.startswith("seniority ") and p
    }
    draft = Scoring(
        threshold=1,
        window_days=window_days,
        activity_points=activity_points,
        seniority_points=seniority_points,
    )
    calibration = calibrate(
        [score_of(draft, counts.get(lead.lead_id, {}), lead.seniority) for lead in train],
        decisions,
        months,
        acceptance=acceptance,
        volume=volume,
    )
    scoring = draft.model_copy(update={"threshold": int(calibration.threshold)})
    fitted = validate("fitted", scoring, held, counts, target)
    hand: Validation | None = None
    notes: list[str] = []
    if current is not None:
        own = (
            counts
            if current.window_days == window_days
            else window_counts(con, current.window_days)
        )
        hand = validate("hand-written", current, held, own, target)
        if current.half_life_days is not None:
            notes.append(
                "the hand-written scoring decays points (half_life_days); these figures count "
                "them undecayed, as the fitted points are: the backtest replays the decay"
            )
    if not calibration.met:
        notes.append(
            f"the target {calibration.kind} was not reached on the training months: the "
            "threshold is the nearest the history allows"
        )
    held_won = sum(lead.won for lead in held)
    if held_won < MIN_SUPPORT:
        other = "" if target == "opportunity" else " or --target opportunity"
        notes.append(
            f"only {held_won} held-out leads are closed-won (deals take months to close): "
            f"read the false negatives with care, or try an earlier --train-until{other}"
        )
    if (
        hand is not None
        and hand.lift is not None
        and fitted.lift is not None
        and hand.lift > fitted.lift
    ):
        # The room decides what `--write` replaces: said before, not found in the table after.
        notes.append(
            f"on the held-out months the hand-written scoring picks better (lift "
            f"{hand.lift:.1f}x against {fitted.lift:.1f}x): `--write` would replace it with "
            "points that validated worse; keep it unless the room has another reason"
        )
    if left_out:
        # Written, they would fail `check` (demo-request-scored) and the draft could not be
        # signed; the model still counted them, so no other weight took their wins.
        notes.append(
            "left out of the points: "
            + ", ".join(f"{name.split(' ', 1)[1]} {p:+d}" for name, p in left_out.items())
            + ". A hand raise or tier 1 trigger is an MQL on its own (the framework's instant "
            "MQL), not something to score: `check` refuses points on it (demo-request-scored). "
            "The threshold is calibrated on the score alone: hand raises make MQLs beside it"
        )
    support = _support(train, counts, features)
    table = [
        Weight(name, weights[name], points.get(name) or None, support[name]) for name in features
    ]
    from workbench.core.domain.templates import HAND_RAISES

    against = [
        f"{w.feature.removeprefix('activity ')} {w.points:+d}"
        for w in table
        if w.points is not None
        and w.points < 0
        and w.feature.removeprefix("activity ") in HAND_RAISES
    ]
    if against:
        # A sales leader reads "contact_sales -27" as marketing scoring down a hand raise.
        notes.append(
            f"hand raises take negative points ({', '.join(against)}): with the other points "
            "counted, leads who did it reached the target less often in this history. A "
            "hand raise in tier 1 is an MQL whatever its points (the framework's instant "
            "MQL); these points only count where it is not"
        )
    return ScoringFit(
        scoring=scoring,
        target=target,
        train_until=split,
        train_leads=len(train),
        train_outcomes=positives,
        train_months=months,
        held_out_leads=len(held),
        calibration=calibration,
        weights=table,
        fitted=fitted,
        hand_written=hand,
        notes=notes,
    )


def _value(name: str, lead: LeadRow, counts: Counts) -> int:
    group, _, value = name.partition(" ")
    if group == "activity":
        return counts.get(lead.lead_id, {}).get(value, 0)
    if group == "seniority":
        return int(lead.seniority == value)
    if group == "size":
        return int(lead.size == value)
    return int(lead.industry == value)


def _support(leads: Sequence[LeadRow], counts: Counts, names: Sequence[str]) -> dict[str, int]:
    return {name: sum(_value(name, lead, counts) > 0 for lead in leads) for name in names}


def _features(train: Sequence[LeadRow], counts: Counts) -> list[str]:
    """Every feature seen on at least MIN_SUPPORT training leads, in a stable order.

    Unknown seniority, size and industry are the baseline (0 points), as `[scoring]` gives an
    unknown seniority nothing."""
    candidates = (
        [f"activity {kind}" for kind in ACTIVITY_KINDS]
        + [f"seniority {s}" for s in SENIORITY_ORDER]
        + [f"size {size_band(low)}" for low, _ in SIZE_BANDS]
        + [
            f"industry {name}"
            for name in sorted({lead.industry for lead in train if lead.industry})
        ]
    )
    support = _support(train, counts, candidates)
    return [name for name in candidates if support[name] >= MIN_SUPPORT]


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _round(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(value, 4)
