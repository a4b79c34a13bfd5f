/* The statement kinds the SQL analysis tells apart: one row per libpg_query
 * node name, with the function that gives that kind's locks (locks.c; lint
 * and explain both read locks through locks_analyze) and the one that lints
 * it (lint.c), NULL where a kind has none. Each module expands the column it
 * owns into a table indexed by sql_kind, so a statement kind is classified
 * once, here, and adding one is adding a row. A kind not listed is
 * SQL_KIND_OTHER: no lock, no finding.
 *
 *   X(ID, "NodeName", locks handler, lint handler)
 */
#ifndef MIGPLAN_STMTKIND_H
#define MIGPLAN_STMTKIND_H

#define SQL_KINDS(X) \
	X(ALTER_TABLE, "AlterTableStmt", locks_alter_table, lint_alter_table) \
	X(INDEX, "IndexStmt", index_locks, lint_index) \
	X(CREATE_TABLE, "CreateStmt", create_table_locks, NULL) \
	X(CREATE_TABLE_AS, "CreateTableAsStmt", NULL, NULL) \
	X(CREATE_VIEW, "ViewStmt", view_locks, NULL) \
	X(DROP, "DropStmt", drop_locks, lint_drop) \
	X(TRUNCATE, "TruncateStmt", truncate_locks, lint_truncate) \
	X(RENAME, "RenameStmt", rename_locks, lint_rename) \
	X(UPDATE, "UpdateStmt", dml_locks, NULL) \
	X(DELETE, "DeleteStmt", dml_locks, NULL) \
	X(INSERT, "InsertStmt", dml_locks, NULL) \
	X(SELECT, "SelectStmt", select_locks, NULL) \
	X(VACUUM, "VacuumStmt", vacuum_locks, lint_vacuum) \
	X(CLUSTER, "ClusterStmt", cluster_locks, lint_cluster) \
	X(REINDEX, "ReindexStmt", reindex_locks, lint_reindex) \
	X(CREATE_TRIGGER, "CreateTrigStmt", trigger_locks, NULL) \
	X(CREATE_POLICY, "CreatePolicyStmt", policy_locks, NULL) \
	X(ALTER_POLICY, "AlterPolicyStmt", policy_locks, NULL) \
	X(COMMENT, "CommentStmt", comment_locks, NULL) \
	X(REFRESH_MATVIEW, "RefreshMatViewStmt", refresh_matview_locks, NULL) \
	X(LOCK, "LockStmt", lock_table_locks, NULL) \
	X(ALTER_ENUM, "AlterEnumStmt", alter_enum_locks, NULL) \
	X(DO, "DoStmt", locks_do_block, lint_do) \
	X(DROP_DATABASE, "DropdbStmt", NULL, lint_drop_database) \
	X(TRANSACTION, "TransactionStmt", NULL, lint_transaction) \
	X(SET, "VariableSetStmt", NULL, lint_set)

typedef enum {
	SQL_KIND_OTHER,
#define SQL_KIND_ID(id, node, locks_fn, lint_fn) SQL_KIND_##id,
	SQL_KINDS(SQL_KIND_ID)
#undef SQL_KIND_ID
	SQL_KIND_COUNT
} sql_kind;

/* The kind of a libpg_query node name ("AlterTableStmt"); SQL_KIND_OTHER
 * for any other name or NULL. */
sql_kind sql_kind_of(const char *node);

#endif
