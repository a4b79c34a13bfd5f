/* The step builder: UP and DOWN statements, their lock declarations, gates. */
#include "ops/step.h"
#include "util/quote.h"
#include "util/sha256.h"
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

const char *step_cost_text(step_cost cost)
{
	static const char *text[] = {
		[COST_NONE] = "",
		[COST_BRIEF] = "brief: catalog only",
		[COST_SCAN] = "held during a full scan; reads and writes go on",
		[COST_BATCH] = "per batch: row locks only, committed every batch",
		[COST_BUILD] = "held while the index builds; reads and writes go on",
		[COST_REWRITE_ALL] = "held while every row is rewritten: blocks reads and writes",
		[COST_BUILD_BLOCKING] = "held while the index builds: blocks writes",
		[COST_INDEX_UNUSED] = "brief, once no transaction uses the index",
	};
	return text[cost];
}

void step_rel_sql(mp_buf *b, const mdl_table *t)
{
	sql_quote_qualified(b, t->schema, t->name);
}

char *step_rel_plain(const mdl_table *t)
{
	mp_buf b = MP_BUF_INIT;
	if (t->schema)
		buf_printf(&b, "%s.", t->schema);
	buf_puts(&b, t->name);
	return buf_detach(&b);
}

char *step_object_name(const char *a, const char *b, const char *c)
{
	mp_buf n = MP_BUF_INIT;
	buf_printf(&n, "%s%s%s", a, b, c);
	if (n.len <= STEP_MAX_IDENT)
		return buf_detach(&n);
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex(n.ptr, n.len, hex);
	size_t cut = 54;
	while (cut > 0 && ((unsigned char)n.ptr[cut] & 0xC0) == 0x80)
		cut--;
	mp_buf s = MP_BUF_INIT;
	buf_printf(&s, "%.*s_%.8s", (int)cut, n.ptr, hex);
	buf_free(&n);
	return buf_detach(&s);
}

void step_lock(step_lock_use **v, size_t *n, lock_mode mode, const mdl_table *t, step_cost cost)
{
	if (mode == LOCK_NONE)
		return;
	char *plain = step_rel_plain(t);
	for (size_t i = 0; i < *n; i++) {
		if ((*v)[i].mode == mode && strcmp((*v)[i].plain, plain) == 0) {
			free(plain);
			return;
		}
	}
	mp_buf r = MP_BUF_INIT;
	step_rel_sql(&r, t);
	*MP_VEC_PUSH(*v, *n) = (step_lock_use){mode, buf_detach(&r), plain, cost, t->schema ? xstrdup(t->schema) : NULL,
	                                       xstrdup(t->name)};
}

void step_up(step_builder *sb, lock_mode mode, const mdl_table *t, step_cost cost, const char *why, const char *sql)
{
	step_lock(&sb->uplocks, &sb->nup, mode, t, cost);
	if (why)
		buf_printf(&sb->up, "-- %s\n", why);
	buf_printf(&sb->up, "%s;\n\n", sql);
}

void step_lock_also(step_builder *sb, lock_mode mode, const mdl_table *t, step_cost cost)
{
	step_lock(&sb->uplocks, &sb->nup, mode, t, cost);
}

void step_down(step_builder *sb, lock_mode mode, const mdl_table *t, step_cost cost, const char *why,
               const char *sql)
{
	step_lock(&sb->downlocks, &sb->ndown, mode, t, cost);
	mp_buf b = MP_BUF_INIT;
	if (why)
		buf_printf(&b, "-- %s\n", why);
	buf_printf(&b, "%s;\n\n", sql);
	*MP_VEC_PUSH(sb->downs, sb->ndowns) = buf_detach(&b);
}

mf_gate *step_add_gate(step_builder *sb, mf_gate_kind kind)
{
	mf_gate *g = MP_VEC_PUSH(sb->gates, sb->ngates);
	g->kind = kind;
	return g;
}

mf_gate *step_add_column_gate(step_builder *sb, mf_gate_kind kind, const mdl_lifecycle *lc, const char *column)
{
	mf_gate *g = step_add_gate(sb, kind);
	g->schema = lc->table.schema ? xstrdup(lc->table.schema) : NULL;
	g->table = xstrdup(lc->table.name);
	g->column = xstrdup(column);
	return g;
}

static void free_locks(step_lock_use *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].relation);
		free(v[i].plain);
		free(v[i].schema);
		free(v[i].table);
	}
	free(v);
}

/* The gates and the backfill have been moved to the step by then. */
void step_builder_free(step_builder *sb)
{
	buf_free(&sb->up);
	for (size_t i = 0; i < sb->ndowns; i++)
		free(sb->downs[i]);
	free(sb->downs);
	buf_free(&sb->warnings);
	buf_free(&sb->disables);
	buf_free(&sb->updisables);
	free_locks(sb->uplocks, sb->nup);
	free_locks(sb->downlocks, sb->ndown);
	free(sb->gates);
}
