-- "Klopt er iets niet?": residents report a mistake in an item, without an account. Keep in step
-- with ../postgres/20261202000002_meldingen.sql.
CREATE TABLE reports (
    id          INTEGER PRIMARY KEY,
    listing_id  INTEGER NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    -- What is wrong: one of a few choices (see domain::report::ReportReason).
    reason      TEXT NOT NULL,
    message     TEXT NOT NULL DEFAULT '',
    -- For an answer; erased when the report is handled (AVG: kept no longer than needed).
    email       TEXT,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'afgehandeld')),
    created_at  TEXT NOT NULL,
    handled_at  TEXT,
    handled_by  INTEGER
);
CREATE INDEX reports_listing ON reports (listing_id);
CREATE INDEX reports_status ON reports (status, id);
