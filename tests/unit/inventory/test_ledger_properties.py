"""Properties of the ledger under random sequences of operations, valid or not."""

from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from services.inventory.domain import (
    AdjustmentRefused,
    AlreadyBooked,
    Balances,
    HeldForOps,
    Lot,
    LotBalance,
    Movement,
    MovementKind,
    NegativeBalance,
    Posting,
    Receipt,
    ReleasePlan,
    Transfer,
    apply,
    apply_all,
    book_receipt,
    by_mineral,
    check,
    lot_balances,
    plan_adjustment,
    plan_release,
    plan_transfer,
    rebuild,
)
from tests.unit.inventory.builders import T0, WAREHOUSES, at, held_lot, make_fill

MINERALS = ("cobalt", "lithium")
MAKERS = ("maker-a", "maker-b")
KNOWN = tuple(WAREHOUSES)
ANY_WAREHOUSE = (*KNOWN, "wh-unknown")

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(40), places=3)
signed = st.decimals(min_value=Decimal(-40), max_value=Decimal(40), places=3)
hours = st.integers(min_value=0, max_value=72)
fill_quantities = st.one_of(
    quantities, quantities, quantities, st.sampled_from([Decimal(0), Decimal(-1)])
)
# A share of what is held, so that draws span several lots and some ask too much.
shares = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1.25"), places=2)
labels = st.sampled_from(["recount", "recount", ""])


def _share_of(held: Decimal, share: Decimal) -> Decimal:
    return max((held * share).quantize(Decimal("0.001")), Decimal("0.001"))


def _eligible(
    holdings: list[LotBalance], maker: str, mineral: str, warehouse: str | None
) -> list[LotBalance]:
    return sorted(
        (
            held
            for held in holdings
            if (held.lot.owner, held.lot.mineral) == (maker, mineral)
            and warehouse in (None, held.lot.warehouse_id)
        ),
        key=lambda held: (held.lot.received_at, held.lot.lot_id),
    )


def _assert_fair_draw(plan: ReleasePlan, eligible: list[LotBalance]) -> None:
    """Never more than held, only the maker's own lots, and oldest lots emptied first."""
    held = {entry.lot.lot_id: entry.quantity for entry in eligible}
    taken = {m.lot_id: -m.quantity for m in plan.movements}
    assert sum(taken.values(), Decimal(0)) == plan.quantity <= sum(held.values(), Decimal(0))
    assert set(taken) <= set(held)
    assert all(Decimal(0) < taken[lot] <= held[lot] for lot in taken)
    order = [entry.lot.lot_id for entry in eligible]
    last = max(order.index(lot) for lot in taken)
    assert all(taken.get(lot) == held[lot] for lot in order[:last])


