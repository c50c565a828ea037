-- Issue 16: the program's book of participation. Agreements and their terms (versioned,
-- dated), disruptions; what participation learns from others (holdings per lot, orders and
-- what was received on them), the commitment demand it asked for, the obligations draws owe.
CREATE TABLE agreements (
    manufacturer_id text        NOT NULL,
    version         integer     NOT NULL CHECK (version >= 1),
    effective_from  date        NOT NULL,
    set_by          text        NOT NULL DEFAULT '',
    set_at          timestamptz NOT NULL,
    PRIMARY KEY (manufacturer_id, version)
);

CREATE TABLE agreement_terms (
    manufacturer_id       text    NOT NULL,
    version               integer NOT NULL,
    mineral               text    NOT NULL,
    unit                  text    NOT NULL,
    committed_quantity    numeric NOT NULL CHECK (committed_quantity > 0),
    set_price             numeric NOT NULL CHECK (set_price > 0),
    period_start          date    NOT NULL,
    period_end            date    NOT NULL CHECK (period_end >= period_start),
    consumption_per_day   numeric NOT NULL CHECK (consumption_per_day >= 0),
    coverage_target_days  integer NOT NULL CHECK (coverage_target_days >= 1),
    disruption_pool_share numeric NOT NULL CHECK (disruption_pool_share BETWEEN 0 AND 1),
    replenish_within_days integer NOT NULL CHECK (replenish_within_days >= 1),
    PRIMARY KEY (manufacturer_id, version, mineral),
    FOREIGN KEY (manufacturer_id, version) REFERENCES agreements
);

CREATE TABLE disruptions (
    disruption_id text        PRIMARY KEY,
    mineral       text        NOT NULL,
    reason        text        NOT NULL DEFAULT '',
    declared_at   timestamptz NOT NULL,
    ended_at      timestamptz
);
-- At most one disruption in force per mineral.
CREATE UNIQUE INDEX disruptions_in_force ON disruptions (mineral) WHERE ended_at IS NULL;

-- Each lot's balance per warehouse, as inventory's holdings.updated last said it.
CREATE TABLE lot_balances (
    lot_id       text    NOT NULL,
    warehouse_id text    NOT NULL,
    owner        text    NOT NULL,
    mineral      text    NOT NULL,
    unit         text    NOT NULL,
    balance      numeric NOT NULL,
    PRIMARY KEY (lot_id, warehouse_id)
);
CREATE INDEX lot_balances_owner ON lot_balances (owner, mineral);

-- Procurement orders (demand's), and what inventory received on each (its receipts).
CREATE TABLE orders (
    order_id        text    PRIMARY KEY,
    manufacturer_id text    NOT NULL,
    request_id      text    NOT NULL,
    mineral         text    NOT NULL,
    kind            text    NOT NULL,
    quantity        numeric NOT NULL,
    received        numeric NOT NULL DEFAULT 0,
    closed          boolean NOT NULL DEFAULT false
);
CREATE INDEX orders_request ON orders (request_id);
CREATE INDEX orders_manufacturer ON orders (manufacturer_id, mineral);

CREATE TABLE receipts (
    movement_id text    PRIMARY KEY,
    order_id    text    NOT NULL,
    quantity    numeric NOT NULL
);

-- What participation asked demand to buy, per pass.
CREATE TABLE commitment_requests (
    request_id        text        PRIMARY KEY,
    manufacturer_id   text        NOT NULL,
    mineral           text        NOT NULL,
    quantity          numeric     NOT NULL CHECK (quantity > 0),
    unit              text        NOT NULL,
    limit_price       numeric     NOT NULL,
    agreement_version integer     NOT NULL,
    requested_at      timestamptz NOT NULL
);
CREATE INDEX commitment_requests_mineral ON commitment_requests (mineral, requested_at);

-- A draw owes its material back: tracked until the replenishment's fills are booked.
CREATE TABLE obligations (
    obligation_id            text        PRIMARY KEY,
    release_id               text        NOT NULL,
    manufacturer_id          text        NOT NULL,
    mineral                  text        NOT NULL,
    quantity                 numeric     NOT NULL CHECK (quantity > 0),
    unit                     text        NOT NULL,
    due_by                   date        NOT NULL,
    limit_price              numeric,
    replenishment_request_id text        NOT NULL,
    created_at               timestamptz NOT NULL,
    closed_at                timestamptz,
    UNIQUE (manufacturer_id, release_id)
);
CREATE INDEX obligations_request ON obligations (replenishment_request_id);
