"""``vault phase set MINERAL PHASE``: move a mineral between initial fill and replenishment."""

from __future__ import annotations

import argparse
import getpass

from shared.catalogue import load_catalogue
from shared.contracts import PhaseSet
from vault.publish import publish_event


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    phase = sub.add_parser("phase", help="set a mineral's program phase (a program command)")
    verbs = phase.add_subparsers(dest="verb", required=True)
    setter = verbs.add_parser("set", help="publish program.phase_set for MINERAL")
    setter.add_argument("mineral", help="catalogue id, e.g. cobalt")
    setter.add_argument("phase", choices=("initial_fill", "replenishment"))
    setter.add_argument("--reason", default="", help="why, recorded on every later decision")
    setter.add_argument("--by", default=getpass.getuser(), help="who decided (default: you)")
    setter.set_defaults(handler=_set)


def _set(args: argparse.Namespace) -> int:
    if load_catalogue().get(args.mineral) is None:
        print(
            f"unknown mineral {args.mineral!r}: see the catalogue in shared/catalogue/catalogue.csv"
        )
        return 2
    event = publish_event(
        PhaseSet(mineral=args.mineral, phase=args.phase, set_by=args.by, reason=args.reason)
    )
    print(f"{args.mineral} -> {args.phase} (event {event.event_id})")
    return 0
