-- migplan: generated from prisma/hostile_names.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle hostile on "app"."we""ird", step 20250501090003_hostile_contract: contract (DOWN)
-- locks: ACCESS EXCLUSIVE on "app"."we""ird" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "app"."we""ird" (brief: catalog only)
-- locks: ROW EXCLUSIVE on "app"."we""ird" (held while every row is rewritten: blocks reads and writes)
-- runs in one transaction: all or nothing
-- WARNING: re-creates "old name" and refills it from the new column.
-- migplan-disable update-with-ddl: a rollback must be all or nothing, so the refill
-- runs in the same transaction as the column it fills (it holds ACCESS EXCLUSIVE).

SET LOCAL lock_timeout = '500ms';

ALTER TABLE "app"."we""ird" ADD COLUMN "old name" text;

-- Refill through the reverse mapping.
UPDATE "app"."we""ird" SET "old name" = (CASE WHEN "sélect" = 'a;b' THEN NULL ELSE "sélect" END);

CREATE FUNCTION "app"."migplan_hostile_sync"() RETURNS trigger LANGUAGE plpgsql AS $migplan$
BEGIN
  NEW."sélect" := CASE WHEN NEW."old name" IS NULL THEN 'a;b' WHEN NEW."old name" = 'x' THEN 'it''s' ELSE 'O''Brien' END;
  RETURN NEW;
END
$migplan$;

CREATE TRIGGER "migplan_hostile_sync" BEFORE INSERT OR UPDATE OF "old name" ON "app"."we""ird" FOR EACH ROW EXECUTE FUNCTION "app"."migplan_hostile_sync"();

ALTER TABLE "app"."we""ird" ALTER COLUMN "sélect" DROP NOT NULL;

ALTER TABLE "app"."we""ird" ADD CONSTRAINT "migplan_sélect_not_null" CHECK ("sélect" IS NOT NULL) NOT VALID;
