/* A DO block's static SQL, from its PL/pgSQL parsed by PostgreSQL's own parser, and its locks. */
#include "sql/locks_do.h"
#include "sql/locks.h"
#include "util/buf.h"
#include "util/vec.h"

#include <pg_query.h>
#include <stdlib.h>
#include <string.h>

/* Each embedded statement is parsed as if it stood alone: what it locks
 * does not depend on the PL/pgSQL around it. */
static void add_query(sql_do_block *b, const char *query)
{
	sql_file *f = NULL;
	sql_parse_error perr;
	mp_error err = {0};
	if (query && sqlparse_file(query, strlen(query), &f, &perr, &err) == MP_OK) {
		b->texts = xrealloc(b->texts, (b->nfiles + 1) * sizeof *b->texts);
		b->texts[b->nfiles] = xstrdup(query);
		*MP_VEC_PUSH(b->files, b->nfiles) = f;
	}
}

static const char *expr_query(const json_t *expr)
{
	return sqlnode_str(sqlnode_get(expr, "PLpgSQL_expr"), "query");
}

static bool visit(const char *key, json_t *value, void *ctx)
{
	sql_do_block *b = ctx;
	if (strcmp(key, "PLpgSQL_stmt_execsql") == 0)
		add_query(b, expr_query(sqlnode_get(value, "sqlstmt")));
	else if (strcmp(key, "PLpgSQL_stmt_perform") == 0)
		add_query(b, expr_query(sqlnode_get(value, "expr"))); /* kept as "SELECT …" */
	else if (strcmp(key, "PLpgSQL_stmt_commit") == 0 || strcmp(key, "PLpgSQL_stmt_rollback") == 0)
		b->commits = true;
	else if (strcmp(key, "PLpgSQL_stmt_dynexecute") == 0 || strcmp(key, "PLpgSQL_stmt_dynfors") == 0)
		b->dynamic = true;
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

void sql_do_block_read(const sql_stmt *st, sql_do_block *out)
{
	memset(out, 0, sizeof *out);
	const char *body = do_arg(st->node, "as"), *lang = do_arg(st->node, "language");
	out->unparsed = true;
	if (!body || (lang && strcmp(lang, "plpgsql") != 0))
		return;
	char *fn = as_function(body);
	PgQueryPlpgsqlParseResult r = pg_query_parse_plpgsql(fn);
	free(fn);
	json_t *tree = r.error ? NULL : json_loads(r.plpgsql_funcs, 0, NULL);
	if (r.error && r.error->message)
		out->error = xstrdup(r.error->message);
	pg_query_free_plpgsql_parse_result(r);
	if (!tree)
		return; /* PostgreSQL refuses the block when it runs */
	out->unparsed = false;
	sqlnode_walk(tree, visit, out);
	json_decref(tree);
}

void sql_do_block_free(sql_do_block *b)
{
	for (size_t i = 0; i < b->nfiles; i++) {
		sqlparse_free(b->files[i]);
		free(b->texts[i]);
	}
	free(b->files);
	free(b->texts);
	free(b->error);
	memset(b, 0, sizeof *b);
}

void locks_do_block(const locks_ctx *c, const sql_stmt *st, lock_list *out)
{
	sql_do_block b;
	sql_do_block_read(st, &b);
	lock_list found = {0};
	/* each statement in the context of the ones before it in the block
	 * (a check validated, then SET NOT NULL) */
	locks_ctx *in = locks_ctx_clone(c);
	for (size_t i = 0; i < b.nfiles; i++)
		for (size_t k = 0; k < b.files[i]->nstmts; k++) {
			locks_analyze(in, &b.files[i]->stmts[k], &found);
			locks_ctx_update(in, &b.files[i]->stmts[k]);
		}
	locks_ctx_free(in);
	for (size_t i = 0; i < found.count; i++) {
		found.items[i].batched = b.commits;
		found.items[i].location = -1; /* an offset into the block's text, not the file's */
	}
	lock_list_take(out, &found);
	sql_do_block_free(&b);
}
