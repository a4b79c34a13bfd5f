/* The hash lookups that replaced linear scans in the checker, the emitter
 * (bench/compile.sh: 10,000 specs) and migrun status (bench/status.sh:
 * 10,000 migrations): strmap itself, the diagnostics and states they must
 * still produce exactly, and large inputs that must stay fast. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "compiler/compile.h"
#include "compiler/emit.h"
#include "util/fsutil.h"
#include "runtime/status.h"
#include "util/strmap.h"

static char *diags_of(const char *text)
{
	diag_list d;
	diag_list_init(&d);
	compile_result *r = NULL;
	compile_text("t.mig", text, strlen(text), &d, &r);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_sort(&d);
	diag_print_all(f, &d, false);
	fclose(f);
	diag_list_free(&d);
	compile_result_free(r);
	return buf;
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void test_strmap_put_get_grow(void **state)
{
	(void)state;
	strmap m = STRMAP_INIT;
	size_t v = 99;
	assert_false(strmap_get(&m, "a", &v));
	char **keys = xcalloc(5000, sizeof *keys);
	for (size_t i = 0; i < 5000; i++) {
		mp_buf b = MP_BUF_INIT;
		buf_printf(&b, "key%zu", i);
		keys[i] = buf_detach(&b);
		assert_true(strmap_put(&m, keys[i], i));
	}
	assert_int_equal(m.n, 5000);
	for (size_t i = 0; i < 5000; i++) {
		assert_true(strmap_get(&m, keys[i], &v));
		assert_int_equal(v, i);
	}
	/* A second put of a present key changes nothing. */
	assert_false(strmap_put(&m, "key7", 12345));
	assert_true(strmap_get(&m, "key7", &v));
	assert_int_equal(v, 7);
	assert_false(strmap_get(&m, "key5000", NULL));
	assert_true(strmap_put(&m, "", 1));
	assert_true(strmap_get(&m, "", &v));
	assert_int_equal(v, 1);
	strmap_free(&m);
	assert_false(strmap_get(&m, "key1", NULL));
	for (size_t i = 0; i < 5000; i++)
		free(keys[i]);
	free(keys);
}

static void test_duplicates_still_reported_once_per_earlier_one(void **state)
{
	(void)state;
	/* Three lifecycles named a: the second gets one error, the third two,
	 * as with the pairwise scan. */
	char *msg = diags_of("lifecycle a at 20250101120000 on t { add x int; }\n"
	                     "lifecycle a at 20250101130000 on u { add y int; }\n"
	                     "lifecycle a at 20250101140000 on v { add z int; }\n");
	assert_int_equal(count_of(msg, "duplicate lifecycle name 'a'"), 3);
	free(msg);
	msg = diags_of("lifecycle a at 20250101120000 on t { add x int; }\n"
	               "lifecycle b at 20250101120000 on u { add y int; }\n");
	assert_int_equal(count_of(msg, "lifecycle id 20250101120000 is already used by lifecycle"), 1);
	free(msg);
	/* Object names are unique across lifecycles too. */
	msg = diags_of("lifecycle a at 20250101120000 on t { index i on (x); }\n"
	               "lifecycle b at 20250101130000 on u { unique i on (y); }\n");
	assert_non_null(strstr(msg, "duplicate"));
	assert_non_null(strstr(msg, "name 'i'"));
	free(msg);
}

static void test_retired_lookup_matches_schema_table_column(void **state)
{
	(void)state;
	/* Retired in "app"."t": the same column of t (no schema) is not it. */
	char *msg = diags_of("lifecycle a at 20250101120000 on \"app\".\"t\" { retire o text; }\n"
	                     "lifecycle b at 20250102120000 on t { index i on (o); }\n");
	assert_null(strstr(msg, "retired it"));
	free(msg);
	/* Retired twice on one table by two lifecycles: the first one is named. */
	msg = diags_of("lifecycle a at 20250101120000 on t { retire o text; }\n"
	               "lifecycle b at 20250102120000 on u { retire o text; }\n"
	               "lifecycle c at 20250103120000 on t { index i on (o); }\n"
	               "lifecycle d at 20250104120000 on u { index j on (o); }\n");
	assert_non_null(strstr(msg, "after lifecycle 'a' retired it"));
	assert_non_null(strstr(msg, "after lifecycle 'b' retired it"));
	free(msg);
}

static void test_many_lifecycles_compile_fast_and_find_the_duplicate(void **state)
{
	(void)state;
	enum { N = 3000 };
	mp_buf b = MP_BUF_INIT;
	for (int i = 0; i < N; i++)
		buf_printf(&b,
		           "lifecycle l%d at 2025%02d%02d%02d%02d00 on \"T%d\" {\n"
		           "  add s varchar(20) default 'a' backfill from o map (null -> 'a');\n"
		           "  enforce not null s;\n  retire o varchar(20);\n"
		           "  index \"T%d_s_idx\" on (s);\n}\n",
		           i, 1 + i / 2000, 1 + i / 80 % 25, i / 4 % 20, i % 4 * 10, i, i);
	/* One more index named like lifecycle 7's. */
	buf_puts(&b, "lifecycle last at 20251231120000 on \"X\" { index \"T7_s_idx\" on (a); }\n");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char *msg = diags_of(b.ptr);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_int_equal(count_of(msg, "error:"), 1);
	assert_non_null(strstr(msg, "name 'T7_s_idx'"));
	/* Quadratic scans took seconds here; generous for sanitizer builds. */
	if (s > 20.0)
		fail_msg("checking %d lifecycles took %.1f s", N, s);
	free(msg);
	buf_free(&b);
}

