-- Users, HITs, questions, assignments, answers, the ledger and the outbox.
-- Times are unix seconds (UTC). Money is integer cents.

CREATE TABLE users (
    id           INTEGER PRIMARY KEY,
    tg_id        INTEGER NOT NULL UNIQUE,
    alias        TEXT    NOT NULL UNIQUE,
    first_name   TEXT    NOT NULL DEFAULT '',
    language     TEXT    NOT NULL DEFAULT 'en',
    timezone     TEXT    NOT NULL DEFAULT 'UTC',
    is_worker    INTEGER NOT NULL DEFAULT 1,
    is_requester INTEGER NOT NULL DEFAULT 0,
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   REAL    NOT NULL
);

CREATE TABLE hits (
    id               INTEGER PRIMARY KEY,
    requester_id     INTEGER NOT NULL REFERENCES users(id),
    batch_id         INTEGER,
    kind             TEXT    NOT NULL CHECK (kind IN ('poll', 'survey', 'tag')),
    title            TEXT    NOT NULL,
    reward_cents     INTEGER NOT NULL CHECK (reward_cents > 0),
    max_assignments  INTEGER NOT NULL CHECK (max_assignments > 0),
    time_allotted_s  INTEGER NOT NULL CHECK (time_allotted_s > 0),
    lifetime_s       INTEGER NOT NULL CHECK (lifetime_s > 0),
    auto_approve_s   INTEGER NOT NULL CHECK (auto_approve_s > 0),
    status           TEXT    NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'open', 'paused', 'closed', 'expired', 'cancelled')),
    slots_used       INTEGER NOT NULL DEFAULT 0,
    created_at       REAL    NOT NULL,
    published_at     REAL,
    expires_at       REAL,
    CHECK (slots_used >= 0 AND slots_used <= max_assignments)
);
CREATE INDEX hits_open ON hits (status, created_at);
CREATE INDEX hits_requester ON hits (requester_id, status);

CREATE TABLE questions (
    id        INTEGER PRIMARY KEY,
    hit_id    INTEGER NOT NULL REFERENCES hits(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    kind      TEXT    NOT NULL CHECK (kind IN ('single', 'multi', 'rating', 'text', 'tag')),
    prompt    TEXT    NOT NULL,
    options   TEXT    NOT NULL DEFAULT '[]',
    UNIQUE (hit_id, position)
);

CREATE TABLE assignments (
    id            INTEGER PRIMARY KEY,
    hit_id        INTEGER NOT NULL REFERENCES hits(id),
    worker_id     INTEGER NOT NULL REFERENCES users(id),
    status        TEXT    NOT NULL DEFAULT 'accepted'
        CHECK (status IN ('accepted', 'submitted', 'approved', 'rejected', 'returned', 'abandoned')),
    position      INTEGER NOT NULL DEFAULT 0,
    accepted_at   REAL    NOT NULL,
    deadline_at   REAL    NOT NULL,
    submitted_at  REAL,
    reviewed_at   REAL,
    reject_reason TEXT,
    chat_id       INTEGER,
    message_id    INTEGER,
    UNIQUE (hit_id, worker_id)
);
CREATE INDEX assignments_worker ON assignments (worker_id, status);
CREATE INDEX assignments_hit ON assignments (hit_id, status);
CREATE INDEX assignments_deadline ON assignments (status, deadline_at);

CREATE TABLE answers (
    assignment_id INTEGER NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    question_id   INTEGER NOT NULL REFERENCES questions(id),
    value         TEXT    NOT NULL,
    answered_at   REAL    NOT NULL,
    PRIMARY KEY (assignment_id, question_id)
);

-- One row per transfer: money moves from one account to another, once per key.
-- Accounts: 'world' (outside gigbot), 'req:<user>', 'escrow:<hit>', 'wrk:<user>'.
CREATE TABLE ledger (
    id           INTEGER PRIMARY KEY,
    key          TEXT    NOT NULL UNIQUE,
    from_account TEXT    NOT NULL,
    to_account   TEXT    NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    memo         TEXT    NOT NULL DEFAULT '',
    created_at   REAL    NOT NULL
);
CREATE INDEX ledger_from ON ledger (from_account);
CREATE INDEX ledger_to ON ledger (to_account);

-- Messages gigbot sends on its own initiative, written in the transaction that causes them.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    key         TEXT    NOT NULL UNIQUE,
    chat_id     INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    priority    INTEGER NOT NULL,
    payload     TEXT    NOT NULL DEFAULT '{}',
    status      TEXT    NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    not_before  REAL    NOT NULL,
    created_at  REAL    NOT NULL,
    sent_at     REAL,
    message_id  INTEGER,
    error       TEXT
);
CREATE INDEX outbox_due ON outbox (status, priority, not_before, id);
