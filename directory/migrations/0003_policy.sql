-- Policy rules the bot answers from, seeded from directory/data/policy_rules.json and then
-- editable by admins without a deploy. Every change appends a full snapshot to
-- policy_rule_versions, so nothing is overwritten without a trace.
CREATE TABLE policy_rules (
    id            TEXT PRIMARY KEY,                 -- contract id from RULES.md
    verdict       TEXT NOT NULL CHECK (verdict IN ('no', 'yes', 'sometimes', 'not_applicable')),
    refers_to     TEXT NOT NULL CHECK (refers_to IN ('networks', 'members', 'both', 'none')),
    links         TEXT NOT NULL DEFAULT '[]',       -- JSON array of URLs
    version       INTEGER NOT NULL DEFAULT 1,       -- bumped on every stored change
    seed_version  INTEGER NOT NULL,                 -- seed file version last applied
    admin_edited  INTEGER NOT NULL DEFAULT 0 CHECK (admin_edited IN (0, 1)),
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL                     -- 'seed' or the admin who edited
);

-- The answer text per language, as structured fields the bot renders.
CREATE TABLE policy_rule_texts (
    rule_id       TEXT NOT NULL REFERENCES policy_rules(id) ON DELETE CASCADE,
    lang          TEXT NOT NULL,
    verdict_line  TEXT NOT NULL,
    why           TEXT NOT NULL,
    instead       TEXT NOT NULL,
    PRIMARY KEY (rule_id, lang)
);

-- One row per stored version of a rule: the whole rule as it was after the change.
CREATE TABLE policy_rule_versions (
    rule_id       TEXT NOT NULL REFERENCES policy_rules(id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    snapshot      TEXT NOT NULL,                    -- JSON: verdict, refers_to, links, texts
    who           TEXT NOT NULL,
    at            TEXT NOT NULL,
    PRIMARY KEY (rule_id, version)
);

-- What people thought of answers, and questions no rule fitted. No user id, on purpose:
-- improving answers needs the words, not the person.
CREATE TABLE policy_feedback (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    question      TEXT NOT NULL,
    rule_id       TEXT,                             -- NULL: no rule fitted the question
    helpful       INTEGER CHECK (helpful IN (0, 1)) -- NULL: no verdict given (unanswered)
);
CREATE INDEX policy_feedback_at ON policy_feedback (at);
