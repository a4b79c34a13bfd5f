-- migplan: generated from prisma/hostile_names.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle hostile on "app"."we""ird", step 20250501090000_hostile_expand: expand (UP)
-- locks: ACCESS EXCLUSIVE on "app"."we""ird" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "app"."we""ird" (brief: catalog only)
-- runs in one transaction: all or nothing

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan1$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- Nullable, and without a default until contract: an old version's insert leaves it NULL and
-- the sync trigger fills it; a value means the new version wrote it.
ALTER TABLE "app"."we""ird" ADD COLUMN "sélect" text;

-- Nullable, with a constant default: PostgreSQL 11+ stores the default in the catalog, no rewrite.
ALTER TABLE "app"."we""ird" ADD COLUMN "semi" text DEFAULT 'x;y';

-- Sync trigger: each application version writes its own columns; this carries every write to the other side.
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

CREATE TRIGGER "migplan_hostile_sync" BEFORE INSERT OR UPDATE ON "app"."we""ird" FOR EACH ROW EXECUTE FUNCTION "app"."migplan_hostile_sync"();

CREATE TRIGGER "migplanrev_hostile_sync_1" BEFORE UPDATE OF "sélect" ON "app"."we""ird" FOR EACH ROW EXECUTE FUNCTION "app"."migplan_hostile_sync"('1');

-- NOT NULL comes at contract; NOT VALID checks new writes now without scanning existing rows.
ALTER TABLE "app"."we""ird" ADD CONSTRAINT "migplan_sélect_not_null" CHECK ("sélect" IS NOT NULL) NOT VALID;

END
$migplan1$;
