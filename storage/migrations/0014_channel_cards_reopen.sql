-- A card closed because its slots ran out opens again when a slot comes back (work
-- returned or abandoned) while its HIT is still open: queue_counter_edits then edits it
-- back to "N left" with its link. Cards of expired, cancelled or finished HITs stay closed.
CREATE TRIGGER channel_posts_reopen
AFTER UPDATE OF slots_used ON hits
WHEN NEW.slots_used < OLD.slots_used AND NEW.status IN ('open', 'paused')
BEGIN
    UPDATE channel_posts SET closed = 0
    WHERE closed = 1 AND (hit_id = NEW.id OR batch_id = NEW.batch_id);
END;
