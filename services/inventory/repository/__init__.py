"""The only modules that speak SQL: plain parameterised statements over asyncpg.

Each module keeps to one table (or one seam of the ledger) and converts rows to
the domain's values and back, so handlers never see a record.
"""
