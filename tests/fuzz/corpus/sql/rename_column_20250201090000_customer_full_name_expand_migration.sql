-- migplan: generated from prisma/rename_column.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle customer_full_name on "Customer", step 20250201090000_customer_full_name_expand: expand (UP)
-- locks: ACCESS EXCLUSIVE on "Customer" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "Customer" (brief: catalog only)
-- runs in one transaction: all or nothing

SET LOCAL lock_timeout = '500ms';

-- Nullable and without a default: no rewrite, and old application versions keep working.
ALTER TABLE "Customer" ADD COLUMN "full_name" text;

-- Sync trigger: old application versions write only the old column; this keeps the new one right.
CREATE FUNCTION "migplan_customer_full_name_sync"() RETURNS trigger LANGUAGE plpgsql AS $migplan$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."full_name" IS NULL THEN
      NEW."full_name" := NEW."fullname";
    ELSE
      NEW."fullname" := NEW."full_name";
    END IF;
  ELSIF NEW."fullname" IS DISTINCT FROM OLD."fullname" THEN
    NEW."full_name" := NEW."fullname";
  ELSIF NEW."full_name" IS DISTINCT FROM OLD."full_name" THEN
    NEW."fullname" := NEW."full_name";
  END IF;
  RETURN NEW;
END
$migplan$;

CREATE TRIGGER "migplan_customer_full_name_sync" BEFORE INSERT OR UPDATE OF "fullname", "full_name" ON "Customer" FOR EACH ROW EXECUTE FUNCTION "migplan_customer_full_name_sync"();

-- NOT NULL comes at contract; NOT VALID checks new writes now without scanning existing rows.
ALTER TABLE "Customer" ADD CONSTRAINT "migplan_full_name_not_null" CHECK ("full_name" IS NOT NULL) NOT VALID;
