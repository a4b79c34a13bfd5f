/* The add operation: a new column (also the new side of rename and retype),
 * added nullable at expand, backfilled in batches, its default set at
 * contract when the window needs it unset; its check renders the backfill
 * and reverse mappings. */
#include "ops/check_ctx.h"
#include "ops/names.h"
#include "ops/ops.h"
#include "ops/batch.h"
#include "ops/sqlfrag.h"
#include "util/duration.h"
#include "util/quote.h"

#include <stdlib.h>

static bool add_needs(const mdl_lifecycle *lc, op_phase phase)
{
	if (phase == PHASE_EXPAND)
		return lc->nadds > 0;
	for (size_t i = 0; phase == PHASE_CONTRACT && i < lc->nadds; i++)
		if ((lc->adds[i].default_sql && !lc->adds[i].default_in_expand) || lc->adds[i].temp_default_sql)
			return true;
	return false;
}

static void add_warning(mp_buf *w, const mdl_add *a)
{
	buf_puts(w, "-- WARNING: drops ");
	sqlfrag_col(w, a->column);
	if (a->source) {
		buf_puts(w, "; its values come from ");
		sqlfrag_col(w, a->source);
		buf_puts(w, " again when the steps are re-applied\n");
	} else
		buf_puts(w, " and every value written to it\n");
}

static const char *expand_why(const mdl_add *a)
{
	if (a->temp_default_sql)
		return "The backfill's constant as a default for the window only: existing rows read it from the\n"
		       "-- catalog (PostgreSQL 11+, no rewrite) and old versions' inserts get it, so the NOT NULL\n"
		       "-- check holds for them; the contract drops the default.";
	if (a->default_sql && a->default_in_expand && !a->default_separate)
		return "Nullable, with a constant default: PostgreSQL 11+ stores the default in the catalog, no rewrite.";
	if (a->default_separate)
		return "Nullable and without a default, so existing rows stay NULL for the backfill; no rewrite.";
	if (a->synced)
		return "Nullable, and without a default until contract: an old version's insert leaves it NULL and\n"
		       "-- the sync trigger fills it; a value means the new version wrote it.";
	return "Nullable and without a default: no rewrite, and old application versions keep working.";
}

static void add_expand(step_builder *sb, const mdl_lifecycle *lc)
{
	mp_buf b = MP_BUF_INIT, b2 = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nadds; i++) {
		const mdl_add *a = &lc->adds[i];
		const char *def = a->temp_default_sql;
		if (a->default_sql && a->default_in_expand && !a->default_separate)
			def = a->default_sql;
		sqlfrag_alter(&b, lc);
		buf_puts(&b, "ADD COLUMN ");
		sqlfrag_col(&b, a->column);
		buf_printf(&b, " %s", a->type);
		if (def)
			buf_printf(&b, " DEFAULT %s", def);
		step_up(sb, expand_why(a), b.ptr);
		if (a->default_separate) {
			sqlfrag_alter_column(&b, lc, a->column, " SET DEFAULT ");
			buf_puts(&b, a->default_sql);
			step_up(sb, "The default for rows inserted from now on (it does not touch existing rows).", b.ptr);
		}
		sqlfrag_alter(&b2, lc);
		buf_puts(&b2, "DROP COLUMN ");
		sqlfrag_col(&b2, a->column);
		step_down(sb, NULL, b2.ptr);
		add_warning(&sb->warnings, a);
	}
	buf_free(&b);
	buf_free(&b2);
}

/* Set only at contract for synced columns: during the window a default
 * would hide which application version wrote the row. */
static void add_contract(step_builder *sb, const mdl_lifecycle *lc)
{
	mp_buf b = MP_BUF_INIT, b2 = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nadds; i++) {
		const mdl_add *a = &lc->adds[i];
		if (a->temp_default_sql) {
			sqlfrag_alter_column(&b, lc, a->column, " DROP DEFAULT");
			step_up(sb, "The window's default goes: the new version writes the column itself.", b.ptr);
			sqlfrag_alter_column(&b2, lc, a->column, " SET DEFAULT ");
			buf_puts(&b2, a->temp_default_sql);
			step_down(sb, NULL, b2.ptr);
			continue;
		}
		if (!a->default_sql || a->default_in_expand)
			continue;
		sqlfrag_alter_column(&b, lc, a->column, " SET DEFAULT ");
		buf_puts(&b, a->default_sql);
		step_up(sb, "Set only now: during the window a default would hide which application version wrote the row.",
		        b.ptr);
		sqlfrag_alter_column(&b2, lc, a->column, " DROP DEFAULT");
		step_down(sb, NULL, b2.ptr);
	}
	buf_free(&b);
	buf_free(&b2);
}

