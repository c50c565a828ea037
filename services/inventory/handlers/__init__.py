"""Use cases: one module per command or event; each loads, asks the domain, saves, enqueues.

Every function runs inside the caller's transaction (the inbox's for events, the
API's for commands), so the movement, the balance it moved and the events that
report it commit together or not at all.
"""
