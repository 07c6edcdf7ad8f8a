"""A live editing session on one draft: apply an edit, re-run the suite, save safely.

The TUI is a view over this object. Keeping the session here means the rules for what an
edit may do (validation, the suite, flips, conflict-safe saving) are tested without a screen.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from workbench.core.domain.bands import new_overlaps
from workbench.core.domain.case_why import why_mismatch
from workbench.core.domain.clause_evidence import ProposalLike, apply_proposal, record_evidence
from workbench.core.domain.clauses import clause_value, set_path, with_clause
from workbench.core.domain.definition import (
    Definition,
    EdgeCase,
    Expectation,
    OpenQuestion,
)
from workbench.core.domain.diff import Change, diff
from workbench.core.domain.errors import ConflictError, InputError, Problem, WorkbenchError
from workbench.core.domain.lead import Lead
from workbench.core.domain.points_text import TEXT_FORMS
from workbench.core.domain.suite import Flip, SuiteResult, changes, run_suite
from workbench.core.domain.typed_words import refusals
from workbench.core.files import store
from workbench.core.services import versions
from workbench.core.services.lead_input import with_inferred_seniority
from workbench.core.services.signoff import SignerInput, SignResult, sign

FOLLOW_REASON = (
    "This seat follows the room and is read-only: the facilitator's seat edits and signs."
)


@dataclass(frozen=True, slots=True)
class EditResult:
    """What one edit did: the error that blocked it, or the cases that flipped, were added
    or were removed (`Flip.added`, `Flip.removed`)."""

    ok: bool
    errors: tuple[str, ...] = ()
    flips: tuple[Flip, ...] = ()
    changed: bool = False
    notes: tuple[str, ...] = ()
    """What the edit filled in by itself, in the room's words (a case's seniority read from
    its title), to be said where the edit is reported."""


@dataclass(frozen=True, slots=True)
class ExpectationChange:
    """One case's expectation before and after a change, so the change can be taken back."""

    case_name: str
    before: Expectation
    after: Expectation


@dataclass(frozen=True, slots=True)
class DeletedCase:
    """A case taken out of the suite and where it stood, so the room can bring it back."""

    case: EdgeCase
    index: int


@dataclass(frozen=True, slots=True)
class Acceptance:
    """What 'accept what the definition does now' would set, shown before it is done.

    With the case's why, which the change leaves as the room wrote it: the app never
    rewrites the room's words, so the room reads them as the expectation flips and changes
    them itself (a why saying the opposite of the expectation was signed into the file)."""

    case_name: str
    old: Expectation
    new: Expectation
    needs_confirmation: bool
    why: str = ""
    # How the why disagrees with the new expectation (`why_mismatch`), None if it does not.
    why_disagrees: str | None = None

    @property
    def changes(self) -> bool:
        return self.old != self.new

    def why_said(self) -> str:
        """The case's why for the room to read as its expectation changes; when it states
        another outcome than the new expectation, how."""
        said = f"Its why: {self.why}" if self.why.strip() else "It has no why yet."
        if self.why_disagrees is not None:
            said += f"\n⚠ Expecting {self.new.label()}, it no longer matches: {self.why_disagrees}."
        return said


NO_WHY = "why: say in one line what the room agreed about this lead, and why"
NO_LEAD = "lead: nothing about the lead yet: give it a title, the company's facts or an activity"
UNDO_STEPS = 50  # how many deletions and expectation changes `u` can take back


def seniority_from_title(case: EdgeCase) -> tuple[EdgeCase, tuple[str, ...]]:
    """A case the room writes (added, edited, adopted), its lead's missing seniority read from
    its job title as the history loader reads a row (`lead_input.with_inferred_seniority`), so
    the same person gets the same verdict in the suite and in a backtest; with what was read,
    to be said. Only on a write: a case already in a file is evaluated as it stands, so a
    signed suite keeps its verdicts."""
    lead, inferred = with_inferred_seniority(case.lead)
    if not inferred:
        return case, ()
    note = (
        f"seniority {lead.person.seniority} read from the title {case.lead.person.title!r}, "
        "as the history loader reads it"
    )
    return case.model_copy(update={"lead": lead}), (note,)


def _noted(result: EditResult, notes: tuple[str, ...]) -> EditResult:
    """`result` with `notes`, when the edit was made: a refused edit filled in nothing."""
    if not (result.ok and notes):
        return result
    return replace(result, notes=(*result.notes, *notes))


