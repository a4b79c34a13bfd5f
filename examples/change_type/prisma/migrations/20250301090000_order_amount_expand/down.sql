-- migplan: generated from prisma/change_type.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle order_amount on "Order", step 20250301090000_order_amount_expand: expand (DOWN)
-- locks: ACCESS EXCLUSIVE on "Order" (brief: catalog only)
-- runs in one transaction: all or nothing
-- WARNING: drops "amount"; its values come from "amount_cents" again when the steps are re-applied

-- For the block below, which it bounds as a whole; RESET after it.
SET statement_timeout = '10min';

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '1s', true);

ALTER TABLE "Order" DROP CONSTRAINT "migplan_amount_not_null";

DROP TRIGGER "migplanrev_order_amount_sync_1" ON "Order";

DROP TRIGGER "migplan_order_amount_sync" ON "Order";

DROP FUNCTION "migplan_order_amount_sync"();

ALTER TABLE "Order" DROP COLUMN "amount";

END
$migplan$;

RESET statement_timeout;
