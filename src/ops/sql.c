/* The sql operation, the escape hatch: the team's SQL as written, with its own
 * DOWN, in a step of its own before the expand (when written before every
 * other item) or after the contract (when written after every other item).
 * Its locks are analysed from the SQL like every step's, and compile lints
 * it (compiler/plan.c). */
#include "ops/check_ctx.h"
#include "migdir/mark.h"
#include "util/vec.h"
#include "ops/ops.h"
#include "sql/sqlparse.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static size_t sql_count(const mdl_lifecycle *lc)
{
	return lc->nsqls;
}

static bool sql_own_step(const mdl_lifecycle *lc, size_t i, op_stage stage, op_own_step *out)
{
	const mdl_sql *q = &lc->sqls[i];
	if (stage != (q->before_expand ? STAGE_BEFORE_EXPAND : STAGE_AFTER_CONTRACT))
		return false;
	*out = (op_own_step){PHASE_SQL, q->name, !q->no_transaction};
	return true;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
}

/* User SQL without its trailing ';' and blanks (the builder adds one). */
static char *trimmed(const char *sql)
{
	size_t n = strlen(sql);
	while (n && (sql[n - 1] == ';' || is_blank(sql[n - 1])))
		n--;
	size_t st = 0;
	while (st < n && is_blank(sql[st]))
		st++;
	return xstrndup(sql + st, n - st);
}

/* The team's migplan-disable comments, copied to the file's top: inside
 * the step's DO block they are PL/pgSQL comments, which lint does not read.
 * Each becomes one `--` line (a line break in a C-style one would end it). */
static void hoist_disables(mp_buf *to, const char *sql)
{
	sql_file *f = NULL;
	sql_parse_error perr;
	mp_error err = {0, ""};
	if (sqlparse_file(sql, strlen(sql), &f, &perr, &err) != MP_OK)
		return;
	for (size_t i = 0; i < f->ncomments; i++) {
		mp_span c = f->comments[i];
		const char *p = sql + c.start + 2, *end = sql + c.end;
		if (sql[c.start] == '/' && end - p >= 2)
			end -= 2;
		const char *rules = migdir_disable_rules(p, end);
		if (!rules)
			continue;
		buf_puts(to, "-- " MIGDIR_DISABLE);
		for (const char *q = rules; q < end; q++)
			buf_putc(to, (unsigned char)*q < 0x20 || *q == 0x7f ? ' ' : *q);
		buf_putc(to, '\n');
	}
	sqlparse_free(f);
}

static void sql_build(step_builder *sb, const mdl_lifecycle *lc, size_t i)
{
	const mdl_sql *q = &lc->sqls[i];
	char *u = trimmed(q->up), *d = trimmed(q->down);
	hoist_disables(&sb->updisables, q->up);
	hoist_disables(&sb->disables, q->down);
	step_up(sb, "Hand-written SQL from the spec.", u);
	step_down(sb, NULL, d);
	sb->user_sql = q;
	free(u);
	free(d);
}

/* Where an sql item's text starts in the spec: past the opening dollar tag. */
static int sql_text_start(const lc_state *st, mp_span span)
{
	const char *text = st->c->src->text;
	int at = span.start;
	if (text[at] == '$') {
		const char *close = strchr(text + at + 1, '$');
		if (close && close < text + span.end)
			at = (int)(close - text) + 1;
	}
	return at;
}

/* A parse error in the team's SQL, at its place in the spec: span is the
 * dollar-quoted text (tag included), cursor PostgreSQL's 1-based character
 * position in what is between the tags. */
static void sql_check_parses(lc_state *st, const char *sql, mp_span span, const char *what)
{
	mp_buf msg = MP_BUF_INIT;
	int cursor = 0;
	const char *text = st->c->src->text;
	const char *mark = strstr(sql, MIGDIR_COMMIT_MARK);
	if (mark) {
		/* the separator would cut the step's file in parts its manifest
		 * knows nothing of (migdir/mark.h) */
		const char *in = strstr(text + span.start, MIGDIR_COMMIT_MARK);
		int at = in && in < text + span.end ? (int)(in - text) : span.start;
		check_error(st->c, (mp_span){at, at + 2}, "the %s SQL holds \"" MIGDIR_COMMIT_MARK "\", the line migc "
		            "writes between the parts of a file; reword the comment", what);
		return;
	}
	if (sqlparse_check(sql, &msg, &cursor) == 0) {
		buf_free(&msg);
		return;
	}
	int at = sql_text_start(st, span);
	for (int chars = 1; chars < cursor && at < span.end; at++)
		if (((unsigned char)text[at + 1] & 0xC0) != 0x80)
			chars++;
	check_error(st->c, (mp_span){at, at + 1}, "the %s SQL does not parse: %s", what, buf_cstr(&msg));
	buf_free(&msg);
}

