/* The add operation: a new column (also the new side of rename and retype),
 * added nullable at expand, backfilled in batches, its default set at
 * contract when the window needs it unset; its check renders the backfill
 * and reverse mappings. */
#include "ops/check_ctx.h"
#include "ops/names.h"
#include "ops/ops.h"
#include "ops/sqlfrag.h"
#include "ops/sync.h"
#include "util/duration.h"
#include "util/quote.h"

#include <stdlib.h>

static bool add_needs(const mdl_lifecycle *lc, op_phase phase)
{
	if (phase == PHASE_EXPAND)
		return lc->nadds > 0;
	for (size_t i = 0; phase == PHASE_CONTRACT && i < lc->nadds; i++)
		if (lc->adds[i].default_sql && !lc->adds[i].default_in_expand)
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

static void add_expand(step_builder *sb, const mdl_lifecycle *lc)
{
	mp_buf b = MP_BUF_INIT, b2 = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nadds; i++) {
		const mdl_add *a = &lc->adds[i];
		bool with_default = a->default_sql && a->default_in_expand;
		sqlfrag_alter(&b, lc);
		buf_puts(&b, "ADD COLUMN ");
		sqlfrag_col(&b, a->column);
		buf_printf(&b, " %s", a->type);
		if (with_default)
			buf_printf(&b, " DEFAULT %s", a->default_sql);
		step_up(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_BRIEF,
		        with_default
		            ? "Nullable, with a constant default: PostgreSQL 11+ stores the default in the catalog, no rewrite."
		            : "Nullable and without a default: no rewrite, and old application versions keep working.",
		        b.ptr);
		sqlfrag_alter(&b2, lc);
		buf_puts(&b2, "DROP COLUMN ");
		sqlfrag_col(&b2, a->column);
		step_down(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_BRIEF, NULL, b2.ptr);
		add_warning(&sb->warnings, a);
	}
	buf_free(&b);
	buf_free(&b2);
}

/* Set only at contract for rename/retype: during the window a default would
 * hide which application version wrote the row. */
