"""Modal screens: confirm, open question, case detail, new case, new definition."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from workbench.core.domain.activities_text import format_activities, parse_activities
from workbench.core.domain.case_why import why_mismatch
from workbench.core.domain.definition import EdgeCase, Expectation, check_slug
from workbench.core.domain.errors import WorkbenchError
from workbench.core.domain.phrases import activities_phrase
from workbench.core.domain.stages import STAGES
from workbench.core.domain.suite import CaseResult
from workbench.core.domain.typed_words import refusals, whole_number_text
from workbench.core.domain.vocab import PERSONAS, ROUTES, SENIORITY_ORDER, STATUSES
from workbench.core.services.workshop import NO_LEAD, NO_WHY, EditResult
from workbench.tui.components.held_keys import HoldingButton, hold_keys, release_keys
from workbench.tui.components.room_button import RoomButton
from workbench.tui.components.room_input import RoomInput
from workbench.tui.components.stop_list import StopList
from workbench.tui.components.text import PlainText

CANCEL = Binding("escape", "cancel", "Cancel", id="modal.cancel", tooltip="Close without changes.")

# The cells a question's row of answers has: a dialog 70 wide (as at 80 columns) less its
# frame, padding and the row's margins. Answers beyond it go on a row below, not past the
# frame ("Expect nurture, edit the why" was cut at 80 columns).
ANSWER_ROW_CELLS = 64
_BUTTON_MIN_CELLS = 16  # Textual's `min-width` of a button
_BUTTON_GAP = 2  # `.buttons Button { margin-right: 2 }`


def answer_rows(answers: Sequence[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """The answers in rows that fit `ANSWER_ROW_CELLS`, in their order."""
    rows: list[list[tuple[str, str]]] = []
    used = 0
    for answer in answers:
        width = max(_BUTTON_MIN_CELLS, cell_len(answer[1]) + 2)  # a cell of padding each side
        if rows and used + _BUTTON_GAP + width <= ANSWER_ROW_CELLS:
            rows[-1].append(answer)
            used += _BUTTON_GAP + width
        else:
            rows.append([answer])
            used = width
    return rows


class ConfirmModal(ModalScreen[str]):
    """A question with a few named answers; dismisses with the chosen answer's id. The
    arrows move between the answers (a facilitator pressed right to reach "Remove" and the
    cursor stayed on "Keep it"), without wrapping as tab does: the first answer is the safe
    one, and left from it must not land on the last, which loses something."""

    BINDINGS = [
        CANCEL,
        Binding(
            "left,up",
            "step_answer(-1)",
            "Previous answer",
            show=False,
            id="modal.previous-answer",
            tooltip="The answer to the left.",
        ),
        Binding(
            "right,down",
            "step_answer(1)",
            "Next answer",
            show=False,
            id="modal.next-answer",
            tooltip="The answer to the right.",
        ),
    ]

    def __init__(
        self, question: str, answers: list[tuple[str, str]], *, holding: bool = False
    ) -> None:
        """`holding`: an answer holds the keys typed after it (see `HoldingButton`) and the
        callback releases them once, when what the answer does is on screen."""
        super().__init__()
        self.question = question
        self.answers = answers
        self.holding = holding

    def compose(self) -> ComposeResult:
        kind = HoldingButton if self.holding else RoomButton
        with Vertical(classes="dialog"):
            yield PlainText(self.question, classes="dialog-text")
            for row in answer_rows(self.answers):
                with Horizontal(classes="buttons"):
                    for answer_id, label in row:
                        yield kind(label, id=f"answer-{answer_id}")

    @on(Button.Pressed)
    def _answer(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.dismiss(event.button.id.removeprefix("answer-"))

    def action_step_answer(self, step: int) -> None:
        buttons = list(self.query(Button))
        focused = self.focused
        if isinstance(focused, Button) and focused in buttons:
            at = buttons.index(focused) + step
            if 0 <= at < len(buttons):
                buttons[at].focus()

    def action_cancel(self) -> None:
        if self.holding:
            hold_keys(self)  # as an answer's button would: the callback releases it
        self.dismiss("cancel")


def ask_before_discarding(form: ModalScreen[Any], what: str) -> None:
    """Close `form` (dismissed with None) only once the room says so: one esc too many threw
    a whole case away, and then a new definition's id and name."""

    def answered(choice: str | None) -> None:
        if choice == "discard":
            form.dismiss(None)

    form.app.push_screen(
        ConfirmModal(
            f"Discard {what}? What was typed in the form is not kept.",
            [("keep", "Keep editing"), ("discard", "Discard")],
        ),
        answered,
    )


