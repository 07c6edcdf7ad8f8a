"""Every action both front-ends offer is one use case in the core: given the same bad state,
the command line and the app refuse it with the same words.

New version, sign-off, backtest and check: each test builds the bad state once, runs the
command, runs what the app runs for the same key, and compares the refusals.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli_steps import run
from workbench.core.domain.errors import WorkbenchError
from workbench.core.domain.templates import from_template
from workbench.core.evidence.settings import EvidenceSource
from workbench.core.files import store
from workbench.core.services.backtest_session import EvidenceSession
from workbench.core.services.check import check_folder
from workbench.core.services.signoff import sign
from workbench.core.services.workshop import Workshop
from workbench.tui.app import WorkbenchApp

NOW = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "definitions"


def _draft(folder: Path) -> Path:
    return store.create(from_template("acme", "3m-10m", date(2026, 5, 1)), folder)


def _refusal(error: WorkbenchError) -> str:
    return "; ".join(problem.message for problem in error.problems)


def test_new_version_from_a_signed_file_altered_after_signing(
    folder: Path, runner: CliRunner
) -> None:
    v1 = _draft(folder)
    sign(store.load_definition(v1), "Dana Reyes, VP Marketing", "Sam Ortiz, VP Sales", None, NOW)
    v1.write_text(v1.read_text(encoding="utf-8").replace("min_employees = 50", "min_employees = 5"))
    cli = run(runner, "new-version", v1)
    assert cli.exit_code == 1
    with pytest.raises(WorkbenchError) as app_refusal:
        WorkbenchApp(folder).start_new_version("acme")  # the home screen's `v`, the editor's ctrl+g
    assert "altered after signing" in _refusal(app_refusal.value)
    assert _refusal(app_refusal.value) in cli.stderr
    assert sorted(p.name for p in (folder / "acme").iterdir()) == ["v1.toml"]


def test_new_version_while_a_draft_is_open(folder: Path, runner: CliRunner) -> None:
    v1 = _draft(folder)
    cli = run(runner, "new-version", v1)
    with pytest.raises(WorkbenchError) as app_refusal:
        WorkbenchApp(folder).start_new_version("acme")
    assert cli.exit_code == app_refusal.value.exit_code
    assert _refusal(app_refusal.value) in cli.stderr


def test_signing_with_a_failing_case(folder: Path, runner: CliRunner) -> None:
    v1 = _draft(folder)
    room = Workshop.open(v1)
    assert room.apply("fit.min_seniority", "intern").ok  # the intern case now fails
    room.save()
    cli = run(
        runner,
        "sign",
        v1,
        "--marketing",
        "Dana Reyes, VP Marketing",
        "--sales",
        "Sam Ortiz, VP Sales",
    )
    with pytest.raises(WorkbenchError) as app_refusal:  # the sign-off step's ctrl+s
        Workshop.open(v1).sign("Dana Reyes, VP Marketing", "Sam Ortiz, VP Sales", None, NOW)
    assert cli.exit_code == app_refusal.value.exit_code == 1
    assert "intern-demo-request" in _refusal(app_refusal.value)
    assert _refusal(app_refusal.value) in cli.stderr
    assert not store.load_definition(v1).definition.is_signed


def test_backtest_of_a_history_with_no_usable_rows(
    folder: Path, tmp_path: Path, runner: CliRunner
) -> None:
    v1 = _draft(folder)
    leads = tmp_path / "leads.csv"
    leads.write_text("lead_id,created_at\nA,2025-01-01\n")
    activities = tmp_path / "activities.csv"
    activities.write_text("lead_id,kind,at\nZZZ,blog_visit,2025-01-02\n")
    cli = run(runner, "backtest", v1, "--leads", leads, "--activities", activities)
    session = EvidenceSession(folder, EvidenceSource(leads=leads, activities=activities))
    try:
        with pytest.raises(WorkbenchError) as app_refusal:  # the Evidence step's run
            session.run(session.supersede(), store.load_definition(v1).definition, None, print)
    finally:
        session.close()
    assert cli.exit_code == app_refusal.value.exit_code == 2
    assert "none of the 1 activities rows could be used" in _refusal(app_refusal.value)
    assert _refusal(app_refusal.value) in cli.stderr


def test_check_of_a_folder_with_an_altered_signed_file(folder: Path, runner: CliRunner) -> None:
    # The app's home screen marks the row ALTERED from the same integrity rule `check` uses.
    v1 = _draft(folder)
    sign(store.load_definition(v1), "Dana Reyes, VP Marketing", "Sam Ortiz, VP Sales", None, NOW)
    v1.write_text(v1.read_text(encoding="utf-8").replace("min_employees = 50", "min_employees = 5"))
    cli = run(runner, "check", folder)
    report = check_folder(folder, NOW.date())
    assert cli.exit_code == 1
    errors = [f for f in report.findings if f.level == "error"]
    assert errors and all(f.message in cli.stdout + cli.stderr for f in errors)
    assert store.summarize(folder, "acme").latest_signed is not None
    assert store.summarize(folder, "acme").latest_signed.altered  # type: ignore[union-attr]


def test_a_version_file_means_the_same_to_the_app_check_and_the_history(folder: Path) -> None:
    from workbench.core.files.folder import version_files
    from workbench.core.files.history import read_log

    v1 = _draft(folder)
    (folder / "acme" / "v01.toml").write_bytes(v1.read_bytes())
    assert [n for n, _p in version_files(folder, "acme")] == [1]  # the app's list
    assert [e.version for e in read_log(folder, "acme", use_git=False).entries] == [1]
    strays = [f for f in check_folder(folder, NOW.date()).findings if f.rule == "stray-file"]
    assert [f.path.name for f in strays] == ["v01.toml"]
