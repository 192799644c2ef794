-- The notification outbox: a mail is written here in the same transaction as the change it
-- is about, and sent later by a worker on any node. A node claims a mail for a while before
-- sending it, so with several nodes each mail goes out once; a failed send is retried with a
-- growing delay, so an outage of the mail server loses nothing.
-- Keep in step with ../postgres/20261202000006_mail.sql.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    -- What the mail is about (JSON); the worker writes the text when it sends.
    payload         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until   TEXT,
    claimed_by      TEXT,
    sent_at         TEXT,
    last_error      TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at);

-- Links in mails that allow one thing without logging in: "nog actueel" for one item, or
-- setting the password of one account (a reset, or an invitation). Only the SHA-256 of the
-- token is kept, with what it allows, until when, and (for single-use links) when it was used.
CREATE TABLE mail_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL,
    listing_id INTEGER,
    user_id    INTEGER,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

-- One reminder about stale items per organisation per month, whichever node sends it.
CREATE TABLE stale_reminders (
    organisation_id INTEGER NOT NULL,
    period          TEXT NOT NULL,
    PRIMARY KEY (organisation_id, period)
);
