"""Evidence travels with the clause (issue 14): recorded from a proposal or by hand, kept in
the file, covered by the signature, stale once the clause changes, shown beside the clause
by show, diff, the export and lint."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.core.domain import clock
from workbench.core.domain.clause_evidence import (
    apply_proposal,
    clause_key,
    data_clauses,
    evidence_line,
    evidence_state,
    forget_evidence,
    record_evidence,
    unbacked,
)
from workbench.core.domain.clauses import with_clause
from workbench.core.domain.definition import Definition
from workbench.core.domain.describe import summary
from workbench.core.domain.diff import diff
from workbench.core.domain.errors import InputError
from workbench.core.domain.lint import lint
from workbench.core.domain.templates import from_template
from workbench.core.files import store
from workbench.core.render.export import render
from workbench.core.services.signoff import sign
from workbench.core.services.workshop import Workshop

TODAY = date(2030, 6, 1)
PERIOD = (date(2029, 7, 1), date(2030, 5, 31))
FIGURE = "min seniority vp: keeps 81% of wins (78 of 96), drops 64% of non-buyers"


@dataclass(frozen=True)
class Proposal:
    """The shape `workbench analyze` proposes (evidence.analysis.Proposal)."""

    clause: str
    value: object
    summary: str
    wins_kept: int
    wins_total: int
    others_dropped: int
    others_total: int
    lift: float | None
    period: tuple[date, date]
    source: str


SENIORITY = Proposal(
    "fit.min_seniority",
    "vp",
    FIGURE,
    78,
    96,
    120,
    187,
    2.4,
    PERIOD,
    "leads.csv + activities.csv (hubspot mapping), 2,000 leads",
)


def template(stage: str = "3m-10m") -> Definition:
    return from_template("acme", stage, TODAY)


def applied() -> Definition:
    return apply_proposal(template(), SENIORITY, on=TODAY)


# --- recording ------------------------------------------------------------------------


def test_a_proposal_sets_its_clause_and_records_its_evidence() -> None:
    before = template()
    assert before.fit.min_seniority == "director" and before.evidence == {}
    after = applied()
    assert after.fit.min_seniority == "vp"
    evidence = after.evidence["fit.min_seniority"]
    assert evidence.figure == FIGURE
    assert (evidence.wins_kept, evidence.wins_total) == (78, 96)
    assert (evidence.others_dropped, evidence.others_total) == (120, 187)
    assert evidence.lift == 2.4
    assert (evidence.period_start, evidence.period_end) == PERIOD
    assert evidence.recorded_by == "proposal" and evidence.recorded_on == TODAY
    assert evidence_state(after, "fit.min_seniority") == "current"


def test_a_proposal_for_a_value_the_clause_cannot_hold_is_refused() -> None:
    bad = Proposal("fit.min_seniority", "overlord", "x", 1, 2, 1, 2, None, PERIOD, "")
    with pytest.raises(InputError, match=r"fit\.min_seniority"):
        apply_proposal(template(), bad, on=TODAY)


def test_evidence_by_hand_keeps_the_clause_and_names_who_recorded_it() -> None:
    d = record_evidence(template(), "triggers.tier2.0", "42% of wins, 3.1x lift", on=TODAY)
    assert d.triggers == template().triggers
    assert d.evidence["triggers.tier2.0"].recorded_by == "hand"
    assert "recorded by hand, 2030-06-01" in evidence_line(d, "triggers.tier2.0")


@pytest.mark.parametrize(
    "clause", ["fit.nope", "fit.model_config", "name", "signoff", "triggers.tier2.99", ""]
)
def test_evidence_for_no_such_clause_is_refused_with_the_field(clause: str) -> None:
    with pytest.raises(InputError) as caught:
        record_evidence(template(), clause, "a figure", on=TODAY, field="--clause")
    assert caught.value.problems[0].field == "--clause"
    assert "no clause" in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"wins_kept": 97, "wins_total": 96}, "more than its total"),
        ({"period": (date(2030, 5, 1), date(2030, 1, 1))}, "after it ends"),
        ({"lift": -1.0}, "greater than or equal"),
    ],
)
def test_evidence_that_cannot_be_true_is_refused(kwargs: dict[str, Any], says: str) -> None:
    with pytest.raises(InputError, match=says):
        record_evidence(template(), "fit.min_seniority", "a figure", on=TODAY, **kwargs)


def test_a_blank_figure_is_refused() -> None:
    with pytest.raises(InputError, match="figure"):
        record_evidence(template(), "fit.min_seniority", "   ", on=TODAY)


def test_a_segment_is_named_by_its_id_so_a_reorder_keeps_the_evidence() -> None:
    d = template("10m-30m")
    first = d.segments[0].id
    assert clause_key(d, "segments.0.min_employees") == f"segments.{first}.min_employees"
    recorded = record_evidence(d, "segments.0.min_employees", "size band from wins", on=TODAY)
    assert f"segments.{first}.min_employees" in recorded.evidence


def test_withdrawing_evidence_removes_only_that_clause() -> None:
    d = record_evidence(applied(), "triggers.tier1", "70% of wins asked for a demo", on=TODAY)
    assert list(forget_evidence(d, "fit.min_seniority").evidence) == ["triggers.tier1"]


# --- the file and the signature ------------------------------------------------------------


def test_evidence_is_written_and_read_back_byte_for_byte(tmp_path: Path) -> None:
    path = store.create(applied(), tmp_path)
    text = path.read_text(encoding="utf-8")
    assert '[evidence."fit.min_seniority"]' in text
    assert 'for_value = "\\"vp\\""' in text
    loaded = store.load_definition(path).definition
    assert loaded.evidence == applied().evidence
    assert store.to_toml(loaded) == text


def test_a_file_without_evidence_writes_no_evidence_key(tmp_path: Path) -> None:
    path = store.create(template(), tmp_path)
    assert "evidence" not in path.read_text(encoding="utf-8")


def _signed(definition: Definition, folder: Path) -> store.DefinitionFile:
    path = store.create(definition, folder)
    now = datetime(2030, 6, 1, 10, 0, tzinfo=UTC)
    sign(store.load_definition(path), "Dana, VP Marketing", "Sam, VP Sales", None, now)
    return store.load_definition(path)


def test_the_signature_covers_the_evidence(tmp_path: Path) -> None:
    backed = record_evidence(
        template(), "fit.min_seniority", FIGURE, on=TODAY, wins_kept=78, wins_total=96
    )
    signed = _signed(backed, tmp_path)
    assert signed.integrity == "intact"
    text = signed.path.read_text(encoding="utf-8")
    signed.path.write_text(text.replace("(78 of 96)", "(95 of 96)"), encoding="utf-8")
    assert store.load_definition(signed.path).integrity == "altered"


def test_the_evidence_value_ignores_clauses_added_later_at_their_default() -> None:
    """A tier 2 rule dumps `together` (added later) only once set: evidence recorded before
    such a field existed must not read as stale when it appears at its default."""
    d = record_evidence(template(), "triggers.tier2.0", "42% of wins", on=TODAY)
    assert "together" not in d.evidence["triggers.tier2.0"].for_value
    assert evidence_state(d, "triggers.tier2.0") == "current"


# --- stale ------------------------------------------------------------------------------


def test_editing_the_clause_keeps_its_evidence_but_marks_it_stale() -> None:
    edited = with_clause(applied(), "fit.min_seniority", "manager")
    assert edited.evidence == applied().evidence
    assert evidence_state(edited, "fit.min_seniority") == "stale"
    assert "STALE: measured for vp, the clause is now manager" in evidence_line(
        edited, "fit.min_seniority"
    )
    back = with_clause(edited, "fit.min_seniority", "vp")
    assert evidence_state(back, "fit.min_seniority") == "current"


def test_stale_evidence_on_a_whole_clause_table_names_what_changed_not_its_json() -> None:
    """A review records its note on the whole fit gate; after any fit edit the note said
    'measured for {"competitors": [...], ...}' twice over, 40 lines at 80 columns."""
    d = record_evidence(template(), "fit", "reviewed 2025Q4: no change called for", on=TODAY)
    edited = with_clause(d, "fit.industries", ["software", "retail"])
    edited = with_clause(edited, "fit.regions", ["europe"])
    line = evidence_line(edited, "fit")
    assert line.endswith("STALE: measured before industries, regions changed")
    assert "{" not in line
    stale = [f for f in lint(edited, today=TODAY) if f.rule == "evidence-stale"]
    assert stale[0].message.endswith("was recorded before industries, regions changed")
    assert "{" not in stale[0].message


def test_stale_evidence_on_the_tier_2_rules_names_the_rules_not_their_json() -> None:
    """A facilitator saw 'STALE: measured for [{"kind":"case_study_view","min_count":2,…'
    on Sign-off, the Triggers step, lint and `show` after changing one tier 2 window."""
    d = record_evidence(template(), "triggers.tier2", "the wins' patterns", on=TODAY)
    rules = [rule.model_dump() for rule in d.triggers.tier2]
    rules[0]["within_days"] += 7
    edited = with_clause(d, "triggers.tier2", rules)
    first = d.triggers.tier2[0]
    name = " ".join([first.kind, *first.together]).replace("_", " ")
    line = evidence_line(edited, "triggers.tier2")
    assert "{" not in line and "STALE: measured before " in line
    said = line.split("STALE: measured before ", 1)[1]
    assert said.replace("+", " ") == f"{name} changed"
    stale = [f for f in lint(edited, today=TODAY) if f.rule == "evidence-stale"]
    assert stale and "{" not in stale[0].message
    reordered = with_clause(d, "triggers.tier2", [r.model_dump() for r in d.triggers.tier2][::-1])
    assert evidence_line(reordered, "triggers.tier2").endswith(
        "STALE: measured before the rules' order changed"
    )


def test_a_proposals_figure_is_not_followed_by_the_same_counts_again() -> None:
    """'keeps 81% of wins (78 of 96) … wins kept 78 of 96 (81%)' said the wins twice."""
    from workbench.core.domain.clause_evidence import evidence_text

    text = evidence_text(applied().evidence["fit.min_seniority"])
    assert text.count("78 of 96") == 1
    assert "non-buyers dropped 120 of 187 (64%)" in text  # not in the figure: kept
    assert "lift 2.4x" in text


def test_evidence_for_a_clause_that_is_gone_says_so() -> None:
    d = record_evidence(template(), "triggers.tier2.2", "a third rule's figure", on=TODAY)
    shorter = with_clause(d, "triggers.tier2", [r.model_dump() for r in d.triggers.tier2[:2]])
    assert evidence_state(shorter, "triggers.tier2.2") == "gone"
    assert "no longer exists" in evidence_line(shorter, "triggers.tier2.2")


# --- lint ---------------------------------------------------------------------------------


def test_every_fit_and_trigger_criterion_wants_evidence() -> None:
    d = template()
    clauses = data_clauses(d)
    assert "fit.min_seniority" in clauses and "triggers.tier2.0" in clauses
    assert "fit.competitors" not in clauses  # a market fact, not a finding from wins
    assert "triggers.route" not in clauses
    assert "fit.min_seniority" not in unbacked(applied())
    # Evidence for a table backs what is in it.
    whole = record_evidence(d, "triggers.tier2", "every rule from the analysis", on=TODAY)
    assert not any(c.startswith("triggers.tier2") for c in unbacked(whole))


def test_lint_asks_for_evidence_only_with_a_lead_history() -> None:
    d = applied()
    without = lint(d, today=TODAY)
    assert not [f for f in without if f.rule == "clause-without-evidence"]
    found = [f for f in lint(d, today=TODAY, lead_history=True)]
    missing = [f.clause for f in found if f.rule == "clause-without-evidence"]
    assert missing == unbacked(d) and "fit.min_seniority" not in missing
    assert "fit.industries" in missing
    first = next(f for f in found if f.clause == "fit.industries")
    assert first.severity == "warning"
    assert "fit.industries has no evidence" in first.message


def test_lint_warns_about_stale_evidence_naming_the_clause() -> None:
    edited = with_clause(applied(), "fit.min_seniority", "manager")
    stale = [f for f in lint(edited, today=TODAY) if f.rule == "evidence-stale"]
    assert [(f.clause, f.severity) for f in stale] == [("fit.min_seniority", "warning")]
    assert "recorded for vp" in stale[0].message


# --- shown beside the clause -----------------------------------------------------------------


def test_show_puts_the_evidence_under_its_section() -> None:
    sections = dict(summary(applied()))
    assert any(FIGURE in line for line in sections["Fit gate (must pass)"])
    assert not any(FIGURE in line for line in sections["Triggers (any one of)"])
    assert "Evidence for other clauses" not in sections
    other = record_evidence(applied(), "scoring.threshold", "threshold from wins", on=TODAY)
    assert dict(summary(other))["Evidence for other clauses"][0].startswith("scoring.threshold")


def test_diff_shows_evidence_beside_the_change_it_backs() -> None:
    old = template()
    changes = diff(old, applied())
    clauses = [c.clause for c in changes]
    at = clauses.index("fit.min_seniority")
    assert clauses[at + 1] == "evidence.fit.min_seniority"
    # Recorded in the same diff: the figure is said once, on the evidence line after it.
    assert FIGURE not in changes[at].text and FIGURE in changes[at + 1].text
    assert sum(c.text.count(FIGURE) for c in changes) == 1
    # Recorded earlier (stale then, current now the clause takes its value): said beside it.
    back = diff(with_clause(applied(), "fit.min_seniority", "manager"), applied())
    assert [c.clause for c in back] == ["fit.min_seniority"]
    assert f"(evidence: {FIGURE})" in back[0].text
    stale = diff(applied(), with_clause(applied(), "fit.min_seniority", "manager"))
    assert [c.clause for c in stale] == ["fit.min_seniority"]
    assert "its evidence is stale: measured for vp" in stale[0].text


def test_diff_words_a_new_and_a_withdrawn_figure() -> None:
    new = record_evidence(applied(), "fit.min_seniority", "a newer figure", on=TODAY)
    assert [c.text for c in diff(applied(), new)] == [
        f"evidence for fit.min_seniority: {FIGURE} → a newer figure"
    ]
    gone = forget_evidence(applied(), "fit.min_seniority")
    assert [c.text for c in diff(applied(), gone)] == [
        f"evidence for fit.min_seniority: withdrawn (was {FIGURE})"
    ]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_agreement_carries_the_evidence_in_the_fit_section(tmp_path: Path, fmt: Any) -> None:
    d = record_evidence(
        applied(), "triggers.tier1", "70% of wins <b>asked</b> for a demo", on=TODAY
    )
    path = store.create(d, tmp_path)
    text = render(store.load_definition(path), fmt)
    fit_at = text.index("Fit gate (must pass)")
    triggers_at = text.index("AND any one of these triggers")
    assert fit_at < text.index("keeps 81% of wins") < triggers_at
    assert triggers_at < text.index("70% of wins")
    if fmt == "html":
        assert "<b>asked</b>" not in text and "&lt;b&gt;asked&lt;/b&gt;" in text


# --- the command line -------------------------------------------------------------------------


def _draft(tmp_path: Path) -> Path:
    return store.create(template(), tmp_path / "defs")


def test_cli_records_evidence_by_hand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    path = _draft(tmp_path)
    result = CliRunner().invoke(
        app,
        [
            "evidence",
            str(path),
            "--clause",
            "fit.min_seniority",
            "--note",
            "78 of 96 wins were director or above",
            "--from",
            "2029-07-01",
            "--to",
            "2030-05-31",
            "--source",
            "CRM export, June",
        ],
    )
    assert result.exit_code == 0, result.output
    evidence = store.load_definition(path).definition.evidence["fit.min_seniority"]
    assert evidence.figure == "78 of 96 wins were director or above"
    assert (evidence.period_start, evidence.period_end) == PERIOD
    assert evidence.source == "CRM export, June" and evidence.recorded_on == TODAY
    listed = CliRunner().invoke(app, ["evidence", str(path)])
    assert listed.exit_code == 0
    assert "fit.min_seniority: 78 of 96 wins" in listed.output
    assert "Without evidence: fit: min_employees" in listed.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--clause", "fit.nope", "--note", "x"], "no clause 'fit.nope'"),
        (["--note", "x"], "--note needs --clause"),
        (["--clause", "fit.min_seniority"], "need --note"),
        (["--clause", "fit.min_seniority", "--note", "x", "--from", "2030-01-01"], "together"),
        (["--clause", "fit.min_seniority", "--note", "x", "--from", "May", "--to", "x"], "date"),
    ],
)
def test_cli_bad_evidence_is_one_message_and_exit_2(
    tmp_path: Path, args: list[str], says: str
) -> None:
    path = _draft(tmp_path)
    before = path.read_bytes()
    result = CliRunner().invoke(app, ["evidence", str(path), *args])
    assert result.exit_code == 2
    assert says in result.output and "Traceback" not in result.output
    assert path.read_bytes() == before


def test_cli_refuses_to_record_evidence_in_a_signed_version(tmp_path: Path) -> None:
    signed = _signed(template(), tmp_path / "defs")
    before = signed.path.read_bytes()
    result = CliRunner().invoke(
        app, ["evidence", str(signed.path), "--clause", "fit.regions", "--note", "x"]
    )
    assert result.exit_code == 1
    assert "signed version" in result.output
    assert signed.path.read_bytes() == before


def test_lint_and_check_ask_for_evidence_when_the_folder_has_a_lead_history(
    tmp_path: Path,
) -> None:
    path = _draft(tmp_path)
    runner = CliRunner()
    assert "clause-without-evidence" not in runner.invoke(app, ["lint", str(path)]).output
    assert (
        "clause-without-evidence"
        not in runner.invoke(app, ["check", str(path.parent.parent)]).output
    )
    (tmp_path / "defs" / "evidence.toml").write_text(
        'leads = "leads.csv"\nactivities = "activities.csv"\n', encoding="utf-8"
    )
    linted = runner.invoke(app, ["lint", str(path)])
    assert linted.exit_code == 0  # a warning, not an error
    assert "WARNING clause-without-evidence fit.industries" in linted.output
    checked = runner.invoke(app, ["check", str(path.parent.parent)])
    assert "clause-without-evidence: fit.industries has no evidence" in checked.output
    # Its advice once, under the first clause, not once per clause.
    for output in (linted.output, checked.output):
        assert output.count("accept a proposal from `workbench analyze`") == 1, output
        assert output.count("has no evidence") > 1


def test_signed_before_files_are_untouched_by_the_new_clause() -> None:
    """The five signed fixtures carry no evidence and still write no evidence key."""
    root = Path(__file__).parent / "data" / "signed-before-17"
    for path in sorted(root.glob("*/v1.toml")):
        loaded = store.load_definition(path)
        assert loaded.definition.evidence == {}
        assert loaded.integrity == "intact"


def test_the_period_is_optional_and_shown_when_given() -> None:
    d = record_evidence(
        template(), "fit.industries", "9 of 10 wins in software", on=TODAY, period=PERIOD
    )
    assert "2029-07-01 to 2030-05-31" in evidence_line(d, "fit.industries")
    plain = record_evidence(template(), "fit.industries", "9 of 10 wins in software", on=TODAY)
    assert " to " not in evidence_line(plain, "fit.industries")


def test_the_readme_evidence_example_is_valid_and_current_for_its_clause() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = next(
        b for b in re.findall(r"```toml\n(.*?)```", readme, flags=re.S) if "[evidence." in b
    )
    data = template().model_dump()
    data["evidence"] = tomllib.loads(block)["evidence"]
    d = Definition.model_validate(data)
    assert evidence_state(d, "fit.min_seniority") == "current"


# --- the workshop (the app's editing session) ------------------------------------------------


def test_the_workshop_applies_a_proposal_as_one_edit_and_reports_flips(tmp_path: Path) -> None:

    workshop = Workshop.open(store.create(template(), tmp_path))
    result = workshop.apply_proposal(SENIORITY, TODAY)
    assert result.ok and result.changed
    assert workshop.definition.evidence["fit.min_seniority"].recorded_by == "proposal"
    assert result.flips, "vp and above flips the template's director-level cases"
    refused = workshop.record_evidence("fit.nope", "x", TODAY)
    assert not refused.ok and "no clause 'fit.nope'" in refused.errors[0]
    assert workshop.record_evidence("fit.industries", "9 of 10 wins", TODAY, source="crm").ok
    assert workshop.definition.evidence["fit.industries"].source == "crm"


def test_a_signed_workshop_takes_no_proposal(tmp_path: Path) -> None:

    signed = _signed(template(), tmp_path)
    workshop = Workshop(signed)
    result = workshop.apply_proposal(SENIORITY, TODAY)
    assert not result.ok and "signed" in result.errors[0]
    assert workshop.definition.evidence == {}


def test_the_clauses_without_evidence_are_grouped_by_their_gate() -> None:
    """A $10-30M definition listed 15 clause paths on Sign-off, one per clause."""
    from workbench.core.domain.clause_evidence import data_clauses, unbacked, unbacked_words

    d = from_template("globex", "10m-30m", TODAY)
    words = unbacked_words(d)
    fit = [p for p in data_clauses(d) if p.startswith("fit.")]
    assert f"fit (all {len(fit)})" in words.split("; ")
    assert words.count("segments.smb.fit") == 1 and "segments.smb.fit." not in words
    backed = record_evidence(d, "fit.min_seniority", "78 of 96 wins", on=TODAY)
    words = unbacked_words(backed)
    listed = next(part for part in words.split("; ") if part.startswith("fit: "))
    assert listed.removeprefix("fit: ").split(", ") == [
        p.removeprefix("fit.") for p in unbacked(backed) if p.startswith("fit.")
    ]
    assert "min_seniority" not in listed


def test_a_segment_named_fit_is_grouped_by_its_own_tables() -> None:
    """Grouping by the word "fit" in a path merged a segment with the id `fit` into one."""
    from workbench.core.domain.clause_evidence import unbacked_words

    data = from_template("globex", "10m-30m", TODAY).model_dump(mode="json")
    next(s for s in data["segments"] if s["id"] == "smb")["id"] = "fit"
    words = unbacked_words(Definition.model_validate(data))
    assert "segments.fit.fit (all " in words and "segments.fit.triggers (all " in words
