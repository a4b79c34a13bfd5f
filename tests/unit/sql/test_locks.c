/* The lock analysis: PostgreSQL 15's conflict table, the lock each statement
 * form takes and for how long, transaction states as Prisma runs a file, and
 * the statement spans and comments the parser wrapper reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sql/locks.h"
#include "sql/locks_file.h"
#include "sql/sqlparse.h"

static sql_file *parse(const char *sql)
{
	sql_file *f;
	mp_error err = {0};
	if (sqlparse_file(sql, strlen(sql), &f, NULL, &err) < 0)
		fail_msg("does not parse: %s: %s", sql, err.msg);
	return f;
}

static void test_conflict_table_is_symmetric_and_matches_the_docs(void **state)
{
	(void)state;
	for (int a = LOCK_NONE; a <= LOCK_ACCESS_EXCLUSIVE; a++)
		for (int b = LOCK_NONE; b <= LOCK_ACCESS_EXCLUSIVE; b++)
			assert_int_equal(lock_conflicts(a, b), lock_conflicts(b, a));
	assert_false(lock_conflicts(LOCK_ROW_EXCLUSIVE, LOCK_ROW_EXCLUSIVE));
	assert_true(lock_conflicts(LOCK_SHARE_UPDATE_EXCLUSIVE, LOCK_SHARE_UPDATE_EXCLUSIVE));
	assert_false(lock_conflicts(LOCK_SHARE, LOCK_SHARE));
	assert_true(lock_conflicts(LOCK_SHARE, LOCK_ROW_EXCLUSIVE));
	assert_false(lock_conflicts(LOCK_EXCLUSIVE, LOCK_ACCESS_SHARE));
	assert_true(lock_conflicts(LOCK_ACCESS_EXCLUSIVE, LOCK_ACCESS_SHARE));
	assert_int_equal(lock_blocks(LOCK_ACCESS_EXCLUSIVE), BLOCKS_READS | BLOCKS_WRITES | BLOCKS_DDL);
	assert_int_equal(lock_blocks(LOCK_SHARE), BLOCKS_WRITES | BLOCKS_DDL);
	assert_int_equal(lock_blocks(LOCK_SHARE_UPDATE_EXCLUSIVE), BLOCKS_DDL);
	assert_int_equal(lock_blocks(LOCK_NONE), 0);
}

typedef struct {
	const char *sql;
	lock_mode mode;
	const char *relation;
	lock_duration dur;
} lock_case;

static const lock_case cases[] = {
	{"ALTER TABLE \"User\" ADD COLUMN \"status\" VARCHAR(20) DEFAULT 'active'", LOCK_ACCESS_EXCLUSIVE, "User", DUR_METADATA},
	{"ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now()", LOCK_ACCESS_EXCLUSIVE, "t", DUR_METADATA},
	{"ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid()", LOCK_ACCESS_EXCLUSIVE, "t", DUR_REWRITE},
	{"ALTER TABLE t ADD COLUMN c bigserial", LOCK_ACCESS_EXCLUSIVE, "t", DUR_REWRITE},
	{"ALTER TABLE s.t ALTER COLUMN c TYPE bigint", LOCK_ACCESS_EXCLUSIVE, "s.t", DUR_REWRITE},
	{"ALTER TABLE t ALTER COLUMN c SET NOT NULL", LOCK_ACCESS_EXCLUSIVE, "t", DUR_SCAN},
	{"ALTER TABLE t ALTER COLUMN c DROP NOT NULL", LOCK_ACCESS_EXCLUSIVE, "t", DUR_METADATA},
	{"ALTER TABLE t ADD CONSTRAINT k CHECK (c > 0)", LOCK_ACCESS_EXCLUSIVE, "t", DUR_SCAN},
	{"ALTER TABLE t ADD CONSTRAINT k CHECK (c > 0) NOT VALID", LOCK_ACCESS_EXCLUSIVE, "t", DUR_METADATA},
	{"ALTER TABLE t VALIDATE CONSTRAINT k", LOCK_SHARE_UPDATE_EXCLUSIVE, "t", DUR_SCAN},
	{"ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id)", LOCK_SHARE_ROW_EXCLUSIVE, "t", DUR_SCAN},
	{"ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id) NOT VALID", LOCK_SHARE_ROW_EXCLUSIVE, "t",
	 DUR_METADATA},
	{"ALTER TABLE t ADD PRIMARY KEY (id)", LOCK_ACCESS_EXCLUSIVE, "t", DUR_SCAN},
	{"ALTER TABLE t ADD CONSTRAINT k UNIQUE USING INDEX i", LOCK_ACCESS_EXCLUSIVE, "t", DUR_METADATA},
	{"ALTER TABLE t SET (fillfactor = 70)", LOCK_SHARE_UPDATE_EXCLUSIVE, "t", DUR_METADATA},
	{"ALTER TABLE t DISABLE TRIGGER trg", LOCK_SHARE_ROW_EXCLUSIVE, "t", DUR_METADATA},
	{"ALTER TABLE t SET TABLESPACE fast", LOCK_ACCESS_EXCLUSIVE, "t", DUR_REWRITE},
	{"CREATE INDEX i ON t (a)", LOCK_SHARE, "t", DUR_SCAN},
	{"CREATE UNIQUE INDEX CONCURRENTLY i ON t (a)", LOCK_SHARE_UPDATE_EXCLUSIVE, "t", DUR_SCAN},
	{"DROP INDEX i", LOCK_ACCESS_EXCLUSIVE, "i", DUR_METADATA},
	{"DROP INDEX CONCURRENTLY s.i", LOCK_SHARE_UPDATE_EXCLUSIVE, "s.i", DUR_METADATA},
	{"DROP TABLE t", LOCK_ACCESS_EXCLUSIVE, "t", DUR_METADATA},
	{"DROP TRIGGER trg ON s.t", LOCK_ACCESS_EXCLUSIVE, "s.t", DUR_METADATA},
	{"TRUNCATE t", LOCK_ACCESS_EXCLUSIVE, "t", DUR_METADATA},
	{"ALTER TABLE t RENAME COLUMN a TO b", LOCK_ACCESS_EXCLUSIVE, "t", DUR_METADATA},
	{"ALTER INDEX i RENAME TO j", LOCK_SHARE_UPDATE_EXCLUSIVE, "i", DUR_METADATA},
	{"UPDATE t SET a = 1", LOCK_ROW_EXCLUSIVE, "t", DUR_SCAN},
	{"UPDATE t SET a = 1 WHERE id < 100", LOCK_ROW_EXCLUSIVE, "t", DUR_ROWS},
	{"DELETE FROM t WHERE id = 1", LOCK_ROW_EXCLUSIVE, "t", DUR_ROWS},
	{"INSERT INTO t (a) VALUES (1)", LOCK_ROW_EXCLUSIVE, "t", DUR_ROWS},
	{"SELECT * FROM t", LOCK_ACCESS_SHARE, "t", DUR_ROWS},
	{"VACUUM FULL t", LOCK_ACCESS_EXCLUSIVE, "t", DUR_REWRITE},
	{"VACUUM t", LOCK_SHARE_UPDATE_EXCLUSIVE, "t", DUR_SCAN},
	{"CLUSTER t USING i", LOCK_ACCESS_EXCLUSIVE, "t", DUR_REWRITE},
	{"REINDEX TABLE t", LOCK_SHARE, "t", DUR_SCAN},
	{"REINDEX INDEX CONCURRENTLY i", LOCK_SHARE_UPDATE_EXCLUSIVE, "i", DUR_SCAN},
	{"CREATE TRIGGER trg AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()", LOCK_SHARE_ROW_EXCLUSIVE, "t",
	 DUR_METADATA},
	{"LOCK TABLE t IN SHARE ROW EXCLUSIVE MODE", LOCK_SHARE_ROW_EXCLUSIVE, "t", DUR_METADATA},
	{"REFRESH MATERIALIZED VIEW CONCURRENTLY mv", LOCK_EXCLUSIVE, "mv", DUR_REWRITE},
	{"CREATE TABLE n (id int REFERENCES u (id))", LOCK_SHARE_ROW_EXCLUSIVE, "u", DUR_METADATA},
	{"COMMENT ON COLUMN s.t.c IS 'x'", LOCK_SHARE_UPDATE_EXCLUSIVE, "s.t", DUR_METADATA},
	{"COMMENT ON TABLE t IS 'x'", LOCK_SHARE_UPDATE_EXCLUSIVE, "t", DUR_METADATA},
	{"WITH d AS (UPDATE t SET a = 1 WHERE id < 9 RETURNING id) SELECT count(*) FROM d", LOCK_ROW_EXCLUSIVE, "t",
	 DUR_ROWS},
	{"DO $$BEGIN UPDATE t SET a = 1 WHERE id < 9; END$$", LOCK_ROW_EXCLUSIVE, "t", DUR_ROWS},
};

static void test_each_statement_form_takes_the_documented_lock(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		sql_file *f = parse(cases[i].sql);
		assert_int_equal(f->nstmts, 1);
		locks_ctx *c = locks_ctx_new();
		lock_list l = {0};
		locks_analyze(c, &f->stmts[0], &l);
		if (l.count < 1)
			fail_msg("%s: no lock", cases[i].sql);
		if (l.items[0].mode != cases[i].mode || strcmp(l.items[0].relation, cases[i].relation) != 0 ||
		    l.items[0].duration != cases[i].dur)
			fail_msg("%s: got %s on %s (%s)", cases[i].sql, lock_mode_name(l.items[0].mode), l.items[0].relation,
			         lock_duration_name(l.items[0].duration));
		lock_list_free(&l);
		locks_ctx_free(c);
		sqlparse_free(f);
	}
}

static void test_statements_without_table_locks(void **state)
{
	(void)state;
	sql_file *f = parse("SET lock_timeout = '1s'; BEGIN; CREATE TABLE x (id int); CREATE TYPE e AS ENUM ('a'); COMMIT;");
	locks_ctx *c = locks_ctx_new();
	for (size_t i = 0; i < f->nstmts; i++) {
		lock_list l = {0};
		locks_analyze(c, &f->stmts[i], &l);
		assert_int_equal(l.count, 0);
		lock_list_free(&l);
	}
	locks_ctx_free(c);
	sqlparse_free(f);
}

/* ALTER COLUMN … TYPE is catalog only when the column's type before it is
 * known (CREATE TABLE, ADD COLUMN, an earlier type change, or the compiler's
 * word) and PostgreSQL's rule skips the rewrite; unknown, after a rename, with
 * USING or a narrowing it stays a rewrite. */
