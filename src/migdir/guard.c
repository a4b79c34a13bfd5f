/* The SQL guard of a step's gates (migdir/guard.h). */
#include "migdir/guard.h"
#include "util/duration.h"
#include "util/quote.h"

#include <stdbool.h>
#include <string.h>

/* Ids appear here only as what follows their stamp ("*_user_status_expand"):
 * `migc rebase` renumbers stamps and `migrun resolve --rebase` expects a
 * renamed step's text to differ in its header only. */
static void recover_hint(mp_buf *b, const char *when)
{
	mp_buf h = MP_BUF_INIT;
	buf_printf(&h,
	           "Nothing of this migration ran. Mark it rolled back (npx prisma migrate resolve --rolled-back NAME, "
	           "or migrun resolve --rolled-back NAME, with the name Prisma reports as failed) and deploy again %s; "
	           "migrun apply checks this gate before it starts and stops there (exit 6) instead.",
	           when);
	buf_puts(b, "\n      USING HINT = ");
	sql_quote_literal(b, h.ptr);
	buf_free(&h);
}

static const char *unstamped(const char *id)
{
	return strlen(id) > 14 ? id + 14 : id;
}

static void guard_min_age(mp_buf *b, const char *id, const mf_gate *g)
{
	mp_buf star = MP_BUF_INIT;
	buf_puts(b, "  IF coalesce(current_setting('" MIGDIR_GUARD_SKIP_TIME "', true), '') <> 'on' THEN\n"
	            "    SELECT max(finished_at) INTO migplan_since FROM _prisma_migrations\n"
	            "      WHERE substr(migration_name, 15) = ");
	sql_quote_literal(b, unstamped(g->after));
	buf_printf(b, " AND migration_name ~ '^[0-9]{14}_'\n"
	              "        AND finished_at IS NOT NULL AND rolled_back_at IS NULL;\n"
	              "    IF migplan_since IS NULL OR now() < migplan_since + interval '%lld milliseconds' THEN\n"
	              "      RAISE EXCEPTION 'migplan gate min_age: %% may run from %% (the window after %%)', ",
	           g->duration_ms);
	buf_printf(&star, "*%s", unstamped(id));
	sql_quote_literal(b, star.ptr);
	buf_printf(b, ",\n        coalesce(to_char((migplan_since + interval '%lld milliseconds') AT TIME ZONE 'UTC', "
	              "'YYYY-MM-DD HH24:MI:SS \"UTC\"'), 'the window after that step is applied'), ",
	           g->duration_ms);
	buf_clear(&star);
	buf_printf(&star, "*%s", unstamped(g->after));
	sql_quote_literal(b, star.ptr);
	recover_hint(b, "once the window is over");
	buf_puts(b, ";\n    END IF;\n  END IF;\n");
	buf_free(&star);
}

static void guard_rows(mp_buf *b, const mf_gate *g)
{
	bool consistency = g->kind == GATE_CONSISTENCY;
	buf_puts(b, "  SELECT count(*) INTO migplan_n FROM ");
	sql_quote_qualified(b, g->schema, g->table);
	buf_puts(b, " WHERE ");
	sql_quote_ident(b, g->column);
	if (consistency)
		buf_printf(b, " IS DISTINCT FROM (%s);\n", g->expected);
	else
		buf_puts(b, " IS NULL;\n");
	buf_printf(b, "  IF migplan_n > 0 THEN\n    RAISE EXCEPTION 'migplan gate %s: %% rows of %% have %% %s', migplan_n, ",
	           consistency ? "consistency" : "no_nulls", consistency ? "different from its mapping" : "NULL");
	mp_buf rel = MP_BUF_INIT, col = MP_BUF_INIT;
	sql_quote_qualified(&rel, g->schema, g->table);
	sql_quote_ident(&col, g->column);
	sql_quote_literal(b, rel.ptr);
	buf_puts(b, ", ");
	sql_quote_literal(b, col.ptr);
	recover_hint(b, consistency ? "once `migrun apply` (which names the rows) shows them fixed"
	                         : "after the backfill step has run");
	buf_puts(b, ";\n  END IF;\n");
	buf_free(&rel);
	buf_free(&col);
}

void migdir_guard_write_block(mp_buf *b, const char *id, const mf_gate *gates, size_t n)
{
	mp_buf body = MP_BUF_INIT;
	bool since = false, rows = false;
	for (size_t i = 0; i < n; i++) {
		if (gates[i].kind == GATE_MIN_AGE) {
			guard_min_age(&body, id, &gates[i]);
			since = true;
		} else if (gates[i].kind == GATE_NO_NULLS || gates[i].kind == GATE_CONSISTENCY) {
			guard_rows(&body, &gates[i]);
			rows = true;
		}
	}
	if (!since && !rows) {
		buf_free(&body);
		return;
	}
	buf_puts(b, "-- Gates, checked here as well as by migrun: no runner (plain `prisma migrate deploy` included)\n"
	            "-- can run this step before they pass, and when one fails nothing of the step has run.\n"
	            "DECLARE\n");
	if (since)
		buf_puts(b, "  migplan_since timestamptz;\n");
	if (rows)
		buf_puts(b, "  migplan_n bigint;\n");
	buf_printf(b, "BEGIN\n%sEND;\n\n", body.ptr);
	buf_free(&body);
}
