"""Fuzz every command in-process: mutated definitions, leads, CSV/Parquet history, mappings.

Each example starts from valid material (the shipped acme-inbound versions, a template per
stage made with `workbench new`, the example leads, a tiny `workbench sample-data` history in
CSV and Parquet, a mapping file), breaks one input, runs commands on it through typer's runner
and asserts what issue 11 promises whatever the input: no exception escapes, the exit code is
0, 1 or 2, no traceback is printed, and no file changes except the documented target of a
command that writes (a new version, a signed draft, an export --out, a sample, evidence.toml).

The example counts keep the file near 45 s of CPU on one core with the CI profile (measured);
`WORKBENCH_SOAK=20` runs twenty times as many (see `budget.py`).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
import tomllib
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from tests.budget import examples
from workbench.cli import app
from workbench.core.domain.vocab import STAGE_IDS

ROOT = Path(__file__).resolve().parent.parent
SLUG = "acme-inbound"
SAMPLE_LEADS = 12

FUZZ = settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- running a command -------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def invoke(*args: str | Path) -> Result:
    """`workbench ARGS...` in-process, exceptions caught so the test can judge them."""
    argv = [str(a) for a in args]
    note(f"workbench {' '.join(repr(a) for a in argv)}")
    return CliRunner().invoke(app, argv, catch_exceptions=True)


def survived(result: Result) -> None:
    """No exception escaped, a documented exit code, no traceback in the output."""
    error = result.exception
    if error is not None and not isinstance(error, SystemExit):
        trace = "".join(traceback.format_exception(error))
        raise AssertionError(f"uncaught {type(error).__name__}:\n{trace}\n{result.output}")
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    assert "Traceback" not in result.output, result.output
    found = _CONTROL.search(result.output)
    assert found is None, f"control character {found.group()!r} in: {result.output!r}"


Snapshot = dict[str, bytes]


def snapshot(root: Path) -> Snapshot:
    """Every regular file under root, path -> bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def changed(before: Snapshot, after: Snapshot) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def run_checked(
    root: Path,
    args: Sequence[str | Path],
    may_write: Sequence[Path] = (),
    under: Sequence[Path] = (),
) -> Result:
    """Run one command and check it survived and wrote nothing but `may_write` (and files
    inside the folders `under`: export --format dbt writes a project)."""
    before = snapshot(root)
    result = invoke(*args)
    survived(result)
    allowed = {_inside(root, p) for p in may_write} - {None}
    folders = {_inside(root, p) for p in under} - {None}
    wrote = changed(before, snapshot(root))
    wrote_elsewhere = {w for w in wrote if not any(w.startswith(f"{f}/") for f in folders)}
    assert wrote_elsewhere <= allowed, (list(args), sorted(wrote - allowed), result.output)
    if result.exit_code == 2:
        # Bad input writes nothing at all. (Exit 1 may come after a write: an export or a
        # backtest of a signed file altered since is written, marked, and exits 1.)
        assert not wrote, (list(args), sorted(wrote), result.output)
    return result


def _inside(root: Path, path: Path) -> str | None:
    full = os.path.normpath(root / path if not path.is_absolute() else path)
    rel = os.path.relpath(full, root)
    return None if rel.startswith("..") else Path(rel).as_posix()


# --- the valid material every example starts from ----------------------------------------

MAPPED_HEADERS = {"lead_id": "Record ID", "created_at": "Create Date", "kind": "Activity Type"}
MAPPING_TOML = """\
# Headers renamed in data/mapped, a date format and a translated value.
date_formats = ["%d.%m.%Y"]

[leads]
lead_id = "Record ID"
created_at = "Create Date"

[activities]
lead_id = "Record ID"
kind = "Activity Type"

[values.sdr_decision]
"Closed Won" = "accepted"
"""


