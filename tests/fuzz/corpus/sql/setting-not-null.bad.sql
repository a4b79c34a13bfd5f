SET lock_timeout = '5s';
ALTER TABLE "User" ALTER COLUMN "status" SET NOT NULL;
