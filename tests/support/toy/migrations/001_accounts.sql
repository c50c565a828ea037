CREATE TABLE accounts (
    account text PRIMARY KEY,
    balance numeric NOT NULL DEFAULT 0,
    applied integer NOT NULL DEFAULT 0
);
