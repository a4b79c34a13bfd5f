-- migplan: generated from prisma/user_status.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle user_status on "User", step 20250101120000_user_status_expand: expand (UP)
-- locks: ACCESS EXCLUSIVE on "User" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "User" (brief: catalog only)
-- runs in one transaction: all or nothing

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan1$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- Nullable, and without a default until contract: an old version's insert leaves it NULL and
-- the sync trigger fills it; a value means the new version wrote it.
ALTER TABLE "User" ADD COLUMN "status" varchar(20);

-- Sync trigger: each application version writes its own columns; this carries every write to the other side.
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

CREATE TRIGGER "migplan_user_status_sync" BEFORE INSERT OR UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION "migplan_user_status_sync"();

CREATE TRIGGER "migplanrev_user_status_sync_1" BEFORE UPDATE OF "status" ON "User" FOR EACH ROW EXECUTE FUNCTION "migplan_user_status_sync"('1');

-- NOT NULL comes at contract; NOT VALID checks new writes now without scanning existing rows.
ALTER TABLE "User" ADD CONSTRAINT "migplan_status_not_null" CHECK ("status" IS NOT NULL) NOT VALID;

END
$migplan1$;
