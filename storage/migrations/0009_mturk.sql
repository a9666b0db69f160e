-- The MTurk-compatible requester API: access keys, HIT types, the MTurk view of HITs
-- created through it, QuestionForm identifiers, and UniqueRequestToken idempotency.

-- Signature Version 4 is an HMAC scheme: verifying a request needs the secret itself
-- (a hash of it cannot be used), so the secret is stored as issued, in plain text, like
-- the bot token in the environment. Protect the database file accordingly; a revoked
-- key keeps its row (revoked_at set) so its id is never reissued.
CREATE TABLE mturk_keys (
    access_key_id TEXT    PRIMARY KEY,
    secret        TEXT    NOT NULL,
    requester_id  INTEGER NOT NULL REFERENCES users(id),
    created_at    REAL    NOT NULL,
    revoked_at    REAL
);
CREATE INDEX mturk_keys_requester ON mturk_keys (requester_id);

-- CreateHITType: the properties HITs of one type share (MTurk gives identical
-- property sets the same HITTypeId).
CREATE TABLE mturk_hit_types (
    id              TEXT    PRIMARY KEY,
    requester_id    INTEGER NOT NULL REFERENCES users(id),
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    keywords        TEXT    NOT NULL DEFAULT '',
    reward_cents    INTEGER NOT NULL,
    duration_s      INTEGER NOT NULL,
    auto_approve_s  INTEGER NOT NULL,
    created_at      REAL    NOT NULL,
    UNIQUE (requester_id, title, description, keywords, reward_cents, duration_s, auto_approve_s)
);

-- A HIT created through the API: the gigbot HIT plus what MTurk reports about it.
CREATE TABLE mturk_hits (
    hit_id       INTEGER PRIMARY KEY REFERENCES hits(id) ON DELETE CASCADE,
    hit_type_id  TEXT    NOT NULL REFERENCES mturk_hit_types(id),
    question     TEXT    NOT NULL,   -- the QuestionForm XML as sent
    annotation   TEXT    NOT NULL DEFAULT '',
    disposed_at  REAL                -- DeleteHIT
);

-- QuestionForm identifiers of a HIT's questions, to answer in QuestionFormAnswers.
CREATE TABLE mturk_questions (
    question_id INTEGER PRIMARY KEY REFERENCES questions(id) ON DELETE CASCADE,
    identifier  TEXT    NOT NULL,
    selections  TEXT    NOT NULL DEFAULT '[]'  -- JSON: SelectionIdentifier per option index
);

-- UniqueRequestToken: one row per (requester, operation, token); result is the HIT id
-- once the request finished (NULL while it runs).
CREATE TABLE mturk_tokens (
    requester_id INTEGER NOT NULL REFERENCES users(id),
    operation    TEXT    NOT NULL,
    token        TEXT    NOT NULL,
    result       TEXT,
    created_at   REAL    NOT NULL,
    PRIMARY KEY (requester_id, operation, token)
);
