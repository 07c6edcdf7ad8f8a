"""The quarterly review as a use case: `workbench review` and the app's Review call this.

`prepare_review` reads the history and builds the packet and, when a rule calls for a change,
the next version in memory (never written): its diff against the version in force and its
edge-case suite. `write_review` writes that draft through the new-version path
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
from workbench.core.domain.errors import InputError, Problem
from workbench.core.domain.suite import SuiteResult, run_suite
from workbench.core.files import store
from workbench.core.files.history import locate, read_log
from workbench.core.services.versions import NewVersion, check_ready, keep_as_new_version

if TYPE_CHECKING:
    import duckdb

    from workbench.core.evidence.quarter import Quarter
    from workbench.core.evidence.review import Packet


@dataclass(frozen=True)
class ReviewPlan:
    """The packet, the version in force, and the draft the adjustments make (None: no change
    called for), with its diff and its suite beside the signed version's."""

    path: Path
    folder: Path
    signed: Definition
    packet: Packet
    draft: Definition | None
    changes: list[Change]
    suite: SuiteResult | None
    now_failing: list[str]  # cases that passed on the signed version and fail on the draft

    def to_json(self) -> dict[str, Any]:
        return {
            "from": str(self.path),
            "packet": self.packet.to_json(),
            "draft": None
            if self.draft is None
            else {
                "version": self.signed.version + 1,
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
    from workbench.core.evidence.review import apply_adjustments, build_packet

    base, signed_path, signed = in_force(path, folder)
    packet = build_packet(con, signed, source, quarter)
    if not packet.change_called_for:
        return ReviewPlan(signed_path, base, signed, packet, None, [], None, [])
    draft = apply_adjustments(_as_draft(signed, today), packet, today)
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
    )


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
        raise InputError([Problem("no change called for: there is no draft to write")])
    return keep_as_new_version(plan.folder, plan.draft, today)


def plan_title(plan: ReviewPlan) -> str:
    return f"Quarterly MQL review: {plan.packet.definition}, {plan.packet.quarter}"


def plan_sections(plan: ReviewPlan, written: Path | None = None) -> list[tuple[str, list[str]]]:
    """The seven steps, then what the new draft would change (or did, once written)."""
    from workbench.core.evidence.review import steps

    sections = steps(plan.packet)
    if plan.draft is None:
        return sections
    version = plan.signed.version + 1
    where = f"written: {written}" if written else "not written (dry run or not yet confirmed)"
    lines = [f"v{version} (draft), supersedes v{plan.signed.version}: {where}"]
    lines += [f"diff: {c.text}" for c in plan.changes]
    if plan.suite is not None:
        lines.append(f"edge cases on the draft: {plan.suite.passed} pass, {plan.suite.failed} fail")
    if plan.now_failing:
        lines.append(
            "now failing (passed on the version in force), for the room to decide: "
            + ", ".join(plan.now_failing)
        )
    lines.append("both sides must sign again: marketing and sales sign the new version")
    return [*sections, (f"The new draft v{version}", lines)]
