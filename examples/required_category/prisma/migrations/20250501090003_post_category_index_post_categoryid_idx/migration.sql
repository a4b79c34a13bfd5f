-- migplan: generated from prisma/required_category.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle post_category on "Post", step 20250501090003_post_category_index_post_categoryid_idx: index (UP)
-- locks: SHARE UPDATE EXCLUSIVE on "Post" (held while the index builds; reads and writes go on)
-- runs outside a transaction block, alone in its file

-- CONCURRENTLY: reads and writes go on while it builds. If it fails it leaves an INVALID index;
-- migrun drops that before it retries.
CREATE INDEX CONCURRENTLY "Post_categoryId_idx" ON "Post" ("categoryId");
