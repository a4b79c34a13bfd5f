-- the backfill alone in its own migration (one short transaction; migrun batches it)
UPDATE "User" SET "status" = 'active' WHERE "status" IS NULL;
