-- The ledger: one row per signed change to one balance, never changed afterwards.
CREATE TABLE movements (
    seq            bigserial   PRIMARY KEY,
    movement_id    text        NOT NULL UNIQUE,
    kind           text        NOT NULL CHECK (kind IN ('receipt', 'release', 'transfer', 'adjustment')),
    at             timestamptz NOT NULL,
    mineral        text        NOT NULL,
    warehouse_id   text        NOT NULL REFERENCES warehouses,
    origin_country text        NOT NULL,
    tier           text        NOT NULL,
    lot_id         text        NOT NULL REFERENCES lots,
    owner          text        NOT NULL,
    quantity       numeric     NOT NULL CHECK (quantity <> 0),
    unit           text        NOT NULL CHECK (unit IN ('t', 'kg')),
    balance_after  numeric     NOT NULL,
    fill_id        text,
    release_id     text,
    transfer_id    text,
    reason         text,
    author         text,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);
-- A fill is booked once, whatever the consumer does: the database says no to a second receipt.
CREATE UNIQUE INDEX movements_one_receipt_per_fill ON movements (fill_id) WHERE kind = 'receipt';
CREATE INDEX movements_by_mineral ON movements (mineral, seq);
CREATE INDEX movements_by_lot ON movements (lot_id, seq);
CREATE INDEX movements_by_release ON movements (release_id) WHERE release_id IS NOT NULL;
CREATE INDEX movements_by_transfer ON movements (transfer_id) WHERE transfer_id IS NOT NULL;

-- Append-only: a correction is a new movement (an adjustment), never an edit.
CREATE FUNCTION movements_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'movements are append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER movements_no_update_or_delete
    BEFORE UPDATE OR DELETE ON movements
    FOR EACH ROW EXECUTE FUNCTION movements_are_append_only();
CREATE TRIGGER movements_no_truncate
    BEFORE TRUNCATE ON movements
    FOR EACH STATEMENT EXECUTE FUNCTION movements_are_append_only();

-- Live balances: written in the same transaction as each movement; /v1/check
-- rebuilds them from the ledger and compares. A lot's other dimensions are fixed,
-- so (lot, warehouse) identifies a balance; the rest is kept for grouping.
CREATE TABLE balances (
    lot_id         text        NOT NULL REFERENCES lots,
    warehouse_id   text        NOT NULL REFERENCES warehouses,
    mineral        text        NOT NULL,
    origin_country text        NOT NULL,
    tier           text        NOT NULL,
    owner          text        NOT NULL,
    unit           text        NOT NULL,
    -- The last line of defence against an overdraw: no code path can leave less than nothing.
    quantity       numeric     NOT NULL CHECK (quantity >= 0),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (lot_id, warehouse_id)
);
CREATE INDEX balances_by_owner ON balances (owner, mineral) WHERE quantity > 0;
CREATE INDEX balances_by_mineral ON balances (mineral, warehouse_id) WHERE quantity > 0;
