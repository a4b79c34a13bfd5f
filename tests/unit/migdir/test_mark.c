/* migc's generated mark and disable comments: one writer, one reader (migdir/mark.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "migdir/mark.h"

static void test_parse_header(void **state)
{
	(void)state;
	char *spec, *lc, *phase, *step;
	assert_true(migdir_mark_parse(
		"-- migplan: generated from prisma/x; y.mig; edit the spec and run `migc compile`, not this file.\n"
		"-- lifecycle nick on \"a, step 1: b\", step 20250301100000_nick_expand: expand (UP)\nSELECT 1;\n",
		&spec, &lc, &phase, &step));
	assert_string_equal(spec, "prisma/x; y.mig");
	assert_string_equal(lc, "nick");
	assert_string_equal(phase, "expand");
	assert_string_equal(step, "20250301100000_nick_expand");
	free(spec), free(lc), free(phase), free(step);
	assert_false(migdir_mark_parse("-- CreateTable\nCREATE TABLE a (id int);\n", &spec, &lc, &phase, &step));
	assert_null(spec);
	assert_false(migdir_mark_parse("-- migplan: generated from x.mig; edit the spec and run `migc compile`, not "
	                              "this file.\n-- something else\n",
	                              &spec, &lc, &phase, &step));
}

static void test_write_then_parse(void **state)
{
	(void)state;
	mp_buf b = MP_BUF_INIT;
	migdir_mark_write(&b, "prisma/a.mig", "user_status", "\"public\".\"User\"", "20250101120000_user_status_expand",
	                  "expand", "UP");
	assert_string_equal(buf_cstr(&b),
	                    "-- migplan: generated from prisma/a.mig; edit the spec and run `migc compile`, not this file.\n"
	                    "-- lifecycle user_status on \"public\".\"User\", step 20250101120000_user_status_expand: "
	                    "expand (UP)\n");
	assert_true(migdir_mark_present(buf_cstr(&b)));
	char *spec, *lc, *phase, *step;
	assert_true(migdir_mark_parse(buf_cstr(&b), &spec, &lc, &phase, &step));
	assert_string_equal(spec, "prisma/a.mig");
	assert_string_equal(lc, "user_status");
	assert_string_equal(phase, "expand");
	assert_string_equal(step, "20250101120000_user_status_expand");
	free(spec), free(lc), free(phase), free(step);
	buf_free(&b);
}

static void test_disable_comments(void **state)
{
	(void)state;
	mp_buf b = MP_BUF_INIT;
	migdir_disable_write(&b, "drop-column", "why\n-- and more");
	assert_string_equal(buf_cstr(&b), "-- migplan-disable drop-column: why\n-- and more\n");
	const char *text = buf_cstr(&b) + 2, *end = text + strlen(text);
	const char *rules = migdir_disable_rules(text, end);
	assert_non_null(rules);
	assert_int_equal(strncmp(rules, " drop-column", 12), 0);
	const char *other = " migplan-disabled x";
	assert_null(migdir_disable_rules(other, other + strlen(other)));
	const char *plain = " just a comment";
	assert_null(migdir_disable_rules(plain, plain + strlen(plain)));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_header),
		cmocka_unit_test(test_write_then_parse),
		cmocka_unit_test(test_disable_comments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
