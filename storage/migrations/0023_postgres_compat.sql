-- PostgreSQL only: a few of SQLite's functions, so one query text serves both databases.
-- (SQLite has them built in; this file changes nothing there.)
--   instr(text, needle)   position of needle in text, 0 if absent (strpos)
--   max(a, b), min(a, b)  SQLite's two-argument scalar max and min (GREATEST / LEAST;
--                         NULL if either is NULL, as in SQLite)
--   sum(boolean)          how many are true (SQLite's comparisons are 0 or 1)
--   json_each(text)       the elements of a JSON list (ids, language codes), as text
--                         `value` (CAST it to compare with a number)
--   json_extract(text, path)  the value at '$.key', '$[0]', '$.a.b' (as text)
--   json_array_length(text)   the length of a JSON list kept in a TEXT column
-- postgres:begin
CREATE FUNCTION instr(haystack TEXT, needle TEXT) RETURNS INTEGER
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT strpos(haystack, needle)';
CREATE FUNCTION max(a BIGINT, b BIGINT) RETURNS BIGINT
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT GREATEST(a, b)';
CREATE FUNCTION max(a DOUBLE PRECISION, b DOUBLE PRECISION) RETURNS DOUBLE PRECISION
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT GREATEST(a, b)';
CREATE FUNCTION min(a BIGINT, b BIGINT) RETURNS BIGINT
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT LEAST(a, b)';
CREATE FUNCTION min(a DOUBLE PRECISION, b DOUBLE PRECISION) RETURNS DOUBLE PRECISION
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT LEAST(a, b)';
CREATE FUNCTION gigbot_count_true(n BIGINT, b BOOLEAN) RETURNS BIGINT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT n + CASE WHEN b THEN 1 ELSE 0 END';
CREATE AGGREGATE sum(BOOLEAN) (SFUNC = gigbot_count_true, STYPE = BIGINT, INITCOND = '0');
CREATE FUNCTION json_each(doc TEXT) RETURNS TABLE (value TEXT)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS 'SELECT e FROM json_array_elements_text(CAST(doc AS json)) AS e';
CREATE FUNCTION json_extract(doc TEXT, path TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$SELECT CAST(doc AS jsonb) #>> string_to_array(trim(LEADING '.' FROM
        regexp_replace(regexp_replace(path, '^\$', ''), '\[(\d+)\]', '.\1', 'g')), '.')$$;
CREATE FUNCTION json_array_length(doc TEXT) RETURNS INTEGER
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS 'SELECT json_array_length(CAST(doc AS json))';
-- postgres:end
