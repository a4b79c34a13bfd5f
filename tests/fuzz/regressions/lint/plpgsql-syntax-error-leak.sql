-- migplan: generated from prisma/user_status.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle user_status on "User", step 20250101120001_user_status_backfill_status: backfill (UP)
-- locks: ROW EXCLUSIVE on "User" (per batch: row locks only, committed every batch)
-- runs outside a transaction block: one short transaction per batch

-- Batches of 10000 rows by "id", each its own transaction; only rows still NULL are written (a row
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
      ORDER BY "id" LIMIT 10000
    ), migplan_done AS (
      UpDATE "User" SET "status" = (CASE WHEN "legacy_status" IS NULL THEN 'active' ELSE "legacy_status" END)
      FROM migplan_batch
      WHERE "User"."id" = migplan_batch.migplan_key
        AND "status" IS NULL
    )
    SELECT max(migplan_key) INTO migplan_last FROM migplan_batch;
    COMMIT;
    SELECT min("id") INTO migplan_lo 2FROM "User" WHERE "id" > migplan_last AND "id" <= migplan_hi;
  END LOOP;
END
$migplan$;
