/* Lint rules: every rule's bad fixture (tests/lint/<rule>.bad.sql) fires
 * exactly that rule, its good fixture fires nothing, and the finer points of
 * each rule hold (volatility, new tables, earlier files, disable comments). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/fsutil.h"
#include "sql/lint.h"

/* Lints texts in order (one locks_ctx, as migc lint does for a folder). */
typedef struct {
	mp_source *src[4];
	size_t n;
	diag_list d;
	locks_ctx *ctx;
} run;

static void run_init(run *r)
{
	memset(r, 0, sizeof *r);
	diag_list_init(&r->d);
	r->ctx = locks_ctx_new();
}

static int run_text(run *r, const char *name, const char *sql)
{
	mp_source *s = source_from_string(name, sql, strlen(sql));
	r->src[r->n++] = s;
	return lint_source(r->ctx, s, &r->d);
}

static void run_free(run *r)
{
	diag_list_free(&r->d);
	for (size_t i = 0; i < r->n; i++)
		source_free(r->src[i]);
	locks_ctx_free(r->ctx);
}

static size_t count_rule(const run *r, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < r->d.count; i++)
		if (r->d.items[i].rule && strcmp(r->d.items[i].rule, rule) == 0)
			n++;
	return n;
}

static void lint_one(run *r, const char *sql)
{
	run_init(r);
	assert_int_equal(run_text(r, "m.sql", sql), 0);
}

static void test_every_rule_has_a_bad_fixture_firing_only_it_and_a_clean_good_one(void **state)
{
	(void)state;
	size_t n;
	const lint_rule *rules = lint_rules(&n);
	assert_true(n >= 20);
	for (size_t i = 0; i < n; i++) {
		for (int good = 0; good < 2; good++) {
			mp_buf path = MP_BUF_INIT;
			buf_printf(&path, "%s/tests/lint/%s.%s.sql", MIGPLAN_SOURCE_DIR, rules[i].name, good ? "good" : "bad");
			run r;
			run_init(&r);
			mp_error err = {0};
			mp_source *src;
			/* A good example that needs an earlier migration (NOT VALID in
			 * one file, VALIDATE in a later one) has it in <rule>.good.before.sql. */
			mp_buf before = MP_BUF_INIT;
			buf_printf(&before, "%s/tests/lint/%s.good.before.sql", MIGPLAN_SOURCE_DIR, rules[i].name);
			if (good && source_load(buf_cstr(&before), &src, &err) == 0) {
				r.src[r.n++] = src;
				assert_int_equal(lint_source(r.ctx, src, &r.d), 0);
			}
			buf_free(&before);
			if (source_load(buf_cstr(&path), &src, &err) < 0)
				fail_msg("missing fixture %s", buf_cstr(&path));
			r.src[r.n++] = src;
			assert_int_equal(lint_source(r.ctx, src, &r.d), 0);
			if (good) {
				if (r.d.count)
					fail_msg("%s: expected no finding, got [%s] %s", buf_cstr(&path),
					         r.d.items[0].rule ? r.d.items[0].rule : "-", r.d.items[0].message);
			} else {
				if (r.d.count == 0)
					fail_msg("%s: expected [%s], got nothing", buf_cstr(&path), rules[i].name);
				for (size_t k = 0; k < r.d.count; k++)
					if (!r.d.items[k].rule || strcmp(r.d.items[k].rule, rules[i].name) != 0)
						fail_msg("%s: expected only [%s], also got [%s] %s", buf_cstr(&path), rules[i].name,
						         r.d.items[k].rule ? r.d.items[k].rule : "-", r.d.items[k].message);
				assert_int_equal(r.d.items[0].severity, rules[i].severity);
			}
			run_free(&r);
			buf_free(&path);
		}
	}
}

static void test_rule_ids_index_the_table_and_names_are_unique(void **state)
{
	(void)state;
	size_t n;
	const lint_rule *rules = lint_rules(&n);
	assert_int_equal(n, LINT_RULE_COUNT);
	assert_string_equal(lint_rule_get(LINT_ADDING_VOLATILE_DEFAULT)->name, "adding-volatile-default");
	assert_string_equal(lint_rule_get(LINT_UNCOMMITTED_TRANSACTION)->name, "uncommitted-transaction");
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(lint_rule_get((lint_rule_id)i), &rules[i]);
		assert_ptr_equal(lint_rule_find(rules[i].name), &rules[i]);
		assert_true(rules[i].why[0] && rules[i].instead[0]);
	}
	assert_null(lint_rule_find("no-such-rule"));
}

