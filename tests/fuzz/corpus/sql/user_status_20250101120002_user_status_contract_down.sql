-- migplan: generated from prisma/user_status.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle user_status on "User", step 20250101120002_user_status_contract: contract (DOWN)
-- locks: ACCESS EXCLUSIVE on "User" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "User" (brief: catalog only)
-- locks: ROW EXCLUSIVE on "User" (held while every row is rewritten: blocks reads and writes)
-- runs in one transaction: all or nothing
-- WARNING: re-creates "legacy_status" from the new column, but not every value comes back:
-- NULLs that became 'active' come back as 'active'.
-- migplan-disable update-with-ddl: a rollback must be all or nothing, so the refill
-- runs in the same transaction as the column it fills (it holds ACCESS EXCLUSIVE).

SET LOCAL lock_timeout = '500ms';

ALTER TABLE "User" ADD COLUMN "legacy_status" varchar(20);

-- Refill through the reverse mapping.
UPDATE "User" SET "legacy_status" = ("status");

CREATE FUNCTION "migplan_user_status_sync"() RETURNS trigger LANGUAGE plpgsql AS $migplan$
BEGIN
  NEW."status" := CASE WHEN NEW."legacy_status" IS NULL THEN 'active' ELSE NEW."legacy_status" END;
  RETURN NEW;
END
$migplan$;

CREATE TRIGGER "migplan_user_status_sync" BEFORE INSERT OR UPDATE OF "legacy_status" ON "User" FOR EACH ROW EXECUTE FUNCTION "migplan_user_status_sync"();

ALTER TABLE "User" ALTER COLUMN "status" DROP NOT NULL;

ALTER TABLE "User" ADD CONSTRAINT "migplan_status_not_null" CHECK ("status" IS NOT NULL) NOT VALID;
