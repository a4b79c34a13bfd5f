-- migplan: generated from prisma/user_handle.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle user_handle on "User", step 20250601090000_user_handle_expand: expand (UP)
-- locks: ACCESS EXCLUSIVE on "User" (brief: catalog only)
-- locks: SHARE ROW EXCLUSIVE on "User" (brief: catalog only)
-- runs in one transaction: all or nothing

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan1$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- Nullable, and without a default until contract: an old version's insert leaves it NULL and
-- the sync trigger fills it; a value means the new version wrote it.
ALTER TABLE "User" ADD COLUMN "handle" varchar(40);

-- Sync trigger: each application version writes its own columns; this carries every write to the other side.
CREATE FUNCTION "migplan_user_handle_sync"() RETURNS trigger LANGUAGE plpgsql AS $migplan$
DECLARE
  migplan_read_1 boolean := TG_OP = 'UPDATE' AND (NEW."email" IS DISTINCT FROM OLD."email");
  migplan_wrote_1 boolean := TG_OP = 'UPDATE' AND NEW."handle" IS DISTINCT FROM OLD."handle";
BEGIN
  -- A backfill batch writes exactly the mapped value: nothing to carry back.
  IF current_setting('migplan.backfill', true) = 'on' THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW."handle" IS NULL THEN
      NEW."handle" := (SELECT  lower(split_part(email, '@', 1))  FROM (SELECT NEW.*) AS "User");
    END IF;
  ELSE
    IF migplan_read_1 AND NOT migplan_wrote_1 THEN
      NEW."handle" := (SELECT  lower(split_part(email, '@', 1))  FROM (SELECT NEW.*) AS "User");
    ELSIF NEW."handle" IS NULL AND NOT migplan_wrote_1 THEN
      NEW."handle" := (SELECT  lower(split_part(email, '@', 1))  FROM (SELECT NEW.*) AS "User");
    END IF;
  END IF;
  RETURN NEW;
END
$migplan$;

CREATE TRIGGER "migplan_user_handle_sync" BEFORE INSERT OR UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION "migplan_user_handle_sync"();

-- NOT NULL comes at contract; NOT VALID checks new writes now without scanning existing rows.
ALTER TABLE "User" ADD CONSTRAINT "migplan_handle_not_null" CHECK ("handle" IS NOT NULL) NOT VALID;

END
$migplan1$;