static void test_stable_defaults_do_not_rewrite_but_volatile_ones_do(void **state)
{
	(void)state;
	static const char *stable[] = {"now()", "CURRENT_TIMESTAMP", "'active'", "0", "statement_timestamp()",
	                               "'{}'::jsonb", "lower('X')"};
	static const char *volatile_[] = {"random()", "gen_random_uuid()", "clock_timestamp()", "uuid_generate_v4()",
	                                  "nextval('s')"};
	for (size_t i = 0; i < sizeof stable / sizeof *stable; i++) {
		mp_buf sql = MP_BUF_INIT;
		buf_printf(&sql, "SET lock_timeout = '1s'; ALTER TABLE t ADD COLUMN c text DEFAULT %s;", stable[i]);
		run r;
		lint_one(&r, buf_cstr(&sql));
		if (r.d.count)
			fail_msg("DEFAULT %s: unexpected [%s]", stable[i], r.d.items[0].rule);
		run_free(&r);
		buf_free(&sql);
	}
	for (size_t i = 0; i < sizeof volatile_ / sizeof *volatile_; i++) {
		mp_buf sql = MP_BUF_INIT;
		buf_printf(&sql, "SET lock_timeout = '1s'; ALTER TABLE t ADD COLUMN c text DEFAULT %s;", volatile_[i]);
		run r;
		lint_one(&r, buf_cstr(&sql));
		assert_int_equal(count_rule(&r, "adding-volatile-default"), 1);
		assert_int_equal(r.d.items[0].severity, DIAG_ERROR);
		run_free(&r);
		buf_free(&sql);
	}
}

static void test_serial_identity_and_unknown_functions(void **state)
{
	(void)state;
	run r;
	lint_one(&r, "SET lock_timeout = '1s'; ALTER TABLE t ADD COLUMN a bigserial, ADD COLUMN b int GENERATED ALWAYS "
	             "AS IDENTITY;");
	assert_int_equal(count_rule(&r, "adding-volatile-default"), 2);
	assert_int_equal(r.d.errors, 2);
	run_free(&r);
	/* A function lint does not know may be volatile: a warning, not an error. */
	lint_one(&r, "SET lock_timeout = '1s'; ALTER TABLE t ADD COLUMN a text DEFAULT my_func();");
	assert_int_equal(count_rule(&r, "adding-volatile-default"), 1);
	assert_int_equal(r.d.items[0].severity, DIAG_WARNING);
	assert_non_null(strstr(r.d.items[0].message, "my_func"));
	run_free(&r);
}

static void test_statements_on_a_table_created_in_the_same_file_are_fine(void **state)
{
	(void)state;
	run r;
	lint_one(&r, "CREATE TABLE \"Post\" (\"id\" SERIAL NOT NULL, \"authorId\" INTEGER NOT NULL,\n"
	             "  CONSTRAINT \"Post_pkey\" PRIMARY KEY (\"id\"));\n"
	             "CREATE INDEX \"Post_authorId_idx\" ON \"Post\"(\"authorId\");\n"
	             "ALTER TABLE \"Post\" ADD COLUMN \"n\" int NOT NULL;\n"
	             "ALTER TABLE \"Post\" ADD CONSTRAINT \"c\" CHECK (\"n\" > 0);\n");
	assert_int_equal(r.d.count, 0);
	run_free(&r);
	/* The same table in the next file exists by then. */
	run_init(&r);
	assert_int_equal(run_text(&r, "1.sql", "CREATE TABLE p (id int);"), 0);
	assert_int_equal(run_text(&r, "2.sql", "SET lock_timeout = '1s'; CREATE INDEX i ON p (id);"), 0);
	assert_int_equal(count_rule(&r, "create-index-non-concurrently"), 1);
	assert_ptr_equal(r.d.items[0].src, r.src[1]);
	run_free(&r);
}

