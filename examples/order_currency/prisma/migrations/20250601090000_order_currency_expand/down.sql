-- migplan: generated from prisma/order_currency.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle order_currency on "Order", step 20250601090000_order_currency_expand: expand (DOWN)
-- locks: ACCESS EXCLUSIVE on "Order" (held while every row is rewritten: blocks reads and writes)
-- locks: SHARE UPDATE EXCLUSIVE on "Order" (brief: catalog only)
-- runs in one transaction: all or nothing
-- WARNING: changes "note" back to varchar(200): rewrites the table under ACCESS EXCLUSIVE, and fails if a
-- row holds a value that varchar(200) cannot hold.
-- WARNING: changes "total" back to numeric(10,2): rewrites the table under ACCESS EXCLUSIVE, and fails if a
-- row holds a value that numeric(10,2) cannot hold.

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

ALTER TABLE "Order" ALTER COLUMN "status" SET DEFAULT 'new';

-- Rewrites the table and its indexes.
ALTER TABLE "Order" ALTER COLUMN "total" TYPE numeric(10,2);

COMMENT ON COLUMN "Order"."note" IS NULL;

-- Rewrites the table and its indexes.
ALTER TABLE "Order" ALTER COLUMN "note" TYPE varchar(200);

ALTER TABLE "Order" DROP CONSTRAINT "Order_currency_code";

ALTER TABLE "Order" DROP CONSTRAINT "migplan_currency_not_null";

DROP TRIGGER "migplan_order_currency_fill" ON "Order";

DROP FUNCTION "migplan_order_currency_fill"();

END
$migplan$;