class RandomLedgerOperations(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.live: Balances = {}
        self.accepted: list[Movement] = []
        self.lots: dict[str, Lot] = {}
        self.booked: set[str] = set()
        self.expected: dict[str, Decimal] = {}
        self.serial = 0

    def _next_id(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}-{self.serial}"

    def _accept(self, postings: tuple[Posting, ...], mineral: str, change: Decimal) -> None:
        movements = [posting.movement for posting in postings]
        self.live = apply_all(self.live, movements)
        # What each transition says a lot holds afterwards is what the ledger says.
        for posting in postings:
            assert self.live.get(posting.movement.key, Decimal(0)) == posting.balance
        self.accepted.extend(movements)
        self.expected[mineral] = self.expected.get(mineral, Decimal(0)) + change

    def _holding(self, pick: int) -> LotBalance:
        holdings = sorted(lot_balances(self.lots, self.live), key=lambda h: h.lot.lot_id)
        return holdings[pick % len(holdings)]

    @rule(
        fill_no=st.integers(min_value=0, max_value=11),
        mineral=st.sampled_from(MINERALS),
        owner=st.sampled_from(MAKERS),
        warehouse=st.sampled_from(ANY_WAREHOUSE),
        quantity=fill_quantities,
        hour=hours,
    )
    def receive(
        self, fill_no: int, mineral: str, owner: str, warehouse: str, quantity: Decimal, hour: int
    ) -> None:
        fill = make_fill(
            f"fill-{fill_no}",
            quantity=quantity,
            owner=owner,
            mineral=mineral,
            warehouse_id=warehouse,
            filled_at=at(hour),
        )
        decision = book_receipt(fill, WAREHOUSES, self.booked)
        if isinstance(decision, AlreadyBooked):
            assert fill.fill_id in self.booked
        elif isinstance(decision, HeldForOps):
            assert warehouse not in WAREHOUSES or quantity <= 0
        else:
            assert isinstance(decision, Receipt)
            self._accept((decision.posting,), mineral, quantity)
            self.lots[decision.lot.lot_id] = decision.lot
            self.booked.add(fill.fill_id)

    @precondition(lambda self: bool(self.live))
    @rule(
        pick=st.integers(min_value=0),
        to=st.sampled_from(ANY_WAREHOUSE),
        share=st.one_of(st.none(), shares),
    )
    def transfer(self, pick: int, to: str, share: Decimal | None) -> None:
        holding = self._holding(pick)
        amount = holding.quantity if share is None else _share_of(holding.quantity, share)
        transfer_id = self._next_id("tr")
        result = plan_transfer(holding, to, amount, WAREHOUSES, transfer_id=transfer_id, at=at(80))
        if isinstance(result, Transfer):
            assert result.lot.owner == holding.lot.owner
            self._accept(result.postings, holding.lot.mineral, Decimal(0))
            self.lots[result.lot.lot_id] = result.lot
        else:
            assert (
                to not in WAREHOUSES or to == holding.lot.warehouse_id or amount > holding.quantity
            )

    @precondition(lambda self: bool(self.live))
    @rule(
        pick=st.integers(min_value=0),
        stranger=st.one_of(st.none(), st.sampled_from(MAKERS)),
        share=shares,
        warehouse=st.one_of(st.none(), st.sampled_from(KNOWN)),
    )
    def release(
        self, pick: int, stranger: str | None, share: Decimal, warehouse: str | None
    ) -> None:
        # Mostly ask on behalf of someone who holds the mineral, so draws succeed.
        lot = self._holding(pick).lot
        maker, mineral = stranger or lot.owner, lot.mineral
        holdings = lot_balances(self.lots, self.live)
        eligible = _eligible(holdings, maker, mineral, warehouse)
        held = sum((entry.quantity for entry in eligible), Decimal(0))
        quantity = _share_of(held, share)
        plan = plan_release(
            holdings,
            maker,
            mineral,
            quantity,
            warehouse,
            release_id=self._next_id("rel"),
            at=at(90),
            lead_days=60,
        )
        if isinstance(plan, ReleasePlan):
            _assert_fair_draw(plan, eligible)
            assert plan.replenishment.quantity == quantity
            self._accept(plan.postings, mineral, -quantity)
        else:
            assert (plan.held, plan.requested) == (held, quantity)
            assert quantity > held

    @precondition(lambda self: bool(self.live))
    @rule(
        pick=st.integers(min_value=0),
        quantity=signed,
        reason=labels,
        author=labels,
    )
    def adjust(self, pick: int, quantity: Decimal, reason: str, author: str) -> None:
        holding = self._holding(pick)
        result = plan_adjustment(
            holding,
            quantity,
            reason=reason,
            author=author,
            adjustment_id=self._next_id("adj"),
            at=at(95),
        )
        if isinstance(result, AdjustmentRefused):
            assert not (reason and author) or quantity == 0 or holding.quantity + quantity < 0
        else:
            assert result.balance == holding.quantity + quantity
            self._accept((result,), holding.lot.mineral, quantity)

    @precondition(lambda self: bool(self.live))
    @rule(pick=st.integers(min_value=0), extra=quantities)
    def overdraw_directly(self, pick: int, extra: Decimal) -> None:
        holding = self._holding(pick)
        greedy = Movement(
            movement_id=self._next_id("greedy"),
            kind=MovementKind.RELEASE,
            at=T0 + timedelta(days=5),
            key=holding.lot.key,
            quantity=-(holding.quantity + extra),
            unit=holding.lot.unit,
            release_id="greedy",
        )
        try:
            apply(self.live, greedy)
        except NegativeBalance:
            return
        raise AssertionError("a release of more than the lot holds was applied")

    @invariant()
    def balances_rebuilt_from_accepted_movements_equal_the_live_ones(self) -> None:
        assert rebuild(self.accepted) == self.live
        assert check(self.live, self.accepted) == []

    @invariant()
    def no_balance_is_ever_negative(self) -> None:
        assert all(quantity > 0 for quantity in self.live.values())

    @invariant()
    def each_mineral_totals_receipts_minus_releases_plus_adjustments(self) -> None:
        expected = {mineral: total for mineral, total in self.expected.items() if total != 0}
        assert by_mineral(self.live) == expected


TestTheLedgerStaysConsistentUnderRandomOperations = RandomLedgerOperations.TestCase
TestTheLedgerStaysConsistentUnderRandomOperations.settings = settings(
    max_examples=150,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


lot_specs = st.lists(
    st.tuples(
        st.sampled_from(MAKERS),
        st.sampled_from(KNOWN),
        quantities,
        hours,
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(
    specs=lot_specs,
    maker=st.sampled_from(MAKERS),
    quantity=quantities,
    warehouse=st.one_of(st.none(), st.sampled_from(KNOWN)),
)
def test_a_release_never_takes_more_than_is_held_for_that_manufacturer(
    specs: list[tuple[str, str, Decimal, int]],
    maker: str,
    quantity: Decimal,
    warehouse: str | None,
) -> None:
    holdings = [
        held_lot(
            make_fill(f"fill-{n}", owner=owner, warehouse_id=wh, quantity=q, filled_at=at(hour))
        )
        for n, (owner, wh, q, hour) in enumerate(specs)
    ]
    eligible = _eligible(holdings, maker, "cobalt", warehouse)
    held = sum((entry.quantity for entry in eligible), Decimal(0))

    plan = plan_release(
        holdings, maker, "cobalt", quantity, warehouse, release_id="rel", at=at(100), lead_days=60
    )

    if isinstance(plan, ReleasePlan):
        _assert_fair_draw(plan, eligible)
        assert all(m.owner == maker for m in plan.movements)
    else:
        assert quantity > held
        assert f"holds {held}" in plan.reason
