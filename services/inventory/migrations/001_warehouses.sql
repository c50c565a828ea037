-- Where material sits. ``kind`` says who controls the site: a trading partner
-- (third_party), the program under a lease, or the program outright.
CREATE TABLE warehouses (
    warehouse_id  text        PRIMARY KEY,
    name          text        NOT NULL,
    kind          text        NOT NULL CHECK (kind IN ('third_party', 'leased', 'owned')),
    location      text        NOT NULL,
    operator      text        NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now()
);
