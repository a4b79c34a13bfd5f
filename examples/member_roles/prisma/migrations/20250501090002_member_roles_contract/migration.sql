-- migplan: generated from prisma/member_roles.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle member_roles on "Member", step 20250501090002_member_roles_contract: contract (UP)
-- locks: SHARE UPDATE EXCLUSIVE on "Member" (held during a full scan; reads and writes go on)
-- locks: ACCESS EXCLUSIVE on "Member" (brief: catalog only)
-- runs in one transaction: all or nothing

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- Gates, checked here as well as by migrun: no runner (plain `prisma migrate deploy` included)
-- can run this step before they pass, and when one fails nothing of the step has run.
DECLARE
  migplan_n bigint;
BEGIN
  SELECT count(*) INTO migplan_n FROM "Member" WHERE "reviewRole" IS NULL;
  IF migplan_n > 0 THEN
    RAISE EXCEPTION 'migplan gate no_nulls: % rows of % have % NULL', migplan_n, '"Member"', '"reviewRole"'
      USING HINT = 'Nothing of this migration ran. Mark it rolled back (npx prisma migrate resolve --rolled-back NAME, or migrun resolve --rolled-back NAME, with the name Prisma reports as failed) and deploy again after the backfill step has run; migrun apply checks this gate before it starts and stops there (exit 6) instead.';
  END IF;
END;

-- Full scan under SHARE UPDATE EXCLUSIVE: reads and writes go on.
ALTER TABLE "Member" VALIDATE CONSTRAINT "migplan_reviewRole_not_null";

-- PostgreSQL 12+ proves this from the validated check: no second scan.
ALTER TABLE "Member" ALTER COLUMN "reviewRole" SET NOT NULL;

-- The helper check is redundant now.
ALTER TABLE "Member" DROP CONSTRAINT "migplan_reviewRole_not_null";

END
$migplan$;
