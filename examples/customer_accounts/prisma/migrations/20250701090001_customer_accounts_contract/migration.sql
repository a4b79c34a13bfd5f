-- migplan: generated from prisma/customer_accounts.mig; edit the spec and run `migc compile`, not this file.
-- lifecycle customer_accounts on "Customer", step 20250701090001_customer_accounts_contract: contract (UP)
-- locks: ACCESS EXCLUSIVE on "Customer" (brief: catalog only)
-- runs in one transaction: all or nothing

-- One statement, so that every runner (Prisma 6 and 7, migrun) runs the step as one
-- transaction: all of it or nothing.
DO $migplan$
#variable_conflict use_column
BEGIN
PERFORM set_config('lock_timeout', '500ms', true);

-- Gates, checked here as well as by migrun: no runner (plain `prisma migrate deploy` included)
-- can run this step before they pass, and when one fails nothing of the step has run.
DECLARE
  migplan_since timestamptz;
BEGIN
  IF coalesce(current_setting('migplan.skip_time_gates', true), '') <> 'on' THEN
    SELECT max(finished_at) INTO migplan_since FROM _prisma_migrations
      WHERE substr(migration_name, 15) = '_customer_accounts_expand' AND migration_name ~ '^[0-9]{14}_'
        AND finished_at IS NOT NULL AND rolled_back_at IS NULL;
    IF migplan_since IS NULL OR now() < migplan_since + interval '259200000 milliseconds' THEN
      RAISE EXCEPTION 'migplan gate min_age: % may run from % (the window after %)', '*_customer_accounts_contract',
        coalesce(to_char((migplan_since + interval '259200000 milliseconds') AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'), 'the window after that step is applied'), '*_customer_accounts_expand'
      USING HINT = 'Nothing of this migration ran. Mark it rolled back (npx prisma migrate resolve --rolled-back NAME, or migrun resolve --rolled-back NAME, with the name Prisma reports as failed) and deploy again once the window is over; migrun apply checks this gate before it starts and stops there (exit 6) instead.';
    END IF;
  END IF;
END;

-- The old name goes: no version that uses it runs after the window. ACCESS EXCLUSIVE on the
-- view only: the table's reads and writes go on.
DROP VIEW "Customer";

END
$migplan$;
