-- migplan: generated from prisma/order_currency.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle order_currency on "Order", step 20250601090002_order_currency_contract: contract (UP)
-- locks: SHARE UPDATE EXCLUSIVE on "Order" (held during a full scan; reads and writes go on)
-- locks: ACCESS EXCLUSIVE on "Order" (brief: catalog only)
-- runs in one transaction: all or nothing

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- Gates, checked here as well as by migrun: no runner (plain `prisma migrate deploy` included)
-- can run this step before they pass, and when one fails nothing of the step has run.
DECLARE
  migplan_since timestamptz;
  migplan_n bigint;
BEGIN
  IF coalesce(current_setting('migplan.skip_time_gates', true), '') <> 'on' THEN
    SELECT max(finished_at) INTO migplan_since FROM _prisma_migrations
      WHERE substr(migration_name, 15) = '_order_currency_expand' AND migration_name ~ '^[0-9]{14}_'
        AND finished_at IS NOT NULL AND rolled_back_at IS NULL;
    IF migplan_since IS NULL OR now() < migplan_since + interval '86400000 milliseconds' THEN
      RAISE EXCEPTION 'migplan gate min_age: % may run from % (the window after %)', '*_order_currency_contract',
        coalesce(to_char((migplan_since + interval '86400000 milliseconds') AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'), 'the window after that step is applied'), '*_order_currency_expand'
      USING HINT = 'Nothing of this migration ran. Mark it rolled back (npx prisma migrate resolve --rolled-back NAME, or migrun resolve --rolled-back NAME, with the name Prisma reports as failed) and deploy again once the window is over; migrun apply checks this gate before it starts and stops there (exit 6) instead.';
    END IF;
  END IF;
  SELECT count(*) INTO migplan_n FROM "Order" WHERE "currency" IS NULL;
  IF migplan_n > 0 THEN
    RAISE EXCEPTION 'migplan gate no_nulls: % rows of % have % NULL', migplan_n, '"Order"', '"currency"'
      USING HINT = 'Nothing of this migration ran. Mark it rolled back (npx prisma migrate resolve --rolled-back NAME, or migrun resolve --rolled-back NAME, with the name Prisma reports as failed) and deploy again after the backfill step has run; migrun apply checks this gate before it starts and stops there (exit 6) instead.';
  END IF;
END;

-- Full scan under SHARE UPDATE EXCLUSIVE: reads and writes go on.
ALTER TABLE "Order" VALIDATE CONSTRAINT "migplan_currency_not_null";

-- Checks existing rows without blocking writes.
ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_currency_code";

-- PostgreSQL 12+ proves this from the validated check: no second scan.
ALTER TABLE "Order" ALTER COLUMN "currency" SET NOT NULL;

-- The helper check is redundant now.
ALTER TABLE "Order" DROP CONSTRAINT "migplan_currency_not_null";

-- NOT NULL holds now: the fill trigger has nothing left to do.
DROP TRIGGER "migplan_order_currency_fill" ON "Order";

DROP FUNCTION "migplan_order_currency_fill"();

END
$migplan$;
