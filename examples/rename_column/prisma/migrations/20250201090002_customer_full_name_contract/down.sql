-- migplan: generated from prisma/rename_column.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle customer_full_name on "Customer", step 20250201090002_customer_full_name_contract: contract (DOWN)
-- locks: ACCESS EXCLUSIVE on "Customer" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "Customer" (brief: catalog only)
-- locks: ROW EXCLUSIVE on "Customer" (per batch: row locks only, committed every batch)
-- locks: SHARE UPDATE EXCLUSIVE on "Customer" (held during a full scan; reads and writes go on)
-- runs in 4 parts, each committed before the next (at each "-- migplan: commit"):
-- the schema in one transaction, the refill in batches, then NOT NULL again in two short transactions;
-- `migrun rollback` runs them so, and after an interruption goes on where it stopped
-- WARNING: re-creates "fullname" and refills it from the new column.
-- WARNING: a re-created column goes to the end of the table: PostgreSQL cannot put it
-- back in its old position without rewriting the table and dropping dependent indexes.

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan1$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- Back empty and nullable: the refill below fills the rows, the trigger every write from now on.
ALTER TABLE "Customer" ADD COLUMN "fullname" text;

CREATE FUNCTION "migplan_customer_full_name_sync"() RETURNS trigger LANGUAGE plpgsql AS $migplan$
DECLARE
  migplan_read_1 boolean := TG_OP = 'UPDATE' AND (NEW."fullname" IS DISTINCT FROM OLD."fullname");
  migplan_wrote_1 boolean := TG_OP = 'UPDATE' AND NEW."full_name" IS DISTINCT FROM OLD."full_name";
BEGIN
  -- A backfill batch writes exactly the mapped value: nothing to carry back.
  IF current_setting('migplan.backfill', true) = 'on' THEN
    RETURN NEW;
  END IF;
  IF TG_ARGV[0] = '1' THEN
    IF NEW."fullname" IS NOT DISTINCT FROM OLD."fullname" THEN
      NEW."fullname" := NEW."full_name";
    END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW."full_name" IS NULL THEN
      NEW."full_name" := NEW."fullname";
    ELSE
      NEW."fullname" := NEW."full_name";
    END IF;
  ELSE
    IF migplan_read_1 AND NOT migplan_wrote_1 THEN
      NEW."full_name" := NEW."fullname";
    ELSIF NEW."full_name" IS NULL AND NOT migplan_wrote_1 THEN
      NEW."full_name" := NEW."fullname";
    END IF;
  END IF;
  RETURN NEW;
END
$migplan$;

CREATE TRIGGER "migplanrev_customer_full_name_sync_1" BEFORE UPDATE OF "full_name" ON "Customer" FOR EACH ROW EXECUTE FUNCTION "migplan_customer_full_name_sync"('1');

CREATE TRIGGER "migplan_customer_full_name_sync" BEFORE INSERT OR UPDATE ON "Customer" FOR EACH ROW EXECUTE FUNCTION "migplan_customer_full_name_sync"();

ALTER TABLE "Customer" ALTER COLUMN "full_name" DROP NOT NULL;

ALTER TABLE "Customer" ADD CONSTRAINT "migplan_full_name_not_null" CHECK ("full_name" IS NOT NULL) NOT VALID;

END
$migplan1$;

-- migplan: commit

-- Refill "fullname" through the reverse mapping: batches of 5000 rows, each its own transaction;
-- only rows still NULL are written, so an interrupted refill resumes where it stopped.
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
      UPDATE "Customer" SET "fullname" = ("full_name")
      FROM migplan_batch
      WHERE "Customer"."id" = migplan_batch.migplan_key
        AND "fullname" IS NULL
    )
    SELECT max(migplan_key) INTO migplan_last FROM migplan_batch;
    COMMIT;
    SELECT min("id") INTO migplan_lo FROM "Customer" WHERE "id" > migplan_last AND "id" <= migplan_hi;
  END LOOP;
END
$migplan$;

-- migplan: commit

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- Checked for new rows at once; every row is validated next, without blocking writes.
ALTER TABLE "Customer" ADD CONSTRAINT "migplan_fullname_not_null" CHECK ("fullname" IS NOT NULL) NOT VALID;

END
$migplan$;

-- migplan: commit

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

ALTER TABLE "Customer" VALIDATE CONSTRAINT "migplan_fullname_not_null";

-- No scan: the validated check proves it.
ALTER TABLE "Customer" ALTER COLUMN "fullname" SET NOT NULL;

ALTER TABLE "Customer" DROP CONSTRAINT "migplan_fullname_not_null";

END
$migplan$;
