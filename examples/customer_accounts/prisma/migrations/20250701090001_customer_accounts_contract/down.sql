-- migplan: generated from prisma/customer_accounts.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle customer_accounts on "Customer", step 20250701090001_customer_accounts_contract: contract (DOWN)
-- locks: no table locks
-- runs in one transaction: all or nothing

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

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