static size_t add_count(const mdl_lifecycle *lc)
{
	return lc->nadds;
}

static bool add_own_step(const mdl_lifecycle *lc, size_t i, op_stage stage, op_own_step *out)
{
	if (stage != STAGE_AFTER_EXPAND || !lc->adds[i].value_sql)
		return false;
	*out = (op_own_step){PHASE_BACKFILL, lc->adds[i].column, false};
	return true;
}

/* For Prisma: one DO block, alone in its file, so `prisma migrate deploy`
 * runs it outside a transaction block and it can COMMIT after every batch.
 * It stops at the largest key present when it starts: rows inserted later
 * are kept right by the sync trigger, so the loop ends under any write load.
 * migrun runs the same batches natively from the manifest instead. */
static void add_backfill(step_builder *sb, const mdl_lifecycle *lc, size_t i)
{
	const mdl_add *a = &lc->adds[i];
	batch_step(sb, lc, a->column, a->value_sql, a->batch,
	           " (a row\n-- either version or the trigger already filled keeps its value), so an interrupted\n"
	           "-- backfill resumes where it stopped when it runs again.",
	           "-- The backfill changes data only; the values it wrote stay and are kept in sync by the\n"
	           "-- trigger until the expand step's DOWN drops the column.\n");
}

/* CASE over the source column for `from col map (...)`; prefix is "" for
 * the row itself or "NEW." inside the trigger. */
static void render_map(mp_buf *b, const char *prefix, const char *col, const ast_map_entry *map, size_t n)
{
	mp_buf ref = MP_BUF_INIT;
	buf_puts(&ref, prefix);
	sql_quote_ident(&ref, col);
	if (n == 0) {
		buf_puts(b, buf_cstr(&ref));
		buf_free(&ref);
		return;
	}
	buf_puts(b, "CASE");
	const ast_map_entry *els = NULL;
	for (size_t i = 0; i < n; i++) {
		if (map[i].is_else) {
			els = &map[i];
			continue;
		}
		if (map[i].key.kind == LIT_NULL)
			buf_printf(b, " WHEN %s IS NULL THEN ", buf_cstr(&ref));
		else {
			buf_printf(b, " WHEN %s = ", buf_cstr(&ref));
			names_render_literal(b, &map[i].key);
			buf_puts(b, " THEN ");
		}
		names_render_literal(b, &map[i].value);
	}
	buf_puts(b, " ELSE ");
	if (els)
		names_render_literal(b, &els->value);
	else
		buf_puts(b, buf_cstr(&ref));
	buf_puts(b, " END");
	buf_free(&ref);
}

static bool map_has_null_key(const ast_map_entry *map, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!map[i].is_else && map[i].key.kind == LIT_NULL)
			return true;
	return false;
}

static bool map_yields_null(const ast_map_entry *map, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (map[i].value.kind == LIT_NULL)
			return true;
	return false;
}

static void check_map(lc_state *st, const ast_map_entry *map, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (map[i].is_else && i != n - 1)
			check_error(st->c, map[i].span, "'else' must be the last entry of a map");
		for (size_t j = 0; j < i; j++) {
			if (map[i].is_else || map[j].is_else)
				continue;
			if (map[i].key.kind == map[j].key.kind && strcmp(map[i].key.text, map[j].key.text) == 0)
				check_error(st->c, map[i].key.span, "duplicate map key %s", map[i].key.text);
		}
	}
}

/* A constant needs no trigger: with no default of its own it is the
 * column's default for the window (existing rows read it at no cost);
 * with a different default the default comes after the column, so that
 * existing rows stay NULL for the backfill. */
static void add_check_constant(lc_state *st, const ast_item *it, const ast_source *s, mdl_add *a)
{
	mp_buf v = MP_BUF_INIT;
	if (s->constant.kind == LIT_NULL)
		check_error(st->c, s->span, "backfilling NULL changes nothing; leave the backfill out");
	if (a->type)
		check_literal_fits(st, &it->type, a->type, &s->constant, "the backfill value");
	names_render_literal(&v, &s->constant);
	a->value_sql = check_dup_buf(st->c, &v);
	if (!a->default_sql)
		a->temp_default_sql = a->value_sql;
	else if (strcmp(a->default_sql, a->value_sql) != 0)
		a->default_separate = true;
}