class LeaveQuestion(ConfirmModal):
    """What leaving or quitting would lose (signers typed, a value not applied), asked one at
    a time: ctrl+q pressed again over it asked it again, and each had to be answered."""


class QuestionModal(ModalScreen[str | None]):
    """Park a question the room cannot settle now; it is saved with the draft."""

    BINDINGS = [CANCEL]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Open question (saved with the draft, listed at sign-off)")
            yield RoomInput(placeholder="e.g. Are agencies in our ICP?", id="question-text")
            yield PlainText("", classes="field-error")
            with Horizontal(classes="buttons"):
                yield RoomButton("Park it", id="park", variant="primary")
                yield RoomButton("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#park")
    def _park(self) -> None:
        text = self.query_one("#question-text", Input).value.strip()
        if not text:
            self.query_one(".field-error", PlainText).say("✗ type the question first")
            return
        self.dismiss(text)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.query_one("#question-text", Input).value.strip():
            ask_before_discarding(self, "this question")
        else:
            self.dismiss(None)


class ResolveQuestionModal(ModalScreen[str | None]):
    """Resolve a parked question with what the room settled, if it says: saved as the
    question's `answer`, so the file says what was decided and not only that it was. Enter on
    an empty answer resolves it without one; escape leaves it open."""

    BINDINGS = [CANCEL]

    def __init__(self, question: str, answer: str = "") -> None:
        super().__init__()
        self.question = question
        self.answer = answer

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Resolve: {self.question}")
            yield Label("What did the room settle? (optional; enter resolves)")
            yield RoomInput(
                self.answer, placeholder="e.g. Only agencies above 200 people.", id="answer-text"
            )
            with Horizontal(classes="buttons"):
                yield RoomButton("Resolve", id="resolve", variant="primary")
                yield RoomButton("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#resolve")
    def _resolve(self) -> None:
        self.dismiss(self.query_one("#answer-text", Input).value.strip())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.query_one("#answer-text", Input).value.strip() != self.answer.strip():
            ask_before_discarding(self, "this answer")
        else:
            self.dismiss(None)