/* A file in parts (migdir/mark.h): each part commits before the next, so
 * a VALIDATE in the part after its ADD ... NOT VALID does not run under the
 * ADD's lock, and each part needs its own lock_timeout. */
static void test_parts_are_transactions_of_their_own(void **state)
{
	(void)state;
	run r;
	const char *add = "SET LOCAL lock_timeout = '1s';\n"
	                  "ALTER TABLE u ADD CONSTRAINT nn CHECK (s IS NOT NULL) NOT VALID;\n";
	const char *validate = "SET LOCAL lock_timeout = '1s';\nALTER TABLE u VALIDATE CONSTRAINT nn;\n";
	char text[512];
	snprintf(text, sizeof text, "%s%s", add, validate);
	lint_one(&r, text);
	assert_int_equal(count_rule(&r, "constraint-without-not-valid"), 1);
	run_free(&r);
	snprintf(text, sizeof text, "%s-- migplan: commit\n%s", add, validate);
	lint_one(&r, text);
	assert_int_equal(count_rule(&r, "constraint-without-not-valid"), 0);
	assert_int_equal(r.d.count, 0);
	run_free(&r);
	/* the second part has no lock_timeout of its own: the first part's SET
	 * ended with its transaction */
	snprintf(text, sizeof text, "%s-- migplan: commit\nALTER TABLE u DROP CONSTRAINT nn;\n", add);
	lint_one(&r, text);
	assert_int_equal(count_rule(&r, "missing-lock-timeout"), 1);
	run_free(&r);
	/* the line inside a literal is no separator */
	snprintf(text, sizeof text, "%sSELECT '\n-- migplan: commit\n';\n%s", add, validate);
	lint_one(&r, text);
	assert_int_equal(count_rule(&r, "constraint-without-not-valid"), 1);
	run_free(&r);
}

static void test_set_not_null_accepts_a_check_validated_in_an_earlier_file(void **state)
{
	(void)state;
	run r;
	run_init(&r);
	assert_int_equal(run_text(&r, "1.sql", "SET lock_timeout = '1s';\n"
	                                       "ALTER TABLE \"User\" ADD CONSTRAINT nn CHECK (\"status\" IS NOT NULL) NOT VALID;"),
	                 0);
	assert_int_equal(run_text(&r, "2.sql", "ALTER TABLE \"User\" VALIDATE CONSTRAINT nn;"), 0);
	assert_int_equal(run_text(&r, "3.sql", "SET lock_timeout = '1s';\n"
	                                       "ALTER TABLE \"User\" ALTER COLUMN \"status\" SET NOT NULL;\n"
	                                       "ALTER TABLE \"User\" ALTER COLUMN \"other\" SET NOT NULL;"),
	                 0);
	/* Only the column without a check is reported. */
	assert_int_equal(count_rule(&r, "setting-not-null"), 1);
	assert_non_null(strstr(r.d.items[0].message, "\"other\""));
	run_free(&r);
	/* A check that was never validated does not count. */
	run_init(&r);
	assert_int_equal(run_text(&r, "1.sql", "SET lock_timeout = '1s'; ALTER TABLE u ADD CONSTRAINT nn CHECK (s IS NOT NULL) "
	                                       "NOT VALID; ALTER TABLE u ALTER COLUMN s SET NOT NULL;"),
	                 0);
	assert_int_equal(count_rule(&r, "setting-not-null"), 1);
	run_free(&r);
}

static void test_disable_comment_takes_names_and_a_reason(void **state)
{
	(void)state;
	run r;
	lint_one(&r, "-- migplan-disable update-with-ddl, missing-lock-timeout: a rollback must be atomic\n"
	             "UPDATE t SET a = 1;\nALTER TABLE t DROP COLUMN b;\n");
	assert_int_equal(count_rule(&r, "update-with-ddl"), 0);
	assert_int_equal(count_rule(&r, "missing-lock-timeout"), 0);
	assert_int_equal(count_rule(&r, "drop-column"), 1);
	run_free(&r);
	/* A misspelt rule name is reported, not silently ignored. */
	lint_one(&r, "-- migplan-disable drop-colum\nSELECT 1;\n");
	assert_int_equal(r.d.count, 1);
	assert_null(r.d.items[0].rule);
	assert_non_null(strstr(r.d.items[0].message, "drop-colum"));
	run_free(&r);
	/* The marker inside a string literal is not a comment. */
	lint_one(&r, "SELECT '-- migplan-disable drop-table'; DROP TABLE x;");
	assert_int_equal(count_rule(&r, "drop-table"), 1);
	run_free(&r);
}

