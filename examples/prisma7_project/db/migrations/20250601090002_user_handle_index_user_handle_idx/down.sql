-- migplan: generated from prisma/user_handle.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle user_handle on "User", step 20250601090002_user_handle_index_user_handle_idx: index (DOWN)
-- locks: SHARE UPDATE EXCLUSIVE on "User" (brief, once no transaction uses the index)
-- runs outside a transaction block, alone in its file

DROP INDEX CONCURRENTLY IF EXISTS "User_handle_idx";
