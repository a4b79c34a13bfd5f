-- migplan: generated from prisma/required_category.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle post_category on "Post", step 20250501090003_post_category_index_post_categoryid_idx: index (DOWN)
-- locks: SHARE UPDATE EXCLUSIVE on "Post" (brief, once no transaction uses the index)
-- runs outside a transaction block, alone in its file

DROP INDEX CONCURRENTLY IF EXISTS "Post_categoryId_idx";
