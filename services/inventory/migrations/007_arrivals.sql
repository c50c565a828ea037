-- Issue 17: physical receipts apart from title. A fill passes title (a lot is booked);
-- the warehouse's custodian later confirms the material arrived: weighed quantity, day,
-- grade and assay. An arrival names the fill; it may come before inventory has booked it
-- (a receipt without a fill, reported until the fill is booked). One arrival per fill.
CREATE TABLE arrivals (
    arrival_id      text        PRIMARY KEY,
    fill_id         text        NOT NULL UNIQUE,
    warehouse_id    text        NOT NULL,
    weighed         numeric     NOT NULL CHECK (weighed >= 0),
    unit            text        NOT NULL CHECK (unit IN ('t', 'kg')),
    arrived_on      date        NOT NULL,
    grade           text        NOT NULL DEFAULT '',
    assay           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    variance_reason text        NOT NULL DEFAULT '',
    confirmed_by    text        NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now()
);
