/* explain: one model, three renderers. The JSON carries every statement with
 * its lock, relation, blocks, duration and transaction; markdown is one table
 * row per lock; a compiled step adds its phase and gates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sql/explain.h"

static const char *phase_c = "SET lock_timeout = '500ms';\n"
                             "ALTER TABLE \"User\" ALTER COLUMN \"status\" SET NOT NULL;\n"
                             "ALTER TABLE \"User\" DROP COLUMN \"legacy_status\";\n";

static json_t *render_json(explain_doc *d)
{
	mp_buf b = MP_BUF_INIT;
	explain_doc_render(d, EXPLAIN_JSON, false, &b);
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&b), 0, &e);
	if (!j)
		fail_msg("explain json does not load: %s", e.text);
	buf_free(&b);
	return j;
}

static void test_json_lists_every_statement_with_its_lock(void **state)
{
	(void)state;
	explain_doc *d = explain_doc_new();
	mp_error err = {0};
	assert_int_equal(explain_doc_add_sql(d, "contract/migration.sql", phase_c, NULL, &err), 0);
	json_t *j = render_json(d);
	assert_int_equal(json_integer_value(json_object_get(j, "format")), 1);
	json_t *file = json_array_get(json_object_get(j, "files"), 0);
	assert_string_equal(json_string_value(json_object_get(file, "file")), "contract/migration.sql");
	assert_true(json_is_null(json_object_get(file, "step")));
	json_t *stmts = json_object_get(file, "statements");
	assert_int_equal(json_array_size(stmts), 3);
	json_t *set_not_null = json_array_get(stmts, 1);
	assert_int_equal(json_integer_value(json_object_get(set_not_null, "line")), 2);
	assert_string_equal(json_string_value(json_object_get(set_not_null, "transaction")), "implicit");
	json_t *lock = json_array_get(json_object_get(set_not_null, "locks"), 0);
	assert_string_equal(json_string_value(json_object_get(lock, "mode")), "ACCESS EXCLUSIVE");
	assert_string_equal(json_string_value(json_object_get(lock, "relation")), "User");
	assert_string_equal(json_string_value(json_object_get(lock, "duration")), "full scan");
	assert_int_equal(json_array_size(json_object_get(lock, "blocks")), 3);
	assert_int_equal(json_array_size(json_object_get(json_array_get(stmts, 0), "locks")), 0);
	json_decref(j);
	explain_doc_free(d);
}

static void test_a_step_adds_phase_and_gates(void **state)
{
	(void)state;
	mf_gate gates[2] = {
		{.kind = GATE_MAX_PENDING, .value = 1},
		{.kind = GATE_NO_NULLS, .schema = "public", .table = "User", .column = "status"},
	};
	mf_step step = {.id = "20250101120002_user_status_contract", .phase = "contract", .transactional = true,
	                .lock_timeout_ms = 500, .gates = gates, .ngates = 2};
	explain_doc *d = explain_doc_new();
	mp_error err = {0};
	assert_int_equal(explain_doc_add_sql(d, "contract", phase_c, &step, &err), 0);
	json_t *j = render_json(d);
	json_t *s = json_object_get(json_array_get(json_object_get(j, "files"), 0), "step");
	assert_string_equal(json_string_value(json_object_get(s, "phase")), "contract");
	assert_string_equal(json_string_value(json_object_get(s, "lock_timeout")), "500ms");
	json_t *g = json_object_get(s, "gates");
	assert_int_equal(json_array_size(g), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(g, 1), "kind")), "no_nulls");
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(g, 1), "description")), "public.User.status"));
	json_decref(j);

	mp_buf md = MP_BUF_INIT;
	explain_doc_render(d, EXPLAIN_MARKDOWN, false, &md);
	assert_non_null(strstr(buf_cstr(&md), "phase contract"));
	assert_non_null(strstr(buf_cstr(&md), "no_nulls"));
	assert_non_null(strstr(buf_cstr(&md), "| Line | Statement | Lock | Relation | Blocks | Duration | Transaction |"));
	assert_non_null(strstr(buf_cstr(&md), "| 2 | `ALTER TABLE \"User\" ALTER COLUMN \"status\" SET NOT NULL` | ACCESS "
	                                      "EXCLUSIVE | User | reads, writes, DDL | full scan | implicit |"));
	buf_free(&md);
	explain_doc_free(d);
}

static void test_human_output_names_lock_relation_and_transaction(void **state)
{
	(void)state;
	explain_doc *d = explain_doc_new();
	mp_error err = {0};
	assert_int_equal(explain_doc_add_sql(d, "idx.sql", "CREATE INDEX CONCURRENTLY i ON \"User\" (email);", NULL, &err), 0);
	mp_buf b = MP_BUF_INIT;
	explain_doc_render(d, EXPLAIN_HUMAN, false, &b);
	assert_non_null(strstr(buf_cstr(&b), "SHARE UPDATE EXCLUSIVE on User; blocks DDL; full scan; no transaction block"));
	assert_null(strchr(buf_cstr(&b), '\033')); /* no color unless asked */
	buf_clear(&b);
	explain_doc_render(d, EXPLAIN_HUMAN, true, &b);
	assert_non_null(strchr(buf_cstr(&b), '\033'));
	buf_free(&b);
	explain_doc_free(d);
}

