/* The sync trigger that keeps old and new columns in step during the
 * dual-write window: created at expand, dropped at contract, re-created by the
 * contract's DOWN. Each synced column's operation writes its part of the body. */
#include "ops/ops.h"
#include "ops/sync.h"
#include "ops/sqlfrag.h"
#include "util/quote.h"

#include <stdlib.h>
#include <string.h>

static char *sync_name(const mdl_lifecycle *lc)
{
	return step_object_name("migplan_", lc->name, "_sync");
}

bool sync_needed(const mdl_lifecycle *lc)
{
	for (size_t i = 0; i < lc->nadds; i++)
		if (lc->adds[i].synced)
			return true;
	return false;
}

/* Several new columns may come from the same old one, and PostgreSQL refuses
 * a repeat in UPDATE OF. */
void sync_event_add(mp_buf *events, const char *column)
{
	mp_buf q = MP_BUF_INIT;
	sqlfrag_col(&q, column);
	const char *p = buf_cstr(events);
	size_t n = q.len;
	bool seen = false;
	while (!seen && (p = strstr(p, q.ptr)) != NULL) {
		/* whole entries only: ", " or start before, ", " or end after */
		bool start = p == buf_cstr(events) || (p >= buf_cstr(events) + 2 && p[-2] == ',' && p[-1] == ' ');
		bool end = p[n] == '\0' || p[n] == ',';
		seen = start && end;
		p += n;
	}
	if (!seen) {
		if (events->len)
			buf_puts(events, ", ");
		buf_put(events, q.ptr, q.len);
	}
	buf_free(&q);
}

void sync_over_new(mp_buf *b, const mdl_lifecycle *lc, const char *new_sql, const char *row_sql)
{
	if (new_sql) {
		buf_puts(b, new_sql);
		return;
	}
	buf_printf(b, "(SELECT %s FROM (SELECT NEW.*) AS ", row_sql);
	sql_quote_ident(b, lc->table.name);
	buf_putc(b, ')');
}

/* The sync trigger keeps the new column right while the old application
 * still writes only the old one (and, for rename/retype, the old column right
 * while the new application writes only the new one). Without it the
 * backfill is stale the moment it ends and the column default silently wins. */
static void sync_create(mp_buf *fn, mp_buf *trg, const mdl_lifecycle *lc)
{
	char *name = sync_name(lc);
	mp_buf body = MP_BUF_INIT, tag = MP_BUF_INIT, events = MP_BUF_INIT;
	bool every_update = false;
	buf_puts(&body, "\nBEGIN\n");
	for (size_t i = 0; i < lc->nadds; i++)
		if (lc->adds[i].synced)
			every_update |= ops_for_kind(lc->adds[i].kind)->sync(&body, &events, lc, &lc->adds[i]);
	buf_puts(&body, "  RETURN NEW;\nEND\n");
	sql_dollar_tag(&tag, body.ptr);
	buf_puts(fn, "CREATE FUNCTION ");
	sql_quote_qualified(fn, lc->table.schema, name);
	buf_printf(fn, "() RETURNS trigger LANGUAGE plpgsql AS %s%s%s", tag.ptr, body.ptr, tag.ptr);
	buf_puts(trg, "CREATE TRIGGER ");
	sql_quote_ident(trg, name);
	buf_puts(trg, " BEFORE INSERT OR UPDATE");
	if (!every_update)
		buf_printf(trg, " OF %s", events.ptr);
	buf_puts(trg, " ON ");
	step_rel_sql(trg, &lc->table);
	buf_puts(trg, " FOR EACH ROW EXECUTE FUNCTION ");
	sql_quote_qualified(trg, lc->table.schema, name);
	buf_puts(trg, "()");
	buf_free(&body);
	buf_free(&tag);
	buf_free(&events);
	free(name);
}

static void sync_drop(mp_buf *fn, mp_buf *trg, const mdl_lifecycle *lc)
{
	char *name = sync_name(lc);
	buf_puts(trg, "DROP TRIGGER ");
	sql_quote_ident(trg, name);
	buf_puts(trg, " ON ");
	step_rel_sql(trg, &lc->table);
	buf_puts(fn, "DROP FUNCTION ");
	sql_quote_qualified(fn, lc->table.schema, name);
	buf_puts(fn, "()");
	free(name);
}

static bool sync_needs(const mdl_lifecycle *lc, op_phase phase)
{
	return phase == PHASE_CONTRACT && sync_needed(lc);
}

static void sync_expand(step_builder *sb, const mdl_lifecycle *lc)
{
	if (!sync_needed(lc))
		return;
	mp_buf fn = MP_BUF_INIT, trg = MP_BUF_INIT;
	sync_create(&fn, &trg, lc);
	step_up(sb, LOCK_NONE, &lc->table, COST_NONE,
	        "Sync trigger: old application versions write only the old column; this keeps the new one right.", fn.ptr);
	step_up(sb, LOCK_SHARE_ROW_EXCLUSIVE, &lc->table, COST_BRIEF, NULL, trg.ptr);
	buf_clear(&fn);
	buf_clear(&trg);
	sync_drop(&fn, &trg, lc);
	step_down(sb, LOCK_NONE, &lc->table, COST_NONE, NULL, fn.ptr);
	step_down(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_BRIEF, NULL, trg.ptr);
	buf_free(&fn);
	buf_free(&trg);
}

static void sync_contract(step_builder *sb, const mdl_lifecycle *lc)
{
	if (!sync_needed(lc))
		return;
	mp_buf fn = MP_BUF_INIT, trg = MP_BUF_INIT;
	sync_drop(&fn, &trg, lc);
	step_up(sb, LOCK_ACCESS_EXCLUSIVE, &lc->table, COST_BRIEF, "The dual-write window is over (min_age gate).", trg.ptr);
	step_up(sb, LOCK_NONE, &lc->table, COST_NONE, NULL, fn.ptr);
	buf_clear(&fn);
	buf_clear(&trg);
	sync_create(&fn, &trg, lc);
	step_down(sb, LOCK_SHARE_ROW_EXCLUSIVE, &lc->table, COST_BRIEF, NULL, trg.ptr);
	step_down(sb, LOCK_NONE, &lc->table, COST_NONE, NULL, fn.ptr);
	buf_free(&fn);
	buf_free(&trg);
}

/* The contract drops the trigger: the new column must equal its mapping on
 * every row by then. */
static void sync_column_gates(step_builder *sb, const mdl_lifecycle *lc, const mdl_add *a)
{
	if (!a->synced)
		return;
	mf_gate *g = step_add_column_gate(sb, GATE_CONSISTENCY, lc, a->column);
	g->expected = xstrdup(a->value_sql);
	g->key = xstrdup(lc->key);
}

const op_def op_sync = {
	.name = "sync trigger",
	.needs = sync_needs,
	.expand = sync_expand,
	.contract = sync_contract,
	.holds_window = sync_needed,
	.column_gates = sync_column_gates,
};
