-- migplan: generated from prisma/required_category.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle post_category on "Post", step 20250501090000_post_category_expand: expand (DOWN)
-- locks: ACCESS EXCLUSIVE on "Post" (brief: catalog only)
-- locks: ACCESS EXCLUSIVE on "Category" (brief: catalog only)
-- runs in one transaction: all or nothing
-- WARNING: drops "categoryId" and every value written to it

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

ALTER TABLE "Post" DROP CONSTRAINT "Post_categoryId_fkey";

ALTER TABLE "Post" DROP CONSTRAINT "migplan_title_not_null";

DROP TRIGGER "migplan_post_category_fill" ON "Post";

DROP FUNCTION "migplan_post_category_fill"();

ALTER TABLE "Post" DROP CONSTRAINT "migplan_categoryId_not_null";

ALTER TABLE "Post" DROP COLUMN "categoryId";

END
$migplan$;
