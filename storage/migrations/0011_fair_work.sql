-- Fair work: the requester's estimate of a HIT's time, pushes paused for underpayment,
-- disputes of rejections, worker ratings of requesters, relayed anonymous messages and
-- the worker's free window (/free).

ALTER TABLE hits ADD COLUMN est_time_s INTEGER;               -- requester's estimate; NULL = time allotted
ALTER TABLE hits ADD COLUMN pushes_paused INTEGER NOT NULL DEFAULT 0;  -- 1 = measured pay under the floor

CREATE TABLE disputes (
    id            INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL UNIQUE REFERENCES assignments(id),
    worker_id     INTEGER NOT NULL REFERENCES users(id),
    requester_id  INTEGER NOT NULL REFERENCES users(id),
    message       TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'reversed', 'upheld', 'expired')),
    reply         TEXT,
    created_at    REAL    NOT NULL,
    due_at        REAL    NOT NULL,        -- unanswered by then: approved automatically
    resolved_at   REAL
);
CREATE INDEX disputes_due ON disputes (status, due_at);
CREATE INDEX disputes_requester ON disputes (requester_id, status);

-- One rating per worker per requester (the latest counts), each dimension 1..5 or NULL.
CREATE TABLE ratings (
    worker_id     INTEGER NOT NULL REFERENCES users(id),
    requester_id  INTEGER NOT NULL REFERENCES users(id),
    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
    pay           INTEGER CHECK (pay BETWEEN 1 AND 5),
    fairness      INTEGER CHECK (fairness BETWEEN 1 AND 5),
    communication INTEGER CHECK (communication BETWEEN 1 AND 5),
    rated_at      REAL    NOT NULL,
    PRIMARY KEY (worker_id, requester_id)
);
CREATE INDEX ratings_requester ON ratings (requester_id);

-- Messages relayed between a worker and a requester about one assignment.
CREATE TABLE relayed_messages (
    id            INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
    from_user_id  INTEGER NOT NULL REFERENCES users(id),
    to_user_id    INTEGER NOT NULL REFERENCES users(id),
    body          TEXT    NOT NULL,
    created_at    REAL    NOT NULL
);
CREATE INDEX relayed_messages_sender ON relayed_messages (from_user_id, created_at);

-- /free: how long a worker has, from when; matching offers only HITs that fit.
CREATE TABLE free_windows (
    worker_id  INTEGER PRIMARY KEY REFERENCES users(id),
    window_s   INTEGER NOT NULL,
    starts_at  REAL    NOT NULL,
    ends_at    REAL    NOT NULL
);
