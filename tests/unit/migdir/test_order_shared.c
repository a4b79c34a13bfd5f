/* migc and migrun list one migrations folder in the same order: lint and
 * migc verify's history (the compiler side) against folder_load (migrun). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "history/history.h"
#include "migdir/folder.h"
#include "migdir/order.h"
#include "sql/lint.h"
#include "util/fsutil.h"

/* Case, punctuation, digits and lengths where byte order and Prisma's differ. */
static const char *const names[] = {
	"20240101000000_init", "20240102000000_add_user", "20240101000000_a_b", "20240101000000_a1",
	"2024010100000_short", "20240101000000_A", "20240101000000_b", "20240101000000-c",
	"a b", "a_b", "a-b", "a.b", "ab", "aB", "Ab", "AB", "20240101000000_Add-user.v2 (copy)",
};
enum { N = sizeof names / sizeof *names };

static char *make_folder(void)
{
	char tmpl[] = "/tmp/migplan-order.XXXXXX";
	char *dir = xstrdup(mkdtemp(tmpl));
	for (size_t i = 0; i < N; i++) {
		char *sub = fs_join(dir, names[i]), *sql = fs_join(sub, "migration.sql");
		assert_int_equal(fs_mkdir_p(sub, NULL), MP_OK);
		FILE *f = fopen(sql, "w");
		assert_non_null(f);
		fputs("SELECT 1;\n", f);
		fclose(f);
		free(sub);
		free(sql);
	}
	return dir;
}

static void test_both_binaries_order_alike(void **state)
{
	(void)state;
	char *dir = make_folder();
	mp_error err = {0, ""};

	mig_folder f;  /* migrun status/apply/verify */
	assert_int_equal(folder_load(dir, NULL, false, &f, &err), MP_OK);
	assert_int_equal(f.n, N);

	hist_report h;  /* migc verify / rebase */
	assert_int_equal(history_analyze(dir, &h, &err), MP_OK);
	assert_int_equal(h.nsteps, N);

	char *paths[] = {dir};  /* migc lint / explain */
	lint_input *in = NULL;
	size_t nin = 0;
	assert_int_equal(lint_collect_inputs(paths, 1, &in, &nin, &err), MP_OK);
	assert_int_equal(nin, N);

	for (size_t i = 0; i < N; i++) {
		assert_string_equal(f.migs[i].name, h.steps[i].id);
		assert_string_equal(f.migs[i].name, in[i].folder);
		if (i > 0)
			assert_true(migdir_name_compare(f.migs[i - 1].name, f.migs[i].name) < 0);
	}
	/* Not byte order: "20240101000000_a_b" sorts before "20240101000000_a1". */
	long ab = folder_index(&f, "20240101000000_a_b"), a1 = folder_index(&f, "20240101000000_a1");
	assert_true(ab >= 0 && a1 >= 0 && ab < a1);

	lint_free_inputs(in, nin);
	hist_report_free(&h);
	folder_free(&f);
	assert_int_equal(fs_remove_tree(dir, NULL), MP_OK);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_binaries_order_alike),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
