/* The SQL of each phase. Where the seed's recipe is unsafe, this file writes
 * the safe form, and the comment above each statement says why. */
#include "compiler/plan_internal.h"
#include "util/duration.h"
#include "util/quote.h"

#include <stdlib.h>
#include <string.h>

static void col(mp_buf *b, const char *c)
{
	sql_quote_ident(b, c);
}

static char *nn_name(const char *column)
{
	return object_name("migplan_", column, "_not_null");
}

/* "ALTER TABLE <t> " + rest */
static void alter(mp_buf *b, const mdl_lifecycle *lc)
{
	buf_clear(b);
	buf_puts(b, "ALTER TABLE ");
	rel_sql(b, &lc->table);
	buf_putc(b, ' ');
}

static void nn_check_add(mp_buf *b, const mdl_lifecycle *lc, const char *column)
{
	char *nn = nn_name(column);
	alter(b, lc);
	buf_puts(b, "ADD CONSTRAINT ");
	sql_quote_ident(b, nn);
	buf_puts(b, " CHECK (");
	col(b, column);
	buf_puts(b, " IS NOT NULL) NOT VALID");
	free(nn);
}

static void fk_add(mp_buf *b, const mdl_lifecycle *lc, const mdl_fk *f)
{
	alter(b, lc);
	buf_puts(b, "ADD CONSTRAINT ");
	sql_quote_ident(b, f->name);
	buf_puts(b, " FOREIGN KEY (");
	for (size_t i = 0; i < f->ncolumns; i++) {
		if (i)
			buf_puts(b, ", ");
		col(b, f->columns[i]);
	}
	buf_puts(b, ") REFERENCES ");
	rel_sql(b, &f->ref);
	buf_puts(b, " (");
	for (size_t i = 0; i < f->nref_columns; i++) {
		if (i)
			buf_puts(b, ", ");
		col(b, f->ref_columns[i]);
	}
	buf_putc(b, ')');
	if (f->on_delete)
		buf_printf(b, " ON DELETE %s", f->on_delete);
	if (f->on_update)
		buf_printf(b, " ON UPDATE %s", f->on_update);
	buf_puts(b, " NOT VALID");
}

static void check_add(mp_buf *b, const mdl_lifecycle *lc, const mdl_check *k)
{
	alter(b, lc);
	buf_puts(b, "ADD CONSTRAINT ");
	sql_quote_ident(b, k->name);
	buf_printf(b, " CHECK (%s) NOT VALID", k->expr);
}

static void constraint_drop(mp_buf *b, const mdl_lifecycle *lc, const char *name)
{
	alter(b, lc);
	buf_puts(b, "DROP CONSTRAINT ");
	sql_quote_ident(b, name);
}

static void constraint_validate(mp_buf *b, const mdl_lifecycle *lc, const char *name)
{
	alter(b, lc);
	buf_puts(b, "VALIDATE CONSTRAINT ");
	sql_quote_ident(b, name);
}

/* A NOT VALID check still applies to every new row version. When one
 * lifecycle backfills several columns and one of them starts out NULL (no
 * default), the backfill of another column writes rows where it is still
 * NULL and would break its check: then the checks come in a step of their own
 * after the backfills instead of in expand. */
bool late_not_null_checks(const mdl_lifecycle *lc)
{
	size_t backfills = 0;
	bool null_at_start = false;
	for (size_t i = 0; i < lc->nadds; i++) {
		backfills += lc->adds[i].value_sql != NULL;
		null_at_start = null_at_start || (lc->adds[i].enforce_not_null &&
		                                  !(lc->adds[i].default_sql && lc->adds[i].default_in_expand));
	}
	return backfills > 1 && null_at_start;
}

static void nn_checks_add(step_builder *sb, const mdl_lifecycle *lc)
{
	mp_buf b = MP_BUF_INIT, b2 = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nadds; i++) {
		const mdl_add *a = &lc->adds[i];
		if (!a->enforce_not_null)
			continue;
		nn_check_add(&b, lc, a->column);
		up(sb, LOCK_AE, &lc->table, COST_BRIEF,
		   "NOT NULL comes at contract; NOT VALID checks new writes now without scanning existing rows.", b.ptr);
		char *nn = nn_name(a->column);
		constraint_drop(&b2, lc, nn);
		free(nn);
		down(sb, LOCK_AE, &lc->table, COST_BRIEF, NULL, b2.ptr);
	}
	buf_free(&b);
	buf_free(&b2);
}

