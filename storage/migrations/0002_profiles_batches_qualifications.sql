-- Shared ground for the worker, requester and matching features:
-- worker preferences, mutes and blocks, batches, tagging items and gold answers,
-- qualification types, grants and HIT requirements.

CREATE TABLE worker_prefs (
    user_id          INTEGER PRIMARY KEY REFERENCES users(id),
    kinds            TEXT    NOT NULL DEFAULT 'poll,survey,tag',  -- comma-separated HitKind values
    topics           TEXT    NOT NULL DEFAULT '',                 -- comma-separated; '' = any topic
    min_reward_cents INTEGER NOT NULL DEFAULT 0,
    quiet_start      INTEGER,          -- minutes after local midnight; NULL = no quiet hours
    quiet_end        INTEGER,          -- may be < quiet_start (quiet across midnight)
    notifications    INTEGER NOT NULL DEFAULT 1,
    onboarded        INTEGER NOT NULL DEFAULT 0
);
-- The time zone is users.timezone (IANA name); the locale is users.language.

CREATE TABLE mutes (           -- a worker does not want pushes from this requester
    worker_id    INTEGER NOT NULL REFERENCES users(id),
    requester_id INTEGER NOT NULL REFERENCES users(id),
    created_at   REAL    NOT NULL,
    PRIMARY KEY (worker_id, requester_id)
);

CREATE TABLE blocks (          -- a requester never wants this worker on their HITs
    requester_id INTEGER NOT NULL REFERENCES users(id),
    worker_id    INTEGER NOT NULL REFERENCES users(id),
    created_at   REAL    NOT NULL,
    PRIMARY KEY (requester_id, worker_id)
);
CREATE INDEX blocks_worker ON blocks (worker_id);

CREATE TABLE batches (
    id           INTEGER PRIMARY KEY,
    requester_id INTEGER NOT NULL REFERENCES users(id),
    title        TEXT    NOT NULL,
    created_at   REAL    NOT NULL
);
CREATE INDEX hits_batch ON hits (batch_id);

ALTER TABLE hits ADD COLUMN topic TEXT NOT NULL DEFAULT '';
ALTER TABLE questions ADD COLUMN item TEXT;      -- what to tag: text, or an image URL
ALTER TABLE questions ADD COLUMN gold TEXT;      -- known answer (option index) of a gold item
ALTER TABLE questions ADD COLUMN max_len INTEGER; -- free text: longest answer accepted

CREATE TABLE qualification_types (
    id           INTEGER PRIMARY KEY,
    requester_id INTEGER REFERENCES users(id),   -- owner of a custom qualification
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    test         TEXT,                           -- JSON: questions with known answers
    pass_percent INTEGER NOT NULL DEFAULT 100,
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   REAL    NOT NULL,
    UNIQUE (requester_id, name)
);

CREATE TABLE worker_qualifications (
    worker_id        INTEGER NOT NULL REFERENCES users(id),
    qualification_id INTEGER NOT NULL REFERENCES qualification_types(id),
    value            INTEGER NOT NULL DEFAULT 1,
    granted_at       REAL    NOT NULL,
    PRIMARY KEY (worker_id, qualification_id)
);
CREATE INDEX worker_qualifications_type ON worker_qualifications (qualification_id, value);

-- What a worker must have to see or accept a HIT. kind:
--   approval_rate  value = minimum percent approved (of reviewed work)
--   approved_count value = minimum number of approved assignments
--   locale         value = language code, e.g. 'en'
--   qualification  qualification_id, value = minimum qualification value
CREATE TABLE hit_requirements (
    id               INTEGER PRIMARY KEY,
    hit_id           INTEGER NOT NULL REFERENCES hits(id) ON DELETE CASCADE,
    kind             TEXT    NOT NULL
        CHECK (kind IN ('approval_rate', 'approved_count', 'locale', 'qualification')),
    qualification_id INTEGER REFERENCES qualification_types(id),
    value            TEXT    NOT NULL
);
CREATE INDEX hit_requirements_hit ON hit_requirements (hit_id);
