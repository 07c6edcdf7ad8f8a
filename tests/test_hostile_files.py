"""Files that would crash, stall or exhaust the workbench are refused before they are parsed.

Issue 11: 500 nested arrays raised RecursionError in every command; a 46 KB dotted key took
12-36 s and 2 GB; `show /dev/zero` read until memory ran out; 10,000 cases made a keystroke
wait 16.5 s. Each is now one located message, exit 2, and `check` goes on with the rest.
"""

from __future__ import annotations

import os
import random
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from typer.testing import CliRunner

from tests.cli_steps import one_error, run
from workbench.core.domain.definition import MAX_CASES, Definition
from workbench.core.domain.errors import InputError
from workbench.core.domain.templates import from_template
from workbench.core.files import store, tomlguard
from workbench.core.files.folder import quick_rows
from workbench.core.services.check import check_folder
from workbench.core.services.workshop import Workshop

NESTED = "x = " + "[" * 500 + "]" * 500 + "\n"  # the reporter's 1 KB line
DOTTED = ".".join(["a"] * 23_000) + " = 1\n"  # 46 KB: 20 s and 2.1 GB before the guard


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    defs = tmp_path / "definitions"
    store.create(from_template("acme", "1m-3m", date(2025, 1, 1)), defs)
    return defs


# --- one file, every command -----------------------------------------------------------------

