"""Step 7: what changed, what is failing or open, both signers, the review date, confirm."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from workbench.core.domain.days import read_day
from workbench.core.domain.lint import Finding
from workbench.core.domain.risky import review_date_warning
from workbench.core.services.signoff import (
    check_review_date,
    default_review_date,
    lint_blockers,
    lint_cautions,
    signoff_evidence,
)
from workbench.core.services.workshop import Workshop
from workbench.tui.components.fields import FOCUS_MARK
from workbench.tui.components.room_button import RoomButton
from workbench.tui.components.room_input import RoomInput
from workbench.tui.components.steps import EXPLAIN
from workbench.tui.components.stop_list import StopList
from workbench.tui.components.text import PlainText


class SignRequested(Message):
    """The facilitator confirmed: sign with these signers and this review date."""

    def __init__(
        self, marketing: tuple[str, str], sales: tuple[str, str], review_date: date
    ) -> None:
        super().__init__()
        self.marketing = marketing
        self.sales = sales
        self.review_date = review_date


class QuestionToggled(Message):
    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index


class SignersTyped(Message):
    """The signer fields as typed so far: kept by the app for this definition, so leaving the
    step or the definition (esc, home, enter again) does not throw the names away."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__()
        self.values = values


SIGNER_KEYS = ("mk-name", "mk-role", "sl-name", "sl-role")  # the review date has a default
SIGN_KEYS = [*SIGNER_KEYS, "review-date"]
FIX_FIRST = "✗ fix the fields marked above first"


def finding_text(finding: Finding) -> str:
    """A finding with its clause in front, once: a message that names its clause itself (as
    `check` prints it) read "sla.sales.response_minutes.demo_request: sla.sales.response_
    minutes.demo_request is 10 minutes"."""
    named = finding.message.startswith(f"{finding.clause} ")
    return f"{'' if named else finding.clause + ': '}{finding.message} ({finding.rule})"


class SignerField(Vertical):
    """A signer's name or role, or the review date: the focused one says so on its label
    ("» "), as the fields of the other steps do."""

    DEFAULT_CLASSES = "clause-field"

    def __init__(self, key: str, label: str, value: str = "") -> None:
        super().__init__()
        self.key = key
        self.label_text = label
        self.initial = value

    def compose(self) -> ComposeResult:
        yield Label(self.label_text, classes="field-label")
        yield RoomInput(self.initial, id=self.key, compact=True)
        yield PlainText("", id=f"{self.key}-error", classes="field-error")
        yield PlainText("", id=f"{self.key}-warning", classes="field-warning")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.set_class(True, "-focused")
        self.query_one(".field-label", Label).update(FOCUS_MARK + self.label_text)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.set_class(False, "-focused")
        self.query_one(".field-label", Label).update(self.label_text)


