"""Sourcing's write-side SQL: one module per table family, each statement for a whole batch.

Lock order, kept by every transaction that takes more than one of these, so two
transactions never wait on each other in a circle:
1. mineral locks (``locks.lock_minerals``), ascending by mineral id;
2. order rows (``orders.lock``, ``orders.lock_waiting``), ascending by order id;
3. trader rows (``program.load_rosters``), ascending by trader id.
What a transaction reads after taking a lock is read by a later statement than the
lock's own: a statement sees the database as it was when the statement began, so
one that waited for a lock would otherwise read what the lock holder replaced.
"""
