"""The README must stay true: its file-format example, the shipped examples, and every
`workbench` command it shows, run in order as a newcomer would."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.core.domain import clock
from workbench.core.domain.definition import Definition
from workbench.core.domain.suite import run_suite
from workbench.core.files.store import load_definition

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


# --- the README's commands, run in order as a newcomer would ---------------------------------


@dataclass
class Command:
    """One `workbench ...` line of a ```sh block, and what the README says it does."""

    line: str
    exit_code: int = 0  # `# exits N: ...` after the command, else 0
    output: list[str] = field(default_factory=list)  # `#   ...` lines under it, or a ```text block


@dataclass
class SignersFile:
    """The allowed_signers block, to be written with the test's own public keys."""

    text: str


def readme_steps(text: str) -> list[Command | SignersFile]:
    """Every `workbench` line of the README's ```sh blocks and its allowed_signers example,
    in document order; a ```text block right after a ```sh block is its last command's output."""
    steps: list[Command | SignersFile] = []
    for match in re.finditer(r"^```(\w*)\n(.*?)^```", text, flags=re.S | re.M):
        language, body = match.group(1), match.group(2)
        if language == "sh":
            for raw in body.splitlines():
                line = raw.strip()
                if line.startswith("workbench "):
                    exits = re.search(r"#\s*exits (\d+)", line)
                    steps.append(Command(line, int(exits.group(1)) if exits else 0))
                elif line.startswith("#") and steps and isinstance(steps[-1], Command):
                    steps[-1].output.append(line.lstrip("#").strip())
        elif language == "text" and text[: match.start()].rstrip().endswith("```"):
            last = steps[-1]
            assert isinstance(last, Command)
            last.output += [line for line in body.splitlines() if line.strip() != "..."]
        elif language == "" and 'namespaces="mql-workbench-' in body:
            steps.append(SignersFile(body))
    return steps


def ssh_home(root: Path, email: str) -> Path:
    """A home folder with ~/.ssh/id_ed25519, as each signer has on their own machine."""
    home = root / email.split("@")[0]
    (home / ".ssh").mkdir(parents=True)
    key = home / ".ssh" / "id_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", email, "-f", str(key)],
        check=True,
        capture_output=True,
    )
    return home


def shell_words(line: str, home: Path) -> tuple[list[str], str | None]:
    """The arguments after `workbench` as a shell would pass them (`~` is `home`), and the
    file a `> FILE` redirect names."""
    words = shlex.split(line, comments=True)[1:]
    redirect = None
    if ">" in words:
        at = words.index(">")
        words, redirect = words[:at], words[at + 1]
    return [str(home) + w[1:] if w.startswith("~/") else w for w in words], redirect


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="the SSH sign-off needs ssh-keygen")
def test_readme_commands_run_in_order_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh clone's definitions/ and examples/, the README's commands one after another."""
    # The commands' clock: the README's example was signed 2026-11-22, read on 2026-12-01.
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    clone = tmp_path / "clone"
    shutil.copytree(ROOT / "definitions", clone / "definitions")
    shutil.copytree(ROOT / "examples", clone / "examples")
    monkeypatch.chdir(clone)
    homes = {
        "marketing": ssh_home(tmp_path, "dana@acme.example"),
        "sales": ssh_home(tmp_path, "sam@acme.example"),
    }
    steps = readme_steps((ROOT / "README.md").read_text(encoding="utf-8"))
    lines = [step.line for step in steps if isinstance(step, Command)]
    for expected in ("workbench backtest ", "workbench check --format junit", "--as sales"):
        assert any(expected in line for line in lines), expected  # the examples were found
    runner = CliRunner()
    for step in steps:
        if isinstance(step, SignersFile):
            text = step.text
            for side, who in (("marketing", "dana@"), ("sales", "sam@")):
                key = (homes[side] / ".ssh" / "id_ed25519.pub").read_text(encoding="utf-8")
                line = next(line for line in text.splitlines() if line.startswith(who))
                text = text.replace(line, line.replace("ssh-ed25519 AAAA...", key.strip()))
            Path("definitions/allowed_signers").write_text(text, encoding="utf-8")
            continue
        side = "sales" if "--as sales" in step.line else "marketing"
        words, redirect = shell_words(step.line, homes[side])
        result = runner.invoke(app, words)
        assert result.exit_code == step.exit_code, (step.line, result.output)
        assert "Traceback" not in result.output, step.line
        if redirect is not None:
            Path(redirect).write_text(result.stdout, encoding="utf-8")
        printed = [line.strip() for line in result.stdout.splitlines()]
        for wanted in step.output:
            assert wanted.strip() in printed, (step.line, wanted)
    signed = load_definition(Path("definitions/acme/v1.toml"))
    assert signed.integrity == "intact" and signed.definition.is_signed
    signoff = signed.definition.signoff
    assert signoff is not None
    assert (signoff.marketing.principal, signoff.sales.principal) == (
        "dana@acme.example",
        "sam@acme.example",
    )
