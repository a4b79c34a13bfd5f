DO $body$ BEGIN RAISE NOTICE $$x$$; END $body$;
CREATE FUNCTION f() RETURNS int AS $f$ SELECT 1 $f$ LANGUAGE sql;
SELECT $a$ unterminated
