SET lock_timeout = '5s';
DO $$BEGIN ALTER TABLE "User" ADD COLUMN c int; END$$;
