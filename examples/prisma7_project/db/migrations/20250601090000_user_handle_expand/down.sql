-- migplan: generated from prisma/user_handle.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle user_handle on "User", step 20250601090000_user_handle_expand: expand (DOWN)
-- locks: ACCESS EXCLUSIVE on "User" (brief: catalog only)
-- runs in one transaction: all or nothing
-- WARNING: drops "handle" and every value written to it

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

ALTER TABLE "User" DROP CONSTRAINT "migplan_handle_not_null";

DROP TRIGGER "migplan_user_handle_sync" ON "User";

DROP FUNCTION "migplan_user_handle_sync"();

ALTER TABLE "User" DROP COLUMN "handle";

END
$migplan$;
