-- Names that break naive quoting: a quote in a table name, a non-ASCII
-- column, a space, in a schema other than public.
CREATE SCHEMA "app";

CREATE TABLE "app"."we""ird" (
    "ïd" SERIAL NOT NULL,
    "old name" TEXT,

    CONSTRAINT "we""ird_pkey" PRIMARY KEY ("ïd")
);
