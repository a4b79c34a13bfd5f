/* The in-place decision of the alter item: which ALTER COLUMN … TYPE
 * PostgreSQL does without rewriting the table (types_change_of). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ops/types.h"

static ast_type ty(const char *base, int nargs, long a0, long a1)
{
	ast_type t;
	memset(&t, 0, sizeof t);
	t.base = (char *)base;
	t.nargs = nargs;
	t.args[0] = a0;
	t.args[1] = a1;
	return t;
}

static types_change change(ast_type from, ast_type to, const char *why)
{
	mp_buf b = MP_BUF_INIT;
	types_change r = types_change_of(&from, &to, &b);
	if (why)
		assert_string_equal(buf_cstr(&b), why);
	buf_free(&b);
	return r;
}

/* varchar grows, or goes to text, without a rewrite (binary-coercible or a
 * limit that only grows), whatever spelling the spec uses. */
static void test_varchar_widenings_are_in_place(void **state)
{
	(void)state;
	assert_int_equal(change(ty("varchar", 1, 20, 0), ty("varchar", 1, 50, 0),
	                        "varchar(20) to varchar(50): the length limit only grows"),
	                 TYPES_IN_PLACE);
	assert_int_equal(change(ty("character varying", 1, 20, 0), ty("varchar", 0, 0, 0), NULL), TYPES_IN_PLACE);
	assert_int_equal(change(ty("varchar", 1, 20, 0), ty("text", 0, 0, 0),
	                        "varchar(20) to text: varchar to text is binary-coercible"),
	                 TYPES_IN_PLACE);
	assert_int_equal(change(ty("varchar", 0, 0, 0), ty("TEXT", 0, 0, 0), NULL), TYPES_IN_PLACE);
	assert_int_equal(change(ty("text", 0, 0, 0), ty("varchar", 0, 0, 0), NULL), TYPES_IN_PLACE);
}

static void test_numeric_precision_raised_at_same_scale_is_in_place(void **state)
{
	(void)state;
	assert_int_equal(change(ty("numeric", 2, 10, 2), ty("numeric", 2, 12, 2),
	                        "numeric(10,2) to numeric(12,2): the precision only grows, at the same scale"),
	                 TYPES_IN_PLACE);
	assert_int_equal(change(ty("decimal", 1, 10, 0), ty("numeric", 2, 12, 0), NULL), TYPES_IN_PLACE);
	assert_int_equal(change(ty("numeric", 2, 10, 2), ty("numeric", 0, 0, 0), NULL), TYPES_IN_PLACE);
}

/* Narrowings, scale changes, other types and unconstrained sources rewrite. */
static void test_other_changes_rewrite(void **state)
{
	(void)state;
	assert_int_equal(change(ty("varchar", 1, 50, 0), ty("varchar", 1, 20, 0),
	                        "varchar(50) to varchar(20) rewrites the table and its indexes"),
	                 TYPES_REWRITE);
	assert_int_equal(change(ty("text", 0, 0, 0), ty("varchar", 1, 20, 0), NULL), TYPES_REWRITE);
	assert_int_equal(change(ty("varchar", 0, 0, 0), ty("varchar", 1, 20, 0), NULL), TYPES_REWRITE);
	assert_int_equal(change(ty("numeric", 2, 10, 2), ty("numeric", 2, 12, 3), NULL), TYPES_REWRITE);
	assert_int_equal(change(ty("numeric", 2, 12, 2), ty("numeric", 2, 10, 2), NULL), TYPES_REWRITE);
	assert_int_equal(change(ty("numeric", 0, 0, 0), ty("numeric", 2, 12, 2), NULL), TYPES_REWRITE);
	assert_int_equal(change(ty("integer", 0, 0, 0), ty("bigint", 0, 0, 0), NULL), TYPES_REWRITE);
	assert_int_equal(change(ty("char", 1, 10, 0), ty("text", 0, 0, 0), NULL), TYPES_REWRITE);
	assert_int_equal(change(ty("integer", 0, 0, 0), ty("text", 0, 0, 0), NULL), TYPES_REWRITE);
	ast_type arr = ty("varchar", 1, 20, 0), arr2 = ty("varchar", 1, 50, 0);
	arr.array = arr2.array = true;
	assert_int_equal(change(arr, arr2, NULL), TYPES_REWRITE);
}

static void test_same_type_in_any_spelling_is_no_change(void **state)
{
	(void)state;
	assert_int_equal(change(ty("int4", 0, 0, 0), ty("integer", 0, 0, 0), ""), TYPES_SAME);
	assert_int_equal(change(ty("character varying", 1, 20, 0), ty("varchar", 1, 20, 0), ""), TYPES_SAME);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varchar_widenings_are_in_place),
		cmocka_unit_test(test_numeric_precision_raised_at_same_scale_is_in_place),
		cmocka_unit_test(test_other_changes_rewrite),
		cmocka_unit_test(test_same_type_in_any_spelling_is_no_change),
	};
	return cmocka_run_group_tests_name("types_change", tests, NULL, NULL);
}
