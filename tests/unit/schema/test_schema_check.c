/* Specs against schema.prisma: one test per kind of mismatch, each with the
 * exact diagnostics (the spec's place as the error, the schema's as a note). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/compile.h"
#include "schema/schema_check.h"

static const char schema_text[] = "datasource db {\n"
                                  "  provider = \"postgresql\"\n"
                                  "  url      = env(\"DATABASE_URL\")\n"
                                  "}\n"
                                  "\n"
                                  "model User {\n"
                                  "  id            Int     @id @default(autoincrement())\n"
                                  "  fullName      String  @map(\"full_name\")\n"
                                  "  status        String? @default(\"active\") @db.VarChar(20)\n"
                                  "  legacy_status String? @db.VarChar(20)\n"
                                  "\n"
                                  "  @@map(\"users\")\n"
                                  "}\n";

/* Compiles spec, checks it against schema_text; returns the diagnostics as printed. */
static char *check(const char *spec, int *rc)
{
	diag_list d;
	diag_list_init(&d);
	compile_result *r = NULL;
	assert_int_equal(compile_text("a.mig", spec, strlen(spec), &d, &r), MP_OK);
	psl_schema *s = NULL;
	assert_int_equal(psl_schema_parse(source_from_string("schema.prisma", schema_text, strlen(schema_text)), &d, &s),
	                 MP_OK);
	*rc = schema_check(r->model, s, &d);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_print_all(f, &d, false);
	fclose(f);
	diag_list_free(&d);
	psl_schema_free(s);
	compile_result_free(r);
	return buf;
}

static void expect(const char *spec, const char *want)
{
	int rc;
	char *got = check(spec, &rc);
	assert_string_equal(got, want);
	assert_int_equal(rc, want[0] ? MP_EINVAL : MP_OK);
	free(got);
}

static void test_agreeing_spec_is_clean(void **state)
{
	(void)state;
	expect("lifecycle e at 20250101120000 on users {\n  add status varchar(20) default 'active';\n}\n", "");
}

static void test_missing_table_names_the_mapped_model(void **state)
{
	(void)state;
	expect("lifecycle a at 20250101120000 on \"User\" {\n  add status varchar(20) default 'active';\n}\n",
	       "a.mig:1:34: error: table \"User\" (lifecycle 'a') has no model in schema.prisma\n"
	       "    1 | lifecycle a at 20250101120000 on \"User\" {\n"
	       "      |                                  ^~~~~~\n"
	       "schema.prisma:6:7: note: model User maps to table \"users\" (@@map)\n"
	       "    6 | model User {\n"
	       "      |       ^~~~\n");
}

static void test_missing_table_suggests_a_close_one(void **state)
{
	(void)state;
	expect("lifecycle a at 20250101120000 on user {\n  add x text;\n}\n",
	       "a.mig:1:34: error: table \"user\" (lifecycle 'a') has no model in schema.prisma\n"
	       "    1 | lifecycle a at 20250101120000 on user {\n"
	       "      |                                  ^~~~\n"
	       "schema.prisma:6:7: note: did you mean model User (table \"users\")?\n"
	       "    6 | model User {\n"
	       "      |       ^~~~\n");
}

