import pytest

from services.trader_gateway.domain import PROBLEM_TYPES, RefusalCode, problem_type


def test_every_refusal_code_has_a_status_and_title() -> None:
    assert set(PROBLEM_TYPES) == set(RefusalCode)
    assert all(p.title and 400 <= p.status < 500 for p in PROBLEM_TYPES.values())


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (RefusalCode.NOT_FOUND, 404),
        (RefusalCode.CONFLICT, 409),
        (RefusalCode.OVER_FILL, 422),
        (RefusalCode.VALIDATION, 422),
        (RefusalCode.RATE_LIMITED, 429),
        (RefusalCode.UNAUTHORISED, 401),
        (RefusalCode.FORBIDDEN, 403),
        (RefusalCode.PAYLOAD_TOO_LARGE, 413),
        (RefusalCode.IDEMPOTENCY_KEY_REUSED, 409),
        (RefusalCode.INVALID_CURSOR, 400),
    ],
)
def test_refusal_codes_map_to_their_http_status(code: RefusalCode, status: int) -> None:
    assert problem_type(code).status == status


def test_refusal_codes_are_lower_case_snake_case() -> None:
    assert all(c.value == c.value.lower() and " " not in c.value for c in RefusalCode)


def test_the_table_cannot_be_changed_at_runtime() -> None:
    with pytest.raises(TypeError):
        PROBLEM_TYPES[RefusalCode.NOT_FOUND] = problem_type(RefusalCode.CONFLICT)  # type: ignore[index]
