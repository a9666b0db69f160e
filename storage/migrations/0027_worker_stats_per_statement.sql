-- PostgreSQL: a change of assignments' status, and a wave's pushes, move the workers'
-- counts once per statement
-- (a transition table of the rows it changed, summed per worker) instead of one UPDATE of
-- worker_stats per row: the timers abandon up to 5,000 assignments a statement, and the
-- row trigger's 5,000 plpgsql calls were two thirds of each (bench/bench_timers.py
-- --postgres, 20,000 deadlines at once). The counts are the same as the row trigger's
-- (and as SQLite's, which keeps its own: a trigger there is a few statements in the same
-- library). A transition table rules out a column list, so every UPDATE of assignments
-- runs it; rows whose status did not change add nothing.
-- worker_stats leaves a fifth of each page free: most updates of a worker's counts change
-- no column it is indexed by (an abandonment, a push), so the new version of the row goes
-- in the same page and no index is touched (a "HOT" update): the statement above in half
-- the time. (Tables written before this keep their full pages until rewritten.)
-- postgres:begin
ALTER TABLE worker_stats SET (fillfactor = 80);
DROP TRIGGER worker_stats_status ON assignments;
DROP FUNCTION worker_stats_status();
CREATE FUNCTION worker_stats_statuses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE worker_stats s SET
        in_progress = s.in_progress + d.in_progress,
        submitted = s.submitted + d.submitted,
        approved = s.approved + d.approved,
        rejected = s.rejected + d.rejected,
        returned = s.returned + d.returned,
        abandoned = s.abandoned + d.abandoned,
        last_active_at = GREATEST(s.last_active_at, d.submitted_at)
    FROM (
        SELECT n.worker_id,
            SUM((n.status = 'accepted')::int - (o.status = 'accepted')::int) AS in_progress,
            SUM((n.status = 'submitted')::int) AS submitted,
            SUM((n.status = 'approved')::int - (o.status = 'approved')::int) AS approved,
            SUM((n.status = 'rejected')::int - (o.status = 'rejected')::int) AS rejected,
            SUM((n.status = 'returned')::int) AS returned,
            SUM((n.status = 'abandoned')::int) AS abandoned,
            MAX(CASE WHEN n.status = 'submitted' THEN COALESCE(n.submitted_at, 0) END)
                AS submitted_at
        FROM changed_new n JOIN changed_old o ON o.id = n.id
        WHERE n.status != o.status
        GROUP BY n.worker_id
    ) d
    WHERE s.user_id = d.worker_id;
    RETURN NULL;
END $$;
CREATE TRIGGER worker_stats_status AFTER UPDATE ON assignments
REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
FOR EACH STATEMENT EXECUTE FUNCTION worker_stats_statuses();

-- A wave's pushes are one INSERT (storage/matching.record_pushes): counted per worker once.
DROP TRIGGER pushes_count ON pushes;
DROP FUNCTION pushes_count();
CREATE FUNCTION pushes_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE worker_stats s SET pushes = s.pushes + n.pushes
    FROM (SELECT worker_id, COUNT(*) AS pushes FROM added GROUP BY worker_id) n
    WHERE s.user_id = n.worker_id;
    RETURN NULL;
END $$;
CREATE TRIGGER pushes_count AFTER INSERT ON pushes
REFERENCING NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION pushes_counts();
-- postgres:end
