"""A lead file read the way the backtest reads a row, so `evaluate` and a backtest agree.

The backtest's loader fills a missing seniority from the job title (`mapping.infer_seniority`);
a lead file evaluated on its own used to leave it unknown, so a "Summer Intern, Sales" with no
seniority went to review in `evaluate` and was rejected in a backtest. Here the same inference
applies, and what was inferred is said.
"""

from __future__ import annotations

from pathlib import Path

from workbench.core.domain.lead import Lead
from workbench.core.evidence.mapping import infer_seniority
from workbench.core.files import store


def read_lead(path: Path) -> tuple[Lead, list[str]]:
    """The lead in `path`, with its seniority inferred from its title when the file has none,
    and a note for each value the file did not give."""
    lead = store.load_lead(path)
    return with_inferred_seniority(lead)


def with_inferred_seniority(lead: Lead) -> tuple[Lead, list[str]]:
    """`lead`, its missing seniority read from its title as the backtest's loader reads it."""
    person = lead.person
    if person.seniority is not None or not person.title.strip():
        return lead, []
    inferred = infer_seniority(person.title)
    if inferred is None:
        return lead, []
    person = person.model_copy(update={"seniority": inferred})
    note = (
        f"seniority {inferred}: inferred from the title {lead.person.title!r}, as a backtest does"
    )
    return lead.model_copy(update={"person": person}), [note]
