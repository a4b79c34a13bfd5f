-- migplan: generated from prisma/hostile_names.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle hostile on "app"."we""ird", step 20250501090002_hostile_index_we_ird_s__lect_idx: index (UP)
-- locks: SHARE UPDATE EXCLUSIVE on "app"."we""ird" (held while the index builds; reads and writes go on)
-- runs outside a transaction block, alone in its file

-- CONCURRENTLY: reads and writes go on while it builds. If it fails it leaves an INVALID index;
-- migrun drops that before it retries.
CREATE INDEX CONCURRENTLY "we""ird_sélect_idx" ON "app"."we""ird" ("sélect");
