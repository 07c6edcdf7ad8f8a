"""The definition as a dbt model, and its edge-case suite as dbt unit tests.

`export_dbt` gives the files a dbt project needs to run the replay where the lead history
lives, and to run the cases the room argued about in the warehouse's CI:

- `models/mql_<slug>_v<version>.sql`: the replay query `warehouse.export_sql` writes, with its
  two input tables replaced by `{{ ref(...) }}` or `{{ source(...) }}`. The query is generated
  with unique placeholder table names which are then swapped for the Jinja calls; every other
  `{` of the text (a keyword, a title, the definition's name in the header) is written as
  `{{ '{' }}`, so no text of the definition can open a Jinja tag.
- `models/mql_<slug>_v<version>.yml`: the model documented (meta: id, version, status,
  content hash, integrity), its columns with `not_null` and `accepted_values` tests, and the
  edge cases as `unit_tests:`. One file per model, not one `schema.yml`, so several
  definitions can be exported into one project without overwriting each other.
- `models/mql_sources_<source>.yml` when an input is a `source()`: the source declared once,
  shared by every model exported with the same source (the same text each time).
- `dbt_project.yml`, only when the folder has none (the caller decides).

How a case becomes a unit test. A case is one verdict at "now" over activities written as
days ago. Its history is laid out at a fixed moment (`ANCHOR`): each activity at ANCHOR minus
its days, repeated `count` times; the lead's fields as the leads table holds them. The replay
then judges every moment of that history; the case is expressible when the replay's verdict
at the last moment is the case's own verdict (status, tier, trigger, lead type, segment,
motion). It is not when the case states what a table cannot hold (an earlier MQL with no
activity behind it, an outcome of that MQL, engaged contacts the replay counts itself), and
then it is left out, with a YAML comment saying why. The expected rows are the replay's
events before the last moment (the room did not argue about those) and, at the last moment,
the event the room's expectation implies: one row when it expects "mql" (its tier, lead type
and segment where stated), none for any other status. A case the definition now fails is
still written: that unit test fails, naming the case.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from workbench import __version__
from workbench.core.domain.definition import Definition, EdgeCase
from workbench.core.domain.errors import InputError, Problem
from workbench.core.domain.evaluator import Prepared, evaluate_prepared, prepare
from workbench.core.domain.verdict import Verdict
from workbench.core.domain.vocab import ACCOUNT_TRIGGER, ACTIVITY_KINDS
from workbench.core.evidence.replay import Moment, timeline
from workbench.core.evidence.tables import ActivityRow, LeadRow
from workbench.core.evidence.warehouse import OUTPUT_COLUMNS, export_sql
from workbench.core.files.store import integrity_of

# The moment a case's "now" is laid out at: fixed, so the files never depend on the day.
ANCHOR = datetime(2025, 7, 1, tzinfo=UTC)

# Table names the query is generated with, swapped for the Jinja calls afterwards.
_LEADS_PLACEHOLDER = "wb_dbt_input_leads_7c1e"
_ACTIVITIES_PLACEHOLDER = "wb_dbt_input_activities_7c1e"

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_QUOTED = r"""\s*(['"])(""" + _NAME + r""")\1\s*"""
_REF = re.compile(r"ref\(" + _QUOTED + r"\)")
_SOURCE = re.compile(r"source\(" + _QUOTED + "," + _QUOTED + r"\)")
_BARE = re.compile(_NAME)

# The columns of the leads table a verdict reads, in the order the fixtures give them.
_LEAD_FIXTURE_COLUMNS = (
    "lead_id",
    "created_at",
    "title",
    "seniority",
    "persona",
    "email",
    "company",
    "domain",
    "employees",
    "industry",
    "region",
    "relationship",
    "target_account",
    "engaged_contacts",
)
_EVENT_COLUMNS = tuple(name for name, _ in OUTPUT_COLUMNS)
_KEYWORD_COLUMNS = ("at", "trigger")
_COMPARED = ("status", "tier", "trigger", "lead_type", "segment", "motion")

InputKind = Literal["ref", "source"]


@dataclass(frozen=True, slots=True)
class DbtInput:
    """One input of the model: `ref('name')` or `source('source_name', 'table')`."""

    kind: InputKind
    names: tuple[str, ...]

    def jinja(self) -> str:
        args = ", ".join(f"'{name}'" for name in self.names)
        return "{{ " + f"{self.kind}({args})" + " }}"

    def text(self) -> str:
        """As a unit test's `given.input` names it."""
        args = ", ".join(f"'{name}'" for name in self.names)
        return f"{self.kind}({args})"


def parse_input(text: str, flag: str) -> DbtInput:
    """`ref('x')`, `source('crm', 'leads')`, or a bare name meaning `ref('name')`."""
    value = text.strip()
    if match := _REF.fullmatch(value):
        return DbtInput("ref", (match.group(2),))
    if match := _SOURCE.fullmatch(value):
        return DbtInput("source", (match.group(2), match.group(4)))
    if _BARE.fullmatch(value):
        return DbtInput("ref", (value,))
    raise InputError(
        [
            Problem(
                f"{text!r} is not a dbt input; expected ref('name'), source('source', "
                "'table') or a model name (letters, digits, _)",
                field=flag,
            )
        ]
    )


def model_name(definition: Definition) -> str:
    """mql_<slug>_v<version>, in the letters dbt and every warehouse take unquoted."""
    return f"mql_{definition.slug.replace('-', '_')}_v{definition.version}"


def jinja_safe(text: str) -> str:
    """Text Jinja renders back to itself: every `{` written as an expression printing it."""
    return text.replace("{", "{{ '{' }}")


# --- the model -------------------------------------------------------------------------------


def model_sql(definition: Definition, dialect: str, leads: DbtInput, activities: DbtInput) -> str:
    """The replay query as a dbt model reading `leads` and `activities`."""
    sql = export_sql(definition, dialect, _LEADS_PLACEHOLDER, _ACTIVITIES_PLACEHOLDER)
    # The header names the tables too; the query itself exactly once each (a definition's
    # text is quoted, so it cannot hold the bare name, but say so rather than guess).
    _header, _, body = sql.partition("\n\n")
    for name in (_LEADS_PLACEHOLDER, _ACTIVITIES_PLACEHOLDER):
        assert len(re.findall(rf"\b{name}\b", body)) == 1, name
    sql = sql.rstrip().removesuffix(";") + "\n"  # dbt wraps the model in its own statement
    parts = re.split(rf"\b({_LEADS_PLACEHOLDER}|{_ACTIVITIES_PLACEHOLDER})\b", sql)
    calls = {_LEADS_PLACEHOLDER: leads.jinja(), _ACTIVITIES_PLACEHOLDER: activities.jinja()}
    text = "".join(calls.get(part) or jinja_safe(part) for part in parts)
    note = (
        f"-- dbt model {model_name(definition)}: written by mql-workbench {__version__} "
        "(workbench export --format dbt); regenerate it, do not edit it.\n"
    )
    return note + text


# --- cases as histories ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseTest:
    """One edge case as a unit test, or why it cannot be one (`left_out`)."""

    case: EdgeCase
    lead: LeadRow | None = None
    activities: tuple[ActivityRow, ...] = ()
    expected: tuple[dict[str, object], ...] = ()
    left_out: str | None = None


def case_history(
    case: EdgeCase, lead_id: str, anchor: datetime = ANCHOR
) -> tuple[LeadRow, list[ActivityRow]] | str:
    """The case's lead as table rows, its activities laid out before `anchor`; or why not."""
    lead = case.lead
    if not lead.activities:
        return "it has no activities, so the replay has no moment to judge"
    if any(a.days_ago is None for a in lead.activities):
        return "its activities have absolute times, so its verdict depends on the day it runs"
    if lead.company.account_intent:
        return "it sets account intent by hand, which the leads table cannot hold"
    rows = [
        ActivityRow(lead_id, a.kind, anchor - timedelta(days=float(a.days_ago or 0)), a.session_id)
        for a in lead.activities
        for _ in range(a.count)
    ]
    person, company = lead.person, lead.company
    row = LeadRow(
        lead_id=lead_id,
        created_at=min(a.at for a in rows),
        title=person.title or None,
        seniority=person.seniority,
        persona=person.persona if person.persona_by_hand else None,
        email=person.email,
        company=company.name or None,
        domain=company.domain,
        employees=company.employees,
        industry=company.industry,
        region=company.region,
        relationship=company.relationship,
        target_account=company.target_account,
        engaged_contacts=company.engaged_contacts,
    )
    return row, rows


def _same(case_verdict: Verdict, replayed: Verdict) -> bool:
    return all(getattr(case_verdict, f) == getattr(replayed, f) for f in _COMPARED)


def _event_row(lead_id: str, at: datetime, verdict: Verdict) -> dict[str, object]:
    return {
        "lead_id": lead_id,
        "at": at,
        "tier": verdict.tier,
        "trigger": verdict.trigger,
        "lead_type": verdict.lead_type,
        "segment": verdict.segment,
        "motion": verdict.motion,
    }


def case_test(prepared: Prepared, case: EdgeCase, anchor: datetime = ANCHOR) -> CaseTest:
    """The case as given rows and expected events (see the module docstring)."""
    laid_out = case_history(case, case.name, anchor)
    if isinstance(laid_out, str):
        return CaseTest(case, left_out=laid_out)
    row, rows = laid_out
    moments: list[Moment] = timeline(prepared, row, rows)
    last = moments[-1]
    verdict = evaluate_prepared(prepared, case.lead, anchor)
    if not _same(verdict, last.verdict):
        why = (
            "its history laid out as table rows is judged "
            f"{last.verdict.short()} at its last activity, not {verdict.short()} as the case "
            "itself"
        )
        if case.lead.history is not None:
            why += " (it states an earlier MQL the rows cannot show)"
        elif min(a.days_ago or 0 for a in case.lead.activities) > 0:
            why += " (the replay judges at each activity, the case days after the last one)"
        return CaseTest(case, left_out=why)
    expected = [
        _event_row(row.lead_id, m.at, m.verdict) for m in moments[:-1] if m.verdict.status == "mql"
    ]
    expect = case.expect
    if expect.status == "mql":
        event = _event_row(row.lead_id, last.at, last.verdict)
        for field in ("tier", "lead_type", "segment"):
            if getattr(expect, field) is not None:
                event[field] = getattr(expect, field)
        expected.append(event)
    return CaseTest(case, row, tuple(rows), tuple(expected))


# --- the YAML --------------------------------------------------------------------------------


def _scalar(value: object) -> str:
    """A YAML scalar: JSON's quoted strings are YAML too; Jinja-safe for dbt's rendering."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, str):
        return json.dumps(jinja_safe(value), ensure_ascii=False)
    return json.dumps(value)


def _flow(values: dict[str, object]) -> str:
    return "{" + ", ".join(f"{key}: {_scalar(value)}" for key, value in values.items()) + "}"


def _comment(text: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in text)


def _lead_fixture(row: LeadRow) -> dict[str, object]:
    return {name: getattr(row, name) for name in _LEAD_FIXTURE_COLUMNS}


def _unit_tests(definition: Definition, leads: DbtInput, activities: DbtInput) -> list[str]:
    model = model_name(definition)
    prepared = prepare(definition)
    lines = ["unit_tests:"] if definition.cases else []
    for case in definition.cases:
        test = case_test(prepared, case)
        if test.left_out is not None or test.lead is None:
            lines.append(
                f"  # edge case {_comment(case.name)} left out: {_comment(test.left_out or '')}"
            )
            continue
        lines += [
            f"  - name: {model}__{case.name.replace('-', '_')}",
            f"    description: {_scalar(_case_description(case))}",
            f"    model: {model}",
            "    given:",
            f"      - input: {leads.text()}",
            "        rows:",
            f"          - {_flow(_lead_fixture(test.lead))}",
            f"      - input: {activities.text()}",
            "        rows:",
        ]
        lines += [
            f"          - {_flow({'lead_id': a.lead_id, 'kind': a.kind, 'at': a.at, 'session_id': a.session_id})}"
            for a in test.activities
        ]
        lines += ["    expect:"]
        if test.expected:
            lines += ["      rows:"]
            lines += [f"        - {_flow(event)}" for event in test.expected]
        else:
            lines += ["      rows: []"]
    return lines


def _case_description(case: EdgeCase) -> str:
    agreed = case.expect.label()
    why = f" {case.why.strip()}" if case.why.strip() else ""
    return f"Edge case {case.name}: the room agreed {agreed}.{why}"


def _accepted(values: list[object], quote: bool = True) -> list[str]:
    lines = [
        "          - accepted_values:",
        "              arguments:",
        f"                values: [{', '.join(_scalar(v) for v in values)}]",
    ]
    if not quote:
        lines.append("                quote: false")
    return lines


def _columns(definition: Definition, dialect: str) -> list[str]:
    triggers: list[object] = [*ACTIVITY_KINDS, "score", ACCOUNT_TRIGGER]
    tests: dict[str, list[str]] = {
        "lead_id": ["          - not_null"],
        "at": ["          - not_null"],
        "tier": _accepted([1, 2, 3, 4], quote=False),
        "trigger": _accepted(triggers),
        "lead_type": ["          - not_null", *_accepted(["mql", "pql", "aql"])],
    }
    if definition.segments:
        tests["segment"] = _accepted([s.id for s in definition.segments])
    if definition.motions:
        tests["motion"] = _accepted([m.id for m in definition.motions])
    lines = ["    columns:"]
    for name, meaning in OUTPUT_COLUMNS:
        if name in _KEYWORD_COLUMNS:
            # A keyword somewhere: the query quotes it (upper case on Snowflake), so do tests.
            shown = name.upper() if dialect == "snowflake" else name
            lines += [f"      - name: {shown}", "        quote: true"]
        else:
            lines += [f"      - name: {name}"]
        lines += [f"        description: {_scalar(meaning)}"]
        if name in tests:
            lines += ["        data_tests:", *tests[name]]
    return lines


def schema_yml(definition: Definition, dialect: str, leads: DbtInput, activities: DbtInput) -> str:
    """The model's properties file: docs, meta, column tests and the edge cases."""
    record = definition.sign_record
    description = (
        f'MQL events under "{definition.name}" ({definition.slug} v{definition.version}, '
        f"{definition.status}): one row per moment a lead would have become an MQL, replaying "
        "each lead's activities in time order. Written by mql-workbench; regenerate, do not edit."
    )
    meta = {
        "mql_definition_id": definition.slug,
        "mql_definition_version": definition.version,
        "mql_definition_status": definition.status,
        "mql_content_sha256": None if record is None else record.content_sha256,
        "mql_integrity": integrity_of(definition),
    }
    lines = [
        f"# {model_name(definition)}: written by mql-workbench {__version__}; regenerate it with",
        "# workbench export --format dbt, do not edit it.",
        "version: 2",
        "",
        "models:",
        f"  - name: {model_name(definition)}",
        f"    description: {_scalar(description)}",
        "    config:",
        "      meta:",
        *[f"        {key}: {_scalar(value)}" for key, value in meta.items()],
        *_columns(definition, dialect),
        "",
        *_unit_tests(definition, leads, activities),
    ]
    return "\n".join(lines) + "\n"


def sources_yml(inputs: tuple[DbtInput, ...]) -> dict[str, str]:
    """One file per source name declaring its tables; the same text for the same inputs."""
    tables: dict[str, list[str]] = {}
    for item in inputs:
        if item.kind == "source":
            tables.setdefault(item.names[0], [])
            if item.names[1] not in tables[item.names[0]]:
                tables[item.names[0]].append(item.names[1])
    files = {}
    for source, names in tables.items():
        lines = [
            f"# The CRM tables the mql-workbench models read (source {source}).",
            "version: 2",
            "",
            "sources:",
            f"  - name: {source}",
            "    tables:",
            *[f"      - name: {name}" for name in sorted(names)],
        ]
        files[f"models/mql_sources_{source}.yml"] = "\n".join(lines) + "\n"
    return files


def project_yml() -> str:
    """A minimal dbt_project.yml, for a folder that is not a dbt project yet."""
    return (
        "# Written by mql-workbench for its exported MQL models; edit freely.\n"
        "name: mql_workbench\n"
        "version: '1.0.0'\n"
        "config-version: 2\n"
        "profile: mql_workbench\n"
        "model-paths: ['models']\n"
    )


def export_dbt(
    definition: Definition,
    dialect: str,
    leads: DbtInput,
    activities: DbtInput,
    with_project: bool,
) -> dict[str, str]:
    """The files to write, by path relative to the project folder."""
    model = model_name(definition)
    files = {
        f"models/{model}.sql": model_sql(definition, dialect, leads, activities),
        f"models/{model}.yml": schema_yml(definition, dialect, leads, activities),
        **sources_yml((leads, activities)),
    }
    if with_project:
        files["dbt_project.yml"] = project_yml()
    return files
