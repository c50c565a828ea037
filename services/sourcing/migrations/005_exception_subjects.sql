-- Issue 17: the two other kinds of policy exception, each naming what it allows (subject):
-- excluded_origin (an origin country), non_primary_trader (a trader id). One approval per
-- order, kind and subject; approved again, the latest is kept.
ALTER TABLE policy_exceptions ADD COLUMN subject text NOT NULL DEFAULT '';
ALTER TABLE policy_exceptions DROP CONSTRAINT policy_exceptions_kind_check;
ALTER TABLE policy_exceptions ADD CONSTRAINT policy_exceptions_kind_check
    CHECK (kind IN ('over_premium_cap', 'excluded_origin', 'non_primary_trader'));
ALTER TABLE policy_exceptions DROP CONSTRAINT policy_exceptions_pkey;
ALTER TABLE policy_exceptions ADD PRIMARY KEY (order_id, kind, subject);
