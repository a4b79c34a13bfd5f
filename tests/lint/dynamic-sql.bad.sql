SET lock_timeout = '5s';
DO $$BEGIN EXECUTE 'ALTER TABLE "User" ADD COLUMN c int'; END$$;
