SET lock_timeout = '5s';
DELETE FROM "Session" WHERE "expiresAt" < now() - interval '30 days';
