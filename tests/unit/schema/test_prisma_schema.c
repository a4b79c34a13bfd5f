/* The schema.prisma reader: names through @map/@@map/@@schema, types and
 * defaults as SQL, unknown attributes skipped, errors with file:line:col. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/prisma_schema.h"
#include "util/fsutil.h"

#include <unistd.h>

static psl_schema *parse(const char *text, char **diags_out)
{
	diag_list d;
	diag_list_init(&d);
	psl_schema *s = NULL;
	psl_schema_parse(source_from_string("schema.prisma", text, strlen(text)), &d, &s);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_print_all(f, &d, false);
	fclose(f);
	diag_list_free(&d);
	*diags_out = buf;
	return s;
}

static const char *type_of(const psl_schema *s, const psl_field *f)
{
	static char out[128];
	mp_buf b = MP_BUF_INIT;
	if (!psl_field_sql_type(s, f, &b))
		buf_puts(&b, "(none)");
	snprintf(out, sizeof out, "%s", buf_cstr(&b));
	buf_free(&b);
	return out;
}

static const char *default_of(const psl_schema *s, const psl_field *f)
{
	static char out[128];
	mp_buf b = MP_BUF_INIT;
	if (!psl_field_sql_default(s, f, &b))
		buf_puts(&b, "(none)");
	snprintf(out, sizeof out, "%s", buf_cstr(&b));
	buf_free(&b);
	return out;
}

static const char schema_text[] =
	"// a comment\n"
	"datasource db {\n"
	"  provider = \"postgresql\"\n"
	"  url      = env(\"DATABASE_URL\")\n"
	"  schemas  = [\"app\", \"public\"]\n"
	"}\n"
	"generator client {\n  provider = \"prisma-client-js\"\n  previewFeatures = [\"multiSchema\"]\n}\n"
	"/// Roles\n"
	"enum Role {\n  USER  @map(\"user\")\n  ADMIN\n  @@map(\"role\")\n  @@schema(\"app\")\n}\n"
	"model Account {\n"
	"  id        BigInt   @id @default(autoincrement())\n"
	"  fullName  String   @map(\"full_name\") @db.VarChar(20)\n"
	"  balance   Decimal  @default(0) @db.Decimal(12, 2)\n"
	"  created   DateTime @default(now()) @map(name: \"created_at\")\n"
	"  seen      DateTime? @db.Timestamptz(6)\n"
	"  flags     Json?\n"
	"  tags      String[]\n"
	"  role      Role     @default(USER)\n"
	"  active    Boolean  @default(true) @zod.custom(imports.x) @deprecated\n"
	"  token     String   @default(cuid()) @unique(map: \"tok\")\n"
	"  owner     User?    @relation(fields: [ownerId], references: [id], onDelete: SetNull)\n"
	"  ownerId   Int?\n"
	"  legacy    Unsupported(\"circle\")?\n"
	"  @@map(\"accounts\")\n"
	"  @@schema(\"app\")\n"
	"  @@index([ownerId, created(sort: Desc)], type: BTree)\n"
	"}\n"
	"model User {\n  id Int @id\n  accounts Account[]\n  @@schema(\"public\")\n}\n"
	"view Totals {\n  id Int @unique\n}\n"
	"type Address {\n  street String\n}\n";

static void test_names_are_resolved_through_map(void **state)
{
	(void)state;
	char *diags;
	psl_schema *s = parse(schema_text, &diags);
	assert_string_equal(diags, "");
	assert_string_equal(s->provider, "postgresql");
	assert_int_equal(s->nschemas, 2);
	assert_int_equal(s->nmodels, 3);
	assert_int_equal(s->nenums, 1);
	assert_null(psl_model_find(s, NULL, "Account"));
	assert_null(psl_model_find(s, "public", "accounts"));
	const psl_model *m = psl_model_find(s, "app", "accounts");
	assert_non_null(m);
	assert_ptr_equal(psl_model_find(s, NULL, "accounts"), m);
	assert_non_null(psl_model_find(s, NULL, "User"));
	assert_null(psl_model_find(s, NULL, "Totals")); /* a view is not a table */
	assert_null(psl_field_find(s, m, "fullName"));
	assert_string_equal(psl_field_find(s, m, "full_name")->name, "fullName");
	assert_string_equal(psl_field_find(s, m, "created_at")->name, "created");
	assert_null(psl_field_find(s, m, "owner")); /* a relation field has no column */
	assert_string_equal(s->enums[0].db_name, "role");
	assert_string_equal(s->enums[0].values[0].db_name, "user");
	psl_schema_free(s);
	free(diags);
}

static void test_types_and_defaults_as_sql(void **state)
{
	(void)state;
	char *diags;
	psl_schema *s = parse(schema_text, &diags);
	const psl_model *m = psl_model_find(s, "app", "accounts");
	static const char *const want[][3] = {
		{"id", "bigint", "nextval()"},
		{"full_name", "varchar(20)", "(none)"},
		{"balance", "numeric(12,2)", "0"},
		{"created_at", "timestamp(3)", "CURRENT_TIMESTAMP"},
		{"seen", "timestamptz(6)", "(none)"},
		{"flags", "jsonb", "(none)"},
		{"tags", "text[]", "(none)"},
		{"role", "\"app\".\"role\"", "'user'"},
		{"active", "boolean", "TRUE"},
		{"token", "text", "(none)"}, /* cuid() is filled in by the client */
		{"legacy", "(none)", "(none)"},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const psl_field *f = psl_field_find(s, m, want[i][0]);
		assert_non_null(f);
		assert_string_equal(type_of(s, f), want[i][1]);
		assert_string_equal(default_of(s, f), want[i][2]);
	}
	assert_true(psl_field_find(s, m, "seen")->optional);
	assert_true(psl_field_find(s, m, "tags")->list);
	psl_schema_free(s);
	free(diags);
}