def _taken(name: str) -> str:
    return f"an edge case named {name!r} already exists: choose another name"


@cache
def _adapter(field: str) -> TypeAdapter[Any]:
    annotation = Definition.model_fields[field].annotation
    assert annotation is not None
    return TypeAdapter(annotation)


def _format_error(error: ValidationError, prefix: str) -> tuple[str, ...]:
    messages = []
    for loc, message in refusals(error.errors(include_url=False)):
        where = ".".join(str(p) for p in (prefix, *loc) if p != "")
        messages.append(f"{where}: {message}" if where else message)
    return tuple(messages)


def _fit_score_edit(dumped: Any, parts: list[str], path: str) -> str | None:
    """A fit score is its threshold and its points: with every table emptied and the
    threshold cleared there is no fit score (fit is pass or fail again); points without a
    threshold are refused in words, not as a missing key."""
    at = parts.index("score")
    holder = dumped
    for part in parts[:at]:
        holder = holder[int(part)] if isinstance(holder, list) else holder[part]
    score = holder.get("score") or {}
    if not any(value not in (None, {}, []) for value in score.values()):
        holder["score"] = None
        return None
    if score.get("threshold") is None:
        if parts[-1] == "threshold":
            return f"{path}: a fit score needs a threshold; clear its points to have none"
        return f"{path}: type the fit score's threshold first (below it, the fit gate fails)"
    return None


