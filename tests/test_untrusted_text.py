"""Text from a definition never steers the terminal nor breaks a report (issue 11).

A crafted key rewrote `check`'s ERROR line into "0 errors"; the same bytes made the JUnit XML
invalid while `check` exited 0. Every output shows control characters as escapes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli_steps import one_error, run
from workbench.core.domain.definition import check_slug
from workbench.core.domain.errors import Problem
from workbench.core.domain.safe_text import is_printable, printable
from workbench.core.domain.templates import from_template
from workbench.core.files import store
from workbench.core.services.check import check_folder, render_junit, render_text
from workbench.tui.components.text import PlainText

ATTACK = "\x1b[2K\r0 errors"
SHOWN = "\\x1b[2K\\x0d0 errors"  # every control as \\xNN, \\r too: one form to search for
CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0)))
# What may never reach a terminal or an XML file: C0 but tab and newline, DEL, C1.
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_printable_escapes_every_control_and_keeps_the_rest() -> None:
    shown = printable(CONTROLS + "plain é 中 \t\n")
    assert not RAW.search(shown)
    assert shown.startswith("\\x00\\x01") and "\\x1b" in shown and "\\x9f" in shown
    assert shown.endswith("plain é 中 \t\n")
    assert printable("a\tb\nc", one_line=True) == "a\\x09b\\x0ac"
    assert printable("\u202eevil") == "\\u202eevil"  # a bidi override cannot reorder a line
    assert printable(shown) == shown and is_printable(shown)


def test_a_problem_escapes_its_file_field_and_message() -> None:
    problem = Problem(f"bad {ATTACK}", file=Path(f"x{ATTACK}.toml"), line=3, field=ATTACK)
    assert str(problem) == f"x{SHOWN}.toml:3: {SHOWN}: bad {SHOWN}"


@pytest.fixture
def crafted(tmp_path: Path) -> Path:
    """A folder whose definition has the attack in an unknown key, and a valid one that has it
    in its name, a case's reason and a folder name."""
    folder = tmp_path / "definitions"
    path = store.create(from_template("acme", "1m-3m", date(2025, 1, 1)), folder)
    text = path.read_text(encoding="utf-8").replace("[fit]\n", f'[fit]\n"{_toml(ATTACK)}" = 1\n')
    path.write_text(text, encoding="utf-8")
    named = from_template("named", "1m-3m", date(2025, 1, 1), name=f"Acme {ATTACK}")
    cases = [named.cases[0].model_copy(update={"why": f"because\x9b{ATTACK}"}), *named.cases[1:]]
    store.create(named.model_copy(update={"cases": cases}), folder)
    return folder


def _toml(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" if RAW.match(c) or c in "\t\n" else c for c in text)


def test_check_text_keeps_the_error_line_visible(runner: CliRunner, crafted: Path) -> None:
    result = run(runner, "check", crafted)
    assert result.exit_code == 1
    assert not RAW.search(result.output)
    errors = [line for line in result.stdout.splitlines() if line.startswith("ERROR")]
    assert any("invalid-file" in line and SHOWN in line for line in errors), result.stdout
    assert result.stdout.splitlines()[-1].startswith("checked 2 files: 1 error")


def test_check_junit_is_well_formed_with_every_control_in_it(
    runner: CliRunner, crafted: Path
) -> None:
    # A case name holding every control, and a slug folder named with the attack.
    evil = crafted / f"evil{ATTACK}"
    evil.mkdir()
    text = (crafted / "named" / "v1.toml").read_text(encoding="utf-8")
    first_case = re.search(r'name = "([a-z0-9-]+)"\n', text.split("[[cases]]", 1)[1])
    assert first_case is not None
    text = text.replace(f'name = "{first_case.group(1)}"', f'name = "{_toml(CONTROLS)}"')
    (evil / "v1.toml").write_text(text, encoding="utf-8")
    result = run(runner, "check", crafted, "--format", "junit")
    assert result.exit_code == 1
    assert not RAW.search(result.stdout)
    root = ET.fromstring(result.stdout)
    failures = root.findall(".//failure")
    assert len(failures) >= 2
    assert any("\\x00\\x01" in (f.get("message") or "") for f in failures), [
        f.get("message") for f in failures
    ]
    assert any(SHOWN in (case.get("name") or "") for case in root.iter("testcase"))
    report = check_folder(crafted, date(2025, 1, 2))
    ET.fromstring(render_junit(report))
    assert all(not RAW.search(line) for line in render_text(report))


@pytest.mark.parametrize(
    ("args", "shows_name"),
    [
        (("show", "{f}"), True),
        (("show", "{f}", "--json"), False),  # JSON escapes it its own way (\u001b)
        (("test", "{f}"), False),
        (("lint", "{f}"), False),
        (("export", "{f}"), True),
        (("export", "{f}", "--format", "html"), True),
        (("export", "{f}", "--format", "sql"), False),
        (("diff", "{f}", "{f}"), False),
        (("log", "named", "--dir", "{d}"), True),
        (("new-version", "{f}"), False),
    ],
    ids=lambda a: " ".join(a[:3]) if isinstance(a, tuple) else "",
)
def test_no_command_prints_a_control_from_the_file(
    runner: CliRunner, crafted: Path, args: tuple[str, ...], shows_name: bool
) -> None:
    path = crafted / "named" / "v1.toml"
    result = run(runner, *(a.format(f=path, d=crafted) for a in args))
    assert "Traceback" not in result.output
    assert not RAW.search(result.output), result.output
    if shows_name:
        assert "Acme \\x1b" in result.output.replace("\\[", "[")


def test_the_markdown_and_html_exports_written_to_a_file_escape_too(
    runner: CliRunner, crafted: Path, tmp_path: Path
) -> None:
    for fmt in ("md", "html"):
        out = tmp_path / f"agreement.{fmt}"
        result = run(runner, "export", crafted / "named" / "v1.toml", "--format", fmt, "--out", out)
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        assert not RAW.search(text) and "\\x1b" in text


def test_an_error_message_escapes_what_the_file_holds(runner: CliRunner, crafted: Path) -> None:
    line = one_error(run(runner, "show", crafted / "acme" / "v1.toml"), 2, "unknown key")
    assert SHOWN in line and not RAW.search(line)


@pytest.mark.parametrize("slug", ["acme\n", "acme\r", "ac\x1bme", "acme\x00", "Acme", "acme-"])
def test_a_slug_that_is_not_a_plain_identifier_is_refused(
    runner: CliRunner, tmp_path: Path, slug: str
) -> None:
    with pytest.raises(ValueError, match="a slug is"):
        check_slug(slug)
    result = run(runner, "new", slug, "--stage", "1m-3m", "--dir", tmp_path)
    one_error(result, 2, "slug")
    assert not any(tmp_path.iterdir())


def test_a_file_whose_slug_ends_in_a_newline_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    path = store.create(from_template("acme", "1m-3m", date(2025, 1, 1)), tmp_path)
    text = path.read_text(encoding="utf-8").replace('slug = "acme"', 'slug = "acme\\n"')
    path.write_text(text, encoding="utf-8")
    one_error(run(runner, "show", path), 2, "slug", "a slug is", "'acme\\n'")


def test_the_apps_plain_text_shows_controls_as_escapes() -> None:
    text = PlainText(f"name {ATTACK}")
    assert str(text.content) == f"name {SHOWN}"
    text.update(f"why\x9b{ATTACK}\nnext line")
    assert str(text.content) == f"why\\x9b{SHOWN}\nnext line"
