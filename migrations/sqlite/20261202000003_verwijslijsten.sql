-- Referral lists ("verwijslijsten"): staff collect offers for a resident, add a short note per
-- offer, and may share the list by an unguessable link. The lists are about the offer, never
-- about the client: there is no field for a name, and notes are checked for personal data.
-- Keep in step with ../postgres/20261202000003_verwijslijsten.sql.
CREATE TABLE referral_lists (
    id               INTEGER PRIMARY KEY,
    owner_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    -- SHA-256 of the share token: a leaked table opens no list. NULL when not shared.
    share_hash       TEXT UNIQUE,
    share_expires_at TEXT
);
CREATE INDEX referral_lists_owner ON referral_lists (owner_id, updated_at);

CREATE TABLE referral_items (
    list_id    INTEGER NOT NULL REFERENCES referral_lists (id) ON DELETE CASCADE,
    listing_id INTEGER NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (list_id, listing_id)
);
