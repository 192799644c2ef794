-- Partner self-service (SQLite): accounts, sessions, login throttling, moderation, revisions
-- and the audit log. Keep in step with ../postgres/20261123000002_beheer.sql.

-- The status check gains 'teruggestuurd'. SQLite cannot alter a CHECK, so the column is
-- swapped: add the new one, copy, drop the old (its own CHECK goes with it), rename.
ALTER TABLE listings ADD COLUMN status_new TEXT NOT NULL DEFAULT 'concept'
    CHECK (status_new IN ('concept', 'ter-beoordeling', 'teruggestuurd', 'gepubliceerd', 'gearchiveerd'));
UPDATE listings SET status_new = status;
ALTER TABLE listings DROP COLUMN status;
ALTER TABLE listings RENAME COLUMN status_new TO status;

-- Fields only staff (medewerkers, redactie) see: "voor verwijzers".
ALTER TABLE listings ADD COLUMN referral_phone TEXT;
ALTER TABLE listings ADD COLUMN referral_email TEXT;
ALTER TABLE listings ADD COLUMN referral_notes TEXT NOT NULL DEFAULT '';
-- The editor's reason when an item or a pending change was sent back.
ALTER TABLE listings ADD COLUMN review_note TEXT;
-- A change to a published item waiting for review (JSON of the editable content); the
-- published columns above stay what search shows until an editor approves it.
ALTER TABLE listings ADD COLUMN pending_content TEXT;
ALTER TABLE listings ADD COLUMN pending_status TEXT
    CHECK (pending_status IN ('ter-beoordeling', 'teruggestuurd'));
ALTER TABLE listings ADD COLUMN pending_by INTEGER;
ALTER TABLE listings ADD COLUMN pending_at TEXT;
-- Who submitted the item for review last, and when.
ALTER TABLE listings ADD COLUMN submitted_by INTEGER;
ALTER TABLE listings ADD COLUMN submitted_at TEXT;

-- Trusted organisations publish without review.
ALTER TABLE organisations ADD COLUMN trusted INTEGER NOT NULL DEFAULT 0 CHECK (trusted IN (0, 1));
ALTER TABLE organisations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'redacteur', 'medewerker', 'partner')),
    organisation_id INTEGER REFERENCES organisations (id),
    password_hash   TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    CHECK ((role = 'partner') = (organisation_id IS NOT NULL))
);

-- Bearer tokens, stored as SHA-256 hashes: a leaked table grants nothing.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins per e-mail address (hashed, so unknown addresses are throttled alike).
CREATE TABLE login_failures (
    account_key  TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until TEXT,
    updated_at   TEXT NOT NULL
);

-- Every change to an item: who, when, what (a snapshot of the content and the changed fields).
CREATE TABLE revisions (
    id             INTEGER PRIMARY KEY,
    listing_id     INTEGER NOT NULL,
    listing_version INTEGER NOT NULL,
    action         TEXT NOT NULL,
    status         TEXT NOT NULL,
    user_id        INTEGER,
    user_name      TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    changed_fields TEXT NOT NULL,
    content        TEXT NOT NULL,
    note           TEXT
);
CREATE INDEX revisions_listing ON revisions (listing_id, id);

-- Logins, user and role changes, organisation trust and moderation decisions.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    user_id    INTEGER,
    user_name  TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT ''
);
