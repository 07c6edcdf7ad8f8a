"""How many examples a property test tries: its usual count, times WORKBENCH_SOAK.

`WORKBENCH_SOAK=20 .venv/bin/pytest tests/test_evidence_engine.py` soaks the properties with
twenty times the examples (a few minutes) before a change to the evaluator or the engine lands.
"""

from __future__ import annotations

import os


def examples(usual: int) -> int:
    """The usual count, scaled by the soak factor (1 when unset)."""
    return usual * max(1, int(os.environ.get("WORKBENCH_SOAK", "1")))
