-- migplan: generated from prisma/required_category.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle post_category on "Post", step 20250501090002_post_category_backfill_title: backfill (UP)
-- locks: ROW EXCLUSIVE on "Post" (per batch: row locks only, committed every batch)
-- runs outside a transaction block: one short transaction per batch

-- Batches of 10000 rows by "id", each its own transaction; only rows still NULL are written, so an
-- interrupted backfill resumes where it stopped when it runs again.
DO $migplan$
#variable_conflict use_column
DECLARE
  migplan_hi "Post"."id"%TYPE;
  migplan_lo "Post"."id"%TYPE;
  migplan_last "Post"."id"%TYPE;
BEGIN
  SELECT max("id"), min("id") INTO migplan_hi, migplan_lo FROM "Post";
  WHILE migplan_lo IS NOT NULL LOOP
    PERFORM set_config('lock_timeout', '500ms', true);
    PERFORM set_config('migplan.backfill', 'on', true);
    WITH migplan_batch AS (
      SELECT "id" AS migplan_key FROM "Post"
      WHERE "id" >= migplan_lo AND "id" <= migplan_hi
      ORDER BY "id" LIMIT 10000
    ), migplan_done AS (
      UPDATE "Post" SET "title" = ('Untitled')
      FROM migplan_batch
      WHERE "Post"."id" = migplan_batch.migplan_key
        AND "title" IS NULL
    )
    SELECT max(migplan_key) INTO migplan_last FROM migplan_batch;
    COMMIT;
    SELECT min("id") INTO migplan_lo FROM "Post" WHERE "id" > migplan_last AND "id" <= migplan_hi;
  END LOOP;
END
$migplan$;
