-- The API keys this service accepts, as issued (hashes only) by access or by the
-- service itself (the gateway's traders); kept from credential.* events.
CREATE TABLE credentials (
    key_id      text        PRIMARY KEY,
    principal   text        NOT NULL,
    role        text        NOT NULL,
    subject     text,
    secret_hash text        NOT NULL,
    issued_at   timestamptz NOT NULL,
    expires_at  timestamptz,
    revoked_at  timestamptz
);
