"""What a newcomer trips over, from a fresh clone with the README in hand (issue 11).

Each test here failed before its fix: a command run from inside `definitions/`, a slug folder
or a version file where another command accepted it, a lead file given as a definition, a
refusal to overwrite with a different exit code per command, `show --json` without what the
README says it shows, `--leads` without `open`, Ctrl-C during a command.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import workbench.tui.app
from tests.cli_steps import one_error, run
from workbench.core.domain.definition import Definition
from workbench.core.domain.errors import AlreadyExists, CheckFailed, InputError
from workbench.core.domain.templates import from_template
from workbench.core.evidence.settings import EvidenceSource, save_source
from workbench.core.files import store

ROOT = Path(__file__).resolve().parent.parent
LEAD = ROOT / "examples" / "leads" / "director-demo-request.toml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone's root: definitions/acme/v1.toml (a draft); the test runs in it."""
    store.create(from_template("acme", "3m-10m", date(2025, 1, 6)), tmp_path / "definitions")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- which folder, slug or file -------------------------------------------------------


def test_check_inside_the_definitions_folder_checks_it(
    runner: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "definitions")
    result = run(runner, "check", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"] == 1


def test_check_given_a_definition_names_the_folder_to_check(runner: CliRunner, repo: Path) -> None:
    result = run(runner, "check", "definitions/acme")
    one_error(result, 2, "definitions/acme", "workbench check definitions")


@pytest.mark.parametrize(
    ("where", "typed"),
    [
        (".", "acme"),  # a bare slug, from the repository root
        (".", "definitions/acme"),  # the slug folder, as new-version takes it
        (".", "definitions/acme/v1.toml"),  # a version file, as new-version takes it
        ("definitions", "acme"),  # inside definitions/
        ("definitions/acme", "."),  # inside the slug folder
        ("definitions/acme", "v1.toml"),
    ],
)
def test_log_takes_what_new_version_takes(
    runner: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch, where: str, typed: str
) -> None:
    monkeypatch.chdir(repo / where)
    result = run(runner, "log", typed, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["slug"] == "acme"
    assert [v["version"] for v in payload["versions"]] == [1]


def test_log_given_the_definitions_folder_lists_its_slugs(runner: CliRunner, repo: Path) -> None:
    one_error(run(runner, "log", "definitions"), 2, "definitions folder", "acme")


def test_new_version_takes_a_bare_slug(runner: CliRunner, repo: Path) -> None:
    # The only version is a draft: the refusal names it, so the slug was found.
    one_error(run(runner, "new-version", "acme"), 1, "a draft already exists", "acme/v1.toml")


def test_new_inside_the_definitions_folder_writes_there(
    runner: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "definitions")
    result = run(runner, "new", "globex", "--stage", "1m-3m")
    assert result.exit_code == 0, result.output
    assert (repo / "definitions" / "globex" / "v1.toml").is_file()
    assert not (repo / "definitions" / "definitions").exists()


# --- the app: open FILE, --leads without open -------------------------------------------


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What the app would have been started with, instead of starting it."""
    calls: list[dict[str, Any]] = []

    def run_app(
        folder: Path,
        evidence: EvidenceSource | None = None,
        open_path: Path | None = None,
        follow: bool = False,
        place_file: Path | None = None,
    ) -> None:
        calls.append(
            {
                "folder": folder,
                "evidence": evidence,
                "open_path": open_path,
                "follow": follow,
                "place_file": place_file,
            }
        )

    monkeypatch.setattr(workbench.tui.app, "run_app", run_app)
    return calls


def test_leads_and_activities_without_open_start_the_app_with_them(
    runner: CliRunner, repo: Path, opened: list[dict[str, Any]]
) -> None:
    result = run(runner, "--leads", "data/leads.csv", "--activities", "data/activities.csv")
    assert result.exit_code == 0, result.output
    [call] = opened
    assert call["folder"] == Path("definitions")
    assert call["evidence"] == EvidenceSource(Path("data/leads.csv"), Path("data/activities.csv"))


def test_leads_before_another_command_is_refused_in_one_line(
    runner: CliRunner, repo: Path, opened: list[dict[str, Any]]
) -> None:
    # `stages` takes no --leads: the hint names no place to put it (`test_cli` has the rest).
    one_error(
        run(runner, "--leads", "l.csv", "stages"), 2, "--leads", "workbench stages takes no --leads"
    )
    assert opened == []


def test_open_a_version_file_with_evidence_opens_that_definition(
    runner: CliRunner, repo: Path, opened: list[dict[str, Any]]
) -> None:
    result = run(
        runner, "open", "definitions/acme/v1.toml", "--leads", "l.csv", "--activities", "a.csv"
    )
    assert result.exit_code == 0, result.output
    [call] = opened
    assert call["folder"] == Path("definitions")
    assert call["open_path"] == Path("definitions/acme/v1.toml")


def test_open_a_slug_folder_opens_its_latest_version(
    runner: CliRunner, repo: Path, opened: list[dict[str, Any]]
) -> None:
    assert run(runner, "open", "definitions/acme").exit_code == 0
    assert opened[0]["folder"] == Path("definitions")
    assert opened[0]["open_path"] == Path("definitions/acme/v1.toml")


# --- check and evidence.toml ----------------------------------------------------------------


def test_check_knows_evidence_toml_is_not_a_stray(runner: CliRunner, repo: Path) -> None:
    save_source(repo / "definitions", EvidenceSource(repo / "l.csv", repo / "a.csv"))
    text = run(runner, "check")
    assert text.exit_code == 0, text.output
    assert "stray" not in text.stdout and "evidence.toml" not in text.stdout
    junit = ET.fromstring(run(runner, "check", "--format", "junit").stdout)
    names = [case.get("name") for case in junit.iter("testcase")]
    assert "definitions/acme/v1.toml" in names
    assert "definitions/evidence.toml" not in names


def test_check_warns_about_an_evidence_toml_that_does_not_read(
    runner: CliRunner, repo: Path
) -> None:
    (repo / "definitions" / "evidence.toml").write_text('leads = "l.csv"\n', encoding="utf-8")
    result = run(runner, "check")
    assert result.exit_code == 0, result.output
    assert (
        "WARNING definitions/evidence.toml evidence-settings: activities: required, but missing"
        in result.stdout
    )


# --- a lead file and a definition file swapped ------------------------------------------------


def test_a_lead_file_given_as_a_definition_is_one_line(runner: CliRunner, repo: Path) -> None:
    line = one_error(run(runner, "test", LEAD), 2, str(LEAD))
    assert "expected a definition file" in line
    assert "but this is a lead file" in line


def test_a_definition_given_as_a_lead_is_one_line(runner: CliRunner, repo: Path) -> None:
    definition = "definitions/acme/v1.toml"
    line = one_error(run(runner, "evaluate", definition, "--lead", definition), 2, definition)
    assert "expected a lead file" in line
    assert "but this is a definition file" in line


def test_evidence_settings_given_as_a_mapping_is_one_line(runner: CliRunner, repo: Path) -> None:
    settings = save_source(repo / "definitions", EvidenceSource(repo / "l.csv", repo / "a.csv"))
    result = run(runner, "backtest", "definitions/acme/v1.toml", "--mapping", settings)
    line = one_error(result, 2, "expected a column mapping file")
    assert "lead-history settings file" in line


def test_a_definition_that_is_merely_wrong_keeps_its_located_errors(
    runner: CliRunner, repo: Path
) -> None:
    path = repo / "definitions" / "acme" / "v1.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("[fit]", "[fit]\nsize = 3", 1), encoding="utf-8"
    )
    line = one_error(run(runner, "test", path), 2, "fit.size", "unknown key")
    assert "expected a" not in line.split("unknown key")[0]


# --- exit codes that agree ----------------------------------------------------------------------


def test_refusing_to_overwrite_exits_1_in_every_command(runner: CliRunner, repo: Path) -> None:
    """The README's table: 1 = a check failed or was refused; 2 = bad input or usage."""
    agreement = repo / "agreement.html"
    agreement.write_text("keep", encoding="utf-8")
    data = repo / "data"
    data.mkdir()
    (data / "leads.csv").write_text("keep", encoding="utf-8")
    refusals = {
        "new": run(runner, "new", "acme", "--stage", "3m-10m"),
        "export": run(
            runner, "export", "definitions/acme/v1.toml", "--format", "html", "--out", agreement
        ),
        "sample-data": run(runner, "sample-data", "--out", data, "--leads", "5"),
    }
    for command, result in refusals.items():
        assert result.exit_code == 1, (command, result.output)
        assert "already exists" in result.stderr, command
    assert agreement.read_text(encoding="utf-8") == "keep"


def test_already_exists_is_a_refusal_not_bad_input() -> None:
    assert AlreadyExists.exit_code == CheckFailed.exit_code == 1
    assert not issubclass(AlreadyExists, InputError)


# --- show --json ----------------------------------------------------------------------------------


def test_show_json_carries_the_suite_and_integrity(runner: CliRunner, repo: Path) -> None:
    result = run(runner, "show", "definitions/acme/v1.toml", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["slug"] == "acme"  # the definition's own keys stay where they were
    assert payload["integrity"] == "draft"
    suite = payload["suite"]
    cases = len(from_template("acme", "3m-10m", date(2025, 1, 6)).cases)
    assert cases >= 8
    assert (suite["passed"], suite["failed"]) == (cases, 0)
    assert len(suite["cases"]) == cases
    assert {"name", "passed", "expected", "actual"} <= set(suite["cases"][0])


def test_show_json_keys_cannot_collide_with_the_definitions_own() -> None:
    assert not {"integrity", "suite"} & set(Definition.model_fields)


# --- Ctrl-C during a command -----------------------------------------------------------------


def test_ctrl_c_during_a_command_is_one_line_and_130(
    runner: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(path: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "load_definition", interrupted)
    result = run(runner, "test", "definitions/acme/v1.toml")
    assert result.exit_code == 130
    assert result.stderr == "interrupted\n"
    assert "Traceback" not in result.output
