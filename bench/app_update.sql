-- Application traffic: update one user's status by id. bench_app_update
-- (lib/fixture.sql) writes legacy_status while it exists (the old
-- application) and status once it is gone (the new one).
\set id random(1, :maxid)
\set r random(1, 4)
SELECT bench_app_update(:id, (ARRAY[NULL, 'paying', 'trial', 'banned']::text[])[:r]);
