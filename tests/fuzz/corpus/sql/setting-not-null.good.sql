SET lock_timeout = '5s';
ALTER TABLE "User" ADD CONSTRAINT "User_status_not_null" CHECK ("status" IS NOT NULL) NOT VALID;
ALTER TABLE "User" VALIDATE CONSTRAINT "User_status_not_null";
ALTER TABLE "User" ALTER COLUMN "status" SET NOT NULL;
