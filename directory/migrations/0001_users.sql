-- People who talked to the bot: only what the bot needs to answer them in their language.
CREATE TABLE users (
    id          INTEGER PRIMARY KEY,          -- Telegram user id
    locale      TEXT,                         -- chosen with /language; NULL = follow Telegram
    first_seen  TEXT NOT NULL,                -- UTC date (day precision is enough)
    last_seen   TEXT NOT NULL
);
