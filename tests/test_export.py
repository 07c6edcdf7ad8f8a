"""`workbench export` and `workbench schema`: the written agreement and the file's schema.

The HTML page must stand alone (print it, mail it, archive it): inline style, no scripts, no
external references, and every piece of text from the file escaped.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.cli_steps import one_error, run
from workbench.core.domain.definition import Definition, OpenQuestion, PartialSignOff, Signer
from workbench.core.domain.templates import from_template
from workbench.core.files import store
from workbench.core.render.export import md_escape
from workbench.core.services.signoff import sign

NOW = datetime(2025, 2, 10, 15, 30, tzinfo=UTC)
REVIEW = date(2025, 6, 30)
MARKETING = "Dana Reyes, VP Marketing"
SALES = "Sam Ortiz, VP Sales"
HOSTILE = 'Acme <script>alert("x")</script> & <b>bold</b> | pipe'


def make(folder: Path, stage: str = "3m-10m", **changes: object) -> Path:
    definition = from_template("acme", stage, date(2025, 1, 6))
    definition = Definition.model_validate({**definition.model_dump(), **changes})
    return store.create(definition, folder)


def signed(folder: Path, stage: str = "3m-10m", **changes: object) -> Path:
    path = make(folder, stage, **changes)
    sign(store.load_definition(path), MARKETING, SALES, REVIEW, NOW)
    return path


def export(runner: CliRunner, path: Path, fmt: str, *more: str | Path) -> Result:
    return run(runner, "export", path, "--format", fmt, *more)


# --- Markdown ------------------------------------------------------------------------


def test_markdown_is_the_whole_agreement(runner: CliRunner, tmp_path: Path) -> None:
    path = signed(tmp_path)
    definition = store.load_definition(path).definition
    result = export(runner, path, "md")
    assert result.exit_code == 0, result.output
    md = result.stdout
    assert md.startswith(f"# {md_escape(definition.name)}\n")  # "\$3-10M": not math
    assert "A contact becomes an MQL when" in md
    for heading in (
        "### Fit gate (must pass)",
        "### AND any one of these triggers",
        "### Scoring",
        "### Recycling and review",
        "## Service-level agreement",
        "### Marketing commits to",
        "### Sales commits to",
        "### Response time by trigger",
        "### Escalation",
        "## Edge cases and agreed outcomes",
        "## Open questions",
        "## Sign-off",
        "## Integrity",
    ):
        assert f"\n{heading}\n" in md, heading
    for case in definition.cases:
        assert f"| {case.name} |" in md
    assert "| Marketing | Dana Reyes | VP Marketing | 2025-02-10 15:30 UTC |" in md
    assert "| Sales | Sam Ortiz | VP Sales | 2025-02-10 15:30 UTC |" in md
    assert "Review date: 2025-06-30." in md
    assert "| demo\\_request" not in md  # underscores are left readable
    assert "| demo_request | 5 min |" in md
    assert "Missed deadlines escalate to SDR manager" in md
    assert definition.signoff is not None
    assert definition.signoff.content_sha256 in md
    assert "State: intact" in md
    assert result.stderr == ""


def test_markdown_tables_are_well_formed(runner: CliRunner, tmp_path: Path) -> None:
    md = export(runner, signed(tmp_path), "md").stdout
    blocks = re.findall(r"(?:^\|.*\|\n)+", md, flags=re.MULTILINE)
    assert len(blocks) >= 5
    for block in blocks:
        rows = block.strip().splitlines()
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, block
        assert set(rows[1].replace("|", "").split()) == {"---"}


def test_a_draft_says_it_is_not_signed(runner: CliRunner, tmp_path: Path) -> None:
    result = export(runner, make(tmp_path), "md")
    assert result.exit_code == 0
    assert "> **Note:** Draft: not an agreement yet." in result.stdout
    assert "Not signed yet." in result.stdout
    assert "no signed content hash" in result.stdout


def test_segments_and_motions_are_in_the_agreement(runner: CliRunner, tmp_path: Path) -> None:
    md = export(runner, make(tmp_path / "a", "10m-30m"), "md").stdout
    assert "### Segment SMB" in md or "### Segment smb" in md
    assert "Segments below apply their own rules" in md
    assert "responds faster or slower" in md
    md = export(runner, make(tmp_path / "b", "30m-plus"), "md").stdout
    assert "### Motion Product-led PQL" in md
    assert "Produces PQLs." in md


def test_open_and_resolved_questions(runner: CliRunner, tmp_path: Path) -> None:
    questions = [
        OpenQuestion(text="Are agencies in our ICP?", raised_by="Sam Ortiz"),
        OpenQuestion(text="Do trials count?", resolved=True, answer="Only with usage."),
    ]
    md = export(runner, make(tmp_path, questions=questions), "md").stdout
    assert "- Are agencies in our ICP? (raised by Sam Ortiz)" in md
    assert "- Do trials count? Answer: Only with usage." in md


def test_markdown_escapes_what_would_become_markup(runner: CliRunner, tmp_path: Path) -> None:
    md = export(runner, make(tmp_path, name=HOSTILE), "md").stdout
    assert "<script>" not in md
    assert "\\<script\\>" in md
    assert "\\| pipe" in md
    assert md_escape("# not a heading") == "\\# not a heading"
    assert md_escape("1. not a list") == "1\\. not a list"
    assert md_escape("line\nbreak") == "line break"


def test_a_draft_signed_by_one_side_says_who_is_missing(runner: CliRunner, tmp_path: Path) -> None:
    definition = from_template("acme", "3m-10m", date(2025, 1, 6))
    marketing = Signer(
        name="Dana Reyes",
        role="VP Marketing",
        signed_at=NOW,
        principal="dana@acme.example",
        ssh_signature="-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n",
    )
    partial = PartialSignOff(
        review_date=REVIEW,
        content_sha256=store.content_hash(definition, REVIEW),
        marketing=marketing,
    )
    path = store.create(
        Definition.model_validate({**definition.model_dump(), "partial_signoff": partial}),
        tmp_path,
    )
    md = export(runner, path, "md").stdout
    assert "Not signed yet." in md
    assert (
        "Signed so far: marketing, Dana Reyes (VP Marketing) on 2025-02-10; waiting for sales."
        in md
    )
    assert partial.content_sha256 in md
    assert "State: intact" in md


# --- HTML ----------------------------------------------------------------------------


def test_html_is_one_self_contained_printable_page(runner: CliRunner, tmp_path: Path) -> None:
    path = signed(tmp_path)
    result = export(runner, path, "html")
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<html") == 1 and page.rstrip().endswith("</html>")
    assert "<style>" in page and "@media print" in page
    assert "<script" not in page.lower()
    assert not re.search(r"https?://", page.replace("https://json-schema.org", ""))
    for external in ("<link", "src=", "@import", "url(", "<iframe", "<img"):
        assert external not in page.lower(), external
    definition = store.load_definition(path).definition
    for case in definition.cases:
        assert f"<td>{case.name}</td>" in page
    assert "<td>Dana Reyes</td>" in page and "<td>Sam Ortiz</td>" in page
    assert "Review date: 2025-06-30." in page


def test_html_escapes_every_piece_of_text(runner: CliRunner, tmp_path: Path) -> None:
    path = make(tmp_path, name=HOSTILE)
    definition = store.load_definition(path).definition
    definition.cases[0].why = "<img src=x onerror=alert(1)>"
    definition.questions = [OpenQuestion(text="</td><script>bad()</script>")]
    store.save(definition, path, store.file_sha256(path))
    page = export(runner, path, "html").stdout
    assert "<script" not in page.lower()
    assert "<img" not in page
    assert "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<title>Acme &lt;script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_html_marks_a_draft(runner: CliRunner, tmp_path: Path) -> None:
    page = export(runner, make(tmp_path), "html").stdout
    assert '<div class="notice" role="note">Draft: not an agreement yet.' in page


# --- JSON ----------------------------------------------------------------------------


def test_json_is_the_full_model_and_round_trips(runner: CliRunner, tmp_path: Path) -> None:
    path = signed(tmp_path, "10m-30m")
    result = export(runner, path, "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert Definition.model_validate(payload) == store.load_definition(path).definition
    assert set(payload) == set(Definition.model_fields)


# --- --out ---------------------------------------------------------------------------


def test_out_writes_a_file_and_nothing_to_stdout(runner: CliRunner, tmp_path: Path) -> None:
    path = signed(tmp_path / "definitions")
    out = tmp_path / "agreement.html"
    result = export(runner, path, "html", "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_out_refuses_to_replace_a_file_unless_forced(runner: CliRunner, tmp_path: Path) -> None:
    path = signed(tmp_path / "definitions")
    out = tmp_path / "agreement.md"
    out.write_text("keep me", encoding="utf-8")
    one_error(export(runner, path, "md", "--out", out), 1, str(out), "--force")
    assert out.read_text(encoding="utf-8") == "keep me"
    result = export(runner, path, "md", "--out", out, "--force")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# ")


@pytest.mark.parametrize("target", ["source", "other toml", "folder"])
def test_out_never_writes_over_a_definition_or_a_folder(
    runner: CliRunner, tmp_path: Path, target: str
) -> None:
    path = signed(tmp_path)
    other = make(tmp_path / "more")
    out = {"source": path, "other toml": other, "folder": tmp_path}[target]
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    result = export(runner, path, "json", "--out", out, "--force")
    one_error(result, 2, str(out))
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_a_truncated_file_is_one_error_and_nothing_written(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = signed(tmp_path / "definitions")
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    out = tmp_path / "agreement.html"
    result = export(runner, path, "html", "--out", out)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert str(path) in result.stderr
    assert not out.exists()


def test_an_altered_signed_file_is_exported_marked_and_exits_1(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = signed(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace("threshold = 75", "threshold = 60", 1),
        encoding="utf-8",
    )
    result = export(runner, path, "md")
    assert "> **Warning:** ALTERED AFTER SIGNING" in result.stdout
    assert "State: ALTERED" in result.stdout
    one_error(result, 1, str(path), "altered after signing")


def test_unknown_format_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = export(runner, make(tmp_path), "pdf")
    assert result.exit_code == 2
    assert "pdf" in result.output


# --- schema --------------------------------------------------------------------------


def test_schema_is_the_definition_files_json_schema(runner: CliRunner) -> None:
    result = run(runner, "schema")
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "MQL workbench definition file"
    assert {"fit", "triggers", "sla", "cases", "signoff"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False
    assert "slug" in schema["required"]


def test_schema_accepts_how_toml_says_switched_off(runner: CliRunner) -> None:
    """The files write 0 and false for 'off' (TOML has no null); editors must accept them."""
    defs = json.loads(run(runner, "schema").stdout)["$defs"]
    assert {"const": 0} in defs["Scoring"]["properties"]["window_days"]["anyOf"]
    assert {"const": 0} in defs["ReviewRule"]["properties"]["min_low_intent_actions"]["anyOf"]
    assert {"const": False} in defs["Sla"]["properties"]["escalation"]["anyOf"]


def test_schema_for_a_lead_file(runner: CliRunner) -> None:
    result = run(runner, "schema", "lead")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "MQL workbench lead file"
    assert {"person", "company", "activities"} <= set(schema["properties"])
    assert run(runner, "schema", "nonsense").exit_code == 2


def test_the_agreement_says_which_reading_of_the_material_it_follows(
    runner: CliRunner, tmp_path: Path
) -> None:
    md = export(runner, make(tmp_path), "md").stdout
    assert "\n### Where the material disagrees\n" in md
    assert "Hand raise: this follows the framework (001)" in md
    assert "the scoring article (002) scores a demo request +30" in md
    assert "Acceptance bands: this follows the framework (001): 40-60% accepted" in md
    assert "60-75% SAL acceptance" in md
    html_text = export(runner, make(tmp_path / "h"), "html").stdout
    assert "Where the material disagrees" in html_text


def test_the_agreement_lists_a_business_day_response_time(
    runner: CliRunner, tmp_path: Path
) -> None:
    md = export(runner, make(tmp_path), "md").stdout
    assert "| content-triggered (any content kind) | 1 business day |" in md
