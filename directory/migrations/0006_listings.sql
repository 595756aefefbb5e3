-- Listing self-service: invitations, the people who edit a listing, freshness reminders.

-- An invitation to edit one listing. Only the SHA-256 of the token is stored: the link the
-- admin forwards is the only copy of the token. It works once, until `expires_at`.
CREATE TABLE listing_invites (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,              -- hex SHA-256 of the token
    org_id      TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_by  INTEGER NOT NULL,                  -- the admin's Telegram id (admins are config)
    created_at  TEXT NOT NULL,                     -- UTC timestamps, ISO 8601
    expires_at  TEXT NOT NULL,
    used_at     TEXT,                              -- NULL until claimed
    used_by     INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX listing_invites_by_org ON listing_invites (org_id);

-- Who may edit which listing: one row per claimed invitation. `locale` is the language the
-- editor used when claiming, for reminders sent by the daily job. /forget deletes the row.
CREATE TABLE listing_editors (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id      TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    locale      TEXT,
    since       TEXT NOT NULL,
    PRIMARY KEY (user_id, org_id)
) WITHOUT ROWID;
CREATE INDEX listing_editors_by_org ON listing_editors (org_id);

-- When each editor was last reminded to check a stale listing (at most one reminder a month).
CREATE TABLE listing_reminders (
    org_id      TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id)
) WITHOUT ROWID;
