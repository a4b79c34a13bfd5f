-- migplan: generated from prisma/rename_column.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle customer_full_name on "Customer", step 20250201090002_customer_full_name_contract: contract (DOWN)
-- locks: ACCESS EXCLUSIVE on "Customer" (held during a full scan: blocks reads and writes)
-- locks: ROW EXCLUSIVE on "Customer" (held while every row is rewritten: blocks reads and writes)
-- locks: SHARE ROW EXCLUSIVE on "Customer" (brief: catalog only)
-- runs in one transaction: all or nothing
-- WARNING: re-creates "fullname" and refills it from the new column.
-- WARNING: a re-created column goes to the end of the table: PostgreSQL cannot put it
-- back in its old position without rewriting the table and dropping dependent indexes.
-- migplan-disable update-with-ddl: a rollback must be all or nothing, so the refill
-- runs in the same transaction as the column it fills (it holds ACCESS EXCLUSIVE).

SET LOCAL lock_timeout = '500ms';

ALTER TABLE "Customer" ADD COLUMN "fullname" text;

-- Refill through the reverse mapping.
UPDATE "Customer" SET "fullname" = ("full_name");

ALTER TABLE "Customer" ALTER COLUMN "fullname" SET NOT NULL;

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
