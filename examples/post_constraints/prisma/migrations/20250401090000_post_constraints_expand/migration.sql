-- migplan: generated from prisma/post_constraints.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle post_constraints on "Post", step 20250401090000_post_constraints_expand: expand (UP)
-- locks: SHARE ROW EXCLUSIVE on "Post" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "User" (brief: catalog only)
-- locks: ACCESS EXCLUSIVE on "Post" (brief: catalog only)
-- runs in one transaction: all or nothing

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- NOT VALID: no scan now; VALIDATE at contract does not block writes.
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE NOT VALID;

-- NOT VALID: no scan now; VALIDATE at contract does not block writes.
ALTER TABLE "Post" ADD CONSTRAINT "Post_title_not_blank" CHECK (length(btrim(title)) > 0) NOT VALID;

END
$migplan$;
