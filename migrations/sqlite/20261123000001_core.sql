-- Core schema (SQLite). Timestamps are ISO-8601 text in UTC; booleans are 0/1 integers, because
-- sqlx's Any driver cannot decode SQLite BOOLEAN or TIMESTAMP columns. Keep in step with
-- ../postgres/20261123000001_core.sql: only the DDL differs, never the queries.

-- Taxonomy: data, not code. `position` is the display order.
CREATE TABLE themes  (key TEXT PRIMARY KEY, label TEXT NOT NULL, position INTEGER NOT NULL);
CREATE TABLE wijken  (key TEXT PRIMARY KEY, label TEXT NOT NULL, position INTEGER NOT NULL);
CREATE TABLE talents (key TEXT PRIMARY KEY, label TEXT NOT NULL, position INTEGER NOT NULL);
CREATE TABLE age_groups (
    key      TEXT PRIMARY KEY,
    label    TEXT NOT NULL,
    min_age  INTEGER NOT NULL CHECK (min_age BETWEEN 0 AND 120),
    max_age  INTEGER NOT NULL CHECK (max_age BETWEEN 0 AND 120 AND max_age >= min_age),
    position INTEGER NOT NULL
);

CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    website     TEXT,
    phone       TEXT,
    email       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE listings (
    id                 INTEGER PRIMARY KEY,
    external_id        TEXT UNIQUE,
    kind               TEXT NOT NULL CHECK (kind IN ('voorziening', 'initiatief', 'vacature')),
    organisation_id    INTEGER NOT NULL REFERENCES organisations (id),
    title              TEXT NOT NULL,
    summary            TEXT NOT NULL,
    description        TEXT NOT NULL,
    whole_municipality INTEGER NOT NULL CHECK (whole_municipality IN (0, 1)),
    min_age            INTEGER NOT NULL CHECK (min_age BETWEEN 0 AND 120),
    max_age            INTEGER NOT NULL CHECK (max_age BETWEEN 0 AND 120 AND max_age >= min_age),
    address            TEXT,
    postcode           TEXT,
    city               TEXT,
    latitude           REAL,
    longitude          REAL,
    cost               TEXT NOT NULL CHECK (cost IN ('gratis', 'kleine-bijdrage', 'betaald')),
    phone              TEXT,
    email              TEXT,
    website            TEXT,
    schedule           TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL
        CHECK (status IN ('concept', 'ter-beoordeling', 'gepubliceerd', 'gearchiveerd')),
    -- Vacancy fields; NULL for other kinds.
    time_commitment    TEXT CHECK (time_commitment IN ('eenmalig', 'incidenteel', 'wekelijks')),
    hours_per_week     REAL,
    end_date           TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    last_verified_at   TEXT NOT NULL,
    -- Bumped on every change: the ETag of later editing endpoints.
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX listings_organisation ON listings (organisation_id);

CREATE TABLE listing_themes (
    listing_id INTEGER NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    theme_key  TEXT NOT NULL REFERENCES themes (key),
    PRIMARY KEY (listing_id, theme_key)
);
CREATE TABLE listing_wijken (
    listing_id INTEGER NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    wijk_key   TEXT NOT NULL REFERENCES wijken (key),
    PRIMARY KEY (listing_id, wijk_key)
);
CREATE TABLE listing_talents (
    listing_id INTEGER NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    talent_key TEXT NOT NULL REFERENCES talents (key),
    PRIMARY KEY (listing_id, talent_key)
);

-- The indexer's feed: one row per change to a listing, written in the same transaction as the
-- change. The indexer reloads the listing's current state, so replaying a row is harmless.
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    listing_id INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
