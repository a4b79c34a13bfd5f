/* The sync trigger that keeps old and new columns in step during the
 * dual-write window: created at expand, dropped at contract, re-created by the
 * contract's DOWN. It tells the writers apart by what a statement wrote
 * (docs/language.md, "During the window"), from each added column's model. */
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
static void sync_event_add(mp_buf *events, const char *column)
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

/* NEW.column := value (over NEW: rendered, or the user's SQL over the row). */
static void assign(mp_buf *b, const mdl_lifecycle *lc, const char *column, const char *new_sql, const char *row_sql,
                   const char *indent)
{
	buf_printf(b, "%sNEW.", indent);
	sqlfrag_col(b, column);
	buf_puts(b, " := ");
	sync_over_new(b, lc, new_sql, row_sql);
	buf_puts(b, ";\n");
}

static void assign_forward(mp_buf *b, const mdl_lifecycle *lc, const mdl_add *a, const char *indent)
{
	assign(b, lc, a->column, a->value_new_sql, a->value_sql, indent);
}

static void assign_reverse(mp_buf *b, const mdl_lifecycle *lc, const mdl_add *a, const char *indent)
{
	assign(b, lc, a->reverse_target, a->reverse_new_sql, a->reverse_sql, indent);
}

/* What this statement wrote, decided before any assignment: migplan_read_N
 * (a column the value reads changed), migplan_wrote_N (the new column
 * changed). OLD is NULL in an INSERT trigger. */
static void sync_declare(mp_buf *b, const mdl_add *a, size_t n)
{
	if (a->nreads) {
		buf_printf(b, "  migplan_read_%zu boolean := TG_OP = 'UPDATE' AND (", n);
		for (size_t i = 0; i < a->nreads; i++) {
			buf_puts(b, i ? " OR NEW." : "NEW.");
			sqlfrag_col(b, a->reads[i]);
			buf_puts(b, " IS DISTINCT FROM OLD.");
			sqlfrag_col(b, a->reads[i]);
		}
		buf_puts(b, ");\n");
	}
	buf_printf(b, "  migplan_wrote_%zu boolean := TG_OP = 'UPDATE' AND NEW.", n);
	sqlfrag_col(b, a->column);
	buf_puts(b, " IS DISTINCT FROM OLD.");
	sqlfrag_col(b, a->column);
	buf_puts(b, ";\n");
}

/* INSERT: an old version never names the new column (it has no default
 * until contract), so NULL means "compute it"; a value means the new
 * version wrote it, and it is carried back. */
static void sync_insert(mp_buf *b, const mdl_lifecycle *lc, const mdl_add *a)
{
	buf_puts(b, "    IF NEW.");
	sqlfrag_col(b, a->column);
	buf_puts(b, " IS NULL THEN\n");
	assign_forward(b, lc, a, "      ");
	if (a->reverse_target) {
		buf_puts(b, "    ELSE\n");
		assign_reverse(b, lc, a, "      ");
	}
	buf_puts(b, "    END IF;\n");
}

/* UPDATE, the main trigger: a statement that changed a column the value
 * reads, and not the new column, recomputes it; one that changed neither
 * recomputes nothing (a volatile value stays what it was). A row the
 * backfill has not reached is filled on the way, so that the NOT VALID
 * check holds and a reverse sees every new column. */
static void sync_update(mp_buf *b, const mdl_lifecycle *lc, const mdl_add *a, size_t n)
{
	const char *kw = "IF";
	if (a->nreads) {
		buf_printf(b, "    %s migplan_read_%zu AND NOT migplan_wrote_%zu THEN\n", kw, n, n);
		assign_forward(b, lc, a, "      ");
		kw = "ELSIF";
	}
	buf_printf(b, "    %s NEW.", kw);
	sqlfrag_col(b, a->column);
	buf_printf(b, " IS NULL AND NOT migplan_wrote_%zu THEN\n", n);
	assign_forward(b, lc, a, "      ");
	buf_puts(b, "    END IF;\n");
}

/* UPDATE, the trigger of one reverse (TG_ARGV[0] = n): it fires when the
 * statement names a new column the reverse reads, even to write the value
 * it already had, and carries it back unless the statement wrote the old
 * column itself. */
