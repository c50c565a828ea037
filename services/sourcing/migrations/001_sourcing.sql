-- Sourcing: the supply book, the program's data (phases, traders), and orders with their legs.
-- Quantities and prices are numeric (exact); a quantity is in its mineral's catalogue unit.

-- The supply book: one row per offer, revised in place by updates of the same offer id.
-- `taken` only grows: it is what legs took, and stays taken when a leg fails (the
-- trader did not honour it), so remaining = quantity - taken, never below zero.
CREATE TABLE offers (
    offer_id       text PRIMARY KEY,
    trader_id      text        NOT NULL,
    mineral        text        NOT NULL,
    market         text        NOT NULL,
    origin_country text        NOT NULL,
    quantity       numeric     NOT NULL CHECK (quantity > 0),
    unit           text        NOT NULL,
    unit_price     numeric     NOT NULL CHECK (unit_price > 0),
    warehouse_id   text        NOT NULL,
    available_on   date        NOT NULL,
    valid_until    timestamptz NOT NULL,
    taken          numeric     NOT NULL DEFAULT 0 CHECK (taken >= 0),
    withdrawn_at   timestamptz,
    published_at   timestamptz NOT NULL,  -- the publishing event's time: older updates lose
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX offers_live ON offers (mineral) WHERE withdrawn_at IS NULL;

-- Phase per mineral, as dated changes; no row means initial fill.
CREATE TABLE phase_changes (
    id           bigserial PRIMARY KEY,
    mineral      text        NOT NULL,
    phase        text        NOT NULL CHECK (phase IN ('initial_fill', 'replenishment')),
    set_by       text        NOT NULL,
    reason       text        NOT NULL DEFAULT '',
    effective_at timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX phase_changes_current ON phase_changes (mineral, effective_at DESC, id DESC);

-- The roster: traders, their markets, rank and limits, as ops registered them.
-- Open exposure is not stored here: it is the sum of the trader's open legs.
CREATE TABLE traders (
    trader_id          text PRIMARY KEY,
    name               text        NOT NULL,
    markets            text[]      NOT NULL,
    rank               integer     NOT NULL CHECK (rank >= 1),
    capacity           numeric     NOT NULL CHECK (capacity >= 0),
    exposure_limit_usd numeric     NOT NULL CHECK (exposure_limit_usd >= 0),
    active             boolean     NOT NULL,
    registered_at      timestamptz NOT NULL,  -- the registering event's time: older ones lose
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Orders: a procurement request and where it stands. `open_quantity` is what no
-- leg covers (waiting for supply), `open_reason` says why.
CREATE TABLE orders (
    order_id             text PRIMARY KEY,
    manufacturer_id      text        NOT NULL,
    request_id           text        NOT NULL,
    kind                 text        NOT NULL CHECK (kind IN ('procurement', 'replenishment')),
    mineral              text        NOT NULL,
    market               text        NOT NULL,
    unit                 text        NOT NULL,
    quantity             numeric     NOT NULL CHECK (quantity > 0),
    deliver_by           date        NOT NULL,
    limit_price          numeric,
    status               text        NOT NULL
        CHECK (status IN ('routed', 'partly_filled', 'filled', 'waiting', 'expired')),
    filled               numeric     NOT NULL DEFAULT 0,
    open_quantity        numeric     NOT NULL DEFAULT 0,
    open_reason          text        NOT NULL DEFAULT '',
    next_sequence        integer     NOT NULL DEFAULT 1,
    excluded_offers      text[]      NOT NULL DEFAULT '{}',
    excluded_specialists text[]      NOT NULL DEFAULT '{}',
    explanation          jsonb       NOT NULL DEFAULT '{}'::jsonb,  -- the latest decision, summarised
    correlation_id       text        NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (filled >= 0 AND filled <= quantity),
    CHECK (open_quantity >= 0 AND filled + open_quantity <= quantity)
);
CREATE INDEX orders_waiting ON orders (mineral, created_at) WHERE status <> 'expired' AND open_quantity > 0;
CREATE INDEX orders_by_manufacturer ON orders (manufacturer_id, created_at DESC, order_id DESC);
CREATE INDEX orders_by_status ON orders (status, created_at DESC, order_id DESC);

-- Every allocation an order went through, with the full record of why.
CREATE TABLE decisions (
    order_id       text        NOT NULL REFERENCES orders,
    number         integer     NOT NULL,
    trigger        text        NOT NULL,
    phase          text        NOT NULL,
    policy_version text        NOT NULL,
    record         jsonb       NOT NULL,
    decided_at     timestamptz NOT NULL,
    PRIMARY KEY (order_id, number)
);

CREATE TABLE legs (
    leg_id           text PRIMARY KEY,
    order_id         text        NOT NULL REFERENCES orders,
    sequence         integer     NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('offer', 'mandate')),
    trader_id        text        NOT NULL,
    mineral          text        NOT NULL,
    market           text        NOT NULL,
    quantity         numeric     NOT NULL CHECK (quantity > 0),
    unit_price       numeric     NOT NULL,  -- the offer's price, or the mandate's limit
    filled           numeric     NOT NULL DEFAULT 0,
    status           text        NOT NULL CHECK (status IN ('open', 'filled', 'declined', 'expired')),
    offer_id         text,
    tier             text,
    origin_country   text,
    warehouse_id     text,
    available_on     date,
    tier_preference  text[]      NOT NULL DEFAULT '{}',
    excluded_origins text[]      NOT NULL DEFAULT '{}',
    phase            text        NOT NULL,
    policy_version   text        NOT NULL,
    deadline         timestamptz NOT NULL,
    cascaded_from    text,
    closed_reason    text        NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    closed_at        timestamptz,
    UNIQUE (order_id, sequence),
    CHECK (filled >= 0 AND filled <= quantity)
);
CREATE INDEX legs_open_by_deadline ON legs (deadline) WHERE status = 'open';
CREATE INDEX legs_open_by_trader ON legs (trader_id) WHERE status = 'open';

-- Fills accepted against legs; the primary key makes a repeated fill id a no-op.
CREATE TABLE fills (
    fill_id        text PRIMARY KEY,
    leg_id         text        NOT NULL REFERENCES legs,
    order_id       text        NOT NULL REFERENCES orders,
    trader_id      text        NOT NULL,
    quantity       numeric     NOT NULL CHECK (quantity > 0),
    unit_price     numeric     NOT NULL,
    origin_country text        NOT NULL,
    tier           text        NOT NULL,
    warehouse_id   text        NOT NULL,
    lot_reference  text        NOT NULL,
    phase          text        NOT NULL,
    policy_version text        NOT NULL,
    filled_at      timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fills_by_order ON fills (order_id);
