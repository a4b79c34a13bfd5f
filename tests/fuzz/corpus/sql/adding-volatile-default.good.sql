SET lock_timeout = '5s';
-- now() is STABLE: evaluated once, stored as the column's fast default (no rewrite)
ALTER TABLE "User" ADD COLUMN "createdAt" timestamptz DEFAULT now();
-- no default: new rows get one from the application, old rows are backfilled in batches
ALTER TABLE "User" ADD COLUMN "token" uuid;
