"""Sourcing's use cases, one module per kind of event: load, ask the domain, save, enqueue.

Every handler runs inside the inbox transaction it is given, so its effects, its
outgoing events and the incoming event's id commit together.
"""
