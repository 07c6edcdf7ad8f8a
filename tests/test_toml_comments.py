"""A person's comments in a definition survive every rewrite the workbench makes of it."""

from __future__ import annotations

import random
import tomllib
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli_steps import run
from workbench.core.domain.definition import Definition
from workbench.core.domain.vocab import STAGE_IDS
from workbench.core.files import store
from workbench.core.files.toml_comments import carry

MARKETING = "Dana Reyes, VP Marketing"
SALES = "Sam Okafor, VP Sales"


def annotated(runner: CliRunner, folder: Path) -> Path:
    """A 1m-3m draft a RevOps lead has written notes into by hand."""
    result = run(runner, "new", "acme", "--stage", "1m-3m", "--dir", folder)
    assert result.exit_code == 0, result.output
    path = folder / "acme" / "v1.toml"
    text = path.read_text(encoding="utf-8")
    for old, new in [
        ("schema_version", "# Acme's MQL definition; owner: Dana (RevOps)\n\nschema_version"),
        ("min_employees = 20", "# sales: below 20 people nobody picks up\nmin_employees = 20"),
        ('    "opentowork",', '    "opentowork",  # the LinkedIn banner'),
        ("exclude_activities_days = 30", "exclude_activities_days = 30 # careers, 30 days"),
        ("[triggers]", "# tiers agreed 2026-11-30\n[triggers]"),
        (
            '[[triggers.tier2]]\nkind = "comparison_page_view"',
            '# comparison views: the Q3 win analysis\n[[triggers.tier2]]\nkind = "comparison_page_view"',
        ),
    ]:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text + "\n# revisit at the Q1 review\n", encoding="utf-8")
    return path


def above(text: str, comment: str) -> str:
    """The first line after `comment` that is not itself a comment."""
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines) if line.strip() == comment)
    return next(line for line in lines[row + 1 :] if not line.lstrip().startswith("#"))


def save(path: Path, definition: Definition) -> str:
    store.save(definition, path, store.file_sha256(path))
    return path.read_text(encoding="utf-8")


def test_an_unchanged_save_writes_the_file_as_it_was(runner: CliRunner, tmp_path: Path) -> None:
    path = annotated(runner, tmp_path)
    before = path.read_text(encoding="utf-8")
    assert save(path, store.load_definition(path).definition) == before


def test_each_comment_stays_with_its_line_through_edits(runner: CliRunner, tmp_path: Path) -> None:
    path = annotated(runner, tmp_path)
    definition = store.load_definition(path).definition
    triggers = definition.triggers
    definition = definition.model_copy(
        update={"triggers": triggers.model_copy(update={"tier2": triggers.tier2[1:]})}
    )
    definition.fit.min_employees = 25
    definition.fit.exclude_activities_days = 45
    text = save(path, definition)
    assert text.startswith("# Acme's MQL definition; owner: Dana (RevOps)\n\nschema_version")
    assert above(text, "# sales: below 20 people nobody picks up") == "min_employees = 25"
    assert "exclude_activities_days = 45 # careers, 30 days\n" in text
    assert above(text, "# tiers agreed 2026-11-30") == "[triggers]"
    # the first tier 2 rule went: the comment stays with the comparison rule, now the first
    rule = text.split("# comparison views: the Q3 win analysis\n", 1)[1]
    assert rule.startswith('[[triggers.tier2]]\nkind = "comparison_page_view"\n')
    assert '    "opentowork",  # the LinkedIn banner\n' in text
    assert text.endswith("\n# revisit at the Q1 review\n")
    assert store.load_definition(path).definition.fit.min_employees == 25


