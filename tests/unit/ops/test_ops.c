/* The operations' tables and the step builder, below the planner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ops/ops.h"
#include "ops/step.h"

/* Every item kind but `set` has an operation, and every operation checks. */
static void test_every_item_kind_has_an_op_that_checks(void **state)
{
	(void)state;
	assert_null(ops_for_kind(ITEM_SET));
	for (int k = ITEM_ADD; k <= ITEM_ALTER; k++) {
		const op_def *op = ops_for_kind((ast_item_kind)k);
		assert_non_null(op);
		assert_non_null(op->name);
		assert_non_null(op->check);
	}
	assert_ptr_equal(ops_for_kind(ITEM_UNIQUE), ops_for_kind(ITEM_INDEX));
	assert_ptr_equal(ops_for_kind(ITEM_RETYPE), ops_for_kind(ITEM_RENAME));
}

static void test_phase_names_are_the_folder_and_manifest_words(void **state)
{
	(void)state;
	assert_string_equal(ops_phase_name(PHASE_SQL), "sql");
	assert_string_equal(ops_phase_name(PHASE_EXPAND), "expand");
	assert_string_equal(ops_phase_name(PHASE_BACKFILL), "backfill");
	assert_string_equal(ops_phase_name(PHASE_INDEX), "index");
	assert_string_equal(ops_phase_name(PHASE_ENFORCE), "enforce");
	assert_string_equal(ops_phase_name(PHASE_CONTRACT), "contract");
}

/* UP statements in order, DOWN statements kept to be written out in reverse; gates. */
static void test_step_builder_keeps_up_in_order_and_gates(void **state)
{
	(void)state;
	mdl_table t = {NULL, "T"};
	step_builder sb = {0};
	step_up(&sb, "why", "SELECT 1");
	step_up(&sb, NULL, "SELECT 2");
	step_down(&sb, NULL, "SELECT 3");
	step_down(&sb, "undo", "SELECT 4");
	assert_string_equal(buf_cstr(&sb.up), "-- why\nSELECT 1;\n\nSELECT 2;\n\n");
	assert_int_equal(sb.ndowns, 2);
	assert_string_equal(sb.downs[1], "-- undo\nSELECT 4;\n\n");
	mdl_lifecycle lc = {.table = t};
	mf_gate *g = step_add_column_gate(&sb, GATE_NO_NULLS, &lc, "c");
	assert_int_equal(g->kind, GATE_NO_NULLS);
	assert_null(g->schema);
	assert_string_equal(g->table, "T");
	free(g->table);
	free(g->column);
	step_builder_free(&sb);
}

/* Generated names stay within 63 bytes and differ when the full names do. */
static void test_object_names_fit_postgres(void **state)
{
	(void)state;
	char *s = step_object_name("migplan_", "short", "_sync");
	assert_string_equal(s, "migplan_short_sync");
	free(s);
	char a[80], b[80];
	memset(a, 'x', 70);
	a[70] = '\0';
	memcpy(b, a, 71);
	b[69] = 'y';
	char *na = step_object_name("migplan_", a, "_sync"), *nb = step_object_name("migplan_", b, "_sync");
	assert_true(strlen(na) <= STEP_MAX_IDENT);
	assert_string_not_equal(na, nb);
	free(na);
	free(nb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_item_kind_has_an_op_that_checks),
		cmocka_unit_test(test_phase_names_are_the_folder_and_manifest_words),
		cmocka_unit_test(test_step_builder_keeps_up_in_order_and_gates),
		cmocka_unit_test(test_object_names_fit_postgres),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
