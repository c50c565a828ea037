"""The demo's world, as data: trading houses, warehouses, offers, phases and demand.

Names are invented; routing never depends on them (traders are ops data).
Prices in USD per catalogue unit; cobalt, lithium and graphite in tonnes,
neodymium and gallium in kilograms.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TraderSeed:
    trader_id: str
    name: str
    markets: tuple[str, ...]
    rank: int
    country: str


@dataclass(frozen=True)
class OfferSeed:
    trader_id: str
    mineral: str
    origin_country: str
    quantity: str
    unit: str
    unit_price: str
    warehouse_id: str
    available_in_days: int


@dataclass(frozen=True)
class DemandSeed:
    manufacturer_id: str
    request_id: str
    mineral: str
    quantity: str
    unit: str
    max_unit_price: str


TRADERS = (
    TraderSeed(
        "northstar-us", "Northstar Metals", ("cobalt", "battery_metals", "lithium"), 1, "US"
    ),
    TraderSeed(
        "austral-au",
        "Austral Resources",
        ("cobalt", "lithium", "rare_earths", "battery_metals"),
        2,
        "AU",
    ),
    TraderSeed("maple-ca", "Maple Minerals", ("minor_metals", "rare_earths"), 1, "CA"),
    TraderSeed(
        "orient-cn",
        "Orient Trading",
        ("cobalt", "lithium", "rare_earths", "minor_metals", "battery_metals"),
        3,
        "CN",
    ),
)

WAREHOUSES = (
    ("wh-us-newark", "Newark bonded store", "owned", "Newark, NJ, US", "Vault program"),
    ("wh-au-perth", "Kwinana terminal", "third_party", "Perth, AU", "Austral Resources"),
    ("wh-nl-rotterdam", "Rotterdam metals hub", "leased", "Rotterdam, NL", "Maasvlakte Storage"),
    ("wh-ca-toronto", "Toronto vault", "third_party", "Toronto, CA", "Maple Minerals"),
)

OFFERS = (
    # cobalt, replenishment: domestic at a 20% premium (within the 25% cap) beats cheaper allied and other.
    OfferSeed("northstar-us", "cobalt", "US", "30", "t", "36000", "wh-us-newark", 10),
    OfferSeed("austral-au", "cobalt", "AU", "40", "t", "30000", "wh-au-perth", 5),
    OfferSeed("orient-cn", "cobalt", "CN", "60", "t", "26000", "wh-nl-rotterdam", 3),
    # lithium, initial fill: availability and price decide, whatever the origin.
    OfferSeed("austral-au", "lithium", "AU", "40", "t", "11000", "wh-au-perth", 20),
    OfferSeed("orient-cn", "lithium", "CN", "100", "t", "9000", "wh-nl-rotterdam", 7),
    # neodymium (a rare earth), initial fill.
    OfferSeed("austral-au", "neodymium", "AU", "500", "kg", "150", "wh-au-perth", 14),
    OfferSeed("orient-cn", "neodymium", "CN", "2000", "kg", "95", "wh-nl-rotterdam", 10),
    # gallium, initial fill.
    OfferSeed("maple-ca", "gallium", "CA", "100", "kg", "900", "wh-ca-toronto", 6),
    OfferSeed("orient-cn", "gallium", "CN", "300", "kg", "700", "wh-nl-rotterdam", 4),
    # graphite, replenishment: domestic first; no allied offer, so other covers the rest.
    OfferSeed("northstar-us", "graphite", "US", "20", "t", "1100", "wh-us-newark", 12),
    OfferSeed("orient-cn", "graphite", "CN", "200", "t", "800", "wh-nl-rotterdam", 5),
)

PHASES = (("cobalt", "replenishment"), ("graphite", "replenishment"))

DEMANDS = (
    DemandSeed("volta-motors", "volta-co-001", "cobalt", "25", "t", "40000"),
    DemandSeed("volta-motors", "volta-li-001", "lithium", "30", "t", "12000"),
    DemandSeed("helios-solar", "helios-ga-001", "gallium", "150", "kg", "1000"),
    DemandSeed("helios-solar", "helios-nd-001", "neodymium", "800", "kg", "160"),
    DemandSeed("helios-solar", "helios-gr-001", "graphite", "30", "t", "1500"),
)

# (trader, mineral): confirm this share of the leg, then decline the rest, which cascades.
PARTIAL_THEN_DECLINE = {("northstar-us", "cobalt"): "0.8"}

RELEASE = ("volta-motors", "cobalt", "5")
