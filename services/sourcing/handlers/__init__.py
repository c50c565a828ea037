"""Sourcing's use cases, one module each: load, ask the domain, save, enqueue.

Every handler runs inside the transaction it is given (a Kafka batch's, or the
sweep's), so its effects, its outgoing events and the incoming events' inbox rows
commit together. ``placing`` holds the steps the placing use cases share.
"""
