"""The MQL domain: models, stage templates, evaluator, suite, files and sign-off.

Nothing in this package imports a UI library (a test proves it), so the CLI, the TUI and
CI checks all apply exactly the same rules. The package itself imports nothing: callers import
the module they need, so a light one (`folder`, `stages`) never pays for pydantic.
"""