static void test_long_statements_are_shortened_and_pipes_escaped(void **state)
{
	(void)state;
	explain_doc *d = explain_doc_new();
	mp_error err = {0};
	const char *sql = "UPDATE t SET a = a || 'x',\n        b = 'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy' WHERE id > 0";
	assert_int_equal(explain_doc_add_sql(d, "u.sql", sql, NULL, &err), 0);
	json_t *j = render_json(d);
	const char *text = json_string_value(json_object_get(
		json_array_get(json_object_get(json_array_get(json_object_get(j, "files"), 0), "statements"), 0), "sql"));
	assert_non_null(strstr(text, "a || 'x', b = 'yyy"));
	assert_non_null(strstr(text, "…"));
	assert_true(strlen(text) <= 80 + strlen("…"));
	json_decref(j);
	mp_buf md = MP_BUF_INIT;
	explain_doc_render(d, EXPLAIN_MARKDOWN, false, &md);
	assert_non_null(strstr(buf_cstr(&md), "a \\|\\| 'x'"));
	buf_free(&md);
	explain_doc_free(d);
}

static void test_a_file_that_does_not_parse_is_listed_with_its_position(void **state)
{
	(void)state;
	explain_doc *d = explain_doc_new();
	mp_error err = {0};
	assert_int_equal(explain_doc_add_sql(d, "bad.sql", "SELECT 1;\nCREATE INDEX ON;", NULL, &err), MP_EINVAL);
	assert_int_equal(explain_doc_add_sql(d, "good.sql", "SELECT 1;", NULL, &err), 0);
	assert_int_equal(explain_doc_count(d), 2);
	json_t *j = render_json(d);
	json_t *e = json_object_get(json_array_get(json_object_get(j, "files"), 0), "error");
	assert_int_equal(json_integer_value(json_object_get(e, "line")), 2);
	assert_int_equal(json_integer_value(json_object_get(e, "column")), 16);
	json_decref(j);
	explain_format f;
	assert_int_equal(explain_format_parse("markdown", &f), 0);
	assert_int_equal(f, EXPLAIN_MARKDOWN);
	assert_int_equal(explain_format_parse("html", &f), MP_EINVAL);
	explain_doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_lists_every_statement_with_its_lock),
		cmocka_unit_test(test_a_step_adds_phase_and_gates),
		cmocka_unit_test(test_human_output_names_lock_relation_and_transaction),
		cmocka_unit_test(test_long_statements_are_shortened_and_pipes_escaped),
		cmocka_unit_test(test_a_file_that_does_not_parse_is_listed_with_its_position),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
