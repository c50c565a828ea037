"""``vault access principal add|rotate|revoke|remove|list``: who may call Vault's APIs.

Calls access's API with the command's key (``vault.credentials``: a program admin's).
A new key is printed once; store it (``~/.config/vault/credentials`` takes lines
``<profile> = vlt_...``, chosen with ``VAULT_PROFILE``) or hand it to its holder.

``vault access keys --out DIR``: the first program-admin and console keys for a
deployment the launcher does not start (compose): written to DIR (0600), and the
``VAULT_BOOTSTRAP_KEYS`` value (hashes only) printed for the services' environment.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from vault.credentials import deployment_keys
from vault.http import call, reports_api_errors, show


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    access = sub.add_parser("access", help="principals and their API keys (program admin)")
    nouns = access.add_subparsers(dest="noun", required=True)
    principal = nouns.add_parser("principal", help="manufacturers, ops users, service clients")
    verbs = principal.add_subparsers(dest="verb", required=True)

    add = verbs.add_parser("add", help="create a principal and print its first key (once)")
    add.add_argument("kind", choices=("manufacturer", "ops", "service"))
    add.add_argument("id", help="a manufacturer's id, an ops user's or a system's name")
    add.add_argument("--role", choices=("ops_read", "program_admin"), help="ops and service")
    add.add_argument("--expires-at", help="ISO 8601 time with zone; none: no expiry")
    add.set_defaults(handler=_add)

    rotate = verbs.add_parser("rotate", help="a new key; the old ones stop after --grace")
    rotate.add_argument("principal", help="<kind>:<id>, e.g. manufacturer:volta-motors")
    rotate.add_argument("--grace", type=int, default=0, metavar="S", help="seconds (default 0)")
    rotate.add_argument("--expires-at")
    rotate.set_defaults(handler=_rotate)

    revoke = verbs.add_parser("revoke", help="revoke one key now")
    revoke.add_argument("principal")
    revoke.add_argument("key_id")
    revoke.set_defaults(handler=_revoke)

    remove = verbs.add_parser("remove", help="revoke every key of the principal now")
    remove.add_argument("principal")
    remove.set_defaults(handler=_remove)

    listing = verbs.add_parser("list", help="every principal and its keys (never a secret)")
    listing.set_defaults(handler=_list)

    keys = nouns.add_parser("keys", help="make a deployment's first keys (for compose)")
    keys.add_argument("--out", type=Path, required=True, help="folder for admin.key, console.key")
    keys.set_defaults(handler=_keys)


@reports_api_errors
def _add(args: argparse.Namespace) -> int:
    body = {"kind": args.kind, "id": args.id, "role": args.role, "expires_at": args.expires_at}
    issued = call("access", "POST", "/v1/principals", json_body=body)
    _say_issued(issued)
    return 0


@reports_api_errors
def _rotate(args: argparse.Namespace) -> int:
    body = {"grace_s": args.grace, "expires_at": args.expires_at}
    issued = call("access", "POST", f"/v1/principals/{args.principal}/keys", json_body=body)
    _say_issued(issued)
    return 0


@reports_api_errors
def _revoke(args: argparse.Namespace) -> int:
    show(call("access", "DELETE", f"/v1/principals/{args.principal}/keys/{args.key_id}"))
    return 0


@reports_api_errors
def _remove(args: argparse.Namespace) -> int:
    show(call("access", "DELETE", f"/v1/principals/{args.principal}"))
    return 0


@reports_api_errors
def _list(args: argparse.Namespace) -> int:
    for p in call("access", "GET", "/v1/principals")["principals"]:
        live = [k["key_id"] for k in p["keys"] if k["revoked_at"] is None]
        gone = " (removed)" if p["removed_at"] else ""
        print(f"{p['principal']:<40} {p['role']:<14} live keys: {', '.join(live) or '-'}{gone}")
    return 0


def _keys(args: argparse.Namespace) -> int:
    made = deployment_keys(args.out)
    print(f"# keys in {args.out}/admin.key and {args.out}/console.key (0600)")
    print(f"VAULT_BOOTSTRAP_KEYS='{made.bootstrap_env()}'")
    print("# the console's own key: VAULT_CONSOLE_API_KEY=$(cat " + f"{args.out}/console.key)")
    return 0


def _say_issued(issued: dict[str, object]) -> None:
    print(f"principal {issued['principal']} ({issued['role']}): key {issued['key_id']}")
    print(f"api key (shown once, stored only as a hash): {issued['api_key']}")
