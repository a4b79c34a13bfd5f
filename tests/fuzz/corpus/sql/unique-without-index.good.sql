SET lock_timeout = '5s';
-- the index was built by CREATE UNIQUE INDEX CONCURRENTLY in the previous migration
ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE USING INDEX "User_email_key";
