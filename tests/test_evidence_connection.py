"""The one DuckDB connection policy: a memory limit (default, WORKBENCH_MEMORY_LIMIT), a private
spill folder removed after, and one message when DuckDB still runs out of memory."""

from __future__ import annotations

import fcntl
import os
import re
import stat
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner, Result

from workbench.cli import app
from workbench.core.domain.errors import InputError
from workbench.core.domain.templates import from_template
from workbench.core.evidence import connection
from workbench.core.evidence.backtest import backtest
from workbench.core.evidence.connection import (
    DEFAULT_LIMIT,
    ENV_VAR,
    ORPHAN_AGE,
    SPILL_PREFIX,
    MemoryLimitError,
    close_duckdb,
    duckdb_connection,
    memory_policy,
    open_duckdb,
    out_of_memory,
    parse_size,
    spill_folder,
    sweep_orphans,
)
from workbench.core.evidence.load import load_to_duckdb
from workbench.core.evidence.mapping import CANONICAL
from workbench.core.evidence.sample import sample_data, write_sample
from workbench.core.files import store
from workbench.core.services.backtest_session import error_lines

BIG_MACHINE = 16 * 1000**3


def limit_of(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert row is not None
    return str(row[0])


def duckdb_shows(limit: str | None) -> str:
    """What DuckDB itself reports for a limit given to it directly (None: its own default)."""
    con = duckdb.connect(config={} if limit is None else {"memory_limit": limit})
    try:
        return limit_of(con)
    finally:
        con.close()


@pytest.fixture(autouse=True)
def big_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test on a machine with 16 GB, and no limit in the environment, unless it says."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr(connection, "machine_memory", lambda: BIG_MACHINE)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    leads, activities = sample_data(600, seed=4)
    return write_sample(tmp_path_factory.mktemp("data"), leads, activities, "csv")


def test_the_default_limit_is_1500_mb_not_duckdbs_80_percent() -> None:
    assert memory_policy().limit == DEFAULT_LIMIT == 1_500_000_000
    with duckdb_connection() as con:
        assert limit_of(con) == duckdb_shows("1500MB")
        assert limit_of(con) != duckdb_shows(None)


def test_a_small_machine_keeps_duckdbs_own_smaller_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "machine_memory", lambda: 1_000_000_000)
    policy = memory_policy()
    assert policy.limit is None
    assert "80%" in policy.describe()


@pytest.mark.parametrize(
    ("value", "duckdb_text"), [("123MB", "123MB"), (" 2 GiB ", "2GiB"), ("800mib", "800MiB")]
)
def test_the_environment_variable_sets_the_limit(
    monkeypatch: pytest.MonkeyPatch, value: str, duckdb_text: str
) -> None:
    monkeypatch.setenv(ENV_VAR, value)
    with duckdb_connection() as con:
        assert limit_of(con) == duckdb_shows(duckdb_text)


def test_none_gives_duckdbs_own_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "none")
    assert memory_policy().limit is None
    with duckdb_connection() as con:
        assert limit_of(con) == duckdb_shows(None)