static void test_type_change_in_place_from_the_type_before(void **state)
{
	(void)state;
	struct {
		const char *sql;
		lock_duration dur;
	} cases[] = {
		{"ALTER TABLE \"T\" ALTER COLUMN \"email\" TYPE varchar(50)", DUR_METADATA},
		{"ALTER TABLE \"T\" ALTER COLUMN \"email\" TYPE varchar(40)", DUR_REWRITE},  /* narrows 50 */
		{"ALTER TABLE \"T\" ALTER COLUMN \"email\" TYPE text", DUR_METADATA},
		{"ALTER TABLE \"T\" ALTER COLUMN \"amount\" TYPE numeric(12,2)", DUR_METADATA},
		{"ALTER TABLE \"T\" ALTER COLUMN \"amount\" TYPE numeric(14,3)", DUR_REWRITE}, /* new scale */
		{"ALTER TABLE \"T\" ALTER COLUMN \"n\" TYPE bigint", DUR_REWRITE},
		{"ALTER TABLE \"T\" ALTER COLUMN \"added\" TYPE varchar", DUR_METADATA},
		{"ALTER TABLE \"T\" ALTER COLUMN \"note\" TYPE text USING note::text", DUR_REWRITE},
		{"ALTER TABLE \"T\" ALTER COLUMN \"renamed\" TYPE text", DUR_REWRITE},
		{"ALTER TABLE \"U\" ALTER COLUMN \"email\" TYPE text", DUR_REWRITE}, /* unknown table */
		{"ALTER TABLE \"T\" ALTER COLUMN \"told\" TYPE varchar(9)", DUR_METADATA},
	};
	sql_file *f = parse("CREATE TABLE \"T\" (id int, \"email\" VARCHAR(20), \"amount\" NUMERIC(10,2), n int, "
	                    "note varchar(5), was varchar(5));"
	                    "ALTER TABLE \"T\" ADD COLUMN added varchar(3);"
	                    "ALTER TABLE \"T\" RENAME COLUMN was TO renamed;");
	locks_ctx *c = locks_ctx_new();
	for (size_t i = 0; i < f->nstmts; i++)
		locks_ctx_update(c, &f->stmts[i]);
	sqlparse_free(f);
	sql_coltype told;
	assert_true(sql_coltype_parse("varchar(8)", &told));
	locks_ctx_set_column_type(c, "public.T", "told", &told);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		f = parse(cases[i].sql);
		lock_list l = {0};
		locks_analyze(c, &f->stmts[0], &l);
		assert_int_equal(l.count, 1);
		if (l.items[0].duration != cases[i].dur)
			fail_msg("%s: duration %d, expected %d", cases[i].sql, (int)l.items[0].duration, (int)cases[i].dur);
		if (cases[i].dur == DUR_METADATA)
			assert_non_null(strstr(l.items[0].note, "in place (catalog only"));
		lock_list_free(&l);
		locks_ctx_update(c, &f->stmts[0]);
		sqlparse_free(f);
	}
	locks_ctx_free(c);
}

