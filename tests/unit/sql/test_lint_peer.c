/* Lint cases found by running a peer linter's (squawk's) own should-warn
 * test cases through migc lint: options written out as values, a COMMIT or
 * ROLLBACK with no BEGIN of its own, an explicit LOCK TABLE, a constraint
 * that is validated at once after all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/diag.h"
#include "sql/lint.h"
#include "sql/locks.h"
#include "util/source.h"

static size_t lint_count(const char *sql, const char *rule, size_t *total)
{
	mp_source *s = source_from_string("m.sql", sql, strlen(sql));
	diag_list d;
	diag_list_init(&d);
	locks_ctx *ctx = locks_ctx_new();
	assert_int_equal(lint_source(ctx, s, &d), 0);
	size_t n = 0;
	for (size_t i = 0; i < d.count; i++)
		if (d.items[i].rule && strcmp(d.items[i].rule, rule) == 0)
			n++;
	if (total)
		*total = d.count;
	locks_ctx_free(ctx);
	diag_list_free(&d);
	source_free(s);
	return n;
}

static void test_boolean_options_are_read_by_value(void **state)
{
	(void)state;
	const char *timeout = "SET lock_timeout = '1s';\n";
	char sql[256];
	snprintf(sql, sizeof sql, "%sREINDEX (CONCURRENTLY false) INDEX idx;", timeout);
	assert_int_equal(lint_count(sql, "reindex-non-concurrently", NULL), 1);
	snprintf(sql, sizeof sql, "%sREINDEX (CONCURRENTLY 0) TABLE t;", timeout);
	assert_int_equal(lint_count(sql, "reindex-non-concurrently", NULL), 1);
	size_t total = 0;
	/* Alone in its file: CONCURRENTLY cannot run in Prisma's transaction. */
	assert_int_equal(lint_count("REINDEX (CONCURRENTLY true) INDEX idx;", "reindex-non-concurrently", &total), 0);
	assert_int_equal(total, 0);
	snprintf(sql, sizeof sql, "%sVACUUM (FULL off) t;", timeout);
	assert_int_equal(lint_count(sql, "vacuum-full", NULL), 0);
	snprintf(sql, sizeof sql, "%sVACUUM (FULL on) t;", timeout);
	assert_int_equal(lint_count(sql, "vacuum-full", NULL), 1);
}

static void test_commit_or_rollback_without_begin_ends_prismas_transaction(void **state)
{
	(void)state;
	assert_int_equal(lint_count("BEGIN;\nSELECT 1;\nCOMMIT;\nCOMMIT;\n", "nested-transaction", NULL), 1);
	assert_int_equal(lint_count("SELECT 1;\nCOMMIT;\n", "nested-transaction", NULL), 1);
	assert_int_equal(lint_count("SELECT 1;\nROLLBACK;\n", "nested-transaction", NULL), 1);
	size_t total = 0;
	assert_int_equal(lint_count("BEGIN;\nSELECT 1;\nCOMMIT;\n", "nested-transaction", &total), 0);
	assert_int_equal(total, 0);
}

static void test_explicit_lock_table_needs_a_lock_timeout_in_any_mode(void **state)
{
	(void)state;
	assert_int_equal(lint_count("LOCK TABLE t IN ACCESS SHARE MODE;", "missing-lock-timeout", NULL), 1);
	size_t total = 0;
	assert_int_equal(lint_count("SET lock_timeout = '2s';\nLOCK TABLE t IN ACCESS SHARE MODE;", "missing-lock-timeout",
	                            &total),
	                 0);
	assert_int_equal(total, 0);
	/* A weak lock taken implicitly (a plain read) is not a hazard. */
	assert_int_equal(lint_count("SELECT * FROM t;", "missing-lock-timeout", &total), 0);
}

static void test_constraints_validated_at_once_are_flagged(void **state)
{
	(void)state;
	const char *rule = "constraint-without-not-valid";
	assert_int_equal(lint_count("SET lock_timeout = '1s';\n"
	                            "ALTER TABLE emails ADD COLUMN user_id int REFERENCES users (id);",
	                            rule, NULL),
	                 1);
	assert_int_equal(lint_count("SET lock_timeout = '1s';\n"
	                            "ALTER TABLE a ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES u (id) NOT VALID;\n"
	                            "ALTER TABLE a VALIDATE CONSTRAINT fk;",
	                            rule, NULL),
	                 1);
	/* NOT VALID now, VALIDATE in a later file: the safe way. */
	size_t total = 0;
	assert_int_equal(lint_count("SET lock_timeout = '1s';\n"
	                            "ALTER TABLE a ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES u (id) NOT VALID;",
	                            rule, &total),
	                 0);
	assert_int_equal(total, 0);
	assert_int_equal(lint_count("SET lock_timeout = '1s';\nALTER TABLE a VALIDATE CONSTRAINT fk;", rule, &total), 0);
	assert_int_equal(total, 0);
	/* A new table: nothing to check, nobody to block. */
	assert_int_equal(lint_count("CREATE TABLE e (id int, u int REFERENCES users (id));", rule, &total), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boolean_options_are_read_by_value),
		cmocka_unit_test(test_commit_or_rollback_without_begin_ends_prismas_transaction),
		cmocka_unit_test(test_explicit_lock_table_needs_a_lock_timeout_in_any_mode),
		cmocka_unit_test(test_constraints_validated_at_once_are_flagged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
