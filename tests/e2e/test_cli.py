"""The `vault` command against the running system: everyday actions, clear errors, exit codes."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from datetime import date, timedelta
from typing import Any

import asyncpg

from tests.e2e.conftest import System
from vault.scenario.demo import Demo, DemoResult


async def vault(system: System, *args: str) -> tuple[int, str]:
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": system.endpoints.bootstrap_servers,
        "VAULT_API_KEY": system.admin_token,
        **{f"VAULT_{s.upper()}_URL": system.url(s) for s in system.ports},
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "vault.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode()


def _documents(out: str) -> list[dict[str, Any]]:
    """The JSON documents a command printed, one after another."""
    decoder, found, at = json.JSONDecoder(), [], out.find("{")
    while at != -1:
        document, end = decoder.raw_decode(out, at)
        found.append(document)
        at = out.find("{", end)
    return found


def _json(out: str) -> dict[str, Any]:
    return _documents(out)[0]


async def test_a_trader_registered_from_the_cli_offers_and_a_cli_demand_is_routed_to_it(
    system: System,
) -> None:
    trader_id = f"cli-{uuid.uuid4().hex[:6]}"
    code, out = await vault(
        system,
        "trader",
        "register",
        trader_id,
        "--name",
        "CLI Metals",
        "--markets",
        "precious_metals",
        "--rank",
        "1",
    )
    assert code == 0, out
    key = str(_documents(out)[-1]["api_key"])  # the trader, then its new key
    code, out = await vault(
        system,
        "warehouse",
        "add",
        "wh-cli",
        "--name",
        "CLI store",
        "--kind",
        "owned",
        "--location",
        "Reno, NV, US",
        "--operator",
        "Vault program",
    )
    assert code == 0, out

    code, out = await vault(
        system,
        "trader",
        "offer",
        "--key",
        key,
        "--mineral",
        "platinum",
        "--origin",
        "US",
        "--quantity",
        "50",
        "--unit",
        "kg",
        "--price",
        "31000",
        "--warehouse",
        "wh-cli",
    )
    assert code == 0, out

    request_id = f"cli-{uuid.uuid4().hex[:6]}"
    deliver_by = (date.today() + timedelta(days=60)).isoformat()
    code, out = await vault(
        system,
        "demand",
        "submit",
        "--manufacturer",
        "cli-maker",
        "--request",
        request_id,
        "--mineral",
        "platinum",
        "--quantity",
        "20",
        "--unit",
        "kg",
        "--deliver-by",
        deliver_by,
        "--max-price",
        "32000",
    )
    assert code == 0, out
    order_id = str(_json(out)["order_id"])

    for _ in range(60):
        code, out = await vault(system, "trader", "legs", "--key", key)
        items = _json(out)["items"]
        if any(leg["order_id"] == order_id for leg in items):
            break
        await asyncio.sleep(0.5)
    [leg] = [leg for leg in items if leg["order_id"] == order_id]
    code, out = await vault(
        system,
        "trader",
        "fill",
        leg["leg_id"],
        "--key",
        key,
        "--quantity",
        "20",
        "--price",
        "31000",
        "--origin",
        "US",
        "--warehouse",
        "wh-cli",
    )
    assert code == 0, out

    for _ in range(60):
        code, out = await vault(system, "orders", "show", order_id)
        if code == 0 and _json(out)["status"] == "filled":
            break
        await asyncio.sleep(0.5)
    assert _json(out)["status"] == "filled"
    for _ in range(60):
        code, out = await vault(system, "receipts", order_id)
        if code == 0 and _json(out).get("receipts"):
            break
        await asyncio.sleep(0.5)
    assert code == 0, out
    assert _json(out).get("receipts"), out


async def test_errors_are_explained_and_give_a_failing_exit_code(system: System) -> None:
    code, out = await vault(
        system,
        "demand",
        "submit",
        "--manufacturer",
        "cli-maker",
        "--mineral",
        "unobtainium",
        "--quantity",
        "1",
        "--unit",
        "t",
        "--deliver-by",
        "2020-01-01",
    )
    assert code == 1
    assert "unknown_mineral" in out
    code, out = await vault(system, "orders", "show", "ord-does-not-exist")
    assert code == 1
    assert "404" in out
    code, out = await vault(system, "trader", "legs")
    assert (code, out.strip()) == (1, "HTTP 0: no API key: pass --key or set VAULT_TRADER_KEY")
    code, out = await vault(system, "phase", "set", "unobtainium", "replenishment")
    assert code == 2


async def test_holdings_export_as_csv(system: System) -> None:
    code, out = await vault(system, "holdings", "--csv", "--group-by", "tier")
    assert code == 0, out
    assert out.splitlines()[0].startswith("mineral,tier,quantity,unit")


async def test_reconcile_agrees_after_the_demo_and_names_a_fill_only_one_service_holds(
    system: System, demo: tuple[Demo, DemoResult]
) -> None:
    code, out = await vault(system, "reconcile", "--wait", "60")
    assert code == 0, out
    assert "the services agree" in out
    code, out = await vault(system, "check", "--services", "--wait", "30")
    assert code == 0, out

    # A fill sourcing holds that the gateway never confirmed (as a bug would leave it).
    conn = await asyncpg.connect(system.endpoints.database_urls["sourcing"])
    try:
        await conn.execute("SET search_path TO sourcing")
        leg = await conn.fetchrow("SELECT leg_id, order_id FROM legs LIMIT 1")
        assert leg is not None
        await conn.execute(
            "INSERT INTO fills (fill_id, leg_id, order_id, trader_id, quantity, unit_price, "
            "origin_country, tier, warehouse_id, lot_reference, phase, policy_version, filled_at) "
            "VALUES ('fill-planted', $1, $2, 't', 1, 1, 'US', 'domestic', 'w', 'l', "
            "'initial_fill', 'p', now())",
            leg["leg_id"],
            leg["order_id"],
        )
        code, out = await vault(system, "reconcile", "--json")
    finally:
        await conn.execute("DELETE FROM fills WHERE fill_id = 'fill-planted'")
        await conn.close()

    assert code == 1, out
    report = _json(out)
    assert report["agrees"] is False
    assert {"kind": "fill_unconfirmed", "subject": "fill-planted"} in [
        {k: d[k] for k in ("kind", "subject")} for d in report["differences"]
    ]
