-- An earlier migration (the expand step): the check covers new writes at once,
-- without scanning existing rows; ACCESS EXCLUSIVE only for a moment.
SET lock_timeout = '5s';
ALTER TABLE "User" ADD CONSTRAINT "User_status_not_null" CHECK ("status" IS NOT NULL) NOT VALID;
