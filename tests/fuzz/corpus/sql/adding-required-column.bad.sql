SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "status" VARCHAR(20) NOT NULL;
