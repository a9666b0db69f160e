-- PostgreSQL: each process keeps the MTurk API keys it read with their holders (storage/
-- mturk.kept_key_holder), as it keeps users (migration 0028): a revoked (or deleted) key
-- is said on gigbot_users, whose notice makes every process forget all it kept, so a
-- revocation reaches every process at once. A new key needs no notice: a key not found is
-- never kept. SQLite: one process per file reads its keys each time.
-- postgres:begin
CREATE FUNCTION gigbot_key_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gigbot_users', 'key');
    RETURN NULL;
END $$;
CREATE TRIGGER mturk_keys_notice AFTER UPDATE OR DELETE ON mturk_keys
    FOR EACH ROW EXECUTE FUNCTION gigbot_key_changed();
-- postgres:end
