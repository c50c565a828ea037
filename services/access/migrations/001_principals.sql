-- Who may call Vault: manufacturers, ops users and service clients, and their keys.
-- Keys are stored as hashes only (shared.access.keys); access is their one owner and
-- publishes each issue and revocation on vault.program.credentials.
CREATE TABLE principals (
    principal   text        PRIMARY KEY,          -- "<kind>:<id>", e.g. manufacturer:volta
    kind        text        NOT NULL,
    id          text        NOT NULL,
    role        text        NOT NULL,
    subject     text,                             -- the manufacturer it speaks for
    created_at  timestamptz NOT NULL,
    removed_at  timestamptz
);

CREATE TABLE api_keys (
    key_id      text        PRIMARY KEY,
    principal   text        NOT NULL REFERENCES principals (principal),
    secret_hash text        NOT NULL,
    issued_at   timestamptz NOT NULL,
    expires_at  timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX api_keys_of ON api_keys (principal);
