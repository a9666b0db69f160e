-- The deadline index holds the assignments in progress only, as the reminder and
-- auto-approval indexes hold theirs (0026): every question of it asks for status =
-- 'accepted' (storage/timers.abandon_due and upcoming). An assignment leaving that status
-- (abandoned, submitted, returned) is one index entry fewer to write: on PostgreSQL such an
-- update writes a new version of the row into every index whose condition it meets, and
-- 20,000 deadlines falling due at once did so into five (bench/bench_timers.py).
-- PostgreSQL: the three lead with their time, not the status. It drops a condition its
-- partial index's WHERE implies (status = 'accepted') from the index scan, and a bound
-- on a second column alone bounds nothing: asking for reminders due now read the whole
-- index (80,000 entries in bench_timers, none due), and the deadline pass asked at its end.
-- sqlite:begin
DROP INDEX assignments_deadline;
CREATE INDEX assignments_deadline ON assignments (status, deadline_at) WHERE status = 'accepted';
-- sqlite:end
-- postgres:begin
DROP INDEX assignments_deadline;
CREATE INDEX assignments_deadline ON assignments (deadline_at) WHERE status = 'accepted';
DROP INDEX assignments_remind;
CREATE INDEX assignments_remind ON assignments (remind_at) WHERE status = 'accepted';
DROP INDEX assignments_auto_approve;
CREATE INDEX assignments_auto_approve ON assignments (auto_approve_at) WHERE status = 'submitted';
-- postgres:end
