/* The add operation: a new column (also the new side of rename and retype),
 * added nullable at expand, backfilled in batches, its default set at
 * contract when the window needs it unset. */
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

const op_def op_add = {
	.name = "add",
	.needs = add_needs,
	.expand = add_expand,
	.contract = add_contract,
	.count = add_count,
	.own_step = add_own_step,
	.build_own = add_backfill,
	.sync = add_sync,
};
