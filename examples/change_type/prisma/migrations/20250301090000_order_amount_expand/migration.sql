-- migplan: generated from prisma/change_type.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle order_amount on "Order", step 20250301090000_order_amount_expand: expand (UP)
-- locks: ACCESS EXCLUSIVE on "Order" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "Order" (brief: catalog only)
-- runs in one transaction: all or nothing

-- For the block below, which it bounds as a whole; RESET after it.
SET statement_timeout = '10min';

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan1$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '1s', true);

-- Nullable, and without a default until contract: an old version's insert leaves it NULL and
-- the sync trigger fills it; a value means the new version wrote it.
ALTER TABLE "Order" ADD COLUMN "amount" numeric(12,2);

-- Sync trigger: each application version writes its own columns; this carries every write to the other side.
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

CREATE TRIGGER "migplan_order_amount_sync" BEFORE INSERT OR UPDATE ON "Order" FOR EACH ROW EXECUTE FUNCTION "migplan_order_amount_sync"();

CREATE TRIGGER "migplanrev_order_amount_sync_1" BEFORE UPDATE OF "amount" ON "Order" FOR EACH ROW EXECUTE FUNCTION "migplan_order_amount_sync"('1');

-- NOT NULL comes at contract; NOT VALID checks new writes now without scanning existing rows.
ALTER TABLE "Order" ADD CONSTRAINT "migplan_amount_not_null" CHECK ("amount" IS NOT NULL) NOT VALID;

END
$migplan1$;

RESET statement_timeout;
