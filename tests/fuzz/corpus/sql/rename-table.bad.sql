SET lock_timeout = '5s';
ALTER TABLE "User" RENAME TO "Account";
