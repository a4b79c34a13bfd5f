/* The rename table operation: renamed at expand, an updatable view under the old name for the old version, dropped at contract after the window. */
#include "ops/check_ctx.h"
#include "ops/ops.h"
#include "migdir/mark.h"
#include "util/quote.h"

#include <string.h>

static bool rename_table_needs(const mdl_lifecycle *lc, op_phase phase)
{
	return lc->new_table && (phase == PHASE_EXPAND || phase == PHASE_CONTRACT);
}

static bool rename_table_holds_window(const mdl_lifecycle *lc)
{
	return lc->new_table != NULL;
}

/* Alone in its lifecycle (settings aside): every other item names the
 * table, and in its expand the old name is already the view. */
static void rename_table_check(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	mdl_lifecycle *lc = st->lc;
	check_ident(c, &it->target);
	if (lc->new_table) {
		check_error(c, it->keyword_span, "lifecycle '%s' renames its table twice: write one `rename table`",
		            lc->name);
		return;
	}
	if (strcmp(it->target.text, lc->table.name) == 0)
		check_error(c, it->target.span, "rename table: \"%s\" is already the table's name", lc->table.name);
	for (const ast_item *o = lc->ast->items; o; o = o->next)
		if (o->kind != ITEM_SET && o->kind != ITEM_RENAME_TABLE)
			check_error(c, o->keyword_span,
			            "a lifecycle that renames its table holds no other item: write this one in a lifecycle "
			            "of its own, on \"%s\" before the rename or on \"%s\" after its contract",
			            lc->table.name, it->target.text);
	lc->new_table = it->target.text;
}

