"""The written agreement: one definition as a document both sides can read, print and file.

The framework asks that "both sides must agree in writing (a shared doc, not a verbal
agreement)". This renders a definition file as that document: the definition in plain
sentences, the SLA each side commits to, the edge cases with their agreed outcomes, open
questions, signers, the review date and whether the content still matches what was signed.

The content is built once as a small document model (headings, paragraphs, lists, tables)
and rendered to Markdown or HTML, so both formats always say the same thing. The sentences
come from `describe`, the same ones `workbench show` and the TUI use.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any, Literal

from workbench.core.domain.clause_evidence import evidence_lines, other_evidence_lines
from workbench.core.domain.definition import Definition, EdgeCase, Sla
from workbench.core.domain.describe import (
    fit_sentences,
    scoring_sentences,
    summary,
    trigger_sentences,
)
from workbench.core.domain.diff import expectation_text
from workbench.core.domain.framework import response_entries, volume_words
from workbench.core.domain.lead import Lead
from workbench.core.domain.safe_text import printable
from workbench.core.domain.stages import STAGES
from workbench.core.domain.suite import run_suite
from workbench.core.files.store import DefinitionFile

Format = Literal["md", "html", "json"]
SchemaKind = Literal["definition", "lead"]


# --- the document model -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]


Block = str | Bullets | Table  # a str is a paragraph


@dataclass(slots=True)
class Section:
    heading: str
    level: int = 2
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    subtitle: str
    notice: str | None  # drafts and altered files say so before anything else
    alarm: bool  # the notice is a warning (altered), not just information (draft)
    sections: tuple[Section, ...]
    footer: str


# --- building the agreement ---------------------------------------------------------


def agreement(loaded: DefinitionFile) -> Document:
    """The whole written agreement for one definition file."""
    d = loaded.definition
    stage = STAGES[d.stage]
    subtitle = f"{d.slug} v{d.version} · {d.status} · {stage.label} · created {d.created}"
    if d.supersedes:
        subtitle += f" · supersedes v{d.supersedes}"
    sections = [
        *_definition_sections(d),
        *_sla_sections(d),
        _cases_section(d),
        _questions_section(d),
        _signoff_section(d),
        _integrity_section(loaded),
    ]
    return Document(
        title=d.name,
        subtitle=subtitle,
        notice=_notice(loaded),
        alarm=loaded.altered,
        sections=tuple(sections),
        footer=f"Exported by mql-workbench from {d.slug}/v{d.version}.toml.",
    )


def _notice(loaded: DefinitionFile) -> str | None:
    if loaded.altered:
        return (
            "ALTERED AFTER SIGNING: this content no longer matches the hash both sides signed, "
            "so it is not what was agreed. Restore the signed file, or make the change as a "
            "new version and sign that."
        )
    if not loaded.definition.is_signed:
        return "Draft: not an agreement yet. It becomes one when marketing and sales both sign it."
    return None


def _definition_sections(d: Definition) -> list[Section]:
    """'A contact becomes an MQL when ...', then the fit gate AND any one of the triggers."""
    described = dict(summary(d))
    intro = [
        "A contact becomes an MQL when they pass every part of the fit gate AND do any one of "
        "the triggers below. A tier 1 trigger (a direct request to talk to sales) needs no "
        "score: the fit gate still applies.",
        f"Stage {STAGES[d.stage].label}: {STAGES[d.stage].approach}",
    ]
    if d.segments:
        intro.append(
            "Segments below apply their own rules where they have them; otherwise these apply."
        )
    if d.motions:
        intro.append("Each motion below is its own definition; where it has no rule, these apply.")
    sections = [
        Section("The definition", blocks=list(intro)),
        Section(
            "Fit gate (must pass)",
            3,
            [Bullets(tuple(fit_sentences(d.fit))), *_evidence_blocks(d, "fit")],
        ),
        Section(
            "AND any one of these triggers",
            3,
            [
                Bullets(tuple(trigger_sentences(d.triggers, d.scoring))),
                *_evidence_blocks(d, "triggers"),
            ],
        ),
        Section("Scoring", 3, [Bullets(tuple(scoring_sentences(d.scoring)))]),
        Section("Recycling and review", 3, [Bullets(tuple(described["Recycling and review"]))]),
        Section(
            "Where the material disagrees",
            3,
            [Bullets(tuple(described["Where the material disagrees"]))],
        ),
    ]
    for heading, lines in described.items():
        if heading.startswith(("Segment ", "Motion ")):
            sections.append(Section(heading, 3, [Bullets(tuple(lines))]))
    other = other_evidence_lines(d)
    if other:
        sections.append(Section("Evidence for other clauses", 3, [Bullets(tuple(other))]))
    return sections


def _evidence_blocks(d: Definition, prefix: str) -> list[Block]:
    """The data behind the clauses under `prefix`, beside them: 'can you show the data?'"""
    lines = evidence_lines(d, prefix)
    return ["The data behind these clauses:", Bullets(tuple(lines))] if lines else []


_TIER_LABELS = {
    "tier1": "any other tier 1 trigger",
    "tier2": "any other tier 2 trigger",
    "tier3": "score threshold (tier 3)",
    "tier4": "sales-requested (tier 4)",
    "content": "content-triggered (any content kind)",
}


def trigger_label(key: str) -> str:
    """Response-time keys are activity kinds, or a tier as the fallback for that tier."""
    return _TIER_LABELS.get(key, key)


def _response_rows(
    minutes: dict[str, int] | None, days: dict[str, int] | None
) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (trigger_label(key), value.text()) for key, value in response_entries(minutes, days)
    )


def _sla_sections(d: Definition) -> list[Section]:
    """Both sides' commitments as the framework's tables, then response times and escalation."""
    sla = d.sla
    described = dict(summary(d))
    marketing = Table(
        ("Commitment", "Standard"),
        (
            ("MQL quality", f"≥ {sla.marketing.quality_pct}% of MQLs meet the fit criteria"),
            ("MQL volume", volume_words(sla.marketing.monthly_volume)),
            ("Data completeness", "every MQL has " + ", ".join(sla.marketing.required_fields)),
            ("Notification", f"sales notified within {sla.marketing.notify_seconds} s of the MQL"),
        ),
    )
    sections = [
        Section(
            "Service-level agreement",
            blocks=[
                "Marketing commits to delivering MQLs that meet this definition; sales commits "
                "to following them up within the agreed times."
            ],
        ),
        Section("Marketing commits to", 3, [marketing]),
        Section("Sales commits to", 3, [_sales_table(sla)]),
        Section("Response time by trigger", 3, _response_blocks(d)),
        Section("Escalation", 3, [described["SLA"][-1]]),
    ]
    return sections


def _sales_table(sla: Sla) -> Table:
    reasons = ", ".join(sla.sales.rejection_reasons) or "none agreed yet"
    return Table(
        ("Commitment", "Standard"),
        (
            ("Response time", "first outreach within the time for its trigger (below)"),
            (
                "Acceptance or rejection",
                f"accept or reject within {sla.sales.decide_within_hours} h, with a reason",
            ),
            (
                "Follow-up",
                f"{sla.sales.follow_up_touches} touches within {sla.sales.follow_up_days} days "
                "of accepting",
            ),
            ("Rejection reasons", reasons),
        ),
    )


def _response_blocks(d: Definition) -> list[Block]:
    blocks: list[Block] = []
    sales = d.sla.sales
    if sales.response_minutes or sales.response_business_days:
        blocks.append(
            Table(
                ("Trigger", "First response within"),
                _response_rows(sales.response_minutes, sales.response_business_days),
            )
        )
    else:
        blocks.append("No response times agreed yet.")
    for kind, parts in (("Segment", d.segments), ("Motion", d.motions)):
        for part in parts:
            if part.response_minutes or part.response_business_days:
                blocks.append(f"{kind} {part.label or part.id} responds faster or slower:")
                blocks.append(
                    Table(
                        ("Trigger", "First response within"),
                        _response_rows(part.response_minutes, part.response_business_days),
                    )
                )
    return blocks


def scenario(lead: Lead) -> str:
    """'director at Fit Software (300 employees, software); demo_request today'."""
    person = lead.person.title or lead.person.seniority or lead.person.persona
    company = lead.company
    facts = [
        f"{company.employees} employees" if company.employees is not None else None,
        company.industry,
        company.relationship if company.relationship != "prospect" else None,
    ]
    where = ", ".join(fact for fact in facts if fact)
    who = f"{person} at {company.name or 'a company'}" + (f" ({where})" if where else "")
    did = [
        f"{a.kind}{f' ×{a.count}' if a.count != 1 else ''} "
        + (_ago(a.days_ago) if a.days_ago is not None else f"at {a.at}")
        for a in lead.activities
    ]
    return who + ("; " + ", ".join(did) if did else "; no activity")


def _ago(days: float) -> str:
    if days == 0:
        return "today"
    number = int(days) if float(days).is_integer() else days
    return f"{number} day{'s' if number != 1 else ''} ago"


def _outcome(case: EdgeCase) -> str:
    text = expectation_text(case.expect.model_dump(mode="json"))
    return text + (" (depends on the ICP)" if case.depends else "")


def _cases_section(d: Definition) -> Section:
    if not d.cases:
        return Section("Edge cases and agreed outcomes", blocks=["No edge cases recorded."])
    results = run_suite(d).by_name()
    rows = tuple(
        (
            case.name,
            scenario(case.lead),
            _outcome(case),
            case.why or "—",
            "yes"
            if results[case.name].passed
            else "NO: " + "; ".join(results[case.name].mismatches),
        )
        for case in d.cases
    )
    passed = sum(1 for r in results.values() if r.passed)
    return Section(
        "Edge cases and agreed outcomes",
        blocks=[
            f"The room agreed how each of these comes out. {passed} of {len(d.cases)} come out "
            "that way under this definition.",
            Table(("Case", "Scenario", "Agreed outcome", "Why", "Comes out as agreed"), rows),
        ],
    )


def _questions_section(d: Definition) -> Section:
    open_items = tuple(
        q.text + (f" (raised by {q.raised_by})" if q.raised_by else "")
        for q in d.questions
        if not q.resolved
    )
    resolved = tuple(
        q.text + (f" Answer: {q.answer}" if q.answer else "") for q in d.questions if q.resolved
    )
    blocks: list[Block] = [Bullets(open_items) if open_items else "No open questions."]
    if resolved:
        blocks += ["Resolved:", Bullets(resolved)]
    return Section("Open questions", blocks=blocks)


def _signoff_section(d: Definition) -> Section:
    if d.signoff is None:
        blocks: list[Block] = ["Not signed yet."]
        partial = d.partial_signoff
        if partial is not None:
            signer = partial.marketing or partial.sales
            assert signer is not None
            blocks.append(
                f"Signed so far: {partial.signed_side}, {signer.name} ({signer.role}) on "
                f"{signer.signed_at:%Y-%m-%d}; waiting for {partial.missing_side}. "
                f"Review date proposed: {partial.review_date.isoformat()}."
            )
        return Section("Sign-off", blocks=blocks)
    s = d.signoff
    rows = tuple(
        (
            side.capitalize(),
            signer.name,
            signer.role,
            f"{signer.signed_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
        )
        for side, signer in (("marketing", s.marketing), ("sales", s.sales))
    )
    return Section(
        "Sign-off",
        blocks=[
            Table(("Side", "Name", "Role", "Signed"), rows),
            f"Review date: {s.review_date.isoformat()}. Both sides revisit this definition by "
            "then, with its acceptance rate and rejection reasons.",
        ],
    )


def _integrity_section(loaded: DefinitionFile) -> Section:
    record = loaded.definition.signoff or loaded.definition.partial_signoff
    if record is None:
        return Section("Integrity", blocks=["Not signed yet, so there is no signed content hash."])
    state = {
        "intact": "intact: the content matches the hash that was signed.",
        "altered": "ALTERED: the content no longer matches the hash that was signed.",
        "draft": "not signed.",
    }[loaded.integrity]
    return Section(
        "Integrity",
        blocks=[f"Content hash (sha256): {record.content_sha256}", f"State: {state}"],
    )


# --- Markdown -----------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|$])")
_MD_ORDERED = re.compile(r"^(\d+)([.)])")


def md_escape(text: str) -> str:
    """Plain text in GitHub-flavoured Markdown: no accidental emphasis, links, HTML or cells."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")
    escaped = _MD_ORDERED.sub(r"\1\\\2", escaped)  # "1. x" would start a list
    return "\\" + escaped if escaped[:1] in ("#", "-", "+", "=") else escaped


