-- migplan: generated from prisma/user_status.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle user_status on "User", step 20250101120000_user_status_expand: expand (UP)
-- locks: ACCESS EXCLUSIVE on "User" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "User" (brief: catalog only)
-- runs in one transaction: all or nothing

SET LOCAL lock_timeout = '500ms';

-- Nullable, with a constant default: PostgreSQL 11+ stores the default in the catalog, no rewrite.
ALTER TABLE "User" ADD COLUMN "status" varchar(20) DEFAULT 'active';

-- Sync trigger: old application versions write only the old column; this keeps the new one right.
CREATE FUNCTION "migplan_user_status_sync"() RETURNS trigger LANGUAGE plpgsql AS $migplan$
BEGIN
  NEW."status" := CASE WHEN NEW."legacy_status" IS NULL THEN 'active' ELSE NEW."legacy_status" END;
  RETURN NEW;
END
$migplan$;

CREATE TRIGGER "migplan_user_status_sync" BEFORE INSERT OR UPDATE OF "legacy_status" ON "User" FOR EACH ROW EXECUTE FUNCTION "migplan_user_status_sync"();

-- NOT NULL comes at contract; NOT VALID checks new writes now without scanning existing rows.
ALTER TABLE "User" ADD CONSTRAINT "migplan_status_not_null" CHECK ("status" IS NOT NULL) NOT VALID;
