-- migplan: generated from prisma/hostile_names.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle hostile on "app"."we""ird", step 20250501090001_hostile_backfill_s__lect: backfill (UP)
-- locks: ROW EXCLUSIVE on "app"."we""ird" (per batch: row locks only, committed every batch)
-- runs outside a transaction block: one short transaction per batch

-- Batches of 100 rows by "ïd", each its own transaction; only rows still NULL are written (a row
-- either version or the trigger already filled keeps its value), so an interrupted
-- backfill resumes where it stopped when it runs again.
DO $migplan$
#variable_conflict use_column
DECLARE
  migplan_hi "app"."we""ird"."ïd"%TYPE;
  migplan_lo "app"."we""ird"."ïd"%TYPE;
  migplan_last "app"."we""ird"."ïd"%TYPE;
BEGIN
  SELECT max("ïd"), min("ïd") INTO migplan_hi, migplan_lo FROM "app"."we""ird";
  WHILE migplan_lo IS NOT NULL LOOP
    PERFORM set_config('lock_timeout', '500ms', true);
    PERFORM set_config('migplan.backfill', 'on', true);
    WITH migplan_batch AS (
      SELECT "ïd" AS migplan_key FROM "app"."we""ird"
      WHERE "ïd" >= migplan_lo AND "ïd" <= migplan_hi
      ORDER BY "ïd" LIMIT 100
    ), migplan_done AS (
      UPDATE "app"."we""ird" SET "sélect" = (CASE WHEN "old name" IS NULL THEN 'a;b' WHEN "old name" = 'x' THEN 'it''s' ELSE 'O''Brien' END)
      FROM migplan_batch
      WHERE "app"."we""ird"."ïd" = migplan_batch.migplan_key
        AND "sélect" IS NULL
    )
    SELECT max(migplan_key) INTO migplan_last FROM migplan_batch;
    COMMIT;
    SELECT min("ïd") INTO migplan_lo FROM "app"."we""ird" WHERE "ïd" > migplan_last AND "ïd" <= migplan_hi;
  END LOOP;
END
$migplan$;
