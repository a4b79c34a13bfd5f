-- migplan: generated from prisma/user_handle.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle user_handle on "User", step 20250601090001_user_handle_backfill_handle: backfill (UP)
-- locks: ROW EXCLUSIVE on "User" (per batch: row locks only, committed every batch)
-- runs outside a transaction block: one short transaction per batch

-- Batches of 5000 rows by "id", each its own transaction; only rows still NULL are written (a row
-- either version or the trigger already filled keeps its value), so an interrupted
-- backfill resumes where it stopped when it runs again.
DO $migplan$
#variable_conflict use_column
DECLARE
  migplan_hi "User"."id"%TYPE;
  migplan_lo "User"."id"%TYPE;
  migplan_last "User"."id"%TYPE;
BEGIN
  SELECT max("id"), min("id") INTO migplan_hi, migplan_lo FROM "User";
  WHILE migplan_lo IS NOT NULL LOOP
    PERFORM set_config('lock_timeout', '500ms', true);
    PERFORM set_config('migplan.backfill', 'on', true);
    WITH migplan_batch AS (
      SELECT "id" AS migplan_key FROM "User"
      WHERE "id" >= migplan_lo AND "id" <= migplan_hi
      ORDER BY "id" LIMIT 5000
    ), migplan_done AS (
      UPDATE "User" SET "handle" = ( lower(split_part(email, '@', 1)) )
      FROM migplan_batch
      WHERE "User"."id" = migplan_batch.migplan_key
        AND "handle" IS NULL
    )
    SELECT max(migplan_key) INTO migplan_last FROM migplan_batch;
    COMMIT;
    SELECT min("id") INTO migplan_lo FROM "User" WHERE "id" > migplan_last AND "id" <= migplan_hi;
  END LOOP;
END
$migplan$;
