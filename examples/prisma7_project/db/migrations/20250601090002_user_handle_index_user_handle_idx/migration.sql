-- migplan: generated from prisma/user_handle.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle user_handle on "User", step 20250601090002_user_handle_index_user_handle_idx: index (UP)
-- locks: SHARE UPDATE EXCLUSIVE on "User" (held while the index builds; reads and writes go on)
-- runs outside a transaction block, alone in its file

-- CONCURRENTLY: reads and writes go on while it builds. If it fails it leaves an INVALID index;
-- migrun drops that before it retries.
CREATE INDEX CONCURRENTLY "User_handle_idx" ON "User" ("handle");
