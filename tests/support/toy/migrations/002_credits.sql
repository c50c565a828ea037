-- Every credit the toy applied, in the order it applied them: tests read order per key here.
CREATE TABLE credits (
    seq bigserial PRIMARY KEY,
    account text NOT NULL,
    amount numeric NOT NULL,
    event_id uuid NOT NULL
);