@pytest.fixture(scope="module")
def material(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pristine folder: definitions, templates, leads, history in CSV and Parquet, a mapping."""
    root = tmp_path_factory.mktemp("material")
    shutil.copytree(ROOT / "definitions", root / "defs")
    shutil.copytree(ROOT / "examples" / "leads", root / "leads")
    for stage in STAGE_IDS:
        made = CliRunner().invoke(
            app, ["new", f"tpl-{stage}", "--stage", stage, "-d", str(root / "defs")]
        )
        assert made.exit_code == 0, made.output
    for fmt in ("csv", "parquet"):
        out = root / "data" / fmt
        args = ["sample-data", "--out", str(out), "-n", str(SAMPLE_LEADS), "--seed", "7"]
        made = CliRunner().invoke(app, [*args, "--format", fmt])
        assert made.exit_code == 0, made.output
    mapped = root / "data" / "mapped"
    mapped.mkdir()
    for name in ("leads.csv", "activities.csv"):
        rows = list(csv.reader(io.StringIO((root / "data" / "csv" / name).read_text())))
        rows[0] = [MAPPED_HEADERS.get(h, h) for h in rows[0]]
        (mapped / name).write_text(_csv_text(rows))
    (root / "mapping.toml").write_text(MAPPING_TOML)
    # Every stored input really is valid: the fuzz starts from inputs the commands accept.
    for args in (
        [
            "backtest",
            "defs/acme-inbound/v2.toml",
            "--leads",
            "data/mapped/leads.csv",
            "--activities",
            "data/mapped/activities.csv",
            "--mapping",
            "mapping.toml",
        ],
        [
            "backtest",
            "defs/acme-inbound/v2.toml",
            "--leads",
            "data/parquet/leads.parquet",
            "--activities",
            "data/parquet/activities.parquet",
        ],
    ):
        with inside(root):
            assert CliRunner().invoke(app, args).exit_code == 0
    return root


@contextmanager
def inside(folder: Path) -> Iterator[None]:
    """Run with `folder` as the working directory (paths in a command stay short and relative)."""
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


@contextmanager
def workspace(material: Path) -> Iterator[Path]:
    """A fresh copy of the material for one example, as the working directory."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        root = Path(tmp) / "w"
        shutil.copytree(material, root)
        with inside(root):
            yield root


def _csv_text(rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


DEFINITION_FILES = [
    "defs/acme-inbound/v1.toml",
    "defs/acme-inbound/v2.toml",
    *(f"defs/tpl-{stage}/v1.toml" for stage in STAGE_IDS),
]

# --- odd values ---------------------------------------------------------------------------

ODD_STRINGS = [
    "",
    " ",
    "\t\n",
    "\x1b[31mred\x1b[0m",
    "bell\x07",
    "nul\x00byte",
    "\u202eevil",
    "zero\u200bwidth",
    "💥" * 5,
    "ß" * 40,
    "a" * 2000,
    "../../etc/passwd",
    "Robert'); DROP TABLE leads;--",
    "<script>alert(1)</script>",
    "{{ name }}",
    "%s%n%d",
    "NaN",
    "-0",
    "1e309",
    "2025-06-01",
]
odd_text = st.one_of(
    st.sampled_from(ODD_STRINGS),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
)
ODD_NUMBERS = [0, -1, 1, -(2**63), 2**63 - 1, 2**64, 10**30, -(10**30)]
odd_scalar = st.one_of(
    odd_text,
    st.sampled_from(ODD_NUMBERS),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)
odd_value = st.recursive(
    odd_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(odd_text, inner, max_size=3),
    max_leaves=6,
)

# --- TOML mutations -----------------------------------------------------------------------

Path_ = tuple[str | int, ...]


def _paths(value: Any, at: Path_ = ()) -> Iterator[Path_]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*at, key)
            yield from _paths(inner, (*at, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield (*at, index)
            yield from _paths(inner, (*at, index))


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: Path_, value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


def _delete(data: Any, path: Path_) -> None:
    del _get(data, path[:-1])[path[-1]]


NEST = "\x00nest\x00"
NEST_TOML = tomli_w.dumps({"x": NEST}).split("=", 1)[1].strip()


def _nested(depth: int, kind: str) -> str:
    if kind == "array":
        return "[" * depth + "1" + "]" * depth
    return "{ a = " * depth + "1" + " }" * depth


# Depth and size of the nesting and dotted-key branches: modest unless the known crashes
# (RecursionError, quadratic dotted keys) are switched on.
MAX_DEPTH = 1200
MAX_DOTS = 3000


@st.composite
def data_mutation(draw: st.DrawFn, data: dict[str, Any]) -> str:
    """Parse, change one key path (delete, retype, swap, nest), dump again."""
    paths = list(_paths(data))
    path = draw(st.sampled_from(paths))
    op = draw(st.sampled_from(["delete", "retype", "swap", "nest", "add"]))
    nest = ""
    if op == "delete":
        _delete(data, path)
    elif op == "retype":
        _set(data, path, draw(odd_value))
    elif op == "swap":
        other = draw(st.sampled_from(paths))
        a, b = _get(data, path), _get(data, other)
        try:
            _set(data, path, b)
            _set(data, other, a)
        except (IndexError, KeyError, TypeError):
            pass  # one path was inside the other
    elif op == "nest":
        depth = draw(st.integers(1, MAX_DEPTH) | st.just(MAX_DEPTH))
        nest = _nested(depth, draw(st.sampled_from(["array", "table"])))
        _set(data, path, NEST)
    else:
        target = _get(data, path[:-1])
        if isinstance(target, dict):
            target[draw(odd_text)] = draw(odd_value)
        else:
            target.append(draw(odd_value))
    text = tomli_w.dumps(data)
    return text.replace(NEST_TOML, nest) if nest else text


@st.composite
def text_mutation(draw: st.DrawFn, raw: bytes) -> bytes:
    """Change the file as text or bytes: truncate, splice bytes, duplicate or drop a line."""
    lines = raw.splitlines(keepends=True)
    op = draw(
        st.sampled_from(
            ["truncate", "bytes", "duplicate", "drop", "dotted", "empty", "crlf", "bom"]
        )
    )
    if op == "truncate":
        return raw[: draw(st.integers(0, len(raw)))]
    if op == "bytes":
        spliced = bytearray(raw)
        at = draw(st.integers(0, len(spliced)))
        junk = draw(st.binary(min_size=1, max_size=8))
        if draw(st.booleans()):
            spliced[at : at + len(junk)] = junk
        else:
            spliced[at:at] = junk
        return bytes(spliced)
    if op in ("duplicate", "drop"):
        if not lines:
            return raw
        index = draw(st.integers(0, len(lines) - 1))
        if op == "duplicate":
            lines.insert(index, lines[index])
        else:
            del lines[index]
        return b"".join(lines)
    if op == "dotted":
        parts = draw(st.integers(2, MAX_DOTS) | st.just(MAX_DOTS))
        return raw + b"\n" + b".".join([b"k"] * parts) + b" = 1\n"
    if op == "empty":
        return draw(st.sampled_from([b"", b"\n", b"# only a comment\n"]))
    if op == "crlf":
        return raw.replace(b"\n", b"\r\n")
    return b"\xef\xbb\xbf" + raw


@dataclass(frozen=True)
class Source:
    """A valid input's content, shown by name in hypothesis' reports (not 300 lines of it)."""

    name: str
    raw: bytes

    def __repr__(self) -> str:
        return f"<{self.name}>"

    @classmethod
    def of(cls, path: Path) -> Source:
        return cls(
            path.name if path.parent.name in ("", ".") else f"{path.parent.name}/{path.name}",
            path.read_bytes(),
        )


@st.composite
def mutated_toml(draw: st.DrawFn, source: Source) -> bytes:
    """One or two mutations of a valid TOML file, at the data level or the text level."""
    raw = source.raw
    for _ in range(draw(st.integers(1, 2))):
        try:
            data = tomllib.loads(raw.decode())
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
            data = None  # (RecursionError: a deep nesting drawn before; mutate it as text)
        if data and draw(st.booleans()):
            try:
                raw = draw(data_mutation(data)).encode()
            except RecursionError:
                raw = draw(text_mutation(raw))
        else:
            raw = draw(text_mutation(raw))
    note(f"mutated {source.name}:\n{raw.decode(errors='backslashreplace')}")
    return raw


# --- CSV and Parquet mutations ------------------------------------------------------------

BAD_DATES = [
    "",
    "2025-02-30",
    "2025-13-01",
    "0001-01-01",
    "0001-01-01T00:00:00+05:00",
    "1900-01-01T00:00:00Z",
    "2025-06-01T25:61:00Z",
    "2025-06-01T10:00:00+14:00",
    "2262-04-12",
    "9999-11-30",
    "yesterday",
    "12/31/2025",
    "31.12.2025",
    "1735689600",
    # "Never", as CRMs write it: the month after such an activity is in year 10000.
    "9999-12-31",
    "9999-12-31T23:59:59Z",
    "31.12.9999",
]
BAD_CELLS = [
    *BAD_DATES,
    " ",
    "-5",
    "99999999999999999999",
    "1e309",
    "NaN",
    "inf",
    "true",
    'a "quoted" cell',
    "two\nlines",
    "demo_request",
    "Closed Won",
    "L000001",
]
TIMESTAMP_COLUMNS = ("created_at", "Create Date", "mql_at", "opportunity_at", "won_at", "at")
bad_cell = st.one_of(st.sampled_from(BAD_CELLS), odd_text)


@st.composite
def mutated_csv(draw: st.DrawFn, source: Source) -> bytes:
    """A CSV with cells dropped, added or replaced, rows duplicated, odd encodings or bytes."""
    rows = list(csv.reader(io.StringIO(source.raw.decode())))
    op = draw(
        st.sampled_from(
            [
                "date",
                "date",
                "cell",
                "cell",
                "drop",
                "extra",
                "dup",
                "header-only",
                "empty",
                "no-header",
                "bom",
                "latin-1",
                "utf-16",
                "crlf",
                "truncate",
                "bytes",
            ]
        )
    )
    row = draw(st.integers(0, len(rows) - 1))
    dated = [i for i, name in enumerate(rows[0]) if name in TIMESTAMP_COLUMNS]
    if op == "date" and dated:
        column = draw(st.sampled_from(dated))
        for _ in range(draw(st.integers(1, 3))):
            rows[draw(st.integers(1, len(rows) - 1))][column] = draw(st.sampled_from(BAD_DATES))
    elif op == "cell":
        for _ in range(draw(st.integers(1, 3))):
            row = draw(st.integers(0, len(rows) - 1))
            rows[row][draw(st.integers(0, len(rows[row]) - 1))] = draw(bad_cell)
    elif op == "drop":
        rows[row] = rows[row][: draw(st.integers(0, len(rows[row]) - 1))]
    elif op == "extra":
        rows[row] = [*rows[row], *draw(st.lists(bad_cell, min_size=1, max_size=3))]
    elif op == "dup":
        rows.insert(row, list(rows[row]))
    elif op == "header-only":
        rows = rows[:1]
    elif op == "empty":
        return draw(st.sampled_from([b"", b"\n", b"\n\n"]))
    elif op == "no-header":
        rows = rows[1:]
    text = _csv_text(rows)
    if op == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if op == "latin-1":
        return text.replace("a", "ä", 3).encode("latin-1")
    if op == "utf-16":
        return text.encode("utf-16")
    if op == "crlf":
        return text.replace("\n", "\r\n").encode()
    if op == "truncate":
        return text.encode()[: draw(st.integers(0, len(text)))]
    if op == "bytes":
        data = bytearray(text.encode())
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=8))
        return bytes(data)
    note(f"mutated CSV:\n{text[:2000]}")
    return text.encode()


# (SQL type, expression) a Parquet column is replaced with, in some rows or all of them.
PARQUET_VALUES = [
    ("VARCHAR", "NULL"),
    ("VARCHAR", "''"),
    ("VARCHAR", "'not a value'"),
    ("VARCHAR", "'2025-02-30'"),
    ("VARCHAR", "chr(27) || '[31m'"),
    ("BIGINT", "-5"),
    ("BIGINT", "9223372036854775807"),
    ("DOUBLE", "'nan'::DOUBLE"),
    ("DOUBLE", "'inf'::DOUBLE"),
    ("BOOLEAN", "true"),
    ("DATE", "DATE '1970-01-01'"),
    ("TIMESTAMP", "TIMESTAMP '0001-01-01 00:00:00'"),
    ("TIMESTAMPTZ", "TIMESTAMPTZ '2025-06-01 10:00:00+05'"),
    ("HUGEINT", "170141183460469231731687303715884105727::HUGEINT"),
]
PARQUET_VALUES += [("TIMESTAMP", "TIMESTAMP '9999-12-31 00:00:00'")]


@st.composite
def parquet_edit(draw: st.DrawFn, columns: Sequence[str]) -> Callable[[Path, Path], None]:
    """A function writing a changed copy of a Parquet file: a column retyped, dropped or added,
    rows duplicated, or the bytes truncated or spliced."""
    op = draw(st.sampled_from(["value", "value", "drop", "add", "dup", "truncate", "bytes"]))
    column = draw(st.sampled_from(columns))
    if op in ("truncate", "bytes"):
        cut = draw(st.integers(0, 4000))
        junk = draw(st.binary(min_size=1, max_size=8))

        def edit_bytes(source: Path, target: Path) -> None:
            raw = source.read_bytes()
            at = min(cut, len(raw))
            target.write_bytes(raw[:at] if op == "truncate" else raw[:at] + junk + raw[at:])

        return edit_bytes
    sql_type, expr = draw(st.sampled_from(PARQUET_VALUES))
    every = draw(st.integers(1, 4))
    quoted = '"' + column + '"'
    if op == "value":
        select = (
            f"* REPLACE (CASE WHEN row_number() OVER () % {every} = 0 THEN ({expr})::{sql_type} "
            f"ELSE TRY_CAST({quoted} AS {sql_type}) END AS {quoted})"
        )
    elif op == "drop":
        select = f"* EXCLUDE ({quoted})"
    elif op == "add":
        select = f'*, ({expr})::{sql_type} AS "{draw(st.sampled_from(["extra", column + " "]))}"'
    else:
        select = "* FROM read_parquet('{src}') UNION ALL SELECT *"
    note(f"parquet edit: SELECT {select}")

    def edit_sql(source: Path, target: Path) -> None:
        import duckdb

        con = duckdb.connect()
        try:
            src = str(source).replace("'", "''")
            query = f"SELECT {select.format(src=src)} FROM read_parquet('{src}')"
            con.execute(
                f"COPY ({query}) TO '{str(target).replace(chr(39), chr(39) * 2)}' (FORMAT parquet)"
            )
        finally:
            con.close()

    return edit_sql


# --- mapping mutations ----------------------------------------------------------------------

DATE_FORMATS = [
    *["%d.%m.%Y", "%Y", "%", "%Q", "%%", "", "%d/%m/%Y %H:%M:%S %z", "%s", "x" * 300],
    *["%Y-%m-%d %Y", "%d.%m.%Y.%d"],  # a directive given twice
]


@st.composite
def mutated_mapping(draw: st.DrawFn) -> bytes:
    """The valid mapping, changed in a mapping-specific way or by a generic TOML mutation."""
    data = tomllib.loads(MAPPING_TOML)
    op = draw(st.sampled_from(["formats", "preset", "header", "value", "toml", "toml"]))
    if op == "formats":
        formats = draw(st.lists(st.sampled_from(DATE_FORMATS) | odd_text, max_size=3))
        data["date_formats"] = formats
    elif op == "preset":
        data["preset"] = draw(
            st.sampled_from(["hubspot", "salesforce", "canonical", "HubSpot"]) | odd_value
        )
    elif op == "header":
        table = draw(st.sampled_from(["leads", "activities"]))
        column = draw(st.sampled_from(["lead_id", "created_at", "kind", "at", "email", "nope"]))
        header = draw(st.sampled_from(["Record ID", "Create Date", "missing", " "]) | odd_value)
        data[table][column] = header
    elif op == "value":
        column = draw(st.sampled_from(["sdr_decision", "kind", "seniority", "lead_id"]))
        their = draw(odd_text)
        data["values"].setdefault(column, {})[their] = draw(
            st.sampled_from(["accepted", "demo_request", "vp", "nope"]) | odd_value
        )
    else:
        return draw(mutated_toml(Source("mapping.toml", MAPPING_TOML.encode())))
    text = tomli_w.dumps(data)
    note(f"mapping:\n{text}")
    return text.encode()


# --- the properties ---------------------------------------------------------------------------

READ_ONLY = [
    ["show", "{f}"],
    ["show", "{f}", "--json"],
    ["test", "{f}"],
    ["test", "{f}", "--json"],
    ["lint", "{f}"],
    ["lint", "{f}", "--json"],
    ["evaluate", "{f}", "--lead", "leads/director-demo-request.toml"],
    ["diff", "defs/acme-inbound/v1.toml", "{f}"],
    ["diff", "{f}", "defs/acme-inbound/v2.toml", "--json"],
    ["export", "{f}", "--format", "md"],
    ["export", "{f}", "--format", "html"],
    ["export", "{f}", "--format", "json"],
    ["export", "{f}", "--format", "sql", "--dialect", "postgres"],
    [
        "backtest",
        "{f}",
        "--leads",
        "data/parquet/leads.parquet",
        "--activities",
        "data/parquet/activities.parquet",
        "--json",
    ],
    ["check", "defs"],
    ["check", "defs", "--format", "junit"],
    ["log", "{slug}", "--dir", "defs"],
]


@FUZZ
@given(data=st.data())
@pytest.mark.parametrize("half", range(2))
def test_a_broken_definition_through_every_reading_command(
    material: Path, half: int, data: st.DataObject
) -> None:
    """One definition file broken; each command that reads it answers and changes nothing.

    The commands are split in two halves (two tests), so each gets its own examples."""
    target = data.draw(st.sampled_from(DEFINITION_FILES), label="file")
    broken = data.draw(mutated_toml(Source.of(material / target)), label="content")
    with workspace(material) as root:
        (root / target).write_bytes(broken)
        slug = Path(target).parent.name
        for command in READ_ONLY[half::2]:
            run_checked(root, [a.format(f=target, slug=slug) for a in command])


@FUZZ
@given(data=st.data())
def test_a_broken_definition_through_the_writing_commands(
    material: Path, data: st.DataObject
) -> None:
    """sign, new-version and export --out write only their own file, and only on success."""
    target = data.draw(st.sampled_from(DEFINITION_FILES), label="file")
    broken = data.draw(mutated_toml(Source.of(material / target)), label="content")
    drop_draft = data.draw(st.booleans(), label="drop v2")
    with workspace(material) as root:
        if drop_draft:
            (root / "defs" / SLUG / "v2.toml").unlink()
        if (root / target).exists():
            (root / target).write_bytes(broken)
        folder = Path(target).parent
        latest = max(int(p.stem[1:]) for p in (root / folder).glob("v*.toml"))
        run_checked(root, ["new-version", folder], [folder / f"v{latest + 1}.toml"])
        run_checked(root, ["new-version", target, "--json"], [folder / f"v{latest + 1}.toml"])
        run_checked(root, ["export", target, "--out", "out.md"], [Path("out.md")])
        run_checked(root, ["export", target, "-f", "sql", "--out", "out.sql"], [Path("out.sql")])
        run_checked(
            root,
            [
                "sign",
                target,
                "--marketing",
                "Dana Reyes, VP Marketing",
                "--sales",
                "Sam Ortiz, VP Sales",
            ],
            [Path(target)],
        )


@FUZZ
@given(data=st.data())
def test_a_broken_lead_file(material: Path, data: st.DataObject) -> None:
    """evaluate reads a lead file; a broken one is one located error, never a traceback."""
    lead = data.draw(st.sampled_from(sorted(p.name for p in (material / "leads").iterdir())))
    broken = data.draw(mutated_toml(Source.of(material / "leads" / lead)), label="lead")
    definition = data.draw(st.sampled_from(DEFINITION_FILES), label="definition")
    with workspace(material) as root:
        (root / "leads" / lead).write_bytes(broken)
        run_checked(root, ["evaluate", definition, "--lead", f"leads/{lead}"])
        run_checked(root, ["evaluate", definition, "-l", f"leads/{lead}", "--json"])


HISTORY = {
    "csv": ("data/csv/leads.csv", "data/csv/activities.csv", None),
    "mapped": ("data/mapped/leads.csv", "data/mapped/activities.csv", "mapping.toml"),
    "parquet": ("data/parquet/leads.parquet", "data/parquet/activities.parquet", None),
}


def _backtest_args(
    data: st.DataObject, leads: str, activities: str, mapping: str | None
) -> tuple[list[str], list[Path]]:
    """backtest with the files, and some of --json, --compare and --remember."""
    args = ["backtest", "defs/acme-inbound/v2.toml", "--leads", leads, "--activities", activities]
    if mapping is not None:
        args += ["--mapping", mapping]
    if data.draw(st.booleans(), label="--json"):
        args.append("--json")
    if data.draw(st.booleans(), label="--compare"):
        args += ["--compare", "defs/acme-inbound/v1.toml"]
    may_write: list[Path] = []
    if data.draw(st.booleans(), label="--remember"):
        args.append("--remember")
        may_write.append(Path("defs/evidence.toml"))
    return args, may_write


@FUZZ
@given(data=st.data())
def test_a_broken_lead_history(material: Path, data: st.DataObject) -> None:
    """backtest over a CSV or Parquet file with bad cells, rows, encodings or bytes."""
    kind = data.draw(st.sampled_from(sorted(HISTORY)), label="history")
    leads, activities, mapping = HISTORY[kind]
    target = data.draw(st.sampled_from([leads, activities]), label="file")
    with workspace(material) as root:
        if kind == "parquet":
            table = "leads" if target == leads else "activities"
            columns = next(csv.reader(io.StringIO((root / f"data/csv/{table}.csv").read_text())))
            edit = data.draw(parquet_edit(columns), label="parquet edit")
            original = root / "original.parquet"
            shutil.move(root / target, original)
            edit(original, root / target)
            original.unlink()
        else:
            (root / target).write_bytes(
                data.draw(mutated_csv(Source.of(root / target)), label=target)
            )
        args, may_write = _backtest_args(data, leads, activities, mapping)
        run_checked(root, args, may_write)


@FUZZ
@given(data=st.data())
def test_a_broken_mapping_or_evidence_file(material: Path, data: st.DataObject) -> None:
    """backtest with a mapping TOML or an evidence.toml changed in ways people get wrong."""
    leads, activities, _ = HISTORY["mapped"]
    with workspace(material) as root:
        if data.draw(st.booleans(), label="mapping (else evidence.toml)"):
            (root / "mapping.toml").write_bytes(data.draw(mutated_mapping(), label="mapping"))
            args, may_write = _backtest_args(data, leads, activities, "mapping.toml")
        else:
            valid = tomli_w.dumps(
                {
                    "leads": f"../{leads}",
                    "activities": f"../{activities}",
                    "mapping": "../mapping.toml",
                }
            )
            broken = data.draw(
                mutated_toml(Source("evidence.toml", valid.encode())), label="evidence.toml"
            )
            (root / "defs" / "evidence.toml").write_bytes(broken)
            args = ["backtest", "defs/acme-inbound/v2.toml"]
            may_write = []
        run_checked(root, args, may_write)


# A shell cannot pass a NUL byte in an argument, and "/" would let a slug name any path.
arg_text = st.one_of(
    st.sampled_from([s for s in ODD_STRINGS if "\x00" not in s]),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00/"), max_size=20),
)
SPECIAL_PATHS = [
    "missing.toml",
    "defs",
    "defs/acme-inbound",
    "/dev/null",
    "empty.toml",
    "mapping.toml",
    "leads/student-ebook.toml",
    "data/csv/leads.csv",
    "data/parquet/leads.parquet",
]
SPECIAL_PATHS.append("/dev/zero")
special_path = st.sampled_from(SPECIAL_PATHS)


ODD_COMMANDS = ["new", "sign", "sample-data", "export", "path", "backtest-path", "schema", "stages"]


@st.composite
def odd_invocation(draw: st.DrawFn, command: str) -> tuple[list[str], list[str]]:
    """A command with odd arguments, and the files it may write."""
    if command in ("schema", "stages"):
        return [
            command,
            *draw(st.lists(st.sampled_from(["lead", "definition"]) | arg_text, max_size=1)),
        ], []
    if command == "new":
        slug = draw(st.sampled_from(["fresh", "../escape", "a/b", "acme-inbound", "UP"]) | arg_text)
        stage = draw(st.sampled_from([*STAGE_IDS, "1M-3M", ""]) | arg_text)
        folder = draw(
            st.sampled_from(["defs", "defs", "new-defs", "data/csv/leads.csv", "/dev/null"])
        )
        args = ["new", slug, "--stage", stage, "--dir", folder]
        if draw(st.booleans()):
            args += ["--name", draw(arg_text)]
        return args, [f"{folder}/{slug}/v1.toml"]
    if command == "sign":
        target = draw(st.sampled_from(DEFINITION_FILES))
        args = ["sign", target]
        for option in (
            "--marketing",
            "--sales",
            "--marketing-role",
            "--sales-role",
            "--review-date",
        ):
            if draw(st.booleans()):
                value = draw(arg_text | st.sampled_from(["Dana, VP", "2027-01-01", "9999-12-31"]))
                args += [option, value]
        if draw(st.booleans()):
            # SSH sign-off with keys that are missing, not keys, or with an odd side.
            args = ["sign", target, "--as", draw(st.sampled_from(["marketing", "sales", "legal"]))]
            args += ["--ssh-key", draw(special_path)]
            if draw(st.booleans()):
                args += ["--name", draw(arg_text)]
        return args, [target]
    if command == "sample-data":
        out = draw(
            st.sampled_from(
                [
                    "data/new",
                    "data/csv",
                    "data/csv/leads.csv",
                    "data/csv/leads.csv/sub",
                    "deep/er",
                ]
            )
        )
        fmt = draw(st.sampled_from(["csv", "parquet", "xlsx"]))
        count = draw(st.integers(-2, 25))
        seed = draw(st.integers(-(2**70), 2**70))
        args = ["sample-data", "--out", out, "-n", str(count), "--seed", str(seed), "-f", fmt]
        return args, [f"{out}/leads.{fmt}", f"{out}/activities.{fmt}"]
    if command == "export":
        source = draw(st.sampled_from(DEFINITION_FILES))
        out = draw(
            st.sampled_from(
                ["out.md", "defs", "missing/out.md", "data/csv/leads.csv", "OUT.TOML", source]
            )
        )
        args = [
            "export",
            source,
            "--out",
            out,
            "-f",
            draw(st.sampled_from(["md", "html", "json", "sql"])),
        ]
        if draw(st.booleans()):
            args.append("--force")
        return args, [out]
    if command == "path":
        path = draw(special_path)
        other = draw(st.sampled_from(["defs/acme-inbound/v1.toml", path]))
        args = draw(
            st.sampled_from(
                [
                    ["show", path],
                    ["test", path],
                    ["lint", path],
                    ["export", path],
                    ["diff", other, path],
                    ["evaluate", "defs/acme-inbound/v2.toml", "--lead", path],
                    ["evaluate", path, "--lead", "leads/student-ebook.toml"],
                    ["new-version", path],
                    ["log", draw(arg_text), "--dir", path],
                    ["check", path],
                ]
            )
        )
        return args, [] if args[0] != "new-version" else [
            f"{path}/v2.toml",
            f"{Path(path).parent}/v2.toml",
        ]
    path = draw(special_path)
    kind = draw(st.sampled_from(["--leads", "--activities", "--mapping", "--compare", "PATH"]))
    files = {"--leads": "data/csv/leads.csv", "--activities": "data/csv/activities.csv"}
    if kind in files:
        files[kind] = path
    args = ["backtest", path if kind == "PATH" else "defs/acme-inbound/v2.toml"]
    args += ["--leads", files["--leads"], "--activities", files["--activities"]]
    if kind in ("--mapping", "--compare"):
        args += [kind, path]
    return args, []


@settings(FUZZ, max_examples=examples(25))  # cheap: one short command per example
@given(data=st.data())
@pytest.mark.parametrize("command", ODD_COMMANDS)
def test_odd_arguments_and_paths(material: Path, command: str, data: st.DataObject) -> None:
    """Arguments people mistype: odd slugs, names, dates, counts, --out targets, paths that are
    folders, devices, empty or the wrong kind of file."""
    args, may_write = data.draw(odd_invocation(command), label="invocation")
    with workspace(material) as root:
        (root / "empty.toml").write_bytes(b"")
        run_checked(root, args, [Path(p) for p in may_write])


# --- the commands of 2026-12: sla, metrics, review, export --format dbt ---------------------

CSV_HISTORY = ["--leads", "data/csv/leads.csv", "--activities", "data/csv/activities.csv"]
# Each reads the definition and the history; review --dry-run and export --format dbt write
# nothing or only their own target.
NEW_READING = [
    ["sla", "{f}", *CSV_HISTORY],
    ["sla", "{f}", *CSV_HISTORY, "--json"],
    ["metrics", "{f}", *CSV_HISTORY, "--json"],
    ["metrics", "{f}", *CSV_HISTORY, "-f", "html", "--every", "month"],
    ["review", "{f}", *CSV_HISTORY, "--dry-run"],
    ["review", "{f}", *CSV_HISTORY, "--dry-run", "-f", "md"],
]


@FUZZ
@given(data=st.data())
def test_a_broken_definition_through_the_new_commands(material: Path, data: st.DataObject) -> None:
    """sla, metrics, review and export --format dbt over a broken definition: an answer or
    one located message; review writes only the next version, dbt only its folder."""
    target = data.draw(st.sampled_from(DEFINITION_FILES), label="file")
    broken = data.draw(mutated_toml(Source.of(material / target)), label="content")
    drop_draft = data.draw(st.booleans(), label="drop v2")
    with workspace(material) as root:
        if drop_draft:
            (root / "defs" / SLUG / "v2.toml").unlink()
        if (root / target).exists():
            (root / target).write_bytes(broken)
        command = data.draw(st.sampled_from(NEW_READING), label="command")
        run_checked(root, [a.format(f=target) for a in command])
        folder = Path(target).parent
        latest = max(int(p.stem[1:]) for p in (root / folder).glob("v*.toml"))
        run_checked(root, ["review", target, *CSV_HISTORY], [folder / f"v{latest + 1}.toml"])
        run_checked(root, ["export", target, "-f", "dbt", "--out", "dbt"], under=[Path("dbt")])


NEW_ON_HISTORY = [
    ["sla", "defs/acme-inbound/v2.toml"],
    ["sla", "defs/acme-inbound/v2.toml", "--json"],
    ["metrics", "defs/acme-inbound/v2.toml"],
    ["metrics", "defs/acme-inbound/v2.toml", "-f", "md", "--every", "week"],
    ["review", "defs/acme-inbound/v1.toml", "--dry-run"],
    ["review", "defs/acme-inbound/v1.toml", "--dry-run", "--json"],
]


@FUZZ
@given(data=st.data())
def test_a_broken_lead_history_through_the_new_commands(
    material: Path, data: st.DataObject
) -> None:
    """sla, metrics and review --dry-run over a CSV or Parquet file with bad cells or bytes."""
    kind = data.draw(st.sampled_from(sorted(HISTORY)), label="history")
    leads, activities, mapping = HISTORY[kind]
    target = data.draw(st.sampled_from([leads, activities]), label="file")
    with workspace(material) as root:
        if kind == "parquet":
            table = "leads" if target == leads else "activities"
            columns = next(csv.reader(io.StringIO((root / f"data/csv/{table}.csv").read_text())))
            edit = data.draw(parquet_edit(columns), label="parquet edit")
            original = root / "original.parquet"
            shutil.move(root / target, original)
            edit(original, root / target)
            original.unlink()
        else:
            (root / target).write_bytes(
                data.draw(mutated_csv(Source.of(root / target)), label=target)
            )
        args = [*data.draw(st.sampled_from(NEW_ON_HISTORY), label="command")]
        args += ["--leads", leads, "--activities", activities]
        if mapping is not None:
            args += ["--mapping", mapping]
        run_checked(root, args)


ODD_DAYS = ["2025-06-01", "2025-01-01", "2026-01-01", "9999-12-31", "0001-01-01", "2025-02-30"]
ODD_QUARTERS = ["2025Q3", "2025Q1", "2025Q5", "2025Q0", "garbage", "9999Q4", "0000Q1", "2030Q1"]
ODD_OUTS = ["out.md", "missing/out.md", "defs", "defs/acme-inbound/v1.toml", "data/csv/leads.csv"]
DBT_INPUTS = ["ref('x')", "source('crm', 'leads')", "ref('x'); drop table y", "", "{{ x }}"]


@st.composite
def odd_new_invocation(draw: st.DrawFn, command: str) -> tuple[list[str], list[str]]:
    """sla, metrics, review and export --format dbt with odd options and targets."""
    definition = draw(st.sampled_from(DEFINITION_FILES))
    if command == "dbt":
        out = draw(st.sampled_from(["dbt", "data/csv/leads.csv", "missing/dbt", "defs"]))
        args = ["export", definition, "-f", "dbt", "--out", out]
        for option in ("--leads", "--activities"):
            if draw(st.booleans()):
                args += [option, draw(st.sampled_from(DBT_INPUTS) | arg_text)]
        if draw(st.booleans()):
            args.append("--force")
        return args, [f"{out}/"]
    args = [command, definition, *CSV_HISTORY]
    may_write: list[str] = []
    if command == "sla":
        for option in ("--from", "--to"):
            if draw(st.booleans()):
                args += [option, draw(st.sampled_from(ODD_DAYS) | arg_text)]
    elif command == "metrics":
        if draw(st.booleans()):
            args += ["--every", draw(st.sampled_from(["week", "fortnight", ""]) | arg_text)]
        if draw(st.booleans()):
            args += ["-f", draw(st.sampled_from(["md", "html", "pdf"]))]
    else:
        if draw(st.booleans()):
            args += ["--quarter", draw(st.sampled_from(ODD_QUARTERS) | arg_text)]
        if draw(st.booleans()):
            args.append("--dry-run")
        if draw(st.booleans()):
            args += ["-f", draw(st.sampled_from(["md", "html"]))]
        folder = Path(definition).parent
        may_write += [f"{folder}/v{n}.toml" for n in (2, 3)]
    if command != "sla" and draw(st.booleans()):
        out = draw(st.sampled_from(ODD_OUTS))
        args += ["--out", out]
        may_write.append(out)
    if draw(st.booleans()):
        args.append("--json")
    return args, may_write


@settings(FUZZ, max_examples=examples(10))
@given(data=st.data())
@pytest.mark.parametrize("command", ["sla", "metrics", "review", "dbt"])
def test_odd_arguments_to_the_new_commands(
    material: Path, command: str, data: st.DataObject
) -> None:
    """Dates, quarters, periods, --out targets and dbt inputs people mistype."""
    args, may_write = data.draw(odd_new_invocation(command), label="invocation")
    with workspace(material) as root:
        files = [Path(p) for p in may_write if not p.endswith("/")]
        folders = [Path(p) for p in may_write if p.endswith("/")]
        run_checked(root, args, files, folders)
