-- migplan: generated from prisma/rename_column.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle customer_full_name on "Customer", step 20250201090000_customer_full_name_expand: expand (DOWN)
-- locks: ACCESS EXCLUSIVE on "Customer" (brief: catalog only)
-- runs in one transaction: all or nothing
-- WARNING: drops "full_name"; its values come from "fullname" again when the steps are re-applied

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

ALTER TABLE "Customer" DROP CONSTRAINT "migplan_full_name_not_null";

DROP TRIGGER "migplanrev_customer_full_name_sync_1" ON "Customer";

DROP TRIGGER "migplan_customer_full_name_sync" ON "Customer";

DROP FUNCTION "migplan_customer_full_name_sync"();

ALTER TABLE "Customer" DROP COLUMN "full_name";

END
$migplan$;
