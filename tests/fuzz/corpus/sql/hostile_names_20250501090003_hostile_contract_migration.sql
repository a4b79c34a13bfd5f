-- migplan: generated from prisma/hostile_names.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle hostile on "app"."we""ird", step 20250501090003_hostile_contract: contract (UP)
-- locks: SHARE UPDATE EXCLUSIVE on "app"."we""ird" (held during a full scan; reads and writes go on)
-- locks: ACCESS EXCLUSIVE on "app"."we""ird" (brief: catalog only)
-- runs in one transaction: all or nothing
-- migplan-disable drop-column: the column is retired after the dual-write window; no
-- application version reads it any more (min_age gate).

SET LOCAL lock_timeout = '500ms';

-- Full scan under SHARE UPDATE EXCLUSIVE: reads and writes go on.
ALTER TABLE "app"."we""ird" VALIDATE CONSTRAINT "migplan_sélect_not_null";

-- PostgreSQL 12+ proves this from the validated check: no second scan.
ALTER TABLE "app"."we""ird" ALTER COLUMN "sélect" SET NOT NULL;

-- The helper check is redundant now.
ALTER TABLE "app"."we""ird" DROP CONSTRAINT "migplan_sélect_not_null";

-- The dual-write window is over (min_age gate).
DROP TRIGGER "migplan_hostile_sync" ON "app"."we""ird";

DROP FUNCTION "app"."migplan_hostile_sync"();

-- Catalog-only: the space is reclaimed by later updates and VACUUM.
ALTER TABLE "app"."we""ird" DROP COLUMN "old name";
