-- migplan: generated from prisma/post_constraints.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle post_constraints on "Post", step 20250401090001_post_constraints_index_post_authorid_idx: index (DOWN)
-- locks: SHARE UPDATE EXCLUSIVE on "Post" (brief, once no transaction uses the index)
-- runs outside a transaction block, alone in its file

DROP INDEX CONCURRENTLY IF EXISTS "Post_authorId_idx";