@pytest.mark.parametrize("value", ["lots", "12", "-5GB", "0MB", "1.5 parsecs", "4 GB RAM"])
def test_a_bad_value_is_one_clear_message(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(ENV_VAR, value)
    with pytest.raises(InputError) as raised:
        open_duckdb()
    message = str(raised.value)
    assert raised.value.exit_code == 2
    assert ENV_VAR in message and repr(value.strip()) in message
    assert "1500MB" in message and "'none'" in message


def test_sizes_read_as_duckdb_reads_them() -> None:
    assert parse_size("1500MB") == 1_500_000_000
    assert parse_size("1.5gb") == 1_500_000_000
    assert parse_size("1KiB") == 1024
    assert parse_size("1500") is None  # a unit is required: bytes or megabytes?


def test_connections_share_one_private_spill_folder_and_keep_their_own_tables() -> None:
    con = open_duckdb()
    other = open_duckdb()
    folder = spill_folder(con)
    assert folder is not None and spill_folder(other) == folder  # one per process and limit
    assert Path(folder).parent == Path(tempfile.gettempdir())
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    row = con.execute("SELECT current_setting('temp_directory')").fetchone()
    assert row is not None and Path(str(row[0])).parent == Path(folder)
    con.execute("CREATE TEMP TABLE leads AS SELECT 1 AS n")
    other.execute("CREATE TEMP TABLE leads AS SELECT 2 AS n")
    assert con.execute("SELECT n FROM leads").fetchall() == [(1,)]
    assert other.execute("SELECT n FROM leads").fetchall() == [(2,)]
    close_duckdb(con)
    assert spill_folder(con) is None
    with pytest.raises(duckdb.ConnectionException):
        con.execute("SELECT 1")
    assert other.execute("SELECT n FROM leads").fetchall() == [(2,)]  # the other lives on
    close_duckdb(other)
    assert os.path.isdir(folder)  # until the process exits


def test_the_limit_holds_for_all_connections_together() -> None:
    """The app's loaded history and a review loading beside it share one limit."""
    policy = connection.MemoryPolicy(300_000_000, "a test")
    with duckdb_connection(policy) as con, duckdb_connection(policy) as other:
        assert limit_of(con) == limit_of(other) == duckdb_shows("300MB")
        con.execute("CREATE TEMP TABLE big AS SELECT range AS n FROM range(5000000)")

        def used(c: duckdb.DuckDBPyConnection) -> int:
            row = c.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()
            assert row is not None
            return int(row[0])

        assert used(other) >= 5_000_000 * 8  # the other connection's pool holds it too
        con.execute("DROP TABLE big")


def test_a_connection_is_closed_when_the_work_fails() -> None:
    with pytest.raises(ZeroDivisionError), duckdb_connection() as con:
        assert os.path.isdir(str(spill_folder(con)))
        _ = 1 / 0
    with pytest.raises(duckdb.ConnectionException):
        con.execute("SELECT 1")
    assert spill_folder(con) is None


@pytest.mark.parametrize("ending", ["", "raise SystemExit(3)\n", "1 / 0\n"])
def test_the_spill_folder_goes_when_the_process_exits(tmp_path: Path, ending: str) -> None:
    script = (
        "from workbench.core.evidence.connection import open_duckdb, spill_folder\n"
        "con = open_duckdb()\n"
        "con.execute('CREATE TEMP TABLE t AS SELECT range AS n FROM range(1000)')\n"
        "print(spill_folder(con), flush=True)\n" + ending
    )
    child = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        timeout=120,
    )
    folder = child.stdout.strip()
    assert Path(folder).parent == tmp_path, child.stderr
    assert not os.path.exists(folder)
    assert list(tmp_path.iterdir()) == []


def test_the_results_are_the_same_with_a_limit_and_without(
    monkeypatch: pytest.MonkeyPatch, history: tuple[Path, Path]
) -> None:
    definition = from_template("acme", "3m-10m", date(2025, 1, 1))
    events = []
    for value in ("none", "200MB"):
        monkeypatch.setenv(ENV_VAR, value)
        with duckdb_connection() as con:
            load_to_duckdb(con, *history, CANONICAL)
            result = backtest(con, definition)
            events.append((result.events, result.per_month))
    assert events[0] == events[1] and events[0][0] > 0


def test_out_of_memory_behind_another_message_is_found() -> None:
    try:
        try:
            raise duckdb.OutOfMemoryException("Out of Memory Error: failed to pin block")
        except duckdb.Error as error:
            raise InputError(f"cannot read as CSV: {error}") from None
    except InputError as wrapped:
        found = out_of_memory(wrapped)
    assert isinstance(found, MemoryLimitError) and found.exit_code == 1
    assert out_of_memory(InputError("cannot read as CSV: bad quote")) is None
    assert out_of_memory(duckdb.InterruptException("interrupted")) is None
    # The app's panels show the same message.
    lines = error_lines(duckdb.OutOfMemoryException("Out of Memory Error"))
    assert lines == [str(found)]


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    store.create(from_template("acme", "1m-3m", date(2025, 1, 1)), tmp_path / "definitions")
    return tmp_path / "definitions" / "acme" / "v1.toml"


