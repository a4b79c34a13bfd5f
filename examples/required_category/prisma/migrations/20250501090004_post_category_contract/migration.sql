-- migplan: generated from prisma/required_category.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle post_category on "Post", step 20250501090004_post_category_contract: contract (UP)
-- locks: SHARE UPDATE EXCLUSIVE on "Post" (held during a full scan; reads and writes go on)
-- locks: ROW SHARE on "Category" (held during a full scan; reads and writes go on)
-- locks: ACCESS EXCLUSIVE on "Post" (brief: catalog only)
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
  migplan_since timestamptz;
  migplan_n bigint;
BEGIN
  IF coalesce(current_setting('migplan.skip_time_gates', true), '') <> 'on' THEN
    SELECT max(finished_at) INTO migplan_since FROM _prisma_migrations
      WHERE substr(migration_name, 15) = '_post_category_expand' AND migration_name ~ '^[0-9]{14}_'
        AND finished_at IS NOT NULL AND rolled_back_at IS NULL;
    IF migplan_since IS NULL OR now() < migplan_since + interval '86400000 milliseconds' THEN
      RAISE EXCEPTION 'migplan gate min_age: % may run from % (the window after %)', '*_post_category_contract',
        coalesce(to_char((migplan_since + interval '86400000 milliseconds') AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'), 'the window after that step is applied'), '*_post_category_expand'
      USING HINT = 'Nothing of this migration ran. Mark it rolled back (npx prisma migrate resolve --rolled-back NAME, or migrun resolve --rolled-back NAME, with the name Prisma reports as failed) and deploy again once the window is over; migrun apply checks this gate before it starts and stops there (exit 6) instead.';
    END IF;
  END IF;
  SELECT count(*) INTO migplan_n FROM "Post" WHERE "categoryId" IS NULL;
  IF migplan_n > 0 THEN
    RAISE EXCEPTION 'migplan gate no_nulls: % rows of % have % NULL', migplan_n, '"Post"', '"categoryId"'
      USING HINT = 'Nothing of this migration ran. Mark it rolled back (npx prisma migrate resolve --rolled-back NAME, or migrun resolve --rolled-back NAME, with the name Prisma reports as failed) and deploy again after the backfill step has run; migrun apply checks this gate before it starts and stops there (exit 6) instead.';
  END IF;
  SELECT count(*) INTO migplan_n FROM "Post" WHERE "title" IS NULL;
  IF migplan_n > 0 THEN
    RAISE EXCEPTION 'migplan gate no_nulls: % rows of % have % NULL', migplan_n, '"Post"', '"title"'
      USING HINT = 'Nothing of this migration ran. Mark it rolled back (npx prisma migrate resolve --rolled-back NAME, or migrun resolve --rolled-back NAME, with the name Prisma reports as failed) and deploy again after the backfill step has run; migrun apply checks this gate before it starts and stops there (exit 6) instead.';
  END IF;
END;

-- Full scan under SHARE UPDATE EXCLUSIVE: reads and writes go on.
ALTER TABLE "Post" VALIDATE CONSTRAINT "migplan_categoryId_not_null";

-- Full scan under SHARE UPDATE EXCLUSIVE: reads and writes go on.
ALTER TABLE "Post" VALIDATE CONSTRAINT "migplan_title_not_null";

-- Checks existing rows without blocking writes.
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_categoryId_fkey";

-- PostgreSQL 12+ proves this from the validated check: no second scan.
ALTER TABLE "Post" ALTER COLUMN "categoryId" SET NOT NULL;

-- The helper check is redundant now.
ALTER TABLE "Post" DROP CONSTRAINT "migplan_categoryId_not_null";

-- PostgreSQL 12+ proves this from the validated check: no second scan.
ALTER TABLE "Post" ALTER COLUMN "title" SET NOT NULL;

-- The helper check is redundant now.
ALTER TABLE "Post" DROP CONSTRAINT "migplan_title_not_null";

-- NOT NULL holds now: the fill trigger has nothing left to do.
DROP TRIGGER "migplan_post_category_fill" ON "Post";

DROP FUNCTION "migplan_post_category_fill"();

-- The window's default goes: the new version writes the column itself.
ALTER TABLE "Post" ALTER COLUMN "categoryId" DROP DEFAULT;

END
$migplan$;
