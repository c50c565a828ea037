"""``python -m services.inventory`` serves the service; ``... check`` checks the ledger.

``check`` rebuilds every balance from the movements, compares them with the live
balances, prints the report as JSON and exits 1 when they disagree.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

from services.inventory.app import create_api, create_service
from services.inventory.handlers.check_ledger import check_ledger
from services.inventory.settings import NAME
from shared.db import create_pool
from shared.http.context import utc_now


async def _check() -> int:
    # Only the database is needed: ops can run this where the broker is unreachable.
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        print("check: DATABASE_URL is not set", file=sys.stderr)
        return 2
    pool = await create_pool(database_url, schema=NAME, max_size=1)
    try:
        async with pool.acquire() as conn:
            report = await check_ledger(conn, now=utc_now())
    finally:
        await pool.close()
    print(
        json.dumps(
            {
                "agrees": report.agrees,
                "movements": report.movements,
                "balances": report.balances,
                "discrepancies": [
                    {"kind": d.kind.value, "detail": d.detail} for d in report.discrepancies
                ],
                "checked_at": report.checked_at.isoformat(),
            },
            indent=2,
        )
    )
    return 0 if report.agrees else 1


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:
        return asyncio.run(_check())
    if argv:
        print(f"usage: python -m services.inventory [check]; got {argv}", file=sys.stderr)
        return 2
    service = create_service()
    service.run(create_api(service))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
