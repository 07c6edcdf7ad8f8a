"""The README's file-format example and the shipped examples must stay true."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from typer.testing import CliRunner

from workbench.cli import app
from workbench.core.definition import Definition
from workbench.core.store import load_definition
from workbench.core.suite import run_suite

ROOT = Path(__file__).resolve().parent.parent


def test_readme_definition_example_is_a_valid_definition() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, flags=re.S)
    example = tomllib.loads(next(b for b in blocks if 'slug = "acme-inbound"' in b))
    definition = Definition.model_validate(example)
    assert definition.slug == "acme-inbound"
    assert definition.scoring is not None and definition.scoring.window_days == 90
    result = run_suite(definition)
    assert (result.passed, result.failed) == (1, 0)


def test_shipped_example_definitions_pass_their_suites() -> None:
    paths = sorted((ROOT / "definitions").glob("*/v*.toml"))
    assert paths, "definitions/ ships a worked example"
    for path in paths:
        loaded = load_definition(path)
        assert loaded.integrity in ("draft", "intact"), path
        assert run_suite(loaded.definition).ok, path


def test_readme_mapping_example_is_a_valid_mapping(tmp_path: Path) -> None:
    from workbench.core.evidence.mapping import load_mapping

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, flags=re.S)
    example = next(b for b in blocks if "[values.sdr_decision]" in b)
    path = tmp_path / "mapping.toml"
    path.write_text("\n".join(line.strip() for line in example.splitlines()), encoding="utf-8")
    mapping = load_mapping(path)
    assert mapping.leads["lead_id"] == "Record ID"
    assert mapping.translate("sdr_decision", "Closed - Converted") == "accepted"


def test_example_leads_evaluate() -> None:
    signed = ROOT / "definitions" / "acme-inbound" / "v1.toml"
    runner = CliRunner()
    demo = runner.invoke(
        app,
        [
            "evaluate",
            str(signed),
            "--lead",
            str(ROOT / "examples/leads/director-demo-request.toml"),
            "--json",
        ],
    )
    assert demo.exit_code == 0, demo.output
    assert '"status": "mql"' in demo.stdout
    student = runner.invoke(
        app,
        [
            "evaluate",
            str(signed),
            "--lead",
            str(ROOT / "examples/leads/student-ebook.toml"),
            "--json",
        ],
    )
    assert '"status": "rejected"' in student.stdout
