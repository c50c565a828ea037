-- Issue 12: what a lot cost, and the leg that bought it.
-- unit_price: the fill's price (USD per the lot's unit). A release's replenishment is
-- limited by the dearest lot it drew. Lots booked before this have none.
-- leg_id: the leg whose fill the lot is, for the reconciliation with the gateway.
ALTER TABLE lots ADD COLUMN unit_price numeric CHECK (unit_price > 0);
ALTER TABLE lots ADD COLUMN leg_id text;

-- The limit price the release's replenishment carries (none when no lot drawn had a price).
ALTER TABLE releases ADD COLUMN replenishment_limit numeric CHECK (replenishment_limit > 0);
