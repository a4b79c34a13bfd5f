/* The .mig front end and planner, through the same library migc uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "compiler/emit.h"
#include "util/fsutil.h"
#include "sql/sqlparse.h"

/* Compiles text; returns all diagnostics as printed, one string. */
static char *compile_diags(const char *text, compile_result **out)
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
	if (out)
		*out = r;
	else
		compile_result_free(r);
	return buf;
}

static void assert_error(const char *spec, const char *expected)
{
	char *msg = compile_diags(spec, NULL);
	if (!strstr(msg, expected))
		fail_msg("expected diagnostic containing:\n  %s\ngot:\n%s", expected, msg);
	free(msg);
}

#define LC(body) "lifecycle l at 20250101120000 on \"User\" {\n" body "\n}\n"

static void test_user_status_plans_three_steps(void **state)
{
	compile_result *r;
	char *msg = compile_diags(LC("add status varchar(20) default 'active' backfill from legacy_status "
	                             "map (null -> 'active') batch 10000;\n"
	                             "enforce not null status;\nretire legacy_status varchar(20);"),
	                          &r);
	assert_string_equal(msg, "");
	assert_non_null(r->plan);
	assert_int_equal(r->plan->count, 3);
	assert_string_equal(r->plan->steps[0].id, "20250101120000_l_expand");
	assert_string_equal(r->plan->steps[1].id, "20250101120001_l_backfill_status");
	assert_string_equal(r->plan->steps[2].id, "20250101120002_l_contract");
	assert_true(r->plan->steps[0].transactional);
	assert_false(r->plan->steps[1].transactional);
	/* the safe contract: no full-table UPDATE, NOT NULL through a validated check */
	assert_null(strstr(r->plan->steps[2].up_sql, "\nUPDATE "));
	assert_non_null(strstr(r->plan->steps[2].up_sql, "VALIDATE CONSTRAINT"));
	/* gates: dual-write window, no NULLs, consistency with the mapping */
	int kinds = 0;
	for (size_t i = 0; i < r->plan->steps[2].ngates; i++)
		kinds |= 1 << r->plan->steps[2].gates[i].kind;
	assert_int_equal(kinds, (1 << GATE_MAX_PENDING) | (1 << GATE_MIN_AGE) | (1 << GATE_NO_NULLS) | (1 << GATE_CONSISTENCY));
	assert_non_null(r->plan->steps[1].backfill);
	assert_int_equal(r->plan->steps[1].backfill->batch, 10000);
	for (size_t i = 0; i < r->plan->count; i++) {
		mp_buf m = MP_BUF_INIT;
		assert_int_equal(sqlparse_check(r->plan->steps[i].up_sql, &m, NULL), 0);
		assert_int_equal(sqlparse_check(r->plan->steps[i].down_sql, &m, NULL), 0);
		buf_free(&m);
	}
	/* Prisma runs a file as one query: the backfill and index files are one statement */
	assert_int_equal(sqlparse_count_statements(r->plan->steps[1].up_sql), 1);
	compile_result_free(r);
	free(msg);
}

/* Two enforced columns backfilled separately: each backfill would break the
 * other column's NOT VALID check, so the checks get their own step after the
 * backfills; the trigger fires on every update (to fill rows the backfill has
 * not reached); without NOT NULL it lists the shared source column once. */
static void test_two_enforced_backfills_check_late(void **state)
{
	compile_result *r;
	char *msg = compile_diags(LC("add a text backfill from o map (null -> 'x');\n"
	                             "add b text backfill from o map (null -> 'y');\n"
	                             "enforce not null a;\nenforce not null b;\nretire o text;"),
	                          &r);
	assert_string_equal(msg, "");
	assert_int_equal(r->plan->count, 5);
	assert_string_equal(r->plan->steps[3].phase, "enforce");
	assert_null(strstr(r->plan->steps[0].up_sql, "NOT VALID"));
	assert_non_null(strstr(r->plan->steps[3].up_sql, "CHECK (\"a\" IS NOT NULL) NOT VALID"));
	assert_non_null(strstr(r->plan->steps[3].up_sql, "CHECK (\"b\" IS NOT NULL) NOT VALID"));
	assert_non_null(strstr(r->plan->steps[0].up_sql, "BEFORE INSERT OR UPDATE ON"));
	compile_result_free(r);
	free(msg);
	msg = compile_diags(LC("add a text backfill from o;\nadd b text backfill from o;\nretire o text;"), &r);
	assert_string_equal(msg, "");
	assert_non_null(strstr(r->plan->steps[0].up_sql, "BEFORE INSERT OR UPDATE OF \"o\", \"a\", \"b\" ON"));
	/* the reverse (inferred for a, the first add from o) fires on a only */
	assert_non_null(strstr(r->plan->steps[0].up_sql, "BEFORE UPDATE OF \"a\" ON"));
	compile_result_free(r);
	free(msg);
}

