-- migplan: generated from prisma/rename_column.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle customer_full_name on "Customer", step 20250201090000_customer_full_name_expand: expand (UP)
-- locks: ACCESS EXCLUSIVE on "Customer" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "Customer" (brief: catalog only)
-- runs in one transaction: all or nothing

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan1$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- Nullable, and without a default until contract: an old version's insert leaves it NULL and
-- the sync trigger fills it; a value means the new version wrote it.
ALTER TABLE "Customer" ADD COLUMN "full_name" text;

-- Sync trigger: each application version writes its own columns; this carries every write to the other side.
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

CREATE TRIGGER "migplan_customer_full_name_sync" BEFORE INSERT OR UPDATE ON "Customer" FOR EACH ROW EXECUTE FUNCTION "migplan_customer_full_name_sync"();

CREATE TRIGGER "migplanrev_customer_full_name_sync_1" BEFORE UPDATE OF "full_name" ON "Customer" FOR EACH ROW EXECUTE FUNCTION "migplan_customer_full_name_sync"('1');

-- NOT NULL comes at contract; NOT VALID checks new writes now without scanning existing rows.
ALTER TABLE "Customer" ADD CONSTRAINT "migplan_full_name_not_null" CHECK ("full_name" IS NOT NULL) NOT VALID;

END
$migplan1$;
