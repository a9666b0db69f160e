-- Group channels linked by requesters, and the cards posted there.

CREATE TABLE channels (
    id           INTEGER PRIMARY KEY,
    requester_id INTEGER NOT NULL REFERENCES users(id),
    chat_id      INTEGER NOT NULL,             -- Telegram id of the channel or group (negative)
    title        TEXT    NOT NULL DEFAULT '',
    active       INTEGER NOT NULL DEFAULT 1,   -- 0: unlinked, or the bot was removed
    linked_at    REAL    NOT NULL,
    UNIQUE (requester_id, chat_id)
);
CREATE INDEX channels_chat ON channels (chat_id, active);

-- One card per (channel, HIT or batch). The card itself is the outbox row
-- 'chancard:<post id>'; its counter is edited at most once a minute.
CREATE TABLE channel_posts (
    id           INTEGER PRIMARY KEY,
    channel_id   INTEGER NOT NULL REFERENCES channels(id),
    chat_id      INTEGER NOT NULL,
    hit_id       INTEGER REFERENCES hits(id),
    batch_id     INTEGER REFERENCES batches(id),
    shown_left   INTEGER,                      -- the slots-left number the card shows
    edits        INTEGER NOT NULL DEFAULT 0,   -- counter edits queued so far
    edited_at    REAL,                         -- when the last one was queued
    closed       INTEGER NOT NULL DEFAULT 0,   -- the card says "closed"; no more edits
    created_at   REAL    NOT NULL,
    CHECK ((hit_id IS NULL) != (batch_id IS NULL)),
    UNIQUE (channel_id, hit_id),
    UNIQUE (channel_id, batch_id)
);
CREATE INDEX channel_posts_open ON channel_posts (closed, edited_at);
