"""Racing writers, as real processes: no sign-off is ever lost, and the loser is told.

Each round starts two processes that have already imported everything and wait at a
barrier (a file that appears), so their writes overlap as closely as two people pressing
enter at once. Losses are counted over many rounds; the count must be zero.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from tests.budget import examples
from workbench.core.domain.templates import from_template
from workbench.core.files import store

ROUNDS = examples(12)

# A child process: import the CLI, wait for the barrier, run one command, report its code.
SIGN = """
import sys, time
from pathlib import Path
from typer.testing import CliRunner
from workbench.cli import app
barrier, path, who = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
runner = CliRunner()
while not barrier.exists():
    time.sleep(0.001)
result = runner.invoke(app, ["sign", path, "--marketing", who + ", VP Marketing",
                             "--sales", "Sam Ortiz, VP Sales", "--review-date", "2099-03-31"])
sys.stdout.write(f"{result.exit_code}\\n{result.output}")
"""

# A child process: the app's autosave, editing and saving the draft as fast as it can.
AUTOSAVE = """
import sys, time
from pathlib import Path
from workbench.core.domain.errors import WorkbenchError
from workbench.core.services.workshop import Workshop
barrier, path = Path(sys.argv[1]), Path(sys.argv[2])
workshop = Workshop.open(path)
while not barrier.exists():
    time.sleep(0.001)
refused = 0
for i in range(60):
    workshop.apply("scoring.threshold", str(60 + i % 20))
    try:
        workshop.save()
    except WorkbenchError:
        refused += 1
        break
sys.stdout.write(f"{refused}\\n")
"""


def _start(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _release(barrier: Path, *children: subprocess.Popen[str]) -> list[str]:
    time.sleep(1.0)  # let both finish importing; they then spin on the barrier
    barrier.touch()
    outputs = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        outputs.append(out)
    return outputs


def _draft(folder: Path) -> Path:
    return store.create(from_template("acme", "3m-10m", date(2026, 5, 1)), folder)


def test_two_racing_sign_offs_one_wins_the_other_is_refused(tmp_path: Path) -> None:
    losses = []
    for round_ in range(ROUNDS):
        path = _draft(tmp_path / f"r{round_}")
        barrier = tmp_path / f"go{round_}"
        first = _start(SIGN, str(barrier), str(path), "Ana")
        second = _start(SIGN, str(barrier), str(path), "Bea")
        outputs = _release(barrier, first, second)
        codes = [int(out.split("\n", 1)[0]) for out in outputs]
        signoff = store.load_definition(path).definition.signoff
        assert signoff is not None, f"round {round_}: nobody's sign-off is on file"
        winners = [who for who, code in zip(("Ana", "Bea"), codes, strict=True) if code == 0]
        # A loss: both were told "signed", or the one told "signed" is not the one on file.
        if winners != [signoff.marketing.name]:
            losses.append((round_, codes, signoff.marketing.name))
        loser = outputs[codes.index(1)] if 1 in codes else ""
        assert sorted(codes) == [0, 1], f"round {round_}: exit codes {codes}"
        # Refused either way: it read the draft before the winner wrote (its check under
        # the lock finds the file changed), or after (the file is already signed).
        assert "nothing was" in loser or "already signed" in loser, loser
        assert "Traceback" not in loser
    assert losses == []


def test_an_autosave_racing_a_sign_off_never_unsigns_the_file(tmp_path: Path) -> None:
    unsigned = []
    for round_ in range(ROUNDS):
        path = _draft(tmp_path / f"r{round_}")
        barrier = tmp_path / f"go{round_}"
        saver = _start(AUTOSAVE, str(barrier), str(path))
        signer = _start(SIGN, str(barrier), str(path), "Ana")
        _saver_out, sign_out = _release(barrier, saver, signer)
        signed = store.load_definition(path)
        if sign_out.startswith("0\n") and not (
            signed.definition.is_signed and signed.integrity == "intact"
        ):
            unsigned.append(round_)
    assert unsigned == []


@pytest.mark.parametrize("stale", [".v1.toml.k3j9x2.tmp", ".v2.toml.a8f0q1.tmp"])
def test_a_killed_writers_temp_file_is_cleared_by_the_next_write(
    tmp_path: Path, stale: str
) -> None:
    path = _draft(tmp_path)
    debris = path.parent / stale
    debris.write_bytes(b"half a file")
    loaded = store.load_definition(path)
    store.save(loaded.definition.model_copy(update={"name": "Renamed"}), path, loaded.file_sha256)
    assert not debris.exists()
    assert sorted(p.name for p in path.parent.iterdir()) == ["v1.toml"]
