"""Evidence for the workshop: lead history in, what a definition would have done out.

`tables` defines the two canonical tables, `mapping` maps an export's headers onto them,
`load` reads CSV or Parquet with DuckDB and reports bad rows, `replay` is the Python
reference replay (the contract the SQL engine must match), and `sample` generates realistic,
reproducible data. DuckDB is imported only where a file is read or written.
"""
