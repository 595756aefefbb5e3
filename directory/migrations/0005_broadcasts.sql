-- Policy updates: who opted in, what was broadcast, and a durable outbox drained by the worker.

-- Opt-in only: nobody is messaged without a row here. `locale` is the language resolved when
-- the person subscribed; a later /language choice (users.locale) wins at enqueue time.
-- Deleting the users row (/forget) deletes the subscription.
CREATE TABLE subscriptions (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    locale      TEXT NOT NULL,
    since       TEXT NOT NULL                 -- UTC timestamp
);

-- One row per broadcast. `total` is the number of outbox rows written at confirmation.
-- `progress_*` say where the live progress message is edited (it survives restarts);
-- `finished_at` is set once the final report was sent (NULL while one is still owed).
CREATE TABLE broadcasts (
    id                  INTEGER PRIMARY KEY,
    created_by          INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at          TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'queued'
                        CHECK (status IN ('queued', 'running', 'done', 'cancelled')),
    default_locale      TEXT NOT NULL,
    total               INTEGER NOT NULL DEFAULT 0,
    progress_locale     TEXT NOT NULL,
    progress_chat_id    INTEGER,
    progress_message_id INTEGER,
    started_at          TEXT,
    finished_at         TEXT
);

-- The text of a broadcast in each language it was written in; a recipient whose language is
-- missing gets the default locale's text.
CREATE TABLE broadcast_texts (
    broadcast_id    INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
    locale          TEXT NOT NULL,
    text            TEXT NOT NULL,
    PRIMARY KEY (broadcast_id, locale)
);

-- The outbox: one row per recipient, written in the same transaction as the broadcast.
-- pending -> sending (just before the API call) -> sent | failed | blocked; pending -> cancelled.
-- `not_before` (Unix seconds) delays a retry after a transient error or a 429.
-- Deleting the users row (/forget) deletes that person's rows, sent or not.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    broadcast_id    INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    locale          TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    not_before      REAL NOT NULL DEFAULT 0,
    updated_at      TEXT NOT NULL,
    UNIQUE (broadcast_id, user_id)
);
CREATE INDEX outbox_work ON outbox (broadcast_id, status, not_before);
CREATE INDEX outbox_user ON outbox (user_id);
CREATE INDEX broadcasts_status ON broadcasts (status, id);