static void test_type_spellings_normalize(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
		{"timestamp(3) with time zone", "timestamptz(3)"}, {"int4", "integer"},
		{"character varying(20)", "varchar(20)"},         {"numeric(12, 2)", "numeric(12,2)"},
		{"decimal(12,2)[]", "numeric(12,2)[]"},           {"\"Role\"", "\"Role\""},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		mp_buf a = MP_BUF_INIT, b = MP_BUF_INIT;
		psl_normalize_type(pairs[i][0], &a);
		psl_normalize_type(pairs[i][1], &b);
		assert_string_equal(buf_cstr(&a), buf_cstr(&b));
		buf_free(&a);
		buf_free(&b);
	}
}

static void test_errors_have_places_and_parsing_goes_on(void **state)
{
	(void)state;
	char *diags;
	psl_schema *s = parse("model A {\n  id Int @id\n  name = 3\n}\n"
	                      "model B {\n  id Int @id\n}\n"
	                      "modle C {\n}\n"
	                      "model D {\n  s String @default(\"open\n}\n",
	                      &diags);
	assert_string_equal(diags, "schema.prisma:3:8: error: expected a field type, found '='\n"
	                           "    3 |   name = 3\n"
	                           "      |        ^\n"
	                           "schema.prisma:8:1: error: expected model, enum, view, type, datasource or generator, "
	                           "found 'modle'\n"
	                           "    8 | modle C {\n"
	                           "      | ^~~~~\n"
	                           "schema.prisma:11:21: error: unterminated string\n"
	                           "   11 |   s String @default(\"open\n"
	                           "      |                     ^~~~~\n");
	assert_int_equal(s->nmodels, 3);
	assert_non_null(psl_model_find(s, NULL, "B"));
	psl_schema_free(s);
	free(diags);
}

static void put(const char *dir, const char *name, const char *text)
{
	char *path = fs_join(dir, name), *parent = fs_path_dirname(path);
	assert_int_equal(fs_mkdir_p(parent, NULL), MP_OK);
	assert_int_equal(fs_write_file_atomic(path, text, strlen(text), NULL), MP_OK);
	free(parent);
	free(path);
}

/* A schema folder (Prisma's multi-file schema): every .prisma file below it,
 * links followed, one schema whose models keep their file. */
static void test_schema_folder(void **state)
{
	(void)state;
	char dir[] = "/tmp/migplan-psl-XXXXXX";
	assert_non_null(mkdtemp(dir));
	put(dir, "schema.prisma", "datasource db {\n  provider = \"postgresql\"\n}\n");
	put(dir, "models/user.prisma", "model User {\n  id Int @id\n  role Role\n}\n");
	put(dir, "models/deep/role.prisma", "enum Role {\n  A\n}\n");
	put(dir, "models/notes.txt", "model NotRead {\n  id Int @id\n}\n");
	put(dir, "models/.prisma", "model NotReadEither {\n  id Int @id\n}\n"); /* Node's extname: "" */
	put(dir, "../migplan-psl-outside.txt", "model Linked {\n  id Int @id\n}\n");
	char *outside = fs_join(dir, "../migplan-psl-outside.txt"), *link = fs_join(dir, "linked.prisma");
	char *loop = fs_join(dir, "models/deep/loop");
	assert_int_equal(symlink(outside, link), 0);       /* named .prisma, resolves to a .txt: not read */
	assert_int_equal(symlink(dir, loop), 0);           /* a cycle: walked once */
	diag_list d;
	diag_list_init(&d);
	psl_schema *s = NULL;
	mp_error err = {0};
	assert_int_equal(psl_schema_load(dir, &d, &s, &err), MP_OK);
	assert_int_equal(s->nsrcs, 3);
	assert_string_equal(s->provider, "postgresql");
	assert_int_equal(s->nmodels, 1);
	assert_int_equal(s->nenums, 1);
	assert_non_null(strstr(s->models[0].src->path, "/models/user.prisma"));
	assert_non_null(strstr(s->enums[0].src->path, "/models/deep/role.prisma"));
	assert_non_null(psl_enum_find(s, "Role")); /* types across files */
	psl_schema_free(s);

	put(dir, "models/deep/role.prisma", "enum Role {\n  A\n  @@map(\n}\n");
	assert_int_equal(psl_schema_load(dir, &d, &s, &err), MP_EINVAL);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.items[0].src->path, "/models/deep/role.prisma"));
	psl_schema_free(s);
	diag_list_free(&d);

	char empty[] = "/tmp/migplan-psl-empty-XXXXXX";
	assert_non_null(mkdtemp(empty));
	diag_list_init(&d);
	assert_int_equal(psl_schema_load(empty, &d, &s, &err), MP_EIO);
	assert_non_null(strstr(err.msg, "a schema folder without a .prisma file"));
	assert_null(s);
	diag_list_free(&d);
	unlink(link);
	unlink(loop);
	unlink(outside);
	fs_remove_tree(dir, NULL);
	fs_remove_tree(empty, NULL);
	free(outside);
	free(link);
	free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_are_resolved_through_map),
		cmocka_unit_test(test_types_and_defaults_as_sql),
		cmocka_unit_test(test_type_spellings_normalize),
		cmocka_unit_test(test_errors_have_places_and_parsing_goes_on),
		cmocka_unit_test(test_schema_folder),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
