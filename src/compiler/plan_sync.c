/* The sync trigger that keeps old and new columns in step during the
 * dual-write window: created at expand, dropped at contract, and re-created
 * by the contract's DOWN. */
#include "compiler/plan_internal.h"
#include "util/quote.h"

#include <stdlib.h>
#include <string.h>

static void col(mp_buf *b, const char *c)
{
	sql_quote_ident(b, c);
}

static char *sync_name(const mdl_lifecycle *lc)
{
	return object_name("migplan_", lc->name, "_sync");
}

bool has_sync(const mdl_lifecycle *lc)
{
	for (size_t i = 0; i < lc->nadds; i++)
		if (lc->adds[i].synced)
			return true;
	return false;
}

/* Adds a column to the trigger's UPDATE OF list once: several new columns
 * may come from the same old one, and PostgreSQL refuses a repeat. */
static void event_add(mp_buf *events, const char *column)
{
	mp_buf q = MP_BUF_INIT;
	col(&q, column);
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

/* value over NEW: direct when the planner rendered it, else the user's SQL
 * evaluated over the row being written. */
static void over_new(mp_buf *b, const mdl_lifecycle *lc, const char *new_sql, const char *row_sql)
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
void sync_create(mp_buf *fn, mp_buf *trg, const mdl_lifecycle *lc)
{
	char *name = sync_name(lc);
	mp_buf body = MP_BUF_INIT, tag = MP_BUF_INIT, events = MP_BUF_INIT;
	bool every_update = false;
	buf_puts(&body, "\nBEGIN\n");
	for (size_t i = 0; i < lc->nadds; i++) {
		const mdl_add *a = &lc->adds[i];
		if (!a->synced)
			continue;
		if (!a->bidirectional) {
			buf_puts(&body, "  NEW.");
			col(&body, a->column);
			buf_puts(&body, " := ");
			over_new(&body, lc, a->value_new_sql, a->value_sql);
			buf_puts(&body, ";\n");
			if (a->value_is_expr)
				every_update = true;
			else
				event_add(&events, a->source);
			continue;
		}
		mp_buf o = MP_BUF_INIT, n = MP_BUF_INIT;
		col(&o, a->source);
		col(&n, a->column);
		buf_printf(&body, "  IF TG_OP = 'INSERT' THEN\n    IF NEW.%s IS NULL THEN\n      NEW.%s := ", n.ptr, n.ptr);
		over_new(&body, lc, a->value_new_sql, a->value_sql);
		buf_printf(&body, ";\n    ELSE\n      NEW.%s := ", o.ptr);
		over_new(&body, lc, a->reverse_new_sql, a->reverse_sql);
		buf_printf(&body, ";\n    END IF;\n  ELSIF NEW.%s IS DISTINCT FROM OLD.%s THEN\n    NEW.%s := ", o.ptr, o.ptr,
		           n.ptr);
		over_new(&body, lc, a->value_new_sql, a->value_sql);
		buf_printf(&body, ";\n  ELSIF NEW.%s IS DISTINCT FROM OLD.%s THEN\n    NEW.%s := ", n.ptr, n.ptr, o.ptr);
		over_new(&body, lc, a->reverse_new_sql, a->reverse_sql);
		buf_puts(&body, ";\n  END IF;\n");
		event_add(&events, a->source);
		event_add(&events, a->column);
		buf_free(&o);
		buf_free(&n);
	}
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
	rel_sql(trg, &lc->table);
	buf_puts(trg, " FOR EACH ROW EXECUTE FUNCTION ");
	sql_quote_qualified(trg, lc->table.schema, name);
	buf_puts(trg, "()");
	buf_free(&body);
	buf_free(&tag);
	buf_free(&events);
	free(name);
}

void sync_drop(mp_buf *fn, mp_buf *trg, const mdl_lifecycle *lc)
{
	char *name = sync_name(lc);
	buf_puts(trg, "DROP TRIGGER ");
	sql_quote_ident(trg, name);
	buf_puts(trg, " ON ");
	rel_sql(trg, &lc->table);
	buf_puts(fn, "DROP FUNCTION ");
	sql_quote_qualified(fn, lc->table.schema, name);
	buf_puts(fn, "()");
	free(name);
}

