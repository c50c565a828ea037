from decimal import Decimal

import pytest

from services.sourcing.domain import InvalidValue, SupplyBook, SupplyExceeded

from .builders import offer


def test_consuming_reduces_what_is_left_without_changing_the_original_book() -> None:
    book = SupplyBook.of([offer("a", quantity="100")])

    after = book.consume({"a": Decimal(30)})

    assert after.remaining("a") == Decimal(70)
    assert book.remaining("a") == Decimal(100)


def test_consuming_more_than_is_left_is_refused() -> None:
    book = SupplyBook.of([offer("a", quantity="10")])

    with pytest.raises(SupplyExceeded):
        book.consume({"a": Decimal("10.001")})


def test_an_offer_id_cannot_be_added_twice() -> None:
    book = SupplyBook.of([offer("a")])

    with pytest.raises(InvalidValue, match="already"):
        book.with_offers([offer("a")])


def test_a_withdrawn_offer_leaves_the_book() -> None:
    book = SupplyBook.of([offer("a"), offer("b")])

    assert [o.offer_id for o in book.without("a")] == ["b"]


def test_the_book_finds_the_offers_of_one_mineral_without_looking_at_the_rest() -> None:
    book = SupplyBook.of([offer("a"), offer("li", mineral="lithium"), offer("b")])

    assert [o.offer_id for o in book.offers_of("cobalt")] == ["a", "b"]
    assert [o.offer_id for o in book.consume({"a": Decimal(1)}).offers_of("lithium")] == ["li"]
    assert [o.offer_id for o in book.without("a").offers_of("cobalt")] == ["b"]
    assert book.offers_of("nickel") == ()
