"""The quarterly review as a use case: `workbench review` and the app's Review call this.

`prepare_review` reads the history and builds the packet and the next version in memory (never
written): the adjustments a rule calls for, or, when none is, the same clauses with the
review's "no change, because" recorded (001's step 7 always ends in a re-sign-off); its diff
against the version in force and its edge-case suite. A draft already open is found here, so
the packet says so instead of offering a version it would refuse to write. `write_review` writes that draft through the new-version path
(`services.versions`), under the slug's lock, with the same refusals (a draft already open,
an altered signed version).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.core.domain.definition import Definition
from workbench.core.domain.diff import Change, diff
from workbench.core.domain.errors import InputError, Problem, WorkbenchError
from workbench.core.domain.suite import SuiteResult, run_suite
from workbench.core.files import store
from workbench.core.files.history import locate, read_log
from workbench.core.services.versions import NewVersion, check_ready, keep_as_new_version

if TYPE_CHECKING:
    import duckdb

    from workbench.core.evidence.quarter import Quarter
    from workbench.core.evidence.review import Packet
    from workbench.core.evidence.settings import EvidenceSource


@dataclass(frozen=True)
class ReviewPlan:
    """The packet, the version in force, and the next version (the adjustments made, or the
    clauses unchanged with the review recorded), with its diff and its suite beside the
    signed version's. `blocked` says why it cannot be written now (a draft already open)."""

    path: Path
    folder: Path
    signed: Definition
    packet: Packet
    draft: Definition | None
    changes: list[Change]
    suite: SuiteResult | None
    now_failing: list[str]  # cases that passed on the signed version and fail on the draft
    blocked: str | None = None

    @property
    def writable(self) -> bool:
        return self.draft is not None and self.blocked is None

    def to_json(self) -> dict[str, Any]:
        return {
            "from": str(self.path),
            "packet": self.packet.to_json(),
            "blocked": self.blocked,
            "draft": None
            if self.draft is None
            else {
                "version": self.signed.version + 1,
                "clauses_changed": self.packet.change_called_for,
                "changes": [c.to_dict() for c in self.changes],
                "suite": {"passed": self.suite.passed, "failed": self.suite.failed}
                if self.suite
                else None,
                "now_failing": self.now_failing,
            },
        }


def in_force(path: Path, folder: Path | None = None) -> tuple[Path, Path, Definition]:
    """PATH as the signed version in force (the slug's latest signed version), or a refusal
    naming the one that is."""
    base, slug = locate(path, folder)
    log = read_log(base, slug, use_git=False)
    if log.problems():
        raise InputError(log.problems())
    signed = [e for e in log.entries if e.status in ("signed", "ALTERED")]
    if not signed:
        raise InputError([Problem(f"{slug} has no signed version to review", file=path)])
    latest = signed[-1]
    loaded = store.load_definition(latest.path)
    if path.is_file() and path.resolve() != latest.path.resolve():
        raise InputError(
            [
                Problem(
                    f"is not the version in force; the review starts from "
                    f"v{latest.version} ({latest.path.name})",
                    file=path,
                )
            ]
        )
    return base, latest.path, loaded.definition


def prepare_review(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source: str,
    today: date,
    quarter: Quarter | None = None,
    folder: Path | None = None,
) -> ReviewPlan:
    """The review of the version in force at `path` over the history loaded in `con`."""
    from workbench.core.evidence.review import apply_adjustments, build_packet, record_no_change

    base, signed_path, signed = in_force(path, folder)
    packet = build_packet(con, signed, source, quarter, today)
    if packet.change_called_for:
        draft = apply_adjustments(_as_draft(signed, today), packet, today)
    else:
        draft = record_no_change(_as_draft(signed, today), packet, today)
    before, after = run_suite(signed), run_suite(draft)
    was = before.by_name()
    failing = [
        r.name for r in after.results if not r.passed and (r.name not in was or was[r.name].passed)
    ]
    return ReviewPlan(
        signed_path,
        base,
        signed,
        packet,
        draft,
        diff(signed, draft),
        after,
        failing,
        packet.unwritable or open_draft(base, signed.slug),
    )


def review_history(source: EvidenceSource, path: Path, today: date) -> ReviewPlan:
    """`prepare_review` over `source`'s files, loaded into a connection of its own (the
    workbench's memory policy, closed after): the app's Review runs this, never DuckDB."""
    from workbench.core.evidence.connection import duckdb_connection
    from workbench.core.services.analysis_session import describe_source
    from workbench.core.services.backtest_session import load_history

    with duckdb_connection() as con:
        problems = load_history(con, source)
        return prepare_review(con, path, describe_source(source, problems), today)


