"""Use cases of the gateway: load, ask the domain, save, enqueue events; one transaction each.

Handlers take an open connection (the caller owns the transaction) and plain values,
and return domain results; they know nothing of HTTP or Kafka.
"""