def test_a_comment_whose_line_went_moves_to_the_nearest_line_left(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = annotated(runner, tmp_path)
    definition = store.load_definition(path).definition
    definition.fit.exclude_titles = [t for t in definition.fit.exclude_titles if t != "opentowork"]
    text = save(path, definition)
    assert '"opentowork"' not in text
    assert above(text, "# the LinkedIn banner").startswith("exclude_titles = [")


def test_a_comment_stays_with_its_case_when_an_earlier_case_goes(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = annotated(runner, tmp_path)
    definition = store.load_definition(path).definition
    second = definition.cases[1].name
    text = path.read_text(encoding="utf-8")
    marker = f'[[cases]]\nname = "{second}"'
    assert marker in text
    path.write_text(text.replace(marker, "# the case sales brought\n" + marker), encoding="utf-8")
    definition = store.load_definition(path).definition
    text = save(path, definition.model_copy(update={"cases": definition.cases[1:]}))
    assert text.split("# the case sales brought\n", 1)[1].startswith(marker)


def test_signing_and_a_new_version_keep_the_comments_and_the_hash_ignores_them(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = annotated(runner, tmp_path)
    plain = tmp_path / "plain"
    assert run(runner, "new", "acme", "--stage", "1m-3m", "--dir", plain).exit_code == 0
    signing = ["--marketing", MARKETING, "--sales", SALES, "--review-date", "2027-03-31"]
    for target in (path, plain / "acme" / "v1.toml"):
        result = run(runner, "sign", target, *signing)
        assert result.exit_code == 0, result.output
    signed = path.read_text(encoding="utf-8")
    assert above(signed, "# sales: below 20 people nobody picks up") == "min_employees = 20"
    record = store.load_definition(path).definition.signoff
    other = store.load_definition(plain / "acme" / "v1.toml").definition.signoff
    assert record is not None and other is not None
    assert record.content_sha256 == other.content_sha256  # the comments are not content
    assert store.integrity_of(store.load_definition(path).definition) == "intact"
    result = run(runner, "new-version", path)
    assert result.exit_code == 0, result.output
    draft = (tmp_path / "acme" / "v2.toml").read_text(encoding="utf-8")
    assert above(draft, "# tiers agreed 2026-11-30") == "[triggers]"
    assert draft.endswith("\n# revisit at the Q1 review\n")


@pytest.mark.parametrize("stage", STAGE_IDS)
def test_comments_anywhere_never_change_a_value_and_are_never_lost(stage: str) -> None:
    from workbench.core.domain.templates import from_template

    original = from_template("acme", stage, date(2026, 1, 5))
    text = store.to_toml(original)
    rng = random.Random(stage)
    for round_ in range(30):
        lines = text.splitlines()
        notes: list[str] = []
        for _ in range(6):
            row = rng.randrange(len(lines))
            note = f"# note {round_}-{len(notes)}"
            line = lines[row]
            if "=" in line and not line.rstrip().endswith(("[", "{")) and rng.random() < 0.5:
                lines[row] = f"{line}  {note}"
            else:
                lines.insert(row, note)
            notes.append(note)
        old = "\n".join(lines) + "\n"
        changed = Definition.model_validate(tomllib.loads(old))
        cases = list(changed.cases)
        rng.shuffle(cases)
        changed = changed.model_copy(update={"cases": cases[: rng.randrange(len(cases) + 1)]})
        new = store.to_toml(changed)
        kept = carry(old, new)
        assert tomllib.loads(kept) == tomllib.loads(new)
        for note in notes:
            assert note in kept, (round_, note)
        assert carry(kept, new) == kept


def test_edits_kept_as_the_next_version_keep_the_signed_versions_comments(
    runner: CliRunner, tmp_path: Path
) -> None:
    """The room's edits to a draft signed meanwhile, and the quarterly review's new draft,
    are written by `keep_as_new_version`: they started from the model alone."""
    from workbench.core.services.versions import keep_as_new_version

    path = annotated(runner, tmp_path)
    result = run(runner, "sign", path, "--marketing", MARKETING, "--sales", SALES)
    assert result.exit_code == 0, result.output
    edited = store.load_definition(path).definition
    edited.fit.min_employees = 30
    created = keep_as_new_version(tmp_path, edited, date(2026, 12, 1))
    text = created.path.read_text(encoding="utf-8")
    assert above(text, "# sales: below 20 people nobody picks up") == "min_employees = 30"
    assert text.endswith("\n# revisit at the Q1 review\n")
