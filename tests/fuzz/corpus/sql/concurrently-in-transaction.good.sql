-- alone in its file: Prisma sends it as a single statement, outside a transaction block
CREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email");
