-- Matching: per-worker counters kept by triggers, the pushes each HIT made, and the
-- current UTC offset of every time zone (quiet hours are evaluated in SQL).

-- One row per user, kept up to date by the triggers below whatever code path changes an
-- assignment (accept, submit, review, return, abandonment, auto-approval, disputes), so
-- approval rate and counts can be filtered and ranked by index instead of aggregating
-- the assignments of 100,000 workers. See bot/matching.py for the score formula.
CREATE TABLE worker_stats (
    user_id        INTEGER PRIMARY KEY REFERENCES users(id),
    pushes         INTEGER NOT NULL DEFAULT 0,   -- HITs pushed to this worker
    pushes_taken   INTEGER NOT NULL DEFAULT 0,   -- pushed HITs the worker accepted
    accepted       INTEGER NOT NULL DEFAULT 0,   -- assignments ever taken
    in_progress    INTEGER NOT NULL DEFAULT 0,   -- assignments in state 'accepted' now
    submitted      INTEGER NOT NULL DEFAULT 0,
    approved       INTEGER NOT NULL DEFAULT 0,
    rejected       INTEGER NOT NULL DEFAULT 0,
    returned       INTEGER NOT NULL DEFAULT 0,
    abandoned      INTEGER NOT NULL DEFAULT 0,
    gold_answered  INTEGER NOT NULL DEFAULT 0,   -- answers to gold items in submitted work
    gold_correct   INTEGER NOT NULL DEFAULT 0,
    last_active_at REAL    NOT NULL DEFAULT 0,   -- latest accept or submit (or sign-up)
    -- approved share of reviewed work, floored; 100 while nothing is reviewed (as MTurk)
    approval_pct   INTEGER GENERATED ALWAYS AS (
        CASE WHEN approved + rejected = 0 THEN 100
             ELSE (approved * 100) / (approved + rejected) END
    ) STORED,
    score          REAL GENERATED ALWAYS AS (
        40.0 * (approved + 1) / (approved + rejected + 2)
        + 20.0 * (pushes_taken + 1) / (pushes + 2)
        + 20.0 * (gold_correct + 1) / (gold_answered + 2)
        + last_active_at / 43200.0
    ) STORED
);
CREATE INDEX worker_stats_score ON worker_stats (score DESC, user_id DESC);
-- New workers (fewer than 5 reviewed assignments), fewest pushes first: exploration.
-- bot/matching.py NEW_WORKER_REVIEWS must stay equal to the 5 here.
CREATE INDEX worker_stats_new ON worker_stats (pushes, user_id) WHERE approved + rejected < 5;

-- sqlite:begin
INSERT OR IGNORE INTO worker_stats (user_id, last_active_at) SELECT id, created_at FROM users;
-- sqlite:end
-- postgres:begin
INSERT INTO worker_stats (user_id, last_active_at) SELECT id, created_at FROM users
    ON CONFLICT DO NOTHING;
-- postgres:end
UPDATE worker_stats SET
    accepted = (SELECT COUNT(*) FROM assignments a WHERE a.worker_id = user_id),
    in_progress = (SELECT COUNT(*) FROM assignments a
                   WHERE a.worker_id = user_id AND a.status = 'accepted'),
    submitted = (SELECT COUNT(*) FROM assignments a
                 WHERE a.worker_id = user_id AND a.submitted_at IS NOT NULL),
    approved = (SELECT COUNT(*) FROM assignments a
                WHERE a.worker_id = user_id AND a.status = 'approved'),
    rejected = (SELECT COUNT(*) FROM assignments a
                WHERE a.worker_id = user_id AND a.status = 'rejected'),
    returned = (SELECT COUNT(*) FROM assignments a
                WHERE a.worker_id = user_id AND a.status = 'returned'),
    abandoned = (SELECT COUNT(*) FROM assignments a
                 WHERE a.worker_id = user_id AND a.status = 'abandoned'),
-- sqlite:begin
    last_active_at = MAX(last_active_at, COALESCE((SELECT MAX(MAX(a.accepted_at,
        COALESCE(a.submitted_at, 0))) FROM assignments a WHERE a.worker_id = user_id), 0));
-- sqlite:end
-- postgres:begin
    last_active_at = GREATEST(last_active_at, COALESCE((SELECT MAX(GREATEST(a.accepted_at,
        COALESCE(a.submitted_at, 0))) FROM assignments a WHERE a.worker_id = user_id), 0));
-- postgres:end

