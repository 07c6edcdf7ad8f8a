"""`workbench export --format sql`: the replay query, translated for warehouses.

The exported text itself is run, header comment and all: in DuckDB, and in a real PostgreSQL
server started for the session in a temporary folder. Both must return exactly the reference
replay's MQL events. Snowflake, BigQuery and Spark cannot run here: their text must parse back
in its own dialect with the recursion and the output columns intact, and what sqlglot reads
back from it, run in DuckDB, must still give the replay's events (a check on the syntax-tree
fixes in `warehouse`, as far as sqlglot's own reading of those dialects goes).

Without PostgreSQL's server binaries the PostgreSQL tests skip locally, with the reason; with
WORKBENCH_REQUIRE_POSTGRES=1 (as CI sets it) they fail instead, so CI cannot pass by skipping.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

import duckdb
import pytest
import sqlglot
from sqlglot import exp
from typer.testing import CliRunner

from tests.cli_steps import one_error, run
from workbench.core.domain.definition import Definition
from workbench.core.domain.errors import InputError
from workbench.core.domain.stages import STAGES
from workbench.core.domain.templates import from_template
from workbench.core.evidence import warehouse
from workbench.core.evidence.engine import load_rows
from workbench.core.evidence.load import load_evidence
from workbench.core.evidence.replay import MqlEvent, replay
from workbench.core.evidence.sample import (
    activities_csv,
    leads_csv,
    sample_data,
    to_csv,
    write_sample,
)
from workbench.core.evidence.tables import ACTIVITY_COLUMN_NAMES, TABLES, ActivityRow, LeadRow
from workbench.core.evidence.warehouse import (
    DIALECTS,
    OUTPUT_COLUMNS,
    TranslationError,
    export_sql,
)
from workbench.core.files import store
from workbench.core.services.signoff import sign

ROOT = Path(__file__).resolve().parent.parent
CREATED = date(2025, 1, 1)
T0 = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
OUTPUT = [name for name, _ in OUTPUT_COLUMNS]
REQUIRE_POSTGRES = "WORKBENCH_REQUIRE_POSTGRES"


# --- definitions and data --------------------------------------------------------------------


def decaying(stage: str) -> Definition:
    """A stage template with a decaying score, open gates and short recycling: many events."""
    data: dict[str, Any] = from_template("decay", stage, CREATED).model_dump()
    data["fit"] = {**data["fit"], "industries": [], "regions": [], "min_seniority": None}
    data["scoring"] = {**data["scoring"], "threshold": 25, "window_days": 60, "half_life_days": 10}
    data["review_rule"] = {**data["review_rule"], "enabled": False}
    data["recycling"] = {**data["recycling"], "resubmit_after_days": 30}
    for part in data["segments"] + data["motions"]:
        part["fit"] = None
    if data["segments"]:  # mid-market scores on its own: faster decay, no window
        data["segments"][1]["scoring"] = {
            **data["scoring"],
            "threshold": 15,
            "window_days": 0,
            "half_life_days": 3.5,
        }
    if data["motions"]:  # account-based scores too, with a slower decay
        abm = data["motions"][2]
        abm["scoring"] = {**data["scoring"], "threshold": 12, "half_life_days": 21}
        abm["triggers"] = {**abm["triggers"], "tier3": True}
        abm["min_engaged_contacts"] = 1
        abm["qualifies"] = "contact"  # the account facts from history: "decay-accounts"
    return Definition.model_validate(data)


def accounts() -> Definition:
    """The $30M+ template whose account motion qualifies any account of two engaged
    contacts from the sample's history (replay rule 5), so every dialect runs its join."""
    data: dict[str, Any] = decaying("30m-plus").model_dump()
    abm = data["motions"][2]
    abm.update(qualifies="account", min_engaged_contacts=2, target_accounts_only=False)
    return Definition.model_validate(data)


def sourced() -> Definition:
    """The $3-10M template with every lead source clause, naming the sample's sources in other
    case and spaces: sources apart, points and a threshold by source, in every dialect."""
    data: dict[str, Any] = decaying("3m-10m").model_dump()
    data["fit"]["exclude_sources"] = ["events ", "REFERRAL"]
    data["scoring"]["source_points"] = {"webinar": 10, " Paid Search": -5}
    data["scoring"]["source_thresholds"] = {"ORGANIC SEARCH": 15}
    return Definition.model_validate(data)


DEFINITIONS: dict[str, Definition] = {
    **{stage: from_template("sample", stage, CREATED) for stage in STAGES},
    "decay-segments": decaying("10m-30m"),
    "decay-motions": decaying("30m-plus"),
    "decay-accounts": accounts(),
    "sources": sourced(),
}


