-- Application traffic: sign-up of a new user (see bench_app_insert).
\set r random(1, 4)
SELECT bench_app_insert((ARRAY[NULL, 'paying', 'trial', 'banned']::text[])[:r]);
