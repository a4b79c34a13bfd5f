/* The batched column fill, as a DO block and as the manifest's native backfill object. */
#include "ops/batch.h"
#include "ops/sqlfrag.h"
#include "ops/step.h"
#include "util/duration.h"
#include "util/quote.h"

#include <stdlib.h>

/* The PL/pgSQL loop: batches by key up to the largest key present at start. */
static void loop_body(mp_buf *body, const mdl_lifecycle *lc, const char *column, const char *value_sql, long batch,
                      const char *t, const char *k)
{
	mp_buf c = MP_BUF_INIT, kt = MP_BUF_INIT;
	sqlfrag_col(&c, column);
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
	           "    PERFORM set_config('lock_timeout', '%s', true);\n"
	           "    PERFORM set_config('migplan.backfill', 'on', true);\n",
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
	           "        AND %s IS NULL\n"
	           "    )\n"
	           "    SELECT max(migplan_key) INTO migplan_last FROM migplan_batch;\n"
	           "    COMMIT;\n"
	           "    SELECT min(%s) INTO migplan_lo FROM %s WHERE %s > migplan_last AND %s <= migplan_hi;\n"
	           "  END LOOP;\n"
	           "END\n",
	           k, t, k, k, k, batch, t, c.ptr, value_sql, t, k, c.ptr, k, t, k, k);
	buf_free(&c);
	buf_free(&kt);
}

void batch_do_sql(mp_buf *stmt, const mdl_lifecycle *lc, const char *column, const char *value_sql, long batch)
{
	mp_buf t = MP_BUF_INIT, k = MP_BUF_INIT, body = MP_BUF_INIT, tag = MP_BUF_INIT;
	step_rel_sql(&t, &lc->table);
	sqlfrag_col(&k, lc->key);
	loop_body(&body, lc, column, value_sql, batch, t.ptr, k.ptr);
	sql_dollar_tag(&tag, body.ptr);
	buf_printf(stmt, "DO %s%s%s", tag.ptr, body.ptr, tag.ptr);
	buf_free(&t);
	buf_free(&k);
	buf_free(&body);
	buf_free(&tag);
}

mf_backfill *batch_native(const mdl_lifecycle *lc, const char *column, const char *value_sql, long batch)
{
	mf_backfill *bf = xcalloc(1, sizeof *bf);
	bf->schema = lc->table.schema ? xstrdup(lc->table.schema) : NULL;
	bf->table = xstrdup(lc->table.name);
	bf->key = xstrdup(lc->key);
	bf->column = xstrdup(column);
	bf->value = xstrdup(value_sql);
	bf->batch = batch;
	bf->batch_time_ms = lc->batch_time_ms;
	bf->only_null = true;
	return bf;
}

void batch_step(step_builder *sb, const mdl_lifecycle *lc, const char *column, const char *value_sql, long batch,
                const char *why_tail, const char *warning)
{
	mp_buf k = MP_BUF_INIT, stmt = MP_BUF_INIT, why = MP_BUF_INIT;
	sqlfrag_col(&k, lc->key);
	batch_do_sql(&stmt, lc, column, value_sql, batch);
	buf_printf(&why, "Batches of %ld rows by %s, each its own transaction; only rows still NULL are written%s", batch,
	           k.ptr, why_tail);
	step_up(sb, why.ptr, stmt.ptr);
	buf_puts(&sb->warnings, warning);
	sb->backfill = batch_native(lc, column, value_sql, batch);
	buf_free(&k);
	buf_free(&stmt);
	buf_free(&why);
}