class CaseModal(ModalScreen[Expectation | str | None]):
    """One case: its lead, the verdict, the clauses behind it, and what the room expects.

    Dismisses with "accept" (expect what the definition now does), "edit" or "delete" (the
    editor asks and does it), an Expectation the room chose by hand, or None.
    """

    BINDINGS = [
        CANCEL,
        Binding(
            "e",
            "accept",
            "Accept actual",
            id="case.accept",
            tooltip="Make the expectation match what the definition now does.",
        ),
        Binding("m", "edit", "Edit", id="case.edit", tooltip="Change this case in the form."),
        Binding(
            "d", "delete", "Delete", id="case.delete", tooltip="Remove this case (asks first)."
        ),
    ]

    def __init__(self, result: CaseResult, read_only: bool) -> None:
        super().__init__()
        self.result = result
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        r = self.result
        lead = r.case.lead
        person, company = lead.person, lead.company
        expect = r.case.expect.model_dump(exclude_none=True)
        # The verdict and its reasons first, then the lead: at 80x24 the reasons came last and
        # were scrolled out of sight ("Because:" above the expectation's dropdown).
        lines = [
            f"{'PASS' if r.passed else 'FAIL'}  {r.name}"
            + ("  (a 'depends' case)" if r.case.depends else ""),
            f"Why: {r.case.why or '—'}",
            "Expected: " + ", ".join(f"{k} {v}" for k, v in expect.items()),
            f"Actual:   {r.verdict.summary()}",
        ]
        lines += [f"  ✗ {m}" for m in r.mismatches]
        disagreement = why_mismatch(r.case)
        if disagreement is not None:
            lines.append(f"  ⚠ The expectation no longer matches its why: {disagreement}.")
        lines.append("Because:")
        lines += [f"  • {reason.text} [{reason.clause}]" for reason in r.verdict.reasons]
        lines += [
            "",
            f"Person:   {person.title or '—'} ({person.seniority or 'seniority unknown'}, {person.persona})",
            f"Company:  {company.name or '—'} — {company.employees if company.employees is not None else '?'} "
            f"employees, {company.industry or '?'}, {company.region or '?'}, {company.relationship}",
            f"Activity: {activities_phrase(lead.activities)}",
        ]
        if company.target_account or company.engaged_contacts or r.verdict.lead_type == "aql":
            lines.append(  # the account facts an AQL motion is chosen by
                f"Account:  {'a target account' if company.target_account else 'not a target account'}, "
                f"{company.engaged_contacts} engaged contacts"
            )
        if lead.history and lead.history.last_mql_days_ago is not None:
            lines.append(
                f"History:  last MQL {lead.history.last_mql_days_ago} days ago "
                f"({lead.history.last_mql_outcome or 'outcome unknown'})"
            )
        with Vertical(classes="dialog wide"):
            with VerticalScroll():
                yield PlainText("\n".join(lines), id="case-detail")
            if not self.read_only:
                with Horizontal(classes="row"):
                    yield _labelled_select(
                        "expect-status", "The room expects", STATUSES, r.case.expect.status
                    )
                    yield _labelled_select(
                        "expect-route", "routed to", ROUTES, r.case.expect.route, blank=True
                    )
            # One line of compact buttons: five full-size ones do not fit 80 columns.
            with Horizontal(classes="buttons", id="case-buttons"):
                if not self.read_only:
                    yield RoomButton(
                        "Set expectation", id="set-expect", variant="primary", compact=True
                    )
                    if not r.passed:
                        yield RoomButton("Accept (e)", id="accept", variant="warning", compact=True)
                    yield RoomButton("Edit (m)", id="edit-case", compact=True)
                    yield RoomButton("Delete (d)", id="delete-case", variant="error", compact=True)
                yield RoomButton("Close (esc)", id="close", compact=True)

    def on_mount(self) -> None:
        """The cursor where the room acts, in sight: on what the room expects (a read-only
        case: Close). On the scrolling text nothing looked chosen, and a facilitator's
        shift+tab, enter reached Delete."""
        target = "#close" if self.read_only else "#expect-status"
        self.query_one(target).focus()

    @on(Button.Pressed, "#accept")
    def action_accept(self) -> None:
        if not self.read_only:
            self.dismiss("accept")

    @on(Button.Pressed, "#edit-case")
    def action_edit(self) -> None:
        if not self.read_only:
            self.dismiss("edit")

    @on(Button.Pressed, "#delete-case")
    def action_delete(self) -> None:
        if not self.read_only:
            self.dismiss("delete")

    @on(Button.Pressed, "#set-expect")
    def _set_expectation(self) -> None:
        status = self.query_one("#expect-status", Select).value
        route = self.query_one("#expect-route", Select).value
        old = self.result.case.expect
        self.dismiss(
            old.model_copy(
                update={
                    "status": status,
                    "route": None if route is Select.NULL else route,
                }
            )
        )

    @on(Button.Pressed, "#close")
    def action_cancel(self) -> None:
        self.dismiss(None)


def _labelled_select(
    key: str, label: str, options: Any, value: str | None, blank: bool = False
) -> Vertical:
    return Vertical(
        Label(label, classes="field-label"),
        Select(
            [(o, o) for o in options],
            value=value if value is not None else Select.NULL,
            allow_blank=blank,
            prompt="(any)",
            id=key,
            compact=True,
        ),
        classes="clause-field",
    )


