/* The lint rules: the one table their id (lint_rule_id in lint.h), name,
 * severity and help texts come from, in the order `migc lint --list-rules`
 * and docs/lint.md show them. Each row is
 *   LINT_RULE(ID, "name", severity, "why: what goes wrong in production",
 *             "instead: the safe alternative")
 * Errors break production or Prisma outright; warnings are hazards whose cost
 * depends on table size and traffic (docs/lint.md).
 *
 * No include guard, as kwlist.h: the includer defines LINT_RULE, includes
 * this file and undefines it again. */

LINT_RULE(ADDING_VOLATILE_DEFAULT, "adding-volatile-default", DIAG_ERROR,
	"ADD COLUMN with a volatile default (random(), gen_random_uuid(), clock_timestamp(), serial, identity) "
	"rewrites the whole table under ACCESS EXCLUSIVE",
	"add the column without a default (or with a constant one), then backfill in batches")
LINT_RULE(ADDING_REQUIRED_COLUMN, "adding-required-column", DIAG_ERROR,
	"ADD COLUMN … NOT NULL without a default fails as soon as the table has a row",
	"add it nullable or with a constant default, backfill, then SET NOT NULL after a validated CHECK")
LINT_RULE(CHANGING_COLUMN_TYPE, "changing-column-type", DIAG_WARNING,
	"ALTER COLUMN TYPE rewrites the table and its indexes under ACCESS EXCLUSIVE (unless binary-coercible)",
	"add a new column, dual-write and backfill it, then switch readers and drop the old one")
LINT_RULE(SETTING_NOT_NULL, "setting-not-null", DIAG_WARNING,
	"SET NOT NULL scans the whole table under ACCESS EXCLUSIVE",
	"first ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT, then SET NOT NULL")
LINT_RULE(CREATE_INDEX_NON_CONCURRENTLY, "create-index-non-concurrently", DIAG_WARNING,
	"CREATE INDEX blocks every write to the table while the index builds",
	"CREATE INDEX CONCURRENTLY, alone in its own migration file")
LINT_RULE(DROP_INDEX_NON_CONCURRENTLY, "drop-index-non-concurrently", DIAG_WARNING,
	"DROP INDEX takes ACCESS EXCLUSIVE on the index's table, queueing behind every running query",
	"DROP INDEX CONCURRENTLY, alone in its own migration file")
LINT_RULE(REINDEX_NON_CONCURRENTLY, "reindex-non-concurrently", DIAG_WARNING,
	"REINDEX blocks writes to the table (and reads through the index) while it rebuilds",
	"REINDEX … CONCURRENTLY, alone in its own migration file")
LINT_RULE(CONCURRENTLY_IN_TRANSACTION, "concurrently-in-transaction", DIAG_ERROR,
	"CONCURRENTLY (and VACUUM) cannot run inside a transaction block; Prisma sends a multi-statement file as "
	"one implicit transaction, so the migration fails",
	"put the statement alone in its own migration file, with no BEGIN")
LINT_RULE(CONSTRAINT_WITHOUT_NOT_VALID, "constraint-without-not-valid", DIAG_WARNING,
	"ADD FOREIGN KEY or CHECK checks every existing row while holding the lock",
	"ADD CONSTRAINT … NOT VALID, then ALTER TABLE … VALIDATE CONSTRAINT in a later migration")
LINT_RULE(UNIQUE_WITHOUT_INDEX, "unique-without-index", DIAG_WARNING,
	"ADD UNIQUE / PRIMARY KEY builds its index under ACCESS EXCLUSIVE, blocking reads and writes",
	"CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … USING INDEX")
LINT_RULE(ADDING_EXCLUSION_CONSTRAINT, "adding-exclusion-constraint", DIAG_WARNING,
	"ADD CONSTRAINT … EXCLUDE builds its index under ACCESS EXCLUSIVE, blocking reads and writes; "
	"PostgreSQL has no CONCURRENTLY, NOT VALID or USING INDEX form for it",
	"declare it when the table is created (or on a new, empty table that replaces it), or run it in a "
	"maintenance window")
LINT_RULE(DROP_COLUMN, "drop-column", DIAG_WARNING,
	"DROP COLUMN loses its data, and a running application that still selects it fails",
	"stop reading and writing the column in a deployed release first (expand/contract), then drop it")
LINT_RULE(DROP_TABLE, "drop-table", DIAG_WARNING,
	"DROP TABLE loses its data and breaks a running application that still uses it",
	"remove every use in a deployed release first, keep a backup, then drop it")
LINT_RULE(DROP_DATABASE, "drop-database", DIAG_WARNING,
	"DROP DATABASE destroys everything in it",
	"never drop a database from a migration")
LINT_RULE(TRUNCATE_TABLE, "truncate-table", DIAG_WARNING,
	"TRUNCATE removes every row under ACCESS EXCLUSIVE",
	"delete the rows you mean to remove in batches, or drop the table in a contract step")
LINT_RULE(RENAME_COLUMN, "rename-column", DIAG_WARNING,
	"renaming a column breaks every running application instance that still uses the old name",
	"add the new column, dual-write and backfill, switch readers, then drop the old one")
LINT_RULE(RENAME_TABLE, "rename-table", DIAG_WARNING,
	"renaming a table breaks every running application instance that still uses the old name",
	"create the new table (or a view under the new name), migrate readers, then drop the old one")
LINT_RULE(MISSING_LOCK_TIMEOUT, "missing-lock-timeout", DIAG_WARNING,
	"without lock_timeout, a statement waiting for its lock queues every later query on the table behind it",
	"begin the file with SET lock_timeout = '5s' (and retry the migration if it times out)")
LINT_RULE(UPDATE_WITH_DDL, "update-with-ddl", DIAG_WARNING,
	"an UPDATE/DELETE in the same transaction as DDL keeps its row locks, and the DDL's table lock, "
	"until the whole file commits",
	"backfill in batches in a migration of its own (or with migrun), then run the DDL")
LINT_RULE(VACUUM_FULL, "vacuum-full", DIAG_WARNING,
	"VACUUM FULL rewrites the table under ACCESS EXCLUSIVE",
	"plain VACUUM, or pg_repack for an online rewrite")
LINT_RULE(CLUSTER, "cluster", DIAG_WARNING,
	"CLUSTER rewrites the table under ACCESS EXCLUSIVE",
	"pg_repack --order-by for an online rewrite")
LINT_RULE(NESTED_TRANSACTION, "nested-transaction", DIAG_WARNING,
	"BEGIN inside a transaction is ignored, so the first COMMIT ends the outer one too",
	"use one BEGIN … COMMIT, or none (Prisma already runs the file as one transaction)")
LINT_RULE(UNCOMMITTED_TRANSACTION, "uncommitted-transaction", DIAG_ERROR,
	"a BEGIN without COMMIT leaves the transaction open after the file; Prisma's bookkeeping then "
	"runs inside it and is lost with it",
	"end every BEGIN with COMMIT, or drop the BEGIN")
LINT_RULE(DYNAMIC_SQL, "dynamic-sql", DIAG_WARNING,
	"a DO block that runs EXECUTE of a string: what it does, and the locks it takes, cannot be known before it runs",
	"write the statements out in the block, or as plain statements, so lint and explain can see them")
