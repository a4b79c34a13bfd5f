SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY "User_email_idx" ON "User"("email");
