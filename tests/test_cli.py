"""The `workbench` command through typer's test runner: output, exit codes, bad input.

Exit codes: 0 success, 1 a check failed, 2 bad input or usage. In this typer version the
runner keeps stderr apart (`result.stderr`) and also mixes both into `result.output`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli_steps import one_error, run
from workbench.core.domain.vocab import STAGE_IDS
from workbench.core.files import store
from workbench.core.services.signoff import default_review_date

MARKETING = "Dana Reyes, VP Marketing"
SALES = "Sam Okafor, VP Sales"
VERDICT_FIELDS = (
    "status",
    "route",
    "lead_type",
    "tier",
    "trigger",
    "response_minutes",
    "segment",
    "reasons",
)

DEMO_LEAD = """\
[person]
title = "Director of Operations"
seniority = "director"
email = "pat@fit.example"

[company]
name = "Fit Software"
domain = "fit.example"
employees = 300
industry = "software"
region = "europe"

[[activities]]
kind = "demo_request"
days_ago = 0
"""


# The 3m-10m template's edge cases: the framework's eight and the ones later issues added.


def make(runner: CliRunner, folder: Path, slug: str = "acme", stage: str = "3m-10m") -> Path:
    result = run(runner, "new", slug, "--stage", stage, "--dir", folder)
    assert result.exit_code == 0, result.output
    return folder / slug / "v1.toml"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- stages and new ------------------------------------------------------------------


def test_stages_lists_the_five_ids(runner: CliRunner) -> None:
    result = run(runner, "stages")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == list(STAGE_IDS)
    assert "5-20/month" in lines[0]
    assert "1000+/month" in lines[-1]


def test_lead_history_before_a_command_says_where_it_goes(runner: CliRunner) -> None:
    """Before a command the lead history is the app's; the hint named `workbench stages ...
    --leads F`, an option `stages` does not have."""
    one_error(
        run(runner, "--leads", "x.csv", "--activities", "y.csv", "backtest", "v1.toml"),
        2,
        "put it after the command (workbench backtest ... --leads F)",
    )
    error = one_error(run(runner, "--mapping", "hubspot", "stages"), 2, "--mapping")
    assert "workbench stages takes no --mapping" in error and "after the command" not in error


@pytest.mark.parametrize("stage", STAGE_IDS)
def test_new_writes_dir_slug_v1(runner: CliRunner, tmp_path: Path, stage: str) -> None:
    result = run(runner, "new", "acme", "--stage", stage, "--dir", tmp_path)
    assert result.exit_code == 0, result.output
    path = tmp_path / "acme" / "v1.toml"
    assert sorted(snapshot(tmp_path)) == ["acme/v1.toml"]
    assert str(path) in result.stdout
    loaded = store.load_definition(path)
    assert loaded.definition.stage == stage
    assert loaded.definition.status == "draft"
    cases = len(loaded.definition.cases)
    assert f"{cases}/{cases} edge cases passing" in result.stdout


def test_new_refuses_to_overwrite(runner: CliRunner, tmp_path: Path) -> None:
    path = make(runner, tmp_path)
    edit(path, 'name = "acme', 'name = "Hand edited acme')
    before = snapshot(tmp_path)
    result = run(runner, "new", "acme", "--stage", "pre-1m", "--dir", tmp_path)
    one_error(result, 1, "already exists", str(path))
    assert snapshot(tmp_path) == before


def test_new_with_a_name(runner: CliRunner, tmp_path: Path) -> None:
    result = run(
        runner, "new", "acme", "--stage", "1m-3m", "--dir", tmp_path, "--name", "Acme inbound"
    )
    assert result.exit_code == 0
    assert store.load_definition(tmp_path / "acme" / "v1.toml").definition.name == "Acme inbound"


# --- test ----------------------------------------------------------------------------


def test_test_prints_a_line_per_case_and_a_summary(runner: CliRunner, tmp_path: Path) -> None:
    path = make(runner, tmp_path)
    result = run(runner, "test", path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    names = [c.name for c in store.load_definition(path).definition.cases]
    assert len(lines) == len(names) + 1
    for name, line in zip(names, lines, strict=False):
        assert line.startswith("PASS")
        assert name in line
        assert "expected" in line and "got" in line
    assert lines[-1] == f"{len(names)} passed, 0 failed"


def test_test_json(runner: CliRunner, tmp_path: Path) -> None:
    path = make(runner, tmp_path)
    result = run(runner, "test", path, "--json")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    cases = len(store.load_definition(path).definition.cases)  # the 3m-10m template's own
    assert cases >= 8
    assert payload["passed"] == cases
    assert payload["failed"] == 0
    assert len(payload["cases"]) == cases
    for case in payload["cases"]:
        assert {"name", "expected", "actual", "passed"} <= set(case)
        assert case["passed"] is True
        assert case["expected"]["status"] == case["actual"]["status"]
    competitor = next(c for c in payload["cases"] if c["name"] == "competitor-demo-request")
    assert competitor["expected"] == {"status": "rejected", "route": "marketing-leadership"}
    assert competitor["actual"]["route"] == "marketing-leadership"


def test_test_fails_with_exit_1_when_a_case_fails(runner: CliRunner, tmp_path: Path) -> None:
    path = make(runner, tmp_path)
    edit(path, 'status = "nurture"', 'status = "mql"')  # ceo-ebook-download now expects an MQL
    before = snapshot(tmp_path)
    result = run(runner, "test", path)
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    cases = len(store.load_definition(path).definition.cases)
    assert lines[-1] == f"{cases - 1} passed, 1 failed"
    failing = [line for line in lines if line.startswith("FAIL")]
    assert len(failing) == 1
    assert "ceo-ebook-download" in failing[0]
    assert "status: expected mql, got nurture" in result.stdout
    assert "because" in result.stdout and "[triggers]" in result.stdout
    assert "Traceback" not in result.output

    as_json = run(runner, "test", path, "--json")
    assert as_json.exit_code == 1
    payload = json.loads(as_json.stdout)
    assert (payload["passed"], payload["failed"]) == (cases - 1, 1)
    ceo = next(c for c in payload["cases"] if c["name"] == "ceo-ebook-download")
    assert ceo["passed"] is False
    assert ceo["expected"]["status"] == "mql"
    assert ceo["actual"]["status"] == "nurture"
    assert snapshot(tmp_path) == before


# --- evaluate ------------------------------------------------------------------------


@pytest.fixture
def lead_file(tmp_path: Path) -> Path:
    path = tmp_path / "lead.toml"
    path.write_text(DEMO_LEAD, encoding="utf-8")
    return path


def test_evaluate_json_has_the_verdict_fields(
    runner: CliRunner, tmp_path: Path, lead_file: Path
) -> None:
    path = make(runner, tmp_path / "defs")
    result = run(runner, "evaluate", path, "--lead", lead_file, "--json")
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    for field in VERDICT_FIELDS:
        assert field in verdict
    assert verdict["status"] == "mql"
    assert verdict["route"] == "sdr"
    assert verdict["lead_type"] == "mql"
    assert verdict["tier"] == 1
    assert verdict["trigger"] == "demo_request"
    assert verdict["response_minutes"] == 5
    assert verdict["segment"] is None
    assert verdict["reasons"][0]["clause"] == "triggers.tier1"
    # The fit axis beside the behaviour score: director +10, 300 employees +10 (issue 17).
    assert verdict["fit_score"] == 20
    text = run(runner, "evaluate", path, "--lead", lead_file)
    assert "fit score 20" in text.stdout.splitlines()


def test_evaluate_text_and_segment(runner: CliRunner, tmp_path: Path, lead_file: Path) -> None:
    path = make(runner, tmp_path / "defs", stage="10m-30m")
    result = run(runner, "evaluate", path, "--lead", lead_file)
    assert result.exit_code == 0
    assert result.stdout.startswith("mql → sdr (tier 1, demo request, mid-market)")
    assert "respond within 5 min" in result.stdout
    assert "because" in result.stdout
    verdict = json.loads(run(runner, "evaluate", path, "-l", lead_file, "--json").stdout)
    assert verdict["segment"] == "mid-market"


def test_evaluate_uses_now_for_absolute_times(runner: CliRunner, tmp_path: Path) -> None:
    path = make(runner, tmp_path / "defs")
    lead = tmp_path / "lead.toml"
    recent = (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0).isoformat()
    future = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0).isoformat()
    lead.write_text(DEMO_LEAD.replace("days_ago = 0", f"at = {recent}"), encoding="utf-8")
    assert json.loads(run(runner, "evaluate", path, "-l", lead, "--json").stdout)["status"] == "mql"
    lead.write_text(DEMO_LEAD.replace("days_ago = 0", f"at = {future}"), encoding="utf-8")
    assert (
        json.loads(run(runner, "evaluate", path, "-l", lead, "--json").stdout)["status"]
        == "nurture"
    )


# --- sign ----------------------------------------------------------------------------


def test_sign_records_both_signers(
    runner: CliRunner, tmp_path: Path, pinned_clock: datetime
) -> None:
    path = make(runner, tmp_path)
    result = run(runner, "sign", path, "--marketing", MARKETING, "--sales", SALES)
    assert result.exit_code == 0, result.output
    assert "marketing: Dana Reyes, VP Marketing" in result.stdout
    assert "sales:     Sam Okafor, VP Sales" in result.stdout
    loaded = store.load_definition(path)
    assert loaded.integrity == "intact"
    signoff = loaded.definition.signoff
    assert signoff is not None
    assert signoff.review_date == default_review_date(pinned_clock.date())
    assert f"review by: {signoff.review_date.isoformat()}" in result.stdout
    assert signoff.content_sha256 in result.stdout
    assert (signoff.marketing.name, signoff.sales.name) == ("Dana Reyes", "Sam Okafor")
    assert sorted(snapshot(tmp_path)) == ["acme/v1.toml"]

    shown = run(runner, "show", path)
    assert shown.exit_code == 0
    assert "Signature hash: intact" in shown.stdout
    assert "Dana Reyes" in shown.stdout


def test_sign_with_an_explicit_review_date(
    runner: CliRunner, tmp_path: Path, pinned_clock: datetime
) -> None:
    path = make(runner, tmp_path)
    due = pinned_clock.date() + timedelta(days=400)
    result = run(
        runner,
        "sign",
        path,
        "--marketing",
        MARKETING,
        "--sales",
        SALES,
        "--review-date",
        due.isoformat(),
    )
    assert result.exit_code == 0, result.output
    signoff = store.load_definition(path).definition.signoff
    assert signoff is not None and signoff.review_date == due


@pytest.mark.parametrize("present", ["--marketing", "--sales"])
def test_sign_refuses_one_signer(runner: CliRunner, tmp_path: Path, present: str) -> None:
    path = make(runner, tmp_path)
    before = snapshot(tmp_path)
    result = run(runner, "sign", path, present, MARKETING)
    missing = "sales" if present == "--marketing" else "marketing"
    one_error(result, 1, f"the {missing} signer is missing")
    assert snapshot(tmp_path) == before


def test_sign_refuses_a_failing_case(runner: CliRunner, tmp_path: Path) -> None:
    path = make(runner, tmp_path)
    edit(path, 'status = "nurture"', 'status = "mql"')
    before = snapshot(tmp_path)
    result = run(runner, "sign", path, "--marketing", MARKETING, "--sales", SALES)
    one_error(result, 1, "edge case(s) fail", "ceo-ebook-download")
    assert snapshot(tmp_path) == before


def test_sign_refuses_an_already_signed_file(runner: CliRunner, tmp_path: Path) -> None:
    path = make(runner, tmp_path)
    assert run(runner, "sign", path, "--marketing", MARKETING, "--sales", SALES).exit_code == 0
    before = snapshot(tmp_path)
    result = run(runner, "sign", path, "--marketing", MARKETING, "--sales", SALES)
    one_error(result, 1, "already signed")
    assert snapshot(tmp_path) == before


# --- altered after signing -----------------------------------------------------------


@pytest.fixture
def tampered(runner: CliRunner, tmp_path: Path) -> Iterator[Path]:
    path = make(runner, tmp_path)
    assert run(runner, "sign", path, "--marketing", MARKETING, "--sales", SALES).exit_code == 0
    edit(path, "min_employees = 50", "min_employees = 5")
    yield path


def test_show_reports_a_tampered_file(runner: CliRunner, tampered: Path) -> None:
    result = run(runner, "show", tampered)
    one_error(result, 1, "altered after signing", str(tampered))
    assert "Company size 5-1000 employees." in result.stdout


def test_show_json_on_a_tampered_file(runner: CliRunner, tampered: Path) -> None:
    result = run(runner, "show", tampered, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["fit"]["min_employees"] == 5
    assert "altered after signing" in result.stderr


def test_test_fails_on_a_tampered_file(runner: CliRunner, tampered: Path) -> None:
    result = run(runner, "test", tampered, "--json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["altered"] is True
    assert payload["failed"] == 0
    assert "altered after signing" in result.stderr


def test_show_a_draft(runner: CliRunner, tmp_path: Path) -> None:
    path = make(runner, tmp_path)
    result = run(runner, "show", path)
    assert result.exit_code == 0
    assert "Fit gate (must pass)" in result.stdout
    cases = len(store.load_definition(path).definition.cases)
    assert f"Edge cases: {cases}/{cases} passing" in result.stdout
    assert result.stderr == ""
    assert json.loads(run(runner, "show", path, "--json").stdout)["slug"] == "acme"


# --- bad input: exit 2, one message, nothing changed ---------------------------------


BAD_DEFINITION_EDITS = {
    "malformed": ("[fit]", "[fit", "malformed TOML"),
    "unknown-key": ('min_seniority = "director"', 'min_senority = "director"', "unknown key"),
    "wrong-type": ("threshold = 75", 'threshold = "high"', "scoring.threshold"),
    # pydantic alone reads a TOML boolean as 1 or 0 in a number's place
    "yes-no-number": ("threshold = 75", "threshold = false", "scoring.threshold: a number"),
    "unknown-stage": ('stage = "3m-10m"', 'stage = "3m-20m"', "stage"),
    "unknown-case-kind": ('kind = "blog_visit"', 'kind = "blog_read"', "kind"),
}


@pytest.mark.parametrize("command", ["show", "test", "evaluate", "sign"])
@pytest.mark.parametrize("problem", sorted(BAD_DEFINITION_EDITS))
def test_a_bad_definition_file_is_a_clean_exit_2(
    runner: CliRunner, tmp_path: Path, lead_file: Path, command: str, problem: str
) -> None:
    folder = tmp_path / "defs"
    path = make(runner, folder)
    old, new, needle = BAD_DEFINITION_EDITS[problem]
    edit(path, old, new)
    text = path.read_text(encoding="utf-8")
    line = next(
        n for n, row in enumerate(text.splitlines(), start=1) if new.split("=")[-1].strip() in row
    )
    before = snapshot(tmp_path)
    extra: list[str | Path] = []
    if command == "evaluate":
        extra = ["--lead", lead_file]
    elif command == "sign":
        extra = ["--marketing", MARKETING, "--sales", SALES]
    result = run(runner, command, path, *extra)
    message = one_error(result, 2, str(path), needle)
    # File and line are named (line and column for malformed TOML).
    assert f"{path}:" in message
    located = int(message.split(f"{path}:", 1)[1].split(":", 1)[0])
    assert abs(located - line) <= 2
    assert snapshot(tmp_path) == before


def test_unknown_activity_kind_in_a_lead_file(
    runner: CliRunner, tmp_path: Path, lead_file: Path
) -> None:
    path = make(runner, tmp_path / "defs")
    edit(lead_file, 'kind = "demo_request"', 'kind = "demo_requested"')
    before = snapshot(tmp_path)
    result = run(runner, "evaluate", path, "--lead", lead_file)
    one_error(result, 2, f"{lead_file}:14", "activities[0].kind", "demo_request")
    assert snapshot(tmp_path) == before


def test_wrong_type_in_a_lead_file(runner: CliRunner, tmp_path: Path, lead_file: Path) -> None:
    path = make(runner, tmp_path / "defs")
    edit(lead_file, "employees = 300", 'employees = "lots"')
    result = run(runner, "evaluate", path, "--lead", lead_file)
    one_error(result, 2, f"{lead_file}:9", "company.employees")


@pytest.mark.parametrize("command", ["show", "test", "sign"])
def test_missing_file(runner: CliRunner, tmp_path: Path, command: str) -> None:
    missing = tmp_path / "nope" / "v1.toml"
    result = run(runner, command, missing)
    one_error(result, 2, str(missing), "no such file")
    assert not missing.exists()


def test_missing_lead_file(runner: CliRunner, tmp_path: Path) -> None:
    path = make(runner, tmp_path)
    result = run(runner, "evaluate", path, "--lead", tmp_path / "lead.toml")
    one_error(result, 2, "lead.toml", "no such file")


@pytest.mark.parametrize("command", ["show", "test", "sign"])
def test_a_folder_instead_of_a_file(runner: CliRunner, tmp_path: Path, command: str) -> None:
    make(runner, tmp_path)
    before = snapshot(tmp_path)
    result = run(runner, command, tmp_path / "acme")
    one_error(result, 2, "is a folder")
    assert f"the latest version here is {tmp_path / 'acme' / 'v1.toml'}" in result.output
    assert snapshot(tmp_path) == before
    result = run(runner, command, tmp_path)
    one_error(result, 2, f"is a folder, expected a .toml file, such as {tmp_path}")


def test_a_folder_as_the_lead(runner: CliRunner, tmp_path: Path) -> None:
    path = make(runner, tmp_path)
    result = run(runner, "evaluate", path, "--lead", tmp_path)
    one_error(result, 2, "is a folder")


@pytest.mark.parametrize(
    "slug", ["a/b", "../x", "..", "../../etc", "x/../../y", "UPPER", "x-", "a b"]
)
def test_bad_slugs_are_refused(runner: CliRunner, tmp_path: Path, slug: str) -> None:
    folder = tmp_path / "defs"
    folder.mkdir()
    result = run(runner, "new", slug, "--stage", "pre-1m", "--dir", folder)
    one_error(result, 2, "slug")
    assert snapshot(tmp_path) == {}
    assert list(tmp_path.rglob("*.toml")) == []


def test_unknown_stage_for_new(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, "new", "acme", "--stage", "series-b", "--dir", tmp_path)
    one_error(result, 2, "unknown stage", "3m-10m")
    assert snapshot(tmp_path) == {}


def test_new_into_a_file_instead_of_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "definitions"
    blocker.write_bytes(b"keep me")
    result = run(runner, "new", "acme", "--stage", "pre-1m", "--dir", blocker)
    one_error(result, 2, "cannot write")
    assert blocker.read_bytes() == b"keep me"


@pytest.mark.parametrize(
    ("review_date", "needle"),
    [
        ("2001-01-01", "not in the future"),
        ("today", "not in the future"),
        ("2030/01/01", "YYYY-MM-DD"),
        ("next quarter", "YYYY-MM-DD"),
        ("2030-02-30", "February 2030 has 28 days"),
    ],
)
def test_bad_review_dates(
    runner: CliRunner, tmp_path: Path, review_date: str, needle: str, pinned_clock: datetime
) -> None:
    path = make(runner, tmp_path)
    if review_date == "today":
        review_date = pinned_clock.date().isoformat()
    before = snapshot(tmp_path)
    result = run(
        runner,
        "sign",
        path,
        "--marketing",
        MARKETING,
        "--sales",
        SALES,
        "--review-date",
        review_date,
    )
    one_error(result, 2, "review", needle)
    assert snapshot(tmp_path) == before


def test_signer_without_a_role(runner: CliRunner, tmp_path: Path) -> None:
    path = make(runner, tmp_path)
    before = snapshot(tmp_path)
    result = run(runner, "sign", path, "--marketing", "Dana", "--sales", SALES)
    one_error(result, 2, "Name, Role")
    assert snapshot(tmp_path) == before


def test_a_signer_with_two_commas_is_refused_rather_than_guessed(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = make(runner, tmp_path)
    before = snapshot(tmp_path)
    result = run(
        runner, "sign", path, "--marketing", "Sam Reyes, Jr., VP Marketing", "--sales", SALES
    )
    one_error(result, 2, "more than one comma", "--marketing-role")
    assert snapshot(tmp_path) == before


def test_a_role_given_apart_keeps_the_name_whole(runner: CliRunner, tmp_path: Path) -> None:
    path = make(runner, tmp_path)
    result = run(
        runner,
        "sign",
        path,
        "--marketing",
        "Sam Reyes, Jr.",
        "--marketing-role",
        "VP, Marketing",
        "--sales",
        SALES,
    )
    assert result.exit_code == 0, result.output
    signoff = store.load_definition(path).definition.signoff
    assert signoff is not None
    assert (signoff.marketing.name, signoff.marketing.role) == ("Sam Reyes, Jr.", "VP, Marketing")
    assert (signoff.sales.name, signoff.sales.role) == ("Sam Okafor", "VP Sales")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--marketing-role", "VP Marketing", "--sales", SALES], "a role needs its name"),
        (["--marketing", "Dana", "--marketing-role", " ", "--sales", SALES], "got an empty one"),
    ],
)
def test_a_role_alone_or_empty_is_refused(
    runner: CliRunner, tmp_path: Path, args: list[str], needle: str
) -> None:
    path = make(runner, tmp_path)
    before = snapshot(tmp_path)
    one_error(run(runner, "sign", path, *args), 2, needle)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "args",
    [["bogus"], ["new", "acme"], ["evaluate", "x.toml"], ["test"], ["test", "x", "--jsn"]],
)
def test_usage_errors_exit_2(runner: CliRunner, args: list[str]) -> None:
    result = run(runner, *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_evaluate_reads_a_missing_seniority_from_the_title_as_a_backtest_does(
    runner: CliRunner, tmp_path: Path
) -> None:
    """'Summer Intern, Sales' with no seniority: the backtest's loader infers intern, so
    `evaluate` does too (and says so), and both reject it on the seniority gate."""
    path = make(runner, tmp_path / "defs", stage="1m-3m")
    lead = tmp_path / "lead.toml"
    lead.write_text(
        '[person]\ntitle = "Summer Intern, Sales"\nemail = "s@acme.example"\n'
        '[company]\ndomain = "acme.example"\nemployees = 300\nindustry = "software"\n'
        'region = "europe"\n[[activities]]\nkind = "demo_request"\ndays_ago = 0\n',
        encoding="utf-8",
    )
    result = run(runner, "evaluate", path, "--lead", lead)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("rejected"), result.stdout
    assert "min_seniority" in result.stdout
    assert "seniority intern: inferred from the title" in result.stderr
