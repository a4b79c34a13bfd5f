-- migplan: generated from prisma/member_roles.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle member_roles on "Member", step 20250501090000_member_roles_enum_role: enum (DOWN)
-- locks: no table locks
-- runs in one transaction: all or nothing
-- WARNING: PostgreSQL cannot drop an enum value: this DOWN re-creates "Role" without 'MODERATOR'
-- and converts every column of the type, found in the catalog when it runs (so the locks:
-- line above cannot name their tables): each ALTER COLUMN … TYPE rewrites its table under
-- ACCESS EXCLUSIVE, reads and writes blocked while it runs.
-- WARNING: it refuses (an exception, nothing changed) while any row uses 'MODERATOR': rows the new
-- application version wrote keep it after a rollback; change them first.

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- Removes the value: re-creates the type without it (see the WARNING above).
DECLARE
  typ oid := to_regtype('"Role"');
  col record;
  used boolean;
  nsp text;
  tname text;
  labels text;
  rels text[] := '{}';
  atts text[] := '{}';
  defs text[] := '{}';
BEGIN
  IF typ IS NULL OR NOT EXISTS (SELECT FROM pg_enum WHERE enumtypid = typ AND enumlabel = 'MODERATOR') THEN
    RAISE EXCEPTION 'type % has no value %', '"Role"', 'MODERATOR';
  END IF;
  FOR col IN SELECT a.attrelid::regclass::text AS rel, a.attname::text AS att,
      pg_get_expr(d.adbin, d.adrelid) AS def
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.atttypid = typ AND a.attnum > 0 AND NOT a.attisdropped AND a.attinhcount = 0
      AND c.relkind IN ('r', 'p')
  LOOP
    EXECUTE format('SELECT EXISTS (SELECT FROM %s WHERE %I = %L)', col.rel, col.att, 'MODERATOR') INTO used;
    IF used THEN
      RAISE EXCEPTION 'cannot remove value % from type %: rows of % use it in column %', quote_literal('MODERATOR'), typ::regtype, col.rel, quote_ident(col.att)
        USING HINT = 'PostgreSQL cannot drop an enum value; change those rows to another value, then roll back again';
    END IF;
    rels := rels || col.rel; atts := atts || col.att; defs := defs || col.def;
  END LOOP;
  SELECT n.nspname, t.typname INTO nsp, tname FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = typ;
  SELECT string_agg(quote_literal(enumlabel), ', ' ORDER BY enumsortorder) INTO labels
    FROM pg_enum WHERE enumtypid = typ AND enumlabel <> 'MODERATOR';
  EXECUTE format('ALTER TYPE %I.%I RENAME TO %I', nsp, tname, 'Role_migplan_down');
  EXECUTE format('CREATE TYPE %I.%I AS ENUM (%s)', nsp, tname, coalesce(labels, ''));
  FOR i IN 1 .. coalesce(array_length(rels, 1), 0) LOOP
    IF defs[i] IS NOT NULL THEN
      EXECUTE format('ALTER TABLE %s ALTER COLUMN %I DROP DEFAULT', rels[i], atts[i]);
    END IF;
    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I TYPE %I.%I USING %I::text::%I.%I',
                   rels[i], atts[i], nsp, tname, atts[i], nsp, tname);
    IF defs[i] IS NOT NULL THEN
      EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', rels[i], atts[i], defs[i]);
    END IF;
  END LOOP;
  EXECUTE format('DROP TYPE %I.%I', nsp, 'Role_migplan_down');
END;

END
$migplan$;
