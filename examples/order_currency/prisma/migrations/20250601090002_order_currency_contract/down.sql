-- migplan: generated from prisma/order_currency.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle order_currency on "Order", step 20250601090002_order_currency_contract: contract (DOWN)
-- locks: SHARE ROW EXCLUSIVE on "Order" (brief: catalog only)
-- locks: ACCESS EXCLUSIVE on "Order" (brief: catalog only)
-- runs in one transaction: all or nothing

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan1$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

CREATE FUNCTION "migplan_order_currency_fill"() RETURNS trigger LANGUAGE plpgsql AS $migplan$
BEGIN
  IF NEW."currency" IS NULL THEN
    NEW."currency" := 'EUR';
  END IF;
  RETURN NEW;
END
$migplan$;

CREATE TRIGGER "migplan_order_currency_fill" BEFORE INSERT OR UPDATE ON "Order" FOR EACH ROW EXECUTE FUNCTION "migplan_order_currency_fill"();

ALTER TABLE "Order" ALTER COLUMN "currency" DROP NOT NULL;

ALTER TABLE "Order" ADD CONSTRAINT "migplan_currency_not_null" CHECK ("currency" IS NOT NULL) NOT VALID;

-- A validated constraint cannot be made NOT VALID again: re-create it.
ALTER TABLE "Order" DROP CONSTRAINT "Order_currency_code";

ALTER TABLE "Order" ADD CONSTRAINT "Order_currency_code" CHECK ( currency ~ '^[A-Z]{3}$' ) NOT VALID;

END
$migplan1$;
