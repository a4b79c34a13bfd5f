-- migplan: generated from prisma/user_status.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle user_status on "User", step 20250101120002_user_status_contract: contract (DOWN)
-- locks: ACCESS EXCLUSIVE on "User" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "User" (brief: catalog only)
-- locks: ROW EXCLUSIVE on "User" (per batch: row locks only, committed every batch)
-- runs in 2 parts, each committed before the next (at each "-- migplan: commit"):
-- the schema in one transaction, the refill in batches;
-- `migrun rollback` runs them so, and after an interruption goes on where it stopped
-- WARNING: re-creates "legacy_status" from the new column, but not every value comes back:
-- NULLs that became 'active' come back as 'active'.
-- WARNING: a re-created column goes to the end of the table: PostgreSQL cannot put it
-- back in its old position without rewriting the table and dropping dependent indexes.

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan1$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- Back empty and nullable: the refill below fills the rows, the trigger every write from now on.
ALTER TABLE "User" ADD COLUMN "legacy_status" varchar(20);

CREATE FUNCTION "migplan_user_status_sync"() RETURNS trigger LANGUAGE plpgsql AS $migplan$
DECLARE
  migplan_read_1 boolean := TG_OP = 'UPDATE' AND (NEW."legacy_status" IS DISTINCT FROM OLD."legacy_status");
  migplan_wrote_1 boolean := TG_OP = 'UPDATE' AND NEW."status" IS DISTINCT FROM OLD."status";
BEGIN
  -- A backfill batch writes exactly the mapped value: nothing to carry back.
  IF current_setting('migplan.backfill', true) = 'on' THEN
    RETURN NEW;
  END IF;
  IF TG_ARGV[0] = '1' THEN
    IF NEW."legacy_status" IS NOT DISTINCT FROM OLD."legacy_status" THEN
      NEW."legacy_status" := NEW."status";
    END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW."status" IS NULL THEN
      NEW."status" := CASE WHEN NEW."legacy_status" IS NULL THEN 'active' ELSE NEW."legacy_status" END;
    ELSE
      NEW."legacy_status" := NEW."status";
    END IF;
  ELSE
    IF migplan_read_1 AND NOT migplan_wrote_1 THEN
      NEW."status" := CASE WHEN NEW."legacy_status" IS NULL THEN 'active' ELSE NEW."legacy_status" END;
    ELSIF NEW."status" IS NULL AND NOT migplan_wrote_1 THEN
      NEW."status" := CASE WHEN NEW."legacy_status" IS NULL THEN 'active' ELSE NEW."legacy_status" END;
    END IF;
  END IF;
  RETURN NEW;
END
$migplan$;

CREATE TRIGGER "migplanrev_user_status_sync_1" BEFORE UPDATE OF "status" ON "User" FOR EACH ROW EXECUTE FUNCTION "migplan_user_status_sync"('1');

CREATE TRIGGER "migplan_user_status_sync" BEFORE INSERT OR UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION "migplan_user_status_sync"();

ALTER TABLE "User" ALTER COLUMN "status" DROP DEFAULT;

ALTER TABLE "User" ALTER COLUMN "status" DROP NOT NULL;

ALTER TABLE "User" ADD CONSTRAINT "migplan_status_not_null" CHECK ("status" IS NOT NULL) NOT VALID;

END
$migplan1$;

-- migplan: commit

-- Refill "legacy_status" through the reverse mapping: batches of 10000 rows, each its own transaction;
-- only rows still NULL are written, so an interrupted refill resumes where it stopped.
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
      UPDATE "User" SET "legacy_status" = ("status")
      FROM migplan_batch
      WHERE "User"."id" = migplan_batch.migplan_key
        AND "legacy_status" IS NULL
    )
    SELECT max(migplan_key) INTO migplan_last FROM migplan_batch;
    COMMIT;
    SELECT min("id") INTO migplan_lo FROM "User" WHERE "id" > migplan_last AND "id" <= migplan_hi;
  END LOOP;
END
$migplan$;
