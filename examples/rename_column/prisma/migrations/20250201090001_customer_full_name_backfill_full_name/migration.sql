-- migplan: generated from prisma/rename_column.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle customer_full_name on "Customer", step 20250201090001_customer_full_name_backfill_full_name: backfill (UP)
-- locks: ROW EXCLUSIVE on "Customer" (per batch: row locks only, committed every batch)
-- runs outside a transaction block: one short transaction per batch

-- Batches of 5000 rows by "id", each its own transaction; only rows still NULL are written (a row
-- either version or the trigger already filled keeps its value), so an interrupted
-- backfill resumes where it stopped when it runs again.
DO $migplan$
#variable_conflict use_column
DECLARE
  migplan_hi "Customer"."id"%TYPE;
  migplan_lo "Customer"."id"%TYPE;
  migplan_last "Customer"."id"%TYPE;
BEGIN
  SELECT max("id"), min("id") INTO migplan_hi, migplan_lo FROM "Customer";
  WHILE migplan_lo IS NOT NULL LOOP
    PERFORM set_config('lock_timeout', '500ms', true);
    PERFORM set_config('migplan.backfill', 'on', true);
    WITH migplan_batch AS (
      SELECT "id" AS migplan_key FROM "Customer"
      WHERE "id" >= migplan_lo AND "id" <= migplan_hi
      ORDER BY "id" LIMIT 5000
    ), migplan_done AS (
      UPDATE "Customer" SET "full_name" = ("fullname")
      FROM migplan_batch
      WHERE "Customer"."id" = migplan_batch.migplan_key
        AND "full_name" IS NULL
    )
    SELECT max(migplan_key) INTO migplan_last FROM migplan_batch;
    COMMIT;
    SELECT min("id") INTO migplan_lo FROM "Customer" WHERE "id" > migplan_last AND "id" <= migplan_hi;
  END LOOP;
END
$migplan$;
