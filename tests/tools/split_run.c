/* Test tool: runs a SQL file the way Prisma 7's schema engine does, split into statements, each in autocommit. */
/*
 *   split_run FILE        (connection from libpq's PG* variables)
 *
 * Prisma 7.4+ (prisma-engines pull requests 5767, 5799, 5847) splits a
 * migration.sql into statements and sends each as its own query, with no
 * transaction around them; only when the file does not parse does it send
 * the whole file as one query. This does the same with PostgreSQL's own
 * parser (libpg_query, through src/sql/sqlparse.h: the statement spans),
 * so the tests can run every emitted file under that model as well as under
 * 6.19's whole-file one. It stops at the first statement that fails, as the
 * engine does, and exits 1; 0 when every statement ran; 2 on bad usage. Each
 * statement is printed to stderr before it runs.
 */
#include "sql/sqlparse.h"
#include "util/fsutil.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
	if (!ok)
		fprintf(stderr, "split_run: %s", PQerrorMessage(c));
	PQclear(r);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: split_run FILE (connection from PG* variables)\n");
		return 2;
	}
	char *text = NULL;
	size_t len = 0;
	mp_error err = {0, ""};
	if (fs_read_file(argv[1], &text, &len, &err) != MP_OK) {
		fprintf(stderr, "split_run: %s\n", err.msg);
		return 2;
	}
	PGconn *c = PQconnectdb("");
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "split_run: %s", PQerrorMessage(c));
		return 2;
	}
	sql_file *f = NULL;
	sql_parse_error perr;
	int rc = 0;
	if (sqlparse_file(text, len, &f, &perr, &err) != MP_OK) {
		fprintf(stderr, "split_run: does not parse (%s): the whole file as one query\n", perr.message);
		rc = run(c, text);
	}
	for (size_t i = 0; f && rc == 0 && i < f->nstmts; i++) {
		mp_span sp = f->stmts[i].span;
		char *stmt = malloc((size_t)(sp.end - sp.start) + 1);
		memcpy(stmt, text + sp.start, (size_t)(sp.end - sp.start));
		stmt[sp.end - sp.start] = '\0';
		fprintf(stderr, "split_run: statement %zu of %zu\n", i + 1, f->nstmts);
		rc = run(c, stmt);
		free(stmt);
	}
	sqlparse_free(f);
	PQfinish(c);
	free(text);
	return rc;
}
