"""Use cases, one module each: load (under the locks), ask the domain, save, enqueue.

Every function runs inside the caller's unit of work (a Kafka batch's or an HTTP
request's ``service.transaction()``), so the movements, the balances they moved and
the events that report them commit together or not at all. Writers of one lot
lock its balance row (or the holdings it belongs to) before they enqueue, so the
outbox keeps each lot's events in order.
"""