static void test_emit_writes_then_rewrites_nothing(void **state)
{
	(void)state;
	char dir[] = "/tmp/migplan-unit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	const char *spec = "lifecycle a at 20250101120000 on t { add s text backfill 'x'; enforce not null s; }\n"
	                   "lifecycle b at 20250201120000 on u { index i on (x); }\n";
	for (int round = 0; round < 2; round++) {
		diag_list d;
		diag_list_init(&d);
		compile_result *r = NULL;
		compile_text("t.mig", spec, strlen(spec), &d, &r);
		assert_non_null(r);
		emit_report rep;
		mp_error err = {0};
		assert_int_equal(emit_prisma_folder(r->plan, dir, &d, &rep, &err), 0);
		assert_int_equal(d.errors, 0);
		if (round == 0) {
			assert_int_equal(rep.written, r->plan->count);
		} else {
			assert_int_equal(rep.written, 0);
			assert_int_equal(rep.unchanged, r->plan->count);
		}
		char *m = fs_join(dir, "migplan.manifest.json");
		assert_true(fs_exists(m));
		free(m);
		for (size_t i = 0; i < rep.removed; i++)
			free(rep.removed_ids[i]);
		free(rep.removed_ids);
		compile_result_free(r);
		diag_list_free(&d);
	}
	mp_error err = {0};
	assert_int_equal(fs_remove_tree(dir, &err), 0);
}

static ledger_row lrow(const char *name, const char *sum, const char *start, const char *fin, const char *rb)
{
	ledger_row r = {(char *)"id", (char *)sum, (char *)name, NULL, (char *)start, (char *)fin, (char *)rb, 1};
	return r;
}

/* status_compute indexes the ledger by name: several rows of one migration
 * still classify as the ledger-order scan did, and an unknown name is
 * listed once. */
static void test_status_rows_by_name(void **state)
{
	(void)state;
	folder_mig migs[3] = {
	    {.name = (char *)"1_a", .checksum = "aaaa"},
	    {.name = (char *)"2_b", .checksum = "bbbb"},
	    {.name = (char *)"3_c", .checksum = "cccc"},
	};
	mig_folder f = {(char *)"dir", migs, 3, NULL, NULL};
	ledger_row rows[6] = {
	    lrow("1_a", "aaaa", "t1", "t1", NULL),
	    lrow("2_b", "bbbb", "t2", NULL, "t3"),  /* failed, resolved --rolled-back */
	    lrow("9_z", "zzzz", "t3", "t3", NULL),  /* unknown, twice */
	    lrow("2_b", "bbbb", "t4", "t4", NULL),  /* re-applied */
	    lrow("3_c", "cccc", "t5", NULL, NULL),  /* failed */
	    lrow("9_z", "zzzz", "t6", "t6", NULL),
	};
	ledger l = {true, rows, 6};
	status_report st;
	status_compute(&f, &l, &st);
	assert_int_equal(st.n, 4);
	assert_int_equal(st.e[0].state, MS_APPLIED);
	assert_int_equal(st.e[1].state, MS_APPLIED);
	assert_ptr_equal(st.e[1].row, &rows[3]);
	assert_int_equal(st.e[2].state, MS_FAILED);
	assert_int_equal(st.e[3].state, MS_DIVERGED);
	assert_string_equal(st.e[3].name, "9_z");
	assert_int_equal(st.out_of_order, 0);
	status_report_free(&st);
}

static void test_status_of_many_migrations(void **state)
{
	(void)state;
	enum { N = 20000 };
	folder_mig *migs = xcalloc(N, sizeof *migs);
	ledger_row *rows = xcalloc(N, sizeof *rows);
	char **names = xcalloc(N, sizeof *names);
	for (size_t i = 0; i < N; i++) {
		mp_buf b = MP_BUF_INIT;
		buf_printf(&b, "%014zu_m", i);
		names[i] = buf_detach(&b);
		migs[i] = (folder_mig){.name = names[i], .checksum = "sum"};
		/* the ledger in started_at order; every start distinct */
		rows[i] = lrow(names[i], "sum", names[i], "t", NULL);
	}
	mig_folder f = {(char *)"dir", migs, N, NULL, NULL};
	ledger l = {true, rows, N};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	status_report st;
	status_compute(&f, &l, &st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_int_equal(st.applied, N);
	assert_int_equal(st.n, N);
	assert_int_equal(st.out_of_order, 0);
	/* 20,000 x 20,000 strcmp took seconds; generous for sanitizer builds. */
	if (s > 5.0)
		fail_msg("status of %d migrations took %.1f s", N, s);
	status_report_free(&st);
	for (size_t i = 0; i < N; i++)
		free(names[i]);
	free(names);
	free(rows);
	free(migs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strmap_put_get_grow),
	    cmocka_unit_test(test_duplicates_still_reported_once_per_earlier_one),
	    cmocka_unit_test(test_retired_lookup_matches_schema_table_column),
	    cmocka_unit_test(test_many_lifecycles_compile_fast_and_find_the_duplicate),
	    cmocka_unit_test(test_emit_writes_then_rewrites_nothing),
	    cmocka_unit_test(test_status_rows_by_name),
	    cmocka_unit_test(test_status_of_many_migrations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
