-- migplan: generated from prisma/member_roles.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle member_roles on "Member", step 20250501090000_member_roles_enum_role: enum (UP)
-- locks: no table locks
-- locks: EXCLUSIVE on type "Role" (brief: catalog only; reads and writes of its tables go on)
-- runs in one transaction: all or nothing

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- EXCLUSIVE on the type only: reads and writes of its tables go on. The value is usable once
-- this step commits, before the expand and the new application version use it.
ALTER TYPE "Role" ADD VALUE 'MODERATOR' AFTER 'USER';

END
$migplan$;
