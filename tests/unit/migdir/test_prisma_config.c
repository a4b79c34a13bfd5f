/* prisma.config.ts read without running it: found as Prisma finds it, static values taken, the rest refused with a place (migdir/prisma_config.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "migdir/prisma_config.h"
#include "util/buf.h"
#include "util/fsutil.h"

static prisma_config *parse(const char *text)
{
	return prisma_config_parse(source_from_string("prisma.config.ts", text, strlen(text)));
}

/* The key's value, "" when the file does not set it, or "ERR <message>". */
static char *value(const prisma_config *c, prisma_config_key key)
{
	char *s = NULL;
	mp_error err = {0};
	mp_buf b = MP_BUF_INIT;
	if (prisma_config_string(c, key, &s, &err) != MP_OK)
		buf_printf(&b, "ERR %s", err.msg);
	else
		buf_puts(&b, s ? s : "");
	free(s);
	return buf_detach(&b);
}

static void assert_value(const prisma_config *c, prisma_config_key key, const char *want)
{
	char *got = value(c, key);
	assert_string_equal(got, want);
	free(got);
}

static void assert_refused(const prisma_config *c, prisma_config_key key, const char *want_part)
{
	char *got = value(c, key);
	if (strncmp(got, "ERR ", 4) != 0 || !strstr(got, want_part))
		fail_msg("%s: '%s' does not hold '%s'", prisma_config_key_name(key), got, want_part);
	free(got);
}

static void test_prisma_init_config(void **state)
{
	(void)state;
	setenv("MIGPLAN_T_URL", "postgresql://u@h/db", 1);
	prisma_config *c = parse("import \"dotenv/config\";\n"
	                         "import { defineConfig, env } from \"prisma/config\";\n\n"
	                         "export default defineConfig({\n"
	                         "  schema: \"prisma/schema\",\n"
	                         "  migrations: {\n    path: 'db/migrations',\n    seed: `tsx prisma/seed.ts`,\n  },\n"
	                         "  datasource: {\n    url: env('MIGPLAN_T_URL'),\n  },\n"
	                         "});\n");
	assert_value(c, PRISMA_CONFIG_SCHEMA, "prisma/schema");
	assert_value(c, PRISMA_CONFIG_MIGRATIONS, "db/migrations");
	assert_value(c, PRISMA_CONFIG_URL, "postgresql://u@h/db");
	assert_value(c, PRISMA_CONFIG_DIRECT_URL, "");
	assert_false(prisma_config_has(c, PRISMA_CONFIG_DIRECT_URL));
	assert_true(prisma_config_has(c, PRISMA_CONFIG_URL));
	unsetenv("MIGPLAN_T_URL");
	assert_refused(c, PRISMA_CONFIG_URL,
	               "prisma.config.ts:11:10: datasource.url is env('MIGPLAN_T_URL'), and MIGPLAN_T_URL is not set");
	prisma_config_free(c);
}

/* export default {...} satisfies PrismaConfig, a const, module.exports, TS syntax. */
static void test_export_forms(void **state)
{
	(void)state;
	const char *forms[] = {
		"export default { schema: 'a.prisma' } satisfies PrismaConfig\n",
		"const config: PrismaConfig = { schema: 'a.prisma' };\nexport default config;\n",
		"const config = defineConfig({ schema: 'a.prisma' })\nexport default config\n",
		"module.exports = defineConfig({ schema: \"a.prisma\", });\n",
		"export default defineConfig<Env>(({ schema: 'a.prisma' }) as PrismaConfig,);\n",
		"// a comment { with a brace\n/* and } another */ const re = /[}{]/g;\n"
		"export default { migrations: { seed: `x ${ {a: '}'}.a } y` }, 'schema': 'a.prisma' };\n",
		"const dir = 'a.prisma';\nexport default defineConfig({ schema: dir as string });\n",
		"const schema = 'a.prisma';\nexport default { schema };\n",
		"export default { schema: 'b.prisma', ['schema']: 'a.prisma' };\n",
	};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		prisma_config *c = parse(forms[i]);
		char *got = value(c, PRISMA_CONFIG_SCHEMA);
		if (strcmp(got, "a.prisma") != 0)
			fail_msg("form %zu: got '%s'", i, got);
		free(got);
		prisma_config_free(c);
	}
}

