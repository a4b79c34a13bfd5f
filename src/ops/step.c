/* The step builder: UP and DOWN statements, warnings, gates. */
#include "ops/step.h"
#include "util/quote.h"
#include "util/sha256.h"
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

void step_rel_sql(mp_buf *b, const mdl_table *t)
{
	sql_quote_qualified(b, t->schema, t->name);
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

void step_up(step_builder *sb, const char *why, const char *sql)
{
	if (why)
		buf_printf(&sb->up, "-- %s\n", why);
	buf_printf(&sb->up, "%s;\n\n", sql);
}

void step_down(step_builder *sb, const char *why, const char *sql)
{
	mp_buf b = MP_BUF_INIT;
	if (why)
		buf_printf(&b, "-- %s\n", why);
	buf_printf(&b, "%s;\n\n", sql);
	*MP_VEC_PUSH(sb->downs, sb->ndowns) = buf_detach(&b);
}

void step_down_refill(step_builder *sb, const char *why, const char *do_sql, mf_backfill *native)
{
	mp_buf b = MP_BUF_INIT;
	if (why)
		buf_printf(&b, "-- %s\n", why);
	buf_printf(&b, "%s;\n\n", do_sql);
	*MP_VEC_PUSH(sb->refills, sb->nrefills) = buf_detach(&b);
	sb->down_refills = xrealloc(sb->down_refills, sb->nrefills * sizeof *sb->down_refills);
	sb->down_refills[sb->nrefills - 1] = *native;
	free(native);
}

void step_down_after(step_builder *sb, int part, const char *why, const char *sql)
{
	if (why)
		buf_printf(&sb->down_after[part], "-- %s\n", why);
	buf_printf(&sb->down_after[part], "%s;\n\n", sql);
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

/* The gates, the backfill and the native refills have been moved to the step by then. */
void step_column_type(step_builder *sb, const char *column, const char *type_sql)
{
	*MP_VEC_PUSH(sb->coltypes, sb->ncoltypes) = (step_coltype){column, type_sql};
}

void step_builder_free(step_builder *sb)
{
	free(sb->coltypes);
	buf_free(&sb->up);
	for (size_t i = 0; i < sb->ndowns; i++)
		free(sb->downs[i]);
	free(sb->downs);
	buf_free(&sb->warnings);
	buf_free(&sb->disables);
	buf_free(&sb->updisables);
	for (size_t i = 0; i < sb->nrefills; i++)
		free(sb->refills[i]);
	free(sb->refills);
	for (size_t i = 0; i < DOWN_AFTER_PARTS; i++)
		buf_free(&sb->down_after[i]);
	free(sb->gates);
}
