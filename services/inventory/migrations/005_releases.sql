-- Releases performed: the request as made (to recognise a retry) and the replenishment it raised.
-- A release id is the manufacturer's own (like a demand's request id), so it is unique per manufacturer.
CREATE TABLE releases (
    manufacturer_id          text        NOT NULL,
    release_id               text        NOT NULL,
    mineral                  text        NOT NULL,
    quantity                 numeric     NOT NULL CHECK (quantity > 0),
    unit                     text        NOT NULL,
    warehouse_id             text,
    rule                     text        NOT NULL,
    replenishment_request_id text        NOT NULL,
    deliver_by               date        NOT NULL,
    performed_at             timestamptz NOT NULL,
    PRIMARY KEY (manufacturer_id, release_id),
    UNIQUE (manufacturer_id, replenishment_request_id)
);
CREATE INDEX releases_by_mineral ON releases (mineral, performed_at);
