-- Durable time: every deadline lives here; the JobQueue only holds what is due soon.
-- remind_at: when the next reminder is due (NULL: no more); reminders_sent counts them.
-- auto_approve_at: when submitted work is approved unless reviewed (set by the trigger
-- below on every accepted -> submitted move, whatever code path made it).
-- paused_remaining_s: lifetime left when a HIT was paused (resume restores it).
ALTER TABLE assignments ADD COLUMN remind_at REAL;
ALTER TABLE assignments ADD COLUMN reminders_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE assignments ADD COLUMN auto_approve_at REAL;
ALTER TABLE hits ADD COLUMN paused_remaining_s REAL;

CREATE INDEX assignments_remind ON assignments (remind_at) WHERE status = 'accepted';
CREATE INDEX assignments_auto_approve ON assignments (auto_approve_at)
    WHERE status = 'submitted';
CREATE INDEX hits_expiry ON hits (expires_at) WHERE status = 'open';

-- sqlite:begin
CREATE TRIGGER assignments_plan_auto_approve
AFTER UPDATE OF status ON assignments
WHEN NEW.status = 'submitted' AND OLD.status = 'accepted'
BEGIN
    UPDATE assignments
    SET auto_approve_at = COALESCE(NEW.submitted_at, NEW.accepted_at)
        + (SELECT auto_approve_s FROM hits WHERE id = NEW.hit_id)
    WHERE id = NEW.id;
END;
-- sqlite:end
-- postgres:begin
CREATE FUNCTION assignments_plan_auto_approve() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.auto_approve_at := COALESCE(NEW.submitted_at, NEW.accepted_at)
        + (SELECT auto_approve_s FROM hits WHERE id = NEW.hit_id);
    RETURN NEW;
END $$;
CREATE TRIGGER assignments_plan_auto_approve
BEFORE UPDATE OF status ON assignments
FOR EACH ROW WHEN (NEW.status = 'submitted' AND OLD.status = 'accepted')
EXECUTE FUNCTION assignments_plan_auto_approve();
-- postgres:end
