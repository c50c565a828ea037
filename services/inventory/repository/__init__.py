"""Inventory's write-side SQL: one module per table (or seam of the ledger), set-based statements.

Each module converts rows to the domain's values and back, so handlers never see a
record; a statement takes a whole batch (arrays, ``unnest``), so booking a hundred
fills costs the same few round trips as booking one.
"""
