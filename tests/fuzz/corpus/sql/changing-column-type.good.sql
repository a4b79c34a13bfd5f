SET lock_timeout = '5s';
-- expand: a new column, dual-written by the application and backfilled in batches
ALTER TABLE "User" ADD COLUMN "age_big" bigint;
