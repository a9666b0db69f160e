-- The broadcaster lease: with several bot processes on one database, only the process
-- named here claims and sends outbox rows, so one process's pacing is the whole bot's
-- (Telegram's 30 messages a second are per bot, not per process). One row, always there.
-- holder: the process that may send (its name is the claimed_by it writes on rows), NULL
--   when released by a clean stop; expires_at: clock time after which another process may
--   take it over (the holder renews it); beats: counts renewals, a sign of life that moves
--   even when the clock does not (tests).
CREATE TABLE broadcast_lease (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    holder TEXT,
    expires_at REAL NOT NULL,
    beats INTEGER NOT NULL DEFAULT 0
);
INSERT INTO broadcast_lease (id, holder, expires_at) VALUES (1, NULL, 0);
