-- Lots and their chain of custody. Ownership (owner) never changes; custody
-- (warehouse_id, the current custodian) changes only by a transfer movement.
CREATE TABLE lots (
    lot_id         text        PRIMARY KEY,
    mineral        text        NOT NULL,
    unit           text        NOT NULL CHECK (unit IN ('t', 'kg')),
    origin_country text        NOT NULL,
    tier           text        NOT NULL CHECK (tier IN ('domestic', 'allied', 'other')),
    trader_id      text        NOT NULL,
    fill_id        text        NOT NULL,
    order_id       text        NOT NULL,
    lot_reference  text        NOT NULL,
    phase          text        NOT NULL CHECK (phase IN ('initial_fill', 'replenishment')),
    policy_version text        NOT NULL,
    owner          text        NOT NULL,
    warehouse_id   text        NOT NULL REFERENCES warehouses,
    received_at    timestamptz NOT NULL,
    split_from     text        REFERENCES lots,
    merged_into    text        REFERENCES lots,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lots_by_order ON lots (order_id);
CREATE INDEX lots_by_parent ON lots (split_from) WHERE split_from IS NOT NULL;
