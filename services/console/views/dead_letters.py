"""Dead letters of every Vault topic, read from their ``.dlq`` topics (``shared.dlq``),
without a consumer group: nothing is committed, the letters stay where they are; and the
replay of one, as ``vault dlq replay TOPIC --at P:O`` does it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from services.console.context import Console
from shared import topics
from shared.dlq import DeadLetter, IncompleteDeadLetter, list_dead_letters, replay
from shared.publisher import Publisher

CACHE_KEY = "dead_letters"


@dataclass(frozen=True, slots=True)
class TopicLetters:
    topic: str
    letters: tuple[DeadLetter, ...] = ()
    error: str = ""


async def _letters_of(ctx: Console, topic: str) -> list[DeadLetter]:
    """The dead letters of ``topic``, read as the console's own (read-only) principal."""
    settings = ctx.settings
    return await list_dead_letters(
        settings.kafka_bootstrap_servers,
        topic,
        timeout_s=settings.request_timeout_s,
        security=settings.kafka_security(),
    )


async def _one(ctx: Console, topic: str) -> TopicLetters:
    try:
        letters = await _letters_of(ctx, topic)
    except Exception as exc:  # a broker away or an ACL refusal: say so on the page
        return TopicLetters(topic, error=f"{type(exc).__name__}: {exc}"[:300])
    return TopicLetters(topic, tuple(letters))


async def every_topic(ctx: Console) -> list[TopicLetters]:
    """Per Vault topic, its dead letters; kept for a refresh period, since each read
    opens a consumer per topic."""
    hit = ctx.cached(CACHE_KEY, max(ctx.settings.refresh_s, 5.0))
    if isinstance(hit, list):
        return hit
    found = list(await asyncio.gather(*(_one(ctx, t) for t in topics.ALL)))
    ctx.keep(CACHE_KEY, found)
    return found


class ReplayUnavailable(RuntimeError):
    """The console cannot replay now: no broker, no replay principal, or Kafka refused."""


async def replay_one(ctx: Console, topic: str, at: str) -> DeadLetter:
    """Put the dead letter at ``at`` (``partition:offset`` of ``topic``'s ``.dlq``) back on
    ``topic``, published as the replay principal; the letter stays listed (consumers take
    the replay once: the inbox knows its event id, or it is dead-lettered again)."""
    settings = ctx.settings
    if not settings.kafka_bootstrap_servers:
        raise ReplayUnavailable("no broker is configured (KAFKA_BOOTSTRAP_SERVERS)")
    security = settings.replay_security()
    if security is None:
        raise ReplayUnavailable(
            "replay is not configured: VAULT_CONSOLE_REPLAY_KAFKA_USERNAME and _PASSWORD "
            "(the ops principal); or use `vault dlq replay`"
        )
    try:
        letters = await _letters_of(ctx, topic)
    except Exception as exc:
        raise ReplayUnavailable(
            f"the dead letters could not be read: {type(exc).__name__}"
        ) from exc
    found = [d for d in letters if f"{d.dlq_partition}:{d.dlq_offset}" == at]
    if not found:
        raise LookupError(f"no dead letter at {at!r} of {topics.dead_letter_topic(topic)}")
    publisher = Publisher(
        settings.kafka_bootstrap_servers, client_id="vault-console-replay", security=security
    )
    try:
        await replay(found, publisher)
    except IncompleteDeadLetter:
        raise
    except Exception as exc:
        raise ReplayUnavailable(f"Kafka did not take the replay: {type(exc).__name__}") from exc
    finally:
        await publisher.close()
    ctx.cache.pop(CACHE_KEY, None)
    return found[0]
