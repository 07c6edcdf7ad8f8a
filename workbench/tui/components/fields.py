"""Form fields bound to a clause path: they send `ClauseEdited` and show why an edit failed.

The field does no MQL validation itself: the core decides, and the field only displays the
reason next to where it was typed, so a bad value never reaches the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

from rich.segment import Segment
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.strip import Strip
from textual.widgets import Input, Label, Select, SelectionList, Switch
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

from workbench.tui.components.text import PlainText
from workbench.tui.messages import ClauseEdited

TextKind = Literal["int", "text", "list", "number"]


class ClauseField(Vertical):
    """Base: a label, an editor widget, and an error line under it."""

    DEFAULT_CLASSES = "clause-field"

    def __init__(self, path: str, label: str, help_text: str = "", **kwargs: Any) -> None:
        field_id = "field-" + path.replace(".", "-").replace("_", "-")
        super().__init__(id=kwargs.pop("id", field_id), **kwargs)
        self.path = path
        self.label_text = label
        self.help_text = help_text
        self._syncing = False

    def compose(self) -> ComposeResult:
        yield Label(self.label_text, classes="field-label")
        yield from self.compose_editor()
        if self.help_text:
            yield PlainText(self.help_text, classes="field-help")
        yield PlainText("", classes="field-error")

    def compose_editor(self) -> ComposeResult:
        raise NotImplementedError

    def set_errors(self, errors: Sequence[str]) -> None:
        error = self.query_one(".field-error", PlainText)
        error.say("✗ " + "; ".join(errors) if errors else "")
        self.set_class(bool(errors), "-invalid")

    def send(self, value: Any) -> None:
        if not self._syncing:
            self.post_message(ClauseEdited(self.path, value, self))

    def show_value(self, value: Any) -> None:
        """Show a value from the model without sending it back as an edit."""
        self._syncing = True
        try:
            self.render_value(value)
        finally:
            self.call_after_refresh(self._done_syncing)

    def _done_syncing(self) -> None:
        self._syncing = False

    def render_value(self, value: Any) -> None:
        raise NotImplementedError


class TextField(ClauseField):
    """A typed value: whole numbers, free text, or a comma-separated list."""

    def __init__(
        self,
        path: str,
        label: str,
        value: Any,
        kind: TextKind = "text",
        placeholder: str = "",
        help_text: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(path, label, help_text, **kwargs)
        self.kind = kind
        self.initial = self.to_text(value)
        self.placeholder = placeholder

    def compose_editor(self) -> ComposeResult:
        restrict = r"[0-9]*" if self.kind == "int" else None
        yield Input(
            self.initial,
            placeholder=self.placeholder,
            restrict=restrict,
            compact=True,
        )

    def to_text(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    def parse(self, text: str) -> Any:
        text = text.strip()
        if self.kind == "list":
            return [part.strip() for part in text.split(",") if part.strip()]
        if not text:
            return None
        return text

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.send(self.parse(event.value))

    def render_value(self, value: Any) -> None:
        self.query_one(Input).value = self.to_text(value)


class ChoiceField(ClauseField):
    """One of a closed list (a seniority, a route); blank means 'not set' where allowed."""

    def __init__(
        self,
        path: str,
        label: str,
        value: Any,
        options: Iterable[tuple[str, str]],
        allow_blank: bool = False,
        help_text: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(path, label, help_text, **kwargs)
        self.options = list(options)
        self.initial = value
        self.allow_blank = allow_blank

    def compose_editor(self) -> ComposeResult:
        yield Select(
            self.options,
            value=self.initial if self.initial is not None else Select.NULL,
            allow_blank=self.allow_blank,
            prompt="(none)",
            compact=True,
        )

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        event.stop()
        value = None if event.value is Select.NULL else event.value
        if value != self.initial:
            self.initial = value
            self.send(value)

    def render_value(self, value: Any) -> None:
        self.initial = value
        self.query_one(Select).value = value if value is not None else Select.NULL


class ToggleField(ClauseField):
    """On or off, with the state spelled out next to the switch (not colour alone)."""

    def __init__(
        self, path: str, label: str, value: bool, help_text: str = "", **kwargs: Any
    ) -> None:
        super().__init__(path, label, help_text, **kwargs)
        self.initial = value

    def compose_editor(self) -> ComposeResult:
        with Horizontal(classes="toggle-row"):
            yield Switch(self.initial)
            yield PlainText(_on_off(self.initial), classes="toggle-state")

    @on(Switch.Changed)
    def _changed(self, event: Switch.Changed) -> None:
        event.stop()
        self.query_one(".toggle-state", PlainText).update(_on_off(event.value))
        if event.value != self.initial:
            self.initial = event.value
            self.send(event.value)

    def render_value(self, value: Any) -> None:
        self.initial = bool(value)
        self.query_one(Switch).value = bool(value)


def _on_off(value: bool) -> str:
    return "ON" if value else "OFF"


class TickList(SelectionList[str]):
    """A SelectionList whose box shows ✓ when ticked, so the state is not colour alone."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 2 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        mark = "✓" if selection.value in self.selected else " "
        segments[1] = Segment(mark, segments[1].style)
        return Strip(segments, strip.cell_length)


class KindsField(ClauseField):
    """Several of a closed list (trigger kinds, personas), ticked with space."""

    def __init__(
        self,
        path: str,
        label: str,
        selected: Iterable[str],
        options: Iterable[str],
        help_text: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(path, label, help_text, **kwargs)
        self.initial = list(selected)
        self.choices = list(options)

    def compose_editor(self) -> ComposeResult:
        yield TickList(
            *[(choice, choice, choice in self.initial) for choice in self.choices],
            compact=True,
        )

    @on(SelectionList.SelectedChanged)
    def _changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        event.stop()
        chosen = [c for c in self.choices if c in event.selection_list.selected]
        if chosen != self.initial:
            self.initial = chosen
            self.send(chosen)

    def render_value(self, value: Any) -> None:
        self.initial = list(value or [])
        selection = self.query_one(SelectionList)
        selection.deselect_all()
        for choice in self.initial:
            selection.select(choice)
