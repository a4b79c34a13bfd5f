SET lock_timeout = '5s';
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") NOT VALID;
-- in a later migration: ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";