void build_enforce(plan_step *s)
{
	step_builder sb = {.lc = s->lc};
	nn_checks_add(&sb, s->lc);
	finish_step(&sb, s);
}

void build_expand(plan_step *s)
{
	const mdl_lifecycle *lc = s->lc;
	step_builder sb = {.lc = lc};
	mp_buf b = MP_BUF_INIT, b2 = MP_BUF_INIT;
	for (size_t i = 0; i < lc->nadds; i++) {
		const mdl_add *a = &lc->adds[i];
		alter(&b, lc);
		buf_puts(&b, "ADD COLUMN ");
		col(&b, a->column);
		buf_printf(&b, " %s", a->type);
		if (a->default_sql && a->default_in_expand)
			buf_printf(&b, " DEFAULT %s", a->default_sql);
		up(&sb, LOCK_AE, &lc->table, COST_BRIEF,
		   a->default_sql && a->default_in_expand
		       ? "Nullable, with a constant default: PostgreSQL 11+ stores the default in the catalog, no rewrite."
		       : "Nullable and without a default: no rewrite, and old application versions keep working.",
		   b.ptr);
		alter(&b2, lc);
		buf_puts(&b2, "DROP COLUMN ");
		col(&b2, a->column);
		down(&sb, LOCK_AE, &lc->table, COST_BRIEF, NULL, b2.ptr);
		buf_puts(&sb.warnings, "-- WARNING: drops ");
		col(&sb.warnings, a->column);
		if (a->source) {
			buf_puts(&sb.warnings, "; its values come from ");
			col(&sb.warnings, a->source);
			buf_puts(&sb.warnings, " again when the steps are re-applied\n");
		} else
			buf_puts(&sb.warnings, " and every value written to it\n");
	}
	if (has_sync(lc)) {
		buf_clear(&b);
		buf_clear(&b2);
		sync_create(&b, &b2, lc);
		up(&sb, NULL, &lc->table, NULL,
		   "Sync trigger: old application versions write only the old column; this keeps the new one right.",
		   b.ptr);
		up(&sb, LOCK_SRE, &lc->table, COST_BRIEF, NULL, b2.ptr);
		buf_clear(&b);
		buf_clear(&b2);
		sync_drop(&b, &b2, lc);
		down(&sb, NULL, &lc->table, NULL, NULL, b.ptr);
		down(&sb, LOCK_AE, &lc->table, COST_BRIEF, NULL, b2.ptr);
	}
	if (!late_not_null_checks(lc))
		nn_checks_add(&sb, lc);
	for (size_t i = 0; i < lc->nfks; i++) {
		fk_add(&b, lc, &lc->fks[i]);
		up(&sb, LOCK_SRE, &lc->table, COST_BRIEF, "NOT VALID: no scan now; VALIDATE at contract does not block writes.",
		   b.ptr);
		lock_also(&sb, LOCK_SRE, &lc->fks[i].ref, COST_BRIEF);
		constraint_drop(&b2, lc, lc->fks[i].name);
		down(&sb, LOCK_AE, &lc->table, COST_BRIEF, NULL, b2.ptr);
	}
	for (size_t i = 0; i < lc->nchecks; i++) {
		check_add(&b, lc, &lc->checks[i]);
		up(&sb, LOCK_AE, &lc->table, COST_BRIEF, "NOT VALID: no scan now; VALIDATE at contract does not block writes.",
		   b.ptr);
		constraint_drop(&b2, lc, lc->checks[i].name);
		down(&sb, LOCK_AE, &lc->table, COST_BRIEF, NULL, b2.ptr);
	}
	buf_free(&b);
	buf_free(&b2);
	finish_step(&sb, s);
}

/* For Prisma: one DO block, alone in its file, so `prisma migrate deploy`
 * runs it outside a transaction block and it can COMMIT after every batch.
 * It stops at the largest key present when it starts: rows inserted later
 * are kept right by the sync trigger, so the loop ends under any write load.
 * migrun runs the same batches natively from the manifest instead. */