def test_the_cli_says_what_ran_out_and_how_to_raise_the_limit(
    monkeypatch: pytest.MonkeyPatch, history: tuple[Path, Path], draft: Path
) -> None:
    leads, activities = history
    monkeypatch.setenv(ENV_VAR, "1MB")
    folders = []
    for _ in range(2):
        result = cli("backtest", draft, "--leads", leads, "--activities", activities)
        assert result.exit_code == 1, result.output
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, result.stderr
        assert "ran out of memory" in errors[0]
        assert "1 MB" in errors[0] and f"{ENV_VAR}=1MB" in errors[0]
        assert f"{ENV_VAR}=4GB" in errors[0]
        assert "Traceback" not in result.output
        pattern = f"{connection.SPILL_PREFIX}{os.getpid()}-*"
        folders.append(set(Path(tempfile.gettempdir()).glob(pattern)))
    assert folders[0] == folders[1]  # the second run reused the process's database


def test_the_cli_refuses_a_bad_limit_as_bad_input(
    monkeypatch: pytest.MonkeyPatch, history: tuple[Path, Path], draft: Path
) -> None:
    leads, activities = history
    monkeypatch.setenv(ENV_VAR, "lots")
    result = cli("backtest", draft, "--leads", leads, "--activities", activities)
    assert result.exit_code == 2, result.output
    assert f"error: environment variable {ENV_VAR}: 'lots' is not a memory size" in result.stderr
    assert "Traceback" not in result.output


def test_every_duckdb_connection_in_the_workbench_goes_through_the_policy() -> None:
    package = Path(connection.__file__).resolve().parents[2]
    direct = re.compile(r"\bduckdb\s*\.\s*connect\s*\(|from\s+duckdb\s+import\s+connect\b")
    found = [
        str(path.relative_to(package.parent))
        for path in package.rglob("*.py")
        if path.name != "connection.py" and direct.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_a_killed_process_leaves_its_spill_folder_to_the_next_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGKILL (the out-of-memory killer) runs no cleanup; the lock goes with the process."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    script = (
        "import time\n"
        "from workbench.core.evidence.connection import open_duckdb, spill_folder\n"
        "con = open_duckdb()\n"
        "print(spill_folder(con), flush=True)\n"
        "time.sleep(120)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    try:
        assert child.stdout is not None
        folder = child.stdout.readline().strip()
        assert Path(folder).parent == tmp_path and os.path.isdir(folder)
        later = time.time() + 3600
        assert sweep_orphans(now=later) == []  # alive: its lock is held
    finally:
        child.kill()
        child.wait()
    assert os.path.isdir(folder)  # nothing ran in the killed process
    assert sweep_orphans(now=time.time()) == []  # young: could be before its lock
    assert sweep_orphans(now=time.time() + ORPHAN_AGE + 1) == [folder]
    assert not os.path.exists(folder)


def test_the_sweep_leaves_live_connections_and_other_files_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    # A limit of its own, so its database (and folder) is made here, in tmp_path.
    with duckdb_connection(connection.MemoryPolicy(987_654_321, "the sweep test")) as con:
        live = str(spill_folder(con))
        assert Path(live).parent == tmp_path
        other = tmp_path / "someone-elses-folder"
        other.mkdir()
        stray = tmp_path / f"{SPILL_PREFIX}not-a-folder"
        stray.write_text("kept")
        # In use by a process the pid does not tell (another pid namespace): its lock does.
        held = tmp_path / f"{SPILL_PREFIX}999999999-elsewhere"
        held.mkdir()
        holder = os.open(held, os.O_RDONLY)
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            assert sweep_orphans(now=time.time() + 3600) == []
        finally:
            os.close(holder)
        assert os.path.isdir(live) and other.is_dir() and stray.read_text() == "kept"
        assert held.is_dir()
        assert sweep_orphans(now=time.time() + 3600) == [str(held)]  # its holder let go


def test_a_temp_dir_that_refuses_locks_still_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some network and FUSE file systems refuse flock: the connection opens without one."""
    import errno

    def refuse(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(fcntl, "flock", refuse)
    with duckdb_connection(connection.MemoryPolicy(876_543_210, "no locks")) as con:
        assert con.execute("SELECT 42").fetchall() == [(42,)]
        folder = spill_folder(con)
        assert folder is not None and Path(folder).parent == tmp_path
        assert sweep_orphans(now=time.time() + 3600) == []  # cannot lock it: kept
