-- migplan: generated from prisma/post_constraints.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle post_constraints on "Post", step 20250401090003_post_constraints_contract: contract (UP)
-- locks: SHARE UPDATE EXCLUSIVE on "Post" (held during a full scan; reads and writes go on)
-- locks: ROW SHARE on "User" (held during a full scan; reads and writes go on)
-- locks: ACCESS EXCLUSIVE on "Post" (brief: catalog only)
-- runs in one transaction: all or nothing

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- Checks existing rows without blocking writes.
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";

-- Checks existing rows without blocking writes.
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_title_not_blank";

-- Uses the index built CONCURRENTLY: no scan, no build here.
ALTER TABLE "Post" ADD CONSTRAINT "Post_slug_key" UNIQUE USING INDEX "Post_slug_key";

END
$migplan$;
