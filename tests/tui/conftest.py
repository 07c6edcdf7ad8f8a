"""Fixtures for driving the workshop app: a fixed clock, a folder, no cursor blink."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from workbench.core.domain.templates import from_template
from workbench.core.files import store
from workbench.tui.app import WorkbenchApp

FIXED_NOW = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_blink(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A blinking cursor or the local time zone would make screenshots differ between runs."""
    monkeypatch.setattr(Input, "cursor_blink", False)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def fixed_now() -> datetime:
    return FIXED_NOW


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from a temporary folder so paths on screen are the same on every run."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def make_app(workdir: Path) -> Callable[..., WorkbenchApp]:
    def factory(folder: str = "definitions", **options: Any) -> WorkbenchApp:
        options.setdefault("evidence_delay", 0)
        options.setdefault("save_delay", 0)
        options.setdefault("rescue_dir", workdir / "rescued")  # never the real home folder
        return WorkbenchApp(Path(folder), clock=lambda: FIXED_NOW, **options)

    return factory


@pytest.fixture
def seeded(workdir: Path) -> Callable[[str, str], Path]:
    """Write a template draft into ./definitions and return its path."""

    def seed(slug: str = "acme", stage: str = "3m-10m") -> Path:
        definition = from_template(slug, stage, FIXED_NOW.date(), name=f"{slug} inbound")
        return store.create(definition, Path("definitions"))

    return seed
