-- Full-text index filled in batches rather than by triggers, actor
-- aliases, and the document a status step contradicts.

-- +goose Up
-- The FTS tables are filled in batches, outside the documents'
-- transactions (a per-document FTS segment costs more than the rest of
-- the document): fts_state holds the last sentence id and document seq
-- indexed; search also scans the rows past them. Stores made before this
-- migration were indexed by triggers up to now.
DROP TRIGGER IF EXISTS sentences_ai;
DROP TRIGGER IF EXISTS sentences_ad;
DROP TRIGGER IF EXISTS documents_ai;
DROP TRIGGER IF EXISTS documents_ad;
CREATE TABLE IF NOT EXISTS fts_state (
    name TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);
INSERT INTO fts_state (name, last) VALUES
    ('sentences', (SELECT coalesce(max(id), 0) FROM sentences)),
    ('titles', (SELECT coalesce(max(seq), 0) FROM documents))
    ON CONFLICT DO NOTHING;

-- Every name an actor was seen under (canonical name and aliases, folded),
-- so that --actor SDF finds the Syrian Democratic Forces.
CREATE TABLE IF NOT EXISTS actor_names (
    name_fold TEXT NOT NULL,
    actor_id  TEXT NOT NULL,
    PRIMARY KEY (name_fold, actor_id)
) WITHOUT ROWID;
INSERT INTO actor_names (name_fold, actor_id) SELECT name_fold, id FROM actors WHERE true ON CONFLICT DO NOTHING;

-- The document of an earlier step a status step contradicts.
ALTER TABLE agreement_steps ADD COLUMN contradicts TEXT NOT NULL DEFAULT '';
ALTER TABLE commitment_steps ADD COLUMN contradicts TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE commitment_steps DROP COLUMN contradicts;
ALTER TABLE agreement_steps DROP COLUMN contradicts;
DROP TABLE IF EXISTS actor_names;
DROP TABLE IF EXISTS fts_state;
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS sentences_ai AFTER INSERT ON sentences BEGIN
    INSERT INTO sentences_fts (rowid, text) VALUES (new.id, new.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO titles_fts (rowid, title) VALUES (new.seq, new.title);
END;
-- +goose StatementEnd
