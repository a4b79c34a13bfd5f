-- migplan: generated from prisma/hostile_names.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle hostile on "app"."we""ird", step 20250501090000_hostile_expand: expand (DOWN)
-- locks: ACCESS EXCLUSIVE on "app"."we""ird" (brief: catalog only)
-- runs in one transaction: all or nothing
-- WARNING: drops "sélect"; its values come from "old name" again when the steps are re-applied
-- WARNING: drops "semi" and every value written to it

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

ALTER TABLE "app"."we""ird" DROP CONSTRAINT "migplan_sélect_not_null";

DROP TRIGGER "migplanrev_hostile_sync_1" ON "app"."we""ird";

DROP TRIGGER "migplan_hostile_sync" ON "app"."we""ird";

DROP FUNCTION "app"."migplan_hostile_sync"();

ALTER TABLE "app"."we""ird" DROP COLUMN "semi";

ALTER TABLE "app"."we""ird" DROP COLUMN "sélect";

END
$migplan$;
