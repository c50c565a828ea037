-- Treasury's own facts (set by program admins or a price feed) and what it learns from the
-- other services' events. It reads no other service's tables.

-- A dated reference price per mineral and form ('' = the mineral's own), with its source.
CREATE TABLE reference_prices (
    mineral      text        NOT NULL,
    form         text        NOT NULL DEFAULT '',
    effective_on date        NOT NULL,
    price        numeric     NOT NULL CHECK (price > 0),
    unit         text        NOT NULL CHECK (unit IN ('t', 'kg')),
    source       text        NOT NULL,
    set_by       text        NOT NULL,
    set_at       timestamptz NOT NULL,
    PRIMARY KEY (mineral, form, effective_on)
);

-- How far a fill may deviate from the reference (a fraction, either way), per mineral.
CREATE TABLE price_tolerances (
    mineral   text        PRIMARY KEY,
    tolerance numeric     NOT NULL CHECK (tolerance > 0),
    set_by    text        NOT NULL,
    set_at    timestamptz NOT NULL
);

CREATE TABLE annual_ceilings (
    mineral     text        NOT NULL,
    year        integer     NOT NULL,
    ceiling_usd numeric     NOT NULL CHECK (ceiling_usd > 0),
    set_by      text        NOT NULL,
    set_at      timestamptz NOT NULL,
    PRIMARY KEY (mineral, year)
);

CREATE TABLE funding_sources (
    source_id      text        PRIMARY KEY,
    name           text        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('loan_tranche', 'private_capital')),
    ceiling_usd    numeric     NOT NULL CHECK (ceiling_usd > 0),
    available_from date        NOT NULL,
    set_by         text        NOT NULL,
    set_at         timestamptz NOT NULL
);

-- Learnt from leg.routed (sourcing): a leg's terms; its commitment is its unfilled
-- quantity at its limit price while it is open.
CREATE TABLE legs (
    leg_id      text        PRIMARY KEY,
    order_id    text        NOT NULL,
    mineral     text        NOT NULL,
    trader_id   text        NOT NULL,
    tier        text,
    quantity    numeric     NOT NULL,
    unit        text        NOT NULL,
    limit_price numeric,
    routed_at   timestamptz NOT NULL
);

-- Learnt from leg.closed (the gateway): the leg takes no more fills.
CREATE TABLE leg_closings (
    leg_id    text        PRIMARY KEY,
    reason    text        NOT NULL,
    closed_at timestamptz NOT NULL
);

-- Learnt from order.status_changed (sourcing): the best allied price the decision that
-- routed a leg passed over.
CREATE TABLE leg_alternatives (
    leg_id            text    PRIMARY KEY,
    order_id          text    NOT NULL,
    best_allied_price numeric NOT NULL
);

-- Learnt from fill.confirmed (the gateway): what was bought, at what price.
CREATE TABLE fills (
    fill_id        text        PRIMARY KEY,
    leg_id         text        NOT NULL,
    order_id       text        NOT NULL,
    trader_id      text        NOT NULL,
    mineral        text        NOT NULL,
    quantity       numeric     NOT NULL,
    unit           text        NOT NULL,
    unit_price     numeric     NOT NULL,
    origin_country text        NOT NULL,
    warehouse_id   text        NOT NULL,
    filled_at      timestamptz NOT NULL
);
CREATE INDEX fills_by_leg ON fills (leg_id);

-- Learnt from order.fill_recorded (sourcing): the tier a fill was bought under.
CREATE TABLE fill_tiers (
    fill_id text PRIMARY KEY,
    tier    text NOT NULL
);

-- Learnt from holdings.updated (inventory): what each lot holds in each warehouse now,
-- and the fill that bought it (its cost basis).
CREATE TABLE lot_balances (
    lot_id       text    NOT NULL,
    warehouse_id text    NOT NULL,
    mineral      text    NOT NULL,
    unit         text    NOT NULL,
    balance      numeric NOT NULL,
    PRIMARY KEY (lot_id, warehouse_id)
);
CREATE TABLE lot_fills (
    lot_id  text PRIMARY KEY,
    fill_id text NOT NULL
);
