-- migplan: generated from prisma/change_type.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle order_amount on "Order", step 20250301090002_order_amount_contract: contract (DOWN)
-- locks: ACCESS EXCLUSIVE on "Order" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "Order" (brief: catalog only)
-- locks: ROW EXCLUSIVE on "Order" (per batch: row locks only, committed every batch)
-- locks: SHARE UPDATE EXCLUSIVE on "Order" (held during a full scan; reads and writes go on)
-- runs in 4 parts, each committed before the next (at each "-- migplan: commit"):
-- the schema in one transaction, the refill in batches, then NOT NULL again in two short transactions;
-- `migrun rollback` runs them so, and after an interruption goes on where it stopped
-- WARNING: re-creates "amount_cents" and refills it from the new column.
-- WARNING: a re-created column goes to the end of the table: PostgreSQL cannot put it
-- back in its old position without rewriting the table and dropping dependent indexes.

-- For the block below, which it bounds as a whole; RESET after it.
SET statement_timeout = '10min';

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan1$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '1s', true);

-- Back empty and nullable: the refill below fills the rows, the trigger every write from now on.
ALTER TABLE "Order" ADD COLUMN "amount_cents" integer;

CREATE FUNCTION "migplan_order_amount_sync"() RETURNS trigger LANGUAGE plpgsql AS $migplan$
DECLARE
  migplan_read_1 boolean := TG_OP = 'UPDATE' AND (NEW."amount_cents" IS DISTINCT FROM OLD."amount_cents");
  migplan_wrote_1 boolean := TG_OP = 'UPDATE' AND NEW."amount" IS DISTINCT FROM OLD."amount";
BEGIN
  -- A backfill batch writes exactly the mapped value: nothing to carry back.
  IF current_setting('migplan.backfill', true) = 'on' THEN
    RETURN NEW;
  END IF;
  IF TG_ARGV[0] = '1' THEN
    IF NEW."amount_cents" IS NOT DISTINCT FROM OLD."amount_cents" THEN
      NEW."amount_cents" := (SELECT (amount * 100)::integer FROM (SELECT NEW.*) AS "Order");
    END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW."amount" IS NULL THEN
      NEW."amount" := (SELECT amount_cents / 100.0 FROM (SELECT NEW.*) AS "Order");
    ELSE
      NEW."amount_cents" := (SELECT (amount * 100)::integer FROM (SELECT NEW.*) AS "Order");
    END IF;
  ELSE
    IF migplan_read_1 AND NOT migplan_wrote_1 THEN
      NEW."amount" := (SELECT amount_cents / 100.0 FROM (SELECT NEW.*) AS "Order");
    ELSIF NEW."amount" IS NULL AND NOT migplan_wrote_1 THEN
      NEW."amount" := (SELECT amount_cents / 100.0 FROM (SELECT NEW.*) AS "Order");
    END IF;
  END IF;
  RETURN NEW;
END
$migplan$;

CREATE TRIGGER "migplanrev_order_amount_sync_1" BEFORE UPDATE OF "amount" ON "Order" FOR EACH ROW EXECUTE FUNCTION "migplan_order_amount_sync"('1');

CREATE TRIGGER "migplan_order_amount_sync" BEFORE INSERT OR UPDATE ON "Order" FOR EACH ROW EXECUTE FUNCTION "migplan_order_amount_sync"();

ALTER TABLE "Order" ALTER COLUMN "amount" DROP DEFAULT;

ALTER TABLE "Order" ALTER COLUMN "amount" DROP NOT NULL;

ALTER TABLE "Order" ADD CONSTRAINT "migplan_amount_not_null" CHECK ("amount" IS NOT NULL) NOT VALID;

END
$migplan1$;

RESET statement_timeout;

-- migplan: commit

-- Refill "amount_cents" through the reverse mapping: batches of 5000 rows, each its own transaction;
-- only rows still NULL are written, so an interrupted refill resumes where it stopped.
DO $migplan$
#variable_conflict use_column
DECLARE
  migplan_hi "Order"."id"%TYPE;
  migplan_lo "Order"."id"%TYPE;
  migplan_last "Order"."id"%TYPE;
BEGIN
  SELECT max("id"), min("id") INTO migplan_hi, migplan_lo FROM "Order";
  WHILE migplan_lo IS NOT NULL LOOP
    PERFORM set_config('lock_timeout', '1s', true);
    PERFORM set_config('migplan.backfill', 'on', true);
    PERFORM set_config('statement_timeout', '10min', true);
    WITH migplan_batch AS (
      SELECT "id" AS migplan_key FROM "Order"
      WHERE "id" >= migplan_lo AND "id" <= migplan_hi
      ORDER BY "id" LIMIT 5000
    ), migplan_done AS (
      UPDATE "Order" SET "amount_cents" = ((amount * 100)::integer)
      FROM migplan_batch
      WHERE "Order"."id" = migplan_batch.migplan_key
        AND "amount_cents" IS NULL
    )
    SELECT max(migplan_key) INTO migplan_last FROM migplan_batch;
    COMMIT;
    SELECT min("id") INTO migplan_lo FROM "Order" WHERE "id" > migplan_last AND "id" <= migplan_hi;
  END LOOP;
END
$migplan$;

-- migplan: commit

-- For the block below, which it bounds as a whole; RESET after it.
SET statement_timeout = '10min';

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '1s', true);

-- Checked for new rows at once; every row is validated next, without blocking writes.
ALTER TABLE "Order" ADD CONSTRAINT "migplan_amount_cents_not_null" CHECK ("amount_cents" IS NOT NULL) NOT VALID;

END
$migplan$;

RESET statement_timeout;

-- migplan: commit

-- For the block below, which it bounds as a whole; RESET after it.
SET statement_timeout = '10min';

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '1s', true);

ALTER TABLE "Order" VALIDATE CONSTRAINT "migplan_amount_cents_not_null";

-- No scan: the validated check proves it.
ALTER TABLE "Order" ALTER COLUMN "amount_cents" SET NOT NULL;

ALTER TABLE "Order" DROP CONSTRAINT "migplan_amount_cents_not_null";

END
$migplan$;

RESET statement_timeout;
