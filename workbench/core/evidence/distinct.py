"""The values a column of the loaded lead history actually holds (regions, industries).

A fit gate that names a region the history never uses is usually a typo or a different
spelling ("NA" for "north-america"); the app offers what the history has instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

# Columns of the leads table whose values a fit gate names (see tables.py).
FIT_COLUMNS: tuple[str, ...] = ("industry", "region")


def distinct_values(con: duckdb.DuckDBPyConnection, column: str) -> tuple[str, ...]:
    """The distinct non-empty values of `column` in the loaded `leads` table, sorted."""
    if column not in FIT_COLUMNS:
        raise ValueError(f"{column!r} is not a fit column; expected one of {FIT_COLUMNS}")
    rows = con.execute(
        f"SELECT DISTINCT {column} FROM leads "  # column: one of FIT_COLUMNS
        f"WHERE {column} IS NOT NULL AND trim({column}) <> '' ORDER BY 1"
    ).fetchall()
    return tuple(str(row[0]) for row in rows)
