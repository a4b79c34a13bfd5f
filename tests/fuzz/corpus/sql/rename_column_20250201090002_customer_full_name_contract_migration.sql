-- migplan: generated from prisma/rename_column.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle customer_full_name on "Customer", step 20250201090002_customer_full_name_contract: contract (UP)
-- locks: SHARE UPDATE EXCLUSIVE on "Customer" (held during a full scan; reads and writes go on)
-- locks: ACCESS EXCLUSIVE on "Customer" (brief: catalog only)
-- runs in one transaction: all or nothing
-- migplan-disable drop-column: the column is retired after the dual-write window; no
-- application version reads it any more (min_age gate).

SET LOCAL lock_timeout = '500ms';

-- Full scan under SHARE UPDATE EXCLUSIVE: reads and writes go on.
ALTER TABLE "Customer" VALIDATE CONSTRAINT "migplan_full_name_not_null";

-- PostgreSQL 12+ proves this from the validated check: no second scan.
ALTER TABLE "Customer" ALTER COLUMN "full_name" SET NOT NULL;

-- The helper check is redundant now.
ALTER TABLE "Customer" DROP CONSTRAINT "migplan_full_name_not_null";

-- The dual-write window is over (min_age gate).
DROP TRIGGER "migplan_customer_full_name_sync" ON "Customer";

DROP FUNCTION "migplan_customer_full_name_sync"();

-- Catalog-only: the space is reclaimed by later updates and VACUUM.
ALTER TABLE "Customer" DROP COLUMN "fullname";