/* What a statement returns or does that PL/pgSQL cannot take as a static
 * statement of the step's DO block (compiler/plan.c), or NULL. */
static const char *not_in_block(const sql_stmt *st)
{
	const char *k = st->kind;
	if (strcmp(k, "SelectStmt") == 0 && !sqlnode_get(st->node, "intoClause"))
		return "a SELECT returns rows, which PL/pgSQL has no place for";
	if ((strcmp(k, "InsertStmt") == 0 || strcmp(k, "UpdateStmt") == 0 || strcmp(k, "DeleteStmt") == 0) &&
	    sqlnode_get(st->node, "returningList"))
		return "RETURNING returns rows, which PL/pgSQL has no place for";
	const char *const refused[] = {"ExplainStmt", "VariableShowStmt", "CopyStmt", "TransactionStmt", "FetchStmt",
	                               "ClosePortalStmt", "DeclareCursorStmt", "ExecuteStmt", "PrepareStmt", NULL};
	for (size_t i = 0; refused[i]; i++)
		if (strcmp(k, refused[i]) == 0)
			return "PL/pgSQL cannot run it as a statement of its own";
	return NULL;
}

/* A transactional sql item runs inside its step's one DO block (one
 * statement under every Prisma engine: tests/prisma/README.md), so each of
 * its statements must be one PL/pgSQL runs as written. */
static void sql_check_in_block(lc_state *st, const char *sql, mp_span span, const char *what)
{
	sql_file *f = NULL;
	sql_parse_error perr;
	mp_error err = {0, ""};
	if (sqlparse_file(sql, strlen(sql), &f, &perr, &err) != MP_OK)
		return; /* sql_check_parses reported it */
	int base = sql_text_start(st, span);
	for (size_t i = 0; i < f->nstmts; i++) {
		const char *why = not_in_block(&f->stmts[i]);
		if (!why)
			continue;
		int at = base + f->stmts[i].span.start;
		check_error(st->c, (mp_span){at, at + 1},
		            "the %s SQL's %s cannot run in the step's transaction: it runs as one DO block (one statement "
		            "under every Prisma engine), and %s; give it a `sql … no transaction` item of its own",
		            what, f->stmts[i].kind, why);
	}
	sqlparse_free(f);
}

static void sql_check(lc_state *st, const ast_item *it)
{
	check_claim_object(st->c, &it->name, "sql item");
	mdl_sql *q = MP_VEC_PUSH(st->lc->sqls, st->lc->nsqls);
	q->name = it->name.text;
	q->up = it->up_sql;
	q->down = it->down_sql;
	q->up_span = it->up_span;
	q->down_span = it->down_span;
	q->no_transaction = it->no_transaction;
	q->before_expand = !st->seen_other_item;
	/* The step runs before the expand or after the contract: written between
	 * two other items, it would run in neither place the spec shows. */
	for (const ast_item *n = it->next; n && !q->before_expand; n = n->next)
		if (n->kind != ITEM_SQL && n->kind != ITEM_SET) {
			check_error(st->c, it->name.span,
			            "sql item '%s' is written between other items: it runs in a step of its own, before the "
			            "expand or after the contract; write it before the first item (before expand) or after "
			            "the last (after contract)", it->name.text);
			break;
		}
	sql_check_parses(st, it->up_sql, it->up_span, "UP");
	sql_check_parses(st, it->down_sql, it->down_span, "DOWN");
	if (!it->no_transaction) {
		sql_check_in_block(st, it->up_sql, it->up_span, "UP");
		sql_check_in_block(st, it->down_sql, it->down_span, "DOWN");
	}
	for (const char *p = it->name.text; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_') {
			check_error(st->c, it->name.span, "sql item names become folder names: use letters, digits and '_'");
			break;
		}
}

const op_def op_sql = {
	.name = "sql",
	.check = sql_check,
	.count = sql_count,
	.own_step = sql_own_step,
	.build_own = sql_build,
};
