BEGIN;
SET LOCAL lock_timeout = '5s';
BEGIN;
ALTER TABLE "User" ADD COLUMN "nickname" text;
COMMIT;
COMMIT;
