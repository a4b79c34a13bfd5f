-- migplan: generated from prisma/order_currency.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle order_currency on "Order", step 20250601090000_order_currency_expand: expand (UP)
-- locks: SHARE ROW EXCLUSIVE on "Order" (brief: catalog only)
-- locks: ACCESS EXCLUSIVE on "Order" (brief: catalog only)
-- locks: SHARE UPDATE EXCLUSIVE on "Order" (brief: catalog only)
-- runs in one transaction: all or nothing
-- migplan-disable changing-column-type: each type change here is binary-coercible or only raises a
-- limit (migc decided from the old and new types): metadata only, no rewrite.

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan1$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- During the window a write of NULL (the old version may write one) gets the fill value, so the
-- NOT VALID check below lets both versions write and no NULL comes back after the backfill.
CREATE FUNCTION "migplan_order_currency_fill"() RETURNS trigger LANGUAGE plpgsql AS $migplan$
BEGIN
  IF NEW."currency" IS NULL THEN
    NEW."currency" := 'EUR';
  END IF;
  RETURN NEW;
END
$migplan$;

CREATE TRIGGER "migplan_order_currency_fill" BEFORE INSERT OR UPDATE ON "Order" FOR EACH ROW EXECUTE FUNCTION "migplan_order_currency_fill"();

-- NOT NULL comes at contract; NOT VALID checks new writes now without scanning existing rows.
ALTER TABLE "Order" ADD CONSTRAINT "migplan_currency_not_null" CHECK ("currency" IS NOT NULL) NOT VALID;

-- NOT VALID: no scan now; VALIDATE at contract does not block writes.
ALTER TABLE "Order" ADD CONSTRAINT "Order_currency_code" CHECK ( currency ~ '^[A-Z]{3}$' ) NOT VALID;

-- In place: varchar(200) to text: varchar to text is binary-coercible. Metadata only: no rewrite, no scan.
ALTER TABLE "Order" ALTER COLUMN "note" TYPE text;

COMMENT ON COLUMN "Order"."note" IS 'free text from the customer';

-- In place: numeric(10,2) to numeric(14,2): the precision only grows, at the same scale. Metadata only: no rewrite, no scan.
ALTER TABLE "Order" ALTER COLUMN "total" TYPE numeric(14,2);

-- Metadata only: applies to rows inserted from now on.
ALTER TABLE "Order" ALTER COLUMN "status" SET DEFAULT 'pending';

END
$migplan1$;
