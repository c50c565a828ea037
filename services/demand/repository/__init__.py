"""Demand's write-side SQL: one module per table."""