# Each field of the case form: its key and where its value goes in the case.
_CASE_PATHS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "why": ("why",),
    "depends": ("depends",),
    "title": ("lead", "person", "title"),
    "seniority": ("lead", "person", "seniority"),
    "persona": ("lead", "person", "persona"),
    "email": ("lead", "person", "email"),
    "company": ("lead", "company", "name"),
    "domain": ("lead", "company", "domain"),
    "employees": ("lead", "company", "employees"),
    "relationship": ("lead", "company", "relationship"),
    "industry": ("lead", "company", "industry"),
    "region": ("lead", "company", "region"),
    "target": ("lead", "company", "target_account"),
    "contacts": ("lead", "company", "engaged_contacts"),
    "activities": ("lead", "activities"),
    "last-mql": ("lead", "history", "last_mql_days_ago"),
    "last-outcome": ("lead", "history", "last_mql_outcome"),
    "status": ("expect", "status"),
    "route": ("expect", "route"),
    "source": ("lead", "lead_source"),
    "tier": ("expect", "tier"),
    "segment": ("expect", "segment"),
    "lead-type": ("expect", "lead_type"),
}


def case_form_values(case: EdgeCase | None) -> dict[str, str | None]:
    """What the case form starts with: a new case's defaults, or an existing case's values
    (inputs as text, choices as their value; None is a choice left blank)."""
    if case is None:
        return {
            "depends": "no",
            "persona": "employee",
            "relationship": "prospect",
            "target": "no",
            "status": "mql",
        }
    person, company, history = case.lead.person, case.lead.company, case.lead.history
    days = history.last_mql_days_ago if history is not None else None
    return {
        "name": case.name,
        "why": case.why,
        "depends": "yes" if case.depends else "no",
        "title": person.title,
        "seniority": person.seniority,
        "persona": person.persona,
        "email": person.email or "",
        "company": company.name,
        "domain": company.domain or "",
        "employees": "" if company.employees is None else str(company.employees),
        "relationship": company.relationship,
        "industry": company.industry or "",
        "region": company.region or "",
        "target": "yes" if company.target_account else "no",
        "contacts": str(company.engaged_contacts) if company.engaged_contacts else "",
        "activities": format_activities(
            [a.model_dump(exclude_none=True) for a in case.lead.activities]
        ),
        "last-mql": "" if days is None else f"{days:g}",
        "last-outcome": history.last_mql_outcome if history is not None else None,
        "status": case.expect.status,
        "route": case.expect.route,
        "source": case.lead.lead_source or "",
        "tier": None if case.expect.tier is None else str(case.expect.tier),
        "segment": case.expect.segment,
        "lead-type": case.expect.lead_type,
    }


def _stripped(value: str | None) -> str | None:
    return value.strip() if value is not None else None


def _form_value(key: str, shown: str | None) -> Any:
    """A form field's text or choice as the case's value."""
    if key == "activities":
        return parse_activities(shown or "")
    if key in ("employees", "last-mql"):
        # As typed, thousands marks read as the clause fields do; the case's validation
        # refuses "72.5" employees.
        return whole_number_text(shown) if shown else None
    if key == "contacts":
        return shown or 0
    if key in ("depends", "target"):
        return shown == "yes"
    if key in ("email", "domain", "industry", "region", "source"):
        return shown or None
    if key == "tier":
        return int(shown) if shown else None
    return shown


