-- The MTurk API, second part: qualification requirements on HIT types, web tasks
-- (HTMLQuestion / ExternalQuestion), bonuses as MTurk lists them, block reasons,
-- worker notifications, and the secret behind the links workers open.

-- HIT types: QualificationRequirements are part of a type's identity (MTurk gives a
-- different HITTypeId to otherwise equal properties with other requirements), so the
-- table is rebuilt with them inside its UNIQUE key. mturk_hits references the type, so
-- it is rebuilt too (renaming a referenced table rewrites the references to the old
-- name); it gains the question's format.
-- sqlite:begin
ALTER TABLE mturk_hit_types RENAME TO mturk_hit_types_0009;
CREATE TABLE mturk_hit_types (
    id              TEXT    PRIMARY KEY,
    requester_id    INTEGER NOT NULL REFERENCES users(id),
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    keywords        TEXT    NOT NULL DEFAULT '',
    reward_cents    INTEGER NOT NULL,
    duration_s      INTEGER NOT NULL,
    auto_approve_s  INTEGER NOT NULL,
    requirements    TEXT    NOT NULL DEFAULT '[]',  -- JSON: QualificationRequirements, canonical
    created_at      REAL    NOT NULL,
    UNIQUE (requester_id, title, description, keywords, reward_cents, duration_s, auto_approve_s,
            requirements)
);
INSERT INTO mturk_hit_types (id, requester_id, title, description, keywords, reward_cents,
                             duration_s, auto_approve_s, created_at)
    SELECT id, requester_id, title, description, keywords, reward_cents, duration_s,
           auto_approve_s, created_at FROM mturk_hit_types_0009;

CREATE TABLE mturk_hits_0010 (
    hit_id       INTEGER PRIMARY KEY REFERENCES hits(id) ON DELETE CASCADE,
    hit_type_id  TEXT    NOT NULL REFERENCES mturk_hit_types(id),
    question     TEXT    NOT NULL,   -- the Question XML as sent
    annotation   TEXT    NOT NULL DEFAULT '',
    disposed_at  REAL,               -- DeleteHIT
    format       TEXT    NOT NULL DEFAULT 'QuestionForm'
        CHECK (format IN ('QuestionForm', 'HTMLQuestion', 'ExternalQuestion'))
);
INSERT INTO mturk_hits_0010 (hit_id, hit_type_id, question, annotation, disposed_at)
    SELECT hit_id, hit_type_id, question, annotation, disposed_at FROM mturk_hits;
DROP TABLE mturk_hits;
ALTER TABLE mturk_hits_0010 RENAME TO mturk_hits;
DROP TABLE mturk_hit_types_0009;
-- sqlite:end
-- PostgreSQL alters the tables in place (a rebuilt table's constraint names would clash
-- with the old table's).
-- postgres:begin
ALTER TABLE mturk_hit_types ADD COLUMN requirements TEXT NOT NULL DEFAULT '[]';
DO $$
DECLARE old_key TEXT;
BEGIN
    SELECT conname INTO old_key FROM pg_constraint
    WHERE conrelid = 'mturk_hit_types'::regclass AND contype = 'u';
    EXECUTE format('ALTER TABLE mturk_hit_types DROP CONSTRAINT %I', old_key);
END $$;
ALTER TABLE mturk_hit_types ADD CONSTRAINT mturk_hit_types_identity
    UNIQUE (requester_id, title, description, keywords, reward_cents, duration_s,
            auto_approve_s, requirements);
ALTER TABLE mturk_hits ADD COLUMN format TEXT NOT NULL DEFAULT 'QuestionForm'
    CHECK (format IN ('QuestionForm', 'HTMLQuestion', 'ExternalQuestion'));
-- postgres:end

-- SendBonus as ListBonusPayments reports it; the money itself is the ledger row `ledger_key`.
CREATE TABLE mturk_bonuses (
    id            INTEGER PRIMARY KEY,
    ledger_key    TEXT    NOT NULL UNIQUE,
    requester_id  INTEGER NOT NULL REFERENCES users(id),
    worker_id     INTEGER NOT NULL REFERENCES users(id),
    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
    hit_id        INTEGER NOT NULL REFERENCES hits(id),
    amount_cents  INTEGER NOT NULL,
    reason        TEXT    NOT NULL,
    granted_at    REAL    NOT NULL
);
CREATE INDEX mturk_bonuses_hit ON mturk_bonuses (hit_id, id);
CREATE INDEX mturk_bonuses_assignment ON mturk_bonuses (assignment_id, id);

-- CreateWorkerBlock's Reason (ListWorkerBlocks returns it).
ALTER TABLE blocks ADD COLUMN reason TEXT NOT NULL DEFAULT '';

-- NotifyWorkers: one row per message relayed, to keep each requester within the limit.
CREATE TABLE mturk_notices (
    requester_id INTEGER NOT NULL REFERENCES users(id),
    worker_id    INTEGER NOT NULL REFERENCES users(id),
    sent_at      REAL    NOT NULL
);
CREATE INDEX mturk_notices_pair ON mturk_notices (requester_id, worker_id, sent_at);

-- The key that signs the links workers open (task pages, turkSubmitTo): made once per
-- database, so links survive restarts and cannot be guessed from ids.
CREATE TABLE mturk_link_key (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key TEXT    NOT NULL
);
-- sqlite:begin
INSERT INTO mturk_link_key (id, key) VALUES (1, lower(hex(randomblob(32))));
-- sqlite:end
-- postgres:begin
INSERT INTO mturk_link_key (id, key)
    VALUES (1, replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
-- postgres:end