def to_markdown(doc: Document) -> str:
    out = [f"# {md_escape(doc.title)}", "", md_escape(doc.subtitle), ""]
    if doc.notice:
        label = "Warning" if doc.alarm else "Note"
        out += [f"> **{label}:** {md_escape(doc.notice)}", ""]
    for section in doc.sections:
        out += [f"{'#' * section.level} {md_escape(section.heading)}", ""]
        for block in section.blocks:
            out += [*_md_block(block), ""]
    out += ["---", "", f"_{md_escape(doc.footer)}_", ""]
    return "\n".join(out)


def _md_block(block: Block) -> list[str]:
    if isinstance(block, Bullets):
        return [f"- {md_escape(item)}" for item in block.items]
    if isinstance(block, Table):
        lines = [_md_row(block.headers), "| " + " | ".join("---" for _ in block.headers) + " |"]
        return lines + [_md_row(row) for row in block.rows]
    return [md_escape(block)]


def _md_row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(md_escape(cell) for cell in cells) + " |"


# --- HTML ---------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
body { font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1b1b1b;
  max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.8rem; margin-bottom: .2rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #1b1b1b; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.subtitle { color: #444; margin-top: 0; }
.notice { border: 2px solid #555; padding: .6rem .9rem; margin: 1rem 0; }
.notice.alarm { border-color: #a00; border-width: 3px; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 .8rem; }
th, td { border: 1px solid #999; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eee; }
td { overflow-wrap: anywhere; }
footer { margin-top: 2rem; color: #555; font-size: .85rem; border-top: 1px solid #999; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  table, tr, .notice { break-inside: avoid; page-break-inside: avoid; }
  th { background: none; }
  @page { margin: 18mm 15mm; }
}
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def to_html(doc: Document) -> str:
    """One self-contained printable page: inline style, no scripts, no external assets."""
    body = [f"<h1>{_h(doc.title)}</h1>", f'<p class="subtitle">{_h(doc.subtitle)}</p>']
    if doc.notice:
        css = "notice alarm" if doc.alarm else "notice"
        body.append(f'<div class="{css}" role="note">{_h(doc.notice)}</div>')
    for section in doc.sections:
        body.append(f"<h{section.level}>{_h(section.heading)}</h{section.level}>")
        body += [_html_block(block) for block in section.blocks]
    body.append(f"<footer><p>{_h(doc.footer)}</p></footer>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_h(doc.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _html_block(block: Block) -> str:
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_h(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, Table):
        head = "".join(f"<th>{_h(cell)}</th>" for cell in block.headers)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_h(cell)}</td>" for cell in row) + "</tr>" for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    return f"<p>{_h(block)}</p>"


# --- JSON and the schema ------------------------------------------------------------


def to_json(definition: Definition) -> str:
    """The full model and nothing else, so it validates against `workbench schema`."""
    return json.dumps(definition.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def render(loaded: DefinitionFile, fmt: Format) -> str:
    """The document in `fmt`, every control character from the file shown as an escape."""
    return printable(_render(loaded, fmt))


def _render(loaded: DefinitionFile, fmt: Format) -> str:
    if fmt == "json":
        return to_json(loaded.definition)
    document = agreement(loaded)
    return to_markdown(document) if fmt == "md" else to_html(document)


def json_schema(kind: SchemaKind = "definition") -> dict[str, Any]:
    """The JSON Schema of a definition (or lead) file, for editors that validate TOML.

    TOML has no null, so the files write 'switched off' as 0 (a window or a count) or
    `false` (escalation); the model reads those back as None. The schema pydantic derives
    describes the model, not the file, so those spellings are added here or an editor would
    flag a valid file.
    """
    if kind == "lead":
        schema = Lead.model_json_schema()
        title = "MQL workbench lead file"
    else:
        schema = Definition.model_json_schema()
        title = "MQL workbench definition file"
        _allow_off(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        **{key: value for key, value in schema.items() if key != "title"},
    }


def _allow_off(schema: dict[str, Any]) -> None:
    defs = schema.get("$defs", {})
    for model, prop, off in (
        ("Scoring", "window_days", {"const": 0}),
        ("ReviewRule", "min_low_intent_actions", {"const": 0}),
        ("Sla", "escalation", {"const": False}),
    ):
        target = defs.get(model, {}).get("properties", {}).get(prop)
        if target is not None and "anyOf" in target:
            target["anyOf"].append(off)
