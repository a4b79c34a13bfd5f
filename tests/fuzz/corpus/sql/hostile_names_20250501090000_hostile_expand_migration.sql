-- migplan: generated from prisma/hostile_names.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle hostile on "app"."we""ird", step 20250501090000_hostile_expand: expand (UP)
-- locks: ACCESS EXCLUSIVE on "app"."we""ird" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "app"."we""ird" (brief: catalog only)
-- runs in one transaction: all or nothing

SET LOCAL lock_timeout = '500ms';

-- Nullable, with a constant default: PostgreSQL 11+ stores the default in the catalog, no rewrite.
ALTER TABLE "app"."we""ird" ADD COLUMN "sélect" text DEFAULT 'O''Brien';

-- Nullable, with a constant default: PostgreSQL 11+ stores the default in the catalog, no rewrite.
ALTER TABLE "app"."we""ird" ADD COLUMN "semi" text DEFAULT 'x;y';

-- Sync trigger: old application versions write only the old column; this keeps the new one right.
CREATE FUNCTION "app"."migplan_hostile_sync"() RETURNS trigger LANGUAGE plpgsql AS $migplan$
BEGIN
  NEW."sélect" := CASE WHEN NEW."old name" IS NULL THEN 'a;b' WHEN NEW."old name" = 'x' THEN 'it''s' ELSE 'O''Brien' END;
  RETURN NEW;
END
$migplan$;

CREATE TRIGGER "migplan_hostile_sync" BEFORE INSERT OR UPDATE OF "old name" ON "app"."we""ird" FOR EACH ROW EXECUTE FUNCTION "app"."migplan_hostile_sync"();

-- NOT NULL comes at contract; NOT VALID checks new writes now without scanning existing rows.
ALTER TABLE "app"."we""ird" ADD CONSTRAINT "migplan_sélect_not_null" CHECK ("sélect" IS NOT NULL) NOT VALID;
