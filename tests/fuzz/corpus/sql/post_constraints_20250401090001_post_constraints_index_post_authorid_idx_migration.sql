-- migplan: generated from prisma/post_constraints.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle post_constraints on "Post", step 20250401090001_post_constraints_index_post_authorid_idx: index (UP)
-- locks: SHARE UPDATE EXCLUSIVE on "Post" (held while the index builds; reads and writes go on)
-- runs outside a transaction block, alone in its file

-- CONCURRENTLY: reads and writes go on while it builds. If it fails it leaves an INVALID index;
-- migrun drops that before it retries.
CREATE INDEX CONCURRENTLY "Post_authorId_idx" ON "Post" ("authorId");