-- Every push of a HIT to a worker, at most one per pair. outcome:
--   sent        queued to the worker, no answer yet
--   accepted    the worker took the HIT (set by the assignments trigger above)
--   skipped     the worker tapped Skip
--   unanswered  no answer within the wait; the HIT widened past it
CREATE TABLE pushes (
    hit_id      INTEGER NOT NULL REFERENCES hits(id) ON DELETE CASCADE,
    worker_id   INTEGER NOT NULL REFERENCES users(id),
    wave        INTEGER NOT NULL,
    reason      TEXT    NOT NULL CHECK (reason IN ('ranked', 'explore')),
    score       REAL    NOT NULL,
    sent_at     REAL    NOT NULL,
    outcome     TEXT    NOT NULL DEFAULT 'sent'
        CHECK (outcome IN ('sent', 'accepted', 'skipped', 'unanswered')),
    answered_at REAL,
    PRIMARY KEY (hit_id, worker_id)
) WITHOUT ROWID;
CREATE INDEX pushes_worker ON pushes (worker_id, sent_at);

-- sqlite:begin
CREATE TRIGGER worker_stats_user AFTER INSERT ON users BEGIN
    INSERT OR IGNORE INTO worker_stats (user_id, last_active_at) VALUES (NEW.id, NEW.created_at);
END;

CREATE TRIGGER worker_stats_accept AFTER INSERT ON assignments BEGIN
    UPDATE worker_stats SET
        accepted = accepted + 1,
        in_progress = in_progress + (NEW.status = 'accepted'),
        submitted = submitted + (NEW.submitted_at IS NOT NULL),
        approved = approved + (NEW.status = 'approved'),
        rejected = rejected + (NEW.status = 'rejected'),
        returned = returned + (NEW.status = 'returned'),
        abandoned = abandoned + (NEW.status = 'abandoned'),
        last_active_at = MAX(last_active_at, NEW.accepted_at)
    WHERE user_id = NEW.worker_id;
    UPDATE pushes SET outcome = 'accepted', answered_at = NEW.accepted_at
    WHERE hit_id = NEW.hit_id AND worker_id = NEW.worker_id AND outcome != 'accepted';
END;

-- Reversals (e.g. a rejection overturned) move the counts back as well.
CREATE TRIGGER worker_stats_status AFTER UPDATE OF status ON assignments
WHEN NEW.status != OLD.status BEGIN
    UPDATE worker_stats SET
        in_progress = in_progress - (OLD.status = 'accepted') + (NEW.status = 'accepted'),
        submitted = submitted + (NEW.status = 'submitted'),
        approved = approved + (NEW.status = 'approved') - (OLD.status = 'approved'),
        rejected = rejected + (NEW.status = 'rejected') - (OLD.status = 'rejected'),
        returned = returned + (NEW.status = 'returned'),
        abandoned = abandoned + (NEW.status = 'abandoned'),
        last_active_at = CASE WHEN NEW.status = 'submitted'
            THEN MAX(last_active_at, COALESCE(NEW.submitted_at, 0)) ELSE last_active_at END
    WHERE user_id = NEW.worker_id;
END;

CREATE TRIGGER worker_stats_gold AFTER UPDATE OF status ON assignments
WHEN NEW.status = 'submitted' AND OLD.status != 'submitted' BEGIN
    UPDATE worker_stats SET
        gold_answered = gold_answered + (
            SELECT COUNT(*) FROM answers a JOIN questions q ON q.id = a.question_id
            WHERE a.assignment_id = NEW.id AND q.gold IS NOT NULL),
        gold_correct = gold_correct + (
            SELECT COUNT(*) FROM answers a JOIN questions q ON q.id = a.question_id
            WHERE a.assignment_id = NEW.id AND q.gold IS NOT NULL AND a.value = q.gold)
    WHERE user_id = NEW.worker_id;
END;

CREATE TRIGGER pushes_count AFTER INSERT ON pushes BEGIN
    UPDATE worker_stats SET pushes = pushes + 1 WHERE user_id = NEW.worker_id;
END;

CREATE TRIGGER pushes_taken AFTER UPDATE OF outcome ON pushes
WHEN NEW.outcome = 'accepted' AND OLD.outcome != 'accepted' BEGIN
    UPDATE worker_stats SET pushes_taken = pushes_taken + 1 WHERE user_id = NEW.worker_id;
END;
-- sqlite:end
-- postgres:begin
CREATE FUNCTION worker_stats_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO worker_stats (user_id, last_active_at) VALUES (NEW.id, NEW.created_at)
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER worker_stats_user AFTER INSERT ON users
FOR EACH ROW EXECUTE FUNCTION worker_stats_user();

