ALTER TABLE "User" ADD COLUMN "nickname" text;
