"""The HTTP edge without a database: bad input is a 4xx problem, CSV cells are safe, ids are stable."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any, cast

import httpx
import pytest

from services.inventory.api.client_ids import request_id
from services.inventory.api.export import csv_response
from services.inventory.app import create_api
from services.inventory.context import Inventory
from services.inventory.settings import InventorySettings, inventory_settings
from shared.http.problems import ProblemError
from shared.service import Service
from shared.settings import ServiceSettings
from tests.support.access import ADMIN, StaticCredentials


class _NoDatabase:
    """Stands in for the service: a route that reached the database would fail loudly."""

    def __init__(self) -> None:
        self.context = Inventory(cast(Service, self), replenishment_lead_days=60)
        self.credentials = StaticCredentials()

    @property
    def pool(self) -> Any:
        raise AssertionError("input this bad must be refused before the database")

    def transaction(self) -> Any:
        raise AssertionError("input this bad must be refused before the database")


@pytest.fixture
async def api() -> AsyncIterator[httpx.AsyncClient]:
    app = create_api(cast(Service, _NoDatabase()))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://inventory", headers=ADMIN
    ) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        (
            "/v1/releases",
            {"manufacturer_id": "m", "mineral": "cobalt", "quantity": "0"},
            422,
            "validation",
        ),
        # Demand intake takes replenishment quantities to 3 decimal places, ids without "/".
        (
            "/v1/releases",
            {"manufacturer_id": "m", "mineral": "cobalt", "quantity": "1.0005"},
            422,
            "validation",
        ),
        (
            "/v1/releases",
            {"manufacturer_id": "m", "mineral": "cobalt", "quantity": "1", "release_id": "a/b"},
            422,
            "validation",
        ),
        (
            "/v1/releases",
            {"manufacturer_id": "m", "mineral": "cobalt", "quantity": "99999999"},
            422,
            "quantity_above_ceiling",
        ),
        (
            "/v1/releases",
            {"manufacturer_id": "m", "mineral": "cobalt", "quantity": 1e30},
            422,
            "validation",
        ),
        (
            "/v1/releases",
            {"manufacturer_id": "m", "mineral": "adamantium", "quantity": "1"},
            422,
            "unknown_mineral",
        ),
        (
            "/v1/releases",
            {"manufacturer_id": "m", "mineral": "neodymium", "quantity": "1", "unit": "t"},
            422,
            "unit_mismatch",
        ),
        (
            "/v1/releases",
            {"manufacturer_id": "m m", "mineral": "cobalt", "quantity": "1"},
            422,
            "validation",
        ),
        (
            "/v1/transfers",
            {"lot_id": "l", "to_warehouse_id": "w", "quantity": "-2"},
            422,
            "validation",
        ),
        (
            "/v1/adjustments",
            {"lot_id": "l", "quantity": "0", "reason": "r", "author": "a"},
            422,
            "invalid_quantity",
        ),
        (
            "/v1/adjustments",
            {"lot_id": "l", "quantity": "1", "reason": " ", "author": "a"},
            422,
            "validation",
        ),
        (
            "/v1/adjustments",
            {"lot_id": "l", "quantity": "1", "author": "a"},
            422,
            "validation",
        ),
        (
            "/v1/warehouses",
            {"warehouse_id": "w", "name": "n", "kind": "rented", "location": "x", "operator": "o"},
            422,
            "validation",
        ),
    ],
)
async def test_bad_input_is_refused_as_problem_details(
    api: httpx.AsyncClient, path: str, body: dict[str, Any], status: int, code: str
) -> None:
    answer = await api.post(path, json=body)

    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == f"urn:vault:problem:{code}"
    assert (problem["status"], problem["code"]) == (status, code)
    assert problem["detail"]


async def test_a_body_that_is_not_json_is_a_400(api: httpx.AsyncClient) -> None:
    answer = await api.post(
        "/v1/transfers", content=b"{", headers={"content-type": "application/json"}
    )

    assert answer.status_code == 400
    assert answer.json()["type"] == "urn:vault:problem:malformed_request"


async def test_an_unknown_path_is_a_404_problem(api: httpx.AsyncClient) -> None:
    answer = await api.get("/v1/nowhere")

    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "not_found"


async def test_the_openapi_document_is_served_under_v1_with_every_route(
    api: httpx.AsyncClient,
) -> None:
    document = (await api.get("/v1/openapi.json")).json()

    assert {"/v1/releases", "/v1/transfers", "/v1/adjustments", "/v1/holdings"} <= set(
        document["paths"]
    )
    assert "Problem" in document["components"]["schemas"]


def test_a_client_id_is_kept_and_a_missing_one_is_made() -> None:
    assert request_id("release", "r-1", None) == "r-1"
    assert request_id("release", None, "r-1") == "r-1"
    assert request_id("release", "r-1", "r-1") == "r-1"
    assert len(request_id("release", None, None)) == 32


@pytest.mark.parametrize(
    ("given", "key", "status"),
    [("a", "b", 422), (None, "has space", 400), (None, "a/b", 400), (None, "k" * 65, 400)],
)
def test_conflicting_or_malformed_client_ids_are_refused(
    given: str | None, key: str, status: int
) -> None:
    with pytest.raises(ProblemError) as refused:
        request_id("release", given, key)

    assert refused.value.status == status


def test_csv_cells_that_a_spreadsheet_would_run_are_defused_but_numbers_are_not() -> None:
    response = csv_response(
        [{"owner": "=HYPERLINK(1)", "delta": Decimal("-5"), "note": None}],
        ["owner", "delta", "note"],
        "x.csv",
    )

    assert bytes(response.body).decode().splitlines() == ["owner,delta,note", "'=HYPERLINK(1),-5,"]


def test_plain_service_settings_widen_to_inventorys_with_the_default_lead_time() -> None:
    plain = ServiceSettings(kafka_bootstrap_servers="k:9092", database_url="postgresql://db/x")

    widened = inventory_settings(plain)

    assert isinstance(widened, InventorySettings)
    assert (widened.kafka_bootstrap_servers, widened.replenishment_lead_days) == ("k:9092", 60)
