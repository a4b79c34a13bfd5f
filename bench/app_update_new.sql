-- Application traffic: the new application version updates one user's
-- status by id (bench_app_update_new, lib/fixture.sql): status once the
-- expand has added it, legacy_status before.
\set id random(1, :maxid)
\set r random(1, 4)
SELECT bench_app_update_new(:id, (ARRAY[NULL, 'paying', 'trial', 'banned']::text[])[:r]);