/* ALTER TYPE … VALUE locks the type object (pg_locks: locktype object), not
 * a table: the item says so, a file summary keeps it apart from the table
 * locks, and a table of the same name is not confused with it. */
static void test_enum_value_locks_the_type_not_a_table(void **state)
{
	(void)state;
	sql_file *f = parse("ALTER TYPE s.\"Role\" ADD VALUE 'm' AFTER 'u';\n"
	                    "ALTER TYPE \"Role\" RENAME VALUE 'a' TO 'b';\n"
	                    "ALTER TABLE \"Role\" ADD COLUMN c int;");
	locks_ctx *c = locks_ctx_new();
	lock_list l = {0};
	locks_analyze(c, &f->stmts[0], &l);
	assert_int_equal(l.count, 1);
	assert_int_equal(l.items[0].mode, LOCK_EXCLUSIVE);
	assert_string_equal(l.items[0].object, "type");
	assert_string_equal(l.items[0].schema, "s");
	assert_string_equal(l.items[0].table, "Role");
	lock_list_free(&l);
	file_locks fl = {0};
	locks_file_summarize(c, f, true, &fl);
	assert_int_equal(fl.count, 3);
	assert_string_equal(fl.items[1].object, "type");
	assert_null(fl.items[1].schema);
	assert_int_equal(fl.items[2].mode, LOCK_ACCESS_EXCLUSIVE);
	assert_null(fl.items[2].object);
	/* the type's EXCLUSIVE is not the table's: ADD COLUMN's bite is its own */
	assert_string_equal(lock_bite_text(&fl.items[2]), "brief: catalog only");
	assert_string_equal(lock_bite_text(&fl.items[0]), "brief: catalog only; reads and writes of its tables go on");
	file_locks_free(&fl);
	locks_ctx_free(c);
	sqlparse_free(f);
}

