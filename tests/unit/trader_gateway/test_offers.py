from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from services.trader_gateway.domain import (
    MAX_OFFER_VALIDITY,
    Offer,
    OfferAccepted,
    OfferChanges,
    OfferDraft,
    OfferProposal,
    OfferRefused,
    OfferStatus,
    RefusalCode,
    TraderRegistration,
    check_publish,
    check_update,
    check_withdraw,
    draft_offer,
)
from shared.catalogue import load_catalogue
from shared.contracts import Unit

from .builders import NOW, OTHER_TRADER, REGISTRATION, TRADER, a_draft


def _refused(result: OfferAccepted | OfferDraft | OfferRefused) -> OfferRefused:
    assert isinstance(result, OfferRefused), result
    return result


def _published() -> Offer:
    result = check_publish(a_draft(), REGISTRATION, NOW)
    assert isinstance(result, OfferAccepted)
    return result.offer


def test_a_registered_trader_publishes_an_active_offer_it_owns() -> None:
    offer = _published()
    assert (offer.trader_id, offer.status, offer.quantity) == (
        TRADER,
        OfferStatus.ACTIVE,
        Decimal("250"),
    )


def test_publishing_for_a_market_the_trader_is_not_registered_for_is_refused() -> None:
    refusal = _refused(check_publish(a_draft(market="lithium"), REGISTRATION, NOW))
    assert (refusal.code, refusal.field) == (RefusalCode.MARKET_NOT_REGISTERED, "market")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"quantity": Decimal("0")}, RefusalCode.INVALID_QUANTITY),
        ({"quantity": Decimal("-3")}, RefusalCode.INVALID_QUANTITY),
        ({"unit_price": Decimal("0")}, RefusalCode.INVALID_PRICE),
        ({"unit_price": Decimal("NaN")}, RefusalCode.INVALID_PRICE),
        ({"origin_country": "CAN"}, RefusalCode.INVALID_ORIGIN_COUNTRY),
        ({"warehouse_id": ""}, RefusalCode.VALIDATION),
        ({"valid_until": NOW}, RefusalCode.INVALID_VALID_UNTIL),
        ({"valid_until": NOW - timedelta(days=1)}, RefusalCode.INVALID_VALID_UNTIL),
        (
            {"valid_until": NOW + MAX_OFFER_VALIDITY + timedelta(seconds=1)},
            RefusalCode.INVALID_VALID_UNTIL,
        ),
        ({"valid_until": datetime(2026, 4, 1)}, RefusalCode.INVALID_VALID_UNTIL),
    ],
)
def test_an_offer_with_bad_content_is_refused(
    changes: dict[str, object], code: RefusalCode
) -> None:
    assert _refused(check_publish(a_draft(**changes), REGISTRATION, NOW)).code is code


def test_an_offer_available_only_after_it_expires_is_refused() -> None:
    draft = a_draft(available_on=NOW.date() + timedelta(days=31))
    refusal = _refused(check_publish(draft, REGISTRATION, NOW))
    assert (refusal.code, refusal.field) == (RefusalCode.VALIDATION, "available_on")


def test_an_offer_valid_for_exactly_the_maximum_horizon_is_accepted() -> None:
    draft = a_draft(valid_until=NOW + MAX_OFFER_VALIDITY)
    assert isinstance(check_publish(draft, REGISTRATION, NOW), OfferAccepted)


def test_an_update_changes_only_the_fields_given() -> None:
    offer = _published()
    result = check_update(offer, OfferChanges(unit_price=Decimal("30000")), REGISTRATION, NOW)

    assert isinstance(result, OfferAccepted)
    assert result.offer.unit_price == Decimal("30000")
    assert result.offer.quantity == offer.quantity


def test_an_update_that_changes_nothing_is_refused() -> None:
    refusal = _refused(check_update(_published(), OfferChanges(), REGISTRATION, NOW))
    assert refusal.code is RefusalCode.VALIDATION


def test_an_update_with_a_bad_value_is_refused() -> None:
    changes = OfferChanges(quantity=Decimal("-1"))
    assert _refused(check_update(_published(), changes, REGISTRATION, NOW)).code is (
        RefusalCode.INVALID_QUANTITY
    )


def test_an_update_by_another_trader_looks_like_a_missing_offer() -> None:
    other = TraderRegistration(OTHER_TRADER, frozenset({"cobalt"}))
    changes = OfferChanges(quantity=Decimal("1"))
    not_theirs = check_update(_published(), changes, other, NOW)

    assert not_theirs == check_update(None, changes, REGISTRATION, NOW)
    assert _refused(not_theirs).code is RefusalCode.NOT_FOUND


