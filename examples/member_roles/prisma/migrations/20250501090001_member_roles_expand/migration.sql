-- migplan: generated from prisma/member_roles.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle member_roles on "Member", step 20250501090001_member_roles_expand: expand (UP)
-- locks: ACCESS EXCLUSIVE on "Member" (brief: catalog only)
-- runs in one transaction: all or nothing

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- Nullable, with a constant default: PostgreSQL 11+ stores the default in the catalog, no rewrite.
ALTER TABLE "Member" ADD COLUMN "reviewRole" "Role" DEFAULT 'MODERATOR';

-- NOT NULL comes at contract; NOT VALID checks new writes now without scanning existing rows.
ALTER TABLE "Member" ADD CONSTRAINT "migplan_reviewRole_not_null" CHECK ("reviewRole" IS NOT NULL) NOT VALID;

END
$migplan$;