static void add_check_column(lc_state *st, const ast_item *it, const ast_source *s, mdl_add *a)
{
	checker *c = st->c;
	mp_buf v = MP_BUF_INIT;
	check_ident(c, &s->column);
	if (strcmp(s->column.text, it->name.text) == 0)
		check_error(c, s->column.span, "column '%s' cannot be backfilled from itself", s->column.text);
	else if (check_find_add(st, s->column.text))
		check_error(c, s->column.span, "backfill source '%s' is added in this lifecycle; backfill from an existing column",
		    s->column.text);
	check_column_use(st, &s->column, "as a backfill source");
	check_column_exists(st, s->column.text, s->column.span, "as a backfill source", true);
	check_map(st, s->map, s->nmap);
	for (size_t i = 0; a->type && i < s->nmap; i++)
		check_literal_fits(st, &it->type, a->type, &s->map[i].value, "the mapped value");
	render_map(&v, "", s->column.text, s->map, s->nmap);
	a->value_sql = check_dup_buf(c, &v);
	render_map(&v, "NEW.", s->column.text, s->map, s->nmap);
	a->value_new_sql = check_dup_buf(c, &v);
	a->source = s->column.text;
	a->reads = check_one_name(c, a->source);
	a->nreads = 1;
	if (a->enforce_not_null && (!map_has_null_key(s->map, s->nmap) || map_yields_null(s->map, s->nmap)))
		check_error(c, s->span,
		    "NOT NULL is enforced on '%s' but its backfill from '%s' can yield NULL; map it, e.g. map (null -> 'value')",
		    a->column, s->column.text);
}

static void add_check_expr(lc_state *st, const ast_item *it, const ast_source *s, mdl_add *a)
{
	checker *c = st->c;
	if (!*s->expr) {
		check_error(c, s->span, "empty backfill expression");
		return;
	}
	check_sql_expr(c, s->expr, s->span, "the backfill expression");
	a->value_sql = s->expr;
	a->value_is_expr = true;
	check_expr_reads(c, s->expr, &a->reads, &a->nreads, &a->value_volatile);
	for (size_t i = 0; i < a->nreads; i++) {
		if (strcmp(a->reads[i], it->name.text) == 0)
			check_error(c, s->span, "the backfill expression reads '%s' itself", a->reads[i]);
		else if (check_find_add(st, a->reads[i]))
			check_error(c, s->span, "the backfill expression reads '%s', added in this lifecycle; read existing columns",
			    a->reads[i]);
		else
			check_column_exists(st, a->reads[i], s->span, "read by the backfill expression", true);
	}
}

static void add_check_reverse(lc_state *st, const ast_item *it, mdl_add *a)
{
	checker *c = st->c;
	const ast_colopts *o = &it->opts;
	const ast_source *s = &o->backfill;
	if (o->reverse.kind == SRC_NONE)
		return;
	if (s->kind != SRC_COLUMN && s->kind != SRC_EXPR) {
		check_error(c, o->reverse.span, "a reverse mapping needs a backfill from a column or an expression");
		return;
	}
	if (o->reverse.kind == SRC_EXPR) {
		check_sql_expr(c, o->reverse.expr, o->reverse.span, "the reverse expression");
		a->reverse_sql = o->reverse.expr;
	} else {
		check_map(st, o->reverse.map, o->reverse.nmap);
		mp_buf r = MP_BUF_INIT;
		render_map(&r, "", it->name.text, o->reverse.map, o->reverse.nmap);
		a->reverse_sql = check_dup_buf(c, &r);
		render_map(&r, "NEW.", it->name.text, o->reverse.map, o->reverse.nmap);
		a->reverse_new_sql = check_dup_buf(c, &r);
	}
	if (o->reverse.kind == SRC_EXPR) {
		bool vol;
		check_expr_reads(c, o->reverse.expr, &a->reverse_reads, &a->nreverse_reads, &vol);
	} else {
		a->reverse_reads = check_one_name(c, a->column);
		a->nreverse_reads = 1;
	}
	if (s->kind == SRC_COLUMN)
		a->reverse_target = a->source;
	/* an expression's target is the retired column it reads: add_check_done */
}

