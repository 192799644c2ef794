-- Editors' additions to the search's word knowledge ("zoektaal"): synonym groups and
-- situations, applied to queries on every node through the outbox (entity 'zoektaal'), and the
-- anonymous search insights that show editors what residents searched for in vain.
-- Keep in step with ../postgres/20261202000004_zoektaal.sql.
CREATE TABLE lexicon_entries (
    id         INTEGER PRIMARY KEY,
    -- 'synoniemen' or 'situatie'
    kind       TEXT NOT NULL,
    -- Situations: the words that make the situation ('huur|hypotheek betalen').
    words      TEXT NOT NULL DEFAULT '',
    -- The terms (a group) or needs (a situation), one per line.
    terms      TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    -- A removed entry keeps its row, so its revisions stay readable.
    deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    updated_at TEXT NOT NULL
);
CREATE INDEX lexicon_entries_kind ON lexicon_entries (kind, deleted, id);

CREATE TABLE lexicon_revisions (
    entry_id   INTEGER NOT NULL REFERENCES lexicon_entries (id),
    version    INTEGER NOT NULL,
    words      TEXT NOT NULL,
    terms      TEXT NOT NULL,
    deleted    INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    user_id    INTEGER,
    user_name  TEXT NOT NULL,
    PRIMARY KEY (entry_id, version)
);

-- Counts only: no address, no account, no time finer than the day. Queries are stored in
-- their normalised form (lower case, accents and stop words off).
CREATE TABLE search_insights (
    day        TEXT NOT NULL,
    query      TEXT NOT NULL,
    no_results INTEGER NOT NULL DEFAULT 0,
    partial    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, query)
);
