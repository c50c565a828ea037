-- One row per (manufacturer, request id): the answer every resend of that request gets.
--
-- accepted: the demand became procurement order order_id; fingerprint is what was
--   asked for, so a resend is recognised (same fingerprint: duplicate) or refused
--   (different: conflict). Its answer never changes again.
-- rejected: nothing was procured; reasons say why. The sender may correct the demand
--   and send it again under the same request id: that is treated as new, and the row
--   is overwritten with the new answer (received_at keeps the first attempt).
-- Demands whose ids break the id rules are answered but not stored: there is no
-- well-formed key to store them under.
CREATE TABLE demands (
    manufacturer_id text        NOT NULL,
    request_id      text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('accepted', 'rejected')),
    order_id        text        CHECK ((status = 'accepted') = (order_id IS NOT NULL)),
    fingerprint     text        CHECK (status = 'rejected' OR fingerprint IS NOT NULL),
    -- the demand as normalised on acceptance (catalogue mineral id, market, unit, decimals as text)
    demand          jsonb       CHECK ((status = 'accepted') = (demand IS NOT NULL)),
    reasons         jsonb       NOT NULL DEFAULT '[]'::jsonb,
    kind            text        CHECK (kind IN ('procurement', 'replenishment')),
    channel         text        NOT NULL CHECK (channel IN ('kafka', 'http')),
    received_at     timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer     NOT NULL DEFAULT 1, -- submissions under this key, resends included
    PRIMARY KEY (manufacturer_id, request_id)
);

CREATE UNIQUE INDEX demands_order_id ON demands (order_id) WHERE order_id IS NOT NULL;
