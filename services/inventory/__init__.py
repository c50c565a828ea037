"""Inventory: books confirmed fills into holdings, moves custody, releases material in a shock.

Run it with ``python -m services.inventory``; ``python -m services.inventory check``
rebuilds balances from the ledger and reports whether they agree with the live ones.
"""
