"""Command palette: the current screen's own actions, found by their descriptions.

Every binding a screen (or one of our widgets around the cursor: the Cases step's add, edit,
delete) declares with a description becomes a palette command, so a facilitator who forgets a
key can type what they want instead; a binding switched off for now (`check_action`, e.g.
the Evidence step's keys on another step) is left out, as it is from the footer. A screen's
`PALETTE_COMMANDS` are always offered; its `PALETTE_COVERS` names the binding ids those
entries stand for, so one action is not offered twice in two wordings.
"""

from __future__ import annotations

from functools import partial

from textual.actions import parse
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.system_commands import SystemCommandsProvider

# Tab and shift+tab move the cursor between fields, home and end to a table's first and last
# row: keys, not actions to pick from a list.
_CURSOR_MOVES = {"focus_next", "focus_previous", "scroll_top", "scroll_bottom"}


class ScreenActionsProvider(Provider):
    """Offers the bindings of the active screen and of the widgets around its cursor (the
    Cases step's add, edit, delete...) as commands."""

    def _entries(self) -> list[tuple[str, str, str, DOMNode]]:
        """(label, action, help, the node that runs it), the innermost node's first."""
        screen = self.screen
        found: dict[str, tuple[str, str, str, DOMNode]] = {}
        # A screen's own palette entries come first: they can name things a key can't
        # ("Go to step 3: Triggers" rather than "Step 3").
        for extra in getattr(screen, "PALETTE_COMMANDS", []):
            found.setdefault(extra[1], (*extra, screen))
        focused = screen.focused
        around = [
            n
            for n in (focused.ancestors_with_self if focused else [])
            if n is not screen and n is not self.app
        ]
        labels = {entry[0] for entry in found.values()}
        covered: set[str] = set(getattr(screen, "PALETTE_COVERS", ()))
        # The app's own (Quit) last, and also when nothing has the cursor (after "Remove last
        # rule"): first in the list, ctrl+p enter left the workbench.
        for node in [*around, screen, self.app]:
            for binding in _own_bindings(node):
                _namespace, name, parameters = parse(binding.action)
                if name in _CURSOR_MOVES or not node.check_action(name, parameters):
                    continue
                offers = getattr(node, "palette_offers", None)
                if offers is not None and not offers(name):
                    continue  # refused here with its reason: not a command to pick
                label = binding.description
                if binding.id in covered:
                    continue  # the screen's own entry for it, worded from any step
                if binding.action in found or label in labels:
                    continue  # home's q and the app's ctrl+q are one "Quit" to pick
                found[binding.action] = (label, binding.action, binding.tooltip or "", node)
                labels.add(label)
        return list(found.values())

    def _commands(self) -> list[tuple[str, str, str]]:
        return [(label, action, help_text) for label, action, help_text, _n in self._entries()]

    async def _run(self, node: DOMNode, action: str) -> None:
        await self.app.run_action(action, node)

    async def discover(self) -> Hits:
        for label, action, help_text, node in self._entries():
            yield DiscoveryHit(label, partial(self._run, node, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, action, help_text, node in self._entries():
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    partial(self._run, node, action),
                    help=help_text,
                )


class TextualCommandsWhenTyped(SystemCommandsProvider):
    """Textual's own commands (theme, keys, screenshot, quit...), found by typing. Opened
    with nothing typed, the palette lists the screen's actions: Textual's came first and
    pushed "Add a case" or "Go to step 3" out of sight at 80x24."""

    async def discover(self) -> Hits:
        return
        yield  # an async generator that offers nothing until something is typed


def _own_bindings(node: DOMNode) -> list[Binding]:
    """The described bindings our classes declare themselves: a room input inherits Textual's
    "Move cursor left" and a step pane "Scroll Up", which are keys, not actions to offer."""
    own: list[Binding] = []
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("workbench.") or "BINDINGS" not in cls.__dict__:
            continue
        for binding in cls.__dict__["BINDINGS"]:
            if isinstance(binding, Binding) and binding.description:
                own.append(binding)
    return own