static void add_contract(step_builder *sb, const mdl_lifecycle *lc)
{
	mp_buf b = MP_BUF_INIT, b2 = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nadds; i++) {
		const mdl_add *a = &lc->adds[i];
		if (!a->default_sql || a->default_in_expand)
			continue;
		sqlfrag_alter_column(&b, lc, a->column, " SET DEFAULT ");
		buf_puts(&b, a->default_sql);
		step_up(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_BRIEF,
		        "Set only now: during the window a default would hide which application version wrote the row.",
		        b.ptr);
		sqlfrag_alter_column(&b2, lc, a->column, " DROP DEFAULT");
		step_down(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_BRIEF, NULL, b2.ptr);
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

/* The PL/pgSQL loop: batches by key up to the largest key present at start. */
static void backfill_body(mp_buf *body, const mdl_lifecycle *lc, const mdl_add *a, const char *t, const char *k)
{
	mp_buf c = MP_BUF_INIT, kt = MP_BUF_INIT;
	sqlfrag_col(&c, a->column);
	buf_printf(&kt, "%s.%s%%TYPE", t, k);
	char lt[32];
	duration_format_pg(lc->lock_timeout_ms, lt);
	buf_printf(body,
	           "\n#variable_conflict use_column\n"
	           "DECLARE\n"
	           "  migplan_hi %s;\n  migplan_lo %s;\n  migplan_last %s;\n"
	           "BEGIN\n"
	           "  SELECT max(%s), min(%s) INTO migplan_hi, migplan_lo FROM %s;\n"
	           "  WHILE migplan_lo IS NOT NULL LOOP\n"
	           "    PERFORM set_config('lock_timeout', '%s', true);\n",
	           kt.ptr, kt.ptr, kt.ptr, k, k, t, lt);
	if (lc->statement_timeout_ms > 0) {
		char st[32];
		duration_format_pg(lc->statement_timeout_ms, st);
		buf_printf(body, "    PERFORM set_config('statement_timeout', '%s', true);\n", st);
	}
	buf_printf(body,
	           "    WITH migplan_batch AS (\n"
	           "      SELECT %s AS migplan_key FROM %s\n"
	           "      WHERE %s >= migplan_lo AND %s <= migplan_hi\n"
	           "      ORDER BY %s LIMIT %ld\n"
	           "    ), migplan_done AS (\n"
	           "      UPDATE %s SET %s = (%s)\n"
	           "      FROM migplan_batch\n"
	           "      WHERE %s.%s = migplan_batch.migplan_key\n"
	           "        AND %s IS DISTINCT FROM (%s)\n"
	           "    )\n"
	           "    SELECT max(migplan_key) INTO migplan_last FROM migplan_batch;\n"
	           "    COMMIT;\n"
	           "    SELECT min(%s) INTO migplan_lo FROM %s WHERE %s > migplan_last AND %s <= migplan_hi;\n"
	           "  END LOOP;\n"
	           "END\n",
	           k, t, k, k, k, a->batch, t, c.ptr, a->value_sql, t, k, c.ptr, a->value_sql, k, t, k, k);
	buf_free(&c);
	buf_free(&kt);
}

static mf_backfill *native_backfill(const mdl_lifecycle *lc, const mdl_add *a)
{
	mf_backfill *bf = xcalloc(1, sizeof *bf);
	bf->schema = lc->table.schema ? xstrdup(lc->table.schema) : NULL;
	bf->table = xstrdup(lc->table.name);
	bf->key = xstrdup(lc->key);
	bf->column = xstrdup(a->column);
	bf->value = xstrdup(a->value_sql);
	bf->batch = a->batch;
	return bf;
}

/* For Prisma: one DO block, alone in its file, so `prisma migrate deploy`
 * runs it outside a transaction block and it can COMMIT after every batch.
 * It stops at the largest key present when it starts: rows inserted later
 * are kept right by the sync trigger, so the loop ends under any write load.
 * migrun runs the same batches natively from the manifest instead. */
static void add_backfill(step_builder *sb, const mdl_lifecycle *lc, size_t i)
{
	const mdl_add *a = &lc->adds[i];
	mp_buf t = MP_BUF_INIT, k = MP_BUF_INIT, body = MP_BUF_INIT, tag = MP_BUF_INIT, stmt = MP_BUF_INIT,
	       why = MP_BUF_INIT;
	step_rel_sql(&t, &lc->table);
	sqlfrag_col(&k, lc->key);
	backfill_body(&body, lc, a, t.ptr, k.ptr);
	sql_dollar_tag(&tag, body.ptr);
	buf_printf(&stmt, "DO %s%s%s", tag.ptr, body.ptr, tag.ptr);
	buf_printf(&why, "Batches of %ld rows by %s, each its own transaction; only rows not yet right are written,\n"
	                 "-- so an interrupted backfill resumes where it stopped when it runs again.",
	           a->batch, k.ptr);
	step_up(sb, LOCK_ROW_EXCLUSIVE, &lc->table, COST_BATCH, why.ptr, stmt.ptr);
	buf_puts(&sb->warnings, "-- The backfill changes data only; the values it wrote stay and are kept in sync by the\n"
	                        "-- trigger until the expand step's DOWN drops the column.\n");
	sb->backfill = native_backfill(lc, a);
	buf_free(&t);
	buf_free(&k);
	buf_free(&body);
	buf_free(&tag);
	buf_free(&stmt);
	buf_free(&why);
}

/* A plain add's part of the trigger: the new column from the old one, or
 * from the row for an expression, which any UPDATE may change (true). */
static bool add_sync(mp_buf *body, mp_buf *events, const mdl_lifecycle *lc, const mdl_add *a)
{
	buf_puts(body, "  NEW.");
	sqlfrag_col(body, a->column);
	buf_puts(body, " := ");
	sync_over_new(body, lc, a->value_new_sql, a->value_sql);
	buf_puts(body, ";\n");
	if (a->value_is_expr)
		return true;
	sync_event_add(events, a->source);
	return false;
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

static void add_check(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	check_ident(c, &it->name);
	if (check_find_add(st, it->name.text)) {
		check_error(c, it->name.span, "column '%s' is added twice in lifecycle '%s'", it->name.text, st->lc->name);
		return;
	}
	check_column_use(st, &it->name, "added");
	const ast_colopts *o = &it->opts;
	check_forbid_opts(st, o, "add", true, true, true, true, false, true, false);
	mdl_add *a = check_new_add(st, it, &it->name, true);
	if (o->has_batch && o->backfill.kind == SRC_NONE)
		check_error(c, o->batch_span, "a batch size needs a backfill");
	const ast_source *s = &o->backfill;
	mp_buf v = MP_BUF_INIT;
	switch (s->kind) {
	case SRC_NONE:
		break;
	case SRC_CONST:
		if (s->constant.kind == LIT_NULL)
			check_error(c, s->span, "backfilling NULL changes nothing; leave the backfill out");
		names_render_literal(&v, &s->constant);
		a->value_sql = check_dup_buf(c, &v);
		break;
	case SRC_COLUMN:
		check_ident(c, &s->column);
		if (strcmp(s->column.text, it->name.text) == 0)
			check_error(c, s->column.span, "column '%s' cannot be backfilled from itself", s->column.text);
		else if (check_find_add(st, s->column.text))
			check_error(c, s->column.span, "backfill source '%s' is added in this lifecycle; backfill from an existing column",
			    s->column.text);
		check_column_use(st, &s->column, "as a backfill source");
		check_map(st, s->map, s->nmap);
		render_map(&v, "", s->column.text, s->map, s->nmap);
		a->value_sql = check_dup_buf(c, &v);
		render_map(&v, "NEW.", s->column.text, s->map, s->nmap);
		a->value_new_sql = check_dup_buf(c, &v);
		a->source = s->column.text;
		a->synced = true;
		if (a->enforce_not_null && (!map_has_null_key(s->map, s->nmap) || map_yields_null(s->map, s->nmap)))
			check_error(c, s->span,
			    "NOT NULL is enforced on '%s' but its backfill from '%s' can yield NULL; map it, e.g. map (null -> 'value')",
			    a->column, s->column.text);
		break;
	case SRC_EXPR:
		if (!*s->expr)
			check_error(c, s->span, "empty backfill expression");
		else
			check_sql_expr(c, s->expr, s->span, "the backfill expression");
		a->value_sql = s->expr;
		a->value_is_expr = true;
		a->synced = true;
		break;
	}
	buf_free(&v);
	if (o->reverse.kind != SRC_NONE) {
		if (s->kind != SRC_COLUMN && s->kind != SRC_EXPR)
			check_error(c, o->reverse.span, "a reverse mapping needs a backfill from a column or an expression");
		else if (o->reverse.kind == SRC_EXPR) {
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
	}
	if (a->enforce_not_null && s->kind == SRC_NONE && !a->default_sql)
		check_error(c, it->name.span, "NOT NULL on '%s' with no backfill source and no default: existing rows would be NULL",
		    a->column);
	st->seen_column_item = true;
}

const op_def op_add = {
	.name = "add",
	.check = add_check,
	.needs = add_needs,
	.expand = add_expand,
	.contract = add_contract,
	.count = add_count,
	.own_step = add_own_step,
	.build_own = add_backfill,
	.sync = add_sync,
};