static void test_field_name_instead_of_mapped_column(void **state)
{
	(void)state;
	expect("lifecycle b at 20250101120000 on users {\n  add \"fullName\" text;\n}\n",
	       "a.mig:2:7: error: column \"fullName\" (added by lifecycle 'b') is not in schema.prisma\n"
	       "    2 |   add \"fullName\" text;\n"
	       "      |       ^~~~~~~~~~\n"
	       "schema.prisma:8:3: note: field User.fullName maps to column \"full_name\" (@map)\n"
	       "    8 |   fullName      String  @map(\"full_name\")\n"
	       "      |   ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
}

static void test_type_mismatch(void **state)
{
	(void)state;
	expect("lifecycle c at 20250101120000 on users {\n  add status text default 'active';\n}\n",
	       "a.mig:2:14: error: column \"status\" is text after lifecycle 'c' but varchar(20) in schema.prisma\n"
	       "    2 |   add status text default 'active';\n"
	       "      |              ^~~~\n"
	       "schema.prisma:9:17: note: field User.status is declared here\n"
	       "    9 |   status        String? @default(\"active\") @db.VarChar(20)\n"
	       "      |                 ^~~~~~~\n");
}

static void test_nullability_mismatch(void **state)
{
	(void)state;
	expect("lifecycle c at 20250101120000 on users {\n  add status varchar(20) default 'active';\n"
	       "  enforce not null status;\n}\n",
	       "a.mig:3:3: error: column \"status\" is NOT NULL after lifecycle 'c' but field User.status is optional in "
	       "schema.prisma\n"
	       "    3 |   enforce not null status;\n"
	       "      |   ^~~~~~~~~~~~~~~~~~~~~~~~\n"
	       "schema.prisma:9:17: note: field User.status is declared optional here\n"
	       "    9 |   status        String? @default(\"active\") @db.VarChar(20)\n"
	       "      |                 ^~~~~~~\n");
}

static void test_required_field_still_backfilling(void **state)
{
	(void)state;
	expect("lifecycle f at 20250101120000 on users {\n  add full_name text backfill 'x';\n}\n",
	       "a.mig:2:7: error: field User.fullName is required in schema.prisma but column \"full_name\" is still "
	       "backfilling in lifecycle 'f' (no 'enforce not null'): rows not yet backfilled read as NULL\n"
	       "    2 |   add full_name text backfill 'x';\n"
	       "      |       ^~~~~~~~~\n"
	       "schema.prisma:8:17: note: field User.fullName is declared required here\n"
	       "    8 |   fullName      String  @map(\"full_name\")\n"
	       "      |                 ^~~~~~\n");
}

static void test_default_mismatch(void **state)
{
	(void)state;
	expect("lifecycle d at 20250101120000 on users {\n  add status varchar(20) default 'x';\n}\n",
	       "a.mig:2:34: error: default of column \"status\" is 'x' after lifecycle 'd' but 'active' in schema.prisma\n"
	       "    2 |   add status varchar(20) default 'x';\n"
	       "      |                                  ^~~\n"
	       "schema.prisma:9:25: note: field User.status is declared here\n"
	       "    9 |   status        String? @default(\"active\") @db.VarChar(20)\n"
	       "      |                         ^~~~~~~~~~~~~~~~~~\n");
}

static void test_retired_column_still_in_schema(void **state)
{
	(void)state;
	expect("lifecycle r at 20250101120000 on users {\n  add status varchar(20) default 'active'\n"
	       "    backfill from legacy_status;\n  retire legacy_status varchar(20);\n}\n",
	       "a.mig:4:10: error: column \"legacy_status\" is retired by lifecycle 'r' but field User.legacy_status "
	       "still maps to it in schema.prisma\n"
	       "    4 |   retire legacy_status varchar(20);\n"
	       "      |          ^~~~~~~~~~~~~\n"
	       "schema.prisma:10:3: note: remove the field: after the contract step the column is gone\n"
	       "   10 |   legacy_status String? @db.VarChar(20)\n"
	       "      |   ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
}

static void test_later_lifecycle_decides_the_final_state(void **state)
{
	(void)state;
	/* added by one lifecycle and retired by a later one: only the retirement counts */
	expect("lifecycle a at 20250101120000 on users {\n  add gone text;\n}\n"
	       "lifecycle b at 20250101130000 on users {\n  retire gone text;\n}\n",
	       "");
}

static void test_index_column_missing(void **state)
{
	(void)state;
	expect("lifecycle i at 20250101120000 on users {\n  index users_email_idx on (email);\n}\n",
	       "a.mig:2:29: error: column \"email\" (in index \"users_email_idx\" of lifecycle 'i') is not in "
	       "schema.prisma\n"
	       "    2 |   index users_email_idx on (email);\n"
	       "      |                             ^~~~~\n"
	       "schema.prisma:6:7: note: model User has no field named email or with @map(\"email\")\n"
	       "    6 | model User {\n"
	       "      |       ^~~~\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agreeing_spec_is_clean),
		cmocka_unit_test(test_missing_table_names_the_mapped_model),
		cmocka_unit_test(test_missing_table_suggests_a_close_one),
		cmocka_unit_test(test_field_name_instead_of_mapped_column),
		cmocka_unit_test(test_type_mismatch),
		cmocka_unit_test(test_nullability_mismatch),
		cmocka_unit_test(test_required_field_still_backfilling),
		cmocka_unit_test(test_default_mismatch),
		cmocka_unit_test(test_retired_column_still_in_schema),
		cmocka_unit_test(test_later_lifecycle_decides_the_final_state),
		cmocka_unit_test(test_index_column_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