static void test_foreign_key_locks_both_tables(void **state)
{
	(void)state;
	sql_file *f = parse("ALTER TABLE \"Post\" ADD CONSTRAINT f FOREIGN KEY (\"authorId\") REFERENCES public.\"User\" (id)");
	locks_ctx *c = locks_ctx_new();
	lock_list l = {0};
	locks_analyze(c, &f->stmts[0], &l);
	assert_int_equal(l.count, 2);
	assert_string_equal(l.items[0].relation, "Post");
	assert_string_equal(l.items[0].key, "public.Post");
	assert_string_equal(l.items[1].relation, "public.User");
	assert_int_equal(l.items[1].mode, LOCK_SHARE_ROW_EXCLUSIVE);
	lock_list_free(&l);
	locks_ctx_free(c);
	sqlparse_free(f);
}

static void test_context_knows_new_tables_and_validated_checks(void **state)
{
	(void)state;
	sql_file *f = parse("CREATE TABLE n (id int);\n"
	                    "ALTER TABLE u ADD CONSTRAINT k CHECK (c IS NOT NULL AND c <> '') NOT VALID;\n"
	                    "ALTER TABLE u VALIDATE CONSTRAINT k;\n"
	                    "ALTER TABLE u ALTER COLUMN c SET NOT NULL;\n"
	                    "CREATE INDEX i ON n (id);");
	locks_ctx *c = locks_ctx_new();
	lock_list l = {0};
	for (size_t i = 0; i < f->nstmts; i++) {
		lock_list_free(&l);
		locks_analyze(c, &f->stmts[i], &l);
		if (i == 1) /* NOT VALID alone proves nothing */
			assert_false(locks_ctx_has_notnull_check(c, "public.u", "c"));
		if (i == 3) {
			assert_int_equal(l.items[0].duration, DUR_METADATA);
			assert_non_null(strstr(l.items[0].note, "CHECK"));
		}
		locks_ctx_update(c, &f->stmts[i]);
	}
	assert_true(locks_ctx_has_notnull_check(c, "public.u", "c"));
	assert_true(l.items[0].new_relation);
	/* The next file runs after this one committed: n is no longer new. */
	locks_ctx_begin_file(c);
	assert_false(locks_ctx_created(c, "public.n"));
	assert_true(locks_ctx_has_notnull_check(c, "public.u", "c"));
	lock_list_free(&l);
	locks_ctx_free(c);
	sqlparse_free(f);
}