class NewCaseModal(ModalScreen[tuple[EdgeCase, EditResult] | None]):
    """Add the room's own case, or change any case: a lead and what everyone agrees it
    should come out as.

    `submit` applies the case to the draft (the core decides: a taken name is refused);
    when it refuses, the form stays open with everything typed and says why. Editing, a
    field left as it was keeps the case's value exactly (an activity dated `at`, a fraction
    of a day), so opening and saving the form never changes a case by itself.
    """

    BINDINGS = [CANCEL]

    # The keys typed while the form came up were held (`CasesPane.action_add`): released
    # once its first field has the cursor, they go there, in order.
    held = False

    def __init__(
        self,
        submit: Callable[[EdgeCase], EditResult],
        case: EdgeCase | None = None,
        *,
        segments: Sequence[str] = (),
        lead_types: Sequence[str] = (),
        focus: str = "name",
    ) -> None:
        """`segments`: the definition's segment ids, `lead_types` its motions' lead types;
        the expected segment or lead type is offered only where the definition has them.
        `focus`: the text field the form opens with the cursor in (after its text)."""
        super().__init__()
        self.submit = submit
        self.focus_key = focus
        self.case = case
        self.initial = case_form_values(case)
        self.segments = tuple(segments)
        self.lead_types = tuple(dict.fromkeys(lead_types))

    def compose(self) -> ComposeResult:
        title = (
            "New edge case: a name, why, and the lead; enter in a text field adds it"
            if self.case is None
            else f"Edit edge case {self.case.name}: enter in a text field saves it"
        )
        with Vertical(classes="dialog wide"):
            yield PlainText(title, classes="section-title")
            with VerticalScroll():
                with Horizontal(classes="row"):
                    yield self._input("name", "Case name (a-z, 0-9, -)", "partner-referral")
                    yield self._input("why", "Why (one line)", "what the room agreed, and why")
                with Horizontal(classes="row"):
                    yield self._input("title", "Job title", "VP Sales")
                    yield self._select("seniority", "Seniority", SENIORITY_ORDER, blank=True)
                    yield self._select("persona", "Persona", PERSONAS)
                    yield self._input("email", "Email", "jo@x.co")
                with Horizontal(classes="row"):
                    yield self._input("company", "Company", "Acme")
                    yield self._input("domain", "Domain", "acme.io")
                    yield self._input("employees", "Employees", "200")
                    yield self._select(
                        "relationship",
                        "Relationship",
                        ("prospect", "customer", "competitor", "partner"),
                    )
                with Horizontal(classes="row"):
                    yield self._input("industry", "Industry", "software")
                    yield self._input("region", "Region", "europe")
                    yield self._select("target", "Target account", ("no", "yes"))
                    yield self._input("contacts", "Engaged contacts", "blank = 0")
                with Horizontal(classes="row"):
                    activities = self._input(
                        "activities",
                        "Activities: kind days_ago xCOUNT, comma-separated",
                        "demo_request 0, pricing_page_view 3 x2",
                    )
                    activities.add_class("wide-field")
                    yield activities
                    yield self._select("depends", "'Depends' case", ("no", "yes"))
                with Horizontal(classes="row"):
                    yield self._input("last-mql", "Days since MQL", "90")  # 14 columns at 80
                    yield self._select(
                        "last-outcome",
                        "Its outcome",
                        ("open", "accepted", "rejected", "unworked"),
                        blank=True,
                    )
                    yield self._select("status", "Agreed status", STATUSES)
                    yield self._select("route", "Agreed route", ROUTES, blank=True)
                with Horizontal(classes="row"):
                    yield self._input("source", "Lead source", "webinar")
                    yield self._select("tier", "Agreed tier", ("1", "2", "3", "4"), blank=True)
                    if self.segments:
                        yield self._select("segment", "Agreed segment", self.segments, True)
                    if self.lead_types:
                        yield self._select("lead-type", "Agreed type", self.lead_types, True)
            yield PlainText("", id="case-error", classes="field-error")
            with Horizontal(classes="buttons"):
                if self.case is None:
                    yield RoomButton("Add case", id="add", variant="primary")
                else:
                    yield RoomButton("Save changes", id="save-case", variant="primary")
                yield RoomButton("Cancel", id="cancel")

    def on_mount(self) -> None:
        if self.focus_key == "name":
            self.query_one("#new-name", Input).focus()
        else:  # after its text, nothing selected: a key typed at once must not wipe it
            self.query_one(f"#new-{self.focus_key}", RoomInput).focus_after_text()
        if self.held:
            self.held = False
            self.call_after_refresh(release_keys, self)

    def _input(self, key: str, label: str, hint: str) -> Vertical:
        """A text field; its hint reads as a hint ("e.g. …"), never as a value. Numbers are
        not `restrict`ed: a refused key vanished silently ("72.5" became 725); the case's
        validation says what a count takes instead."""
        placeholder = hint if hint.startswith("blank") else f"e.g. {hint}"
        return Vertical(
            Label(label, classes="field-label"),
            RoomInput(
                self.initial.get(key) or "",
                placeholder=placeholder,
                id=f"new-{key}",
                compact=True,
            ),
            classes="clause-field",
        )

    def _select(self, key: str, label: str, options: Any, blank: bool = False) -> Vertical:
        value = self.initial.get(key)
        return Vertical(
            Label(label, classes="field-label"),
            Select(
                [(o, o) for o in options],
                value=value if value is not None else Select.NULL,
                allow_blank=blank,
                prompt="(unset)",
                id=f"new-{key}",
                compact=True,
            ),
            classes="clause-field",
        )

    def _shown(self, key: str) -> str | None:
        widget = self.query_one(f"#new-{key}")
        if isinstance(widget, Input):
            return widget.value.strip()
        value = widget.value  # type: ignore[attr-defined]
        return None if value is Select.NULL else str(value)

    def _typed(self) -> bool:
        """Whether any field differs from what the form opened with (blank as blank)."""
        return any(
            (self._shown(key) or None) != (_stripped(self.initial.get(key)) or None)
            for key in _CASE_PATHS
            if self.query(f"#new-{key}")
        )

    def _data(self) -> dict[str, Any]:
        """The case as the form describes it: a new case from every field; an edited one
        from the case as it was, with only the fields the room changed replaced."""
        data: dict[str, Any] = {} if self.case is None else self.case.model_dump(exclude_none=True)
        changed = set()
        for key, path in _CASE_PATHS.items():
            if not self.query(f"#new-{key}"):
                continue  # not offered (no segments, no motions): the case's value stays
            shown = self._shown(key)
            if self.case is not None and shown == _stripped(self.initial.get(key)):
                continue
            changed.add(key)
            value = _form_value(key, shown)
            target = data
            for part in path[:-1]:
                target = target.setdefault(part, {})
            if value is None:
                target.pop(path[-1], None)
            else:
                target[path[-1]] = value
        history = data.get("lead", {}).get("history")
        if history is not None and "last-mql" in changed and "last_mql_days_ago" not in history:
            data["lead"].pop("history")  # no last MQL: its outcome means nothing
        return data

    @on(Input.Submitted)
    @on(Button.Pressed, "#add, #save-case")
    def _add(self) -> None:
        error = self.query_one("#case-error", PlainText)
        try:
            data = self._data()
        except ValueError as problem:  # the activities line
            error.say(f"✗ Activities: {problem}")
            self.query_one("#new-activities", RoomInput).focus_after_text()
            return
        try:
            case = EdgeCase.model_validate(data)
        except ValidationError as problem:
            loc, message = refusals(problem.errors(include_url=False))[0]
            self._refuse_field(tuple(str(p) for p in loc), message)
            return
        result = self.submit(case)
        if not result.ok:
            error.say("✗ " + "; ".join(result.errors))
            # The cursor where the refusal points: the name, the why, the lead's first field.
            # Said, since enter in "Why" and a tab after it put the next value one field on.
            for said, field, label in (
                ("named", "#new-name", "Case name"),
                (NO_WHY, "#new-why", "Why"),
                (NO_LEAD, "#new-title", "Job title"),
            ):
                if any(said in message for message in result.errors):
                    target = self.query_one(field, RoomInput)
                    if target is not self.focused:
                        error.say(f"{error.shown} (the cursor is now in {label})")
                    target.focus_after_text()
                    break
            return
        self.dismiss((case, result))

    def _refuse_field(self, loc: tuple[str, ...], message: str) -> None:
        """Name the refused value by the label the room reads on the form, not the file's
        key path ("lead.company.engaged_contacts"), and put the cursor in that field. A path
        the form has no field for (the lead as a whole) is said as it is."""
        error = self.query_one("#case-error", PlainText)
        key = next((k for k, path in _CASE_PATHS.items() if loc[: len(path)] == path), None)
        field = self.query(f"#new-{key}").first() if key else None
        if field is None or not isinstance(field.parent, Vertical):
            error.say(f"✗ {'.'.join(loc)}: {message}")
            return
        label = str(field.parent.query_one(Label).content).split(":")[0]
        error.say(f"✗ {label}: {message}")
        if field is not self.focused:
            error.say(f"{error.shown} (the cursor is now in {label})")
            if isinstance(field, RoomInput):
                field.focus_after_text()  # "15o": a backspace takes the "o", not the field
            else:
                field.focus()

    @on(Input.Changed)
    @on(Select.Changed)
    def _fixing(self) -> None:
        """A refusal is about the form as it was: once the room changes a field, it goes
        (it stayed on screen after the job title it asked for was typed)."""
        error = self.query_one("#case-error", PlainText)
        if error.shown:
            error.say("")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close; with anything typed, only once the room says so (one esc too many threw a
        whole case away)."""
        if not self._typed():
            self.dismiss(None)
            return
        ask_before_discarding(
            self, "this case" if self.case is None else f"the changes to {self.case.name}"
        )


class NewDefinitionModal(ModalScreen[Path | None]):
    """Start a definition: a slug, a name, and the stage whose template it starts from.

    `create` writes it (the core decides: an id already taken is refused); when it refuses,
    the form stays open with everything typed and says why, as the case form does."""

    BINDINGS = [CANCEL]

    def __init__(self, folder: Path, create: Callable[[str, str, str], Path]) -> None:
        super().__init__()
        self.folder = folder
        self.create = create

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield PlainText(f"New definition in {self.folder}", classes="section-title")
            with Horizontal(classes="row"):
                with Vertical(classes="clause-field"):
                    yield Label("Short id (folder name)", classes="field-label")
                    yield RoomInput(placeholder="e.g. acme-inbound", id="new-slug", compact=True)
                with Vertical(classes="clause-field"):
                    yield Label("Name", classes="field-label")
                    yield RoomInput(
                        placeholder="e.g. Acme inbound MQL", id="new-name", compact=True
                    )
            yield Label(
                "Stage: which one is the company at? (enter creates)", classes="field-label"
            )
            yield StopList(
                *[Option(f"{s.id:<9} {s.label:<13} {s.volume}", id=s.id) for s in STAGES.values()],
                id="new-stage",
                compact=True,
            )
            yield PlainText("", id="new-guidance", classes="summary")
            yield PlainText("", id="new-error", classes="field-error")
            with Horizontal(classes="buttons"):
                yield RoomButton("Create", id="create", variant="primary")
                yield RoomButton("Cancel", id="cancel")

    def on_mount(self) -> None:
        stages = self.query_one("#new-stage", OptionList)
        stages.highlighted = list(STAGES).index("3m-10m")
        self.query_one("#new-slug", Input).focus()

    @on(OptionList.OptionHighlighted, "#new-stage")
    def _guide(self, event: OptionList.OptionHighlighted) -> None:
        stage = STAGES[event.option.id or "3m-10m"]
        self.query_one("#new-guidance", PlainText).update(stage.approach)

    @on(Input.Changed, "#new-slug")
    def _check_slug(self, event: Input.Changed) -> None:
        error = self.query_one("#new-error", PlainText)
        try:
            if event.value:
                check_slug(event.value)
            error.say("")
        except ValueError as problem:
            error.say(f"✗ id: {problem}")

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "new-slug":
            self.query_one("#new-name", Input).focus()
        else:
            self.query_one("#new-stage", OptionList).focus()

    @on(OptionList.OptionSelected, "#new-stage")
    @on(Button.Pressed, "#create")
    def _create(self) -> None:
        slug = self.query_one("#new-slug", Input).value.strip()
        error = self.query_one("#new-error", PlainText)
        try:
            check_slug(slug)
        except ValueError as problem:
            error.say(f"✗ id: {problem}")
            self.query_one("#new-slug", RoomInput).focus_after_text()
            return
        highlighted = self.query_one("#new-stage", OptionList).highlighted_option
        stage = highlighted.id if highlighted and highlighted.id else "3m-10m"
        try:
            path = self.create(slug, self.query_one("#new-name", Input).value.strip(), stage)
        except WorkbenchError as problem:
            said = "; ".join(p.message for p in problem.problems) or str(problem)
            error.say(f"✗ {slug}: {said}")
            self.query_one("#new-slug", RoomInput).focus_after_text()
            return
        self.dismiss(path)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        typed = [self.query_one(f"#new-{field}", Input).value.strip() for field in ("slug", "name")]
        if any(typed):
            ask_before_discarding(self, f"the new definition {typed[0] or typed[1]}")
        else:
            self.dismiss(None)
