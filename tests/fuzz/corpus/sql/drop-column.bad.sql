SET lock_timeout = '5s';
ALTER TABLE "User" DROP COLUMN "legacy_status";
