-- Issue 17: the annual ceilings treasury sets per mineral (treasury.annual_ceiling_set),
-- as sourcing learnt them. Sourcing's tally against them comes from its own legs and fills.
CREATE TABLE annual_ceilings (
    mineral     text        NOT NULL,
    year        integer     NOT NULL,
    ceiling_usd numeric     NOT NULL CHECK (ceiling_usd > 0),
    set_by      text        NOT NULL,
    set_at      timestamptz NOT NULL,  -- the setting's time: an older setting loses
    PRIMARY KEY (mineral, year)
);

-- The tally of a mineral's year reads its legs (and their fills) by mineral.
CREATE INDEX legs_by_mineral ON legs (mineral, created_at);