def test_a_trader_dropped_from_the_market_cannot_update_but_can_withdraw() -> None:
    dropped = TraderRegistration(TRADER, frozenset({"nickel"}))
    offer = _published()

    update = check_update(offer, OfferChanges(quantity=Decimal("1")), dropped, NOW)
    withdraw = check_withdraw(offer, TRADER, NOW)

    assert _refused(update).code is RefusalCode.MARKET_NOT_REGISTERED
    assert isinstance(withdraw, OfferAccepted)


def test_withdrawing_an_offer_marks_it_withdrawn() -> None:
    result = check_withdraw(_published(), TRADER, NOW)
    assert isinstance(result, OfferAccepted)
    assert result.offer.status is OfferStatus.WITHDRAWN


def test_a_withdraw_by_another_trader_looks_like_a_missing_offer() -> None:
    refusal = _refused(check_withdraw(_published(), OTHER_TRADER, NOW))
    assert refusal == check_withdraw(None, TRADER, NOW)
    assert refusal.code is RefusalCode.NOT_FOUND


def test_a_withdrawn_offer_can_be_neither_updated_nor_withdrawn_again() -> None:
    withdrawn = check_withdraw(_published(), TRADER, NOW)
    assert isinstance(withdrawn, OfferAccepted)
    offer = withdrawn.offer

    update = check_update(offer, OfferChanges(quantity=Decimal("1")), REGISTRATION, NOW)
    again = check_withdraw(offer, TRADER, NOW)

    assert _refused(update).code is RefusalCode.OFFER_NOT_ACTIVE
    assert _refused(again).code is RefusalCode.OFFER_NOT_ACTIVE


def _proposal(**changes: object) -> OfferProposal:
    fields: dict[str, object] = {
        "mineral": "cobalt",
        "origin_country": "CA",
        "quantity": Decimal("250"),
        "quantity_unit": Unit.TONNE,
        "unit_price": Decimal("31800.50"),
        "price_per": Unit.TONNE,
        "warehouse_id": "wh-antwerp-1",
        "available_on": NOW.date() + timedelta(days=7),
        "valid_until": NOW + timedelta(days=30),
    }
    return OfferProposal(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_draft_places_a_catalogue_mineral_in_its_market_and_unit() -> None:
    draft = draft_offer(load_catalogue(), "offer-1", _proposal())
    assert draft == a_draft(offer_id="offer-1")


def test_a_draft_of_a_mineral_not_in_the_catalogue_is_refused() -> None:
    refusal = _refused(draft_offer(load_catalogue(), "offer-1", _proposal(mineral="kryptonite")))
    assert (refusal.code, refusal.field) == (RefusalCode.VALIDATION, "mineral")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity_unit": Unit.KILOGRAM}, "quantity.unit"),
        ({"price_per": Unit.KILOGRAM}, "unit_price.per"),
    ],
)
def test_a_draft_or_update_in_another_unit_than_the_minerals_is_refused(
    changes: dict[str, Unit], field: str
) -> None:
    refusal = _refused(draft_offer(load_catalogue(), "offer-1", _proposal(**changes)))
    assert (refusal.code, refusal.field) == (RefusalCode.UNIT_MISMATCH, field)
    assert ("unit", "t") in refusal.extensions
    units = (changes.get("quantity_unit", Unit.TONNE), changes.get("price_per", Unit.TONNE))
    update = check_update(
        _published(), OfferChanges(quantity=Decimal("1")), REGISTRATION, NOW, units=units
    )
    assert _refused(update).field == field


def test_an_update_to_the_same_terms_changes_nothing_to_tell_sourcing() -> None:
    offer = _published()
    same = check_update(offer, OfferChanges(quantity=offer.quantity), REGISTRATION, NOW)
    other = check_update(offer, OfferChanges(quantity=Decimal("1")), REGISTRATION, NOW)
    assert isinstance(same, OfferAccepted)
    assert isinstance(other, OfferAccepted)
    assert (same.offer, same.changed, other.changed) == (offer, False, True)


def test_an_active_offer_reads_as_expired_once_its_validity_ends() -> None:
    offer = _published()
    assert offer.status_at(offer.valid_until - timedelta(seconds=1)) == "active"
    assert offer.status_at(offer.valid_until) == "expired"
