import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from services.demand.domain import DemandKey, is_well_formed_id, order_id_for
from shared.contracts.common import Identifier
from shared.contracts.demand import request_key

ids = st.from_regex(r"[A-Za-z0-9._:-]{1,64}", fullmatch=True)


def test_the_order_id_of_a_demand_is_pinned_because_it_is_stored_and_published() -> None:
    key = DemandKey("acme-batteries", "PO-2025-0001")
    assert order_id_for(key) == "ord-c8adb6ebe7705d3a8f51f06578866bcf"


@given(ids, ids)
def test_the_same_key_always_names_the_same_order_a_valid_identifier(
    manufacturer: str, request: str
) -> None:
    order_id = order_id_for(DemandKey(manufacturer, request))
    assert order_id == order_id_for(DemandKey(manufacturer, request))
    assert re.fullmatch(r"ord-[0-9a-f]{32}", order_id)
    TypeAdapter(Identifier).validate_python(order_id)


def test_ids_that_read_alike_when_joined_name_different_orders() -> None:
    assert order_id_for(DemandKey("a:b", "c")) != order_id_for(DemandKey("a", "b:c"))


@pytest.mark.parametrize("text", ["a", "PO-2025", "x" * 64, "a.b_c:d-e"])
def test_ids_the_rules_accept_are_well_formed(text: str) -> None:
    assert is_well_formed_id(text)


@pytest.mark.parametrize("text", ["", "x" * 65, "bad id", "nul\x00", "é", "a/b"])
def test_ids_the_rules_refuse_are_not_well_formed(text: str) -> None:
    assert not is_well_formed_id(text)


def test_answers_are_keyed_by_manufacturer_and_request_id() -> None:
    assert request_key("acme", "PO-1") == "acme:PO-1"


@given(st.text(max_size=200), st.text(max_size=200))
def test_any_pair_of_ids_gives_an_answer_key_an_envelope_and_postgres_accept(
    manufacturer: str, request: str
) -> None:
    key = request_key(manufacturer, request)
    assert 0 < len(key) <= 200
    assert "\x00" not in key
    assert key == request_key(manufacturer, request)
