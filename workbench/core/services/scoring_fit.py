"""Fitting the scoring model and writing it to a draft: the use cases behind `fit-scoring`.

Both front-ends call these: the history is loaded the way the backtest loads it
(`load_history`), and the fitted clause reaches a definition file only through
`apply_scoring`, which never rewrites a signed version.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.domain.definition import Definition, Scoring, Triggers
from workbench.core.domain.errors import CheckFailed, Problem, SignedVersionError
from workbench.core.files import store

if TYPE_CHECKING:
    from workbench.core.evidence.load import Problems
    from workbench.core.evidence.model_fit import ScoringFit, Target
    from workbench.core.evidence.settings import EvidenceSource
    from workbench.core.services.backtest_session import Note


def fit_from_history(
    source: EvidenceSource,
    current: Scoring | None,
    *,
    target: Target = "won",
    acceptance: float | None = None,
    volume: float | None = None,
    train_until: date | None = None,
    window_days: int | None = None,
    progress: Note | None = None,
    triggers: list[Triggers] | None = None,
) -> tuple[ScoringFit, Problems]:
    """Load `source` as the backtest does and fit a scoring on it (see `model_fit`).

    The window is the current scoring's, else 90 days: the room compares like with like."""
    from workbench.core.evidence.connection import duckdb_connection
    from workbench.core.evidence.model_fit import DEFAULT_WINDOW_DAYS, fit_scoring
    from workbench.core.services.backtest_session import load_history

    if window_days is None:
        window_days = (current.window_days if current is not None else None) or DEFAULT_WINDOW_DAYS
    with duckdb_connection() as con:
        problems = load_history(con, source, progress=progress)
        if progress is not None:
            progress("fitting the scoring model")
        found = fit_scoring(
            con,
            current,
            target=target,
            acceptance=acceptance,
            volume=volume,
            train_until=train_until,
            window_days=window_days,
            triggers=triggers,
        )
    return found, problems


def scored_triggers(definition: Definition) -> list[Triggers]:
    """The triggers of every rule set that reads the main `[scoring]`: the main one, and each
    segment or motion without scoring of its own (a product-led motion's tier 1 is one)."""
    return [
        definition.owned(owner, "triggers")[1]
        for owner in definition.owners()
        if definition.owned(owner, "scoring")[0] == "scoring"
    ]


def with_scoring(definition: Definition, scoring: Scoring) -> Definition:
    """`definition` with `scoring` as its `[scoring]`, every other clause as it was."""
    data = definition.model_dump()
    data["scoring"] = scoring.model_dump()
    return Definition.model_validate(data)


def refuse_signed(definition: Definition, path: Path) -> None:
    """A signed version is a contract: the fitted points go to a new draft, never into it."""
    if definition.is_signed:
        raise SignedVersionError(
            [
                Problem(
                    "is a signed version and is never rewritten: start a draft with "
                    "`workbench new-version`, then fit again with --write on the draft",
                    file=path,
                )
            ]
        )


def apply_scoring(
    path: Path, scoring: Scoring, fit: ScoringFit | None = None, source: str = ""
) -> Definition:
    """Write `scoring` as the draft's `[scoring]`; a signed version is refused (exit 1).

    With the fit it came from, the clause keeps the fit's held-out figures as its evidence
    (issue 14: "can you show the data that supports each criterion?"). Returns the definition
    as written. `store.save` refuses a file changed on disk since it was read, or one carrying
    a signature over other content."""
    loaded = store.load_definition(path)
    refuse_signed(loaded.definition, path)
    if fit is not None and not fit.validated:
        # "0/0 n/a" on the held-out months, and the points written anyway: nothing shows
        # they pick buyers, which is what the clause's evidence would claim.
        raise CheckFailed(
            [
                Problem(
                    f"not written: no held-out lead reached the target ({fit.target}) or none "
                    "is in the fitted band, so nothing validates these points; fit again with "
                    "--target opportunity or an earlier --train-until, or type the points the "
                    "room trusts by hand",
                    file=path,
                )
            ]
        )
    updated = with_scoring(loaded.definition, scoring)
    if fit is not None:
        updated = _with_fit_evidence(updated, fit, source)
    store.save(updated, path, loaded.file_sha256)
    return updated


def fit_evidence_text(fit: ScoringFit) -> str:
    """The fit's held-out figures in the room's words, for the `[scoring]` clause."""
    v = fit.fitted
    parts = [
        f"fitted on {fit.train_leads:,} leads created on or before {fit.train_until.isoformat()}",
        f"held out {v.leads:,} leads after it: the top band of {v.band:,}",
    ]
    if v.lift is not None:
        parts.append(f"{v.lift:.1f}x the base rate of {fit.target}")
    if v.acceptance is not None:
        parts.append(f"{v.acceptance * 100:.0f}% accepted")
    if v.won:
        parts.append(f"missed {v.missed_won} of {v.won} wins")
    return ", ".join(parts)


def _with_fit_evidence(definition: Definition, fit: ScoringFit, source: str) -> Definition:
    from workbench.core.domain.clause_evidence import record_evidence
    from workbench.core.domain.clock import today

    v = fit.fitted
    return record_evidence(
        definition,
        "scoring",
        fit_evidence_text(fit),
        on=today(),
        by="proposal",
        wins_kept=v.won - v.missed_won if v.won else None,
        wins_total=v.won or None,
        source=source,
    )