static void test_env_forms(void **state)
{
	(void)state;
	setenv("MIGPLAN_T_A", "from-a", 1);
	setenv("MIGPLAN_T_EMPTY", "", 1);
	unsetenv("MIGPLAN_T_NONE");
	const struct {
		const char *url, *want;
	} cases[] = {
		{"process.env.MIGPLAN_T_A", "from-a"},
		{"process.env['MIGPLAN_T_A']!", "from-a"},
		{"env<Env>(\"MIGPLAN_T_A\")", "from-a"},
		{"process.env.MIGPLAN_T_NONE ?? process.env.MIGPLAN_T_A", "from-a"},
		{"process.env.MIGPLAN_T_EMPTY || 'lit'", "lit"},
		{"(process.env.MIGPLAN_T_NONE || undefined) ?? `tpl`", "tpl"},
		{"'a\\x41\\u0042\\u{1F600}\\n'", "aAB\xF0\x9F\x98\x80\n"},
		{"process.env.MIGPLAN_T_EMPTY ?? 'lit'", "ERR prisma.config.ts:1:37: datasource.url is empty"},
		{"process.env.MIGPLAN_T_NONE",
		 "ERR prisma.config.ts:1:37: datasource.url is undefined (MIGPLAN_T_NONE is not set)"},
		{"env('MIGPLAN_T_EMPTY')",
		 "ERR prisma.config.ts:1:37: datasource.url is env('MIGPLAN_T_EMPTY'), and MIGPLAN_T_EMPTY is empty "
		 "(Prisma's env() refuses it)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		mp_buf text = MP_BUF_INIT;
		buf_printf(&text, "export default { datasource: { url: %s } }", cases[i].url);
		prisma_config *c = parse(buf_cstr(&text));
		char *got = value(c, PRISMA_CONFIG_URL);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu (%s): got '%s'", i, cases[i].url, got);
		free(got);
		prisma_config_free(c);
		buf_free(&text);
	}
	unsetenv("MIGPLAN_T_A");
	unsetenv("MIGPLAN_T_EMPTY");
}

/* What cannot be read statically is refused, with its place, key by key. */
static void test_refusals(void **state)
{
	(void)state;
	prisma_config *c = parse("import path from 'node:path'\n"
	                         "const base = getBase()\n"
	                         "export default defineConfig({\n"
	                         "  schema: path.join('prisma', 'schema'),\n"
	                         "  migrations: { path: `${base}/migrations` },\n"
	                         "  datasource: { url: dbUrl },\n"
	                         "})\n");
	assert_refused(c, PRISMA_CONFIG_SCHEMA,
	               "prisma.config.ts:4:11: schema is a call of path.join(), which migplan does not evaluate "
	               "(it reads the config without running it)");
	assert_refused(c, PRISMA_CONFIG_MIGRATIONS,
	               "prisma.config.ts:5:23: migrations.path is a template literal with ${...}");
	assert_refused(c, PRISMA_CONFIG_URL,
	               "prisma.config.ts:6:22: datasource.url is the name dbUrl (not a top-level const of the file)");
	prisma_config_free(c);

	c = parse("export default {\n  schema: 'keep.prisma',\n  ...base,\n  datasource: getDs(),\n}\n");
	assert_refused(c, PRISMA_CONFIG_SCHEMA, "prisma.config.ts:3:3: schema may be set by a spread (...)");
	assert_refused(c, PRISMA_CONFIG_MIGRATIONS, "3:3: migrations.path may be set by a spread");
	assert_refused(c, PRISMA_CONFIG_URL,
	               "prisma.config.ts:4:15: datasource.url is in datasource, and datasource is a call of getDs()");
	prisma_config_free(c);

	c = parse("export default { ...base, schema: 'after.prisma', datasource: { url() { return 'x' } } }");
	assert_value(c, PRISMA_CONFIG_SCHEMA, "after.prisma");
	assert_refused(c, PRISMA_CONFIG_URL, "datasource.url is a method");
	assert_refused(c, PRISMA_CONFIG_MIGRATIONS, "migrations.path may be set by a spread");
	prisma_config_free(c);

	c = parse("export default async () => ({ schema: 'x' })\n");
	assert_refused(c, PRISMA_CONFIG_SCHEMA,
	               "prisma.config.ts:1:16: the default export is an async expression, not an object literal");
	prisma_config_free(c);
	c = parse("const x = { schema: 'x' }\n");
	assert_refused(c, PRISMA_CONFIG_URL, "prisma.config.ts:1:1: found no `export default`");
	prisma_config_free(c);
	c = parse("export default {\n  schema: 'x',\n  datasource: { url: 'it''s' },\n}");
	assert_value(c, PRISMA_CONFIG_SCHEMA, "x");
	assert_refused(c, PRISMA_CONFIG_URL, "prisma.config.ts:3:26: datasource.url is a string after a value");
	prisma_config_free(c);
}

/* Bounds: deep parentheses, long chains; a refusal leaves the next key readable. */
static void test_bounds(void **state)
{
	(void)state;
	mp_buf b = MP_BUF_INIT;
	buf_puts(&b, "export default { schema: ");
	for (int i = 0; i < 40; i++)
		buf_putc(&b, '(');
	buf_puts(&b, "'x'");
	for (int i = 0; i < 40; i++)
		buf_putc(&b, ')');
	buf_puts(&b, ", migrations: { path: ((('db/m'))) }, datasource: { url: process.env.A");
	for (int i = 0; i < 70; i++)
		buf_puts(&b, " ?? process.env.A");
	buf_puts(&b, " } }");
	prisma_config *c = parse(buf_cstr(&b));
	assert_refused(c, PRISMA_CONFIG_SCHEMA, "schema is a value through more than 32 consts or parentheses");
	assert_value(c, PRISMA_CONFIG_MIGRATIONS, "db/m");
	assert_refused(c, PRISMA_CONFIG_URL, "datasource.url is more than 64 ?? or || in a row");
	prisma_config_free(c);
	buf_free(&b);
	c = parse("const a = b\nconst b = a\nexport default { schema: a }");
	assert_refused(c, PRISMA_CONFIG_SCHEMA, "schema is the name b (not a top-level const of the file)");
	prisma_config_free(c);
}

/* Files that are not JavaScript's tokens: one error for the whole file. */
static void test_lexical_errors(void **state)
{
	(void)state;
	const struct {
		const char *text, *want;
	} cases[] = {
		{"export default { schema: 'x }", "prisma.config.ts:1:26: a string is never closed"},
		{"export default { schema: 'x' ", "prisma.config.ts:1:16: this '{' is never closed"},
		{"export default ( schema: 'x' }", "prisma.config.ts:1:30: this '}' closes nothing opened before it"},
		{"/* export default {}", "prisma.config.ts:1:1: a /* comment is never closed"},
		{"export default `${ {", "a template literal's ${ is never closed"},
		{"export default '\\u{110000}'", "prisma.config.ts:1:17: a malformed \\u escape"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		prisma_config *c = parse(cases[i].text);
		assert_refused(c, PRISMA_CONFIG_SCHEMA, cases[i].want);
		prisma_config_free(c);
	}
	prisma_config *c = parse("// only a comment\n");
	assert_value(c, PRISMA_CONFIG_SCHEMA, "");
	prisma_config_free(c);
}

/* Paths relative to the config file's directory, as Prisma resolves them. */
static void test_paths(void **state)
{
	(void)state;
	const char *text = "export default { schema: '../prisma/schema/', migrations: { path: '' } }";
	prisma_config *c = prisma_config_parse(source_from_string(".config/prisma.ts", text, strlen(text)));
	char *p = NULL;
	mp_error err = {0};
	assert_int_equal(prisma_config_path(c, PRISMA_CONFIG_SCHEMA, &p, &err), MP_OK);
	assert_string_equal(p, "prisma/schema");
	free(p);
	assert_int_equal(prisma_config_path(c, PRISMA_CONFIG_MIGRATIONS, &p, &err), MP_OK);
	assert_null(p); /* "" is no path: Prisma's default */
	prisma_config_free(c);
	text = "export default { schema: '/abs//x.prisma' }";
	c = prisma_config_parse(source_from_string("proj/prisma.config.ts", text, strlen(text)));
	assert_int_equal(prisma_config_path(c, PRISMA_CONFIG_SCHEMA, &p, &err), MP_OK);
	assert_string_equal(p, "/abs/x.prisma");
	free(p);
	prisma_config_free(c);
}

static void touch(const char *dir, const char *name)
{
	char *path = fs_join(dir, name);
	char *parent = fs_path_dirname(path);
	assert_int_equal(fs_mkdir_p(parent, NULL), MP_OK);
	assert_int_equal(fs_write_file_atomic(path, "export default {}\n", 18, NULL), MP_OK);
	free(parent);
	free(path);
}

/* @prisma/config's order of candidates. */
static void test_find(void **state)
{
	(void)state;
	char dir[] = "/tmp/migplan-pcfg-XXXXXX";
	assert_non_null(mkdtemp(dir));
	assert_null(prisma_config_find(dir));
	const char *order[] = {".config/prisma.config/index.cts", ".config/prisma.config.mts", ".config/prisma/index.js",
	                       ".config/prisma.cjs", "prisma.config/index.ts", "prisma.config.mts", "prisma.config.ts",
	                       "prisma.config.js", ".config/prisma7.ts", "prisma7.config.cts"};
	for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
		touch(dir, order[i]);
		char *found = prisma_config_find(dir), *want = fs_join(dir, order[i]);
		assert_string_equal(found, want);
		free(found);
		free(want);
	}
	char *cwd = getcwd(NULL, 0);
	assert_int_equal(chdir(dir), 0);
	char *found = prisma_config_find(".");
	assert_string_equal(found, "prisma7.config.cts");
	free(found);
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
	prisma_config *c = NULL;
	mp_error err = {0};
	assert_int_equal(prisma_config_load("x/prisma.config.json", &c, &err), MP_EINVAL);
	assert_non_null(strstr(err.msg, "only as .js, .ts, .mjs, .cjs, .mts or .cts"));
	assert_int_equal(prisma_config_load("/nonexistent/prisma.config.ts", &c, &err), MP_EIO);
	fs_remove_tree(dir, NULL);
}

static void test_path_helpers(void **state)
{
	(void)state;
	const char *cases[][2] = {{"./a//b/../c/", "a/c"}, {"", "."}, {"/..", "/"}, {"../x/../../y", "../../y"},
	                          {"a/..", "."},          {"/a/./b", "/a/b"}};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *n = fs_path_normalize(cases[i][0]);
		assert_string_equal(n, cases[i][1]);
		free(n);
	}
	char *d = fs_path_dirname("prisma.config.ts");
	assert_string_equal(d, ".");
	free(d);
	d = fs_path_dirname("/x");
	assert_string_equal(d, "/");
	free(d);
	d = fs_path_resolve(".config", "../p");
	assert_string_equal(d, "p");
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prisma_init_config), cmocka_unit_test(test_export_forms),
		cmocka_unit_test(test_env_forms),          cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_lexical_errors),     cmocka_unit_test(test_paths),
		cmocka_unit_test(test_find),               cmocka_unit_test(test_path_helpers),
		cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
