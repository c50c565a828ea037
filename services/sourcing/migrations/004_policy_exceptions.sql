-- Issue 17: policy exceptions a program admin approved for one order (who, when, why).
-- One per order and kind; approved again, the latest approval is kept.
CREATE TABLE policy_exceptions (
    order_id    text        NOT NULL REFERENCES orders,
    kind        text        NOT NULL CHECK (kind IN ('over_premium_cap')),
    reason      text        NOT NULL,
    approved_by text        NOT NULL,
    approved_at timestamptz NOT NULL,
    PRIMARY KEY (order_id, kind)
);
