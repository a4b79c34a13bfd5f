-- migplan: generated from prisma/user_status.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle user_status on "User", step 20250101120002_user_status_contract: contract (UP)
-- locks: SHARE UPDATE EXCLUSIVE on "User" (held during a full scan; reads and writes go on)
-- locks: ACCESS EXCLUSIVE on "User" (brief: catalog only)
-- runs in one transaction: all or nothing
-- migplan-disable drop-column: the column is retired after the dual-write window; no
-- application version reads it any more (min_age gate).

SET LOCAL lock_timeout = '500ms';

-- Full scan under SHARE UPDATE EXCLUSIVE: reads and writes go on.
ALTER TABLE "User" VALIDATE CONSTRAINT "migplan_status_not_null";

-- PostgreSQL 12+ proves this from the validated check: no second scan.
ALTER TABLE "User" ALTER COLUMN "status" SET NOT NULL;

-- The helper check is redundant now.
ALTER TABLE "User" DROP CONSTRAINT "migplan_status_not_null";

-- The dual-write window is over (min_age gate).
DROP TRIGGER "migplan_user_status_sync" ON "User";

DROP FUNCTION "migplan_user_status_sync"();

-- Catalog-only: the space is reclaimed by later updates and VACUUM.
ALTER TABLE "User" DROP COLUMN "legacy_status";
