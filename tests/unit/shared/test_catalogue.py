from decimal import Decimal
from importlib import resources

import pytest

from shared.catalogue import (
    Catalogue,
    CatalogueError,
    Mineral,
    MineralGroup,
    Unit,
    load_catalogue,
    parse_catalogue,
)
from tests.unit.demand.builders import CATALOGUE

# Read from the final 2025 US critical minerals list.
RARE_EARTHS = {
    "cerium", "dysprosium", "erbium", "europium", "gadolinium", "holmium", "lanthanum",
    "lutetium", "neodymium", "praseodymium", "samarium", "scandium", "terbium", "thulium",
    "ytterbium", "yttrium",
}  # fmt: skip
PLATINUM_GROUP_METALS = {"iridium", "palladium", "platinum", "rhodium", "ruthenium"}
ADDED_IN_2025 = {
    "boron", "copper", "lead", "metallurgical_coal", "phosphate", "potash", "rhenium",
    "silicon", "silver", "uranium",
}  # fmt: skip
KILOGRAM_MARKETS = {"rare_earths", "precious_metals", "minor_metals"}

HEADER = "id,name,group,added_in_2025,market,unit,typical_form,max_order_quantity\n"
COBALT_ROW = "cobalt,Cobalt,,no,cobalt,t,cobalt hydroxide,20000\n"


def test_the_catalogue_holds_exactly_the_60_minerals_of_the_2025_list() -> None:
    assert len(CATALOGUE) == 60
    assert len(set(CATALOGUE.ids)) == 60


def test_the_packaged_csv_has_60_rows_with_unique_ids() -> None:
    text = resources.files("shared.catalogue").joinpath("catalogue.csv").read_text("utf-8")
    ids = [line.split(",")[0] for line in text.splitlines()[1:]]
    assert len(ids) == 60
    assert len(set(ids)) == 60


def test_the_16_rare_earths_are_flagged_as_in_the_source_list() -> None:
    flagged = {m.id for m in CATALOGUE if m.group is MineralGroup.RARE_EARTH}
    assert len(flagged) == 16
    assert flagged == RARE_EARTHS


def test_the_5_platinum_group_metals_are_flagged_as_in_the_source_list() -> None:
    flagged = {m.id for m in CATALOGUE if m.group is MineralGroup.PLATINUM_GROUP_METAL}
    assert len(flagged) == 5
    assert flagged == PLATINUM_GROUP_METALS


def test_the_10_minerals_new_in_2025_are_marked() -> None:
    assert {m.id for m in CATALOGUE if m.added_in_2025} == ADDED_IN_2025


def test_multi_word_names_become_snake_case_ids() -> None:
    coal = CATALOGUE.get("metallurgical_coal")
    assert coal is not None
    assert coal.name == "Metallurgical coal"


def test_a_mineral_is_found_by_its_id() -> None:
    assert CATALOGUE.get("cobalt") == Mineral(
        id="cobalt",
        name="Cobalt",
        group=None,
        added_in_2025=False,
        market="cobalt",
        unit=Unit.TONNE,
        typical_form="cobalt hydroxide",
        max_order_quantity=Decimal(20000),
    )
    assert "cobalt" in CATALOGUE


def test_an_unknown_id_finds_nothing() -> None:
    assert CATALOGUE.get("unobtainium") is None
    assert "Cobalt" not in CATALOGUE


def test_the_markets_are_listed_once_each_in_order() -> None:
    assert CATALOGUE.markets == (
        "alloying_metals",
        "base_metals",
        "battery_metals",
        "cobalt",
        "industrial_minerals",
        "lithium",
        "metallurgical_coal",
        "minor_metals",
        "precious_metals",
        "rare_earths",
        "uranium",
    )


def test_cobalt_and_lithium_each_have_a_market_of_their_own() -> None:
    assert [m.id for m in CATALOGUE.in_market("cobalt")] == ["cobalt"]
    assert [m.id for m in CATALOGUE.in_market("lithium")] == ["lithium"]


def test_every_rare_earth_trades_in_the_rare_earths_market() -> None:
    assert {m.id for m in CATALOGUE.in_market("rare_earths")} == RARE_EARTHS


def test_the_precious_metals_market_is_silver_and_the_platinum_group() -> None:
    assert {m.id for m in CATALOGUE.in_market("precious_metals")} == PLATINUM_GROUP_METALS | {
        "silver"
    }


def test_minerals_are_ordered_in_kg_in_kilogram_markets_and_in_tonnes_elsewhere() -> None:
    for mineral in CATALOGUE:
        expected = Unit.KILOGRAM if mineral.market in KILOGRAM_MARKETS else Unit.TONNE
        assert mineral.unit is expected, mineral.id


def test_every_mineral_has_a_typical_form_and_a_positive_order_ceiling() -> None:
    for mineral in CATALOGUE:
        assert mineral.typical_form.strip()
        assert mineral.max_order_quantity > 0


def test_loading_twice_returns_the_same_shared_catalogue() -> None:
    assert load_catalogue() is load_catalogue()


def test_a_minimal_csv_parses_into_a_catalogue() -> None:
    catalogue = parse_catalogue(HEADER + COBALT_ROW)
    assert catalogue.ids == ("cobalt",)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("id,name\n" + COBALT_ROW, "expected columns"),
        (HEADER + COBALT_ROW + COBALT_ROW, "duplicate mineral id 'cobalt'"),
        (HEADER + COBALT_ROW.replace(",t,", ",lb,"), "line 2"),
        (HEADER + COBALT_ROW.replace(",,", ",rare earth,"), "line 2"),
        (HEADER + COBALT_ROW.replace("cobalt,C", "Cobalt,C"), "snake_case"),
        (HEADER + COBALT_ROW.replace(",no,", ",maybe,"), "yes or no"),
        (HEADER + COBALT_ROW.replace("20000", "0"), "positive"),
        (HEADER + COBALT_ROW.replace("20000", "lots"), "decimal"),
        (HEADER + COBALT_ROW.replace("20000", "20000,extra"), "expected 8 fields"),
        (HEADER + "cobalt,Cobalt\n", "expected 8 fields"),
        (HEADER + COBALT_ROW.replace("cobalt hydroxide", " "), "empty"),
    ],
)
def test_a_catalogue_file_that_breaks_a_rule_is_refused(text: str, complaint: str) -> None:
    with pytest.raises(CatalogueError, match=complaint):
        parse_catalogue(text)


def test_a_market_may_not_mix_units() -> None:
    cobalt_in_kg = Mineral(
        "cobalt_metal", "Cobalt metal", None, False, "cobalt", Unit.KILOGRAM, "cathode", Decimal(1)
    )
    with pytest.raises(CatalogueError, match="mixes units"):
        Catalogue([*load_catalogue(), cobalt_in_kg])
