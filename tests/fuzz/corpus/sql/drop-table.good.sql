/* migplan-disable drop-table: archived to S3 by job 1234, unused since v40 */
SET lock_timeout = '5s';
DROP TABLE "LegacyAudit";
