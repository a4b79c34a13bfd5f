SET lock_timeout = '5s';
ALTER TABLE "User" ADD COLUMN "token" uuid DEFAULT gen_random_uuid();
