-- The bench's application, loaded into the template database after the
-- baseline migration created "User". :rows users, legacy_status spread over
-- NULL / 'paying' / 'trial' / 'banned'.
--
-- bench_truth records the legacy value the application last wrote for each
-- user, in the same transaction as the write, so that after any of the
-- three migration paths the expected status of every row is known:
-- coalesce(truth.legacy, 'active').
\set ON_ERROR_STOP 1
INSERT INTO "User"(email, legacy_status)
SELECT 'user' || g || '@example.com',
       CASE g % 10 WHEN 0 THEN NULL WHEN 1 THEN NULL WHEN 2 THEN NULL
                   WHEN 3 THEN 'trial' WHEN 4 THEN 'banned' ELSE 'paying' END
FROM generate_series(1, :rows) g;

CREATE TABLE bench_truth (id int PRIMARY KEY, legacy varchar(20));
INSERT INTO bench_truth SELECT id, legacy_status FROM "User";

-- The old application writes legacy_status; when a migration has dropped it
-- (undefined_column), the new application writes status instead. That is a
-- rolling deploy that switches at the very instant of the drop, so the only
-- application failures left to count are the ones the migration's locks cause.
-- Dynamic SQL: a cached plan would outlive the dropped column.
CREATE FUNCTION bench_app_update(p_id int, p_v text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    EXECUTE 'UPDATE "User" SET legacy_status = $1 WHERE id = $2' USING p_v, p_id;
  EXCEPTION WHEN undefined_column THEN
    EXECUTE 'UPDATE "User" SET status = coalesce($1, ''active'') WHERE id = $2' USING p_v, p_id;
  END;
  INSERT INTO bench_truth VALUES (p_id, p_v) ON CONFLICT (id) DO UPDATE SET legacy = EXCLUDED.legacy;
END
$$;

-- The new application version, live beside the old one during the window:
-- it writes status (NULL as 'active', what the spec maps it to), which the
-- sync trigger carries back to legacy_status; before the expand there is no
-- status column and it writes legacy_status as the old version does. Either
-- way the expected status stays coalesce(truth.legacy, 'active').
CREATE FUNCTION bench_app_update_new(p_id int, p_v text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    EXECUTE 'UPDATE "User" SET status = coalesce($1, ''active'') WHERE id = $2' USING p_v, p_id;
  EXCEPTION WHEN undefined_column THEN
    EXECUTE 'UPDATE "User" SET legacy_status = $1 WHERE id = $2' USING p_v, p_id;
  END;
  INSERT INTO bench_truth VALUES (p_id, p_v) ON CONFLICT (id) DO UPDATE SET legacy = EXCLUDED.legacy;
END
$$;

CREATE FUNCTION bench_app_insert(p_v text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  nid int;
  mail text := 'app-' || gen_random_uuid() || '@example.com';
BEGIN
  BEGIN
    EXECUTE 'INSERT INTO "User"(email, legacy_status) VALUES ($1, $2) RETURNING id' INTO nid USING mail, p_v;
  EXCEPTION WHEN undefined_column THEN
    EXECUTE 'INSERT INTO "User"(email, status) VALUES ($1, coalesce($2, ''active'')) RETURNING id' INTO nid USING mail, p_v;
  END;
  INSERT INTO bench_truth VALUES (nid, p_v);
END
$$;

VACUUM ANALYZE "User";
VACUUM ANALYZE bench_truth;
