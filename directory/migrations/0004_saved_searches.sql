-- Searches behind "next page" and "more" buttons: callback data (64 bytes) carries only the id.
-- No user id: the same query from anyone shares one row.
CREATE TABLE saved_searches (
    id          INTEGER PRIMARY KEY,
    digest      TEXT NOT NULL UNIQUE,
    text        TEXT NOT NULL,
    sectors     TEXT NOT NULL DEFAULT '',
    countries   TEXT NOT NULL DEFAULT '',
    regions     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
