-- Issue 12: the gateway owns a leg's fills and its closing (declined, expired, cancelled).

-- The origins a leg's phase excludes, as sourcing routed it (leg.routed 1.1): no fill from them.
ALTER TABLE legs ADD COLUMN excluded_origins text[] NOT NULL DEFAULT '{}';

-- The sweep closes open legs past their deadline: found by this index, oldest first.
CREATE INDEX legs_open_by_deadline ON legs (deadline, leg_id)
    WHERE status IN ('open', 'partially_filled');

-- A leg closes at most once: what it had taken, what it left undone, and why. Declines
-- (and, from now on, expiries and cancellations) are all closings.
CREATE TABLE closings (
    leg_id    text        PRIMARY KEY REFERENCES legs (leg_id),
    order_id  text        NOT NULL,
    trader_id text        NOT NULL,
    reason    text        NOT NULL CHECK (reason IN ('declined', 'expired', 'cancelled')),
    unit      text        NOT NULL,
    quantity  numeric     NOT NULL CHECK (quantity > 0),
    filled    numeric     NOT NULL CHECK (filled >= 0),
    undone    numeric     NOT NULL CHECK (undone > 0),
    detail    text        NOT NULL DEFAULT '',
    closed_at timestamptz NOT NULL,
    event_id  uuid        NOT NULL UNIQUE,
    CHECK (filled + undone = quantity)
);

INSERT INTO closings (leg_id, order_id, trader_id, reason, unit, quantity, filled, undone,
                      detail, closed_at, event_id)
SELECT d.leg_id, d.order_id, d.trader_id, 'declined', d.unit, l.quantity, l.filled_quantity,
       d.quantity, d.reason, d.declined_at, d.event_id
FROM declines d JOIN legs l USING (leg_id);

DROP TABLE declines;
