-- migplan-disable drop-column: contract step; no deployed release reads legacy_status since v42
SET lock_timeout = '5s';
ALTER TABLE "User" DROP COLUMN "legacy_status";
