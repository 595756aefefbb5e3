-- Saved searches get ids derived from their content (a 60-bit slice of the digest), so an id
-- can go into a button before the row is written (the writer task writes it a moment later)
-- and every process gives the same search the same id. The digest is no longer UNIQUE: rows
-- saved before keep their small ids (their buttons keep working) beside the new ones.
CREATE TABLE saved_searches_new (
    id          INTEGER PRIMARY KEY,
    digest      TEXT NOT NULL,
    text        TEXT NOT NULL,
    sectors     TEXT NOT NULL DEFAULT '',
    countries   TEXT NOT NULL DEFAULT '',
    regions     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
INSERT INTO saved_searches_new (id, digest, text, sectors, countries, regions, created_at)
    SELECT id, digest, text, sectors, countries, regions, created_at FROM saved_searches;
DROP TABLE saved_searches;
ALTER TABLE saved_searches_new RENAME TO saved_searches;
CREATE INDEX saved_searches_created ON saved_searches (created_at);

-- One drainer per database: a worker holds the lease named after its job while its heartbeat
-- is fresh (`expires_at`, Unix seconds); another process takes over only after it expired.
CREATE TABLE worker_leases (
    name         TEXT PRIMARY KEY,
    owner        TEXT NOT NULL,
    heartbeat_at REAL NOT NULL,
    expires_at   REAL NOT NULL
);

-- The lease owner that claimed an outbox row (`sending`): a new owner resets only the rows of
-- owners whose lease expired.
ALTER TABLE outbox ADD COLUMN owner TEXT;
