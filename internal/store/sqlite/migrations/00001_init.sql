-- The sitrep store, SQLite flavour. Every statement is idempotent (IF NOT
-- EXISTS) so that two processes creating a fresh file at once both succeed.

-- +goose Up
CREATE TABLE IF NOT EXISTS documents (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    sha256        TEXT NOT NULL UNIQUE,
    canonical_url TEXT UNIQUE,
    url           TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL DEFAULT '',
    outlet        TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL DEFAULT '',
    published     TEXT NOT NULL DEFAULT '',
    language      TEXT NOT NULL DEFAULT '',
    duplicate_of  TEXT,
    similarity    REAL NOT NULL DEFAULT 0,
    minhash       BLOB,
    num_sentences INTEGER NOT NULL DEFAULT 0,
    num_events    INTEGER NOT NULL DEFAULT 0,
    ingested_at   TEXT NOT NULL,
    text          TEXT NOT NULL,
    extraction    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_published ON documents (published);
CREATE INDEX IF NOT EXISTS documents_duplicate_of ON documents (duplicate_of) WHERE duplicate_of IS NOT NULL;

CREATE TABLE IF NOT EXISTS minhash_bands (
    band  INTEGER NOT NULL,
    value INTEGER NOT NULL,
    seq   INTEGER NOT NULL,
    PRIMARY KEY (band, value, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS sentences (
    id        INTEGER PRIMARY KEY,
    seq       INTEGER NOT NULL,
    idx       INTEGER NOT NULL,
    start_off INTEGER NOT NULL,
    end_off   INTEGER NOT NULL,
    text      TEXT NOT NULL,
    UNIQUE (seq, idx)
);

CREATE VIRTUAL TABLE IF NOT EXISTS sentences_fts USING fts5 (
    text, content = 'sentences', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS titles_fts USING fts5 (
    title, content = 'documents', content_rowid = 'seq',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS sentences_ai AFTER INSERT ON sentences BEGIN
    INSERT INTO sentences_fts (rowid, text) VALUES (new.id, new.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS sentences_ad AFTER DELETE ON sentences BEGIN
    INSERT INTO sentences_fts (sentences_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO titles_fts (rowid, title) VALUES (new.seq, new.title);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS documents_ad AFTER DELETE ON documents BEGIN
    INSERT INTO titles_fts (titles_fts, rowid, title) VALUES ('delete', old.seq, old.title);
END;
-- +goose StatementEnd

CREATE TABLE IF NOT EXISTS entities (
    seq      INTEGER NOT NULL,
    ref      TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    name     TEXT NOT NULL,
    type     TEXT NOT NULL,
    code     TEXT NOT NULL,
    country  TEXT NOT NULL,
    known    INTEGER NOT NULL,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (seq, ref)
);
CREATE INDEX IF NOT EXISTS entities_actor ON entities (actor_id);

CREATE TABLE IF NOT EXISTS actors (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    name_fold    TEXT NOT NULL,
    type         TEXT NOT NULL,
    code         TEXT NOT NULL,
    country      TEXT NOT NULL,
    sectors      TEXT NOT NULL,
    known        INTEGER NOT NULL,
    num_docs     INTEGER NOT NULL,
    num_mentions INTEGER NOT NULL,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS actors_name ON actors (name_fold);
CREATE INDEX IF NOT EXISTS actors_code ON actors (code);

CREATE TABLE IF NOT EXISTS events (
    id             INTEGER PRIMARY KEY,
    merge_key      TEXT NOT NULL,
    date           TEXT NOT NULL,
    date_precision TEXT NOT NULL,
    source_actor   TEXT NOT NULL,
    source_name    TEXT NOT NULL,
    source_code    TEXT NOT NULL,
    source_country TEXT NOT NULL,
    source_sectors TEXT NOT NULL,
    target_actor   TEXT NOT NULL,
    target_name    TEXT NOT NULL,
    target_code    TEXT NOT NULL,
    target_country TEXT NOT NULL,
    target_sectors TEXT NOT NULL,
    cameo          TEXT NOT NULL,
    cameo_base     TEXT NOT NULL,
    cameo_root     TEXT NOT NULL,
    cameo_name     TEXT NOT NULL,
    plover         TEXT NOT NULL,
    plover_mode    TEXT NOT NULL,
    plover_context TEXT NOT NULL,
    goldstein      REAL NOT NULL,
    quad_class     INTEGER NOT NULL,
    has_location   INTEGER NOT NULL,
    place_name     TEXT NOT NULL,
    place_country  TEXT NOT NULL,
    lat            REAL,
    lon            REAL,
    modality       TEXT NOT NULL,
    first_doc      TEXT NOT NULL,
    first_url      TEXT NOT NULL,
    first_outlet   TEXT NOT NULL,
    text           TEXT NOT NULL,
    confidence     REAL NOT NULL,
    first_seen     TEXT NOT NULL,
    num_mentions   INTEGER NOT NULL,
    num_sources    INTEGER NOT NULL,
    num_articles   INTEGER NOT NULL
);
-- Every index ends with the date so that a filter reads its events in date
-- order and stops at the limit (the rowid, the event id, follows it).
CREATE INDEX IF NOT EXISTS events_merge ON events (merge_key, date);
CREATE INDEX IF NOT EXISTS events_date ON events (date);
CREATE INDEX IF NOT EXISTS events_source_code ON events (source_code, date);
CREATE INDEX IF NOT EXISTS events_target_code ON events (target_code, date);
CREATE INDEX IF NOT EXISTS events_source_country ON events (source_country, date);
CREATE INDEX IF NOT EXISTS events_target_country ON events (target_country, date);
CREATE INDEX IF NOT EXISTS events_source_actor ON events (source_actor, date);
CREATE INDEX IF NOT EXISTS events_target_actor ON events (target_actor, date);
CREATE INDEX IF NOT EXISTS events_cameo ON events (cameo, date);

CREATE TABLE IF NOT EXISTS event_mentions (
    event_id   INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    doc_id     TEXT NOT NULL,
    ref        TEXT NOT NULL,
    sentence   INTEGER NOT NULL,
    start_off  INTEGER NOT NULL,
    end_off    INTEGER NOT NULL,
    text       TEXT NOT NULL,
    modality   TEXT NOT NULL,
    confidence REAL NOT NULL,
    duplicate  INTEGER NOT NULL,
    PRIMARY KEY (seq, ref)
);
CREATE INDEX IF NOT EXISTS event_mentions_event ON event_mentions (event_id, seq);

CREATE TABLE IF NOT EXISTS event_sources (
    event_id INTEGER NOT NULL,
    source   TEXT NOT NULL,
    PRIMARY KEY (event_id, source)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS quotes (
    seq             INTEGER NOT NULL,
    ref             TEXT NOT NULL,
    speaker_actor   TEXT NOT NULL,
    speaker_name    TEXT NOT NULL,
    speaker_code    TEXT NOT NULL,
    speaker_country TEXT NOT NULL,
    text            TEXT NOT NULL,
    direct          INTEGER NOT NULL,
    cue             TEXT NOT NULL,
    sentence        INTEGER NOT NULL,
    start_off       INTEGER NOT NULL,
    end_off         INTEGER NOT NULL,
    PRIMARY KEY (seq, ref)
);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes (speaker_actor);

CREATE TABLE IF NOT EXISTS agreements (
    seq          INTEGER NOT NULL,
    ref          TEXT NOT NULL,
    canonical_id TEXT,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    date         TEXT NOT NULL,
    status       TEXT NOT NULL,
    party_codes  TEXT NOT NULL,
    data         TEXT NOT NULL,
    PRIMARY KEY (seq, ref)
);
CREATE INDEX IF NOT EXISTS agreements_canonical ON agreements (canonical_id);

CREATE TABLE IF NOT EXISTS commitments (
    seq          INTEGER NOT NULL,
    ref          TEXT NOT NULL,
    canonical_id TEXT,
    kind         TEXT NOT NULL,
    status       TEXT NOT NULL,
    by_code      TEXT NOT NULL,
    by_country   TEXT NOT NULL,
    by_name      TEXT NOT NULL,
    to_code      TEXT NOT NULL,
    to_country   TEXT NOT NULL,
    to_name      TEXT NOT NULL,
    date         TEXT NOT NULL,
    data         TEXT NOT NULL,
    PRIMARY KEY (seq, ref)
);
CREATE INDEX IF NOT EXISTS commitments_canonical ON commitments (canonical_id);
CREATE INDEX IF NOT EXISTS commitments_by ON commitments (by_code);
CREATE INDEX IF NOT EXISTS commitments_to ON commitments (to_code);

-- Canonical agreements and commitments, written by the Tracker hook.
CREATE TABLE IF NOT EXISTS canonical_agreements (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    date        TEXT NOT NULL,
    party_codes TEXT NOT NULL,
    parties     TEXT NOT NULL,
    status      TEXT NOT NULL,
    score       INTEGER NOT NULL,
    first_date  TEXT NOT NULL,
    last_date   TEXT NOT NULL
);

-- One status step per row: the timeline of a canonical agreement, each
-- step with its evidence (document, sentence, outlet, text, offsets).
CREATE TABLE IF NOT EXISTS agreement_steps (
    agreement_id TEXT NOT NULL,
    step         INTEGER NOT NULL,
    date         TEXT NOT NULL,
    status       TEXT NOT NULL,
    score        INTEGER NOT NULL,
    doc_id       TEXT NOT NULL,
    sentence     INTEGER NOT NULL,
    outlet       TEXT NOT NULL,
    evidence     TEXT NOT NULL,
    start_off    INTEGER NOT NULL,
    end_off      INTEGER NOT NULL,
    PRIMARY KEY (agreement_id, step)
);

CREATE TABLE IF NOT EXISTS canonical_commitments (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    by_actor     TEXT NOT NULL,
    to_actor     TEXT NOT NULL,
    by_code      TEXT NOT NULL,
    to_code      TEXT NOT NULL,
    what         TEXT NOT NULL,
    status       TEXT NOT NULL,
    agreement_id TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS commitment_steps (
    commitment_id TEXT NOT NULL,
    step          INTEGER NOT NULL,
    date          TEXT NOT NULL,
    status        TEXT NOT NULL,
    score         INTEGER NOT NULL,
    doc_id        TEXT NOT NULL,
    sentence      INTEGER NOT NULL,
    outlet        TEXT NOT NULL,
    evidence      TEXT NOT NULL,
    start_off     INTEGER NOT NULL,
    end_off       INTEGER NOT NULL,
    PRIMARY KEY (commitment_id, step)
);

CREATE TABLE IF NOT EXISTS feeds (
    url           TEXT PRIMARY KEY,
    etag          TEXT NOT NULL,
    last_modified TEXT NOT NULL,
    checked_at    TEXT NOT NULL,
    status        INTEGER NOT NULL
);

-- +goose Down
DROP TABLE IF EXISTS feeds;
DROP TABLE IF EXISTS commitment_steps;
DROP TABLE IF EXISTS canonical_commitments;
DROP TABLE IF EXISTS agreement_steps;
DROP TABLE IF EXISTS canonical_agreements;
DROP TABLE IF EXISTS commitments;
DROP TABLE IF EXISTS agreements;
DROP TABLE IF EXISTS quotes;
DROP TABLE IF EXISTS event_sources;
DROP TABLE IF EXISTS event_mentions;
DROP TABLE IF EXISTS events;
DROP TABLE IF EXISTS actors;
DROP TABLE IF EXISTS entities;
DROP TRIGGER IF EXISTS documents_ad;
DROP TRIGGER IF EXISTS documents_ai;
DROP TRIGGER IF EXISTS sentences_ad;
DROP TRIGGER IF EXISTS sentences_ai;
DROP TABLE IF EXISTS titles_fts;
DROP TABLE IF EXISTS sentences_fts;
DROP TABLE IF EXISTS sentences;
DROP TABLE IF EXISTS minhash_bands;
DROP TABLE IF EXISTS documents;
