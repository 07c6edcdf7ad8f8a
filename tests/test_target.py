"""`target.resolve`: one answer to "which folder, slug or file did you mean" for every command."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workbench.core.domain.templates import from_template
from workbench.core.files import store
from workbench.core.files.target import Target, default_folder, resolve


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root holding definitions/acme/v1.toml and v2.toml; the test runs in it."""
    folder = tmp_path / "definitions"
    store.create(from_template("acme", "3m-10m", date(2025, 1, 6)), folder)
    second = from_template("acme", "3m-10m", date(2025, 1, 6)).model_copy(update={"version": 2})
    store.create(second, folder)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_from_the_repository_root(repo: Path) -> None:
    assert default_folder() == Path("definitions")
    assert resolve(None) == Target(Path("definitions"))
    assert resolve(Path("definitions")) == Target(Path("definitions"))
    assert resolve(Path("definitions/acme")) == Target(Path("definitions"), slug="acme")
    assert resolve(Path("definitions/acme/v2.toml")) == Target(
        Path("definitions"), slug="acme", file=Path("definitions/acme/v2.toml")
    )
    # A bare slug that exists under ./definitions is that slug.
    assert resolve(Path("acme")) == Target(Path("definitions"), slug="acme")


def test_inside_the_definitions_folder(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / "definitions")
    assert default_folder() == Path(".")
    assert resolve(None) == Target(Path("."))
    assert resolve(Path("acme")) == Target(repo / "definitions", slug="acme")
    assert resolve(Path("acme/v1.toml")).slug == "acme"
    assert resolve(Path("initech"), want_slug=True) == Target(Path("."), slug="initech")


def test_inside_a_slug_folder(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / "definitions" / "acme")
    assert resolve(Path(".")) == Target(repo / "definitions", slug="acme")
    found = resolve(Path("v2.toml"))
    assert (found.folder, found.slug, found.file) == (
        repo / "definitions",
        "acme",
        Path("v2.toml"),
    )


def test_dir_makes_a_bare_name_a_slug_there(repo: Path) -> None:
    elsewhere = repo / "elsewhere"
    assert resolve(Path("acme"), folder=elsewhere) == Target(elsewhere, slug="acme")
    assert resolve(None, folder=elsewhere) == Target(elsewhere)


def test_a_missing_name_is_a_folder_to_create_unless_a_slug_is_wanted(repo: Path) -> None:
    assert resolve(Path("workshop")) == Target(Path("workshop"))
    assert resolve(Path("workshop"), want_slug=True) == Target(Path("definitions"), slug="workshop")
    assert resolve(Path("definitions/acme/v9.toml")).file == Path("definitions/acme/v9.toml")


def test_definition_file_is_the_named_file_or_the_slugs_open_draft(repo: Path) -> None:
    assert resolve(Path("definitions/acme/v1.toml")).definition_file() == Path(
        "definitions/acme/v1.toml"
    )
    assert resolve(Path("definitions/acme")).definition_file() == Path("definitions/acme/v2.toml")
    assert resolve(Path("definitions")).definition_file() is None


def test_a_definitions_folder_with_a_stray_version_file_stays_a_definitions_folder(
    repo: Path,
) -> None:
    (repo / "definitions" / "v1.toml").write_text("x = 1\n", encoding="utf-8")
    assert resolve(Path("definitions")) == Target(Path("definitions"))
