"""The workshop steps as panes: each explains itself and edits its clauses.

Every value shown comes from the definition; every edit goes back as a `ClauseEdited`
message to the editor screen, which hands it to the core.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Collapsible, OptionList, Static
from textual.widgets.option_list import Option

from workbench.core.domain.bands import band_warnings
from workbench.core.domain.clauses import clause_value, override_seed
from workbench.core.domain.definition import (
    Definition,
    FitGate,
    FitScore,
    Motion,
    Scoring,
    Segment,
    Tier2Rule,
    Triggers,
)
from workbench.core.domain.describe import (
    account_sentence,
    fit_scope,
    override_sentences,
    source_sentences,
    tier2_sentence,
)
from workbench.core.domain.framework import (
    CONTENT_KEY,
    FALSE_NEGATIVE_ALARM,
    healthy_acceptance,
    percent,
)
from workbench.core.domain.part_removal import PartList, remove_part
from workbench.core.domain.phrases import activity_label, tier_name, trigger_label
from workbench.core.domain.readings import hand_raise_reading
from workbench.core.domain.stages import STAGES
from workbench.core.domain.templates import stage_parts
from workbench.core.domain.vocab import (
    ACTIVITY_KINDS,
    PERSONAS,
    ROUTES,
    SENIORITY_ORDER,
    TIER_KEYS,
)
from workbench.tui.components.clause_evidence import refresh_evidence, show_evidence
from workbench.tui.components.fields import ChoiceField, KindsField, TextField, ToggleField
from workbench.tui.components.fold import Fold
from workbench.tui.components.held_keys import HoldingButton, hold_keys, release_keys
from workbench.tui.components.room_button import RoomButton
from workbench.tui.components.text import PlainText
from workbench.tui.messages import ClauseEdited

EXPLAIN = {
    "stage": "Pick the stage the company is at. Earlier stages need less machinery: before "
    "$1M the founder takes every hand raise; by $10M the queue needs scoring and an SLA.",
    "fit": "The fit gate must pass before any behaviour counts. Behaviour without fit produces "
    "engaged people who will never buy: a student downloading every ebook is not an MQL.",
    "triggers": "Tier 1 hand raises (demo, contact sales, pricing) are instant MQLs and bypass "
    "scoring: don't make a buyer earn points. Tier 2 needs recency: a pricing visit six months "
    "ago is stale. Tier 3 is the score catch-all; tier 4 is sales asking, and still passes fit.",
    "segments": "Segments buy differently: each one is chosen by company size and carries its "
    "own fit, triggers and response times.",
    "motions": "PQLs (product usage) and AQLs (account-level, ABM) are different motions, not "
    "MQL variants: each runs its own rules and is reported apart.",
    "sla": "A definition is only useful with an SLA: marketing commits to quality and volume, "
    "sales to a response time per trigger. Without escalation a deadline is a suggestion.",
    "cases": "The arguments the room keeps having, as tests. Every edit re-runs them. 'Depends' "
    "cases are yours to decide: press e to accept what the definition now does.",
    "evidence": "Bring evidence before signing: how many MQLs a month the draft makes, the acceptance to expect "
    f"({healthy_acceptance()} is healthy) and the false negatives (closed-won deals never "
    f"handed over; over {percent(FALSE_NEGATIVE_ALARM)} is an alarm), from the draft replayed "
    "over your lead history.",
    "signoff": "Both sides sign the same written definition, with a date to review it. "
    "Unreviewed definitions drift: calibrate at least quarterly.",
}

ROUTE_OPTIONS = [(route, route) for route in ROUTES]
SENIORITY_OPTIONS = [(level, level) for level in SENIORITY_ORDER]
QUALIFIES_OPTIONS = [
    ("the contact (the whole fit gate)", "contact"),
    ("the account (company fit, engaged contacts, intent)", "account"),
]
KIND_WORDS = [(activity_label(kind), kind) for kind in ACTIVITY_KINDS]  # the room's words
KIND_OPTIONS = KIND_WORDS


class KindListField(TextField):
    """Activity kinds as a comma-separated list in the room's words ("pricing page view"),
    saved as the file's kinds; a kind typed as the file spells it is taken too, and anything
    else goes to the core as typed, to be refused there with the kinds it takes."""

    _KINDS = {words.lower(): kind for words, kind in KIND_WORDS} | {
        kind.lower(): kind for _words, kind in KIND_WORDS
    }
    _WORDS = {kind: words for words, kind in KIND_WORDS}

    def to_text(self, value: Any) -> str:
        return ", ".join(self._WORDS.get(str(v), str(v)) for v in value or [])

    def parse(self, text: str) -> Any:
        parts = super().parse(text)
        return [self._KINDS.get(" ".join(part.lower().split()), part) for part in parts]

    def in_room_words(self, error: str) -> str:
        """The core's refusal with each kind in the room's words, as the field shows them."""
        said = super().in_room_words(error)
        for kind, words in self._WORDS.items():
            said = re.sub(rf"\b{kind}\b", words, said)
        return said


def _explain(key: str) -> Static:
    return PlainText(EXPLAIN[key], classes="explain")


def _section(title: str) -> Static:
    return PlainText(title, classes="section-title")


class DefinitionPane(VerticalScroll):
    """A step that composes its fields from the definition; the editor hands it the current
    one and recomposes it when a structural edit (a rule added, scoring switched on) lands.

    Not a Tab stop itself: Tab stopped on the step between the tab bar and its first field
    with nothing drawn as focused. Its fields scroll it into view, and page keys pressed in a
    field still page it; a signed version's step is disabled whole anyway."""

    can_focus = False

    def __init__(self, definition: Definition, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.definition = definition

    def edit(self, path: str, value: Any) -> None:
        """A structural edit from one of the step's buttons. The step is rebuilt for it, so
        keys typed meanwhile are held until the cursor is back (the editor releases them)."""
        hold_keys(self)
        self.post_message(ClauseEdited(path, value, self))


class _StageList(OptionList):
    """The stages, the definition's own highlighted from the start: the step is rebuilt after
    a stage is set, and the new list began on pre-1m, its guidance and enter on that one.
    After a stage set from the list, the new list has the cursor again (the rebuild took it,
    and up, down and enter went nowhere)."""

    def __init__(self, *options: Option, at: int, id: str, focused: bool = False) -> None:
        super().__init__(*options, id=id)
        self._at, self._focused = at, focused

    def on_mount(self) -> None:
        self.highlighted = self._at
        if self._focused:
            self.focus()


class StagePane(DefinitionPane):
    """Step 1: the name, and which of the five stages the company is at."""

    _set_from_list = False  # the rebuild that follows gives the new list the cursor

    def compose(self) -> ComposeResult:
        yield _explain("stage")
        yield TextField("name", "Definition name", self.definition.name)
        yield _section("Stage")
        options = [
            Option(
                f"{'●' if s.id == self.definition.stage else ' '} {s.id:<9} {s.label:<13} {s.volume}",
                id=s.id,
            )
            for s in STAGES.values()
        ]
        at = list(STAGES).index(self.definition.stage)
        yield _StageList(*options, at=at, id="stage-list", focused=self._set_from_list)
        self._set_from_list = False
        yield PlainText(self._guidance(self.definition.stage), id="stage-guidance")
        parts = stage_parts(self.definition)
        if parts is not None:
            stage = STAGES[self.definition.stage]
            yield PlainText(
                f"The {stage.label} template splits the definition into {parts.path}: "
                f"{', '.join(parts.names)}. This draft has none. Added, each starts from this "
                "draft's rules, changed only where the template's differs for it.",
                classes="field-help",
                id="stage-parts-help",
            )
            # Holding: the keys typed right after it are for the new step's first field.
            yield HoldingButton(
                f"Add the template's {parts.path}", id="add-stage-parts", compact=True
            )

    def _guidance(self, stage_id: str) -> str:
        stage = STAGES[stage_id]
        if stage_id == self.definition.stage:  # nothing to set: it offered to all the same
            current, offer = " (this definition)", ""
        else:
            current, offer = "", "\nPress enter to set this stage; the rules stay as they are."
            parts = stage_parts(self.definition.model_copy(update={"stage": stage_id}))
            if parts is not None:
                offer += f" Its template's {parts.path} can then be added."
        return (
            f"{stage.label}{current}: {stage.approach}\nTypical volume {stage.volume}. "
            f"{stage.guidance}{offer}"
        )

    @on(OptionList.OptionHighlighted, "#stage-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.query_one("#stage-guidance", PlainText).update(self._guidance(event.option.id))

    @on(Button.Pressed, "#add-stage-parts")
    def _add_stage_parts(self) -> None:
        try:
            parts = stage_parts(self.definition)
            if parts is not None:
                self.edit(parts.path, parts.value)  # holds the keys until the step is shown
        finally:
            release_keys(self)  # the button's own hold

    @on(OptionList.OptionSelected, "#stage-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id != self.definition.stage:
            self._set_from_list = True
            self.edit("stage", event.option.id)


def _clause_id(action: str, prefix: str) -> str:
    """A button's id: the main clause keeps its short id, an override's names its path."""
    main = prefix in ("triggers", "scoring", "fit")
    return action if main else f"{action}-{prefix.replace('.', '-').replace('_', '-')}"


def fit_fields(prefix: str, fit: FitGate) -> ComposeResult:
    """The fit gate's fields, at `prefix` (`fit`, or a segment's or motion's own)."""
    with Horizontal(classes="row"):
        yield TextField(f"{prefix}.min_employees", "Min employees", fit.min_employees, "int", "any")
        yield TextField(f"{prefix}.max_employees", "Max employees", fit.max_employees, "int", "any")
    yield TextField(
        f"{prefix}.industries", "Industries (comma-separated; empty = any)", fit.industries, "list"
    )
    yield TextField(
        f"{prefix}.regions", "Regions (comma-separated; empty = any)", fit.regions, "list"
    )
    yield ChoiceField(
        f"{prefix}.min_seniority",
        "Minimum seniority",
        fit.min_seniority,
        SENIORITY_OPTIONS,
        allow_blank=True,
    )
    yield KindsField(
        f"{prefix}.excluded_personas",
        "Excluded personas (space to tick)",
        fit.excluded_personas,
        [p for p in PERSONAS if p != "employee"],
    )
    yield TextField(
        f"{prefix}.competitors",
        "Competitors (domains or names, comma-separated)",
        fit.competitors,
        "list",
        help_text="Competitors are disqualified automatically and go to marketing leadership."
        if prefix == "fit"
        else "Added to the main fit gate's list, which disqualifies every lead first.",
    )
    yield ChoiceField(
        f"{prefix}.existing_customers",
        "Existing customers",
        fit.existing_customers,
        [
            ("to the account owner on a hand raise", "account-owner-on-hand-raise"),
            ("always to the account owner", "account-owner"),
            ("treat as a prospect", "prospect"),
        ],
        help_text=""
        if prefix == "fit"
        else "The main fit gate's rule decides first: this one counts only where the main "
        "one treats customers as prospects.",
    )
    yield from inferred_fields(prefix, fit)


def inferred_fields(prefix: str, fit: FitGate) -> ComposeResult:
    """Disqualifiers read from the lead's own data, and the fit score (issue 17)."""
    yield _section("Read from the lead's own data (a persona set by hand wins)")
    yield TextField(
        f"{prefix}.exclude_titles",
        "Excluded title words (comma-separated)",
        fit.exclude_titles,
        "list",
        help_text="Whole words in any case: 'student' rejects 'MSc Student', not 'Studentin'.",
    )
    yield TextField(
        f"{prefix}.exclude_email_domains",
        "Excluded e-mail domains (comma-separated)",
        fit.exclude_email_domains,
        "list",
        help_text="A domain and its subdomains: 'edu' rejects cs.mit.edu. Webmail takes fit "
        "points instead.",
    )
    with Horizontal(classes="row"):
        yield TextField(
            f"{prefix}.exclude_activities",
            "Excluding activities (comma list)",  # a half row: 35 columns at 80 with "» "
            fit.exclude_activities,
            "list",
            help_text="One of these kinds within the days beside it rejects the lead (a "
            "careers page view: a job seeker), unless its persona was set by hand.",
        )
        yield TextField(
            f"{prefix}.exclude_activities_days",
            "Within days",
            fit.exclude_activities_days,
            "int",
        )
    yield from fit_score_fields(f"{prefix}.score", fit.score)
    yield TextField(
        f"{prefix}.exclude_sources",
        "Lead sources qualified apart (comma-separated)",
        fit.exclude_sources,
        "list",
        help_text="Event lists, badge scans and cold lists get their own qualification: only a "
        "hand raise (tier 1 or 4) makes them an MQL. Case and spaces do not matter.",
    )


def fit_score_fields(prefix: str, score: FitScore | None) -> ComposeResult:
    """The fit axis (004) at `prefix`: a threshold and the points who the lead is takes.
    Blank threshold and no points: no fit score, fit is pass or fail only."""
    yield _section("Fit score: below its threshold the fit gate fails (blank: no fit score)")
    yield TextField(
        f"{prefix}.threshold",
        "Fit score threshold",
        score.threshold if score else None,
        "int",
        "no fit score",
        help_text="Apart from the behaviour score: a high-intent bad fit never qualifies.",
    )
    yield PlainText("Seniority fit points", classes="field-label")
    # Two rows of three: six to a row cut "individual" at 80 columns.
    for levels in (SENIORITY_ORDER[:3], SENIORITY_ORDER[3:]):
        with Horizontal(classes="row"):
            for level in levels:
                yield TextField(
                    f"{prefix}.seniority_points.{level}",
                    level,
                    score.seniority_points.get(level) if score else None,  # type: ignore[call-overload]
                    "int",
                    "0",
                )
    for name, label, example in (
        ("industry_points", "Industry fit points", "software 10, retail -5"),
        ("email_domain_points", "E-mail domain fit points", "gmail.com -10"),
        ("title_points", "Title word fit points", "consultant -30, head of 10"),
        ("size_points", "Company size fit points", "50-199 5, 200+ 10, up to 49 -10"),
    ):
        yield TextField(
            f"{prefix}.{name}",
            f"{label} (comma-separated)",
            getattr(score, name) if score else None,
            "points",
            help_text=f"As in '{example}'.",
        )


def trigger_fields(
    prefix: str, t: Triggers, scoring: Scoring | None, lead_type: str = "mql"
) -> ComposeResult:
    """Tiers 1-4 at `prefix`; `scoring` is the one that applies alongside (for tier 3);
    `lead_type` is what they make, so a PQL motion's route reads "PQLs go to"."""
    yield from tier1_fields(prefix, t, lead_type)
    yield from tier2_fields(prefix, t)
    yield from tier3_fields(prefix, t, scoring)
    yield from tier4_fields(prefix, t)


def tier1_fields(prefix: str, t: Triggers, lead_type: str = "mql") -> ComposeResult:
    yield ChoiceField(f"{prefix}.route", f"{lead_type.upper()}s go to", t.route, ROUTE_OPTIONS)
    yield KindsField(f"{prefix}.tier1", "Tier 1: instant MQL (hand raises)", t.tier1, KIND_WORDS)


def tier2_fields(prefix: str, t: Triggers) -> ComposeResult:
    yield _section("Tier 2: high-intent engagement within a recency window")
    for index, rule in enumerate(t.tier2):
        yield tier2_row(prefix, index, rule)
    with Horizontal(classes="buttons tier2-buttons", name=prefix):
        yield tier2_button("add-tier2", "Add tier 2 rule", prefix)
        if t.tier2:
            yield tier2_button("remove-tier2", "Remove last rule", prefix)


def tier2_row(prefix: str, index: int, rule: Tier2Rule) -> Horizontal:
    """One tier 2 rule's fields, one row: composed with the step, or mounted alone when
    "Add tier 2 rule" appends it (TriggerButtons.show_tier2)."""
    return Horizontal(
        ChoiceField(
            f"{prefix}.tier2.{index}.kind", f"Rule {index + 1} kind", rule.kind, KIND_OPTIONS
        ),
        TextField(f"{prefix}.tier2.{index}.min_count", "At least", rule.min_count, "int"),
        TextField(f"{prefix}.tier2.{index}.within_days", "Within days", rule.within_days, "int"),
        # A combination (001's "case study + pricing page in the same session") is part of
        # the rule: shown and typed here, or changing the kind kept a condition nobody on
        # screen could see.
        KindListField(
            f"{prefix}.tier2.{index}.together",
            "Same session as",
            rule.together,
            "list",
            placeholder="alone",
        ),
        classes="row tier2-row",
        name=f"{prefix}.tier2.{index}",
    )


def tier2_button(action: str, label: str, prefix: str) -> HoldingButton:
    """ "Add tier 2 rule" or "Remove last rule" of the triggers at `prefix`."""
    return HoldingButton(
        label, id=_clause_id(action, prefix), name=prefix, classes=action, compact=True
    )


def tier3_fields(prefix: str, t: Triggers, scoring: Scoring | None) -> ComposeResult:
    yield ToggleField(
        f"{prefix}.tier3",
        "Tier 3: score threshold reached",
        t.tier3,
        help_text="Needs scoring (below)." if scoring is None else "",
    )


def tier4_fields(prefix: str, t: Triggers) -> ComposeResult:
    yield KindsField(
        f"{prefix}.tier4", "Tier 4: sales-requested (fit still applies)", t.tier4, KIND_WORDS
    )


def scoring_fields(prefix: str, s: Scoring) -> ComposeResult:
    """Threshold, window, decay and the points, at `prefix`."""
    with Horizontal(classes="row"):
        yield TextField(f"{prefix}.threshold", "Threshold", s.threshold, "int")
        yield TextField(f"{prefix}.window_days", "Window (days)", s.window_days, "int", "all time")
        yield TextField(
            f"{prefix}.half_life_days", "Half-life (days)", s.half_life_days, "number", "no decay"
        )
    yield PlainText(
        "Behaviour points per action (negative allowed; empty = 0)", classes="field-label"
    )
    with Vertical(classes="points-grid"):
        for kind in ACTIVITY_KINDS:
            yield TextField(
                f"{prefix}.activity_points.{kind}",
                activity_label(kind),
                s.activity_points.get(kind),  # type: ignore[call-overload]
                "number",
                "0",
                classes="clause-field compact-field",
            )
    yield PlainText("Seniority points", classes="field-label")
    with Horizontal(classes="row"):
        for level in SENIORITY_ORDER:
            yield TextField(
                f"{prefix}.seniority_points.{level}",
                level,
                s.seniority_points.get(level),  # type: ignore[call-overload]
                "number",
                "0",
            )
    if s.source_points or s.source_thresholds:
        # Keys are the CRM's own source names: no fixed grid to type them in, so said here.
        said = " ".join(source_sentences(s))
        yield PlainText(
            f"{said} Edit [{prefix}] source_points and source_thresholds in the file.",
            classes="field-help",
        )


class TriggerButtons(DefinitionPane):
    """The tier 2 add and remove buttons of any triggers clause in the pane."""

    async def show_tier2(self, prefix: str) -> bool:
        """The tier 2 rules at `prefix` on screen as the definition now holds them, by
        mounting the one rule appended or removing the last one: rebuilding the whole step
        for it took 2-7 s a time on a loaded machine with 8-14 rules, and the room watched
        the screen run behind its typing. False when the change is not one rule at the end
        (the editor rebuilds the step then)."""
        rules = clause_value(self.definition, prefix).tier2
        rows = [r for r in self.query(".tier2-row") if str(r.name).startswith(f"{prefix}.tier2.")]
        buttons = next((b for b in self.query(".tier2-buttons") if b.name == prefix), None)
        if buttons is None or abs(len(rules) - len(rows)) != 1:
            return False
        if len(rules) > len(rows):
            index = len(rows)
            holder = buttons.parent
            if not isinstance(holder, Widget):
                return False
            await holder.mount(tier2_row(prefix, index, rules[index]), before=buttons)
        else:
            await rows[-1].remove()
        removes = [b for b in buttons.query(".remove-tier2") if b.name == prefix]
        if rules and not removes:
            await buttons.mount(tier2_button("remove-tier2", "Remove last rule", prefix))
        elif not rules:
            for button in removes:
                await button.remove()
        return True

    @on(Button.Pressed, ".add-tier2")
    def _add_rule(self, event: Button.Pressed) -> None:
        """The button held the keys typed after it; the edit holds them until the rebuilt
        step has the cursor in the new rule."""
        try:
            prefix = event.button.name or "triggers"
            rules = [r.model_dump() for r in clause_value(self.definition, prefix).tier2]
            rules.append({"kind": "pricing_page_view", "min_count": 2, "within_days": 14})
            self.edit(f"{prefix}.tier2", rules)
        finally:
            release_keys(self)

    @on(Button.Pressed, ".remove-tier2")
    async def _remove_rule(self, event: Button.Pressed) -> None:
        """Asked first, naming the rule: an enter on the button by mistake took a rule the
        room had argued for, with no way back short of typing it again. The button held the
        keys typed after it until the question is up (tab, enter: "Remove it")."""
        try:
            await self._ask_to_remove(event.button.name or "triggers")
        finally:
            release_keys(self)

    async def _ask_to_remove(self, prefix: str) -> None:
        from workbench.tui.components.modals import ConfirmModal

        take_typing = getattr(self.screen, "take_typing", None)
        if take_typing is not None:
            await take_typing()  # the rule as its fields show it, keys in flight included
        current = clause_value(self.definition, prefix).tier2
        if not current:
            return
        whose = "the"  # the main rules; a segment's or motion's own are named
        kind, _, rest = prefix.partition(".")
        owners = getattr(self.definition, kind, None) if kind in ("segments", "motions") else None
        at = rest.split(".", 1)[0]  # the clause path's index ("segments.0.triggers")
        for index, part in enumerate(owners or []):
            if at in (str(index), part.id):
                whose = f"{part.label or part.id}'s"

        def answered(choice: str | None) -> None:
            try:
                if choice != "remove":
                    return
                now = clause_value(self.definition, prefix).tier2
                if len(now) != len(current):  # another edit added or took a rule meanwhile
                    self.notify("The tier 2 rules changed meanwhile: nothing removed.")
                    return
                rules = [r.model_dump() for r in now][:-1]
                self.edit(f"{prefix}.tier2", rules)
            finally:
                release_keys(self)  # the answer's hold; the edit holds its own until rebuilt

        said = tier2_sentence(current[-1], activity_label).removeprefix("Tier 2: ")
        await self.app.push_screen(
            ConfirmModal(
                f"Remove {whose} tier 2 rule {len(current)}: {said}",
                [("keep", "Keep it"), ("remove", "Remove it")],
                holding=True,
            ),
            answered,
        )


class FitPane(DefinitionPane):
    """Step 2: who is eligible at all."""

    EVIDENCE = ("fit",)

    def compose(self) -> ComposeResult:
        yield _explain("fit")
        self.scope = fit_scope(self.definition) or ""
        scope = PlainText(self.scope, id="fit-scope", classes="field-help")
        scope.display = bool(self.scope)
        yield scope
        yield from fit_fields("fit", self.definition.fit)

    def on_mount(self) -> None:
        show_evidence(self, self.definition, self.EVIDENCE)

    def refresh_scope(self, definition: Definition) -> None:
        """Whom this gate decides, again: a segment given its own fit gate moves it."""
        said = fit_scope(definition) or ""
        if said != self.scope:
            self.scope = said
            scope = self.query_one("#fit-scope", PlainText)
            scope.update(said)
            scope.display = bool(said)


class TriggersPane(TriggerButtons):
    """Step 3: tiers 1-4, scoring, recycling and the review rule, folded one part at a time.

    About fifty tab stops in one scrolling page lost the room; each part is a fold whose
    title carries its value (tier 4's kinds read without opening it), and opening one folds
    the others, so the part being discussed is one screen."""

    EVIDENCE = ("triggers", "scoring", "recycling", "review_rule")

    def __init__(self, definition: Definition, **kwargs: Any) -> None:
        super().__init__(definition, **kwargs)
        self.open_fold = "tier1"
        self._titles: dict[str, str] = {}  # as composed or last refreshed
        self._reading = ""

    def on_mount(self) -> None:
        show_evidence(self, self.definition, self.EVIDENCE)

    def fold_titles(self, shown: Definition | None = None) -> dict[str, str]:
        d = self.definition if shown is None else shown
        t = d.triggers

        def kinds(chosen: Sequence[str]) -> str:
            return ", ".join(activity_label(k) for k in chosen) or "none"

        scoring = "no scoring" if d.scoring is None else f"threshold {d.scoring.threshold}"
        rules = len(t.tier2)
        review = "ON" if d.review_rule.enabled else "OFF"
        return {
            "tier1": f"{tier_name(1).capitalize()}, instant MQL: {kinds(t.tier1)} → {t.route}",
            "tier2": f"{tier_name(2).capitalize()}, recency: {rules} rule{'s' * (rules != 1)}",
            "tier3": f"{tier_name(3).capitalize()}, score: {'ON' if t.tier3 else 'OFF'}, {scoring}",
            "tier4": f"{tier_name(4).capitalize()}, sales-requested: {kinds(t.tier4)}",
            "recycling": f"Recycling: fresh MQL after {d.recycling.resubmit_after_days} days",
            "review": f"Review rule: {review}",
        }

    def _fold(self, key: str, title: str) -> Collapsible:
        return Fold(
            title=title,
            collapsed=key != self.open_fold,
            id=f"fold-{key}",
            name=key,
            classes="triggers-fold",
        )

    def compose(self) -> ComposeResult:
        d = self.definition
        titles = self._titles = self.fold_titles()
        self._reading = hand_raise_reading(d)
        yield _explain("triggers")
        yield PlainText(self._reading, id="hand-raise-reading", classes="field-help")
        with self._fold("tier1", titles["tier1"]):
            yield from tier1_fields("triggers", d.triggers)
        with self._fold("tier2", titles["tier2"]):
            yield from tier2_fields("triggers", d.triggers)
        with self._fold("tier3", titles["tier3"]):
            yield from tier3_fields("triggers", d.triggers, d.scoring)
            yield _section("Scoring")
            if d.scoring is None:
                yield PlainText("No point scoring in this definition.", classes="field-help")
                yield RoomButton("Add scoring", id="add-scoring", compact=True)
            else:
                yield from scoring_fields("scoring", d.scoring)
        with self._fold("tier4", titles["tier4"]):
            yield from tier4_fields("triggers", d.triggers)
        with self._fold("recycling", titles["recycling"]), Horizontal(classes="row"):
            yield TextField(
                "recycling.resubmit_after_days",
                "Fresh MQL after (days)",
                d.recycling.resubmit_after_days,
                "int",
            )
            yield ChoiceField(
                "recycling.inside_window_route",
                "Inside the window, goes to",
                d.recycling.inside_window_route,
                ROUTE_OPTIONS,
            )
        r = d.review_rule
        with self._fold("review", titles["review"]):
            yield ToggleField(
                "review_rule.enabled",
                "High activity with no high-intent action goes to review",
                r.enabled,
            )
            with Horizontal(classes="row"):
                yield TextField(
                    "review_rule.min_low_intent_actions",
                    "Actions before review",
                    r.min_low_intent_actions,
                    "int",
                    "off",
                )
                yield ChoiceField("review_rule.route", "Review by", r.route, ROUTE_OPTIONS)
            yield KindsField(
                "review_rule.high_intent", "Counts as high intent", r.high_intent, KIND_WORDS
            )
            yield ToggleField(
                "review_rule.score_rule",
                "A tier 3 score with no high-intent action goes to review too "
                "(off: only high volume does, and the score makes the MQL)",
                r.score_rule,
            )

    def refresh_titles(self, definition: Definition) -> None:
        """After an edit in a field: each fold's title says what it now holds (no rebuild).
        Only a title that changed is looked up: this runs at every key typed in the step,
        and a query walks its 700 widgets (90 ms a key with twelve tier 2 rules).

        `definition` is the draft: it is shown, not kept, so the step's buttons still start
        from the draft the editor gave the pane."""
        titles = self.fold_titles(definition)
        for key, title in titles.items():
            if self._titles.get(key) != title:
                for fold in self.query(f"#fold-{key}").results(Collapsible):
                    fold.title = title
        self._titles = titles
        reading = hand_raise_reading(definition)
        if reading != self._reading:
            for line in self.query("#hand-raise-reading").results(PlainText):
                line.update(reading)
            self._reading = reading
        refresh_evidence(self, definition, self.EVIDENCE)

    @on(Collapsible.Expanded)
    def _one_open(self, event: Collapsible.Expanded) -> None:
        """Opening a part folds the others: the part under discussion is one screen."""
        event.stop()
        self.open_fold = event.collapsible.name or self.open_fold
        for fold in self.query(".triggers-fold").results(Collapsible):
            if fold is not event.collapsible:
                fold.collapsed = True

    @on(Collapsible.Collapsed)
    def _fold_closed(self, event: Collapsible.Collapsed) -> None:
        event.stop()

    @on(Button.Pressed, "#add-scoring")
    def _add_scoring(self) -> None:
        self.edit("scoring", {"threshold": 75})


_OWN = {"fit": "fit gate", "triggers": "triggers", "scoring": "scoring"}


def band_text(definition: Definition) -> str:
    """The core's word on the size bands (gaps, fit gates narrower than a band), or nothing.
    Overlaps never get this far from the keyboard: the core refuses them where typed."""
    return "\n".join(f"⚠ {problem.message}" for problem in band_warnings(definition))


class OverridesPane(TriggerButtons):
    """Segments or motions: each one's own fields, then its own fit, triggers and scoring.

    A clause a segment does not override is the main one; "Give it its own" copies the main
    clause into the segment to edit there, "Use the main one" drops the copy. Each segment's
    own rules sit in a collapsible block, closed until the room opens it (and kept open or
    closed across the pane's rebuilds)."""

    LIST: PartList = "segments"

    def __init__(self, definition: Definition, **kwargs: Any) -> None:
        super().__init__(definition, **kwargs)
        self.opened: set[str] = set()

    def entities(self) -> list[Segment | Motion]:
        if self.LIST == "segments":
            return list(self.definition.segments)
        return list(self.definition.motions)

    def compose_own_rules(self, index: int, entity: Segment | Motion) -> ComposeResult:
        """The summary of what differs, then the three clauses, each its own or the main one."""
        prefix = f"{self.LIST}.{index}"
        name = entity.label or entity.id
        yield PlainText(
            "\n".join(override_sentences(self.definition, entity, activity_label)),
            id=f"summary-{self.LIST}-{index}",
            classes="summary",
        )
        collapsible = Fold(
            title=f"{name}'s own rules: {self._own_list(entity)}",
            collapsed=prefix not in self.opened,
            id=f"own-{self.LIST}-{index}",
            name=prefix,
        )
        with collapsible:
            for clause, words in _OWN.items():
                path = f"{prefix}.{clause}"
                own = getattr(entity, clause)
                yield _section(f"{name}: {words}")
                if own is None:
                    yield PlainText(f"Uses the main {words}.", classes="field-help")
                    yield RoomButton(
                        f"Give {name} its own {words}",
                        id=f"own-{path.replace('.', '-')}",
                        name=path,
                        classes="own-clause",
                        compact=True,
                    )
                    continue
                if clause == "fit":
                    yield from fit_fields(path, own)
                elif clause == "triggers":
                    yield from trigger_fields(
                        path,
                        own,
                        entity.scoring or self.definition.scoring,
                        entity.lead_type if isinstance(entity, Motion) else "mql",
                    )
                else:
                    yield from scoring_fields(path, own)
                yield RoomButton(
                    f"Use the main {words}",
                    id=f"main-{path.replace('.', '-')}",
                    name=path,
                    classes="main-clause",
                    compact=True,
                )
            yield from self.response_fields(index, entity)
        yield HoldingButton(
            f"Remove {name}",
            id=f"remove-{self.LIST}-{index}",
            name=str(index),
            classes="remove-part",
            compact=True,
        )

    def response_fields(self, index: int, entity: Segment | Motion) -> ComposeResult:
        """Its own response times, where the summary shows them: empty uses the main SLA's."""
        name = entity.label or entity.id
        main = self.definition.sla.sales.response_minutes
        own = entity.response_minutes or {}
        triggers = entity.triggers or self.definition.triggers
        keys = list(
            dict.fromkeys(
                [
                    *triggers.tier1,
                    *main.keys(),
                    *own.keys(),
                    *(k for k in TIER_KEYS if k != "tier1"),
                ]
            )
        )
        yield _section(f"{name}: first response (minutes) by trigger; empty = the main SLA's")
        with Vertical(classes="points-grid"):
            for key in keys:
                yield TextField(
                    f"{self.LIST}.{index}.response_minutes.{key}",
                    key,
                    own.get(key),
                    "int",
                    f"main: {main[key]}" if key in main else "main: none",
                    classes="clause-field compact-field",
                )

    @staticmethod
    def _own_list(entity: Segment | Motion) -> str:
        own = [words for clause, words in _OWN.items() if getattr(entity, clause) is not None]
        main = [words for words in _OWN.values() if words not in own]
        if not own:
            return "none (uses the main ones)"
        return "own " + ", ".join(own) + (f" (main {', '.join(main)})" if main else "")

    def refresh_summaries(self, definition: Definition) -> None:
        """After an edit in a field: the sentences say what now differs (no rebuild);
        `definition` is the draft as settled, shown and not kept (see `refresh_titles`)."""
        for index, entity in enumerate(self.entities()):
            for summary in self.query(f"#summary-{self.LIST}-{index}").results(PlainText):
                summary.update("\n".join(override_sentences(definition, entity, activity_label)))
        for warnings in self.query("#band-warnings").results(PlainText):
            warnings.say(band_text(definition))

    @on(Collapsible.Toggled)
    def _toggled(self, event: Collapsible.Toggled) -> None:
        event.stop()
        name = event.collapsible.name
        if name:
            if event.collapsible.collapsed:
                self.opened.discard(name)
            else:
                self.opened.add(name)

    @on(Button.Pressed, ".own-clause")
    def _own(self, event: Button.Pressed) -> None:
        path = event.button.name or ""
        self.edit(path, override_seed(self.definition, path))

    @on(Button.Pressed, ".main-clause")
    def _main(self, event: Button.Pressed) -> None:
        self.edit(event.button.name or "", None)

    @on(Button.Pressed, ".remove-part")
    async def _remove_part(self, event: Button.Pressed) -> None:
        """Asked first, saying which sizes or lead types the room would lose
        (`part_removal`): taking out the top band rejects every large company. The button
        held the keys typed after it until the question is up."""
        try:
            await self._ask_to_remove_part(int(event.button.name or "0"))
        finally:
            release_keys(self)

    async def _ask_to_remove_part(self, index: int) -> None:
        from workbench.tui.components.modals import ConfirmModal

        take_typing = getattr(self.screen, "take_typing", None)
        if take_typing is not None:
            await take_typing()  # a label typed a moment ago is the name asked about
        entities = self.entities()
        if index >= len(entities):
            return
        removal = remove_part(self.definition, self.LIST, index)
        target = entities[index].id

        def answered(choice: str | None) -> None:
            try:
                if choice != "remove":
                    return
                now = self.entities()
                if index >= len(now) or now[index].id != target:
                    self.notify(f"The {self.LIST} changed meanwhile: nothing removed.")
                    return
                # The open "own rules" blocks are kept by index: the ones after it move up.
                self.opened = {
                    f"{self.LIST}.{at - 1}" if at > index else name
                    for name in self.opened
                    if (at := _index_of(name, self.LIST)) != index
                }
                self.edit(self.LIST, remove_part(self.definition, self.LIST, index).value)
            finally:
                release_keys(self)  # the answer's hold; the edit holds its own until rebuilt

        await self.app.push_screen(
            ConfirmModal(
                removal.question(),
                [("keep", "Keep it"), ("remove", f"Remove {removal.name}")],
                holding=True,
            ),
            answered,
        )


def _index_of(name: str, kind: str) -> int:
    """The index in an "own rules" block's name (`segments.2`), -1 for another kind's."""
    head, _, at = name.partition(".")
    return int(at) if head == kind and at.isdigit() else -1


class SegmentsPane(OverridesPane):
    """The `10m-30m` segments, each chosen by company size."""

    LIST = "segments"

    def compose(self) -> ComposeResult:
        yield _explain("segments")
        # No line at all without a warning: an empty one cost a row of the step at 80x24.
        said = band_text(self.definition)
        yield PlainText(
            said, id="band-warnings", classes="field-help" + (" -shown" if said else "")
        )
        for index, segment in enumerate(self.definition.segments):
            yield _section(f"Segment: {segment.label or segment.id}")
            with Horizontal(classes="row"):
                yield TextField(f"segments.{index}.label", "Label", segment.label)
                yield TextField(
                    f"segments.{index}.min_employees",
                    "Min employees",
                    segment.min_employees,
                    "int",
                    "any",
                )
                yield TextField(
                    f"segments.{index}.max_employees",
                    "Max employees",
                    segment.max_employees,
                    "int",
                    "any",
                )
            yield from self.compose_own_rules(index, segment)


class MotionsPane(OverridesPane):
    """The `30m-plus` motions: inbound MQL, product-led PQL, account-based AQL."""

    LIST = "motions"

    def compose(self) -> ComposeResult:
        yield _explain("motions")
        for index, motion in enumerate(self.definition.motions):
            yield _section(f"Motion: {motion.label or motion.id} ({motion.lead_type.upper()})")
            with Horizontal(classes="row"):
                yield TextField(f"motions.{index}.label", "Label", motion.label)
                yield TextField(
                    f"motions.{index}.min_engaged_contacts",
                    "Engaged contacts needed",
                    motion.min_engaged_contacts,
                    "int",
                )
            yield ToggleField(
                f"motions.{index}.target_accounts_only",
                "Target accounts only",
                motion.target_accounts_only,
            )
            yield ChoiceField(
                f"motions.{index}.qualifies",
                "Qualifies",
                motion.qualifies,
                QUALIFIES_OPTIONS,
                help_text=account_sentence() if motion.qualifies_account else "",
            )
            yield from self.compose_own_rules(index, motion)


class SlaPane(DefinitionPane):
    """Step 5: what each side commits to."""

    def compose(self) -> ComposeResult:
        sla = self.definition.sla
        yield _explain("sla")
        yield _section("Marketing commits to")
        with Horizontal(classes="row"):
            yield TextField(
                "sla.marketing.quality_pct", "Meet fit (%)", sla.marketing.quality_pct, "int"
            )
            yield TextField(
                "sla.marketing.monthly_volume", "MQLs / month", sla.marketing.monthly_volume, "int"
            )
            yield TextField(
                "sla.marketing.notify_seconds",
                "Notify within (s)",
                sla.marketing.notify_seconds,
                "int",
            )
        yield TextField(
            "sla.marketing.required_fields", "Every MQL has", sla.marketing.required_fields, "list"
        )
        yield _section("Sales commits to: first response (minutes) by trigger")
        keys = list(
            dict.fromkeys(
                [
                    *self.definition.triggers.tier1,
                    *sla.sales.response_minutes.keys(),
                    *(key for key in TIER_KEYS if key != "tier1"),
                ]
            )
        )
        with Vertical(classes="points-grid"):
            for key in keys:
                yield TextField(
                    f"sla.sales.response_minutes.{key}",
                    trigger_label(key),
                    sla.sales.response_minutes.get(key),
                    "int",
                    "none",
                    classes="clause-field compact-field",
                )
        yield TextField(
            f"sla.sales.response_business_days.{CONTENT_KEY}",
            "Content-triggered (business days)",
            sla.sales.response_business_days.get(CONTENT_KEY),
            "int",
            "none",
            classes="clause-field compact-field",
        )
        with Horizontal(classes="row"):
            yield TextField(
                "sla.sales.decide_within_hours",
                "Accept/reject in (h)",  # a half row: "within" was cut at 80 columns
                sla.sales.decide_within_hours,
                "int",
            )
            yield TextField(
                "sla.sales.follow_up_touches",
                "Follow-up touches",
                sla.sales.follow_up_touches,
                "int",
            )
            yield TextField(
                "sla.sales.follow_up_days", "within (days)", sla.sales.follow_up_days, "int"
            )
        yield TextField(
            "sla.sales.rejection_reasons",
            "Rejection reasons (a reason is required)",
            sla.sales.rejection_reasons,
            "list",
        )
        yield _section("Escalation when a deadline is missed")
        if sla.escalation is None:
            yield PlainText(
                "No escalation: a missed deadline has no consequence.", classes="field-help"
            )
            yield RoomButton("Add escalation", id="add-escalation", compact=True)
        else:
            with Horizontal(classes="row"):
                yield TextField("sla.escalation.to", "Escalate to", sla.escalation.to)
                yield TextField(
                    "sla.escalation.after_minutes",
                    "after (min)",
                    sla.escalation.after_minutes,
                    "int",
                )
            yield ToggleField(
                "sla.escalation.reassign", "Reassign the lead", sla.escalation.reassign
            )

    @on(Button.Pressed, "#add-escalation")
    def _add_escalation(self) -> None:
        self.edit("sla.escalation", {"to": "SDR manager"})