static void add_check(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	check_ident(c, &it->name);
	if (check_find_add(st, it->name.text)) {
		check_error(c, it->name.span, "column '%s' is added twice in lifecycle '%s'", it->name.text, st->lc->name);
		return;
	}
	check_column_use(st, &it->name, "added");
	check_column_exists(st, it->name.text, it->name.span, "added", false);
	const ast_colopts *o = &it->opts;
	check_forbid_opts(st, o, "add", true, true, true, true, false, true, false);
	mdl_add *a = check_new_add(st, it, &it->name, true);
	if (o->has_batch && o->backfill.kind == SRC_NONE)
		check_error(c, o->batch_span, "a batch size needs a backfill");
	const ast_source *s = &o->backfill;
	if (s->kind == SRC_CONST)
		add_check_constant(st, it, s, a);
	else if (s->kind == SRC_COLUMN)
		add_check_column(st, it, s, a);
	else if (s->kind == SRC_EXPR)
		add_check_expr(st, it, s, a);
	if (s->kind == SRC_COLUMN || s->kind == SRC_EXPR) {
		/* the trigger tells the versions apart by whether an insert names
		 * the column: its default waits for the contract */
		a->synced = true;
		a->default_in_expand = false;
	}
	add_check_reverse(st, it, a);
	if (a->enforce_not_null && s->kind == SRC_NONE && !a->default_sql)
		check_error(c, it->name.span, "NOT NULL on '%s' with no backfill source and no default: existing rows would be NULL",
		    a->column);
}

static bool is_retired(const mdl_lifecycle *lc, const char *column)
{
	for (size_t i = 0; i < lc->nretires; i++)
		if (strcmp(lc->retires[i].column, column) == 0)
			return true;
	return false;
}

/* The reverse fires on the new columns it reads (an expression may read
 * old ones too); with none, on the column itself. */
static void keep_added_reads(mdl_lifecycle *lc, mdl_add *a)
{
	size_t n = 0;
	for (size_t r = 0; r < a->nreverse_reads; r++)
		for (size_t j = 0; j < lc->nadds; j++)
			if (strcmp(lc->adds[j].column, a->reverse_reads[r]) == 0) {
				a->reverse_reads[n++] = a->reverse_reads[r];
				break;
			}
	a->nreverse_reads = n;
	if (!n && a->reverse_reads)
		a->reverse_reads[a->nreverse_reads++] = a->column;
}

/* An expression's reverse writes the one retired column it reads; two
 * reverses into one column would race. */
static void add_check_done(lc_state *st)
{
	mdl_lifecycle *lc = st->lc;
	for (size_t i = 0; i < lc->nadds; i++) {
		mdl_add *a = &lc->adds[i];
		if (a->kind != ITEM_ADD || !a->value_is_expr || !a->reverse_sql)
			continue;
		const char *target = NULL;
		size_t n = 0;
		for (size_t r = 0; r < a->nreads; r++)
			if (is_retired(lc, a->reads[r]))
				target = a->reads[r], n++;
		if (n != 1) {
			check_error(st->c, a->span,
			    "the reverse of '%s' needs a column to write: its backfill expression must read exactly one column this "
			    "lifecycle retires (it reads %zu)",
			    a->column, n);
			continue;
		}
		a->reverse_target = target;
	}
	for (size_t i = 0; i < lc->nadds; i++)
		keep_added_reads(lc, &lc->adds[i]);
	for (size_t i = 0; i < lc->nadds; i++)
		for (size_t j = 0; j < i; j++)
			if (lc->adds[i].reverse_target && lc->adds[j].reverse_target &&
			    strcmp(lc->adds[i].reverse_target, lc->adds[j].reverse_target) == 0)
				check_error(st->c, lc->adds[i].span, "'%s' already gets the reverse of '%s'; give one reverse per old column",
				    lc->adds[i].reverse_target, lc->adds[j].column);
}

const op_def op_add = {
	.name = "add",
	.check = add_check,
	.check_done = add_check_done,
	.needs = add_needs,
	.expand = add_expand,
	.contract = add_contract,
	.count = add_count,
	.own_step = add_own_step,
	.build_own = add_backfill,
};
