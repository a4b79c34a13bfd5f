-- migplan: generated from prisma/change_type.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle order_amount on "Order", step 20250301090002_order_amount_contract: contract (DOWN)
-- locks: ACCESS EXCLUSIVE on "Order" (held during a full scan: blocks reads and writes)
-- locks: ROW EXCLUSIVE on "Order" (held while every row is rewritten: blocks reads and writes)
-- locks: SHARE ROW EXCLUSIVE on "Order" (brief: catalog only)
-- runs in one transaction: all or nothing
-- WARNING: re-creates "amount_cents" and refills it from the new column.
-- WARNING: a re-created column goes to the end of the table: PostgreSQL cannot put it
-- back in its old position without rewriting the table and dropping dependent indexes.
-- migplan-disable update-with-ddl: a rollback must be all or nothing, so the refill
-- runs in the same transaction as the column it fills (it holds ACCESS EXCLUSIVE).

SET LOCAL lock_timeout = '1s';
SET LOCAL statement_timeout = '10min';

ALTER TABLE "Order" ADD COLUMN "amount_cents" integer;

-- Refill through the reverse mapping.
UPDATE "Order" SET "amount_cents" = ((amount * 100)::integer);

ALTER TABLE "Order" ALTER COLUMN "amount_cents" SET NOT NULL;

CREATE FUNCTION "migplan_order_amount_sync"() RETURNS trigger LANGUAGE plpgsql AS $migplan$
DECLARE
  migplan_read_1 boolean := TG_OP = 'UPDATE' AND (NEW."amount_cents" IS DISTINCT FROM OLD."amount_cents");
  migplan_wrote_1 boolean := TG_OP = 'UPDATE' AND NEW."amount" IS DISTINCT FROM OLD."amount";
BEGIN
  -- A backfill batch writes exactly the mapped value: nothing to carry back.
  IF current_setting('migplan.backfill', true) = 'on' THEN
    RETURN NEW;
  END IF;
  IF TG_ARGV[0] = '1' THEN
    IF NEW."amount_cents" IS NOT DISTINCT FROM OLD."amount_cents" THEN
      NEW."amount_cents" := (SELECT (amount * 100)::integer FROM (SELECT NEW.*) AS "Order");
    END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW."amount" IS NULL THEN
      NEW."amount" := (SELECT amount_cents / 100.0 FROM (SELECT NEW.*) AS "Order");
    ELSE
      NEW."amount_cents" := (SELECT (amount * 100)::integer FROM (SELECT NEW.*) AS "Order");
    END IF;
  ELSE
    IF migplan_read_1 AND NOT migplan_wrote_1 THEN
      NEW."amount" := (SELECT amount_cents / 100.0 FROM (SELECT NEW.*) AS "Order");
    ELSIF NEW."amount" IS NULL AND NOT migplan_wrote_1 THEN
      NEW."amount" := (SELECT amount_cents / 100.0 FROM (SELECT NEW.*) AS "Order");
    END IF;
  END IF;
  RETURN NEW;
END
$migplan$;

CREATE TRIGGER "migplanrev_order_amount_sync_1" BEFORE UPDATE OF "amount" ON "Order" FOR EACH ROW EXECUTE FUNCTION "migplan_order_amount_sync"('1');

CREATE TRIGGER "migplan_order_amount_sync" BEFORE INSERT OR UPDATE ON "Order" FOR EACH ROW EXECUTE FUNCTION "migplan_order_amount_sync"();

ALTER TABLE "Order" ALTER COLUMN "amount" DROP DEFAULT;

ALTER TABLE "Order" ALTER COLUMN "amount" DROP NOT NULL;

ALTER TABLE "Order" ADD CONSTRAINT "migplan_amount_not_null" CHECK ("amount" IS NOT NULL) NOT VALID;
