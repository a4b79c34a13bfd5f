/* The locks of a DO block, from its PL/pgSQL parsed by PostgreSQL's own parser. */
#include "sql/locks_do.h"
#include "sql/locks.h"
#include "util/buf.h"

#include <pg_query.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const locks_ctx *c;
	lock_list found;
	bool commits;
} do_walk;

/* Each embedded statement is analysed as if it stood alone: what it locks
 * does not depend on the PL/pgSQL around it. */
static void add_query(do_walk *w, const char *query)
{
	sql_file *f = NULL;
	sql_parse_error perr;
	mp_error err = {0};
	if (!query || sqlparse_file(query, strlen(query), &f, &perr, &err) != MP_OK)
		return;
	for (size_t i = 0; i < f->nstmts; i++)
		locks_analyze(w->c, &f->stmts[i], &w->found);
	sqlparse_free(f);
}

static const char *expr_query(const json_t *expr)
{
	return sqlnode_str(sqlnode_get(expr, "PLpgSQL_expr"), "query");
}

static bool visit(const char *key, json_t *value, void *ctx)
{
	do_walk *w = ctx;
	if (strcmp(key, "PLpgSQL_stmt_execsql") == 0)
		add_query(w, expr_query(sqlnode_get(value, "sqlstmt")));
	else if (strcmp(key, "PLpgSQL_stmt_perform") == 0)
		add_query(w, expr_query(sqlnode_get(value, "expr"))); /* kept as "SELECT …" */
	else if (strcmp(key, "PLpgSQL_stmt_commit") == 0 || strcmp(key, "PLpgSQL_stmt_rollback") == 0)
		w->commits = true;
	return true;
}

static const char *do_arg(const json_t *n, const char *name)
{
	json_t *args = sqlnode_get(n, "args");
	for (size_t i = 0; i < json_array_size(args); i++) {
		json_t *d = sqlnode_get(json_array_get(args, i), "DefElem");
		if (sqlnode_str(d, "defname") && strcmp(sqlnode_str(d, "defname"), name) == 0)
			return sqlnode_string(sqlnode_get(d, "arg"));
	}
	return NULL;
}

/* libpg_query parses PL/pgSQL only as a function body: the block becomes
 * one, under a dollar tag its text does not contain. */
static char *as_function(const char *body)
{
	mp_buf tag = MP_BUF_INIT, f = MP_BUF_INIT;
	for (int k = 0; tag.len == 0 || strstr(body, buf_cstr(&tag)); k++) {
		buf_clear(&tag);
		buf_printf(&tag, "$migplan_do%d$", k);
	}
	buf_printf(&f, "CREATE FUNCTION migplan_do() RETURNS void LANGUAGE plpgsql AS %s%s%s", buf_cstr(&tag), body,
	           buf_cstr(&tag));
	buf_free(&tag);
	return buf_detach(&f);
}

void locks_do_block(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	const char *body = do_arg(st->node, "as"), *lang = do_arg(st->node, "language");
	if (!body || (lang && strcmp(lang, "plpgsql") != 0))
		return;
	char *fn = as_function(body);
	PgQueryPlpgsqlParseResult r = pg_query_parse_plpgsql(fn);
	free(fn);
	json_t *tree = r.error ? NULL : json_loads(r.plpgsql_funcs, 0, NULL);
	pg_query_free_plpgsql_parse_result(r);
	if (!tree)
		return; /* PostgreSQL refuses the block when it runs; lint says why */
	do_walk w = {c, {0}, false};
	sqlnode_walk(tree, visit, &w);
	json_decref(tree);
	for (size_t i = 0; i < w.found.count; i++) {
		w.found.items[i].batched = w.commits;
		w.found.items[i].location = -1; /* an offset into the block's text, not the file's */
	}
	lock_list_take(out, &w.found);
}
