/* The replay of a migrations folder's DDL: what it knows of each table, and
 * that it says "unknown" rather than guess. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sql/replay.h"

static void test_tables_and_columns_follow_the_ddl(void **state)
{
	(void)state;
	sql_replay *r = sql_replay_new();
	sql_replay_file(r, "CREATE TABLE \"User\" (id int, email text, \"Legacy\" text);\n"
	                   "CREATE TABLE app.\"Post\" (id int);\n"
	                   "ALTER TABLE \"User\" ADD COLUMN name text, DROP COLUMN email;\n"
	                   "ALTER TABLE \"User\" RENAME COLUMN \"Legacy\" TO old;\n"
	                   "ALTER TABLE app.\"Post\" RENAME TO \"Article\";\n"
	                   "CREATE TABLE gone (x int); DROP TABLE gone;");
	assert_int_equal(sql_replay_has_column(r, NULL, "User", "id"), 1);
	assert_int_equal(sql_replay_has_column(r, "public", "User", "name"), 1);
	assert_int_equal(sql_replay_has_column(r, NULL, "User", "email"), 0);
	assert_int_equal(sql_replay_has_column(r, NULL, "User", "Legacy"), 0);
	assert_int_equal(sql_replay_has_column(r, NULL, "User", "old"), 1);
	assert_int_equal(sql_replay_has_column(r, NULL, "user", "id"), -1); /* another table: unknown */
	assert_int_equal(sql_replay_has_column(r, "app", "Article", "id"), 1);
	assert_int_equal(sql_replay_has_column(r, "app", "Post", "id"), -1);
	assert_int_equal(sql_replay_has_column(r, NULL, "gone", "x"), -1);
	sql_replay_free(r);
}

static void test_what_cannot_be_followed_is_unknown(void **state)
{
	(void)state;
	sql_replay *r = sql_replay_new();
	sql_replay_file(r, "CREATE TABLE a (x int); CREATE TABLE b (LIKE a, y int); CREATE TABLE c (z int) INHERITS (a);");
	assert_int_equal(sql_replay_has_column(r, NULL, "a", "x"), 1);
	assert_int_equal(sql_replay_has_column(r, NULL, "b", "x"), -1);
	assert_int_equal(sql_replay_has_column(r, NULL, "c", "x"), -1);
	sql_replay_file(r, "DO $$BEGIN EXECUTE 'ALTER TABLE a ADD COLUMN w int'; END$$;");
	assert_int_equal(sql_replay_has_column(r, NULL, "a", "w"), -1); /* a DO block may do anything */
	sql_replay_free(r);
	r = sql_replay_new();
	sql_replay_file(r, "CREATE TABLE a (x int); ALTER TABLE a ADD COLUMN ;");
	assert_int_equal(sql_replay_has_column(r, NULL, "a", "x"), -1); /* a file that does not parse */
	sql_replay_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_and_columns_follow_the_ddl),
		cmocka_unit_test(test_what_cannot_be_followed_is_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
