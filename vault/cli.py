"""The ``vault`` command: everyday actions for operators and developers."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from vault.commands import (
    access,
    asyncapi,
    demand,
    demo,
    dlq,
    inventory,
    orders,
    participation,
    program,
    reconcile,
    run,
    trader,
    treasury,
)
from vault.infra import cli as infra_cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vault", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    infra_cli.register(sub)
    dlq.register(sub)
    asyncapi.register(sub)
    run.register(sub)
    program.register(sub)
    demand.register(sub)
    inventory.register(sub)
    reconcile.register(sub)
    orders.register(sub)
    demo.register(sub)
    trader.register(sub)
    participation.register(sub)  # issue 16
    treasury.register(sub)
    access.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
