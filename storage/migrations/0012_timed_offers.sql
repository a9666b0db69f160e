-- Timed offers (#11): a HIT dispatched as offers is given to one worker at a time per free
-- slot, who holds it exclusively for a while; and the timer concierge's "+N minutes".

-- How a HIT reaches workers. No row: 'race' (pushes in waves, first tap wins), as before.
-- extend_s: the "+N minutes" a worker may add once to an assignment's deadline (NULL: not
-- allowed). Written with the draft by /newpoll and /newsurvey (bot/offers.py).
CREATE TABLE hit_dispatch (
    hit_id   INTEGER PRIMARY KEY REFERENCES hits(id) ON DELETE CASCADE,
    mode     TEXT    NOT NULL CHECK (mode IN ('offer', 'race')),
    extend_s INTEGER CHECK (extend_s IS NULL OR extend_s > 0)
);

-- One exclusive hold of a slot by a worker. status:
--   held      the worker may accept until expires_at; the slot is reserved for them
--   accepted  the worker took it (assignments row made in the same transaction)
--   declined  the worker tapped Decline; the slot moved on at once
--   expired   the hold ran out (applied by bot/timers.py); the slot moved on
-- A live hold = status 'held' AND expires_at > now. accept counts live holds of other
-- workers in its conditional UPDATE of hits (storage/offers.claim_slot).
CREATE TABLE offers (
    id         INTEGER PRIMARY KEY,
    hit_id     INTEGER NOT NULL REFERENCES hits(id) ON DELETE CASCADE,
    worker_id  INTEGER NOT NULL REFERENCES users(id),
    status     TEXT    NOT NULL DEFAULT 'held'
        CHECK (status IN ('held', 'accepted', 'declined', 'expired')),
    offered_at REAL    NOT NULL,
    expires_at REAL    NOT NULL,
    ended_at   REAL,
    UNIQUE (hit_id, worker_id)
);
CREATE INDEX offers_held ON offers (expires_at) WHERE status = 'held';
CREATE INDEX offers_hit_held ON offers (hit_id) WHERE status = 'held';

-- Seconds added to the deadline by "+N minutes" (0: not used; it can be used once).
ALTER TABLE assignments ADD COLUMN extended_s INTEGER NOT NULL DEFAULT 0;
