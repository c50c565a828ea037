"""Schemathesis over every service's OpenAPI document: no generated request gets a 5xx.

Issue 13 (11): the gateway had schemathesis of its own (``trader_gateway/test_openapi_fuzz.py``,
with every conformance check); demand, sourcing, inventory and the console had none, and
inventory alone hid three distinct 5xx. Here every service runs in-process on the session's
broker and a database of its own, and cases of every operation (valid and invalid) go
through its ASGI app in this event loop; the check is the one that matters for all of
them: never a server error.

Seed: ``VAULT_SCHEMATHESIS_SEED`` (CI sets it), else a random one, printed either way, so
a failure is replayed with that seed. Size: ``VAULT_SCHEMATHESIS_EXAMPLES`` per operation
and generation mode (10). Credentials: ``headers_for(service, path)`` is the one place
that says what a request carries: the program admin's bootstrap key everywhere (it may
call every route, so the cases reach the handlers, not only the 401), a trader's key on
the gateway's trader API. The console's pages take no key.
Not done: stateful links (ids flowing from one operation's answer into the next).
"""

from __future__ import annotations

import contextlib
import os
import random
import urllib.parse
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.core.result import Err

from services.console import app as console_app
from services.console.settings import ConsoleSettings
from tests.support.access import ADMIN, bearer
from tests.support.services import Running, running
from vault.infra.launcher import Endpoints

SEED = int(os.environ.get("VAULT_SCHEMATHESIS_SEED") or random.randrange(2**32))
EXAMPLES = int(os.environ.get("VAULT_SCHEMATHESIS_EXAMPLES", "10"))
AnyCase = Case[Any]
Service = str

# Filled by the fixture: the secrets a service's callers hold (a trader's key...).
_SECRETS: dict[str, str] = {}


def headers_for(service: Service, path: str) -> dict[str, str]:
    """What a request to ``service`` carries to pass authentication: the one place to plug
    in the keys every route will require."""
    if service == "console":
        return {}
    if service == "trader_gateway" and not path.startswith("/v1/admin/"):
        return bearer(_SECRETS["trader_key"])
    return ADMIN


def _generate(strategy: st.SearchStrategy[AnyCase], count: int, seed: int) -> list[AnyCase]:
    cases: list[AnyCase] = []

    @hypothesis_seed(seed)
    @given(strategy)
    @settings(
        max_examples=count,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def collect(case: AnyCase) -> None:
        cases.append(case)

    with contextlib.suppress(Unsatisfiable):
        collect()  # no invalid request exists for an operation without inputs
    return cases


def _request(case: AnyCase, base_url: str, auth: dict[str, str]) -> dict[str, Any]:
    sent = case.as_transport_kwargs(base_url=base_url, headers=auth)
    request: dict[str, Any] = {
        "method": sent["method"],
        "url": sent["url"],
        "headers": sent["headers"],
        "params": sent.get("params"),
    }
    if "json" in sent:
        request["json"] = sent["json"]
    elif sent.get("data") is not None:
        data = sent["data"]
        request["content"] = data.encode() if isinstance(data, str) else data
    return request


@contextlib.asynccontextmanager
async def _console(infra: Endpoints) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    # Its sources (the services, Prometheus) are not running: its pages must say so, not 5xx.
    config = ConsoleSettings.model_validate(
        {
            "kafka_bootstrap_servers": infra.bootstrap_servers,
            "VAULT_DEMAND_URL": "http://127.0.0.1:9",
            "VAULT_SOURCING_URL": "http://127.0.0.1:9",
            "VAULT_TRADER_GATEWAY_URL": "http://127.0.0.1:9",
            "VAULT_INVENTORY_URL": "http://127.0.0.1:9",
            "VAULT_CONSOLE_TIMEOUT_S": 0.5,
        }
    )
    process = console_app.create_service(config, configure_logging=False)
    await process.start()
    try:
        api = console_app.create_api(process)
        transport = httpx.ASGITransport(app=api)
        async with httpx.AsyncClient(transport=transport, base_url="http://console") as client:
            yield api, client
    finally:
        await process.stop()


async def _register_trader(gateway: Running) -> str:
    admin = ADMIN
    body = {
        "name": "Schemathesis Trading",
        "markets": ["cobalt", "lithium"],
        "rank": 1,
        "capacity": "5000",
        "exposure_limit_usd": "250000000",
    }
    made = await gateway.client.put("/v1/admin/traders/trader-st", json=body, headers=admin)
    assert made.status_code == 201, made.text
    issued = await gateway.client.post("/v1/admin/traders/trader-st/keys", json={}, headers=admin)
    assert issued.status_code == 201, issued.text
    return str(issued.json()["api_key"])


@pytest.mark.parametrize(
    "service", ["demand", "sourcing", "inventory", "trader_gateway", "console"]
)
async def test_no_generated_request_gets_a_server_error(infra: Endpoints, service: str) -> None:
    async with contextlib.AsyncExitStack() as stack:
        if service == "console":
            api, client = await stack.enter_async_context(_console(infra))
        else:
            ran = await stack.enter_async_context(running(service, infra))  # type: ignore[arg-type]
            api, client = ran.api, ran.client
            if service == "trader_gateway":
                _SECRETS["trader_key"] = await _register_trader(ran)
        schema = schemathesis.openapi.from_dict(api.openapi())
        cases: list[tuple[AnyCase, dict[str, str]]] = []
        operations = 0
        for result in schema.get_all_operations():
            assert not isinstance(result, Err), result.err()
            operation = result.ok()
            operations += 1
            auth = headers_for(service, operation.path)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                strategy = operation.as_strategy(generation_mode=mode, headers=auth or None)
                cases += [(c, auth) for c in _generate(strategy, EXAMPLES, SEED)]
        failures: list[str] = []
        statuses: dict[int, int] = {}
        sent = 0
        for case, auth in cases:
            try:
                request = client.build_request(**_request(case, str(client.base_url), auth))
            except (UnicodeEncodeError, httpx.InvalidURL):
                continue  # not expressible as HTTP (a non-Latin-1 header): nothing to send
            response = await client.send(request)
            sent += 1
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                failures.append(
                    f"{request.method} {request.url} -> {response.status_code} {response.text[:200]}"
                )
        print(
            f"schemathesis[{service}] seed={SEED} operations={operations} cases={len(cases)} "
            f"sent={sent} statuses={sorted(statuses.items())} server_errors={len(failures)}"
        )
        assert sent > 0
        assert not failures, failures[:10]


async def test_the_console_answers_an_order_page_for_any_id(infra: Endpoints) -> None:
    # Found by the test above: an id with a control character went verbatim into the URL
    # of sourcing's API, httpx refused it (InvalidURL is no HTTPError) and the page was a
    # 500; an id with "/" reached another path of that API.
    async with _console(infra) as (_, client):
        for order_id in ("ord\n1", "../admin", "ord 1"):
            answer = await client.get(f"/orders/{urllib.parse.quote(order_id, safe='')}")
            assert answer.status_code < 500, answer.text[:300]
