-- A later migration (after setting-not-null.good.before.sql, the contract step):
-- VALIDATE scans under SHARE UPDATE EXCLUSIVE (reads and writes go on), and the
-- validated check lets SET NOT NULL skip its own scan.
SET lock_timeout = '5s';
ALTER TABLE "User" VALIDATE CONSTRAINT "User_status_not_null";
ALTER TABLE "User" ALTER COLUMN "status" SET NOT NULL;
