-- migplan: generated from prisma/post_constraints.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle post_constraints on "Post", step 20250401090002_post_constraints_index_post_slug_key: index (DOWN)
-- locks: SHARE UPDATE EXCLUSIVE on "Post" (brief, once no transaction uses the index)
-- runs outside a transaction block, alone in its file

DROP INDEX CONCURRENTLY IF EXISTS "Post_slug_key";
