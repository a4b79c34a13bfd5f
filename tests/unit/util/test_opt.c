/* util/opt: one option table parses both styles (plain and getopt_long's)
 * and renders the help rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/opt.h"

typedef struct {
	const char *dir;
	bool json, list;
	long steps;
	int format, retries;
	long long wait_ms;
	mp_opt_list files;
} args;

static const mp_opt_choice formats[] = {
	{"human", 0, "readable"},
	{"json", 1, "one document"},
	{"md", 2, NULL},
	{NULL, 0, NULL},
};

static const mp_opt_spec specs[] = {
	MP_OPT_STRING(args, dir, "dir", 'd', "DIR", "a directory", "the folder"),
	MP_OPT_SWITCH(args, json, "json", 'j', "JSON on stdout"),
	MP_OPT_LONG(args, steps, "steps", 0, "N", 1, 100, "an integer 1..100", "at most N\nof them"),
	MP_OPT_INT(args, retries, "retries", 0, "N", 0, 10, "an integer 0..10", "retries"),
	MP_OPT_CHOICE(args, format, "format", NULL, formats, "human, json or md", NULL, MP_OPT_EQUALS),
	MP_OPT_DURATION(args, wait_ms, "wait", "DUR", "a duration", "wait", MP_OPT_ZERO),
	MP_OPT_LIST(args, files, "file", 'f', "FILE", "a file", "repeatable"),
	MP_OPT_STOP(args, list, "list", "list and stop"),
	MP_OPT_TEXT("\n"),
	MP_OPT_HELP("this help"),
	MP_OPT_END,
};

static int parse(int style, args *a, mp_opt_result *r, int argc, ...)
{
	char *argv[16];
	va_list ap;
	va_start(ap, argc);
	for (int i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	memset(a, 0, sizeof *a);
	return mp_opt_parse(specs, style, argc, argv, a, r);
}

static void test_plain_values_and_operands(void **state)
{
	(void)state;
	args a;
	mp_opt_result r;
	assert_int_equal(parse(MP_OPT_PLAIN, &a, &r, 8, "x.mig", "-d", "--help", "--format=json", "--steps", "7", "-",
	                       "--json"),
	                 MP_OPT_DONE);
	assert_string_equal(a.dir, "--help"); /* a value is the next word, whatever it looks like */
	assert_int_equal(a.format, 1);
	assert_int_equal(a.steps, 7);
	assert_true(a.json);
	assert_int_equal(r.operands.n, 2);
	assert_string_equal(r.operands.items[0], "x.mig");
	assert_string_equal(r.operands.items[1], "-");
	assert_true(mp_opt_given(specs, &r, "steps"));
	assert_false(mp_opt_given(specs, &r, "wait"));
	mp_opt_result_free(&r);
}

static void test_plain_errors(void **state)
{
	(void)state;
	args a;
	mp_opt_result r;
	assert_int_equal(parse(MP_OPT_PLAIN, &a, &r, 1, "--dir=x"), MP_OPT_EUNKNOWN);
	assert_string_equal(r.arg, "--dir=x");
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_PLAIN, &a, &r, 1, "--di"), MP_OPT_EUNKNOWN);
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_PLAIN, &a, &r, 1, "-dx"), MP_OPT_EUNKNOWN);
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_PLAIN, &a, &r, 1, "-d"), MP_OPT_EMISSING);
	assert_string_equal(r.arg, "-d");
	assert_string_equal(r.spec->name, "dir");
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_PLAIN, &a, &r, 2, "--steps", "0"), MP_OPT_EVALUE);
	assert_string_equal(r.arg, "0");
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_PLAIN, &a, &r, 1, "--format=yaml"), MP_OPT_EVALUE);
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_PLAIN, &a, &r, 2, "--", "x"), MP_OPT_EUNKNOWN);
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_PLAIN | MP_OPT_SKIP_DASHDASH, &a, &r, 3, "--", "--json", "x"), MP_OPT_DONE);
	assert_true(a.json);
	assert_int_equal(r.operands.n, 1);
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_PLAIN | MP_OPT_NO_OPERANDS, &a, &r, 2, "x", "--bogus"), MP_OPT_EUNKNOWN);
	assert_string_equal(r.arg, "x");
	mp_opt_result_free(&r);
}

