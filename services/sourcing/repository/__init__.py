"""Sourcing's SQL: plain parameterised statements, one module per table family.

Lock order, kept by every transaction that takes more than one of these, so two
handlers never wait on each other in a circle:
1. mineral locks (``locks.lock_minerals``), ascending by mineral id;
2. order rows (``orders.lock_order`` / ``orders.lock_waiting``), ascending by creation;
3. trader rows (``program.load_roster``), ascending by trader id.
"""