@functools.cache
def sample_rows() -> tuple[list[LeadRow], list[ActivityRow]]:
    """The sample as `backtest` loads it (seniority inferred from titles, ...): the export
    normalises raw rows the same way, so the reference replay must see loaded rows."""
    with tempfile.TemporaryDirectory() as folder:
        leads, activities = write_sample(Path(folder), *sample_data(400, seed=7))
        loaded = load_evidence(leads, activities)
    return list(loaded.leads), list(loaded.activities)


@pytest.fixture(scope="module")
def sample() -> tuple[list[LeadRow], list[ActivityRow]]:
    return sample_rows()


@functools.cache
def replayed(name: str) -> tuple[MqlEvent, ...]:
    """The reference replay of DEFINITIONS[name] on the sample (once: it is the slow part)."""
    return tuple(expected(DEFINITIONS[name], *sample_rows()))


def expected(
    definition: Definition, leads: list[LeadRow], activities: list[ActivityRow]
) -> list[MqlEvent]:
    return sorted(replay(definition, leads, activities), key=lambda e: (e.lead_id, e.at))


def events(rows: list[tuple[Any, ...]]) -> list[MqlEvent]:
    """Result rows as events, times in UTC (a naive time is UTC), in (lead, time) order."""
    found = []
    for lead_id, at, tier, trigger, lead_type, segment, motion in rows:
        moment = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        found.append(MqlEvent(str(lead_id), moment, tier, trigger, lead_type, segment, motion))
    return sorted(found, key=lambda e: (e.lead_id, e.at))