static void sync_named(mp_buf *b, const mdl_lifecycle *lc, const mdl_add *a, size_t n)
{
	buf_printf(b, "  IF TG_ARGV[0] = '%zu' THEN\n    IF NEW.", n);
	sqlfrag_col(b, a->reverse_target);
	buf_puts(b, " IS NOT DISTINCT FROM OLD.");
	sqlfrag_col(b, a->reverse_target);
	buf_puts(b, " THEN\n");
	assign_reverse(b, lc, a, "      ");
	buf_puts(b, "    END IF;\n    RETURN NEW;\n  END IF;\n");
}

static void sync_body(mp_buf *body, const mdl_lifecycle *lc)
{
	buf_puts(body, "\nDECLARE\n");
	for (size_t i = 0; i < lc->nadds; i++)
		if (lc->adds[i].synced)
			sync_declare(body, &lc->adds[i], i + 1);
	buf_puts(body, "BEGIN\n"
	               "  -- A backfill batch writes exactly the mapped value: nothing to carry back.\n"
	               "  IF current_setting('migplan.backfill', true) = 'on' THEN\n"
	               "    RETURN NEW;\n"
	               "  END IF;\n");
	for (size_t i = 0; i < lc->nadds; i++)
		if (lc->adds[i].synced && lc->adds[i].reverse_target)
			sync_named(body, lc, &lc->adds[i], i + 1);
	buf_puts(body, "  IF TG_OP = 'INSERT' THEN\n");
	for (size_t i = 0; i < lc->nadds; i++)
		if (lc->adds[i].synced)
			sync_insert(body, lc, &lc->adds[i]);
	buf_puts(body, "  ELSE\n");
	for (size_t i = 0; i < lc->nadds; i++)
		if (lc->adds[i].synced)
			sync_update(body, lc, &lc->adds[i], i + 1);
	buf_puts(body, "  END IF;\n  RETURN NEW;\nEND\n");
}

static void sync_function(mp_buf *fn, const mdl_lifecycle *lc)
{
	char *name = sync_name(lc);
	mp_buf body = MP_BUF_INIT, tag = MP_BUF_INIT;
	sync_body(&body, lc);
	sql_dollar_tag(&tag, body.ptr);
	buf_puts(fn, "CREATE FUNCTION ");
	sql_quote_qualified(fn, lc->table.schema, name);
	buf_printf(fn, "() RETURNS trigger LANGUAGE plpgsql AS %s%s%s", tag.ptr, body.ptr, tag.ptr);
	buf_free(&body);
	buf_free(&tag);
	free(name);
}

/* Trigger k of the lifecycle: 0 the main one, k > 0 the reverse of the
 * k-th synced add that has one. Reverse triggers are named "migplanrev_…"
 * so that they fire after the main "migplan_…" one (PostgreSQL fires
 * triggers in name order; '_' sorts before 'r', and a long name keeps its
 * first 54 bytes). NULL name: there is no trigger k. */
static char *sync_trigger(const mdl_lifecycle *lc, size_t k, mp_buf *events, size_t *add_no)
{
	if (k == 0) {
		bool every_update = false;
		for (size_t i = 0; i < lc->nadds; i++) {
			const mdl_add *a = &lc->adds[i];
			if (!a->synced)
				continue;
			every_update |= a->enforce_not_null;
			for (size_t r = 0; r < a->nreads; r++)
				sync_event_add(events, a->reads[r]);
			sync_event_add(events, a->column);
		}
		if (every_update)
			buf_clear(events);
		return sync_name(lc);
	}
	for (size_t i = 0, seen = 0; i < lc->nadds; i++) {
		const mdl_add *a = &lc->adds[i];
		if (!a->synced || !a->reverse_target || ++seen != k)
			continue;
		for (size_t r = 0; r < a->nreverse_reads; r++)
			sync_event_add(events, a->reverse_reads[r]);
		*add_no = i + 1;
		char num[24];
		snprintf(num, sizeof num, "_%zu", i + 1);
		mp_buf tail = MP_BUF_INIT;
		buf_printf(&tail, "_sync%s", num);
		char *name = step_object_name("migplanrev_", lc->name, tail.ptr);
		buf_free(&tail);
		return name;
	}
	return NULL;
}