void build_backfill(plan_step *s, const mdl_add *a)
{
	const mdl_lifecycle *lc = s->lc;
	step_builder sb = {.lc = lc};
	mp_buf t = MP_BUF_INIT, k = MP_BUF_INIT, c = MP_BUF_INIT, kt = MP_BUF_INIT, body = MP_BUF_INIT, tag = MP_BUF_INIT;
	rel_sql(&t, &lc->table);
	col(&k, lc->key);
	col(&c, a->column);
	buf_printf(&kt, "%s.%s%%TYPE", t.ptr, k.ptr);
	char lt[32];
	duration_format_pg(lc->lock_timeout_ms, lt);
	buf_printf(&body,
	           "\n#variable_conflict use_column\n"
	           "DECLARE\n"
	           "  migplan_hi %s;\n  migplan_lo %s;\n  migplan_last %s;\n"
	           "BEGIN\n"
	           "  SELECT max(%s), min(%s) INTO migplan_hi, migplan_lo FROM %s;\n"
	           "  WHILE migplan_lo IS NOT NULL LOOP\n"
	           "    PERFORM set_config('lock_timeout', '%s', true);\n",
	           kt.ptr, kt.ptr, kt.ptr, k.ptr, k.ptr, t.ptr, lt);
	if (lc->statement_timeout_ms > 0) {
		char st[32];
		duration_format_pg(lc->statement_timeout_ms, st);
		buf_printf(&body, "    PERFORM set_config('statement_timeout', '%s', true);\n", st);
	}
	buf_printf(&body,
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
	           k.ptr, t.ptr, k.ptr, k.ptr, k.ptr, a->batch, t.ptr, c.ptr, a->value_sql, t.ptr, k.ptr, c.ptr,
	           a->value_sql, k.ptr, t.ptr, k.ptr, k.ptr);
	sql_dollar_tag(&tag, body.ptr);
	mp_buf stmt = MP_BUF_INIT;
	buf_printf(&stmt, "DO %s%s%s", tag.ptr, body.ptr, tag.ptr);
	mp_buf why = MP_BUF_INIT;
	buf_printf(&why, "Batches of %ld rows by %s, each its own transaction; only rows not yet right are written,\n"
	                 "-- so an interrupted backfill resumes where it stopped when it runs again.",
	           a->batch, k.ptr);
	up(&sb, LOCK_RE, &lc->table, COST_BATCH, why.ptr, stmt.ptr);
	buf_puts(&sb.warnings, "-- The backfill changes data only; the values it wrote stay and are kept in sync by the\n"
	                       "-- trigger until the expand step's DOWN drops the column.\n");
	s->backfill = xcalloc(1, sizeof *s->backfill);
	s->backfill->schema = lc->table.schema ? xstrdup(lc->table.schema) : NULL;
	s->backfill->table = xstrdup(lc->table.name);
	s->backfill->key = xstrdup(lc->key);
	s->backfill->column = xstrdup(a->column);
	s->backfill->value = xstrdup(a->value_sql);
	s->backfill->batch = a->batch;
	buf_free(&t);
	buf_free(&k);
	buf_free(&c);
	buf_free(&kt);
	buf_free(&body);
	buf_free(&tag);
	buf_free(&stmt);
	buf_free(&why);
	finish_step(&sb, s);
}

static void index_name(mp_buf *b, const mdl_lifecycle *lc, const char *name)
{
	sql_quote_qualified(b, lc->table.schema, name);
}

static void index_create(mp_buf *b, const mdl_lifecycle *lc, const mdl_index *x, bool concurrently)
{
	buf_clear(b);
	buf_printf(b, "CREATE %sINDEX %s", x->unique ? "UNIQUE " : "", concurrently ? "CONCURRENTLY " : "");
	sql_quote_ident(b, x->name);
	buf_puts(b, " ON ");
	rel_sql(b, &lc->table);
	if (x->method)
		buf_printf(b, " USING %s", x->method);
	buf_puts(b, " (");
	for (size_t i = 0; i < x->ncolumns; i++) {
		if (i)
			buf_puts(b, ", ");
		col(b, x->columns[i]);
	}
	buf_putc(b, ')');
	if (x->where_sql)
		buf_printf(b, " WHERE %s", x->where_sql);
}

/* CONCURRENTLY cannot run in a transaction block, and Prisma sends a file
 * as one query (one implicit transaction when it has several statements):
 * so the statement stands alone in its file, with no SET prelude. */
