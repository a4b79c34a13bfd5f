/* The catalog diff of `migrun rehearse`: what it reports as removed, added
 * and changed, in key order, and that equal snapshots compare equal whatever
 * order their lines were read in (columns are keyed by name, so physical
 * column order cannot show). Snapshots from a live database are exercised by
 * tests/e2e/rehearse_examples.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "runtime/catalog.h"
#include "runtime/watchdog.h"

static void add(catalog_snapshot *s, const char *k, const char *v)
{
	catalog_add(s, xstrdup(k), xstrdup(v));
}

static void test_equal_snapshots_in_any_order(void **state)
{
	(void)state;
	catalog_snapshot a = {0}, b = {0};
	add(&a, "column public.\"User\".email", "text NOT NULL");
	add(&a, "column public.\"User\".status", "character varying(20)");
	add(&a, "table public.\"User\"", "table");
	add(&b, "table public.\"User\"", "table");
	add(&b, "column public.\"User\".status", "character varying(20)");
	add(&b, "column public.\"User\".email", "text NOT NULL");
	catalog_sort(&a);
	catalog_sort(&b);
	mp_buf out = MP_BUF_INIT;
	assert_int_equal(catalog_diff(&a, &b, &out), 0);
	assert_null(out.ptr);
	catalog_snapshot_free(&a);
	catalog_snapshot_free(&b);
}

static void test_removed_added_changed(void **state)
{
	(void)state;
	catalog_snapshot a = {0}, b = {0};
	add(&a, "index public.\"User\".\"User_email_key\"", "CREATE UNIQUE INDEX \"User_email_key\" ON public.\"User\" USING btree (email)");
	add(&a, "constraint public.\"User\".c", "CHECK ((status IS NOT NULL)) NOT VALID (not validated)");
	add(&a, "table public.\"User\"", "table");
	add(&b, "table public.\"User\"", "table");
	add(&b, "constraint public.\"User\".c", "CHECK ((status IS NOT NULL))");
	add(&b, "column public.\"User\".status", "character varying(20)");
	catalog_sort(&a);
	catalog_sort(&b);
	mp_buf out = MP_BUF_INIT;
	assert_int_equal(catalog_diff(&a, &b, &out), 3);
	assert_string_equal(out.ptr,
	                    "+ column public.\"User\".status: character varying(20)\n"
	                    "~ constraint public.\"User\".c:\n"
	                    "    before: CHECK ((status IS NOT NULL)) NOT VALID (not validated)\n"
	                    "    after:  CHECK ((status IS NOT NULL))\n"
	                    "- index public.\"User\".\"User_email_key\": CREATE UNIQUE INDEX \"User_email_key\" ON "
	                    "public.\"User\" USING btree (email)\n");
	buf_free(&out);
	catalog_snapshot_free(&a);
	catalog_snapshot_free(&b);
}

static void test_empty_against_full(void **state)
{
	(void)state;
	catalog_snapshot a = {0}, b = {0};
	add(&b, "sequence public.\"User_id_seq\"", "integer START 1");
	add(&b, "table public.\"User\"", "table");
	catalog_sort(&b);
	mp_buf out = MP_BUF_INIT;
	assert_int_equal(catalog_diff(&a, &b, &out), 2);
	assert_string_equal(out.ptr, "+ sequence public.\"User_id_seq\": integer START 1\n+ table public.\"User\": table\n");
	buf_free(&out);
	out = (mp_buf)MP_BUF_INIT;
	assert_int_equal(catalog_diff(&b, &a, &out), 2);
	assert_non_null(strstr(out.ptr, "- table public.\"User\": table\n"));
	buf_free(&out);
	catalog_snapshot_free(&b);
}

static void test_watchdog_without_one_is_inert(void **state)
{
	(void)state;
	/* apply passes NULL when the watchdog is off: every hook is a no-op. */
	mp_error err = {0, "kept"};
	watchdog_arm(NULL, "step", 500);
	assert_false(watchdog_cancelled(NULL, &err));
	assert_false(watchdog_gave_up(NULL));
	assert_string_equal(err.msg, "kept");
	assert_int_equal(watchdog_event_count(NULL), 0);
	json_t *j = watchdog_events_json(NULL);
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_snapshots_in_any_order),
		cmocka_unit_test(test_removed_added_changed),
		cmocka_unit_test(test_empty_against_full),
		cmocka_unit_test(test_watchdog_without_one_is_inert),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
