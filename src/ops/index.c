/* The index and unique operations: each index built CONCURRENTLY in a step of
 * its own; a unique one written `as constraint` becomes a constraint over
 * that index at contract. */
#include "ops/check_ctx.h"
#include "sql/sqlparse.h"
#include "util/vec.h"
#include "ops/ops.h"
#include "ops/sqlfrag.h"
#include "util/quote.h"

#include <string.h>
#include <strings.h>

static bool index_needs(const mdl_lifecycle *lc, op_phase phase)
{
	for (size_t i = 0; phase == PHASE_CONTRACT && i < lc->nindexes; i++)
		if (lc->indexes[i].as_constraint)
			return true;
	return false;
}

static void index_create(mp_buf *b, const mdl_lifecycle *lc, const mdl_index *x, bool concurrently)
{
	buf_clear(b);
	buf_printf(b, "CREATE %sINDEX %s", x->unique ? "UNIQUE " : "", concurrently ? "CONCURRENTLY " : "");
	sql_quote_ident(b, x->name);
	buf_puts(b, " ON ");
	step_rel_sql(b, &lc->table);
	if (x->method)
		buf_printf(b, " USING %s", x->method);
	buf_puts(b, " (");
	sqlfrag_columns(b, x->columns, x->ncolumns);
	buf_putc(b, ')');
	if (x->where_sql)
		buf_printf(b, " WHERE %s", x->where_sql);
}

static size_t index_count(const mdl_lifecycle *lc)
{
	return lc->nindexes;
}

static bool index_own_step(const mdl_lifecycle *lc, size_t i, op_stage stage, op_own_step *out)
{
	if (stage != STAGE_AFTER_EXPAND)
		return false;
	*out = (op_own_step){PHASE_INDEX, lc->indexes[i].name, false};
	return true;
}

/* CONCURRENTLY cannot run in a transaction block, and Prisma sends a file
 * as one query (one implicit transaction when it has several statements):
 * so the statement stands alone in its file, with no SET prelude. */
static void index_build(step_builder *sb, const mdl_lifecycle *lc, size_t i)
{
	const mdl_index *x = &lc->indexes[i];
	mp_buf b = MP_BUF_INIT;
	sb->sample_query = x->sample_query;
	index_create(&b, lc, x, true);
	step_up(sb, "CONCURRENTLY: reads and writes go on while it builds. If it fails it leaves an INVALID index;\n"
	        "-- migrun drops that before it retries.",
	        b.ptr);
	buf_clear(&b);
	buf_puts(&b, "DROP INDEX CONCURRENTLY IF EXISTS ");
	sql_quote_qualified(&b, lc->table.schema, x->name);
	step_down(sb, NULL, b.ptr);
	buf_free(&b);
}

static void index_contract(step_builder *sb, const mdl_lifecycle *lc)
{
	mp_buf b = MP_BUF_INIT, b2 = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nindexes; i++) {
		const mdl_index *x = &lc->indexes[i];
		if (!x->as_constraint)
			continue;
		sqlfrag_alter(&b, lc);
		buf_puts(&b, "ADD CONSTRAINT ");
		sql_quote_ident(&b, x->name);
		buf_puts(&b, " UNIQUE USING INDEX ");
		sql_quote_ident(&b, x->name);
		step_up(sb, "Uses the index built CONCURRENTLY: no scan, no build here.", b.ptr);
		index_create(&b2, lc, x, false);
		step_down(sb, NULL, b2.ptr);
		sqlfrag_constraint_drop(&b2, lc, x->name);
		step_down(sb, NULL, b2.ptr);
		buf_puts(&sb->warnings, "-- WARNING: dropping constraint ");
		sql_quote_ident(&sb->warnings, x->name);
		buf_puts(&sb->warnings, " drops its index; it is rebuilt without CONCURRENTLY (a transaction\n"
		                        "-- cannot build concurrently), which blocks writes while it builds.\n");
	}
	buf_free(&b);
	buf_free(&b2);
}

static void index_check(lc_state *st, const ast_item *it)
{
	const ast_index_opts *o = &it->index;
	checker *c = st->c;
	bool unique = it->kind == ITEM_UNIQUE;
	check_claim_object(c, &it->name, unique ? "unique index" : "index");
	if (o->repeats.count)
		check_error(c, o->repeats.first, "option given twice");
	mdl_index *x = MP_VEC_PUSH(st->lc->indexes, st->lc->nindexes);
	x->name = it->name.text;
	x->unique = unique;
	x->as_constraint = o->as_constraint;
	x->columns = check_name_array(st, o->columns, o->ncolumns, "in an index", true);
	x->ncolumns = o->ncolumns;
	x->where_sql = o->where_expr;
	if (o->where_expr)
		check_sql_expr(c, o->where_expr, o->where_span, "the where expression");
	x->method = o->method;
	x->sample_query = o->sample_query;
	if (o->sample_query) {
		mp_buf msg = MP_BUF_INIT;
		if (sqlparse_check(o->sample_query, &msg, NULL) != 0 || sqlparse_count_statements(o->sample_query) != 1)
			check_error(c, o->sample_span, "the explain query must be one SQL statement that parses%s%s",
			    msg.len ? ": " : "", buf_cstr(&msg));
		buf_free(&msg);
	}
	if (o->as_constraint && !unique)
		check_error(c, o->as_constraint_span, "only a unique index can become a constraint");
	if (o->as_constraint && o->where_expr)
		check_error(c, o->as_constraint_span, "a partial unique index cannot become a constraint");
	if (o->method) {
		static const char *methods[] = {"btree", "hash", "gist", "gin", "brin", "spgist"};
		bool ok = false;
		for (size_t i = 0; i < 6; i++)
			ok = ok || strcasecmp(o->method, methods[i]) == 0;
		if (!ok)
			check_error(c, o->method_span, "unknown index method '%s' (btree, hash, gist, gin, brin, spgist)", o->method);
		if (unique && strcasecmp(o->method, "btree") != 0)
			check_error(c, o->method_span, "unique indexes must use btree");
	}
}

/* Also the op of `unique`: a unique index is an index with UNIQUE, and the
 * model keeps both in one list. */
const op_def op_index = {
	.name = "index",
	.check = index_check,
	.needs = index_needs,
	.contract = index_contract,
	.count = index_count,
	.own_step = index_own_step,
	.build_own = index_build,
};
