"""mql-workbench: draft, test and sign an MQL definition with marketing and sales."""

__version__ = "0.1.0"