void build_index(plan_step *s, const mdl_index *x)
{
	const mdl_lifecycle *lc = s->lc;
	step_builder sb = {.lc = lc};
	mp_buf b = MP_BUF_INIT;
	s->sample_query = x->sample_query;
	index_create(&b, lc, x, true);
	up(&sb, LOCK_SUE, &lc->table, COST_BUILD,
	   "CONCURRENTLY: reads and writes go on while it builds. If it fails it leaves an INVALID index;\n"
	   "-- migrun drops that before it retries.",
	   b.ptr);
	buf_clear(&b);
	buf_puts(&b, "DROP INDEX CONCURRENTLY IF EXISTS ");
	index_name(&b, lc, x->name);
	down(&sb, LOCK_AE, &lc->table, "brief, once no transaction uses the index", NULL, b.ptr);
	buf_free(&b);
	finish_step(&sb, s);
}

bool contract_needed(const mdl_lifecycle *lc)
{
	if (lc->nretires || lc->nfks || lc->nchecks || has_sync(lc))
		return true;
	for (size_t i = 0; i < lc->nadds; i++)
		if (lc->adds[i].enforce_not_null || (lc->adds[i].default_sql && !lc->adds[i].default_in_expand))
			return true;
	for (size_t i = 0; i < lc->nindexes; i++)
		if (lc->indexes[i].as_constraint)
			return true;
	return false;
}

static void contract_gates(plan_step *s, const char *expand_id)
{
	const mdl_lifecycle *lc = s->lc;
	if (expand_id && (lc->nretires || has_sync(lc))) {
		mf_gate *g = add_gate(s, GATE_MIN_AGE);
		g->after = xstrdup(expand_id);
		g->duration_ms = lc->window_ms;
	}
	for (size_t i = 0; i < lc->nadds; i++) {
		const mdl_add *a = &lc->adds[i];
		if (a->enforce_not_null) {
			mf_gate *g = add_gate(s, GATE_NO_NULLS);
			g->schema = lc->table.schema ? xstrdup(lc->table.schema) : NULL;
			g->table = xstrdup(lc->table.name);
			g->column = xstrdup(a->column);
		}
		if (a->synced) {
			mf_gate *g = add_gate(s, GATE_CONSISTENCY);
			g->schema = lc->table.schema ? xstrdup(lc->table.schema) : NULL;
			g->table = xstrdup(lc->table.name);
			g->column = xstrdup(a->column);
			g->expected = xstrdup(a->value_sql);
			g->key = xstrdup(lc->key);
		}
	}
}

/* Not the seed's single transaction with a full-table UPDATE and SET NOT
 * NULL (which holds ACCESS EXCLUSIVE while it scans every row): the data is
 * already right (backfill + trigger, proven by the gates), VALIDATE scans
 * under a lock that lets reads and writes go on, and SET NOT NULL then uses
 * the validated check instead of scanning again. */
