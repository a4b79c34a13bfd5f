-- migplan-disable drop-table, rename-column: because
/* nested /* comment */ still */
DROP TABLE "T";
-- migplan-disable
-- migplan-disable ,,, :
ALTER TABLE "T" RENAME COLUMN a TO b;