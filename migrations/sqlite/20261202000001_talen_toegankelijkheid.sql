-- Languages and accessibility features of the offer, and an outbox that names the entity that
-- changed. Keep in step with ../postgres/20261202000001_talen_toegankelijkheid.sql.

-- Two more taxonomy lists. Languages are keyed by their ISO 639-1 code; both lists are data, so
-- a municipality can relabel or extend them by import. The defaults below are what most Dutch
-- municipalities need: the languages of the largest groups of newcomers and NT2 learners, and
-- the features residents with a disability ask about first (Open Referral: accessibility).
CREATE TABLE languages (key TEXT PRIMARY KEY, label TEXT NOT NULL, position INTEGER NOT NULL);
CREATE TABLE accessibility_features (
    key TEXT PRIMARY KEY, label TEXT NOT NULL, position INTEGER NOT NULL
);
INSERT INTO languages (key, label, position) VALUES
    ('nl', 'Nederlands', 0), ('en', 'Engels', 1), ('ar', 'Arabisch', 2), ('tr', 'Turks', 3),
    ('pl', 'Pools', 4), ('uk', 'Oekraïens', 5), ('ti', 'Tigrinya', 6), ('so', 'Somalisch', 7),
    ('fa', 'Perzisch (Farsi)', 8), ('ps', 'Pasjtoe', 9), ('ku', 'Koerdisch', 10),
    ('ru', 'Russisch', 11), ('de', 'Duits', 12), ('fr', 'Frans', 13), ('es', 'Spaans', 14),
    ('pt', 'Portugees', 15), ('ro', 'Roemeens', 16), ('bg', 'Bulgaars', 17),
    ('zh', 'Chinees', 18), ('am', 'Amhaars', 19);
INSERT INTO accessibility_features (key, label, position) VALUES
    ('rolstoeltoegankelijk', 'Rolstoeltoegankelijk', 0),
    ('aangepast-toilet', 'Aangepast toilet', 1),
    ('lift', 'Lift', 2),
    ('invalidenparkeerplaats', 'Invalidenparkeerplaats', 3),
    ('ringleiding', 'Ringleiding', 4),
    ('gebarentolk', 'Gebarentolk', 5),
    ('prikkelarm', 'Prikkelarm', 6),
    ('hulphond-welkom', 'Hulphond welkom', 7),
    ('eenvoudige-taal', 'Informatie in eenvoudige taal', 8),
    ('braille', 'Informatie in braille', 9);

CREATE TABLE listing_languages (
    listing_id   INTEGER NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    language_key TEXT NOT NULL REFERENCES languages (key),
    PRIMARY KEY (listing_id, language_key)
);
CREATE TABLE listing_accessibility (
    listing_id  INTEGER NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    feature_key TEXT NOT NULL REFERENCES accessibility_features (key),
    PRIMARY KEY (listing_id, feature_key)
);

-- The outbox row says which entity changed: an item ('aanbod', id), an organisation
-- ('organisatie', id) or a taxonomy term ('thema', 'wijk', 'talent', 'leeftijdsgroep', 'taal',
-- 'toegankelijkheid'; its key). The indexer alone decides which documents that touches.
ALTER TABLE outbox RENAME COLUMN listing_id TO entity_id;
ALTER TABLE outbox ADD COLUMN entity TEXT NOT NULL DEFAULT 'aanbod';
ALTER TABLE outbox ADD COLUMN entity_key TEXT;
