-- migplan: generated from prisma/customer_accounts.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle customer_accounts on "Customer", step 20250701090000_customer_accounts_expand: expand (UP)
-- locks: ACCESS EXCLUSIVE on "Customer" (brief: catalog only)
-- runs in one transaction: all or nothing
-- migplan-disable rename-table: the view created under the old name in this step keeps every
-- version that uses it working; the contract drops it after the window.
-- migplan-disable dynamic-sql: EXECUTE renames only the table's own indexes, constraints and
-- sequences named after it, and grants the table's privileges on the view.

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- ACCESS EXCLUSIVE, for the catalog change only: no rewrite, no scan.
ALTER TABLE "Customer" RENAME TO "Account";

-- Its indexes, constraints and sequences named after it, renamed with it (as Prisma names
-- them for the new name). Each holds a lock on its own index or sequence too.
DECLARE
  tbl regclass := to_regclass('"Account"');
  pfrom text := 'Customer_';
  pto text := 'Account_';
  o record;
  newname text;
BEGIN
  FOR o IN
    SELECT 1 AS ord, conname::text AS name, NULL::regclass AS rel FROM pg_constraint
      WHERE conrelid = tbl
    UNION ALL
    SELECT 2, i.relname::text, i.oid::regclass FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = tbl AND NOT EXISTS (SELECT FROM pg_constraint c
        WHERE c.conrelid = tbl AND c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))
    UNION ALL
    SELECT 3, s.relname::text, s.oid::regclass FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
        AND d.refobjid = tbl AND d.deptype IN ('a', 'i') AND s.relkind = 'S'
    ORDER BY 1, 2
  LOOP
    IF left(o.name, length(pfrom)) = pfrom THEN
      newname := pto || substr(o.name, length(pfrom) + 1);
      IF octet_length(newname) > 63 THEN
        RAISE EXCEPTION 'cannot rename % to %: longer than 63 bytes', quote_ident(o.name), quote_ident(newname);
      END IF;
      IF o.ord = 1 THEN
        EXECUTE format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', tbl, o.name, newname);
      ELSIF o.ord = 2 THEN
        EXECUTE format('ALTER INDEX %s RENAME TO %I', o.rel, newname);
      ELSE
        EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', o.rel, newname);
      END IF;
    ELSIF left(o.name, length(pto)) = pto THEN
      RAISE EXCEPTION '% of % already begins with %: its rollback could not tell it from a renamed one',
        quote_ident(o.name), tbl, quote_literal(pto)
        USING HINT = 'rename it first, in a lifecycle of its own';
    END IF;
  END LOOP;
END;

-- The old name, for the old application version during the window: a simple view, which
-- PostgreSQL makes updatable.
CREATE VIEW "Customer" AS SELECT * FROM "Account";

-- The table's privileges on the view (the view reads the table as its owner).
DECLARE
  p record;
BEGIN
  FOR p IN SELECT a.privilege_type, a.grantee FROM pg_class c, aclexplode(c.relacl) a
    WHERE c.oid = to_regclass('"Account"') AND a.grantee <> c.relowner
  LOOP
    EXECUTE format('GRANT %s ON %s TO %s', p.privilege_type, '"Customer"',
      CASE WHEN p.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(p.grantee)) END);
  END LOOP;
END;

END
$migplan$;
