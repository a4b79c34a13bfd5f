SET lock_timeout = '5s';
UPDATE "User" SET "status" = 'active' WHERE "status" IS NULL;
ALTER TABLE "User" ALTER COLUMN "status" DROP DEFAULT;
