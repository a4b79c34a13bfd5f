-- migplan: generated from prisma/user_status.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle user_status on "User", step 20250101120000_user_status_expand: expand (DOWN)
-- locks: ACCESS EXCLUSIVE on "User" (brief: catalog only)
-- runs in one transaction: all or nothing
-- WARNING: drops "status"; its values come from "legacy_status" again when the steps are re-applied

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

ALTER TABLE "User" DROP CONSTRAINT "migplan_status_not_null";

DROP TRIGGER "migplanrev_user_status_sync_1" ON "User";

DROP TRIGGER "migplan_user_status_sync" ON "User";

DROP FUNCTION "migplan_user_status_sync"();

ALTER TABLE "User" DROP COLUMN "status";

END
$migplan$;