def open_draft(folder: Path, slug: str) -> str | None:
    """Why the next version cannot be written now (a draft already open, an altered signed
    version), in the packet's words; None when it can."""
    try:
        check_ready(folder, slug)
    except WorkbenchError as error:
        drafts = [e for e in read_log(folder, slug, use_git=False).entries if e.status == "draft"]
        if drafts:
            return f"a draft already exists (v{drafts[-1].version}): edit or sign it first"
        return str(error)
    return None


def _as_draft(signed: Definition, today: date) -> Definition:
    data = signed.model_dump()
    data.update(
        {
            "version": signed.version + 1,
            "status": "draft",
            "signoff": None,
            "partial_signoff": None,
            "supersedes": signed.version,
            "created": today,
        }
    )
    return Definition.model_validate(data)


def refuse_if_draft(path: Path, folder: Path | None = None) -> None:
    """Before reading a history: refuse as `new-version` does while a draft is open."""
    base, slug = locate(path, folder)
    check_ready(base, slug)


def write_review(plan: ReviewPlan, today: date) -> NewVersion:
    """The plan's draft written as the next version (refused while a draft is open)."""
    if plan.draft is None:
        raise InputError([Problem("the review has no next version to write")])
    return keep_as_new_version(plan.folder, plan.draft, today)


def plan_title(plan: ReviewPlan) -> str:
    return f"Quarterly MQL review: {plan.packet.definition}, {plan.packet.quarter}"


NOT_WRITTEN = "not written (dry run or not yet confirmed)"  # the CLI's words


def plan_sections(
    plan: ReviewPlan,
    written: Path | None = None,
    *,
    write_hint: str | None = None,
    not_written: str = NOT_WRITTEN,
) -> list[tuple[str, list[str]]]:
    """The seven steps, then what the next version would change (or did, once written).
    `write_hint` and `not_written` are the front-end's words for how to write it."""
    from workbench.core.evidence.review import WRITE_HINT, steps

    sections = steps(plan.packet, write_hint or WRITE_HINT)
    if plan.draft is None:
        return sections
    if plan.blocked is not None and written is None:
        heading, _offer = sections[-1]
        return [*sections[:-1], (heading, [plan.blocked])]
    version = plan.signed.version + 1
    where = f"written: {written}" if written else not_written
    lines = [f"v{version} (draft), supersedes v{plan.signed.version}: {where}"]
    if not plan.packet.change_called_for:
        lines.append(
            f"no clause changes: the review is recorded as evidence (step 6), so both sides "
            f"sign v{version} again with the next review date"
        )
    lines += [f"diff: {_short(plan.draft, c)}" for c in plan.changes]
    if plan.suite is not None:
        lines.append(f"edge cases on the draft: {plan.suite.passed} pass, {plan.suite.failed} fail")
    if plan.now_failing:
        lines.append(
            "now failing (passed on the version in force), for the room to decide: "
            + ", ".join(plan.now_failing)
        )
    lines.append("both sides must sign again: marketing and sales sign the new version")
    title = f"The new draft v{version}" + (
        "" if plan.packet.change_called_for else " (clauses unchanged)"
    )
    return [*sections, (title, lines)]


def _short(draft: Definition, change: Change) -> str:
    """A diff line without the evidence figure step 6 already shows."""
    if change.clause.startswith("evidence."):
        return f"{change.clause.removeprefix('evidence.')}: evidence recorded (step 6)"
    evidence = draft.evidence.get(change.clause)
    note = f" (evidence: {evidence.figure})" if evidence else ""
    return change.text.removesuffix(note) if note else change.text


def first_changed_clause(plan: ReviewPlan) -> str | None:
    """The clause the room looks at first when the draft opens: the first one the review
    changed (`fit.industries`), not the evidence recorded beside it; None for the unchanged
    re-sign-off, whose only change is its recorded evidence."""
    return next((c.clause for c in plan.changes if not c.clause.startswith("evidence.")), None)


def written_note(plan: ReviewPlan) -> str:
    """One short line for the written draft, in the room's words (fits 80 columns)."""
    return f"v{plan.signed.version + 1} written by the review: both sides must sign it again"
