-- Actor aliases, and the document a status step contradicts.

-- +goose Up
-- Every name an actor was seen under (canonical name and aliases, folded),
-- so that --actor SDF finds the Syrian Democratic Forces.
CREATE TABLE IF NOT EXISTS actor_names (
    name_fold TEXT NOT NULL,
    actor_id  TEXT NOT NULL,
    PRIMARY KEY (name_fold, actor_id)
);
INSERT INTO actor_names (name_fold, actor_id) SELECT name_fold, id FROM actors ON CONFLICT DO NOTHING;

-- The document of an earlier step a status step contradicts.
ALTER TABLE agreement_steps ADD COLUMN IF NOT EXISTS contradicts TEXT NOT NULL DEFAULT '';
ALTER TABLE commitment_steps ADD COLUMN IF NOT EXISTS contradicts TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE commitment_steps DROP COLUMN IF EXISTS contradicts;
ALTER TABLE agreement_steps DROP COLUMN IF EXISTS contradicts;
DROP TABLE IF EXISTS actor_names;
