/* The fleet file and the wave plan: what needs no database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fleet/fleet.h"

static const char good[] =
	"# three tenants and a query\n"
	"[waves]\n"
	"canary = 2   # two canaries\n"
	"percent = [25, 50]\n"
	"parallel = 8\n"
	"\n"
	"[target.eu-1]\n"
	"url = \"postgresql://app:${FLEET_TEST_PW}@db-eu/app?schema=tenant_1\"\n"
	"labels = { region = \"eu\", tier = \"gold\" }\n"
	"[target.eu_2]\n"
	"url = \"postgresql://app@db-eu/app\"\n"
	"schema = \"tenant 2\"\n"
	"[target.billing]\n"
	"service = \"billing\"\n"
	"schema = \"t3\"\n"
	"[query]\n"
	"control_url = \"postgresql://ctl/control\"\n"
	"sql = \"SELECT url, name FROM tenants WHERE note = \\\"x\\\"\"\n";

static void test_parse_good_file(void **state)
{
	(void)state;
	setenv("FLEET_TEST_PW", "s3cret", 1);
	fleet_spec f;
	mp_error err = {0, ""};
	assert_int_equal(fleet_parse(good, "fleet.toml", &f, &err), MP_OK);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.canary, 2);
	assert_int_equal(f.npercent, 2);
	assert_int_equal(f.percent[1], 50);
	assert_int_equal(f.parallel, 8);
	assert_string_equal(f.targets[0].name, "eu-1");
	assert_string_equal(f.targets[0].url, "postgresql://app:s3cret@db-eu/app?schema=tenant_1");
	assert_int_equal(f.targets[0].nlabels, 2);
	assert_string_equal(f.targets[0].labels[1].key, "tier");
	assert_string_equal(f.targets[0].labels[1].value, "gold");
	assert_string_equal(f.targets[1].url, "postgresql://app@db-eu/app?schema=tenant%202");
	assert_string_equal(f.targets[2].url, "postgresql://?service=billing&schema=t3");
	assert_int_equal(f.targets[2].line, 13);
	assert_int_equal(f.nqueries, 1);
	assert_string_equal(f.queries[0].sql, "SELECT url, name FROM tenants WHERE note = \"x\"");
	/* Two schemas of one database share Prisma's lock; the password does
	 * not make them different. */
	/* the database, never the password: both targets share it */
	assert_string_equal(f.targets[0].lock_domain, "app@db-eu/app");
	assert_string_equal(f.targets[1].lock_domain, "app@db-eu/app");
	fleet_free(&f);
}

static void test_defaults(void **state)
{
	(void)state;
	fleet_spec f;
	mp_error err = {0, ""};
	assert_int_equal(fleet_parse("[target.a]\nurl = \"postgresql:///x\"\n", "f", &f, &err), MP_OK);
	assert_int_equal(f.canary, 1);
	assert_int_equal(f.npercent, 1);
	assert_int_equal(f.percent[0], 10);
	assert_int_equal(f.parallel, 4);
	fleet_free(&f);
}

static void expect_error(const char *text, const char *needle)
{
	fleet_spec f;
	mp_error err = {0, ""};
	int rc = fleet_parse(text, "fleet.toml", &f, &err);
	if (rc != MP_EINVAL || !strstr(err.msg, needle))
		fail_msg("%s\n-> rc %d, '%s' (wanted '%s')", text, rc, err.msg, needle);
}