static bool sync_create_trigger(mp_buf *trg, const mdl_lifecycle *lc, size_t k)
{
	mp_buf events = MP_BUF_INIT;
	size_t add_no = 0;
	char *name = sync_trigger(lc, k, &events, &add_no);
	if (!name) {
		buf_free(&events);
		return false;
	}
	char *fn = sync_name(lc);
	buf_puts(trg, "CREATE TRIGGER ");
	sql_quote_ident(trg, name);
	buf_puts(trg, k ? " BEFORE UPDATE" : " BEFORE INSERT OR UPDATE");
	if (events.len)
		buf_printf(trg, " OF %s", events.ptr);
	buf_puts(trg, " ON ");
	step_rel_sql(trg, &lc->table);
	buf_puts(trg, " FOR EACH ROW EXECUTE FUNCTION ");
	sql_quote_qualified(trg, lc->table.schema, fn);
	if (k)
		buf_printf(trg, "('%zu')", add_no);
	else
		buf_puts(trg, "()");
	buf_free(&events);
	free(name);
	free(fn);
	return true;
}

static bool sync_drop_trigger(mp_buf *trg, const mdl_lifecycle *lc, size_t k)
{
	mp_buf events = MP_BUF_INIT;
	size_t add_no = 0;
	char *name = sync_trigger(lc, k, &events, &add_no);
	buf_free(&events);
	if (!name)
		return false;
	buf_puts(trg, "DROP TRIGGER ");
	sql_quote_ident(trg, name);
	buf_puts(trg, " ON ");
	step_rel_sql(trg, &lc->table);
	free(name);
	return true;
}

static void sync_drop_function(mp_buf *fn, const mdl_lifecycle *lc)
{
	char *name = sync_name(lc);
	buf_puts(fn, "DROP FUNCTION ");
	sql_quote_qualified(fn, lc->table.schema, name);
	buf_puts(fn, "()");
	free(name);
}

/* The function, then its triggers (UP); DOWN, written in reverse, drops
 * the triggers, then the function. */
static void sync_install(step_builder *sb, const mdl_lifecycle *lc, bool up, const char *why)
{
	mp_buf b = MP_BUF_INIT;
	void (*emit)(step_builder *, const char *, const char *) =
	    up ? step_up : step_down;
	if (!up) {
		for (size_t k = 0; sync_create_trigger(&b, lc, k); k++) {
			emit(sb, NULL, b.ptr);
			buf_clear(&b);
		}
	}
	sync_function(&b, lc);
	emit(sb, why, b.ptr);
	buf_clear(&b);
	for (size_t k = 0; up && sync_create_trigger(&b, lc, k); k++) {
		emit(sb, NULL, b.ptr);
		buf_clear(&b);
	}
	buf_free(&b);
}

static void sync_remove(step_builder *sb, const mdl_lifecycle *lc, bool up, const char *why)
{
	mp_buf b = MP_BUF_INIT;
	void (*emit)(step_builder *, const char *, const char *) =
	    up ? step_up : step_down;
	if (!up) {
		sync_drop_function(&b, lc);
		emit(sb, NULL, b.ptr);
		buf_clear(&b);
	}
	for (size_t k = 0; sync_drop_trigger(&b, lc, k); k++) {
		emit(sb, k ? NULL : why, b.ptr);
		buf_clear(&b);
	}
	if (up) {
		sync_drop_function(&b, lc);
		emit(sb, NULL, b.ptr);
	}
	buf_free(&b);
}

static bool sync_needs(const mdl_lifecycle *lc, op_phase phase)
{
	return phase == PHASE_CONTRACT && sync_needed(lc);
}

static void sync_expand(step_builder *sb, const mdl_lifecycle *lc)
{
	if (!sync_needed(lc))
		return;
	sync_install(sb, lc, true,
	             "Sync trigger: each application version writes its own columns; this carries every write to the "
	             "other side.");
	sync_remove(sb, lc, false, NULL);
}

static void sync_contract(step_builder *sb, const mdl_lifecycle *lc)
{
	if (!sync_needed(lc))
		return;
	sync_remove(sb, lc, true, "The dual-write window is over (min_age gate).");
	sync_install(sb, lc, false, NULL);
}

/* The contract drops the trigger: the new column must equal its mapping on
 * every row by then (a value that reads no column, or a volatile one, has no
 * mapping to compare with). */
static void sync_column_gates(step_builder *sb, const mdl_lifecycle *lc, const mdl_add *a)
{
	if (!a->synced || !a->nreads || a->value_volatile)
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
