-- Issue 16: the draw rights inventory enforces, learnt from participation's events:
-- each agreement version's draw terms per mineral, and the disruptions in force.
-- (Numbered after the issue so that it never collides with another branch's 007.)
CREATE TABLE draw_terms (
    manufacturer_id       text    NOT NULL,
    version               integer NOT NULL,
    effective_from        date    NOT NULL,
    mineral               text    NOT NULL,
    unit                  text    NOT NULL,
    set_price             numeric NOT NULL CHECK (set_price > 0),
    pool_share            numeric NOT NULL CHECK (pool_share BETWEEN 0 AND 1),
    replenish_within_days integer NOT NULL CHECK (replenish_within_days >= 1),
    PRIMARY KEY (manufacturer_id, version, mineral)
);

-- An agreement version without a mineral takes that mineral's rights away: versions are kept.
CREATE TABLE draw_agreements (
    manufacturer_id text    NOT NULL,
    version         integer NOT NULL,
    effective_from  date    NOT NULL,
    PRIMARY KEY (manufacturer_id, version)
);

CREATE TABLE draw_disruptions (
    mineral       text        PRIMARY KEY,
    disruption_id text        NOT NULL,
    declared_at   timestamptz NOT NULL
);
