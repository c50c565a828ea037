-- Rows Kafka refuses for good (too large, not authorised) are set aside, not retried forever.
ALTER TABLE outbox ADD COLUMN parked_at timestamptz, ADD COLUMN park_reason text;
DROP INDEX outbox_unpublished;
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL AND parked_at IS NULL;

-- An event is its id and its content: the same id with other bytes is not a redelivery.
-- Rows from before this column read as empty, and match any content (a redelivery).
ALTER TABLE inbox
    ADD COLUMN fingerprint bytea NOT NULL DEFAULT ''::bytea,
    ADD COLUMN outcome text NOT NULL DEFAULT 'applied';
CREATE INDEX inbox_processed_at ON inbox (processed_at);
