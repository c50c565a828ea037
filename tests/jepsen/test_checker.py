"""The interleaving test's checker, pure: it passes a quiet, agreeing run and names each break."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from shared.reconciliation import (
    Facts,
    FillFact,
    GatewayLeg,
    Receipt,
    SourcingLeg,
    SourcingOrder,
    reconcile,
)
from tests.jepsen.checker import Verdict, check
from tests.jepsen.history import FillAttempt, History

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _attempt(
    fill_id: str | None, status: int, quantity: str = "30", **changes: object
) -> FillAttempt:
    fields: dict[str, object] = {
        "leg_id": "L",
        "order_id": "O",
        "plan": "fill_all",
        "quantity": Decimal(quantity),
        "origin": "US",
        "wrong_origin": False,
        "status": status,
        "code": None if status == 201 else "over_fill",
        "fill_id": fill_id,
        "sent_at": NOW,
    }
    fields.update(changes)
    return FillAttempt(**fields)  # type: ignore[arg-type]


def _run() -> tuple[History, Facts]:
    history = History(seed=1, orders={"O": Decimal(100)})
    history.fills += [_attempt("f-1", 201), _attempt(None, 422, "80")]
    fills = [FillFact(fill_id="f-1", quantity=Decimal(30))]
    leg: dict[str, Any] = {
        "leg_id": "L",
        "order_id": "O",
        "quantity": Decimal(100),
        "filled": Decimal(30),
    }
    facts = Facts(
        [GatewayLeg(status="expired", fills=fills, **leg)],
        [SourcingLeg(status="expired", fills=fills, **leg)],
        [
            SourcingOrder(
                order_id="O",
                ordered=Decimal(100),
                placed=Decimal(30),
                filled=Decimal(30),
                status="waiting",
            )
        ],
        [Receipt(fill_id="f-1", order_id="O", leg_id="L", quantity=Decimal(30))],
    )
    return history, facts


def _verdict(
    history: History, facts: Facts, *, anomalies: int = 0, dead: dict[str, int] | None = None
) -> Verdict:
    letters = {"vault.trader.legs": 0} if dead is None else dead
    return check(history, facts, reconcile(facts), anomalies=anomalies, dead_letters=letters)


def test_a_quiet_agreeing_run_passes() -> None:
    verdict = _verdict(*_run())

    assert verdict.ok, verdict.problems
    assert verdict.summary["fills_201"] == 1
    assert verdict.summary["fills_refused"] == {"422 over_fill": 1}


def test_a_201_fill_missing_from_holdings_or_booked_twice_fails() -> None:
    history, facts = _run()
    missing = replace(facts, receipts=[])
    twice = replace(facts, receipts=[*facts.receipts, *facts.receipts])

    assert any("in holdings 0 times" in p for p in _verdict(history, missing).problems)
    assert any("in holdings 2 times" in p for p in _verdict(history, twice).problems)


def test_a_fill_at_the_gateway_nobody_was_answered_201_for_fails() -> None:
    history, facts = _run()
    history.fills[0] = _attempt(None, 409)

    assert any("no trader was answered 201" in p for p in _verdict(history, facts).problems)


def test_an_accepted_wrong_origin_dead_letters_and_anomalies_fail() -> None:
    history, facts = _run()
    history.fills.append(_attempt("f-2", 201, "1", wrong_origin=True, origin="RU"))

    problems = _verdict(history, facts, anomalies=2, dead={"vault.trader.legs": 1}).problems

    assert any("origin RU" in p for p in problems)
    assert "1 dead letters on vault.trader.legs" in problems
    assert "sourcing noted 2 anomalies" in problems


def test_an_order_that_received_more_than_it_asked_for_fails() -> None:
    history, facts = _run()
    history.orders["O"] = Decimal(10)

    assert any("order O received 30, ordered 10" in p for p in _verdict(history, facts).problems)