/* A DO block is analysed statement by statement through its PL/pgSQL; one
 * that commits holds its locks a batch at a time. */
static void test_do_block_statements_and_commits(void **state)
{
	(void)state;
	sql_file *f = parse("DO $m$\nDECLARE lo int;\nBEGIN\n  SELECT min(id) INTO lo FROM s.\"T\";\n"
	                    "  WHILE lo IS NOT NULL LOOP\n    PERFORM set_config('a', 'b', true);\n"
	                    "    WITH b AS (SELECT id FROM s.\"T\" LIMIT 10), u AS (UPDATE s.\"T\" SET a = 1 FROM b "
	                    "WHERE s.\"T\".id = b.id) SELECT max(id) INTO lo FROM b;\n    COMMIT;\n  END LOOP;\nEND\n$m$;\n"
	                    "DO $$BEGIN EXECUTE 'DROP TABLE x'; END$$;\nDO LANGUAGE sql $$SELECT 1$$");
	locks_ctx *c = locks_ctx_new();
	lock_list l = {0};
	locks_analyze(c, &f->stmts[0], &l);
	bool update = false;
	for (size_t i = 0; i < l.count; i++) {
		assert_true(l.items[i].batched);
		assert_string_equal(l.items[i].relation, "s.T");
		assert_string_equal(l.items[i].schema, "s");
		assert_string_equal(l.items[i].table, "T");
		update |= l.items[i].mode == LOCK_ROW_EXCLUSIVE;
	}
	assert_true(update);
	lock_list_free(&l);
	for (size_t i = 1; i < 3; i++) { /* dynamic SQL, another language: nothing known */
		locks_analyze(c, &f->stmts[i], &l);
		assert_int_equal(l.count, 0);
	}
	locks_ctx_free(c);
	sqlparse_free(f);
}

/* What earlier files created lets a later statement name the table it
 * really locks: an index's table, a foreign key's referenced table. */