static void test_stop_in_argv_order(void **state)
{
	(void)state;
	args a;
	mp_opt_result r;
	assert_int_equal(parse(MP_OPT_PLAIN, &a, &r, 2, "--list", "--bogus"), MP_OPT_STOPPED);
	assert_true(a.list);
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_PLAIN, &a, &r, 2, "--bogus", "--help"), MP_OPT_EUNKNOWN);
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_PLAIN, &a, &r, 2, "-h", "--bogus"), MP_OPT_STOPPED);
	assert_int_equal(r.spec->kind, MP_OPT_KIND_HELP);
	mp_opt_result_free(&r);
}

static void test_gnu_spellings(void **state)
{
	(void)state;
	args a;
	mp_opt_result r;
	assert_int_equal(parse(MP_OPT_GNU, &a, &r, 9, "op", "--dir=/x", "--ste", "5", "-jf", "a", "-fb", "--wait", "0"),
	                 MP_OPT_DONE);
	assert_string_equal(a.dir, "/x");
	assert_int_equal(a.steps, 5);
	assert_true(a.json);
	assert_int_equal(a.files.n, 2);
	assert_string_equal(a.files.items[0], "a");
	assert_string_equal(a.files.items[1], "b");
	assert_int_equal(a.wait_ms, 0);
	assert_int_equal(r.operands.n, 1);
	free(a.files.items);
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_GNU, &a, &r, 3, "-d/y", "--", "--json"), MP_OPT_DONE);
	assert_string_equal(a.dir, "/y");
	assert_false(a.json);
	assert_string_equal(r.operands.items[0], "--json");
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_GNU, &a, &r, 2, "--wait", "5m"), MP_OPT_DONE);
	assert_int_equal(a.wait_ms, 300000);
	mp_opt_result_free(&r);
}

static void test_gnu_errors(void **state)
{
	(void)state;
	args a;
	mp_opt_result r;
	mp_buf b = MP_BUF_INIT;
	assert_int_equal(parse(MP_OPT_GNU, &a, &r, 1, "--bogus"), MP_OPT_EUNKNOWN);
	assert_string_equal(r.arg, "--bogus");
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_GNU, &a, &r, 1, "--re"), MP_OPT_EMISSING); /* a unique prefix of --retries */
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_GNU, &a, &r, 1, "-jx"), MP_OPT_EUNKNOWN);
	assert_int_equal(r.letter, 'x');
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_GNU, &a, &r, 1, "-jd"), MP_OPT_EMISSING);
	assert_int_equal(r.letter, 'd');
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_GNU, &a, &r, 1, "--json=1"), MP_OPT_ENOVALUE);
	assert_string_equal(r.spec->name, "json");
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_GNU, &a, &r, 1, "--retries=11"), MP_OPT_EVALUE);
	mp_opt_result_free(&r);
	assert_int_equal(parse(MP_OPT_GNU, &a, &r, 1, "--f"), MP_OPT_EAMBIGUOUS);
	mp_opt_prefixes(specs, r.arg + 2, &b);
	assert_string_equal(buf_cstr(&b), " '--format' '--file'");
	buf_free(&b);
	mp_opt_result_free(&r);
}

static void test_help_rows(void **state)
{
	(void)state;
	mp_buf b = MP_BUF_INIT;
	mp_opt_help(specs, &b);
	assert_string_equal(buf_cstr(&b), "  -d, --dir DIR       the folder\n"
	                                  "  -j, --json          JSON on stdout\n"
	                                  "      --steps N       at most N\n"
	                                  "                      of them\n"
	                                  "      --retries N     retries\n"
	                                  "      --format human  readable\n"
	                                  "      --format json   one document\n"
	                                  "      --wait DUR      wait\n"
	                                  "  -f, --file FILE     repeatable\n"
	                                  "      --list          list and stop\n"
	                                  "\n"
	                                  "  -h, --help          this help\n");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_values_and_operands),
		cmocka_unit_test(test_plain_errors),
		cmocka_unit_test(test_stop_in_argv_order),
		cmocka_unit_test(test_gnu_spellings),
		cmocka_unit_test(test_gnu_errors),
		cmocka_unit_test(test_help_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