static void test_output_is_deterministic(void **state)
{
	const char *spec = LC("add s text backfill from o;\nretire o text;\nindex i on (s);");
	compile_result *a, *b;
	free(compile_diags(spec, &a));
	free(compile_diags(spec, &b));
	assert_int_equal(a->plan->count, b->plan->count);
	for (size_t i = 0; i < a->plan->count; i++) {
		assert_string_equal(a->plan->steps[i].up_sql, b->plan->steps[i].up_sql);
		assert_string_equal(a->plan->steps[i].down_sql, b->plan->steps[i].down_sql);
	}
	compile_result_free(a);
	compile_result_free(b);
}

static void test_hostile_names_are_quoted(void **state)
{
	compile_result *r;
	char *msg = compile_diags("lifecycle h at 20250101120000 on \"app\".\"we\"\"ird\" {\n"
	                          "  add \"s\xc3\xa9lect\" text default 'O''Brien' backfill 'a;b';\n}\n",
	                          &r);
	assert_string_equal(msg, "");
	const char *up = r->plan->steps[0].up_sql;
	/* a default other than the backfilled constant comes after the column,
	 * so that existing rows stay NULL for the backfill */
	assert_non_null(strstr(up, "ALTER TABLE \"app\".\"we\"\"ird\" ADD COLUMN \"s\xc3\xa9lect\" text;"));
	assert_non_null(strstr(up, "ALTER TABLE \"app\".\"we\"\"ird\" ALTER COLUMN \"s\xc3\xa9lect\" SET DEFAULT 'O''Brien';"));
	assert_non_null(strstr(r->plan->steps[1].up_sql, "'a;b'"));
	compile_result_free(r);
	free(msg);
}

static void test_step_ids_cross_midnight_and_year(void **state)
{
	compile_result *r;
	char *msg = compile_diags("lifecycle y at 20251231235959 on t {\n add c int backfill 1;\n enforce not null c;\n}\n",
	                          &r);
	assert_string_equal(msg, "");
	assert_string_equal(r->plan->steps[1].id, "20260101000000_y_backfill_c");
	assert_string_equal(r->plan->steps[2].id, "20260101000001_y_contract");
	compile_result_free(r);
	free(msg);
}

static void test_syntax_errors_recover_and_report_several(void **state)
{
	char *msg = compile_diags("lifecycle a at 20250101120000 on t {\n  add x int\n}\n"
	                          "lifecycle b at 20250102120000 on t {\n  add y int default;\n}\n"
	                          "lifecycle c at 2025 on t {\n  add z int;\n}\n",
	                          NULL);
	assert_non_null(strstr(msg, "t.mig:3:1: error: unexpected '}'; expected ';'"));
	assert_non_null(strstr(msg, "t.mig:5:20: error: unexpected ';'"));
	assert_non_null(strstr(msg, "t.mig:7:16: error: lifecycle id '2025' is not a timestamp"));
	assert_non_null(strstr(msg, "    3 | }\n      | ^\n"));
	free(msg);
}

static void test_lexer_errors(void **state)
{
	assert_error(LC("add x text default 'open"), "t.mig:2:20: error: unterminated string literal");
	assert_error(LC("check c $$ x > 0"), "unterminated dollar-quoted SQL");
	assert_error(LC("add x text default E'\\q';"), "unknown escape sequence \\q");
	assert_error(LC("add \"\" text;"), "zero-length quoted identifier");
}