static void test_context_knows_indexes_and_foreign_keys(void **state)
{
	(void)state;
	sql_file *f = parse("CREATE INDEX CONCURRENTLY \"i\" ON app.\"Post\" (a);\n"
	                    "ALTER TABLE app.\"Post\" ADD CONSTRAINT \"f\" FOREIGN KEY (a) REFERENCES \"User\" (id) NOT VALID;\n"
	                    "ALTER TABLE app.\"Post\" VALIDATE CONSTRAINT \"f\";\n"
	                    "DROP INDEX CONCURRENTLY app.\"i\";");
	locks_ctx *c = locks_ctx_new();
	locks_ctx_update(c, &f->stmts[0]);
	locks_ctx *before_fk = locks_ctx_clone(c);
	locks_ctx_update(c, &f->stmts[1]);
	lock_list l = {0};
	locks_analyze(c, &f->stmts[2], &l);
	assert_int_equal(l.count, 2);
	assert_int_equal(l.items[1].mode, LOCK_ROW_SHARE);
	assert_string_equal(l.items[1].relation, "User");
	assert_int_equal(l.items[1].duration, DUR_SCAN);
	lock_list_free(&l);
	locks_analyze(before_fk, &f->stmts[2], &l); /* a clone does not see later files */
	assert_int_equal(l.count, 1);
	lock_list_free(&l);
	locks_analyze(c, &f->stmts[3], &l);
	assert_int_equal(l.count, 1);
	assert_int_equal(l.items[0].mode, LOCK_SHARE_UPDATE_EXCLUSIVE);
	assert_string_equal(l.items[0].relation, "app.Post");
	lock_list_free(&l);
	locks_ctx_free(before_fk);
	locks_ctx_free(c);
	sqlparse_free(f);
}

/* A step header's lock list: each mode and relation once, in the order the
 * statements take them, the worst bite kept, reads (ACCESS SHARE) left out;
 * in one transaction a lock bites with the strongest mode held by then. */
static void test_file_summary_lists_each_mode_and_relation_once(void **state)
{
	(void)state;
	sql_file *f = parse("SELECT * FROM s.\"T\";\n"
	                    "ALTER TABLE s.\"T\" ADD COLUMN c int;\n"
	                    "ALTER TABLE s.\"T\" ALTER COLUMN c SET NOT NULL;\n"
	                    "UPDATE s.\"T\" SET c = 1;\n"
	                    "ALTER TABLE \"U\" VALIDATE CONSTRAINT k;\n"
	                    "CREATE INDEX CONCURRENTLY i ON \"V\" (a);");
	locks_ctx *c = locks_ctx_new();
	file_locks l = {0};
	locks_file_summarize(c, f, true, &l);
	assert_int_equal(l.count, 4);
	assert_int_equal(l.items[0].mode, LOCK_ACCESS_EXCLUSIVE);
	assert_string_equal(l.items[0].schema, "s");
	assert_string_equal(l.items[0].table, "T");
	assert_int_equal(l.items[0].bite, BITE_SCAN); /* SET NOT NULL's scan, not ADD COLUMN's catalog change */
	assert_string_equal(lock_bite_text(&l.items[0]), "held during a full scan: blocks reads and writes");
	assert_int_equal(l.items[1].mode, LOCK_ROW_EXCLUSIVE);
	assert_string_equal(lock_bite_text(&l.items[1]), "held while every row is rewritten: blocks reads and writes");
	assert_null(l.items[2].schema);
	assert_string_equal(lock_bite_text(&l.items[2]), "held during a full scan; reads and writes go on");
	assert_string_equal(lock_bite_text(&l.items[3]), "held while the index builds; reads and writes go on");
	file_locks_free(&l);
	/* Statement by statement (autocommit), the UPDATE holds only its own mode. */
	locks_file_summarize(c, f, false, &l);
	assert_string_equal(lock_bite_text(&l.items[1]), "held while the rows are written: writers of those rows wait");
	file_locks_free(&l);
	locks_ctx_free(c);
	sqlparse_free(f);
}

