import json
from typing import Any

import pytest
from starlette.types import Message, Receive, Scope, Send

from services.trader_gateway.api import refusals
from services.trader_gateway.api.idempotency import (
    Conflict,
    InFlight,
    check_idempotency_key,
    decide,
)
from services.trader_gateway.api.security import rate_limited
from services.trader_gateway.domain import Refusal, RefusalCode
from services.trader_gateway.repository.idempotency import StoredResponse
from shared.http.middleware import BodyLimit
from shared.http.paging import InvalidCursor
from shared.http.problems import ProblemError


def test_every_refusal_code_has_a_status_and_title() -> None:
    assert set(refusals.STATUS) == set(RefusalCode)
    assert all(title and 400 <= status < 500 for status, title in refusals.STATUS.values())


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (RefusalCode.NOT_FOUND, 404),
        (RefusalCode.OVER_FILL, 422),
        (RefusalCode.VALIDATION, 422),
        (RefusalCode.UNAUTHORISED, 401),
        (RefusalCode.FORBIDDEN, 403),
        (RefusalCode.LEG_NOT_OPEN, 409),
        (RefusalCode.DECLINE_QUANTITY_MISMATCH, 409),
    ],
)
def test_refusal_codes_map_to_their_http_status(code: RefusalCode, status: int) -> None:
    problem = refusals.problem(Refusal(code, "why"))
    assert (problem.status, problem.code) == (status, code.value)


def _conflict(stored: StoredResponse | InFlight, fingerprint: str) -> ProblemError:
    decision = decide(stored, fingerprint)
    assert isinstance(decision, Conflict)
    return decision.problem()


def _problem(made: Any) -> ProblemError:
    assert isinstance(made, ProblemError)
    return made


# The answers the API gives of its own (not a domain refusal), and the shared ones it uses.
@pytest.mark.parametrize(
    ("problem", "code", "status"),
    [
        (_conflict(StoredResponse("first", 201, b"{}"), "other"), "idempotency_key_reused", 409),
        (_conflict(InFlight("first"), "first"), "conflict", 409),
        (_problem(check_idempotency_key(None)), "idempotency_key_missing", 400),
        (_problem(check_idempotency_key("tab\there")), "invalid_idempotency_key", 400),
        (rate_limited("slow down", 3), "rate_limited", 429),
        (InvalidCursor().problem, "invalid_cursor", 400),
    ],
)
def test_the_apis_own_problems_have_their_codes_and_statuses(
    problem: ProblemError, code: str, status: int
) -> None:
    assert (problem.code, problem.status) == (code, status)


def test_refusal_codes_are_lower_case_snake_case() -> None:
    assert all(c.value == c.value.lower() and " " not in c.value for c in RefusalCode)


def test_the_table_cannot_be_changed_at_runtime() -> None:
    with pytest.raises(TypeError):
        refusals.STATUS[RefusalCode.NOT_FOUND] = (409, "Conflict")  # type: ignore[index]


def test_a_refusal_becomes_a_problem_with_its_field_and_extensions() -> None:
    refusal = Refusal(RefusalCode.OVER_FILL, "too much", "quantity", (("remaining", "27.5"),))
    assert refusals.document(refusal) == {
        "type": "urn:vault:problem:over_fill",
        "title": "Fill exceeds what is left on the leg",
        "status": 422,
        "detail": "too much",
        "code": "over_fill",
        "field": "quantity",
        "remaining": "27.5",
    }


async def test_a_body_over_the_cap_is_answered_413_payload_too_large() -> None:
    sent: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("a body over the cap never reaches the routes")

    async def receive() -> Message:
        return {"type": "http.request", "body": b"x" * 11, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {"type": "http", "headers": [(b"content-length", b"11")]}
    await BodyLimit(app, max_bytes=10)(scope, receive, send)

    assert sent[0]["status"] == 413
    problem = json.loads(sent[1]["body"])
    assert (problem["code"], problem["status"]) == ("payload_too_large", 413)