/* The statements inside a DO block are linted and reported at the block
 * (line 2 here); a block of dynamic SQL says it cannot be seen into. */
static void test_statements_inside_do_blocks_are_linted(void **state)
{
	(void)state;
	run r;
	lint_one(&r, "SET lock_timeout = '5s';\n"
	             "DO $$\nBEGIN\n  ALTER TABLE \"User\" ADD COLUMN c int NOT NULL;\n  UPDATE \"User\" SET c = 1;\n"
	             "  CREATE UNIQUE INDEX u ON \"User\" (c);\nEND\n$$;\n");
	assert_int_equal(count_rule(&r, "adding-required-column"), 1);
	assert_int_equal(count_rule(&r, "create-index-non-concurrently"), 1);
	assert_int_equal(count_rule(&r, "dynamic-sql"), 0);
	for (size_t i = 0; i < r.d.count; i++) {
		int line, col;
		source_position(r.src[0], r.d.items[i].span.start, &line, &col);
		assert_int_equal(line, 2);
	}
	run_free(&r);
	lint_one(&r, "SET lock_timeout = '5s';\nDO $$BEGIN EXECUTE format('DROP TABLE %I', 'x'); END$$;\n");
	assert_int_equal(count_rule(&r, "dynamic-sql"), 1);
	run_free(&r);
	/* PL/pgSQL that does not parse is an error at the block, as PostgreSQL
	 * would refuse it when it runs */
	lint_one(&r, "DO $$BEGIN SELECT 1 INTO x 2FROM t; END$$;\n");
	assert_int_equal(r.d.count, 1);
	assert_null(r.d.items[0].rule);
	assert_int_equal(r.d.items[0].severity, DIAG_ERROR);
	assert_non_null(strstr(r.d.items[0].message, "PL/pgSQL does not parse"));
	run_free(&r);
}

static void test_a_file_that_does_not_parse_is_one_error_at_the_cursor(void **state)
{
	(void)state;
	run r;
	run_init(&r);
	assert_int_equal(run_text(&r, "bad.sql", "-- é\nALTER TABLE t ADD COLUMN;\n"), MP_EINVAL);
	assert_int_equal(r.d.count, 1);
	assert_int_equal(r.d.items[0].severity, DIAG_ERROR);
	int line, col;
	source_position(r.d.items[0].src, r.d.items[0].span.start, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 25); /* the ';' where a column name was expected */
	/* Lint goes on with the next file. */
	assert_int_equal(run_text(&r, "next.sql", "DROP TABLE x;"), 0);
	assert_int_equal(count_rule(&r, "drop-table"), 1);
	run_free(&r);
}

static void test_lock_timeout_must_come_first_and_be_nonzero(void **state)
{
	(void)state;
	run r;
	lint_one(&r, "ALTER TABLE t ADD COLUMN a int;\nSET lock_timeout = '1s';\nALTER TABLE t ADD COLUMN b int;");
	assert_int_equal(count_rule(&r, "missing-lock-timeout"), 1);
	run_free(&r);
	lint_one(&r, "SET lock_timeout = 0; ALTER TABLE t ADD COLUMN a int;");
	assert_int_equal(count_rule(&r, "missing-lock-timeout"), 1);
	run_free(&r);
	lint_one(&r, "SET LOCAL lock_timeout TO '500ms'; ALTER TABLE t ADD COLUMN a int;");
	assert_int_equal(r.d.count, 0);
	run_free(&r);
	/* Reported once per file: one SET fixes all. */
	lint_one(&r, "ALTER TABLE t ADD COLUMN a int; ALTER TABLE u ADD COLUMN b int;");
	assert_int_equal(count_rule(&r, "missing-lock-timeout"), 1);
	run_free(&r);
}

