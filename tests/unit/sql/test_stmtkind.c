/* The statement-kind table (src/sql/stmtkind.h) names real libpg_query
 * nodes: one statement of every listed kind parses to that kind, so a
 * misspelt node name (which would make the kind SQL_KIND_OTHER: no locks,
 * no findings) fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "sql/sqlparse.h"

static const struct {
	sql_kind kind;
	const char *sql;
} samples[] = {
	{SQL_KIND_ALTER_TABLE, "ALTER TABLE t ADD COLUMN c int"},
	{SQL_KIND_INDEX, "CREATE INDEX i ON t (c)"},
	{SQL_KIND_CREATE_TABLE, "CREATE TABLE t (c int)"},
	{SQL_KIND_CREATE_TABLE_AS, "CREATE TABLE t AS SELECT 1"},
	{SQL_KIND_CREATE_VIEW, "CREATE VIEW v AS SELECT * FROM t"},
	{SQL_KIND_DROP, "DROP TABLE t"},
	{SQL_KIND_TRUNCATE, "TRUNCATE t"},
	{SQL_KIND_RENAME, "ALTER TABLE t RENAME TO u"},
	{SQL_KIND_UPDATE, "UPDATE t SET c = 1"},
	{SQL_KIND_DELETE, "DELETE FROM t"},
	{SQL_KIND_INSERT, "INSERT INTO t VALUES (1)"},
	{SQL_KIND_SELECT, "SELECT 1"},
	{SQL_KIND_VACUUM, "VACUUM t"},
	{SQL_KIND_CLUSTER, "CLUSTER t USING i"},
	{SQL_KIND_REINDEX, "REINDEX INDEX i"},
	{SQL_KIND_CREATE_TRIGGER, "CREATE TRIGGER g AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()"},
	{SQL_KIND_CREATE_POLICY, "CREATE POLICY p ON t USING (true)"},
	{SQL_KIND_ALTER_POLICY, "ALTER POLICY p ON t USING (false)"},
	{SQL_KIND_COMMENT, "COMMENT ON TABLE t IS 'x'"},
	{SQL_KIND_REFRESH_MATVIEW, "REFRESH MATERIALIZED VIEW v"},
	{SQL_KIND_LOCK, "LOCK TABLE t"},
	{SQL_KIND_ALTER_ENUM, "ALTER TYPE e ADD VALUE 'v'"},
	{SQL_KIND_DO, "DO $$BEGIN END$$"},
	{SQL_KIND_DROP_DATABASE, "DROP DATABASE d"},
	{SQL_KIND_TRANSACTION, "BEGIN"},
	{SQL_KIND_SET, "SET lock_timeout = '5s'"},
	{SQL_KIND_OTHER, "CREATE SCHEMA s"},
};

static void test_every_kind_is_a_node_libpg_query_produces(void **state)
{
	(void)state;
	bool seen[SQL_KIND_COUNT] = {false};
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		sql_file *f;
		sql_parse_error perr;
		mp_error err = {0};
		assert_int_equal(sqlparse_file(samples[i].sql, strlen(samples[i].sql), &f, &perr, &err), 0);
		assert_int_equal(f->nstmts, 1);
		if (f->stmts[0].kind_id != samples[i].kind)
			fail_msg("'%s' parses to %s, kind %d, not %d", samples[i].sql, f->stmts[0].kind, f->stmts[0].kind_id,
			         samples[i].kind);
		assert_int_equal(sql_kind_of(f->stmts[0].kind), samples[i].kind);
		seen[samples[i].kind] = true;
		sqlparse_free(f);
	}
	for (int k = 0; k < SQL_KIND_COUNT; k++)
		if (!seen[k])
			fail_msg("stmtkind.h's kind %d has no sample here", k);
	assert_int_equal(sql_kind_of(NULL), SQL_KIND_OTHER);
	assert_int_equal(sql_kind_of("NoSuchStmt"), SQL_KIND_OTHER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind_is_a_node_libpg_query_produces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
