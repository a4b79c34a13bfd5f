/* Inputs the fuzzers (tests/fuzz) found, fed through the same library calls
 * as the fuzz targets: every file of tests/fuzz/regressions/mig goes through
 * compile_text, every file of tests/fuzz/regressions/lint through lint_source
 * and explain, and the specific findings keep their fixed behavior. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "compiler/compile.h"
#include "sql/explain.h"
#include "util/fsutil.h"
#include "sql/lint.h"

#define REGRESSIONS MIGPLAN_SOURCE_DIR "/tests/fuzz/regressions"

static char *read_input(const char *path, size_t *len)
{
	char *text;
	mp_error err = {0};
	if (fs_read_file(path, &text, len, &err) != 0)
		fail_msg("cannot read %s: %s", path, err.msg);
	return text;
}

/* What fuzz_mig does with one input; the diagnostics are left in *d. */
static int compile_input(const char *text, size_t len, diag_list *d)
{
	compile_result *r = NULL;
	int rc = compile_text("regression.mig", text, len, d, &r);
	diag_sort(d);
	FILE *null = fopen("/dev/null", "w");
	assert_non_null(null);
	diag_print_all(null, d, true);
	fclose(null);
	/* Diagnostics borrow the source: print before freeing the result. */
	for (size_t i = 0; i < d->count; i++)
		d->items[i].src = NULL;
	compile_result_free(r);
	return rc;
}

/* What fuzz_lint does with one input. */
static void lint_input_text(const char *text, size_t len)
{
	mp_source *src = source_from_string("regression.sql", text, len);
	diag_list d;
	diag_list_init(&d);
	locks_ctx *ctx = locks_ctx_new();
	lint_source(ctx, src, &d);
	locks_ctx_free(ctx);
	diag_list_free(&d);

	explain_doc *doc = explain_doc_new();
	sql_file *f;
	sql_parse_error perr = {.message = "", .offset = 0};
	mp_error err = {0};
	if (sqlparse_file(src->text, src->len, &f, &perr, &err) < 0) {
		explain_doc_add_error(doc, src, src->path, perr.offset, perr.message[0] ? perr.message : err.msg);
	} else {
		explain_doc_add_parsed(doc, src, f, NULL);
		sqlparse_free(f);
	}
	for (int fmt = EXPLAIN_HUMAN; fmt <= EXPLAIN_JSON; fmt++) {
		mp_buf out = MP_BUF_INIT;
		explain_doc_render(doc, (explain_format)fmt, false, &out);
		assert_true(out.len > 0);
		buf_free(&out);
	}
	explain_doc_free(doc);
	source_free(src);
}

/* Calls fn on every file of REGRESSIONS/sub; returns how many. */
static size_t each_input(const char *sub, void (*fn)(const char *path, const char *text, size_t len))
{
	char *dir = fs_join(REGRESSIONS, sub);
	DIR *dh = opendir(dir);
	size_t n = 0;
	if (dh) {
		struct dirent *e;
		while ((e = readdir(dh)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			char *path = fs_join(dir, e->d_name);
			size_t len;
			char *text = read_input(path, &len);
			fn(path, text, len);
			free(text);
			free(path);
			n++;
		}
		closedir(dh);
	}
	free(dir);
	return n;
}

static void replay_mig(const char *path, const char *text, size_t len)
{
	(void)path;
	diag_list d;
	diag_list_init(&d);
	compile_input(text, len, &d);
	diag_list_free(&d);
}

static void replay_lint(const char *path, const char *text, size_t len)
{
	(void)path;
	lint_input_text(text, len);
}

static void test_replay_every_mig_input(void **state)
{
	(void)state;
	assert_true(each_input("mig", replay_mig) >= 2);
}

static void test_replay_every_lint_input(void **state)
{
	(void)state;
	each_input("lint", replay_lint);
	/* The seeds' edge cases go through the same path. */
	static const char *const edge[] = {"edge_nul.sql", "edge_deep_nesting.sql", "edge_invalid_utf8.sql",
	                                   "edge_dollar.sql", "edge_unterminated_string.sql", "edge_empty.sql"};
	for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
		char *path = fs_join(MIGPLAN_SOURCE_DIR "/tests/fuzz/corpus/sql", edge[i]);
		size_t len;
		char *text = read_input(path, &len);
		lint_input_text(text, len);
		free(text);
		free(path);
	}
}

/* The one error whose message contains needle (asserting there is exactly
 * one). Besides it, the checker may add "no lifecycle in the spec" when the
 * only lifecycle had a syntax error, so the total is not asserted. */
static const mp_diag *only_error(const diag_list *d, const char *needle)
{
	const mp_diag *hit = NULL;
	for (size_t i = 0; i < d->count; i++) {
		if (d->items[i].severity == DIAG_ERROR && strstr(d->items[i].message, needle)) {
			if (hit)
				fail_msg("two errors with '%s': %s / %s", needle, hit->message, d->items[i].message);
			hit = &d->items[i];
		}
	}
	if (!hit)
		fail_msg("no error with '%s'", needle);
	assert_true(d->errors <= 2);
	return hit;
}

/* flex marks the end of its buffer with a NUL and rescanned the current token
 * at every NUL in the input: 20 kB of NULs in one comment took seconds
 * (quadratic), and the spec then compiled as if the NULs were not there. A
 * spec with a NUL is now refused at the first one, as source_load refuses
 * such a file. */
static void test_nul_bytes_refused_at_first(void **state)
{
	(void)state;
	size_t len;
	char *text = read_input(REGRESSIONS "/mig/nul-bytes-in-comment.mig", &len);
	diag_list d;
	diag_list_init(&d);
	assert_int_equal(MP_EINVAL, compile_input(text, len, &d));
	const mp_diag *e = only_error(&d, "NUL");
	assert_string_equal("not a text file (contains NUL bytes)", e->message);
	assert_int_equal((int)(strchr(text, '#') - text) + 2, e->span.start);
	diag_list_free(&d);
	free(text);

	/* A NUL in a string is found the same way, before scanning. */
	static const char s[] = "lifecycle x at 20250101000000 on \"T\" { add a text default 'a\0b'; }";
	diag_list_init(&d);
	assert_int_equal(MP_EINVAL, compile_input(s, sizeof s - 1, &d));
	assert_int_equal((int)strlen(s), only_error(&d, "NUL")->span.start);
	diag_list_free(&d);
}

/* A run of bytes that start no token was one "unexpected character" error
 * per byte, and each printed the whole source line: 20 kB of '!' on one line
 * made `migc compile` print hundreds of megabytes. A run is one error now. */
static void test_junk_run_is_one_error(void **state)
{
	(void)state;
	size_t len;
	char *text = read_input(REGRESSIONS "/mig/junk-run.mig", &len);
	diag_list d;
	diag_list_init(&d);
	assert_int_equal(MP_EINVAL, compile_input(text, len, &d));
	const mp_diag *e = only_error(&d, "unexpected");
	assert_string_equal("unexpected characters, starting with !", e->message);
	assert_int_equal(5000, e->span.end - e->span.start);
	diag_list_free(&d);
	free(text);

	/* One stray character keeps its precise message. */
	static const char one[] = "lifecycle x at 20250101000000 on \"T\" { add a int; ? }";
	diag_list_init(&d);
	compile_input(one, sizeof one - 1, &d);
	assert_string_equal("unexpected character ?", only_error(&d, "unexpected")->message);
	diag_list_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_every_mig_input),
		cmocka_unit_test(test_replay_every_lint_input),
		cmocka_unit_test(test_nul_bytes_refused_at_first),
		cmocka_unit_test(test_junk_run_is_one_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
