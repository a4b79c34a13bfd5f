-- migplan: generated from prisma/member_roles.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle member_roles on "Member", step 20250501090001_member_roles_expand: expand (DOWN)
-- locks: ACCESS EXCLUSIVE on "Member" (brief: catalog only)
-- runs in one transaction: all or nothing
-- WARNING: drops "reviewRole" and every value written to it

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

ALTER TABLE "Member" DROP CONSTRAINT "migplan_reviewRole_not_null";

ALTER TABLE "Member" DROP COLUMN "reviewRole";

END
$migplan$;
