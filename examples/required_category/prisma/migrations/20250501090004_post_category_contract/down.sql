-- migplan: generated from prisma/required_category.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle post_category on "Post", step 20250501090004_post_category_contract: contract (DOWN)
-- locks: ACCESS EXCLUSIVE on "Post" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "Post" (brief: catalog only)
-- locks: ACCESS EXCLUSIVE on "Category" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "Category" (brief: catalog only)
-- runs in one transaction: all or nothing

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan1$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

ALTER TABLE "Post" ALTER COLUMN "categoryId" SET DEFAULT 1;

CREATE FUNCTION "migplan_post_category_fill"() RETURNS trigger LANGUAGE plpgsql AS $migplan$
BEGIN
  IF NEW."title" IS NULL THEN
    NEW."title" := 'Untitled';
  END IF;
  RETURN NEW;
END
$migplan$;

CREATE TRIGGER "migplan_post_category_fill" BEFORE INSERT OR UPDATE ON "Post" FOR EACH ROW EXECUTE FUNCTION "migplan_post_category_fill"();

ALTER TABLE "Post" ALTER COLUMN "title" DROP NOT NULL;

ALTER TABLE "Post" ADD CONSTRAINT "migplan_title_not_null" CHECK ("title" IS NOT NULL) NOT VALID;

ALTER TABLE "Post" ALTER COLUMN "categoryId" DROP NOT NULL;

ALTER TABLE "Post" ADD CONSTRAINT "migplan_categoryId_not_null" CHECK ("categoryId" IS NOT NULL) NOT VALID;

-- A validated constraint cannot be made NOT VALID again: re-create it.
ALTER TABLE "Post" DROP CONSTRAINT "Post_categoryId_fkey";

ALTER TABLE "Post" ADD CONSTRAINT "Post_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category" ("id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;

END
$migplan1$;