static void test_concurrently_is_fine_only_alone_in_its_file(void **state)
{
	(void)state;
	run r;
	lint_one(&r, "-- comment only\nCREATE INDEX CONCURRENTLY i ON t (a);\n");
	assert_int_equal(r.d.count, 0);
	run_free(&r);
	lint_one(&r, "BEGIN; CREATE INDEX CONCURRENTLY i ON t (a); COMMIT;");
	assert_int_equal(count_rule(&r, "concurrently-in-transaction"), 1);
	assert_non_null(strstr(r.d.items[0].message, "BEGIN"));
	run_free(&r);
	lint_one(&r, "VACUUM t; ANALYZE t;");
	assert_int_equal(count_rule(&r, "concurrently-in-transaction"), 1);
	run_free(&r);
}

static void test_seed_phase_c_fires_the_hazards_it_has(void **state)
{
	(void)state;
	run r;
	lint_one(&r, "BEGIN;\nUPDATE \"User\" SET \"status\" = 'active' WHERE \"status\" IS NULL;\n"
	             "ALTER TABLE \"User\" ALTER COLUMN \"status\" SET NOT NULL;\n"
	             "ALTER TABLE \"User\" DROP COLUMN \"legacy_status\";\nCOMMIT;\n");
	assert_int_equal(count_rule(&r, "update-with-ddl"), 1);
	assert_int_equal(count_rule(&r, "setting-not-null"), 1);
	assert_int_equal(count_rule(&r, "drop-column"), 1);
	assert_int_equal(count_rule(&r, "missing-lock-timeout"), 1);
	assert_int_equal(r.d.count, 4);
	diag_sort(&r.d);
	int line, col;
	source_position(r.d.items[0].src, r.d.items[0].span.start, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 1);
	run_free(&r);
}

static void test_collect_inputs_reads_migration_folders_in_order(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/migc_lint_XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	mp_error err = {0};
	const char *files[] = {"20250102000000_b/migration.sql", "20250101000000_a/migration.sql", "extra.sql",
	                       "20250103000000_c/notes.txt"};
	for (size_t i = 0; i < 4; i++) {
		char *p = fs_join(tmpl, files[i]);
		char *slash = strrchr(p, '/');
		*slash = '\0';
		assert_int_equal(fs_mkdir_p(p, &err), 0);
		*slash = '/';
		assert_int_equal(fs_write_file_atomic(p, "SELECT 1;", 9, &err), 0);
		free(p);
	}
	lint_input *in;
	size_t n;
	char *args[] = {tmpl};
	assert_int_equal(lint_collect_inputs(args, 1, &in, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_non_null(strstr(in[0].path, "20250101000000_a/migration.sql"));
	assert_string_equal(in[0].folder, "20250101000000_a");
	assert_non_null(strstr(in[1].path, "20250102000000_b/migration.sql"));
	assert_non_null(strstr(in[2].path, "extra.sql"));
	assert_null(in[2].folder);
	lint_free_inputs(in, n);
	char *missing[] = {"/nonexistent/migc"};
	assert_int_equal(lint_collect_inputs(missing, 1, &in, &n, &err), MP_EIO);
	assert_int_equal(fs_remove_tree(tmpl, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_rule_has_a_bad_fixture_firing_only_it_and_a_clean_good_one),
		cmocka_unit_test(test_rule_ids_index_the_table_and_names_are_unique),
		cmocka_unit_test(test_stable_defaults_do_not_rewrite_but_volatile_ones_do),
		cmocka_unit_test(test_serial_identity_and_unknown_functions),
		cmocka_unit_test(test_statements_on_a_table_created_in_the_same_file_are_fine),
		cmocka_unit_test(test_set_not_null_accepts_a_check_validated_in_an_earlier_file),
		cmocka_unit_test(test_parts_are_transactions_of_their_own),
		cmocka_unit_test(test_disable_comment_takes_names_and_a_reason),
		cmocka_unit_test(test_a_file_that_does_not_parse_is_one_error_at_the_cursor),
		cmocka_unit_test(test_lock_timeout_must_come_first_and_be_nonzero),
		cmocka_unit_test(test_concurrently_is_fine_only_alone_in_its_file),
		cmocka_unit_test(test_seed_phase_c_fires_the_hazards_it_has),
		cmocka_unit_test(test_collect_inputs_reads_migration_folders_in_order),
		cmocka_unit_test(test_statements_inside_do_blocks_are_linted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