static void test_transaction_states_follow_how_prisma_sends_the_file(void **state)
{
	(void)state;
	lock_tx tx[8];
	sql_file *f = parse("CREATE INDEX CONCURRENTLY i ON t (a);");
	locks_tx_states(f, tx);
	assert_int_equal(tx[0], TX_NONE);
	sqlparse_free(f);
	f = parse("SELECT 1; BEGIN; SELECT 2; COMMIT; SELECT 3;");
	locks_tx_states(f, tx);
	assert_int_equal(tx[0], TX_IMPLICIT);
	assert_int_equal(tx[1], TX_EXPLICIT);
	assert_int_equal(tx[2], TX_EXPLICIT);
	assert_int_equal(tx[3], TX_EXPLICIT);
	assert_int_equal(tx[4], TX_IMPLICIT);
	sqlparse_free(f);
}

static void test_spans_start_at_the_keyword_and_comments_are_found(void **state)
{
	(void)state;
	const char *sql = "-- migplan-disable x\n/* block; with ; */\n  ALTER TABLE t\n    ADD COLUMN a text DEFAULT 'a;b' ; "
	                  "SELECT $$ -- not a comment $$;";
	sql_file *f = parse(sql);
	assert_int_equal(f->nstmts, 2);
	assert_int_equal(f->stmts[0].span.start, (int)(strstr(sql, "ALTER") - sql));
	assert_int_equal(f->stmts[0].span.end, (int)(strstr(sql, "'a;b'") - sql) + 5);
	assert_string_equal(f->stmts[0].kind, "AlterTableStmt");
	assert_int_equal(f->stmts[1].span.start, (int)(strstr(sql, "SELECT") - sql));
	assert_int_equal(f->ncomments, 2);
	assert_int_equal(f->comments[0].start, 0);
	assert_int_equal(f->comments[1].start, (int)(strstr(sql, "/*") - sql));
	sqlparse_free(f);
}

static void test_parse_errors_and_the_compiler_check(void **state)
{
	(void)state;
	sql_file *f;
	sql_parse_error perr;
	mp_error err = {0};
	const char *bad = "SELECT 1;\nALTER TABLE t ADD COLUMNN a int;";
	assert_int_equal(sqlparse_file(bad, strlen(bad), &f, &perr, &err), MP_EINVAL);
	assert_null(f);
	assert_non_null(strstr(perr.message, "syntax error"));
	assert_int_equal(perr.offset, (int)(strstr(bad, "int;") - bad)); /* COLUMNN a: column COLUMNN of type a */
	mp_buf msg = MP_BUF_INIT;
	int pos = 0;
	assert_int_equal(sqlparse_check("ALTER TABLE \"User\" ADD COLUMN \"s\" text;", &msg, &pos), 0);
	assert_int_equal(msg.len, 0);
	assert_int_equal(sqlparse_check("CREATE INDEX ON;", &msg, &pos), -1);
	assert_non_null(strstr(buf_cstr(&msg), "syntax error"));
	assert_int_equal(pos, 16);
	buf_free(&msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conflict_table_is_symmetric_and_matches_the_docs),
		cmocka_unit_test(test_each_statement_form_takes_the_documented_lock),
		cmocka_unit_test(test_statements_without_table_locks),
		cmocka_unit_test(test_enum_value_locks_the_type_not_a_table),
		cmocka_unit_test(test_type_change_in_place_from_the_type_before),
		cmocka_unit_test(test_foreign_key_locks_both_tables),
		cmocka_unit_test(test_context_knows_new_tables_and_validated_checks),
		cmocka_unit_test(test_do_block_statements_and_commits),
		cmocka_unit_test(test_context_knows_indexes_and_foreign_keys),
		cmocka_unit_test(test_file_summary_lists_each_mode_and_relation_once),
		cmocka_unit_test(test_transaction_states_follow_how_prisma_sends_the_file),
		cmocka_unit_test(test_spans_start_at_the_keyword_and_comments_are_found),
		cmocka_unit_test(test_parse_errors_and_the_compiler_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