static void test_bad_files_are_one_clear_line(void **state)
{
	(void)state;
	unsetenv("FLEET_TEST_UNSET");
	expect_error("", "the fleet is empty");
	expect_error("url = \"x\"\n", "fleet.toml:1: url = ... outside a section");
	expect_error("[targets.a]\n", "fleet.toml:1: unknown section [targets.a]");
	expect_error("[target.]\n", "unknown section");
	expect_error("[target.a b]\n", "unknown section");
	expect_error("[target.a]\nurl = \"x\"\nport = 5\n", "fleet.toml:3: unknown key port");
	expect_error("[target.a]\nurl = \"x\"\nurl = \"y\"\n", "fleet.toml:3: url given twice");
	expect_error("[target.a]\nurl = \"x\"\nservice = \"y\"\n", "fleet.toml:1: target a needs exactly one of");
	expect_error("[target.a]\nlabels = { r = \"eu\" }\n", "target a needs exactly one of");
	expect_error("[target.a]\nurl = \"x\n", "fleet.toml:2: unterminated string");
	expect_error("[target.a]\nurl = x\n", "expected a \"quoted string\"");
	expect_error("[target.a]\nurl = \"a\" b\n", "unexpected text after the value");
	expect_error("[target.a]\nurl = \"${FLEET_TEST_UNSET}\"\n", "environment variable FLEET_TEST_UNSET is not set");
	expect_error("[target.a]\nurl = \"x\"\n[target.a]\nurl = \"y\"\n", "target a is listed twice");
	expect_error("[target.a]\nurl = \"x\"\nlabels = { r = \"1\", r = \"2\" }\n", "label r given twice");
	expect_error("[waves]\npercent = [50, 20]\n[target.a]\nurl = \"x\"\n", "percent must increase");
	expect_error("[waves]\npercent = [0]\n", "out of range");
	expect_error("[waves]\nparallel = 0\n", "fleet.toml:2: 0 is out of range (1..1024)");
	expect_error("[waves]\ncanary = -1\n", "expected a number");
	expect_error("[waves]\nwaves = 3\n", "unknown key waves in [waves]");
	expect_error("[query]\nsql = \"SELECT 1\"\n", "query query needs both control_url and sql");
	expect_error("[target.a]\nservice = \"s\"\nschema = \"t\"\n[target.b]\nurl = \"host=x\"\nschema = \"t\"\n",
	             "schema needs a postgresql:// URL");
}

static void test_wave_ends(void **state)
{
	(void)state;
	size_t ends[FLEET_MAX_PERCENT + 2];
	int ten[] = {10}, two[] = {10, 100}, many[] = {10, 50};
	/* 120 targets, the default: 1 canary, up to 10% (12), the rest. */
	assert_int_equal(fleet_wave_ends(120, 1, ten, 1, ends), 3);
	assert_int_equal(ends[0], 1);
	assert_int_equal(ends[1], 12);
	assert_int_equal(ends[2], 120);
	assert_int_equal(fleet_wave_ends(120, 1, two, 2, ends), 3);
	assert_int_equal(ends[2], 120);
	/* 10% of 5 rounds up to one target, which the canary already is. */
	assert_int_equal(fleet_wave_ends(5, 1, ten, 1, ends), 2);
	assert_int_equal(ends[0], 1);
	assert_int_equal(ends[1], 5);
	assert_int_equal(fleet_wave_ends(1, 1, ten, 1, ends), 1);
	assert_int_equal(fleet_wave_ends(40, 0, many, 2, ends), 3);
	assert_int_equal(ends[0], 4);
	assert_int_equal(ends[1], 20);
	assert_int_equal(ends[2], 40);
	assert_int_equal(fleet_wave_ends(3, 10, many, 2, ends), 1);
	assert_int_equal(ends[0], 3);
}

static void test_plan_waves_and_names(void **state)
{
	(void)state;
	fleet_spec f;
	mp_error err = {0, ""};
	assert_int_equal(fleet_parse("[waves]\ncanary = 1\npercent = [50]\n[target.a]\nurl = \"postgresql:///x\"\n", "f",
	                             &f, &err),
	                 MP_OK);
	assert_int_equal(fleet_add_target(&f, "b", "postgresql:///x", "s1", 0, &err), MP_OK);
	assert_int_equal(fleet_add_target(&f, "c", "postgresql:///y", NULL, 0, &err), MP_OK);
	assert_int_equal(fleet_add_target(&f, "c", "postgresql:///z", NULL, 0, &err), MP_EINVAL);
	assert_non_null(strstr(err.msg, "a query returned a name already in use"));
	fleet_plan_waves(&f);
	assert_int_equal(f.nwaves, 3);
	assert_int_equal(f.targets[0].wave, 1);
	assert_int_equal(f.targets[1].wave, 2);
	assert_int_equal(f.targets[2].wave, 3);
	fleet_free(&f);
	char *n = fleet_name_from_url("postgresql://me:pw@db:5432/app?schema=tenant_7&sslmode=disable");
	assert_string_equal(n, "app/tenant_7");
	free(n);
	n = fleet_name_from_url("postgresql://me:pw@db/app");
	assert_string_equal(n, "app");
	free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good_file),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_bad_files_are_one_clear_line),
		cmocka_unit_test(test_wave_ends),
		cmocka_unit_test(test_plan_waves_and_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