COMMANDS: list[tuple[str, ...]] = [
    ("show", "{f}"),
    ("show", "{f}", "--json"),
    ("test", "{f}"),
    ("lint", "{f}"),
    ("evidence", "{f}"),
    ("evaluate", "{ok}", "--lead", "{f}"),
    ("evaluate", "{f}", "--lead", "{f}"),
    ("diff", "{ok}", "{f}"),
    ("new-version", "{f}"),
    ("export", "{f}"),
    ("sign", "{f}", "--marketing", "A, B", "--sales", "C, D"),
    ("backtest", "{f}", "--leads", "{f}", "--activities", "{f}"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
@pytest.mark.parametrize(
    ("text", "what"), [(NESTED, "array"), (DOTTED, "dotted key")], ids=["nested", "dotted"]
)
def test_every_command_refuses_a_too_deep_file_in_one_line(
    runner: CliRunner, folder: Path, tmp_path: Path, args: tuple[str, ...], text: str, what: str
) -> None:
    hostile = write(tmp_path / "hostile" / "v1.toml", text)
    ok = folder / "acme" / "v1.toml"
    argv = [a.format(f=hostile, ok=ok) for a in args]
    result = run(runner, *argv)
    one_error(result, 2, f"{hostile}:1:", what, "nests 33 levels deep", "at most 32")


def test_a_device_is_refused_unread(runner: CliRunner) -> None:
    # Before: read until memory ran out. The open and the check never block or read.
    one_error(run(runner, "show", "/dev/zero"), 2, "/dev/zero", "is a device", "not read")


def test_a_fifo_is_refused_without_waiting_for_a_writer(runner: CliRunner, tmp_path: Path) -> None:
    fifo = tmp_path / "v1.toml"
    os.mkfifo(fifo)
    one_error(run(runner, "show", fifo), 2, str(fifo), "pipe (FIFO)", "not read")


def test_a_file_over_the_size_cap_is_refused_unread(runner: CliRunner, tmp_path: Path) -> None:
    big = tmp_path / "v1.toml"
    with big.open("wb") as handle:
        handle.truncate(tomlguard.MAX_FILE_BYTES + 1)  # sparse: no 4 MB written
    one_error(run(runner, "show", big), 2, str(big), "4,194,305 bytes", "4,194,304")


def test_a_folder_passed_as_a_file_still_names_the_version_to_open(
    runner: CliRunner, folder: Path
) -> None:
    one_error(run(runner, "show", folder / "acme"), 2, "is a folder", "v1.toml")


# --- check goes on; the home screen lists the file ----------------------------------------------


def test_check_reports_each_hostile_file_and_checks_the_rest(folder: Path) -> None:
    write(folder / "nested" / "v1.toml", NESTED)
    write(folder / "dotted" / "v1.toml", DOTTED)
    # Checked after "dotted": a copy of acme in the wrong folder, which check must still see.
    write(folder / "misfiled" / "v1.toml", (folder / "acme" / "v1.toml").read_text())
    report = check_folder(folder, date(2025, 1, 2))
    invalid = {f.path.parent.name: f for f in report.findings if f.rule == "invalid-file"}
    assert set(invalid) == {"nested", "dotted"}
    assert all(f.line == 1 and "nests 33 levels deep" in f.message for f in invalid.values())
    assert len(report.files) == 4
    assert [f.path.parent.name for f in report.findings if f.rule == "misplaced"] == ["misfiled"]


def test_the_home_screen_rows_mark_a_hostile_file_unreadable(folder: Path) -> None:
    write(folder / "nested" / "v1.toml", NESTED)
    rows = {row.slug: row for row in quick_rows(folder)}
    assert rows["acme"].status == "draft"
    assert rows["nested"].status == "UNREADABLE"
    assert "nests 33 levels deep" in (rows["nested"].problem or "")
    assert "nests 33 levels deep" in (store.summarize(folder, "nested").problem or "")


# --- the caps are generous for real files ---------------------------------------------------


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _random_value(rng: random.Random, levels: int) -> Any:
    if levels <= 0 or rng.random() < 0.2:
        return rng.choice([1, 2.5, "a.b", "x'\"y", True, "two\nlines", "q'''r", 'p"""s', "[{"])
    if rng.random() < 0.5:
        keys = ["k", "a.b", "c d", "e'f", "[x]"]
        return {f"{rng.choice(keys)}{i}": _random_value(rng, levels - 1) for i in range(3)}
    return [_random_value(rng, levels - 1) for _ in range(rng.randint(1, 3))]


def test_the_depth_scan_never_counts_less_than_tomllib_nests() -> None:
    # Random documents in every layout tomli-w writes (headers, arrays of tables, inline
    # tables, multi-line strings holding quotes and brackets): a document that nests D levels
    # is refused with a limit below D, so nothing deeper than MAX_DEPTH reaches tomllib.
    rng = random.Random(11)
    for _ in range(300):
        document = {"root": _random_value(rng, rng.randint(1, 10))}
        text = tomli_w.dumps(document, multiline_strings=rng.random() < 0.5)
        nests = _depth(tomllib.loads(text)) - 1
        with pytest.raises(InputError, match="levels deep"):
            tomlguard.check_shape(text, None, limit=nests - 1)
        tomlguard.check_shape(text, None, limit=nests + 2)  # and it does not count much more


def test_every_template_and_a_full_suite_are_far_below_the_caps() -> None:
    for stage in ("pre-1m", "1m-3m", "3m-10m", "10m-30m", "30m-plus"):
        text = store.to_toml(from_template("x", stage, date(2025, 1, 1)))
        assert len(text.encode()) * 100 < tomlguard.MAX_FILE_BYTES
        tomlguard.check_shape(text, None, limit=tomlguard.MAX_DEPTH // 4)
    text = store.to_toml(_with_cases(MAX_CASES))
    assert len(text.encode()) * 4 < tomlguard.MAX_FILE_BYTES
    tomlguard.check_shape(text, None)


def _with_cases(count: int) -> Definition:
    base = from_template("x", "30m-plus", date(2025, 1, 1))
    data = base.model_dump()
    template = data["cases"]
    data["cases"] = [{**template[i % len(template)], "name": f"case-{i}"} for i in range(count)]
    return Definition.model_validate(data)


# --- the number of edge cases -------------------------------------------------------------------


def test_a_file_with_too_many_cases_is_refused_with_the_cap(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = tomllib.loads(store.to_toml(_with_cases(MAX_CASES)))
    data["cases"].append({**data["cases"][0], "name": "one-too-many"})
    path = write(tmp_path / "x" / "v1.toml", tomli_w.dumps(data))
    line = one_error(run(runner, "test", path), 2, str(path), "1,001 edge cases", "at most 1,000")
    assert "cases:" in line


def test_the_room_cannot_add_a_case_past_the_cap(tmp_path: Path) -> None:
    path = store.create(_with_cases(MAX_CASES), tmp_path)
    workshop = Workshop.open(path)
    extra = workshop.definition.cases[0].model_copy(update={"name": "one-too-many"})
    result = workshop.add_case(extra)
    assert not result.ok
    assert "at most 1,000" in " ".join(result.errors)
    assert len(workshop.definition.cases) == MAX_CASES
