"""000: PQLs and AQLs "aren't variations" of the MQL, so the backtest reports them apart.

The MQL figures (acceptance, conversion, the three numbers) count MQL events alone; a
motion's PQLs and AQLs get their own lines. A definition without motions makes only MQLs:
its report must read exactly as it did before the split, which the file
`data/backtest-without-motions.json` holds (captured from the code before the change).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from workbench.core.domain.templates import from_template
from workbench.core.evidence.backtest import backtest, compare
from workbench.core.evidence.engine import load_rows
from workbench.core.evidence.report import backtest_lines, comparison_lines, three_numbers
from workbench.core.evidence.review import build_packet, steps
from workbench.core.evidence.sample import sample_data

BEFORE = Path(__file__).parent / "data" / "backtest-without-motions.json"
# Keys the split added to `backtest --json`: everything else must be as it was.
ADDED: frozenset[str] = frozenset()


def capture() -> dict[str, Any]:
    """Every figure the backtest, the three numbers, a comparison and the review's replayed
    lines print for the four templates without motions, on one sample history."""
    con = duckdb.connect()
    load_rows(con, *sample_data(2000, seed=5))
    out: dict[str, Any] = {}
    for stage in ("pre-1m", "1m-3m", "3m-10m", "10m-30m"):
        definition = from_template("plain", stage, date(2025, 1, 1))
        result = backtest(con, definition)
        packet = build_packet(con, definition, "golden", today=date(2026, 1, 15))
        out[stage] = {
            "json": result.to_json(),
            "lines": backtest_lines(result),
            "three": three_numbers(result),
            "review": packet.to_json()["replayed"],
            "review_steps": [[title, lines] for title, lines in steps(packet)][:4],
        }
    both = compare(
        con,
        from_template("a", "1m-3m", date(2025, 1, 1)),
        from_template("b", "3m-10m", date(2025, 1, 1)),
    )
    out["compare"] = {
        "json": both.to_json(),
        "lines": comparison_lines(both),
        "three": three_numbers(both.after, both.before),
    }
    return out


def _without_added(report: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in report.items() if key not in ADDED}


def test_a_definition_without_motions_reads_exactly_as_before_the_split() -> None:
    now = json.loads(json.dumps(capture(), sort_keys=True, default=str))
    before = json.loads(BEFORE.read_text())
    for name, parts in now.items():
        if name == "compare":
            for side in ("before", "after"):
                parts["json"][side] = _without_added(parts["json"][side])
        else:
            parts["json"] = _without_added(parts["json"])
    assert now.keys() == before.keys()
    for name in before:
        for part in before[name]:
            assert now[name][part] == before[name][part], (name, part)
