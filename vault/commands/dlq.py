"""``vault dlq list|replay TOPIC``: inspect dead letters and put them back after a fix."""

from __future__ import annotations

import argparse
import asyncio
import json

from shared.dlq import DeadLetter, IncompleteDeadLetter, list_dead_letters, replay
from shared.publisher import Publisher
from vault.endpoints import bootstrap_servers


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dlq = sub.add_parser("dlq", help="list and replay dead letters of a topic")
    verbs = dlq.add_subparsers(dest="verb", required=True)
    listing = verbs.add_parser("list", help="every dead letter of TOPIC, oldest first (JSON lines)")
    listing.add_argument("topic", help="the original topic, e.g. vault.demand.intake")
    listing.set_defaults(handler=_list)
    again = verbs.add_parser("replay", help="republish dead letters to their original topic")
    again.add_argument("topic")
    which = again.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="replay every dead letter of TOPIC")
    which.add_argument(
        "--at",
        action="append",
        metavar="PARTITION:OFFSET",
        help="replay the dead letter at this DLQ position (repeatable)",
    )
    again.set_defaults(handler=_replay)


def _describe(letter: DeadLetter) -> dict[str, object]:
    return {
        "at": f"{letter.dlq_partition}:{letter.dlq_offset}",
        "topic": letter.topic,
        "partition": letter.partition,
        "offset": letter.offset,
        "key": letter.key.decode(errors="replace") if letter.key else None,
        "reason": letter.reason,
        "error": letter.error,
        "attempts": letter.attempts,
        "consumer": letter.consumer,
        "failed_at": letter.failed_at,
        "truncated": list(letter.truncated),
        "value": letter.value[:500].decode(errors="replace"),
    }


def _list(args: argparse.Namespace) -> int:
    for letter in asyncio.run(list_dead_letters(bootstrap_servers(), args.topic)):
        print(json.dumps(_describe(letter)))
    return 0


def _replay(args: argparse.Namespace) -> int:
    async def run() -> int:
        bootstrap = bootstrap_servers()
        letters = await list_dead_letters(bootstrap, args.topic)
        if not args.all:
            wanted = set(args.at)
            letters = [d for d in letters if f"{d.dlq_partition}:{d.dlq_offset}" in wanted]
            missing = wanted - {f"{d.dlq_partition}:{d.dlq_offset}" for d in letters}
            if missing:
                print(f"no dead letter at {', '.join(sorted(missing))}")
                return 2
        publisher = Publisher(bootstrap, client_id="vault-dlq-replay")
        try:
            count = await replay(letters, publisher)
        except IncompleteDeadLetter as refused:
            print(f"{refused}: read the original from where the letter points, then send it")
            return 1
        finally:
            await publisher.close()
        print(f"replayed {count} dead letter(s) to {args.topic}")
        return 0

    return asyncio.run(run())
