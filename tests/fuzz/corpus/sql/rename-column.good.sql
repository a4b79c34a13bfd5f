SET lock_timeout = '5s';
-- expand: the new name as a new column, dual-written and backfilled; the old one is dropped later
ALTER TABLE "User" ADD COLUMN "displayName" text;
