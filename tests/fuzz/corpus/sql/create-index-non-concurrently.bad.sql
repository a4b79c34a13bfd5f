SET lock_timeout = '5s';
CREATE INDEX "User_email_idx" ON "User"("email");