static void test_semantic_errors(void **state)
{
	assert_error(LC("add s text;\nenforce not null z;"), "column 'z' is not added in lifecycle 'l'");
	assert_error(LC("add status text default 'a';\nenforce not null stats;"), "did you mean 'status'?");
	assert_error(LC("add s text;\nadd s int;"), "column 's' is added twice");
	assert_error(LC("enforce not null s;\nadd s text default 'x';"), "comes before the column is added (contract before expand)");
	assert_error(LC("add s text not null;"), "NOT NULL on 's' with no backfill source and no default");
	assert_error(LC("add s text not null backfill from o;\nretire o text;"), "can yield NULL");
	assert_error(LC("retire o text;\nadd s text backfill from o;"), "used (as a backfill source) after it is retired");
	assert_error(LC("add s varchr(2);"), "did you mean 'varchar'?");
	assert_error(LC("add s serial;"), "cannot be added to an existing table safely");
	assert_error(LC("add s numeric(5,9);"), "numeric scale must be from 0 to the precision");
	assert_error(LC("add s text backfill 'x' batch 0;"), "batch size must be from 1 to 1000000");
	assert_error(LC("set window = 72x;"), "bad duration '72x'");
	assert_error(LC("set lock_timout = 1s;"), "did you mean 'lock_timeout'?");
	assert_error(LC("retire o;"), "needs the column's type");
	assert_error(LC("retype a as int to a as bigint;"),
	             "integer to bigint rewrites the table and its indexes: a retype that keeps the column's name is in "
	             "place, and this is not");
	assert_error(LC("retype a as int to a as bigint;"), "note: give the new column its own name");
	assert_error(LC("retype a as varchar(2) to a as varchar(3) using $$a$$ reverse $$a$$;"),
	             "retype in place takes no using expression");
	assert_error(LC("retype a as varchar(2) to a as varchar(2);"), "retype in place of 'a' changes nothing");
	assert_error(LC("retype a as text to a as text not null;"), "retype in place cannot set NOT NULL (it scans");
	assert_error(LC("rename a to a as text;"), "rename needs a new column name");
	assert_error(LC("retype a as int to b as bigint;"), "retype needs using");
	assert_error(LC("alter a as int to bigint;"), "t.mig:2:19: error: integer to bigint rewrites the table and its indexes: not in place");
	assert_error(LC("alter a as int to bigint;"), "use `retype` instead");
	assert_error(LC("alter a as text to text not null;"), "alter cannot set NOT NULL in place (it scans the table): use `enforce not null a;`");
	assert_error(LC("alter a as text to text no default;"), "no default to drop");
	assert_error(LC("alter a as text default 'x' to text default 'x';"), "alter of 'a' changes nothing");
	assert_error(LC("alter a as text to text comment 'c';\nalter a as text to text null;"), "column 'a' is altered twice");
	assert_error(LC("alter a as text to text backfill 'x';"), "alter takes no backfill");
	assert_error(LC("alter a as varchar(3) to varchar(4) default 'abcde';"), "the default 'abcde' is 5 characters long");
	assert_error(LC("add s text comment 'c';"), "add takes no comment");
	assert_error(LC("add s varchar(5);\nalter s as varchar(5) to varchar(9);"), "column 's' is added in lifecycle 'l'");
	assert_error(LC("retype a as varchar(20) to b as varchar(50) using $$a$$ reverse $$b$$;"),
	             "note: in place: varchar(20) to varchar(50): the length limit only grows; `retype a as … to a as …` "
	             "(the same name) changes the column in place");
	assert_error(LC("add s text default 'x' no default;"), "option given twice");
	assert_error(LC("index i on (a);\nindex i on (b);"), "duplicate index name 'i'");
	assert_error(LC("index i on (a, a);"), "column 'a' is listed twice");
	assert_error(LC("index i on (a) as constraint;"), "only a unique index can become a constraint");
	assert_error(LC("foreign key f (a, b) references u (id);"), "foreign key has 2 column(s) but references 1");
	assert_error(LC("add s text default null;"), "'default null' is what a column has");
	assert_error(LC("add n int default 'x';"), "does not fit a numeric column");
	assert_error("lifecycle a at 20250230120000 on t { add x int; }\n", "'20250230120000' is not a timestamp");
	assert_error("lifecycle a at 20240229246000 on t { add x int; }\n", "is not a timestamp");
	assert_error("lifecycle a at 20250101120000 on t { add x int; }\nlifecycle a at 20250101130000 on t { add y int; }\n",
	             "duplicate lifecycle name 'a'");
	assert_error("lifecycle a at 20250101120000 on t { add x int; index i on (x); }\n"
	             "lifecycle b at 20250101120001 on t { add y int; }\n",
	             "overlaps lifecycle 'a'");
	assert_error("lifecycle a at 20250101120000 on t { retire o text; }\n"
	             "lifecycle b at 20250102120000 on t { index i on (o); }\n",
	             "after lifecycle 'a' retired it");
	assert_error(LC("sql s up $$ CREAT TABLE x () $$ down $$ DROP TABLE x $$;"), "does not parse");
	assert_error(LC("add s text backfill $$ lower( $$;"), "does not parse");
	/* a fragment cannot close the parentheses it is placed in and go on: no
	 * statement of its own reaches the emitted SQL */
	assert_error(LC("add s text backfill $$1) ; DROP TABLE x; SELECT (1$$;"), "must be one SQL expression");
	assert_error(LC("add s text backfill $$ 1, 2 $$;"), "must be one SQL expression");
	assert_error(LC("index i on (a) where $$a) OR (true$$;"), "must be one SQL expression");
	assert_error(LC("add \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" text;"), "PostgreSQL truncates names");
	/* issue 14: accepted options are honoured, the rest are located errors */
	assert_error(LC("add e text backfill $$ lower(email) $$ reverse $$ upper(e) $$;"),
	             "the reverse of 'e' needs a column to write: its backfill expression must read exactly one column this "
	             "lifecycle retires (it reads 0)");
	assert_error(LC("add a text backfill $$ a || 'x' $$;"), "the backfill expression reads 'a' itself");
	assert_error(LC("add a text backfill from o reverse map ('x' -> 'y');\nadd b text backfill from o reverse map ('x' -> 'z');"),
	             "'o' already gets the reverse of 'a'");
	/* rename table (ops/rename_table.c) */
	assert_error(LC("rename table to \"User\";"), "rename table: \"User\" is already the table's name");
	assert_error(LC("rename table to \"Account\";\nrename table to \"Member\";"), "renames its table twice");
	assert_error(LC("rename table to \"Account\";\nindex i on (a);"),
	             "t.mig:3:1: error: a lifecycle that renames its table holds no other item");
	assert_error(LC("rename \"table\" to \"Account\";"), "expected 'as' (a column's rename), or write `rename table to NAME;`");
	assert_error(LC("rename table to \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\";"),
	             "PostgreSQL truncates names");
	assert_error("lifecycle a at 20250101120000 on \"User\" { rename table to \"Account\"; }\n"
	             "lifecycle b at 20250102120000 on \"User\" { add x int; }\n",
	             "table \"User\" is renamed to \"Account\" by lifecycle 'a' (20250101120000)");
}

/* rename table: an expand and a contract; a later lifecycle on the new name,
 * and one renaming it back, are fine. */
static void test_rename_table_plans_expand_and_contract(void **state)
{
	compile_result *r;
	char *msg = compile_diags("lifecycle a at 20250101120000 on \"User\" { rename table to \"Account\"; }\n"
	                          "lifecycle b at 20250102120000 on \"Account\" { add x int; }\n"
	                          "lifecycle c at 20250103120000 on \"Account\" { rename TABLE to \"User\"; }\n"
	                          "lifecycle d at 20250104120000 on \"User\" { add y int; }\n",
	                          &r);
	assert_string_equal(msg, "");
	assert_non_null(r->plan);
	assert_string_equal(r->plan->steps[0].id, "20250101120000_a_expand");
	assert_string_equal(r->plan->steps[1].id, "20250101120001_a_contract");
	assert_non_null(strstr(r->plan->steps[0].up_sql, "ALTER TABLE \"User\" RENAME TO \"Account\";"));
	assert_non_null(strstr(r->plan->steps[0].up_sql, "CREATE VIEW \"User\" AS SELECT * FROM \"Account\";"));
	assert_non_null(strstr(r->plan->steps[1].up_sql, "DROP VIEW \"User\";"));
	assert_non_null(strstr(r->plan->steps[1].down_sql, "CREATE VIEW \"User\" AS SELECT * FROM \"Account\";"));
	free(msg);
	compile_result_free(r);
	(void)state;
}

/* Issue 19 item 1: nothing in a spec can end a `--` comment migc writes. A
 * name with a control character is refused where it is written; a literal
 * with one is written as an E'' string, on one line, in SQL and comments. */
static void test_comments_cannot_be_escaped(void **state)
{
	assert_error("lifecycle l at 20250101120000 on \"T\nDROP TABLE victim; --\" { add x int; }\n",
	             "t.mig:1:34: error: a quoted identifier may not contain control characters");
	assert_error(LC("add \"a\tb\" text;"), "may not contain control characters");
	compile_result *r;
	char *msg = compile_diags(LC("add s text default E'x\\nDROP TABLE victim; --'\n"
	                             "  backfill from o map (null -> E'y\\nDROP TABLE victim; --');\n"
	                             "retire o text not null;"),
	                          &r);
	assert_string_equal(msg, "");
	size_t seen = 0;
	for (size_t i = 0; i < r->plan->count; i++) {
		const char *files[2] = {r->plan->steps[i].up_sql, r->plan->steps[i].down_sql};
		for (int f = 0; f < 2; f++)
			for (const char *line = files[f]; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
				if (strncmp(line, "DROP TABLE victim", 17) == 0)
					fail_msg("a literal's newline ended a line in %s:\n%s", r->plan->steps[i].id, files[f]);
				seen += strncmp(line, "--", 2) == 0;
			}
	}
	assert_true(seen > 10);
	assert_non_null(strstr(r->plan->steps[0].up_sql, "E'y\\nDROP TABLE victim; --'"));
	compile_result_free(r);
	free(msg);
}

static const mf_gate *gate_of(const plan_step *s, mf_gate_kind kind)
{
	for (size_t i = 0; i < s->ngates; i++)
		if (s->gates[i].kind == kind)
			return &s->gates[i];
	return NULL;
}

/* Issue 14 cases 2, 3 and 5 at the plan level (tests/twoversions shows them
 * under load): a constant with no default is the window's default; a
 * volatile value has no consistency gate; `after` is the window of a
 * retire-only lifecycle, which has an expand step to count it from. */
static void test_window_forms(void **state)
{
	compile_result *r;
	char *msg = compile_diags(LC("add \"tagId\" integer backfill 1 not null;"), &r);
	assert_string_equal(msg, "");
	assert_non_null(strstr(r->plan->steps[0].up_sql, "ADD COLUMN \"tagId\" integer DEFAULT 1;"));
	assert_non_null(strstr(r->plan->steps[2].up_sql, "ALTER COLUMN \"tagId\" DROP DEFAULT;"));
	assert_non_null(strstr(r->plan->steps[2].down_sql, "ALTER COLUMN \"tagId\" SET DEFAULT 1;"));
	assert_null(strstr(r->plan->steps[0].up_sql, "CREATE TRIGGER"));
	assert_true(r->plan->steps[1].backfill->only_null);
	compile_result_free(r);
	free(msg);

	msg = compile_diags(LC("add x uuid backfill $$ gen_random_uuid() $$ not null;"), &r);
	assert_string_equal(msg, "");
	const plan_step *contract = &r->plan->steps[r->plan->count - 1];
	assert_non_null(gate_of(contract, GATE_NO_NULLS));
	assert_null(gate_of(contract, GATE_CONSISTENCY));
	compile_result_free(r);
	free(msg);

	msg = compile_diags(LC("retire body text after 48h;"), &r);
	assert_string_equal(msg, "");
	assert_int_equal(r->plan->count, 2);
	assert_string_equal(r->plan->steps[0].phase, "expand");
	assert_non_null(strstr(r->plan->steps[0].up_sql, "COMMENT ON COLUMN \"User\".\"body\" IS"));
	const mf_gate *g = gate_of(&r->plan->steps[1], GATE_MIN_AGE);
	assert_non_null(g);
	assert_int_equal(g->duration_ms, 48LL * 3600 * 1000);
	assert_string_equal(g->after, r->plan->steps[0].id);
	/* the contract's own SQL holds the window for plain `prisma migrate deploy` */
	assert_non_null(strstr(r->plan->steps[1].up_sql, "migplan gate min_age"));
	assert_non_null(strstr(r->plan->steps[1].up_sql, "interval '172800000 milliseconds'"));
	compile_result_free(r);
	free(msg);
}

static void test_emit_refuses_ids_before_existing_and_writes_nothing(void **state)
{
	char dir[] = "/tmp/migplan-unit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *foreign = fs_join(dir, "20990101000000_later");
	assert_int_equal(fs_mkdir_p(foreign, NULL), 0);
	compile_result *r;
	free(compile_diags(LC("add s text backfill 'x';"), &r));
	diag_list d;
	diag_list_init(&d);
	emit_report rep;
	mp_error err = {0};
	assert_int_equal(emit_prisma_folder(r->plan, dir, &d, &rep, &err), MP_EINVAL);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.items[0].message, "would sort before the existing migration 20990101000000_later"));
	char *lock = fs_join(dir, "migration_lock.toml"), *man = fs_join(dir, "migplan.manifest.json");
	assert_false(fs_exists(lock));
	assert_false(fs_exists(man));
	emit_report_free(&rep);
	diag_list_free(&d);
	compile_result_free(r);
	fs_remove_tree(dir, NULL);
	free(foreign);
	free(lock);
	free(man);
}

