-- The directory of organizations, in the spirit of Open Referral HSDS.
-- `num` is SQLite's rowid (stable: INTEGER PRIMARY KEY) for FTS and compact child tables;
-- `id` is the public slug, stable forever. Child tables carry `scope` (0 national/local,
-- 2 regional network, 3 global network) so search reads one index per tier.
CREATE TABLE organizations (
    num            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    acronym        TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL CHECK (kind IN ('global_network', 'regional_network', 'national', 'local')),
    parent_id      TEXT REFERENCES organizations (id) DEFERRABLE INITIALLY DEFERRED,
    worldwide      INTEGER NOT NULL DEFAULT 0,
    city           TEXT NOT NULL DEFAULT '',
    website        TEXT NOT NULL DEFAULT '',
    founded        INTEGER,
    members        TEXT NOT NULL DEFAULT '',
    members_as_of  TEXT NOT NULL DEFAULT '',
    wiego_relation TEXT NOT NULL DEFAULT '',
    sources        TEXT NOT NULL DEFAULT '',
    summaries_text TEXT NOT NULL DEFAULT '',   -- every language's summary, kept by triggers for FTS
    verified_at    TEXT,
    updated_at     TEXT NOT NULL
);

CREATE TABLE org_sectors (
    sector  TEXT NOT NULL,
    scope   INTEGER NOT NULL,
    org_num INTEGER NOT NULL REFERENCES organizations (num) ON DELETE CASCADE,
    PRIMARY KEY (sector, scope, org_num)
) WITHOUT ROWID;
CREATE INDEX org_sectors_by_org ON org_sectors (org_num);

-- Local (scope 0) organizations once per (sector, country): "sector X in place Y" is a range scan.
CREATE TABLE org_facets (
    sector  TEXT NOT NULL,
    country TEXT NOT NULL,
    scope   INTEGER NOT NULL,
    org_num INTEGER NOT NULL REFERENCES organizations (num) ON DELETE CASCADE,
    PRIMARY KEY (sector, country, scope, org_num)
) WITHOUT ROWID;
CREATE INDEX org_facets_by_org ON org_facets (org_num);

CREATE TABLE org_countries (
    country TEXT NOT NULL,
    scope   INTEGER NOT NULL,
    org_num INTEGER NOT NULL REFERENCES organizations (num) ON DELETE CASCADE,
    pos     INTEGER NOT NULL,
    PRIMARY KEY (country, scope, org_num)
) WITHOUT ROWID;
CREATE INDEX org_countries_by_org ON org_countries (org_num);

CREATE TABLE org_regions (
    region  TEXT NOT NULL,
    scope   INTEGER NOT NULL,
    org_num INTEGER NOT NULL REFERENCES organizations (num) ON DELETE CASCADE,
    pos     INTEGER NOT NULL,
    PRIMARY KEY (region, scope, org_num)
) WITHOUT ROWID;
CREATE INDEX org_regions_by_org ON org_regions (org_num);

CREATE TABLE org_languages (
    org_num INTEGER NOT NULL REFERENCES organizations (num) ON DELETE CASCADE,
    lang    TEXT NOT NULL,
    pos     INTEGER NOT NULL,
    PRIMARY KEY (org_num, lang)
) WITHOUT ROWID;

CREATE TABLE org_summaries (
    org_num INTEGER NOT NULL REFERENCES organizations (num) ON DELETE CASCADE,
    lang    TEXT NOT NULL,
    text    TEXT NOT NULL,
    PRIMARY KEY (org_num, lang)
) WITHOUT ROWID;

-- Append-only history: one row per changed field (field '*' = created, with a JSON snapshot).
CREATE TABLE org_changes (
    id     INTEGER PRIMARY KEY,
    org_id TEXT NOT NULL,
    field  TEXT NOT NULL,
    old    TEXT,
    new    TEXT,
    who    TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE INDEX org_changes_by_org ON org_changes (org_id, id);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE VIRTUAL TABLE org_fts USING fts5 (
    name, acronym, city, summaries_text,
    content = 'organizations', content_rowid = 'num',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER organizations_ai AFTER INSERT ON organizations BEGIN
    INSERT INTO org_fts (rowid, name, acronym, city, summaries_text)
    VALUES (new.num, new.name, new.acronym, new.city, new.summaries_text);
END;

CREATE TRIGGER organizations_ad AFTER DELETE ON organizations BEGIN
    INSERT INTO org_fts (org_fts, rowid, name, acronym, city, summaries_text)
    VALUES ('delete', old.num, old.name, old.acronym, old.city, old.summaries_text);
END;

CREATE TRIGGER organizations_au AFTER UPDATE OF name, acronym, city, summaries_text ON organizations BEGIN
    INSERT INTO org_fts (org_fts, rowid, name, acronym, city, summaries_text)
    VALUES ('delete', old.num, old.name, old.acronym, old.city, old.summaries_text);
    INSERT INTO org_fts (rowid, name, acronym, city, summaries_text)
    VALUES (new.num, new.name, new.acronym, new.city, new.summaries_text);
END;

CREATE TRIGGER org_summaries_ai AFTER INSERT ON org_summaries BEGIN
    UPDATE organizations SET summaries_text = coalesce(
        (SELECT group_concat(text, ' ') FROM org_summaries WHERE org_num = new.org_num), '')
    WHERE num = new.org_num;
END;

CREATE TRIGGER org_summaries_au AFTER UPDATE ON org_summaries BEGIN
    UPDATE organizations SET summaries_text = coalesce(
        (SELECT group_concat(text, ' ') FROM org_summaries WHERE org_num = new.org_num), '')
    WHERE num = new.org_num;
END;

CREATE TRIGGER org_summaries_ad AFTER DELETE ON org_summaries BEGIN
    UPDATE organizations SET summaries_text = coalesce(
        (SELECT group_concat(text, ' ') FROM org_summaries WHERE org_num = old.org_num), '')
    WHERE num = old.org_num;
END;

CREATE INDEX organizations_acronym ON organizations (acronym COLLATE NOCASE);
CREATE INDEX organizations_parent ON organizations (parent_id);
CREATE VIRTUAL TABLE org_fts_terms USING fts5vocab (org_fts, 'col');
