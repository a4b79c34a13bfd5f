-- Path "naive-backfill": the seed's SQL with the one change that keeps the
-- legacy values, and the way the issue describes the naive path ("ADD
-- COLUMN, UPDATE everything, SET NOT NULL and DROP in one transaction"):
-- Phase B's backfill, which the seed leaves to the application, done as one
-- UPDATE of every row inside the Phase C transaction.
\set ON_ERROR_STOP 1
-- Phase A: Expand (Nullable, No Lock)
ALTER TABLE "User" ADD COLUMN "status" VARCHAR(20) DEFAULT 'active';
-- Phase C: Contract (Enforce Constraint), backfilling first
BEGIN;
UPDATE "User" SET "status" = coalesce("legacy_status", 'active');
ALTER TABLE "User" ALTER COLUMN "status" SET NOT NULL;
ALTER TABLE "User" DROP COLUMN "legacy_status";
COMMIT;
