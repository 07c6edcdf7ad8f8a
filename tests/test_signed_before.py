"""Files signed before the framework-fidelity clauses (issue 17) keep their hash and meaning.

`tests/data/signed-before-17/` holds a v1 of every stage template, signed by the workbench as it
was before those clauses existed, kept byte for byte, and `verdicts.json`: what each of them
said then about every edge-case lead of every template (215 verdicts). New clauses are added
with defaults that change nothing, and are left out of the hash while unset (`later.added`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from workbench.core.domain.evaluator import evaluate
from workbench.core.domain.later import added, signed_dump
from workbench.core.files.store import integrity_of, load_definition, to_toml

ROOT = Path(__file__).parent / "data" / "signed-before-17"
FILES = sorted(ROOT.glob("*/v1.toml"))


def test_the_fixture_has_every_stage() -> None:
    assert len(FILES) == 5


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.parent.name)
def test_an_old_signed_file_keeps_its_hash(path: Path) -> None:
    loaded = load_definition(path)
    assert loaded.definition.is_signed
    assert integrity_of(loaded.definition) == "intact"
    assert loaded.integrity == "intact"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.parent.name)
def test_an_old_file_is_written_back_without_new_keys(path: Path) -> None:
    """Saving an old draft adds no key for a clause the room never set."""
    original = path.read_text(encoding="utf-8")
    assert to_toml(load_definition(path).definition) == original


def test_an_old_signed_file_keeps_its_meaning() -> None:
    recorded = json.loads((ROOT / "verdicts.json").read_text(encoding="utf-8"))
    definitions = {p.parent.name: load_definition(p).definition for p in FILES}
    leads = [(f"{slug}/{c.name}", c.lead) for slug, d in definitions.items() for c in d.cases]
    now: dict[str, list[object]] = {}
    for slug, definition in definitions.items():
        for name, lead in leads:
            v = evaluate(definition, lead)
            now[f"{slug} <- {name}"] = [
                v.status,
                v.route,
                v.tier,
                v.trigger,
                v.lead_type,
                v.segment,
                v.motion,
                v.score,
                v.response_minutes,
            ]
    assert len(now) == len(recorded) == 215
    changed = {key: (recorded[key], now[key]) for key in recorded if recorded[key] != now[key]}
    assert changed == {}


class _Later(BaseModel):
    old: int = 1
    new: list[str] = added(default_factory=list)
    newer: int | None = added(None)


class _Outer(BaseModel):
    items: list[_Later]
    by_name: dict[str, _Later]


def test_an_added_field_is_hashed_only_once_set() -> None:
    unset = _Outer(items=[_Later()], by_name={"a": _Later()})
    assert signed_dump(unset) == {"items": [{"old": 1}], "by_name": {"a": {"old": 1}}}
    set_ = _Outer(items=[_Later(new=["x"])], by_name={"a": _Later(newer=0)})
    assert signed_dump(set_) == {
        "items": [{"old": 1, "new": ["x"]}],
        "by_name": {"a": {"old": 1, "newer": 0}},
    }
