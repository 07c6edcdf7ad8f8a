"""Command palette: the current screen's own actions, found by their descriptions.

Every binding a screen declares with a description becomes a palette command, so a
facilitator who forgets a key can type what they want instead; a binding the screen has
switched off for now (`check_action`, e.g. the Evidence step's keys on another step) is left
out, as it is from the footer. A screen's `PALETTE_COMMANDS` are always offered.
"""

from __future__ import annotations

from functools import partial

from textual.actions import parse
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


class ScreenActionsProvider(Provider):
    """Offers the bindings of the active screen (and its focused ancestors) as commands."""

    def _commands(self) -> list[tuple[str, str, str]]:
        screen = self.screen
        found: dict[str, tuple[str, str, str]] = {}
        # A screen's own palette entries come first: they can name things a key can't
        # ("Go to step 3: Triggers" rather than "Step 3").
        for extra in getattr(screen, "PALETTE_COMMANDS", []):
            found.setdefault(extra[1], extra)
        for binding in getattr(screen, "BINDINGS", []):
            if not isinstance(binding, Binding) or not binding.description:
                continue
            _namespace, name, parameters = parse(binding.action)
            if not screen.check_action(name, parameters):
                continue
            label = binding.description
            found.setdefault(binding.action, (label, binding.action, binding.tooltip or ""))
        return list(found.values())

    async def _run(self, action: str) -> None:
        await self.screen.run_action(action)

    async def discover(self) -> Hits:
        for label, action, help_text in self._commands():
            yield DiscoveryHit(label, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, action, help_text in self._commands():
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(label), partial(self._run, action), help=help_text
                )
