"""AsyncAPI documents of each service's channels and payloads, built by FastStream.

The consume loop is Vault's own (``shared.consumer.engine``), so a broker that is
never started carries the subscriptions and the contracts emitted, for FastStream's
specification builder to describe: the channels come from the same objects the
service runs on.
"""

from __future__ import annotations

from typing import Any, Union

import yaml
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from shared.consumer.subscriptions import Subscription
from shared.envelope import Envelope
from shared.service import Service

VERSION = "1.0.0"


def document(service: Service) -> str:
    """The service's AsyncAPI 3.0 document as YAML."""
    broker = KafkaBroker(service.settings.kafka_bootstrap_servers)
    for subscription in service.subscriptions:
        _describe_subscription(broker, service.name, subscription)
    for contract in service.emits:
        broker.publisher(
            contract.TOPIC,
            title=f"{contract.TOPIC}:{contract.__name__}",
            schema=Envelope[contract],  # type: ignore[valid-type]
            description=contract.__doc__,
        )
    spec = AsyncAPI(
        broker,
        title=f"Vault {service.name}",
        version=VERSION,
        description=(
            f"Channels the {service.name} service consumes and publishes. Every message is the "
            "Vault envelope (event id, type, version, time, producer, key, correlation and "
            "causation ids) around the payload shown. Decimals travel as strings."
        ),
    )
    # FastStream's channel order follows registration internals; sorted keys make the
    # committed documents stable, so a diff shows a real change of contract.
    built = yaml.safe_load(spec.to_specification().to_yaml())
    return str(yaml.safe_dump(built, sort_keys=True, allow_unicode=True, width=100))


def _describe_subscription(broker: KafkaBroker, service: str, subscription: Subscription) -> None:
    envelopes = tuple(Envelope[h.contract] for h in subscription.handles)  # type: ignore[name-defined]
    message: Any = envelopes[0] if len(envelopes) == 1 else Union[envelopes]  # noqa: UP007

    async def described(event: Any) -> None:  # never called: the loop is shared.consumer's
        return None

    described.__annotations__ = {"event": message, "return": None}
    types = ", ".join(h.event_type for h in subscription.handles)
    broker.subscriber(
        subscription.topic,
        group_id=service,
        title=f"{service}:{subscription.topic}",
        description=subscription.description or f"{types} on {subscription.topic}",
    )(described)
