-- Path 1, "naive": the seed's SQL as written
-- (/work/shared/seed/prisma-migration-strategies.txt, section 2):
-- Phase A (autocommit), then Phase C in one explicit transaction. Phase B,
-- "Backfill (Application Layer)", is left to the application, which here is
-- the old one: it never writes status.
\set ON_ERROR_STOP 1
-- Phase A: Expand (Nullable, No Lock)
ALTER TABLE "User" ADD COLUMN "status" VARCHAR(20) DEFAULT 'active';
-- Phase C: Contract (Enforce Constraint)
BEGIN;
UPDATE "User" SET "status" = 'active' WHERE "status" IS NULL;
ALTER TABLE "User" ALTER COLUMN "status" SET NOT NULL;
ALTER TABLE "User" DROP COLUMN "legacy_status";
COMMIT;
