-- Fills that could not be booked as they stood, kept whole with the reason, for ops.
-- Booked automatically when the missing warehouse is registered.
CREATE TABLE held_fills (
    fill_id        text        PRIMARY KEY,
    order_id       text        NOT NULL,
    warehouse_id   text        NOT NULL,
    mineral        text        NOT NULL,
    reason         text        NOT NULL,
    fill           jsonb       NOT NULL,
    event_id       uuid        NOT NULL,
    correlation_id text        NOT NULL,
    held_at        timestamptz NOT NULL DEFAULT now(),
    booked_at      timestamptz,
    movement_id    text
);
CREATE INDEX held_fills_open_by_warehouse ON held_fills (warehouse_id) WHERE booked_at IS NULL;
CREATE INDEX held_fills_by_order ON held_fills (order_id);
