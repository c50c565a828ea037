-- Issue 12: a release's replenishment, from inventory's own topic, becomes one order per
-- release, in an id space of its own: not the manufacturers' (manufacturer, request id).
-- Release ids are unique per manufacturer (inventory's releases table), hence the key.
CREATE TABLE replenishments (
    manufacturer_id text        NOT NULL,
    release_id      text        NOT NULL,
    order_id        text        NOT NULL UNIQUE,
    request_id      text        NOT NULL,
    mineral         text        NOT NULL,
    quantity        numeric     NOT NULL CHECK (quantity > 0),
    unit            text        NOT NULL,
    deliver_by      date        NOT NULL,
    limit_price     numeric     CHECK (limit_price > 0),
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (manufacturer_id, release_id)
);
