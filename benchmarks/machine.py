"""The machine a benchmark ran on, as BENCHMARKS.md records it."""

from __future__ import annotations

import platform
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name (Linux), or what the platform module knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (Linux), or '?'."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def started_line() -> str:
    """The first line a benchmark prints: the machine, Python, DuckDB, when and how loaded."""
    import os
    from datetime import datetime

    import duckdb

    return (
        f"machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}; started {datetime.now():%Y-%m-%d %H:%M}, "
        f"load {load_average()}"
    )