class Workshop:
    """One open definition file and the room's edits to it."""

    def __init__(self, loaded: store.DefinitionFile, *, follow: bool = False) -> None:
        # A follower (another seat of a served workshop) only watches the room's draft: it
        # never edits, saves or signs, and takes the file again whenever it changes on disk.
        self.follow = follow
        self.path: Path = loaded.path
        self.definition: Definition = loaded.definition
        self.integrity = loaded.integrity
        self._disk_sha = loaded.file_sha256
        self._saved_definition = loaded.definition
        self._lock = threading.Lock()
        self.suite: SuiteResult = run_suite(self.definition)
        self.conflict: str | None = None
        self._disk_signed: tuple[str, bool] | None = None  # (file hash, signed) after a conflict
        # Why the last save failed when it was not a conflict (a full disk, a read-only
        # folder); cleared by the next save that succeeds.
        self.save_error: str | None = None
        self._signed_base: tuple[int | None, Definition | None] | None = None
        self._signed_history: tuple[Definition, ...] | None = None
        # The expectation changes and deleted cases the room can take back, the latest last:
        # `u` twice brings back the two cases deleted last (one step lost the first).
        self._undo: list[ExpectationChange | DeletedCase] = []
        # A field being typed in: its top-level clause as it was before the first key. Each
        # valid key is applied (and saved) as it comes, so "1,500" left refused would leave
        # the "1" typed on the way; leaving without it puts this back (`revert_typing`).
        self._typing_from: dict[str, tuple[str, Any]] = {}

    @property
    def last_expectation(self) -> ExpectationChange | None:
        """The expectation change `undo` would take back next, if that is what comes next."""
        top = self._undo[-1] if self._undo else None
        return top if isinstance(top, ExpectationChange) else None

    @property
    def last_deleted(self) -> DeletedCase | None:
        """The deleted case `undo` would bring back next, if that is what comes next."""
        top = self._undo[-1] if self._undo else None
        return top if isinstance(top, DeletedCase) else None

    def _remember(self, step: ExpectationChange | DeletedCase) -> None:
        self._undo = [*self._undo, step][-UNDO_STEPS:]

    def typing_started(self, path: str) -> None:
        """A key typed into the field at `path`: remember the clause before the first one."""
        if path not in self._typing_from:
            top = path.split(".", 1)[0]
            self._typing_from[path] = (top, getattr(self.definition, top, None))

    def typing_settled(self, path: str) -> None:
        """The field was left holding a value the core took: its run of keys is the edit."""
        self._typing_from.pop(path, None)

    def revert_typing(self, path: str) -> EditResult:
        """The clause at `path` as it was before its field was typed in: the room leaves with
        the value refused, so nothing half-typed stays in the draft."""
        found = self._typing_from.pop(path, None)
        if found is None:
            return EditResult(True)
        return self._replace(_before_typing(self.definition, path, found))

    def refused_typing(self, path: str) -> EditResult:
        """The field at `path` was just refused: the draft goes back to its clause as it was
        before the field's first key, so the suite, the backtest and every heading read what
        leaving would keep, never the "72" the core took on the way to a refused "72.5" (which
        neither the field nor the file held). The run of keys stays open: the next value the
        core takes is applied as any key's, and leaving still reverts (`revert_typing`)."""
        found = self._typing_from.get(path)
        if found is None:
            return EditResult(True)
        return self._replace(_before_typing(self.definition, path, found))

    @classmethod
    def open(cls, path: Path, *, follow: bool = False) -> Workshop:
        return cls(store.load_definition(path), follow=follow)

    # --- state -----------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        """Signed, or partly signed: any edit would invalidate a signature already made. A
        follower is read-only whatever the file: the facilitator's seat edits."""
        return (
            self.follow or self.definition.is_signed or self.definition.partial_signoff is not None
        )

    @property
    def dirty(self) -> bool:
        return self.definition != self._saved_definition

    def status_line(self) -> str:
        total = len(self.suite.results)
        return f"edge cases {self.suite.passed}/{total} passing"

    def changed_on_disk(self) -> bool:
        """Compare the file with what we last read or wrote, under the save lock: a save
        renames the new file into place before it records the new hash, and a check in
        between would see our own write as someone else's."""
        with self._lock:
            try:
                return store.file_sha256(self.path) != self._disk_sha
            except InputError:
                return True

    # --- edits -----------------------------------------------------------------------

    def apply(self, path: str, value: Any) -> EditResult:
        """Set one clause (a dotted path such as 'fit.min_employees') and re-run the suite."""
        refused = self.read_only_reason()
        if refused is not None:
            return EditResult(False, (refused,))
        parts = path.split(".")
        top = parts[0]
        if top not in Definition.model_fields:
            return EditResult(False, (f"{path}: no such clause",))
        in_score = "score" in parts[1:-1]
        if in_score and isinstance(value, str) and parts[-1] in TEXT_FORMS:
            try:
                value = TEXT_FORMS[parts[-1]](value)
            except ValueError as error:
                return EditResult(False, (f"{path}: {error}",))
        current = getattr(self.definition, top)
        dumped = _dump(current)
        if len(parts) == 1:
            dumped = value
        else:
            if dumped is None:
                dumped = {}
            set_path(dumped, parts[1:], value)
            if value is not None and path in self._typing_from:
                _keep_place(dumped, _dump(self._typing_from[path][1]), parts[1:])
        if in_score:
            refused = _fit_score_edit(dumped, parts[1:], path)
            if refused is not None:
                return EditResult(False, (refused,))
        try:
            clause = _adapter(top).validate_python(dumped)
        except ValidationError as error:
            return EditResult(False, _format_error(error, top))
        result = self._replace(self.definition.model_copy(update={top: clause}))
        if result.changed:
            # A list set whole (a segment removed, a tier 2 rule taken): what a field inside
            # it remembered from before its first key is another list's. Kept, a refused key
            # there put the removed segment back, and the save wrote it.
            for typed in [p for p in self._typing_from if p.startswith(path + ".")]:
                del self._typing_from[typed]
        return result

    def read_only_reason(self) -> str | None:
        """Why no edit is taken now (following, signed, or signed by one side so far), in words
        for the room."""
        if self.follow:
            return FOLLOW_REASON
        partial = self.definition.partial_signoff
        if partial is not None:
            return (
                f"This draft carries the {partial.signed_side} SSH signature and is read-only: "
                f"finish with `workbench sign --as {partial.missing_side}`."
            )
        if self.read_only:
            return "This version is signed and read-only: make a new version."
        return None

    def replace(self, candidate: Definition) -> EditResult:
        """Take a whole draft made elsewhere in the core (a proposal from the analysis,
        written with `clauses.with_clause`): the same checks and suite re-run as any edit."""
        return self._replace(candidate)

    def _replace(
        self, candidate: Definition, renamed: Mapping[str, str] | None = None
    ) -> EditResult:
        """Every edit (clause, case, question) ends here, so read-only is enforced once.
        `renamed` (new name: old name): a case the edit renamed, neither added nor removed."""
        refused = self.read_only_reason()
        if refused is not None:
            return EditResult(False, (refused,))
        try:
            candidate.check_consistent()
        except ValueError as error:
            return EditResult(False, (str(error),))
        overlapping = new_overlaps(self.definition, candidate)
        if overlapping:
            return EditResult(False, tuple(problem.message for problem in overlapping))
        if candidate == self.definition:
            return EditResult(True)
        before = self.suite
        self.definition = candidate
        self.suite = run_suite(candidate)
        return EditResult(True, (), tuple(changes(before, self.suite, renamed)), changed=True)

    def set_expectation(self, case_name: str, expect: Expectation) -> EditResult:
        """Give one case a new expectation; remembered so that `undo_expectation` can take
        it back."""
        case = self._case(case_name)
        if case is None:
            return EditResult(False, (f"no edge case named {case_name!r}",))
        updated = case.model_copy(update={"expect": expect})
        return self._replace_case(case_name, updated)

    def acceptance(self, case_name: str) -> Acceptance:
        """What accepting the definition's current outcome would change for one case, and
        whether the room has to confirm it: only a 'depends' case was left for the room to
        decide by what the definition does; any other case's expectation was agreed."""
        result = self.suite.by_name()[case_name]
        old = result.case.expect
        verdict = result.verdict
        new = Expectation(
            status=verdict.status,
            route=verdict.route if old.route is not None else None,
            tier=verdict.tier if old.tier is not None else None,
            lead_type=verdict.lead_type if old.lead_type is not None else None,
            segment=verdict.segment if old.segment is not None else None,
        )
        return Acceptance(
            case_name,
            old,
            new,
            needs_confirmation=not result.case.depends,
            why=result.case.why,
            why_disagrees=why_mismatch(result.case.model_copy(update={"expect": new})),
        )

    def accept_actual(self, case_name: str, confirmed: bool = False) -> EditResult:
        """Make the case expect what the definition now does: at once for a 'depends' case,
        and for any other only once the room has seen the old and new expectation."""
        refused = self.read_only_reason()
        if refused is not None:
            return EditResult(False, (refused,))
        if case_name not in self.suite.by_name():
            return EditResult(False, (f"no edge case named {case_name!r}",))
        proposal = self.acceptance(case_name)
        if proposal.needs_confirmation and not confirmed and proposal.changes:
            return EditResult(
                False,
                (
                    f"{case_name} is not a 'depends' case: the room agreed "
                    f"{proposal.old.label()}; confirm before it expects {proposal.new.label()}",
                ),
            )
        return self.set_expectation(case_name, proposal.new)

    def undo_expectation(self) -> EditResult:
        """Take back the last expectation change, unless the case changed again since."""
        change = self.last_expectation
        if change is None:
            return EditResult(False, ("no expectation change to undo",))
        case = self._case(change.case_name)
        if case is None:
            self._undo.pop()  # nothing left to take it back from: the next `u` goes on
            return EditResult(False, (f"the edge case {change.case_name!r} no longer exists",))
        if case.expect != change.after:
            self._undo.pop()
            return EditResult(
                False,
                (
                    f"{change.case_name} changed again since (it now expects "
                    f"{case.expect.label()}); nothing was undone",
                ),
            )
        result = self._replace_case(
            change.case_name, case.model_copy(update={"expect": change.before}), remember=False
        )
        if result.ok:
            self._undo.pop()
        return result

    def add_case(self, case: EdgeCase, *, typed: bool = True) -> EditResult:
        """Add a case to the suite: one the room argued about, so it says why. A case typed
        in the room also describes a lead (a form sent with only a name typed, by an Enter,
        added an empty case that then blocked signing); a lead adopted from history may have
        had every field anonymised away and is still a lead (`typed=False`)."""
        if self._case(case.name) is not None:
            return EditResult(False, (_taken(case.name),))
        if not case.why.strip():
            return EditResult(False, (NO_WHY,))
        if typed and case.lead == Lead():
            return EditResult(False, (NO_LEAD,))
        case, notes = seniority_from_title(case)
        cases = [*self.definition.cases, case]
        return _noted(self._replace(self.definition.model_copy(update={"cases": cases})), notes)

    def edit_case(self, case_name: str, case: EdgeCase) -> EditResult:
        """Replace one case (the room's own or the template's) in place; a new name must not
        be another case's. A changed expectation can be undone like any other."""
        if self._case(case_name) is None:
            return EditResult(False, (f"no edge case named {case_name!r}",))
        if case.name != case_name and self._case(case.name) is not None:
            return EditResult(False, (_taken(case.name),))
        case, notes = seniority_from_title(case)
        return _noted(self._replace_case(case_name, case), notes)

    def delete_case(self, case_name: str) -> EditResult:
        """Remove one case from the suite; `undo` brings it back where it stood."""
        case = self._case(case_name)
        if case is None:
            return EditResult(False, (f"no edge case named {case_name!r}",))
        index = self.definition.cases.index(case)
        cases = [c for c in self.definition.cases if c.name != case_name]
        result = self._replace(self.definition.model_copy(update={"cases": cases}))
        if result.ok:
            self._remember(DeletedCase(case, index))
        return result

    def undo_says(self) -> str | None:
        """What `undo` would do, in the room's words; None when there is nothing to undo."""
        if self.last_deleted is not None:
            return f"{self.last_deleted.case.name} is back in the suite."
        change = self.last_expectation
        if change is not None:
            return f"{change.case_name} expects {change.before.label()} again."
        return None

    def undo(self) -> EditResult:
        """Take back the last deleted case or expectation change, whichever came later; again,
        the one before it. A step that can no longer be taken back is said and dropped."""
        deleted = self.last_deleted
        if deleted is None:
            if self.last_expectation is None:
                return EditResult(
                    False, ("nothing to undo: no case deleted, no expectation changed",)
                )
            return self.undo_expectation()
        name = deleted.case.name
        if self._case(name) is not None:
            self._undo.pop()
            return EditResult(
                False, (f"a case named {name!r} was added since; nothing was undone",)
            )
        cases = list(self.definition.cases)
        cases.insert(min(deleted.index, len(cases)), deleted.case)
        result = self._replace(self.definition.model_copy(update={"cases": cases}))
        if result.ok:
            self._undo.pop()
        return result

    def _case(self, name: str) -> EdgeCase | None:
        return next((c for c in self.definition.cases if c.name == name), None)

    def _replace_case(self, case_name: str, case: EdgeCase, remember: bool = True) -> EditResult:
        """Put `case` where `case_name` was; remember an expectation it changes."""
        before = self._case(case_name)
        cases = [case if c.name == case_name else c for c in self.definition.cases]
        renamed = {case.name: case_name} if case.name != case_name else None
        result = self._replace(self.definition.model_copy(update={"cases": cases}), renamed)
        if not (result.ok and result.changed) or before is None:
            return result
        if case.name != case_name:
            # Renamed: the changes to take back follow the case to its new name.
            self._undo = [
                ExpectationChange(case.name, step.before, step.after)
                if isinstance(step, ExpectationChange) and step.case_name == case_name
                else step
                for step in self._undo
            ]
        if remember and before.expect != case.expect:
            self._remember(ExpectationChange(case.name, before.expect, case.expect))
        return result

    def add_question(self, text: str, raised_by: str | None = None) -> EditResult:
        try:
            question = OpenQuestion(text=text.strip(), raised_by=raised_by or None)
        except ValidationError:
            return EditResult(False, ("a question needs some text",))
        questions = [*self.definition.questions, question]
        return self._replace(self.definition.model_copy(update={"questions": questions}))

    def toggle_question(self, index: int, answer: str | None = None) -> EditResult:
        """Resolve an open question with what the room settled (the file's `answer`; an
        empty one clears it, None keeps what it has), or open a resolved one again (its
        answer kept: nothing typed is lost)."""
        questions = list(self.definition.questions)
        q = questions[index]
        update: dict[str, Any] = {"resolved": not q.resolved}
        if not q.resolved and answer is not None:
            update["answer"] = answer.strip() or None
        questions[index] = q.model_copy(update=update)
        return self._replace(self.definition.model_copy(update={"questions": questions}))

    def apply_proposal(self, proposal: ProposalLike, on: date) -> EditResult:
        """Accept one analysis proposal (a keypress by the room): its clause takes the value,
        with its evidence, and the suite re-runs like any edit."""
        try:
            candidate = apply_proposal(self.definition, proposal, on=on)
        except InputError as error:
            return EditResult(False, tuple(p.message for p in error.problems))
        return self._replace(candidate)

    def record_evidence(self, clause: str, text: str, on: date, **counts: Any) -> EditResult:
        """The room's own figure for a clause (`clause_evidence.record_evidence`)."""
        try:
            candidate = record_evidence(self.definition, clause, text, on=on, **counts)
        except InputError as error:
            return EditResult(False, tuple(p.message for p in error.problems))
        return self._replace(candidate)

    # --- disk ------------------------------------------------------------------------

    def save(self) -> bool:
        """Write the draft if it changed; raises ConflictError if the file changed under us."""
        with self._lock:
            snapshot = self.definition
            if snapshot == self._saved_definition or self.read_only:
                return False
            try:
                self._disk_sha = store.save(snapshot, self.path, self._disk_sha)
            except ConflictError as error:
                self.conflict = str(error)
                raise
            except WorkbenchError as error:
                self.save_error = str(error)
                raise
            self._saved_definition = snapshot
            self.conflict = None
            self.save_error = None
            return True

    def save_before_exit(
        self, rescue_dir: Path, now: datetime, refused: Iterable[str] = ()
    ) -> Path | None:
        """The app is ending without the room's say (a browser seat closed or reloaded, the
        server or terminal stopped): a field still holding a refused value (`refused`, the
        front-end's) goes back as on leaving, and the
        edits the draft holds are saved now instead of after the autosave's pause. Where the
        draft cannot take them (changed on disk, a full disk) they go to a copy in
        `rescue_dir`, never over the file. Returns where they went; None when nothing was
        unsaved, or for a follower."""
        if self.follow or self.read_only:
            return None
        for path in refused:
            self.revert_typing(path)
        if not self.dirty:
            return None
        try:
            self.save()
            return self.path
        except WorkbenchError:
            rescue_dir.mkdir(parents=True, exist_ok=True)
            return self.save_copy(rescue_dir / rescue_name(self.definition, now))

    def reload(self) -> tuple[Flip, ...]:
        """Drop unsaved edits and take what is on disk now (after a conflict, say). Returns
        the cases whose verdict the file flipped (PASS to FAIL or back) against the suite
        shown before, and those it added or removed: a follow seat names them, as an edit
        names its own (a case renamed there reads as one removed and one added here)."""
        before = self.suite
        self._adopt(store.load_definition(self.path))
        return tuple(changes(before, self.suite))

    def disk_is_signed(self) -> bool:
        """After a conflict: whether the file on disk is now a signed version, the one case
        where the room's edits can become the next version (`keep_as_new_version`)."""
        try:
            sha = store.file_sha256(self.path)
            if self._disk_signed is None or self._disk_signed[0] != sha:
                # Asked each time the footer refreshes: the file is read once per content.
                signed = store.load_definition(self.path).definition.is_signed
                self._disk_signed = (sha, signed)
            return self._disk_signed[1]
        except WorkbenchError:
            return False

    def keep_as_new_version(self, folder: Path, today: date) -> Path:
        """After a conflict: the room's edits as the next version, where that is valid (the
        core's one rule for new versions: `versions.keep_as_new_version`); then edit that."""
        made = versions.keep_as_new_version(folder, self.definition, today)
        self._adopt(store.load_definition(made.path))
        return made.path

    def save_copy(self, target: Path) -> Path:
        """The room's edits written to a new file elsewhere (never over an existing one), for
        when the draft itself cannot be saved: a full disk, a read-only folder, a conflict."""
        return store.write_copy(self.definition, target)

    def _adopt(self, loaded: store.DefinitionFile) -> None:
        with self._lock:
            self.path = loaded.path
            self.definition = loaded.definition
            self.integrity = loaded.integrity
            self._saved_definition = loaded.definition
            self._disk_sha = loaded.file_sha256
            self.suite = run_suite(self.definition)
            self.conflict = None
            self.save_error = None
            self._undo = []
            self._typing_from = {}  # what was typed before belongs to the file left behind

    def signed_base(self, folder: Path) -> Definition | None:
        """The latest signed version this one would replace; None when it is that version.

        Read once per session (a signed version never changes): the sign-off step diffs
        against it after every edit, and the evidence step backtests it for comparison.
        """
        if self._signed_base is None:
            state = store.summarize(folder, self.definition.slug)
            signed = state.latest_signed
            self._signed_base = (
                (None, None)
                if signed is None or signed.path == self.path
                else (signed.definition.version, signed.definition)
            )
        return self._signed_base[1]

    def signed_history(self, folder: Path) -> tuple[Definition, ...]:
        """Every signed version of this slug before this one, oldest first, as `check` lints
        the latest against them (a threshold unchanged for a year). Read once per session,
        as `signed_base` is: a signed version never changes."""
        if self._signed_history is None:
            state = store.summarize(folder, self.definition.slug)
            self._signed_history = tuple(
                f.definition
                for f in state.signed
                if f.path != self.path and f.definition.version < self.definition.version
            )
        return self._signed_history

    def changes_since_signed(self, folder: Path) -> tuple[int | None, list[Change]]:
        """The last signed version's number and what this draft changes relative to it."""
        base = self.signed_base(folder)
        if base is None:
            return None, []
        return base.version, diff(base, self.definition)

    def sign(
        self,
        marketing: SignerInput | None,
        sales: SignerInput | None,
        review_date: date | None,
        now: datetime,
    ) -> SignResult:
        """Save pending edits, then sign through the core (which re-runs every check)."""
        if self.follow:
            raise InputError([Problem(FOLLOW_REASON)])
        if self.dirty:
            self.save()
        with self._lock:
            loaded = store.load_definition(self.path)
            if loaded.file_sha256 != self._disk_sha:
                raise ConflictError(
                    [
                        Problem(
                            "changed on disk since it was opened; nothing was signed",
                            file=self.path,
                        )
                    ]
                )
            result = sign(loaded, marketing, sales, review_date, now)
            self.definition = result.definition
            self._saved_definition = result.definition
            self._disk_sha = result.file_sha256
            self.integrity = "intact"
            self.suite = result.suite
            return result


