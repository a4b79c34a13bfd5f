-- migplan: generated from prisma/post_constraints.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle post_constraints on "Post", step 20250401090003_post_constraints_contract: contract (DOWN)
-- locks: ACCESS EXCLUSIVE on "Post" (brief: catalog only)
-- locks: SHARE on "Post" (held during a full scan: blocks reads and writes)
-- locks: ACCESS EXCLUSIVE on "User" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "Post" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "User" (brief: catalog only)
-- runs in one transaction: all or nothing
-- WARNING: dropping constraint "Post_slug_key" drops its index; it is rebuilt without CONCURRENTLY (a transaction
-- cannot build concurrently), which blocks writes while it builds.

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

ALTER TABLE "Post" DROP CONSTRAINT "Post_slug_key";

CREATE UNIQUE INDEX "Post_slug_key" ON "Post" ("slug");

-- A validated constraint cannot be made NOT VALID again: re-create it.
ALTER TABLE "Post" DROP CONSTRAINT "Post_title_not_blank";

ALTER TABLE "Post" ADD CONSTRAINT "Post_title_not_blank" CHECK (length(btrim(title)) > 0) NOT VALID;

-- A validated constraint cannot be made NOT VALID again: re-create it.
ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";

ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE NOT VALID;

END
$migplan$;
