-- Trading houses as ops registered them: markets, rank and limits are data, never code.
CREATE TABLE traders (
    trader_id          text        PRIMARY KEY,
    name               text        NOT NULL,
    markets            text[]      NOT NULL,
    rank               integer     NOT NULL CHECK (rank >= 1),
    capacity           numeric     NOT NULL CHECK (capacity >= 0),
    exposure_limit_usd numeric     NOT NULL CHECK (exposure_limit_usd >= 0),
    active             boolean     NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- API keys: only a hash of the secret is stored; the plaintext is shown once at issue.
-- revoked_at may lie in the future: a rotation's grace period.
CREATE TABLE api_keys (
    key_id      text        PRIMARY KEY,
    trader_id   text        NOT NULL REFERENCES traders (trader_id),
    secret_hash text        NOT NULL,
    scheme      text        NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX api_keys_by_trader ON api_keys (trader_id);

-- The gateway's view of legs, fed by sourcing's leg.routed / leg.cancelled events.
-- A trader is not a foreign key: a leg may arrive before ops register the trader here.
CREATE TABLE legs (
    leg_id          text        PRIMARY KEY,
    order_id        text        NOT NULL,
    trader_id       text        NOT NULL,
    manufacturer_id text        NOT NULL,
    mineral         text        NOT NULL,
    market          text        NOT NULL,
    unit            text        NOT NULL CHECK (unit IN ('t', 'kg')),
    quantity        numeric     NOT NULL CHECK (quantity > 0),
    filled_quantity numeric     NOT NULL DEFAULT 0,
    -- USD per ``unit``; converted on arrival if sourcing quoted it per the other unit.
    limit_price     numeric     CHECK (limit_price > 0),
    deadline        timestamptz NOT NULL,
    status          text        NOT NULL,
    kind            text        NOT NULL,
    offer_id        text,
    tier            text,
    origin_country  text,
    warehouse_id    text,
    tier_preference text[]      NOT NULL DEFAULT '{}',
    phase           text        NOT NULL,
    policy_version  text        NOT NULL,
    routed_at       timestamptz NOT NULL,  -- when sourcing routed it (the event's time)
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- The last guard against over-fill, whatever a handler gets wrong.
    CONSTRAINT legs_fill_within_quantity CHECK (filled_quantity >= 0 AND filled_quantity <= quantity)
);
CREATE INDEX legs_by_trader_deadline ON legs (trader_id, deadline, leg_id);

CREATE TABLE fills (
    fill_id        text        PRIMARY KEY,
    leg_id         text        NOT NULL REFERENCES legs (leg_id),
    order_id       text        NOT NULL,
    trader_id      text        NOT NULL,
    mineral        text        NOT NULL,
    unit           text        NOT NULL,
    quantity       numeric     NOT NULL CHECK (quantity > 0),
    unit_price     numeric     NOT NULL CHECK (unit_price > 0),
    origin_country text        NOT NULL,
    warehouse_id   text        NOT NULL,
    lot_reference  text        NOT NULL,
    filled_at      timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    event_id       uuid        NOT NULL UNIQUE
);
CREATE INDEX fills_by_leg ON fills (leg_id);

-- A leg is declined at most once: the decline covers its whole remainder.
CREATE TABLE declines (
    leg_id      text        PRIMARY KEY REFERENCES legs (leg_id),
    order_id    text        NOT NULL,
    trader_id   text        NOT NULL,
    unit        text        NOT NULL,
    quantity    numeric     NOT NULL CHECK (quantity > 0),
    reason      text        NOT NULL,
    declined_at timestamptz NOT NULL DEFAULT now(),
    event_id    uuid        NOT NULL UNIQUE
);

CREATE TABLE offers (
    offer_id       text        PRIMARY KEY,
    trader_id      text        NOT NULL REFERENCES traders (trader_id),
    mineral        text        NOT NULL,
    market         text        NOT NULL,
    origin_country text        NOT NULL,
    unit           text        NOT NULL CHECK (unit IN ('t', 'kg')),
    quantity       numeric     NOT NULL CHECK (quantity > 0),
    unit_price     numeric     NOT NULL CHECK (unit_price > 0),
    warehouse_id   text        NOT NULL,
    available_on   date        NOT NULL,
    valid_until    timestamptz NOT NULL,
    status         text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX offers_by_trader ON offers (trader_id, created_at, offer_id);

-- Idempotency: the first answer to (trader, Idempotency-Key), stored in the same
-- transaction as the request's effects, so a retry replays it and never acts twice.
CREATE TABLE idempotency_records (
    trader_id       text        NOT NULL,
    idempotency_key text        NOT NULL,
    fingerprint     text        NOT NULL,
    method          text        NOT NULL,
    path            text        NOT NULL,
    status_code     integer,
    headers         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    body            bytea,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (trader_id, idempotency_key)
);