def duckdb_with(leads: list[LeadRow], activities: list[ActivityRow]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    load_rows(con, leads, activities)
    return con


def query_events(con: duckdb.DuckDBPyConnection, sql: str) -> list[MqlEvent]:
    """Run an exported text as it is (header comment, trailing ';') and read its events."""
    result = con.execute(sql)
    assert [d[0].lower() for d in result.description] == OUTPUT
    return events(result.fetchall())


@pytest.fixture(scope="module")
def duck(sample: tuple[list[LeadRow], list[ActivityRow]]) -> Iterator[duckdb.DuckDBPyConnection]:
    """The sample in DuckDB, loaded once (row-by-row loading is the slow part)."""
    con = duckdb_with(*sample)
    yield con
    con.close()


def edge_definition() -> Definition:
    return Definition.model_validate(
        {
            "name": "Edge cases",
            "slug": "edge",
            "stage": "1m-3m",
            "created": CREATED,
            "fit": {"competitors": ["rival.io"]},
            "triggers": {"tier1": ["demo_request"]},
            "recycling": {"resubmit_after_days": 90},
        }
    )


def edge_data() -> tuple[list[LeadRow], list[ActivityRow]]:
    """E-mail domains after the last '@', and a resubmit a microsecond inside the window."""
    emails = {
        "A": "x@y@rival.io",  # competitor: the domain is after the last '@'
        "B": "x@rival.io@acme.io",  # not: acme.io
        "C": "no-at-sign",
        "D": "x@",
        "E": "x@EU.Rival.io ",  # competitor by suffix, after trim and lower case
        "F": "x@notrival.io",
    }
    leads = [LeadRow(lead_id=k, created_at=T0, email=v) for k, v in emails.items()]
    activities = [ActivityRow(k, "demo_request", T0) for k in emails]
    window = timedelta(days=90)
    activities += [
        ActivityRow("B", "demo_request", T0 + window - timedelta(microseconds=1)),
        ActivityRow("C", "demo_request", T0 + window),
        ActivityRow("D", "demo_request", T0 + window + timedelta(microseconds=1)),
        ActivityRow("F", "demo_request", T0 + timedelta(seconds=0.25)),
    ]
    return leads, activities


def test_the_edge_data_tells_the_cases_apart() -> None:
    leads, activities = edge_data()
    found = [(e.lead_id, e.at - T0) for e in expected(edge_definition(), leads, activities)]
    assert found == [
        ("B", timedelta(0)),
        ("C", timedelta(0)),
        ("C", timedelta(days=90)),
        ("D", timedelta(0)),
        ("D", timedelta(days=90, microseconds=1)),
        ("F", timedelta(0)),
    ]


# --- DuckDB runs the exported text -----------------------------------------------------------


@pytest.mark.parametrize("name", list(DEFINITIONS))
def test_the_duckdb_export_finds_the_replays_events(
    name: str, duck: duckdb.DuckDBPyConnection
) -> None:
    want = list(replayed(name))
    assert want, "every definition should make some MQLs on the sample"
    assert query_events(duck, export_sql(DEFINITIONS[name], "duckdb")) == want


def test_the_sources_definition_exercises_every_source_clause() -> None:
    source = {lead.lead_id: (lead.lead_source or "").lower() for lead in sample_rows()[0]}
    found = replayed("sources")
    apart = [e for e in found if source[e.lead_id] in ("events", "referral")]
    assert apart and {e.tier for e in apart} <= {1, 4}
    assert any(source[e.lead_id] == "organic search" and e.tier == 3 for e in found)
    assert list(found) != expected(decaying("3m-10m"), *sample_rows())


def test_the_decaying_definitions_exercise_decay_segments_and_motions() -> None:
    by_segments = replayed("decay-segments")
    by_motions = replayed("decay-motions")
    assert {e.segment for e in by_segments if e.tier == 3} >= {"smb", "mid-market"}
    assert {e.motion for e in by_motions if e.tier == 3} >= {"inbound", "account-based"}
    assert any(e.lead_type == "aql" for e in by_motions)
    per_lead = [e.lead_id for e in by_segments]
    assert len(per_lead) > len(set(per_lead)), "some lead should be an MQL more than once"


def test_duckdb_edge_cases(tmp_path: Path) -> None:
    leads, activities = edge_data()
    definition = edge_definition()
    sql = export_sql(definition, "duckdb")
    con = duckdb_with(leads, activities)
    try:
        assert query_events(con, sql) == expected(definition, leads, activities)
    finally:
        con.close()


# --- PostgreSQL runs the exported text -------------------------------------------------------

SUPERUSER = "workbench"
PG_TYPES = {
    "text": "text",
    "choice": "text",
    "timestamp": "timestamp",
    "int": "bigint",
    "float": "double precision",
    "bool": "boolean",
}


def missing_postgres(reason: str) -> NoReturn:
    """Skip with the reason, unless the environment requires PostgreSQL: then fail."""
    if os.environ.get(REQUIRE_POSTGRES) == "1":
        pytest.fail(f"{reason}, and {REQUIRE_POSTGRES}=1 requires the PostgreSQL tests to run")
    pytest.skip(
        f"{reason}: install PostgreSQL (Debian: apt-get install postgresql) to run the "
        f"PostgreSQL export tests; set {REQUIRE_POSTGRES}=1 to make this a failure"
    )


def postgres_bin() -> Path | None:
    """The folder with initdb, pg_ctl and postgres: from PATH, else Debian's layout."""
    folders = []
    found = shutil.which("initdb")
    if found:
        folders.append(Path(found).resolve().parent)

    def version(folder: Path) -> int:
        return int(folder.parent.name) if folder.parent.name.isdigit() else 0

    folders += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    for folder in folders:
        if all((folder / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def test_missing_postgres_skips_locally_and_fails_when_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(REQUIRE_POSTGRES, raising=False)
    with pytest.raises(pytest.skip.Exception, match="install PostgreSQL"):
        missing_postgres("no initdb")
    monkeypatch.setenv(REQUIRE_POSTGRES, "1")
    with pytest.raises(pytest.fail.Exception, match="requires the PostgreSQL tests to run"):
        missing_postgres("no initdb")


@dataclass(frozen=True)
class Postgres:
    """A throwaway cluster reached through its Unix socket, with psql."""

    psql: Path
    socket_dir: Path
    port: int
    env: dict[str, str]

    def run(self, *args: str, stdin: bytes | None = None) -> str:
        command = [
            str(self.psql),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            str(self.socket_dir),
            "-p",
            str(self.port),
            "-U",
            SUPERUSER,
            "-d",
            "postgres",
            *args,
        ]
        done = subprocess.run(
            command, input=stdin, capture_output=True, env=self.env, timeout=300, check=False
        )
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        return done.stdout.decode("utf-8")

    def query_file(self, path: Path) -> list[list[str]]:
        """Run an .sql file as a user would (psql -f) and read the result as CSV."""
        return list(csv.reader(io.StringIO(self.run("--csv", "-f", str(path)))))

    def load(self, schema: str, tables: dict[str, str], leads: bytes, activities: bytes) -> None:
        """Create `tables` (canonical name -> quoted name) in `schema` and COPY the CSVs in."""
        ddl = [f"DROP SCHEMA IF EXISTS {schema} CASCADE", f"CREATE SCHEMA {schema}"]
        for canonical, columns in TABLES.items():
            spec = ", ".join(f'"{c.name}" {PG_TYPES[c.type]}' for c in columns)
            ddl.append(f"CREATE TABLE {schema}.{tables[canonical]} ({spec})")
        self.run("-c", "; ".join(ddl))
        for canonical, data in (("leads", leads), ("activities", activities)):
            copy = f"COPY {schema}.{tables[canonical]} FROM STDIN WITH (FORMAT csv, HEADER true)"
            self.run("-c", copy, stdin=data)


def _unprivileged() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    pytest.fail("running as root, and neither a 'postgres' nor a 'nobody' user to run initdb")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """initdb + pg_ctl start in a temporary folder; stopped and removed at the end.

    initdb refuses to run as root, so as root the server runs as `postgres` (or `nobody`),
    owning the folder. It listens on a Unix socket in that folder only, never on TCP.
    """
    folder = postgres_bin()
    if folder is None:
        missing_postgres("PostgreSQL's server binaries (initdb, pg_ctl, postgres) are not found")
    psql_path = folder / "psql" if (folder / "psql").is_file() else None
    if psql_path is None:
        found = shutil.which("psql")
        psql_path = Path(found) if found else None
    if psql_path is None:
        missing_postgres("psql is not found")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    # Not under pytest's tmp_path: its parents are private to this user, and the server's
    # user must reach the folder.
    root = Path(tempfile.mkdtemp(prefix="wb-pg-"))
    as_user: dict[str, Any] = {}
    if os.geteuid() == 0:
        account = _unprivileged()
        os.chown(root, account.pw_uid, account.pw_gid)
        as_user = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    data, log, port = root / "data", root / "server.log", _free_port()

    def server(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(folder / tool), *args],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            **as_user,
        )

    def log_text() -> str:
        return log.read_text(errors="replace") if log.exists() else ""

    started = False
    try:
        done = server(
            "initdb", "-D", str(data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
            "--no-locale", "--no-sync",
        )  # fmt: skip
        assert done.returncode == 0, f"initdb failed:\n{done.stdout}\n{done.stderr}"
        options = (
            f"-k {shlex.quote(str(root))} -p {port} -c listen_addresses='' "
            "-c fsync=off -c full_page_writes=off"
        )
        done = server("pg_ctl", "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        assert done.returncode == 0, f"pg_ctl start failed:\n{done.stderr}\n{log_text()}"
        started = True
        yield Postgres(psql_path, root, port, env)
    finally:
        if started:
            server("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def pg_sample(postgres: Postgres, sample: tuple[list[LeadRow], list[ActivityRow]]) -> Postgres:
    leads, activities = sample
    tables = {"leads": "leads", "activities": "activities"}
    postgres.load("crm", tables, leads_csv(leads), activities_csv(activities))
    return postgres


def pg_events(postgres: Postgres, sql: str, folder: Path) -> list[MqlEvent]:
    path = folder / "replay.sql"
    path.write_text(sql, encoding="utf-8")
    header, *rows = postgres.query_file(path)
    assert header == OUTPUT
    typed = [
        (
            lead_id,
            datetime.fromisoformat(at),
            int(tier) if tier else None,
            trigger or None,
            lead_type,
            segment or None,
            motion or None,
        )
        for lead_id, at, tier, trigger, lead_type, segment, motion in rows
    ]
    return events(typed)


def test_postgres_is_a_real_server(pg_sample: Postgres) -> None:
    version = pg_sample.run("-t", "-A", "-c", "SHOW server_version_num")
    assert int(version.strip()) >= 110000  # RANGE frames with an offset
    count = pg_sample.run("-t", "-A", "-c", "SELECT count(*) FROM crm.activities")
    assert int(count.strip()) > 1000


@pytest.mark.parametrize("name", list(DEFINITIONS))
def test_the_postgres_export_finds_the_replays_events(
    name: str, pg_sample: Postgres, tmp_path: Path
) -> None:
    sql = export_sql(DEFINITIONS[name], "postgres", "crm.leads", "crm.activities")
    assert "FROM crm.leads AS l" in sql and "FROM crm.activities AS a" in sql
    want = list(replayed(name))
    assert want
    assert pg_events(pg_sample, sql, tmp_path) == want


def test_postgres_edge_cases_and_quoted_table_names(postgres: Postgres, tmp_path: Path) -> None:
    leads, activities = edge_data()
    tables = {"leads": '"Lead List"', "activities": '"Activity Log"'}
    # The sample's CSV writer keeps whole seconds; these times need their microseconds.
    exact = [(a.lead_id, a.kind, a.at.isoformat(), a.session_id) for a in activities]
    postgres.load("edge", tables, leads_csv(leads), to_csv(ACTIVITY_COLUMN_NAMES, exact))
    definition = edge_definition()
    sql = export_sql(definition, "postgres", 'edge."Lead List"', 'edge."Activity Log"')
    assert pg_events(postgres, sql, tmp_path) == expected(definition, leads, activities)


def combo_case() -> tuple[Definition, list[LeadRow], list[ActivityRow]]:
    """A case study + pricing page combination: one session, two sessions on one day, one
    UTC day without session ids, and a day boundary between them."""
    definition = Definition.model_validate(
        {
            **edge_definition().model_dump(),
            "triggers": {
                "tier2": [
                    {
                        "kind": "case_study_view",
                        "together": ["pricing_page_view"],
                        "within_days": 14,
                    }
                ]
            },
        }
    )
    plans: dict[str, list[tuple[str, float, str | None]]] = {
        "S": [("case_study_view", 0, "s1"), ("pricing_page_view", 0.01, "s1")],
        "T": [("case_study_view", 0, "s1"), ("pricing_page_view", 0.01, "s2")],
        "U": [("case_study_view", 0, None), ("pricing_page_view", 0.5, None)],
        "V": [("case_study_view", 0.6, None), ("pricing_page_view", 0.7, None)],
    }
    leads = [LeadRow(lead_id=k, created_at=T0) for k in plans]
    activities = [
        ActivityRow(k, kind, T0 + timedelta(days=d), session)  # type: ignore[arg-type]
        for k, plan in plans.items()
        for kind, d, session in plan
    ]
    return definition, leads, activities


def test_postgres_combines_tier_2_signals_by_session_or_day(
    postgres: Postgres, tmp_path: Path
) -> None:
    definition, leads, activities = combo_case()
    rows = [(a.lead_id, a.kind, a.at.isoformat(), a.session_id) for a in activities]
    tables = {"leads": "leads", "activities": "activities"}
    postgres.load("combo", tables, leads_csv(leads), to_csv(ACTIVITY_COLUMN_NAMES, rows))
    sql = export_sql(definition, "postgres", "combo.leads", "combo.activities")
    want = expected(definition, leads, activities)
    assert [e.lead_id for e in want] == ["S", "U"]  # V crosses midnight UTC (T0 is 09:00)
    assert pg_events(postgres, sql, tmp_path) == want


# --- Snowflake, BigQuery, Spark: parsed back ---------------------------------------------------

OTHERS = [d for d in DIALECTS if d not in ("duckdb", "postgres")]


@pytest.mark.parametrize("dialect", OTHERS)
@pytest.mark.parametrize("name", list(DEFINITIONS))
def test_other_dialects_parse_back_with_the_recursion_and_the_columns(
    name: str,
    dialect: str,
    duck: duckdb.DuckDBPyConnection,
    caplog: pytest.LogCaptureFixture,
) -> None:
    definition = DEFINITIONS[name]
    with caplog.at_level(logging.DEBUG, logger="sqlglot"):
        sql = export_sql(definition, dialect)
        tree = sqlglot.parse_one(sql, read=dialect)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert isinstance(tree, exp.Select)
    with_ = tree.args["with_"]
    assert with_.recursive
    ev = next(cte for cte in with_.expressions if cte.alias_or_name.lower() == "ev")
    union = ev.this
    assert isinstance(union, exp.Union) and not union.args.get("distinct")
    recursive_part = union.expression
    assert any(t.name.lower() == "ev" for t in recursive_part.find_all(exp.Table))
    assert [s.alias_or_name.lower() for s in tree.selects] == OUTPUT
    # What sqlglot reads back, run in DuckDB, still finds the replay's events.
    back = sqlglot.transpile(sql, read=dialect, write="duckdb")[0]
    assert query_events(duck, back) == list(replayed(name))


def test_the_dialect_fixes_are_in_the_text() -> None:
    definition = DEFINITIONS["decay-segments"]
    bigquery = export_sql(definition, "bigquery")
    assert "UNIX_MICROS(CAST(a.`at` AS TIMESTAMP))" in bigquery
    assert "DATE_DIFF" not in bigquery
    # The e-mail domain needs no regular expression; the title's words (issue 17) do.
    assert only_the_title_is_a_regexp(bigquery)
    windows = [line for line in bigquery.splitlines() if "ORDER BY t" in line]
    assert windows and not [line for line in windows if "NULLS" in line]
    assert "ev.trg AS `trigger`" in bigquery
    spark = export_sql(definition, "spark")
    assert "TIMESTAMPDIFF(MICROSECOND, CAST('1970-01-01 00:00:00' AS TIMESTAMP_NTZ), a.`at`)" in (
        spark
    )
    snowflake = export_sql(definition, "snowflake")
    assert 'a."AT"' in snowflake and 'AS "TRIGGER"' in snowflake
    assert '"at"' not in snowflake
    assert "DATEDIFF(MICROSECOND" in snowflake
    postgres = export_sql(definition, "postgres")
    assert "EXTRACT(epoch FROM" in postgres and only_the_title_is_a_regexp(postgres)
    assert "' ', 'g')" in postgres and "' ', 'g')" not in bigquery + spark + snowflake


def only_the_title_is_a_regexp(sql: str) -> bool:
    """In the replay, after the normalisation of raw rows (its own regexps, issue 16)."""
    lines = sql[sql.index("ln AS (") :].upper().splitlines()
    regexps = [n for n, line in enumerate(lines) if "REGEXP" in line]
    # The padded title, made only for a title that may hold a keyword: `... THEN <it> END`.
    return len(regexps) == 1 and any(
        line.endswith("AS TITLE_,") for line in lines[regexps[0] : regexps[0] + 2]
    )


# --- the header and bad input ----------------------------------------------------------------


def header_of(sql: str) -> list[str]:
    return sql[: sql.index("WITH RECURSIVE")].rstrip("\n").splitlines()


def test_the_header_says_what_the_query_reads_and_returns(tmp_path: Path) -> None:
    path = store.create(from_template("acme", "3m-10m", CREATED), tmp_path)
    signed = sign(
        store.load_definition(path),
        "Dana Reyes, VP Marketing",
        "Sam Ortiz, VP Sales",
        date(2025, 6, 30),
        datetime(2025, 2, 10, 15, 30, tzinfo=UTC),
    )
    definition = signed.definition
    record = definition.signoff
    assert record is not None
    header = header_of(export_sql(definition, "snowflake", "crm.public.leads"))
    text = "\n".join(header)
    assert all(line.startswith("--") for line in header)
    assert definition.name in text and "acme v1, signed" in text
    assert f"content sha256 {record.content_sha256}" in text
    assert "review date 2025-06-30" in text
    assert "Dialect: Snowflake" in text and "UTC" in text
    assert "crm.public.leads: one row per lead" in text
    assert "activities: one row per activity" in text
    for name in OUTPUT:
        assert any(line.startswith(f"--   {name} ") for line in header), name
    for column in TABLES["activities"]:
        assert any(line.split()[1:2] == [column.name] for line in header), column.name
    assert "--     mql_at" in text and "(not read by this query)" in text
    assert "a size range such as 51-200 as its lower bound" in text  # as the loader reads it
    assert "ALTERED" not in text


def test_a_draft_has_no_hash_and_a_hostile_name_stays_in_the_comment() -> None:
    data = from_template("x", "1m-3m", CREATED).model_dump()
    data["name"] = "Evil\nDROP TABLE leads; --\r\u2028x"
    sql = export_sql(Definition.model_validate(data), "postgres")
    header = header_of(sql)
    assert all(line.startswith("--") for line in header)
    assert "not signed: no content hash" in "\n".join(header)
    statements = sqlglot.parse(sql, read="postgres")
    assert len(statements) == 1


def test_an_unknown_dialect_is_refused() -> None:
    with pytest.raises(InputError, match="unknown SQL dialect 'oracle'"):
        export_sql(DEFINITIONS["pre-1m"], "oracle")


@pytest.mark.parametrize(
    "name", ["", "leads; DROP TABLE x", "leads l", "leads AS l", "(SELECT 1)", "a.b.c.d.e"]
)
def test_a_bad_table_name_is_refused(name: str) -> None:
    with pytest.raises(InputError, match="is not a table name in PostgreSQL"):
        export_sql(DEFINITIONS["pre-1m"], "postgres", leads_table=name)


def test_a_table_name_is_read_in_the_target_dialect() -> None:
    sql = export_sql(DEFINITIONS["pre-1m"], "bigquery", "my-project.crm.leads", "`p.d.acts`")
    assert "FROM my-project.crm.leads AS l" in sql and "FROM `p.d.acts` AS a" in sql


def test_what_sqlglot_cannot_carry_is_an_error_not_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    untranslatable = textwrap.dedent(
        """
        WITH act AS (
          SELECT date_diff('microsecond', TIMESTAMP '1970-01-01 00:00:00', a."at") AS t, a.kind
          FROM wb_leads_input AS l JOIN wb_activities_input AS a ON a.lead_id = l.lead_id
        )
        SELECT SUM(t) OVER (PARTITION BY t ORDER BY kind
                            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS s
        FROM act
        """
    )
    monkeypatch.setattr(
        warehouse,
        "compile_replay",
        lambda _definition, leads, activities, **_: untranslatable.replace(
            "wb_leads_input", leads
        ).replace("wb_activities_input", activities),
    )
    assert "ORDER BY kind" in export_sql(DEFINITIONS["pre-1m"], "duckdb")
    with pytest.raises(TranslationError, match="cannot translate the query to BigQuery"):
        export_sql(DEFINITIONS["pre-1m"], "bigquery")


# --- the command line ----------------------------------------------------------------------


def a_definition(folder: Path, stage: str = "3m-10m") -> Path:
    return store.create(from_template("acme", stage, CREATED), folder)


def test_cli_sql_defaults_to_duckdb_and_runs(
    runner: CliRunner,
    tmp_path: Path,
    duck: duckdb.DuckDBPyConnection,
    sample: tuple[list[LeadRow], list[ActivityRow]],
) -> None:
    path = a_definition(tmp_path)
    result = run(runner, "export", path, "--format", "sql")
    assert result.exit_code == 0, result.output
    assert "Dialect: DuckDB" in result.stdout
    definition = store.load_definition(path).definition
    assert query_events(duck, result.stdout) == expected(definition, *sample)


def test_cli_sql_for_a_dialect_and_tables(runner: CliRunner, tmp_path: Path) -> None:
    path = a_definition(tmp_path, "30m-plus")
    result = run(
        runner, "export", path, "-f", "sql", "--dialect", "postgres",
        "--leads-table", "crm.leads", "--activities-table", 'crm."Activity Log"',
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Dialect: PostgreSQL" in result.stdout
    assert 'FROM crm."Activity Log" AS a' in result.stdout
    assert result.stdout.rstrip().endswith(";")


def test_cli_sql_out_file_follows_the_other_formats(runner: CliRunner, tmp_path: Path) -> None:
    path = a_definition(tmp_path)
    out = tmp_path / "replay.sql"
    result = run(runner, "export", path, "--format", "sql", "--dialect", "spark", "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"wrote {out} (sql, spark)" in result.stderr
    assert "Dialect: Spark SQL" in out.read_text(encoding="utf-8")
    again = run(runner, "export", path, "--format", "sql", "--out", out)
    one_error(again, 1, "already exists")
    assert "Dialect: Spark SQL" in out.read_text(encoding="utf-8")
    forced = run(runner, "export", path, "--format", "sql", "--out", out, "--force")
    assert forced.exit_code == 0, forced.output
    assert "Dialect: DuckDB" in out.read_text(encoding="utf-8")
    one_error(run(runner, "export", path, "-f", "sql", "--out", tmp_path / "x.toml"), 2, ".toml")


def test_cli_bad_dialect_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    path = a_definition(tmp_path)
    result = run(runner, "export", path, "--format", "sql", "--dialect", "oracle")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "oracle" in result.output and "postgres" in result.output


@pytest.mark.parametrize(
    "option", [["--dialect", "postgres"], ["--leads-table", "x"], ["--activities-table", "y"]]
)
def test_cli_sql_options_need_format_sql(
    runner: CliRunner, tmp_path: Path, option: list[str]
) -> None:
    path = a_definition(tmp_path)
    result = run(runner, "export", path, "--format", "md", *option)
    one_error(result, 2, option[0], "only applies with --format sql")
    assert result.stdout == ""


def test_cli_bad_table_name_is_one_error(runner: CliRunner, tmp_path: Path) -> None:
    path = a_definition(tmp_path)
    result = run(runner, "export", path, "-f", "sql", "--leads-table", "leads; DROP TABLE x")
    one_error(result, 2, "leads table", "is not a table name in DuckDB")
    assert result.stdout == ""


def test_cli_an_altered_signed_file_is_exported_marked_and_exits_1(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = a_definition(tmp_path)
    sign(
        store.load_definition(path),
        "Dana Reyes, VP Marketing",
        "Sam Ortiz, VP Sales",
        date(2025, 6, 30),
        datetime(2025, 2, 10, 15, 30, tzinfo=UTC),
    )
    assert "content sha256" in run(runner, "export", path, "-f", "sql").stdout
    path.write_text(
        path.read_text(encoding="utf-8").replace("threshold = 75", "threshold = 60", 1),
        encoding="utf-8",
    )
    result = run(runner, "export", path, "-f", "sql")
    assert "-- WARNING: ALTERED AFTER SIGNING" in result.stdout
    one_error(result, 1, str(path), "altered after signing")


# --- sqlglot stays out of the way ------------------------------------------------------------


def test_help_and_the_other_commands_do_not_import_sqlglot() -> None:
    code = """
        import runpy, sys
        import workbench.cli, workbench.core.evidence.warehouse
        assert 'sqlglot' not in sys.modules, 'imported by a module'
        sys.argv = ['workbench', '--help']
        try:
            runpy.run_module('workbench', run_name='__main__', alter_sys=True)
        except SystemExit as stop:
            assert not stop.code, stop.code
        print('SQLGLOT', sorted(m for m in sys.modules if m.split('.')[0] == 'sqlglot'))
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "export" in done.stdout
    assert "SQLGLOT []" in done.stdout


def test_the_header_calls_tier_4_sales_requested_as_the_framework_does() -> None:
    header = "\n".join(header_of(export_sql(from_template("acme", "3m-10m", CREATED), "duckdb")))
    tier_line = next(line for line in header.splitlines() if line.startswith("--   tier "))
    assert "4 sales-requested" in tier_line
    assert "product signal" not in header


# --- issue 17: the lead's own data (titles, e-mail domains, activities, the fit score) ---------


def inferred_definition() -> Definition:
    return Definition.model_validate(
        {
            "name": "Inferred",
            "slug": "inferred",
            "stage": "3m-10m",
            "created": CREATED,
            "fit": {
                "exclude_titles": ["student", "open to work"],
                "exclude_email_domains": ["edu", "ac.uk"],
                "exclude_activities": ["careers_page_view"],
                "exclude_activities_days": 10,
                "score": {
                    "threshold": 0,
                    "email_domain_points": {"gmail.com": -10},
                    "title_points": {"vp": 20},
                    "size_points": [{"max_employees": 50, "points": -30}],
                },
            },
            "triggers": {"tier1": ["demo_request"]},
            "recycling": {"resubmit_after_days": 30},
        }
    )


def inferred_data() -> tuple[list[LeadRow], list[ActivityRow]]:
    """Titles with case, punctuation and letters outside ASCII; suffix domains; a hand-set
    persona; a careers-page view that leaves its window; webmail that the fit score weighs."""
    people: dict[str, dict[str, Any]] = {
        "A": {"title": "MSc Student"},
        "B": {"title": "MSc Student", "persona": "employee"},
        "C": {"email": "a@cs.mit.EDU"},
        "D": {"title": "ÉTUDIANT #Open-to--Work"},
        "E": {"title": "Étudiant"},
        "F": {"email": "x@gmail.com", "employees": 30},
        "G": {"email": "x@gmail.com", "employees": 30, "title": "VP, Sales"},
        "H": {"email": "t@ox.ac.uk", "persona": "employee"},
        "I": {"email": "v@notedu.io", "title": "Studentin"},
    }
    leads = [
        LeadRow(lead_id=k, created_at=T0, **{"employees": 200, **v}) for k, v in people.items()
    ]
    activities: list[ActivityRow] = []
    for k in people:
        for kind, day in (("careers_page_view", 0), ("demo_request", 5), ("demo_request", 45)):
            activities.append(ActivityRow(k, kind, T0 + timedelta(days=day)))  # type: ignore[arg-type]
    return leads, activities


def test_the_inferred_data_tells_the_cases_apart() -> None:
    found = [
        (e.lead_id, (e.at - T0).days) for e in expected(inferred_definition(), *inferred_data())
    ]
    # A, C, D: title or domain; F, G: fit score (-40; -20 with 'vp'); E: 'Étudiant' reads
    # 'tudiant' and I: 'Studentin' is not 'student'; both wait for the careers view to age.
    assert found == [("B", 5), ("B", 45), ("E", 45), ("H", 5), ("H", 45), ("I", 45)]


def test_postgres_and_duckdb_read_the_leads_own_data_alike(
    postgres: Postgres, tmp_path: Path
) -> None:
    leads, activities = inferred_data()
    postgres.load(
        "inferred",
        {"leads": "leads", "activities": "activities"},
        leads_csv(leads),
        activities_csv(activities),
    )
    definition = inferred_definition()
    want = expected(definition, leads, activities)
    sql = export_sql(definition, "postgres", "inferred.leads", "inferred.activities")
    assert "'g'" in sql  # every run of separators, not only the first
    assert pg_events(postgres, sql, tmp_path) == want
    con = duckdb_with(leads, activities)
    try:
        assert query_events(con, export_sql(definition, "duckdb")) == want
        for dialect in OTHERS:
            text = export_sql(definition, dialect)
            assert "'g'" not in text  # Snowflake would read it as a position
            back = sqlglot.transpile(text, read=dialect, write="duckdb")[0]
            assert query_events(con, back) == want, dialect
    finally:
        con.close()