class SignoffPane(VerticalScroll):
    def __init__(
        self,
        workshop: Workshop,
        folder: Path,
        today: date,
        typed: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.workshop = workshop
        self.folder = folder
        self.today = today
        self.typed = dict(typed or {})  # what the room typed here before (`SignersTyped`)

    def compose(self) -> ComposeResult:
        d = self.workshop.definition
        yield PlainText(EXPLAIN["signoff"], classes="explain")
        signed_version, _changes = self.workshop.changes_since_signed(self.folder)
        yield PlainText(
            f"What changed since v{signed_version} (signed)" if signed_version else "What changed",
            classes="section-title",
        )
        yield PlainText(self._changes_text(), id="signoff-changes", classes="summary")
        yield PlainText("Edge cases", classes="section-title")
        yield PlainText(self._suite_text(), id="signoff-suite", classes="summary")
        yield from self._section("blockers", "What blocks signing", self._blockers_text())
        yield from self._section(
            "cautions", "Worth a look (check warns; signing goes ahead)", self._cautions_text()
        )
        yield from self._section("evidence", "The data behind the clauses", self._evidence_text())
        yield PlainText(
            "Open questions (enter resolves, with what was settled; again opens)",
            classes="section-title",
        )
        if d.questions:
            yield StopList(*self._question_options(), id="signoff-questions")
        else:
            yield PlainText(
                "None parked. ctrl+o parks one.", id="signoff-no-questions", classes="summary"
            )
        record = d.signoff or d.partial_signoff
        if record is not None:
            state = {
                "intact": "content matches the signed hash",
                "altered": "ALTERED AFTER SIGNING",
            }
            lines = []
            for side, signer in (("Marketing", record.marketing), ("Sales", record.sales)):
                if signer is None:
                    lines.append(f"{side + ':':<10} not yet: workbench sign --as {side.lower()}")
                    continue
                proof = ", SSH-signed" if signer.ssh_signature else ""
                lines.append(
                    f"{side + ':':<10} {signer.name}, {signer.role} "
                    f"({signer.signed_at:%Y-%m-%d}{proof})"
                )
            lines += [
                f"Review by: {record.review_date.isoformat()}",
                f"Integrity: {state.get(self.workshop.integrity, self.workshop.integrity)}",
                f"File:      {self.workshop.path}",
            ]
            title = "Signed" if d.signoff is not None else "Partly signed"
            yield PlainText(title, classes="section-title")
            yield PlainText("\n".join(lines), id="signed-record", classes="summary")
            return
        yield PlainText("Signers", classes="section-title")
        with Horizontal(classes="row"):
            yield self._field("mk-name", "Marketing: name")
            yield self._field("mk-role", "Marketing: role")
        with Horizontal(classes="row"):
            yield self._field("sl-name", "Sales: name")
            yield self._field("sl-role", "Sales: role")
        with Horizontal(classes="row"):
            yield self._field(
                "review-date",
                "Review date (YYYY-MM-DD)",
                default_review_date(self.today).isoformat(),
            )
        yield PlainText("", id="sign-error", classes="field-error")
        with Horizontal(classes="buttons"):
            yield RoomButton("Sign both sides (ctrl+s)", id="sign", variant="success")
        yield PlainText("", id="sign-result", classes="summary")

    def signers_shown(self) -> dict[str, str]:
        """The signer fields as they show now: a key typed just before ctrl+q is in the field
        before its message reaches the app's memory of them (`SignersTyped`)."""
        return {
            key: field.value
            for key in SIGNER_KEYS
            for field in self.query(f"#{key}").results(Input)
        }

    def first_field(self) -> Input | None:
        """Where the cursor goes on this step: the first signer field still empty, else the
        marketing name; None on a signed record (nothing to type)."""
        fields = [self.query_one(f"#{key}", Input) for key in SIGN_KEYS if self.query(f"#{key}")]
        return next((f for f in fields if not f.value.strip()), fields[0] if fields else None)

    def focus_open_question(self) -> None:
        """The cursor on the first question still open, in sight: where "Go back" from
        signing with questions open goes. It went back to the signer field ctrl+s was
        pressed in, where enter resolves nothing."""
        lists = self.query("#signoff-questions")
        if not lists:
            return
        options = lists.first(OptionList)
        questions = self.workshop.definition.questions
        options.highlighted = next((i for i, q in enumerate(questions) if not q.resolved), 0)
        options.focus()
        options.call_after_refresh(options.scroll_visible, animate=False)

    def _field(self, key: str, label: str, value: str = "") -> SignerField:
        return SignerField(key, label, self.typed.get(key, value))

    def _question_options(self) -> list[Option]:
        return [
            Option(
                f"({'resolved' if q.resolved else 'OPEN'}) {q.text}"
                + (f" → {q.answer}" if q.answer else ""),
                id=str(i),
            )
            for i, q in enumerate(self.workshop.definition.questions)
        ]

    def _changes_text(self) -> str:
        signed_version, changes = self.workshop.changes_since_signed(self.folder)
        if signed_version is None:
            return "First version: nothing was signed before."
        return "\n".join(f"• {c.text}" for c in changes) or "No clause changed."

    def _suite_text(self) -> str:
        suite = self.workshop.suite
        failing = [r.name for r in suite.results if not r.passed]
        text = f"{suite.passed}/{len(suite.results)} passing."
        if failing:
            text += " FAILING (signing is blocked): " + ", ".join(failing)
        return text

    def _blockers_text(self) -> str:
        """What `sign` would refuse besides failing cases, said before anyone presses it."""
        definition = self.workshop.definition
        if definition.is_signed:
            return ""
        return "\n".join(
            f"✗ {finding_text(finding)}" for finding in lint_blockers(definition, self.today)
        )

    def _cautions_text(self) -> str:
        """The framework's warnings on this draft: signing goes ahead, `check` prints them."""
        definition = self.workshop.definition
        history = self.workshop.signed_history(self.folder)
        return "\n".join(
            f"⚠ {finding_text(finding)}"
            for finding in lint_cautions(definition, history, self.today)
        )

    def _evidence_text(self) -> str:
        """Each clause's evidence beside it, stale ones marked: signed with the clauses; and
        what `check` will warn about for want of it."""
        lines = signoff_evidence(self.workshop.definition, self.folder)
        return "\n".join(f"• {line}" for line in lines)

    @staticmethod
    def _section(key: str, title: str, text: str) -> ComposeResult:
        """A titled section shown only while it has something to say (`_show_section`)."""
        for widget in (
            PlainText(title, id=f"signoff-{key}-title", classes="section-title"),
            PlainText(text, id=f"signoff-{key}", classes="summary"),
        ):
            widget.display = bool(text)
            yield widget

    def _show_section(self, key: str, text: str) -> None:
        for widget in self.query(f"#signoff-{key}-title, #signoff-{key}"):
            widget.display = bool(text)
        self.query_one(f"#signoff-{key}", PlainText).update(text)

    def refresh_evidence(self) -> None:
        """The data behind the clauses as the folder now has it: the step is shown after lead
        files were attached on the Evidence step, and it was built before they were."""
        self._show_section("evidence", self._evidence_text())

    def refresh_suite(self) -> None:
        """After every edit: what changed, the suite, and the questions, as they now are. A
        refusal from an earlier press of sign is about the definition before this edit, so it
        goes: the edge cases and "What blocks signing" say what blocks signing now."""
        if self.query("#sign-error"):
            self.query_one("#sign-error", PlainText).say("")
        self.query_one("#signoff-changes", PlainText).update(self._changes_text())
        self.query_one("#signoff-suite", PlainText).update(self._suite_text())
        self._show_section("blockers", self._blockers_text())
        self._show_section("cautions", self._cautions_text())
        self._show_section("evidence", self._evidence_text())
        lists = self.query("#signoff-questions")
        if lists:
            options = lists.first(OptionList)
            highlighted = options.highlighted
            options.clear_options()
            options.add_options(self._question_options())
            options.highlighted = highlighted

    async def show_questions(self) -> None:
        """The questions as they now are, in place: the first one parked replaces "None
        parked" with the list. Not a recompose, which took the cursor out of the signer field
        the room was typing in (and, before `_typed`, the names with it)."""
        if self.query("#signoff-questions"):
            self.refresh_suite()
            return
        empty = self.query("#signoff-no-questions")
        if not empty or not self.workshop.definition.questions:
            return
        await self.mount(
            StopList(*self._question_options(), id="signoff-questions"), after=empty.first()
        )
        await empty.first().remove()

    @on(OptionList.OptionSelected, "#signoff-questions")
    def _toggle(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.post_message(QuestionToggled(int(event.option.id)))

    @on(Input.Changed)
    def _validate(self, event: Input.Changed) -> None:
        if event.input.id:
            self._check(event.input.id)
        if event.input.id in SIGN_KEYS and event.input.has_focus:  # typed, not mounted
            self.typed[event.input.id] = event.value
            self.post_message(SignersTyped(dict(self.typed)))
        sign_error = self.query_one("#sign-error", PlainText)
        # "fix the fields first" is said until they are fixed, not until the next ctrl+s.
        if str(sign_error.render()) == FIX_FIRST and all(self._check(k) for k in SIGN_KEYS):
            sign_error.say("")

    def _check(self, key: str) -> bool:
        value = self.query_one(f"#{key}", Input).value.strip()
        message = ""
        if key == "review-date":
            try:
                message = check_review_date(read_day(value), self.today) or ""
            except ValueError as problem:  # "2027-02-30": February 2027 has 28 days
                message = str(problem)
        elif not value:
            message = "required: both sides sign with a name and a role"
        error = self.query_one(f"#{key}-error", PlainText)
        error.say(f"✗ {message}" if message else "")
        if key == "review-date":
            self.query_one("#review-date-warning", PlainText).say(
                f"⚠ {self._review_warning(value)}"
                if not message and self._review_warning(value)
                else ""
            )
        if error.parent is not None:
            error.parent.set_class(bool(message), "-invalid")
        return not message

    def _review_warning(self, text: str) -> str | None:
        """A review date further out than two quarters is allowed, and warned (core.risky)."""
        try:
            return review_date_warning(date.fromisoformat(text), self.today)
        except ValueError:
            return None

    @on(Button.Pressed, "#sign")
    def request_sign(self) -> None:
        results = [self._check(key) for key in SIGN_KEYS]
        if not all(results):
            self.query_one("#sign-error", PlainText).say(FIX_FIRST)
            # The marks sit below the fold at 80x24: ctrl+s looked like it did nothing. The
            # cursor goes to the first field to fix, brought into view with its mark.
            first = next(key for key, ok in zip(SIGN_KEYS, results, strict=True) if not ok)
            field = self.query_one(f"#{first}", Input)
            field.focus()
            box = next(a for a in field.ancestors_with_self if isinstance(a, SignerField))
            box.call_after_refresh(box.scroll_visible, animate=False)
            return
        self.query_one("#sign-error", PlainText).say("")

        def value(key: str) -> str:
            return self.query_one(f"#{key}", Input).value.strip()

        self.post_message(
            SignRequested(
                (value("mk-name"), value("mk-role")),
                (value("sl-name"), value("sl-role")),
                date.fromisoformat(value("review-date")),
            )
        )

    def show_error(self, text: str) -> None:
        """Why signing was refused, brought into view: at 80x24 the line sits below the
        step's visible part, and a refusal nobody sees reads as a sign-off that did nothing."""
        error = self.query_one("#sign-error", PlainText)
        error.say(f"✗ {text}")
        error.call_after_refresh(error.scroll_visible, animate=False)
