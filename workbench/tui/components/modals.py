"""Modal screens: confirm, open question, case detail, new case, new definition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from workbench.core.domain.activities_text import format_activities, parse_activities
from workbench.core.domain.definition import EdgeCase, Expectation, check_slug
from workbench.core.domain.stages import STAGES
from workbench.core.domain.suite import CaseResult
from workbench.core.domain.vocab import PERSONAS, ROUTES, SENIORITY_ORDER, STATUSES
from workbench.tui.components.room_input import RoomInput
from workbench.tui.components.text import PlainText

CANCEL = Binding("escape", "cancel", "Cancel", id="modal.cancel", tooltip="Close without changes.")


class ConfirmModal(ModalScreen[str]):
    """A question with a few named answers; dismisses with the chosen answer's id."""

    BINDINGS = [CANCEL]

    def __init__(self, question: str, answers: list[tuple[str, str]]) -> None:
        super().__init__()
        self.question = question
        self.answers = answers

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield PlainText(self.question, classes="dialog-text")
            with Horizontal(classes="buttons"):
                for answer_id, label in self.answers:
                    yield Button(label, id=f"answer-{answer_id}")

    @on(Button.Pressed)
    def _answer(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.dismiss(event.button.id.removeprefix("answer-"))

    def action_cancel(self) -> None:
        self.dismiss("cancel")


class QuestionModal(ModalScreen[str | None]):
    """Park a question the room cannot settle now; it is saved with the draft."""

    BINDINGS = [CANCEL]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Open question (saved with the draft, listed at sign-off)")
            yield RoomInput(placeholder="e.g. Are agencies in our ICP?", id="question-text")
            yield PlainText("", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button("Park it", id="park", variant="primary")
                yield Button("Cancel", id="cancel")

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
        self.dismiss(None)


class CaseModal(ModalScreen[Expectation | str | None]):
    """One case: its lead, the verdict, the clauses behind it, and what the room expects.

    Dismisses with "accept" (expect what the definition now does), an Expectation the room
    chose by hand, or None.
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
        lines = [
            f"{'PASS' if r.passed else 'FAIL'}  {r.name}"
            + ("  (a 'depends' case)" if r.case.depends else ""),
            f"Why: {r.case.why or '—'}",
            "",
            f"Person:   {person.title or '—'} ({person.seniority or 'seniority unknown'}, {person.persona})",
            f"Company:  {company.name or '—'} — {company.employees if company.employees is not None else '?'} "
            f"employees, {company.industry or '?'}, {company.region or '?'}, {company.relationship}",
            "Activity: "
            + (
                format_activities([a.model_dump(exclude_none=True) for a in lead.activities])
                or "none"
            ),
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
        lines += [
            "",
            "Expected: " + ", ".join(f"{k} {v}" for k, v in expect.items()),
            f"Actual:   {r.verdict.summary()}",
        ]
        lines += [f"  ✗ {m}" for m in r.mismatches]
        lines.append("Because:")
        lines += [f"  • {reason.text} [{reason.clause}]" for reason in r.verdict.reasons]
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
            with Horizontal(classes="buttons"):
                if not self.read_only:
                    yield Button("Set expectation", id="set-expect", variant="primary")
                    if not r.passed:
                        yield Button("Accept actual (e)", id="accept", variant="warning")
                yield Button("Close (esc)", id="close")

    @on(Button.Pressed, "#accept")
    def action_accept(self) -> None:
        if not self.read_only:
            self.dismiss("accept")

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


class NewCaseModal(ModalScreen[EdgeCase | None]):
    """Add the room's own case: a lead and what everyone agrees it should come out as."""

    BINDINGS = [CANCEL]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield PlainText(
                "New edge case: enter in a text field adds it; seniority etc. are optional",
                classes="section-title",
            )
            with VerticalScroll():
                with Horizontal(classes="row"):
                    yield self._input("name", "Case name (a-z, 0-9, -)", "partner-referral")
                    yield self._input("why", "Why (one line)", "what the room agreed, and why")
                with Horizontal(classes="row"):
                    yield self._input("title", "Job title", "Head of Sales")
                    yield self._select("seniority", "Seniority", SENIORITY_ORDER, None)
                    yield self._select("persona", "Persona", PERSONAS, "employee")
                    yield self._input("email", "Email", "pat@example.com")
                with Horizontal(classes="row"):
                    yield self._input("company", "Company", "Example Co")
                    yield self._input("domain", "Domain", "example.com")
                    yield self._input("employees", "Employees", "200", restrict=r"[0-9]*")
                    yield self._select(
                        "relationship",
                        "Relationship",
                        ("prospect", "customer", "competitor", "partner"),
                        "prospect",
                    )
                with Horizontal(classes="row"):
                    yield self._input("industry", "Industry", "software")
                    yield self._input("region", "Region", "north-america")
                    yield self._select("target", "Target account", ("no", "yes"), "no")
                    yield self._input("contacts", "Engaged contacts", "0", restrict=r"[0-9]*")
                yield self._input(
                    "activities",
                    "Activities: kind days_ago xCOUNT, comma-separated",
                    "demo_request 0, pricing_page_view 3 x2",
                )
                with Horizontal(classes="row"):
                    yield self._input(
                        "last-mql", "Last MQL (days ago, if any)", "e.g. 90", restrict=r"[0-9]*"
                    )
                    yield self._select(
                        "last-outcome",
                        "Its outcome",
                        ("open", "accepted", "rejected", "unworked"),
                        None,
                    )
                    yield self._select("status", "Expected status", STATUSES, "mql")
                    yield self._select("route", "Expected route", ROUTES, None)
            yield PlainText("", id="case-error", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button("Add case", id="add", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#new-name", Input).focus()

    def _input(self, key: str, label: str, hint: str, restrict: str | None = None) -> Vertical:
        return Vertical(
            Label(label, classes="field-label"),
            RoomInput(placeholder=hint, id=f"new-{key}", restrict=restrict, compact=True),
            classes="clause-field",
        )

    def _select(self, key: str, label: str, options: Any, value: str | None) -> Vertical:
        return Vertical(
            Label(label, classes="field-label"),
            Select(
                [(o, o) for o in options],
                value=value if value is not None else Select.NULL,
                allow_blank=value is None,
                prompt="(unset)",
                id=f"new-{key}",
                compact=True,
            ),
            classes="clause-field",
        )

    def _value(self, key: str) -> Any:
        widget = self.query_one(f"#new-{key}")
        if isinstance(widget, Input):
            return widget.value.strip()
        value = widget.value  # type: ignore[attr-defined]
        return None if value is Select.NULL else value

    @on(Input.Submitted)
    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        error = self.query_one("#case-error", PlainText)
        try:
            activities = parse_activities(self._value("activities"))
        except ValueError as problem:
            error.say(f"✗ activities: {problem}")
            return
        employees = self._value("employees")
        contacts = self._value("contacts")
        last_mql = self._value("last-mql")
        data: dict[str, Any] = {
            "name": self._value("name"),
            "why": self._value("why"),
            "expect": {"status": self._value("status"), "route": self._value("route")},
            "lead": {
                "person": {
                    "title": self._value("title"),
                    "seniority": self._value("seniority"),
                    "persona": self._value("persona"),
                    "email": self._value("email") or None,
                },
                "company": {
                    "name": self._value("company"),
                    "domain": self._value("domain") or None,
                    "employees": int(employees) if employees else None,
                    "industry": self._value("industry") or None,
                    "region": self._value("region") or None,
                    "relationship": self._value("relationship"),
                    "target_account": self._value("target") == "yes",
                    "engaged_contacts": int(contacts) if contacts else 0,
                },
                "activities": activities,
            },
        }
        if last_mql:
            data["lead"]["history"] = {
                "last_mql_days_ago": int(last_mql),
                "last_mql_outcome": self._value("last-outcome"),
            }
        try:
            case = EdgeCase.model_validate(data)
        except ValidationError as problem:
            first = problem.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            error.say(f"✗ {where}: {str(first['msg']).removeprefix('Value error, ')}")
            return
        self.dismiss(case)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class NewDefinitionModal(ModalScreen[tuple[str, str, str] | None]):
    """Start a definition: a slug, a name, and the stage whose template it starts from."""

    BINDINGS = [CANCEL]

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield PlainText(f"New definition in {self.folder}", classes="section-title")
            with Horizontal(classes="row"):
                with Vertical(classes="clause-field"):
                    yield Label("Short id (folder name)", classes="field-label")
                    yield RoomInput(placeholder="acme-inbound", id="new-slug", compact=True)
                with Vertical(classes="clause-field"):
                    yield Label("Name", classes="field-label")
                    yield RoomInput(placeholder="Acme inbound MQL", id="new-name", compact=True)
            yield Label(
                "Stage: which one is the company at? (enter creates)", classes="field-label"
            )
            yield OptionList(
                *[Option(f"{s.id:<9} {s.label:<13} {s.volume}", id=s.id) for s in STAGES.values()],
                id="new-stage",
                compact=True,
            )
            yield PlainText("", id="new-guidance", classes="summary")
            yield PlainText("", id="new-error", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button("Create", id="create", variant="primary")
                yield Button("Cancel", id="cancel")

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
            self.query_one("#new-slug", Input).focus()
            return
        highlighted = self.query_one("#new-stage", OptionList).highlighted_option
        stage = highlighted.id if highlighted and highlighted.id else "3m-10m"
        self.dismiss((slug, self.query_one("#new-name", Input).value.strip(), stage))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
