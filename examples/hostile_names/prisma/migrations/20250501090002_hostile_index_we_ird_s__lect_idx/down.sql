-- migplan: generated from prisma/hostile_names.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle hostile on "app"."we""ird", step 20250501090002_hostile_index_we_ird_s__lect_idx: index (DOWN)
-- locks: SHARE UPDATE EXCLUSIVE on "app"."we""ird" (brief, once no transaction uses the index)
-- runs outside a transaction block, alone in its file

DROP INDEX CONCURRENTLY IF EXISTS "app"."we""ird_sélect_idx";
