"""Hypothesis profiles: random examples while developing, a fixed sequence in CI.

A property test that finds a new example on a landing run blocks the landing on a bug no one
changed; CI (`.ci/run` sets HYPOTHESIS_PROFILE=ci) replays the same examples every time, and a
failure prints the blob that reproduces it. Exploring is left to local runs and to the soak
run described in `budget.py` (many more examples, same properties).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from workbench.core.domain import clock

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def runner() -> CliRunner:
    """A fresh typer test runner (stdout and stderr kept apart)."""
    return CliRunner()


PINNED_NOW = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


@pytest.fixture
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The commands' clock pinned (`workbench.core.domain.clock`): no test races midnight."""
    monkeypatch.setattr(clock, "now", lambda: PINNED_NOW)
    return PINNED_NOW


# The groups that take most of the suite's time, marked by where they live so a new test in
# those files is marked too: `pytest -m "not slow and not app"` is the quick loop while editing.
SLOW_FILES = {
    "test_core_properties.py",
    "test_evidence_engine.py",
    "test_evidence_replay.py",
    "test_export_sql.py",
    "test_fuzz_commands.py",
    "test_write_races.py",
    "test_serve_browser.py",
    "test_evidence_missed.py",
    "test_readme.py",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = item.path
        if path.parent.name == "tui":
            item.add_marker(pytest.mark.app)
        if path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)
