/* What a user expression reads (sql/expr.c): the sync trigger fires on and
 * recomputes from exactly these columns, so a missed one loses an old
 * version's write and an extra one recomputes on unrelated updates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "sql/expr.h"

static void expect_reads(const char *expr, const char *const *want, size_t n, locks_volatility vol)
{
	sqlexpr_info info;
	mp_error err;
	assert_int_equal(sqlexpr_inspect(expr, &info, &err), MP_OK);
	assert_int_equal(info.ncolumns, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(info.columns[i], want[i]);
	assert_int_equal(info.volatility, vol);
	sqlexpr_info_free(&info);
}

static void test_columns(void **state)
{
	(void)state;
	const char *split[] = {"fullname"};
	expect_reads("split_part(fullname, ' ', 1)", split, 1, VOL_STABLE);
	const char *two[] = {"first_name", "last_name"};
	expect_reads("first_name || ' ' || last_name", two, 2, VOL_STABLE);
	/* qualified, quoted and repeated references: the column once */
	const char *q[] = {"Old Name", "x"};
	expect_reads("CASE WHEN \"T\".\"Old Name\" IS NULL THEN x ELSE \"Old Name\" END", q, 2, VOL_STABLE);
	/* inside a subquery too */
	const char *sub[] = {"a"};
	expect_reads("(SELECT lower(a))", sub, 1, VOL_STABLE);
}

static void test_volatile(void **state)
{
	(void)state;
	expect_reads("gen_random_uuid()", NULL, 0, VOL_VOLATILE);
	const char *a[] = {"a"};
	expect_reads("a + random()", a, 1, VOL_VOLATILE);
	expect_reads("'constant'", NULL, 0, VOL_STABLE);
	expect_reads("my_func(a)", a, 1, VOL_UNKNOWN);
}

static void test_bad(void **state)
{
	(void)state;
	sqlexpr_info info;
	mp_error err;
	assert_int_equal(sqlexpr_inspect("lower(", &info, &err), MP_EINVAL);
	assert_int_equal(info.ncolumns, 0);
	/* a second statement smuggled in is not one expression */
	assert_int_not_equal(sqlexpr_inspect("1); DROP TABLE t; SELECT (1", &info, &err), MP_OK);
	sqlexpr_info_free(&info);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_columns),
	    cmocka_unit_test(test_volatile),
	    cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
