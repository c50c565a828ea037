-- Issue 16: participation's commitment demand (vault.participation.demand, which only
-- participation writes) becomes one order per request, in participation's id space.
CREATE TABLE commitment_orders (
    request_id      text        PRIMARY KEY,
    order_id        text        NOT NULL UNIQUE,
    manufacturer_id text        NOT NULL,
    mineral         text        NOT NULL,
    quantity        numeric     NOT NULL CHECK (quantity > 0),
    unit            text        NOT NULL,
    deliver_by      date        NOT NULL,
    limit_price     numeric     NOT NULL CHECK (limit_price > 0),
    received_at     timestamptz NOT NULL DEFAULT now()
);
