-- PostgreSQL: each process hears what the others changed, at once, instead of asking
-- (storage/pg.py Listener). A changed or deleted user is said on gigbot_users (its
-- Telegram id): every process forgets the users it kept (storage/users.kept_by_tg_id).
-- Rows queued in the outbox are said on gigbot_outbox, once per statement that queued
-- any, with the queuing process's name (its pool's application_name), so the process
-- holding the broadcaster lease wakes at once and otherwise rests (bot/delivery/outbox.py;
-- it polled every 50 ms). A notice is delivered when its transaction commits; PostgreSQL
-- sends one notice per transaction for the same channel and text.
-- SQLite has no such notices: one process per file needs none, and several on one file
-- still poll as before.
-- postgres:begin
CREATE FUNCTION gigbot_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gigbot_users', CAST(OLD.tg_id AS TEXT));
    RETURN NULL;
END $$;
CREATE TRIGGER users_notice AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION gigbot_user_changed();
CREATE FUNCTION gigbot_outbox_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM queued) THEN
        PERFORM pg_notify('gigbot_outbox', current_setting('application_name'));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_notice AFTER INSERT ON outbox REFERENCING NEW TABLE AS queued
    FOR EACH STATEMENT EXECUTE FUNCTION gigbot_outbox_queued();
-- postgres:end
