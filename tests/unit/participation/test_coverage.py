"""Days of supply, per manufacturer and for the program (domain/coverage.py)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.participation.domain.coverage import Position, coverage, days_of_supply, of_program

held = st.decimals(min_value=0, max_value=100_000, places=3, allow_nan=False)
rate = st.decimals(min_value="0.001", max_value=1_000, places=3, allow_nan=False)


def test_days_of_supply_is_held_over_consumption_rounded_down() -> None:
    assert days_of_supply(Decimal(100), Decimal(3)) == Decimal("33.3")
    assert days_of_supply(Decimal(0), Decimal(3)) == Decimal(0)
    assert days_of_supply(Decimal(5), Decimal(0)) is None


def test_against_the_target() -> None:
    c = coverage(Decimal(90), Decimal(2), 60)
    assert (c.days, c.target_quantity, c.shortfall, c.meets_target) == (
        Decimal(45),
        Decimal(120),
        Decimal(30),
        False,
    )


def test_the_program_covers_everyone_held_over_everyone_consumption() -> None:
    positions = [
        Position(
            manufacturer_id="a",
            mineral="cobalt",
            held=Decimal(60),
            consumption_per_day=Decimal(1),
            target_days=60,
        ),
        Position(
            manufacturer_id="b",
            mineral="cobalt",
            held=Decimal(30),
            consumption_per_day=Decimal(2),
            target_days=30,
        ),
    ]
    program = of_program(positions, Decimal(90))
    assert program.days == Decimal(30)
    assert program.target_quantity == Decimal(120)
    assert program.target_days == 40


@given(h=held, r=rate, target=st.integers(1, 365))
def test_coverage_meets_target_exactly_when_days_reach_it(
    h: Decimal, r: Decimal, target: int
) -> None:
    c = coverage(h, r, target)
    assert c.days is not None
    assert c.days >= 0
    assert c.days * r <= h  # rounded down: never flattering
    assert c.meets_target == (h >= r * target)
    assert c.shortfall == max(r * target - h, 0)


@given(st.lists(st.tuples(held, rate, st.integers(1, 365)), min_size=1, max_size=6))
def test_program_days_lie_between_the_participants(
    rows: list[tuple[Decimal, Decimal, int]],
) -> None:
    positions = [
        Position(manufacturer_id=str(i), mineral="m", held=h, consumption_per_day=r, target_days=t)
        for i, (h, r, t) in enumerate(rows)
    ]
    program = of_program(positions, sum((p.held for p in positions), Decimal(0)))
    exact = [p.held / p.consumption_per_day for p in positions]
    assert program.days is not None
    assert min(exact) - Decimal("0.1") <= program.days <= max(exact)
