"""The reference price in force, its deviation, and the premiums paid per fill."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.treasury.domain.premiums import PricedFill, premium_of, summarise
from services.treasury.domain.prices import ReferencePrice, deviation, in_force, within_tolerance
from services.treasury.handlers.learn import passed_over

D = Decimal


def price(day: date, amount: str, form: str = "") -> ReferencePrice:
    return ReferencePrice("cobalt", form, day, D(amount), "t", "LME")


def test_the_reference_in_force_is_the_latest_dated_on_or_before_the_day() -> None:
    prices = [price(date(2026, 1, 1), "30000"), price(date(2026, 3, 1), "33000")]
    assert in_force(prices, "cobalt", date(2025, 12, 31)) is None
    assert in_force(prices, "cobalt", date(2026, 2, 28)) == prices[0]
    assert in_force(prices, "cobalt", date(2026, 3, 1)) == prices[1]
    assert in_force(prices, "lithium", date(2026, 3, 1)) is None


def test_a_price_for_the_form_wins_over_the_minerals_own() -> None:
    prices = [price(date(2026, 3, 1), "33000"), price(date(2026, 1, 1), "31000", "hydroxide")]
    assert in_force(prices, "cobalt", date(2026, 4, 1), "hydroxide") == prices[1]
    assert in_force(prices, "cobalt", date(2026, 4, 1), "metal") == prices[0]


def test_deviation_is_relative_to_the_reference_either_way() -> None:
    assert deviation(D(36300), D(33000)) == D("0.1")
    assert within_tolerance(D(36300), D(33000), D("0.10"))
    assert not within_tolerance(D(36400), D(33000), D("0.10"))
    assert not within_tolerance(D(29600), D(33000), D("0.10"))


def fill(fill_id: str, tier: str, trader: str, price_: str, allied: str | None) -> PricedFill:
    return PricedFill(
        fill_id=fill_id,
        order_id="o",
        mineral="cobalt",
        tier=tier,
        trader_id=trader,
        filled_on=date(2026, 3, 2),
        quantity=D(20),
        unit="t",
        unit_price=D(price_),
        best_allied_price=None if allied is None else D(allied),
        reference_price=D(33000),
    )


def test_premiums_over_the_allied_route_and_over_the_reference() -> None:
    domestic = premium_of(fill("f1", "domestic", "us-metals", "36000", "30000"))
    allied = premium_of(fill("f2", "allied", "au-trade", "30000", "30000"))
    assert domestic.over_allied == D(120_000)
    assert domestic.over_reference == D(60_000)
    assert allied.over_allied == D(0)
    assert allied.over_reference == D(-60_000)
    [by_tier_allied, by_tier_domestic] = summarise([domestic, allied], "tier")
    assert (by_tier_domestic.key, by_tier_domestic.over_allied) == ("domestic", D(120_000))
    [month] = summarise([domestic, allied], "period")
    assert (month.key, month.fills, month.spent) == ("2026-03", 2, D(1_320_000))
    assert by_tier_allied.over_reference == D(-60_000)


def test_the_best_allied_price_a_decision_passed_over_is_learnt_for_the_legs_it_routed() -> None:
    record = {"best_allied_price": "30000", "legs": [{"leg_id": "l1"}, {"leg_id": "l2"}]}
    assert passed_over(record) == [("l1", D(30000)), ("l2", D(30000))]
    assert passed_over({"best_allied_price": None, "legs": [{"leg_id": "l1"}]}) == []
    assert passed_over({}) == []


def test_an_export_never_hands_a_spreadsheet_a_formula_and_keeps_numbers_numbers() -> None:
    from services.treasury.domain.exports import to_csv

    text = to_csv(
        [{"group": "=HYPERLINK(1)", "premium": D("-12000"), "fills": 2, "none": None}],
        ["group", "premium", "fills", "none"],
    )
    assert text.splitlines() == ["group,premium,fills,none", "'=HYPERLINK(1),-12000,2,"]
