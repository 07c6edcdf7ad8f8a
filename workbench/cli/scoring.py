"""`fit-scoring`: propose `[scoring]` points from lead history, validated on held-out months.

The $30M+ stage's "ML-assisted scoring": a logistic regression whose coefficients become the
points of an ordinary scoring clause the room reads, edits and signs (see
`core.evidence.model_fit`). `--write` puts the clause in the draft; a signed version is
refused (exit 1). scikit-learn is an optional extra, imported only when the command runs.
"""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli._app import (
    ActivitiesOption,
    JsonOption,
    LeadsOption,
    MappingOption,
    app,
    echo,
    err,
    friendly,
    marked_if_altered,
)
from workbench.core.domain.errors import InputError, Problem


class TargetChoice(StrEnum):
    won = "won"
    opportunity = "opportunity"


@app.command("fit-scoring")
@friendly
def fit_scoring_cmd(
    path: Annotated[Path, typer.Argument(help="The definition whose [scoring] to compare with.")],
    leads: LeadsOption = None,
    activities: ActivitiesOption = None,
    mapping: MappingOption = None,
    target_acceptance: Annotated[
        float | None,
        typer.Option(
            "--target-acceptance", help="Calibrate the threshold to this acceptance (0-1)."
        ),
    ] = None,
    target_volume: Annotated[
        float | None,
        typer.Option("--target-volume", help="...or to this many MQLs a month."),
    ] = None,
    train_until: Annotated[
        str | None,
        typer.Option(
            "--train-until",
            help="Train on leads created on or before this day (YYYY-MM-DD): last day, "
            "included; validate on the later ones. Default: the last third of the months is "
            "held out.",
        ),
    ] = None,
    target: Annotated[
        TargetChoice, typer.Option("--target", help="The outcome to predict: won or opportunity.")
    ] = TargetChoice.won,
    write: Annotated[
        bool, typer.Option("--write", help="Write the fitted [scoring] into PATH (a draft).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Fit [scoring] points on lead history; validate them on held-out months."""
    from workbench.core.evidence.settings import choose_source, definitions_folder
    from workbench.core.files import store
    from workbench.core.services.scoring_fit import (
        apply_scoring,
        fit_from_history,
        refuse_signed,
        scored_triggers,
    )

    split: date | None = None
    if train_until is not None:
        try:
            split = date.fromisoformat(train_until)
        except ValueError:
            raise InputError(
                [
                    Problem(
                        f"expected a day as YYYY-MM-DD, not {train_until!r}", field="--train-until"
                    )
                ]
            ) from None
    loaded = store.load_definition(path)
    definition = loaded.definition
    with marked_if_altered(loaded):
        if write:
            refuse_signed(definition, path)  # before the fit: a refusal should be instant
        source = choose_source(definitions_folder(path), leads, activities, mapping)
        found, problems = fit_from_history(
            source,
            definition.scoring,
            triggers=scored_triggers(definition),
            target=target.value,
            acceptance=target_acceptance,
            volume=target_volume,
            train_until=split,
        )
        for line in problems.lines() if problems.skipped or problems.emptied else []:
            err(line)
        written: str | None = None
        if write and not as_json and not found.validated:
            echo("\n".join(found.lines()))  # the figures behind the refusal, before it
        if write:
            updated = apply_scoring(path, found.scoring, found, source.describe())
            written = str(path)
            if not any(t.tier3 for _w, t, _s in updated.rule_sets()):
                err(
                    "note: tier 3 is off in [triggers]: the score makes no MQL until the room "
                    "sets tier3 = true"
                )
        if as_json:
            payload = found.to_json()
            payload["written"] = written
            echo(json.dumps(payload, indent=2))
            return
        echo("\n".join(found.lines()))
        if written is not None:
            echo(f"\nwrote [scoring] into {written}")
