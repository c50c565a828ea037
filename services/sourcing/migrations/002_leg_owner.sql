-- Issue 12: the gateway owns a leg's fills and its closing; sourcing learns them.

-- A leg sourcing asked back (its order's delivery day passed) closes as the gateway says:
-- cancelled, or expired. The request is made once.
ALTER TABLE legs DROP CONSTRAINT legs_status_check;
ALTER TABLE legs ADD CONSTRAINT legs_status_check
    CHECK (status IN ('open', 'filled', 'declined', 'expired', 'cancelled'));
ALTER TABLE legs ADD COLUMN cancel_requested_at timestamptz;
CREATE INDEX legs_open_by_order ON legs (order_id) WHERE status = 'open';

-- A phase change retries the mineral's waiting orders once it is in force.
ALTER TABLE phase_changes ADD COLUMN retried_at timestamptz;
UPDATE phase_changes SET retried_at = recorded_at;
CREATE INDEX phase_changes_to_retry ON phase_changes (effective_at) WHERE retried_at IS NULL;

-- What sourcing learnt from the gateway and could not apply as it stood: a bug somewhere,
-- kept for ops (and counted by vault_sourcing_anomalies), never a refused fill.
CREATE TABLE anomalies (
    id          bigserial   PRIMARY KEY,
    kind        text        NOT NULL,
    order_id    text        NOT NULL,
    leg_id      text        NOT NULL,
    fill_id     text,
    detail      text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX anomalies_by_order ON anomalies (order_id);
