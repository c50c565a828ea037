-- Issue 17: an approval is withdrawn, never deleted: who, when and why stay beside it.
-- A withdrawn approval no longer opens its option to the order's next placements; the
-- legs it already opened stand. Approved again, the withdrawal is cleared.
ALTER TABLE policy_exceptions ADD COLUMN withdrawn_by text;
ALTER TABLE policy_exceptions ADD COLUMN withdrawn_at timestamptz;
ALTER TABLE policy_exceptions ADD COLUMN withdrawn_reason text;