static bool same_schema(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* A lifecycle on a name an earlier lifecycle renamed away (and none renamed
 * back): from that expand on it is the view, then nothing. */
static void rename_table_check_done(lc_state *st)
{
	const mdl_lifecycle *lc = st->lc, *by = NULL;
	for (const mdl_lifecycle *e = st->c->model->lifecycles; e < lc; e++) {
		if (!e->new_table || !same_schema(e->table.schema, lc->table.schema))
			continue;
		if (strcmp(e->table.name, lc->table.name) == 0)
			by = e;
		else if (strcmp(e->new_table, lc->table.name) == 0)
			by = NULL;
	}
	if (by)
		check_error(st->c, lc->ast->table.span,
		            "table \"%s\" is renamed to \"%s\" by lifecycle '%s' (%s), which runs before this one: "
		            "write its new name",
		            lc->table.name, by->new_table, by->name, by->id);
}

static void table_named(mp_buf *b, const mdl_lifecycle *lc, const char *name)
{
	sql_quote_qualified(b, lc->table.schema, name);
}

static void rename_sql(mp_buf *b, const mdl_lifecycle *lc, const char *from, const char *to)
{
	buf_clear(b);
	buf_puts(b, "ALTER TABLE ");
	table_named(b, lc, from);
	buf_puts(b, " RENAME TO ");
	sql_quote_ident(b, to);
}

/* The old name as a view of every column: simple, so PostgreSQL makes it
 * updatable (INSERT, UPDATE, DELETE, RETURNING and ON CONFLICT go to the
 * table, and a column the INSERT leaves out gets the table's default), and
 * with the table's privileges, so a role that used the table may use it. */
static void view_sql(mp_buf *b, const mdl_lifecycle *lc)
{
	mp_buf view = MP_BUF_INIT, table = MP_BUF_INIT;
	table_named(&view, lc, lc->table.name);
	table_named(&table, lc, lc->new_table);
	buf_clear(b);
	buf_printf(b, "CREATE VIEW %s AS SELECT * FROM %s;\n\n", buf_cstr(&view), buf_cstr(&table));
	buf_puts(b, "-- The table's privileges on the view (the view reads the table as its owner).\n"
	            "DECLARE\n  p record;\nBEGIN\n"
	            "  FOR p IN SELECT a.privilege_type, a.grantee FROM pg_class c, aclexplode(c.relacl) a\n"
	            "    WHERE c.oid = to_regclass(");
	sql_quote_literal(b, buf_cstr(&table));
	buf_puts(b, ") AND a.grantee <> c.relowner\n"
	            "  LOOP\n"
	            "    EXECUTE format('GRANT %s ON %s TO %s', p.privilege_type, ");
	sql_quote_literal(b, buf_cstr(&view));
	buf_puts(b, ",\n"
	            "      CASE WHEN p.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(p.grantee)) END);\n"
	            "  END LOOP;\nEND");
	buf_free(&view);
	buf_free(&table);
}

/* The objects of the table whose names begin with the old name and '_' (as
 * Prisma names them: "Old_pkey", "Old_email_key", "Old_authorId_fkey",
 * "Old_email_idx", and a serial's "Old_id_seq") renamed to begin with the
 * new one, found in the catalog when the step runs (the table after the
 * rename, by its new name). from/to are the prefixes. An object that
 * already begins with `to` is refused (the DOWN could not tell it from a
 * renamed one), as is a new name over PostgreSQL's 63 bytes. */
static void objects_sql(mp_buf *b, const mdl_lifecycle *lc, const char *from, const char *to, bool up)
{
	mp_buf t = MP_BUF_INIT, pf = MP_BUF_INIT, pt = MP_BUF_INIT;
	table_named(&t, lc, lc->new_table);
	buf_printf(&pf, "%s_", from);
	buf_printf(&pt, "%s_", to);
	buf_clear(b);
	buf_puts(b, "DECLARE\n  tbl regclass := to_regclass(");
	sql_quote_literal(b, buf_cstr(&t));
	buf_puts(b, ");\n  pfrom text := ");
	sql_quote_literal(b, buf_cstr(&pf));
	buf_puts(b, ";\n  pto text := ");
	sql_quote_literal(b, buf_cstr(&pt));
	buf_puts(b, ";\n  o record;\n  newname text;\nBEGIN\n"
	            "  FOR o IN\n"
	            "    SELECT 1 AS ord, conname::text AS name, NULL::regclass AS rel FROM pg_constraint\n"
	            "      WHERE conrelid = tbl\n"
	            "    UNION ALL\n"
	            "    SELECT 2, i.relname::text, i.oid::regclass FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid\n"
	            "      WHERE x.indrelid = tbl AND NOT EXISTS (SELECT FROM pg_constraint c\n"
	            "        WHERE c.conrelid = tbl AND c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))\n"
	            "    UNION ALL\n"
	            "    SELECT 3, s.relname::text, s.oid::regclass FROM pg_depend d JOIN pg_class s ON s.oid = d.objid\n"
	            "      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass\n"
	            "        AND d.refobjid = tbl AND d.deptype IN ('a', 'i') AND s.relkind = 'S'\n"
	            "    ORDER BY 1, 2\n"
	            "  LOOP\n"
	            "    IF left(o.name, length(pfrom)) = pfrom THEN\n"
	            "      newname := pto || substr(o.name, length(pfrom) + 1);\n"
	            "      IF octet_length(newname) > 63 THEN\n"
	            "        RAISE EXCEPTION 'cannot rename % to %: longer than 63 bytes', quote_ident(o.name), quote_ident(newname);\n"
	            "      END IF;\n"
	            "      IF o.ord = 1 THEN\n"
	            "        EXECUTE format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', tbl, o.name, newname);\n"
	            "      ELSIF o.ord = 2 THEN\n"
	            "        EXECUTE format('ALTER INDEX %s RENAME TO %I', o.rel, newname);\n"
	            "      ELSE\n"
	            "        EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', o.rel, newname);\n"
	            "      END IF;\n");
	if (up)
		buf_puts(b, "    ELSIF left(o.name, length(pto)) = pto THEN\n"
		            "      RAISE EXCEPTION '% of % already begins with %: its rollback could not tell it from a renamed one',\n"
		            "        quote_ident(o.name), tbl, quote_literal(pto)\n"
		            "        USING HINT = 'rename it first, in a lifecycle of its own';\n");
	buf_puts(b, "    END IF;\n  END LOOP;\nEND");
	buf_free(&t);
	buf_free(&pf);
	buf_free(&pt);
}

static void rename_table_expand(step_builder *sb, const mdl_lifecycle *lc)
{
	if (!lc->new_table)
		return;
	const char *old = lc->table.name, *new = lc->new_table;
	mp_buf b = MP_BUF_INIT;
	rename_sql(&b, lc, old, new);
	step_up(sb, "ACCESS EXCLUSIVE, for the catalog change only: no rewrite, no scan.", buf_cstr(&b));
	rename_sql(&b, lc, new, old);
	step_down(sb, NULL, buf_cstr(&b));
	objects_sql(&b, lc, old, new, true);
	step_up(sb, "Its indexes, constraints and sequences named after it, renamed with it (as Prisma names\n"
	        "-- them for the new name). Each holds a lock on its own index or sequence too.", buf_cstr(&b));
	objects_sql(&b, lc, new, old, false);
	step_down(sb, NULL, buf_cstr(&b));
	view_sql(&b, lc);
	step_up(sb, "The old name, for the old application version during the window: a simple view, which\n"
	        "-- PostgreSQL makes updatable.", buf_cstr(&b));
	buf_clear(&b);
	buf_puts(&b, "DROP VIEW ");
	table_named(&b, lc, old);
	step_down(sb, NULL, buf_cstr(&b));
	migdir_disable_write(&sb->updisables, "rename-table",
	                     "the view created under the old name in this step keeps every\n"
	                     "-- version that uses it working; the contract drops it after the window.");
	migdir_disable_write(&sb->updisables, "dynamic-sql",
	                     "EXECUTE renames only the table's own indexes, constraints and\n"
	                     "-- sequences named after it, and grants the table's privileges on the view.");
	buf_free(&b);
}

static void rename_table_contract(step_builder *sb, const mdl_lifecycle *lc)
{
	if (!lc->new_table)
		return;
	mp_buf b = MP_BUF_INIT;
	buf_puts(&b, "DROP VIEW ");
	table_named(&b, lc, lc->table.name);
	step_up(sb, "The old name goes: no version that uses it runs after the window. ACCESS EXCLUSIVE on the\n"
	        "-- view only: the table's reads and writes go on.", buf_cstr(&b));
	view_sql(&b, lc);
	step_down(sb, NULL, buf_cstr(&b));
	buf_free(&b);
}

const op_def op_rename_table = {
	.name = "rename table",
	.check = rename_table_check,
	.check_done = rename_table_check_done,
	.needs = rename_table_needs,
	.expand = rename_table_expand,
	.contract = rename_table_contract,
	.holds_window = rename_table_holds_window,
};
