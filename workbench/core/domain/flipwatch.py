"""Which flips the room is told about: one report per value the person settled on.

Every key typed into a number field is an edit: typing 1000 over 50 applies 1, 10, 100 and
1000 in turn, and each of those half-typed values can flip cases that the finished value
flips back. Reporting per key showed the room flips nobody made. So the suite as it stood
before the first key is kept per field, and the flips are worked out once the value settles
(typing pauses or the field is left) between that suite and the suite now. A value the core
refused is not a settled value: it reports nothing.
"""

from __future__ import annotations

from workbench.core.domain.suite import Flip, SuiteResult, flips


class FlipWatch:
    """The suite before each field's run of keys, until that field's value settles."""

    def __init__(self) -> None:
        self._before: dict[str, SuiteResult] = {}

    def typing(self, path: str, before: SuiteResult) -> None:
        """A key reached the core for `path`; `before` is the suite as it was before that key.
        Only the first key of a run counts: later keys keep the suite from before the run."""
        self._before.setdefault(path, before)

    def pending(self, path: str) -> bool:
        return path in self._before

    def pending_paths(self) -> tuple[str, ...]:
        return tuple(self._before)

    def settle(self, path: str, now: SuiteResult, refused: bool) -> list[Flip]:
        """The flips of the value `path` settled on: none while it is refused, none when the
        half-typed values flipped cases that the final value flipped back."""
        if refused:
            return []  # kept: the run goes on until the field holds a value the core takes
        before = self._before.pop(path, None)
        return [] if before is None else flips(before, now)

    def forget(self) -> None:
        """A reload or a rebuild: the runs of keys under way no longer compare with anything."""
        self._before.clear()
