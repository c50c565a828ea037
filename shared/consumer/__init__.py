"""Consuming events: subscriptions, the inbox, the batch applier and the consume loop.

A service lists what it reads in ``Subscription`` objects (topic, event types,
handlers). The loop (``engine``) fetches partition batches; the applier
(``batch``) applies each in one transaction with its inbox rows; poison goes to
``<topic>.dlq`` with its original bytes. ``docs/building-a-service.md`` shows the
path of one event through it.
"""

from shared.codec import PoisonMessage
from shared.consumer.subscriptions import Handles, Subscription, on, on_batch, on_raw_batch

__all__ = ["Handles", "PoisonMessage", "Subscription", "on", "on_batch", "on_raw_batch"]
