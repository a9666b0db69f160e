-- Requester tools: conversation state kept across restarts (python-telegram-bot's
-- persistence, stored here instead of a pickle file) and qualification test attempts.

CREATE TABLE conversation_states (      -- one row per (conversation, chat/user key)
    name   TEXT NOT NULL,               -- the ConversationHandler's name
    key    TEXT NOT NULL,               -- JSON list, e.g. [chat_id, user_id]
    state  TEXT NOT NULL,               -- JSON: the state the conversation is in
    PRIMARY KEY (name, key)
);

CREATE TABLE conversation_user_data (   -- PTB's context.user_data, as JSON
    user_id INTEGER PRIMARY KEY,        -- Telegram user id
    data    TEXT    NOT NULL
);

CREATE TABLE qualification_attempts (   -- one attempt per worker per qualification
    worker_id        INTEGER NOT NULL REFERENCES users(id),
    qualification_id INTEGER NOT NULL REFERENCES qualification_types(id),
    answers          TEXT    NOT NULL DEFAULT '[]',   -- JSON list of option indexes
    status           TEXT    NOT NULL DEFAULT 'taking'
        CHECK (status IN ('taking', 'passed', 'failed')),
    score_percent    INTEGER,
    started_at       REAL    NOT NULL,
    finished_at      REAL,
    PRIMARY KEY (worker_id, qualification_id)
);