void build_contract(plan_step *s, const char *expand_id)
{
	const mdl_lifecycle *lc = s->lc;
	step_builder sb = {.lc = lc};
	mp_buf b = MP_BUF_INIT, b2 = MP_BUF_INIT;
	contract_gates(s, expand_id);

	for (size_t i = 0; i < lc->nadds; i++) {
		const mdl_add *a = &lc->adds[i];
		if (!a->enforce_not_null)
			continue;
		char *nn = nn_name(a->column);
		constraint_validate(&b, lc, nn);
		up(&sb, LOCK_SUE, &lc->table, COST_SCAN, "Full scan under SHARE UPDATE EXCLUSIVE: reads and writes go on.",
		   b.ptr);
		/* DOWN of VALIDATE: the check is re-added NOT VALID below. */
		free(nn);
	}
	for (size_t i = 0; i < lc->nfks; i++) {
		constraint_validate(&b, lc, lc->fks[i].name);
		up(&sb, LOCK_SUE, &lc->table, COST_SCAN, "Checks existing rows without blocking writes.", b.ptr);
		lock_also(&sb, LOCK_RS, &lc->fks[i].ref, COST_SCAN);
		fk_add(&b2, lc, &lc->fks[i]);
		down(&sb, LOCK_SRE, &lc->table, COST_BRIEF, NULL, b2.ptr);
		constraint_drop(&b2, lc, lc->fks[i].name);
		down(&sb, LOCK_AE, &lc->table, COST_BRIEF, "A validated constraint cannot be made NOT VALID again: re-create it.",
		     b2.ptr);
	}
	for (size_t i = 0; i < lc->nchecks; i++) {
		constraint_validate(&b, lc, lc->checks[i].name);
		up(&sb, LOCK_SUE, &lc->table, COST_SCAN, "Checks existing rows without blocking writes.", b.ptr);
		check_add(&b2, lc, &lc->checks[i]);
		down(&sb, LOCK_AE, &lc->table, COST_BRIEF, NULL, b2.ptr);
		constraint_drop(&b2, lc, lc->checks[i].name);
		down(&sb, LOCK_AE, &lc->table, COST_BRIEF, "A validated constraint cannot be made NOT VALID again: re-create it.",
		     b2.ptr);
	}
	for (size_t i = 0; i < lc->nadds; i++) {
		const mdl_add *a = &lc->adds[i];
		if (!a->enforce_not_null)
			continue;
		char *nn = nn_name(a->column);
		alter(&b, lc);
		buf_puts(&b, "ALTER COLUMN ");
		col(&b, a->column);
		buf_puts(&b, " SET NOT NULL");
		up(&sb, LOCK_AE, &lc->table, COST_BRIEF, "PostgreSQL 12+ proves this from the validated check: no second scan.",
		   b.ptr);
		nn_check_add(&b2, lc, a->column);
		down(&sb, LOCK_AE, &lc->table, COST_BRIEF, NULL, b2.ptr);
		alter(&b2, lc);
		buf_puts(&b2, "ALTER COLUMN ");
		col(&b2, a->column);
		buf_puts(&b2, " DROP NOT NULL");
		down(&sb, LOCK_AE, &lc->table, COST_BRIEF, NULL, b2.ptr);
		constraint_drop(&b, lc, nn);
		up(&sb, LOCK_AE, &lc->table, COST_BRIEF, "The helper check is redundant now.", b.ptr);
		free(nn);
	}
	for (size_t i = 0; i < lc->nindexes; i++) {
		const mdl_index *x = &lc->indexes[i];
		if (!x->as_constraint)
			continue;
		alter(&b, lc);
		buf_puts(&b, "ADD CONSTRAINT ");
		sql_quote_ident(&b, x->name);
		buf_puts(&b, " UNIQUE USING INDEX ");
		sql_quote_ident(&b, x->name);
		up(&sb, LOCK_AE, &lc->table, COST_BRIEF, "Uses the index built CONCURRENTLY: no scan, no build here.", b.ptr);
		index_create(&b2, lc, x, false);
		down(&sb, LOCK_SHARE, &lc->table, COST_BUILD_BLOCKING, NULL, b2.ptr);
		constraint_drop(&b2, lc, x->name);
		down(&sb, LOCK_AE, &lc->table, COST_BRIEF, NULL, b2.ptr);
		buf_puts(&sb.warnings, "-- WARNING: dropping constraint ");
		sql_quote_ident(&sb.warnings, x->name);
		buf_puts(&sb.warnings, " drops its index; it is rebuilt without CONCURRENTLY (a transaction\n"
		                       "-- cannot build concurrently), which blocks writes while it builds.\n");
	}
	for (size_t i = 0; i < lc->nadds; i++) {
		const mdl_add *a = &lc->adds[i];
		if (!a->default_sql || a->default_in_expand)
			continue;
		alter(&b, lc);
		buf_puts(&b, "ALTER COLUMN ");
		col(&b, a->column);
		buf_printf(&b, " SET DEFAULT %s", a->default_sql);
		up(&sb, LOCK_AE, &lc->table, COST_BRIEF,
		   "Set only now: during the window a default would hide which application version wrote the row.", b.ptr);
		alter(&b2, lc);
		buf_puts(&b2, "ALTER COLUMN ");
		col(&b2, a->column);
		buf_puts(&b2, " DROP DEFAULT");
		down(&sb, LOCK_AE, &lc->table, COST_BRIEF, NULL, b2.ptr);
	}
	if (has_sync(lc)) {
		mp_buf fn = MP_BUF_INIT, trg = MP_BUF_INIT;
		sync_drop(&fn, &trg, lc);
		up(&sb, LOCK_AE, &lc->table, COST_BRIEF, "The dual-write window is over (min_age gate).", trg.ptr);
		up(&sb, NULL, &lc->table, NULL, NULL, fn.ptr);
		buf_clear(&fn);
		buf_clear(&trg);
		sync_create(&fn, &trg, lc);
		down(&sb, LOCK_SRE, &lc->table, COST_BRIEF, NULL, trg.ptr);
		down(&sb, NULL, &lc->table, NULL, NULL, fn.ptr);
		buf_free(&fn);
		buf_free(&trg);
	}
	for (size_t i = 0; i < lc->nretires; i++) {
		const mdl_retire *r = &lc->retires[i];
		alter(&b, lc);
		buf_puts(&b, "DROP COLUMN ");
		col(&b, r->column);
		up(&sb, LOCK_AE, &lc->table, COST_BRIEF, "Catalog-only: the space is reclaimed by later updates and VACUUM.",
		   b.ptr);
		if (r->not_null) {
			alter(&b2, lc);
			buf_puts(&b2, "ALTER COLUMN ");
			col(&b2, r->column);
			buf_puts(&b2, " SET NOT NULL");
			down(&sb, LOCK_AE, &lc->table, COST_REWRITE_ALL, NULL, b2.ptr);
		}
		if (r->refill_sql) {
			buf_clear(&b2);
			buf_puts(&b2, "UPDATE ");
			rel_sql(&b2, &lc->table);
			buf_puts(&b2, " SET ");
			col(&b2, r->column);
			buf_printf(&b2, " = (%s)", r->refill_sql);
			down(&sb, LOCK_RE, &lc->table, COST_REWRITE_ALL, "Refill through the reverse mapping.", b2.ptr);
		}
		alter(&b2, lc);
		buf_puts(&b2, "ADD COLUMN ");
		col(&b2, r->column);
		buf_printf(&b2, " %s", r->type);
		if (r->default_sql)
			buf_printf(&b2, " DEFAULT %s", r->default_sql);
		down(&sb, LOCK_AE, &lc->table, COST_BRIEF, NULL, b2.ptr);
		buf_puts(&sb.warnings, "-- WARNING: re-creates ");
		col(&sb.warnings, r->column);
		if (!r->refill_sql)
			buf_puts(&sb.warnings, " empty: its values were dropped and nothing maps back to them.\n");
		else if (r->refill_note)
			buf_printf(&sb.warnings, " from the new column, but not every value comes back:\n-- %s.\n",
			           r->refill_note);
		else
			buf_puts(&sb.warnings, " and refills it from the new column.\n");
	}
	if (lc->nretires)
		buf_puts(&sb.warnings, "-- WARNING: a re-created column goes to the end of the table: PostgreSQL cannot put it\n"
		                       "-- back in its old position without rewriting the table and dropping dependent indexes.\n");
	if (lc->nretires)
		buf_puts(&sb.updisables, "-- migplan-disable drop-column: the column is retired after the dual-write window; no\n"
		                          "-- application version reads it any more (min_age gate).\n");
	bool refill = false;
	for (size_t i = 0; i < lc->nretires; i++)
		refill = refill || lc->retires[i].refill_sql;
	if (refill)
		buf_puts(&sb.disables, "-- migplan-disable update-with-ddl: a rollback must be all or nothing, so the refill\n"
		                       "-- runs in the same transaction as the column it fills (it holds ACCESS EXCLUSIVE).\n");
	buf_free(&b);
	buf_free(&b2);
	finish_step(&sb, s);
}

/* User SQL without its trailing ';' and blanks (the builder adds one). */
static char *trimmed(const char *sql)
{
	size_t n = strlen(sql);
	while (n && (sql[n - 1] == ';' || sql[n - 1] == ' ' || sql[n - 1] == '\n' || sql[n - 1] == '\t' ||
	             sql[n - 1] == '\r'))
		n--;
	size_t st = 0;
	while (st < n && (sql[st] == ' ' || sql[st] == '\n' || sql[st] == '\t' || sql[st] == '\r'))
		st++;
	return xstrndup(sql + st, n - st);
}

/* The escape hatch: the team's SQL as written, with its own DOWN. Its locks
 * are for `migc explain` / `migc lint` to read from the SQL itself. */
void build_sql(plan_step *s, const mdl_sql *q)
{
	step_builder sb = {.lc = s->lc};
	char *u = trimmed(q->up), *d = trimmed(q->down);
	up(&sb, NULL, &s->lc->table, NULL, "Hand-written SQL from the spec.", u);
	down(&sb, NULL, &s->lc->table, NULL, NULL, d);
	free(u);
	free(d);
	finish_step(&sb, s);
}
