-- Admin and member flows on one guarded layer: conversations that survive a restart, presses
-- that act once, editors that can be removed, organizations' public contact routes, one vote
-- per answer and person.

-- What each person is in the middle of (a listing edit, a rule edit, a broadcast draft), so a
-- restart or a deploy loses nothing and the buttons of the last preview still work. `state` is
-- the bot's own JSON; /forget deletes the row with the person.
CREATE TABLE conversations (
    user_id     INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    state       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- State-changing presses, each claimed once in the transaction that does its work: the key is
-- what the button says (e.g. "send draft 3f2a, preview 4"); a second press finds the key taken.
CREATE TABLE claims (
    key         TEXT PRIMARY KEY,
    at          TEXT NOT NULL
) WITHOUT ROWID;

-- Fields of a listing that need no column of their own (public e-mail, phone, social-media
-- page, ...): one row per organization and key. Adding such a field needs no migration.
CREATE TABLE org_details (
    org_num     INTEGER NOT NULL REFERENCES organizations (num) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (org_num, key)
) WITHOUT ROWID;

-- An admin may withdraw an invitation before anyone uses it.
ALTER TABLE listing_invites ADD COLUMN revoked_at TEXT;

-- One vote per answer and person: the key is a salted hash of the chat, the answer's message
-- and the person, so no user id is stored and pressing again changes the vote.
ALTER TABLE policy_feedback ADD COLUMN vote_key TEXT;
CREATE UNIQUE INDEX policy_feedback_vote ON policy_feedback (vote_key);