CREATE FUNCTION worker_stats_accept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE worker_stats SET
        accepted = accepted + 1,
        in_progress = in_progress + (NEW.status = 'accepted')::int,
        submitted = submitted + (NEW.submitted_at IS NOT NULL)::int,
        approved = approved + (NEW.status = 'approved')::int,
        rejected = rejected + (NEW.status = 'rejected')::int,
        returned = returned + (NEW.status = 'returned')::int,
        abandoned = abandoned + (NEW.status = 'abandoned')::int,
        last_active_at = GREATEST(last_active_at, NEW.accepted_at)
    WHERE user_id = NEW.worker_id;
    UPDATE pushes SET outcome = 'accepted', answered_at = NEW.accepted_at
    WHERE hit_id = NEW.hit_id AND worker_id = NEW.worker_id AND outcome != 'accepted';
    RETURN NULL;
END $$;
CREATE TRIGGER worker_stats_accept AFTER INSERT ON assignments
FOR EACH ROW EXECUTE FUNCTION worker_stats_accept();

CREATE FUNCTION worker_stats_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE worker_stats SET
        in_progress = in_progress - (OLD.status = 'accepted')::int
            + (NEW.status = 'accepted')::int,
        submitted = submitted + (NEW.status = 'submitted')::int,
        approved = approved + (NEW.status = 'approved')::int - (OLD.status = 'approved')::int,
        rejected = rejected + (NEW.status = 'rejected')::int - (OLD.status = 'rejected')::int,
        returned = returned + (NEW.status = 'returned')::int,
        abandoned = abandoned + (NEW.status = 'abandoned')::int,
        last_active_at = CASE WHEN NEW.status = 'submitted'
            THEN GREATEST(last_active_at, COALESCE(NEW.submitted_at, 0))
            ELSE last_active_at END
    WHERE user_id = NEW.worker_id;
    RETURN NULL;
END $$;
CREATE TRIGGER worker_stats_status AFTER UPDATE OF status ON assignments
FOR EACH ROW WHEN (NEW.status != OLD.status) EXECUTE FUNCTION worker_stats_status();

CREATE FUNCTION worker_stats_gold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE worker_stats SET
        gold_answered = gold_answered + (
            SELECT COUNT(*) FROM answers a JOIN questions q ON q.id = a.question_id
            WHERE a.assignment_id = NEW.id AND q.gold IS NOT NULL),
        gold_correct = gold_correct + (
            SELECT COUNT(*) FROM answers a JOIN questions q ON q.id = a.question_id
            WHERE a.assignment_id = NEW.id AND q.gold IS NOT NULL AND a.value = q.gold)
    WHERE user_id = NEW.worker_id;
    RETURN NULL;
END $$;
CREATE TRIGGER worker_stats_gold AFTER UPDATE OF status ON assignments
FOR EACH ROW WHEN (NEW.status = 'submitted' AND OLD.status != 'submitted')
EXECUTE FUNCTION worker_stats_gold();

CREATE FUNCTION pushes_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE worker_stats SET pushes = pushes + 1 WHERE user_id = NEW.worker_id;
    RETURN NULL;
END $$;
CREATE TRIGGER pushes_count AFTER INSERT ON pushes
FOR EACH ROW EXECUTE FUNCTION pushes_count();

CREATE FUNCTION pushes_taken() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE worker_stats SET pushes_taken = pushes_taken + 1 WHERE user_id = NEW.worker_id;
    RETURN NULL;
END $$;
CREATE TRIGGER pushes_taken AFTER UPDATE OF outcome ON pushes
FOR EACH ROW WHEN (NEW.outcome = 'accepted' AND OLD.outcome != 'accepted')
EXECUTE FUNCTION pushes_taken();
-- postgres:end

-- UTC offset of each IANA time zone, refreshed by bot/matching.py every quarter hour
-- (so DST is followed); `bucket` = the quarter hour (unix seconds // 900) it is valid for.
CREATE TABLE tz_offsets (
    name       TEXT    PRIMARY KEY,
    offset_min INTEGER NOT NULL,
    bucket     INTEGER NOT NULL
) WITHOUT ROWID;

-- Fan-out progress per HIT: how many waves went out, when the last one found fewer
-- willing workers than wanted (then the HIT waits a while before looking again), and
-- where in the score order the next wave goes on looking (NULL = from the top).
CREATE TABLE hit_waves (
    hit_id       INTEGER PRIMARY KEY REFERENCES hits(id) ON DELETE CASCADE,
    waves        INTEGER NOT NULL DEFAULT 0,
    last_wave_at REAL    NOT NULL,
    exhausted_at REAL,
    cursor_score REAL,
    cursor_user  INTEGER
);
