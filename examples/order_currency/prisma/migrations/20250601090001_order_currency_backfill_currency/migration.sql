-- migplan: generated from prisma/order_currency.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle order_currency on "Order", step 20250601090001_order_currency_backfill_currency: backfill (UP)
-- locks: ROW EXCLUSIVE on "Order" (per batch: row locks only, committed every batch)
-- runs outside a transaction block: one short transaction per batch

-- Batches of 5000 rows by "id", each its own transaction; only rows still NULL are written, so an
-- interrupted backfill resumes where it stopped when it runs again.
DO $migplan$
#variable_conflict use_column
DECLARE
  migplan_hi "Order"."id"%TYPE;
  migplan_lo "Order"."id"%TYPE;
  migplan_last "Order"."id"%TYPE;
BEGIN
  SELECT max("id"), min("id") INTO migplan_hi, migplan_lo FROM "Order";
  WHILE migplan_lo IS NOT NULL LOOP
    PERFORM set_config('lock_timeout', '500ms', true);
    PERFORM set_config('migplan.backfill', 'on', true);
    WITH migplan_batch AS (
      SELECT "id" AS migplan_key FROM "Order"
      WHERE "id" >= migplan_lo AND "id" <= migplan_hi
      ORDER BY "id" LIMIT 5000
    ), migplan_done AS (
      UPDATE "Order" SET "currency" = ('EUR')
      FROM migplan_batch
      WHERE "Order"."id" = migplan_batch.migplan_key
        AND "currency" IS NULL
    )
    SELECT max(migplan_key) INTO migplan_last FROM migplan_batch;
    COMMIT;
    SELECT min("id") INTO migplan_lo FROM "Order" WHERE "id" > migplan_last AND "id" <= migplan_hi;
  END LOOP;
END
$migplan$;
