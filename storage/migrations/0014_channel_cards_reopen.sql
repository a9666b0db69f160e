-- A card closed because its slots ran out opens again when a slot comes back (work
-- returned or abandoned) while its HIT is still open: queue_counter_edits then edits it
-- back to "N left" with its link. Cards of expired, cancelled or finished HITs stay closed.
-- sqlite:begin
CREATE TRIGGER channel_posts_reopen
AFTER UPDATE OF slots_used ON hits
WHEN NEW.slots_used < OLD.slots_used AND NEW.status IN ('open', 'paused')
BEGIN
    UPDATE channel_posts SET closed = 0
    WHERE closed = 1 AND (hit_id = NEW.id OR batch_id = NEW.batch_id);
END;
-- sqlite:end
-- postgres:begin
CREATE FUNCTION channel_posts_reopen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE channel_posts SET closed = 0
    WHERE closed = 1 AND (hit_id = NEW.id OR batch_id = NEW.batch_id);
    RETURN NULL;
END $$;
CREATE TRIGGER channel_posts_reopen
AFTER UPDATE OF slots_used ON hits
FOR EACH ROW WHEN (NEW.slots_used < OLD.slots_used AND NEW.status IN ('open', 'paused'))
EXECUTE FUNCTION channel_posts_reopen();
-- postgres:end
