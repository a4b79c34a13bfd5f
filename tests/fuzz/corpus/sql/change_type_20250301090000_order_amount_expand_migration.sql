-- migplan: generated from prisma/change_type.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle order_amount on "Order", step 20250301090000_order_amount_expand: expand (UP)
-- locks: ACCESS EXCLUSIVE on "Order" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "Order" (brief: catalog only)
-- runs in one transaction: all or nothing

SET LOCAL lock_timeout = '1s';
SET LOCAL statement_timeout = '10min';

-- Nullable and without a default: no rewrite, and old application versions keep working.
ALTER TABLE "Order" ADD COLUMN "amount" numeric(12,2);

-- Sync trigger: old application versions write only the old column; this keeps the new one right.
CREATE FUNCTION "migplan_order_amount_sync"() RETURNS trigger LANGUAGE plpgsql AS $migplan$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."amount" IS NULL THEN
      NEW."amount" := (SELECT amount_cents / 100.0 FROM (SELECT NEW.*) AS "Order");
    ELSE
      NEW."amount_cents" := (SELECT (amount * 100)::integer FROM (SELECT NEW.*) AS "Order");
    END IF;
  ELSIF NEW."amount_cents" IS DISTINCT FROM OLD."amount_cents" THEN
    NEW."amount" := (SELECT amount_cents / 100.0 FROM (SELECT NEW.*) AS "Order");
  ELSIF NEW."amount" IS DISTINCT FROM OLD."amount" THEN
    NEW."amount_cents" := (SELECT (amount * 100)::integer FROM (SELECT NEW.*) AS "Order");
  END IF;
  RETURN NEW;
END
$migplan$;

CREATE TRIGGER "migplan_order_amount_sync" BEFORE INSERT OR UPDATE OF "amount_cents", "amount" ON "Order" FOR EACH ROW EXECUTE FUNCTION "migplan_order_amount_sync"();

-- NOT NULL comes at contract; NOT VALID checks new writes now without scanning existing rows.
ALTER TABLE "Order" ADD CONSTRAINT "migplan_amount_not_null" CHECK ("amount" IS NOT NULL) NOT VALID;