/* Every SQL file committed under examples/ (baselines and generated steps)
 * parses with the real PostgreSQL parser. */
static void test_every_example_file_parses(void **state)
{
	char *ex = fs_join(MIGPLAN_SOURCE_DIR, "examples");
	char **names;
	size_t n;
	assert_int_equal(fs_list_subdirs(ex, &names, &n, NULL), 0);
	size_t files = 0;
	for (size_t i = 0; i < n; i++) {
		char *mdir = xstrdup(ex);
		mp_buf p = MP_BUF_INIT;
		buf_printf(&p, "%s/%s/prisma/migrations", ex, names[i]);
		if (!fs_is_dir(p.ptr)) { /* a Prisma 7 project's migrations.path (examples/prisma7_project) */
			buf_clear(&p);
			buf_printf(&p, "%s/%s/db/migrations", ex, names[i]);
		}
		char **steps;
		size_t nsteps;
		assert_int_equal(fs_list_subdirs(p.ptr, &steps, &nsteps, NULL), 0);
		for (size_t j = 0; j < nsteps; j++) {
			const char *kinds[] = {"migration.sql", "down.sql"};
			for (int k = 0; k < 2; k++) {
				mp_buf f = MP_BUF_INIT;
				buf_printf(&f, "%s/%s/%s", p.ptr, steps[j], kinds[k]);
				char *text;
				size_t len;
				if (fs_read_file(f.ptr, &text, &len, NULL) == 0) {
					mp_buf msg = MP_BUF_INIT;
					if (sqlparse_check(text, &msg, NULL) != 0)
						fail_msg("%s does not parse: %s", f.ptr, msg.ptr);
					buf_free(&msg);
					free(text);
					files++;
				}
				buf_free(&f);
			}
		}
		fs_free_list(steps, nsteps);
		buf_free(&p);
		free(mdir);
	}
	assert_true(files >= 30);
	fs_free_list(names, n);
	free(ex);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_status_plans_three_steps),
		cmocka_unit_test(test_two_enforced_backfills_check_late),
		cmocka_unit_test(test_output_is_deterministic),
		cmocka_unit_test(test_hostile_names_are_quoted),
		cmocka_unit_test(test_step_ids_cross_midnight_and_year),
		cmocka_unit_test(test_syntax_errors_recover_and_report_several),
		cmocka_unit_test(test_lexer_errors),
		cmocka_unit_test(test_semantic_errors),
		cmocka_unit_test(test_rename_table_plans_expand_and_contract),
		cmocka_unit_test(test_window_forms),
		cmocka_unit_test(test_comments_cannot_be_escaped),
		cmocka_unit_test(test_emit_refuses_ids_before_existing_and_writes_nothing),
		cmocka_unit_test(test_every_example_file_parses),
	};
	return cmocka_run_group_tests_name("compiler", tests, NULL, NULL);
}
