-- migplan: generated from prisma/hostile_names.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle hostile on "app"."we""ird", step 20250501090003_hostile_contract: contract (DOWN)
-- locks: ACCESS EXCLUSIVE on "app"."we""ird" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "app"."we""ird" (brief: catalog only)
-- locks: ROW EXCLUSIVE on "app"."we""ird" (per batch: row locks only, committed every batch)
-- runs in 2 parts, each committed before the next (at each "-- migplan: commit"):
-- the schema in one transaction, the refill in batches;
-- `migrun rollback` runs them so, and after an interruption goes on where it stopped
-- WARNING: re-creates "old name" and refills it from the new column.
-- WARNING: a re-created column goes to the end of the table: PostgreSQL cannot put it
-- back in its old position without rewriting the table and dropping dependent indexes.

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan1$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- Back empty and nullable: the refill below fills the rows, the trigger every write from now on.
ALTER TABLE "app"."we""ird" ADD COLUMN "old name" text;

CREATE FUNCTION "app"."migplan_hostile_sync"() RETURNS trigger LANGUAGE plpgsql AS $migplan$
DECLARE
  migplan_read_1 boolean := TG_OP = 'UPDATE' AND (NEW."old name" IS DISTINCT FROM OLD."old name");
  migplan_wrote_1 boolean := TG_OP = 'UPDATE' AND NEW."sélect" IS DISTINCT FROM OLD."sélect";
BEGIN
  -- A backfill batch writes exactly the mapped value: nothing to carry back.
  IF current_setting('migplan.backfill', true) = 'on' THEN
    RETURN NEW;
  END IF;
  IF TG_ARGV[0] = '1' THEN
    IF NEW."old name" IS NOT DISTINCT FROM OLD."old name" THEN
      NEW."old name" := CASE WHEN NEW."sélect" = 'a;b' THEN NULL ELSE NEW."sélect" END;
    END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW."sélect" IS NULL THEN
      NEW."sélect" := CASE WHEN NEW."old name" IS NULL THEN 'a;b' WHEN NEW."old name" = 'x' THEN 'it''s' ELSE 'O''Brien' END;
    ELSE
      NEW."old name" := CASE WHEN NEW."sélect" = 'a;b' THEN NULL ELSE NEW."sélect" END;
    END IF;
  ELSE
    IF migplan_read_1 AND NOT migplan_wrote_1 THEN
      NEW."sélect" := CASE WHEN NEW."old name" IS NULL THEN 'a;b' WHEN NEW."old name" = 'x' THEN 'it''s' ELSE 'O''Brien' END;
    ELSIF NEW."sélect" IS NULL AND NOT migplan_wrote_1 THEN
      NEW."sélect" := CASE WHEN NEW."old name" IS NULL THEN 'a;b' WHEN NEW."old name" = 'x' THEN 'it''s' ELSE 'O''Brien' END;
    END IF;
  END IF;
  RETURN NEW;
END
$migplan$;

CREATE TRIGGER "migplanrev_hostile_sync_1" BEFORE UPDATE OF "sélect" ON "app"."we""ird" FOR EACH ROW EXECUTE FUNCTION "app"."migplan_hostile_sync"('1');

CREATE TRIGGER "migplan_hostile_sync" BEFORE INSERT OR UPDATE ON "app"."we""ird" FOR EACH ROW EXECUTE FUNCTION "app"."migplan_hostile_sync"();

ALTER TABLE "app"."we""ird" ALTER COLUMN "sélect" DROP DEFAULT;

ALTER TABLE "app"."we""ird" ALTER COLUMN "sélect" DROP NOT NULL;

ALTER TABLE "app"."we""ird" ADD CONSTRAINT "migplan_sélect_not_null" CHECK ("sélect" IS NOT NULL) NOT VALID;

END
$migplan1$;

-- migplan: commit

-- Refill "old name" through the reverse mapping: batches of 100 rows, each its own transaction;
-- only rows still NULL are written, so an interrupted refill resumes where it stopped.
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
      UPDATE "app"."we""ird" SET "old name" = (CASE WHEN "sélect" = 'a;b' THEN NULL ELSE "sélect" END)
      FROM migplan_batch
      WHERE "app"."we""ird"."ïd" = migplan_batch.migplan_key
        AND "old name" IS NULL
    )
    SELECT max(migplan_key) INTO migplan_last FROM migplan_batch;
    COMMIT;
    SELECT min("ïd") INTO migplan_lo FROM "app"."we""ird" WHERE "ïd" > migplan_last AND "ïd" <= migplan_hi;
  END LOOP;
END
$migplan$;
