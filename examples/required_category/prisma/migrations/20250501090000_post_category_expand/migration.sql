-- migplan: generated from prisma/required_category.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle post_category on "Post", step 20250501090000_post_category_expand: expand (UP)
-- locks: ACCESS EXCLUSIVE on "Post" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "Post" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "Category" (brief: catalog only)
-- runs in one transaction: all or nothing

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan1$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- The backfill's constant as a default for the window only: existing rows read it from the
-- catalog (PostgreSQL 11+, no rewrite) and old versions' inserts get it, so the NOT NULL
-- check holds for them; the contract drops the default.
ALTER TABLE "Post" ADD COLUMN "categoryId" integer DEFAULT 1;

-- NOT NULL comes at contract; NOT VALID checks new writes now without scanning existing rows.
ALTER TABLE "Post" ADD CONSTRAINT "migplan_categoryId_not_null" CHECK ("categoryId" IS NOT NULL) NOT VALID;

-- During the window a write of NULL (the old version may write one) gets the fill value, so the
-- NOT VALID check below lets both versions write and no NULL comes back after the backfill.
CREATE FUNCTION "migplan_post_category_fill"() RETURNS trigger LANGUAGE plpgsql AS $migplan$
BEGIN
  IF NEW."title" IS NULL THEN
    NEW."title" := 'Untitled';
  END IF;
  RETURN NEW;
END
$migplan$;

CREATE TRIGGER "migplan_post_category_fill" BEFORE INSERT OR UPDATE ON "Post" FOR EACH ROW EXECUTE FUNCTION "migplan_post_category_fill"();

-- NOT NULL comes at contract; NOT VALID checks new writes now without scanning existing rows.
ALTER TABLE "Post" ADD CONSTRAINT "migplan_title_not_null" CHECK ("title" IS NOT NULL) NOT VALID;

-- NOT VALID: no scan now; VALIDATE at contract does not block writes.
ALTER TABLE "Post" ADD CONSTRAINT "Post_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category" ("id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;

END
$migplan1$;
