"""Sourcing: procurement requests become legs routed to specialist traders.

Keeps the supply book from traders' offers, the phase of each mineral and the
roster of specialists; applies the phase and the tier waterfall (``domain/``),
routes each leg to a trader registered for the market, cascades what a leg
leaves undone, and keeps what nothing can cover open until supply arrives.
The layout is the one of every service (``docs/building-a-service.md``).

Run: ``python -m services.sourcing`` with ``KAFKA_BOOTSTRAP_SERVERS``,
``DATABASE_URL`` and ``VAULT_HTTP_PORT``; optional ``VAULT_LEG_TTL_S`` (how long
a leg stays with its trader, default a day), ``VAULT_LEG_SWEEP_S`` (how often
overdue legs are looked for, default 2 s) and ``VAULT_SOURCING_POLICY`` (a tier
policy file replacing the shipped ``policy.json``).
Read: ``GET /v1/orders/{order_id}`` and ``GET /v1/orders?manufacturer_id=&status=``.
"""
