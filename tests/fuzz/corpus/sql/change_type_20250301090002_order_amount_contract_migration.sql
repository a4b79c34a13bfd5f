-- migplan: generated from prisma/change_type.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle order_amount on "Order", step 20250301090002_order_amount_contract: contract (UP)
-- locks: SHARE UPDATE EXCLUSIVE on "Order" (held during a full scan; reads and writes go on)
-- locks: ACCESS EXCLUSIVE on "Order" (brief: catalog only)
-- runs in one transaction: all or nothing
-- migplan-disable drop-column: the column is retired after the dual-write window; no
-- application version reads it any more (min_age gate).

SET LOCAL lock_timeout = '1s';
SET LOCAL statement_timeout = '10min';

-- Full scan under SHARE UPDATE EXCLUSIVE: reads and writes go on.
ALTER TABLE "Order" VALIDATE CONSTRAINT "migplan_amount_not_null";

-- PostgreSQL 12+ proves this from the validated check: no second scan.
ALTER TABLE "Order" ALTER COLUMN "amount" SET NOT NULL;

-- The helper check is redundant now.
ALTER TABLE "Order" DROP CONSTRAINT "migplan_amount_not_null";

-- Set only now: during the window a default would hide which application version wrote the row.
ALTER TABLE "Order" ALTER COLUMN "amount" SET DEFAULT 0;

-- The dual-write window is over (min_age gate).
DROP TRIGGER "migplan_order_amount_sync" ON "Order";

DROP FUNCTION "migplan_order_amount_sync"();

-- Catalog-only: the space is reclaimed by later updates and VACUUM.
ALTER TABLE "Order" DROP COLUMN "amount_cents";