def _before_typing(definition: Definition, path: str, found: tuple[str, Any]) -> Definition:
    """`definition` with the clause at `path` as it was before its field was typed in."""
    top, before = found
    if "." in path and _same_length(getattr(definition, top), before):
        # Only this field's value back: another field of the same clause typed since (an
        # industry after a refused minimum size, another segment's name) keeps its edit.
        # A list clause only while it has as many items, or the index names another one.
        try:
            was = clause_value(definition.model_copy(update={top: before}), path)
            return with_clause(definition, path, _dump(was))
        except (ValidationError, LookupError, ValueError, AttributeError):
            pass  # the clause as a whole, as it was before the first key
    return definition.model_copy(update={top: before})


def _same_length(now: Any, before: Any) -> bool:
    """Not two lists of different lengths (a segment added or removed meanwhile)."""
    return not (isinstance(now, list) and isinstance(before, list) and len(now) != len(before))


def rescue_name(definition: Definition, now: datetime) -> str:
    """A file name for the room's edits saved elsewhere: which definition, which version,
    and when, so two rescues never collide and a reader knows what the file is."""
    return f"{definition.slug}-v{definition.version}-unsaved-{now:%Y%m%d-%H%M%S}.toml"


def _keep_place(data: Any, before: Any, parts: list[str]) -> None:
    """A table's key emptied and typed again within one field's keys ("10", backspace twice,
    "5") is put back where it was before the first key, not appended: the file moved
    `demo_request = 5` from first to last, noise in the pull request's diff."""
    for part in parts[:-1]:
        if isinstance(data, list) and isinstance(before, list) and int(part) < len(before):
            data, before = data[int(part)], before[int(part)]
        elif isinstance(data, dict) and isinstance(before, dict) and part in before:
            data, before = data.get(part), before[part]
        else:
            return
    key = parts[-1]
    if not isinstance(data, dict) or not isinstance(before, dict) or key not in before:
        return
    keys = [k for k in data if k != key]
    kept = [k for k in before if k in data]  # the keys both have, in the order before
    if keys != [k for k in kept if k != key]:
        return  # the table changed otherwise meanwhile: no order to go back to
    ordered = {k: data[k] for k in kept}
    data.clear()
    data.update(ordered)


def _dump(value: Any) -> Any:
    """A clause's value as plain data (a model, or a list of models, dumped)."""
    if hasattr(value, "model_dump"):
        return value.model_dump()
    if isinstance(value, list):
        return [v.model_dump() if hasattr(v, "model_dump") else v for v in value]
    return value
