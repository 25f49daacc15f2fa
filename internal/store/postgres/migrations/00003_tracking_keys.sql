-- Look-up keys of canonical agreements and commitments, and agreement
-- aliases, so that the
-- tracker reads the few records a new document could match instead of
-- every record of its countries. The keys are the tracker's (a Keyer);
-- store_meta records the scheme they were made with, and the store
-- rebuilds them when it changes (or on a store made before this table).

-- +goose Up
CREATE TABLE IF NOT EXISTS agreement_keys (
    key          TEXT NOT NULL,
    agreement_id TEXT NOT NULL,
    PRIMARY KEY (key, agreement_id)
);
CREATE INDEX IF NOT EXISTS agreement_keys_id ON agreement_keys (agreement_id);
CREATE TABLE IF NOT EXISTS commitment_keys (
    key           TEXT NOT NULL,
    commitment_id TEXT NOT NULL,
    PRIMARY KEY (key, commitment_id)
);
CREATE INDEX IF NOT EXISTS commitment_keys_id ON commitment_keys (commitment_id);
-- The other names a canonical agreement was reported under (JSON list).
ALTER TABLE canonical_agreements ADD COLUMN IF NOT EXISTS aliases TEXT NOT NULL DEFAULT '[]';
CREATE TABLE IF NOT EXISTS store_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
ALTER TABLE canonical_agreements DROP COLUMN IF EXISTS aliases;
DROP TABLE IF EXISTS store_meta;
DROP TABLE IF EXISTS commitment_keys;
DROP TABLE IF EXISTS agreement_keys;
