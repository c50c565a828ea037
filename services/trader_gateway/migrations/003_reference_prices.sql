-- Issue 17: fills checked against treasury's reference prices; beyond the tolerance,
-- held for a program admin's approval instead of counted.

-- What treasury holds (treasury.reference_price_set / price_tolerance_set on
-- vault.treasury.prices): the gateway's own copy, never treasury's tables.
CREATE TABLE reference_prices (
    mineral      text        NOT NULL,
    form         text        NOT NULL DEFAULT '',
    effective_on date        NOT NULL,
    price        numeric     NOT NULL CHECK (price > 0),
    unit         text        NOT NULL,
    source       text        NOT NULL,
    set_at       timestamptz NOT NULL,
    PRIMARY KEY (mineral, form, effective_on)
);

CREATE TABLE price_tolerances (
    mineral   text        PRIMARY KEY,
    tolerance numeric     NOT NULL CHECK (tolerance > 0),
    set_at    timestamptz NOT NULL
);

-- What fills awaiting approval hold on the leg: never offered to another fill or a decline.
ALTER TABLE legs ADD COLUMN pending_quantity numeric NOT NULL DEFAULT 0;
ALTER TABLE legs ADD CONSTRAINT legs_pending_within_quantity
    CHECK (pending_quantity >= 0 AND filled_quantity + pending_quantity <= quantity);

-- Every fill records the reference in force and its deviation (NULL: none was set), and
-- for one approved beyond the tolerance, who approved it, when and why.
ALTER TABLE fills ADD COLUMN reference_price numeric;
ALTER TABLE fills ADD COLUMN deviation numeric;
ALTER TABLE fills ADD COLUMN approved_by text;
ALTER TABLE fills ADD COLUMN approved_at timestamptz;
ALTER TABLE fills ADD COLUMN approval_reason text;

-- A fill beyond the tolerance, answered 202: pending until a program admin approves it
-- (it becomes the fill of the same id) or rejects it, or its leg closes first (rejected).
CREATE TABLE pending_fills (
    fill_id         text        PRIMARY KEY,
    leg_id          text        NOT NULL REFERENCES legs (leg_id),
    order_id        text        NOT NULL,
    trader_id       text        NOT NULL,
    mineral         text        NOT NULL,
    unit            text        NOT NULL,
    quantity        numeric     NOT NULL CHECK (quantity > 0),
    unit_price      numeric     NOT NULL CHECK (unit_price > 0),
    origin_country  text        NOT NULL,
    warehouse_id    text        NOT NULL,
    lot_reference   text        NOT NULL,
    filled_at       timestamptz NOT NULL,
    reference_price numeric     NOT NULL,
    deviation       numeric     NOT NULL,
    tolerance       numeric     NOT NULL,
    status          text        NOT NULL DEFAULT 'pending_approval'
        CHECK (status IN ('pending_approval', 'approved', 'rejected')),
    proposed_at     timestamptz NOT NULL DEFAULT now(),
    decided_by      text,
    decided_at      timestamptz,
    reason          text,
    CHECK ((status = 'pending_approval') = (decided_at IS NULL))
);
CREATE INDEX pending_fills_by_leg ON pending_fills (leg_id) WHERE status = 'pending_approval';
CREATE INDEX pending_fills_by_trader ON pending_fills (trader_id, fill_id);
