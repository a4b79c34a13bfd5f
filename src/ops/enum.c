/* The enum operations: a value added to an enum type, or renamed, each in a
 * step of its own before the expand; the DOWN of an added value re-creates
 * the type without it, refusing when a row still uses it. */
#include "ops/check_ctx.h"
#include "util/vec.h"
#include "ops/ops.h"
#include "util/quote.h"

#include <stdlib.h>
#include <string.h>

/* PostgreSQL's limit on an enum label (NAMEDATALEN - 1 bytes). */
#define ENUM_MAX_LABEL 63

static size_t enum_count(const mdl_lifecycle *lc)
{
	return lc->nenums;
}

/* Before the expand: a value is usable only once the transaction that added
 * it has committed ("unsafe use of new value"), so the step commits it
 * before the expand's defaults or backfills, or the new version, use it. */
static bool enum_own_step(const mdl_lifecycle *lc, size_t i, op_stage stage, op_own_step *out)
{
	if (stage != STAGE_BEFORE_EXPAND)
		return false;
	*out = (op_own_step){PHASE_ENUM, lc->enums[i].type.name, true};
	return true;
}

static void enum_alter(mp_buf *b, const mdl_enum *e)
{
	buf_clear(b);
	buf_puts(b, "ALTER TYPE ");
	sql_quote_qualified(b, e->type.schema, e->type.name);
}

static void rename_value(mp_buf *b, const mdl_enum *e, const char *from, const char *to)
{
	enum_alter(b, e);
	buf_puts(b, " RENAME VALUE ");
	sql_quote_literal(b, from);
	buf_puts(b, " TO ");
	sql_quote_literal(b, to);
}

/* The columns of the type, found when the DOWN runs (pg_attribute): a
 * table's own column (a partition's inherited one changes with its parent).
 * Each one is checked for rows with the value, then remembered with its
 * default, written out before the type is renamed aside so that it names
 * the type the DOWN re-creates. */
static void down_find_columns(mp_buf *b, const char *label)
{
	buf_puts(b, "  FOR col IN SELECT a.attrelid::regclass::text AS rel, a.attname::text AS att,\n"
	            "      pg_get_expr(d.adbin, d.adrelid) AS def\n"
	            "    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid\n"
	            "    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum\n"
	            "    WHERE a.atttypid = typ AND a.attnum > 0 AND NOT a.attisdropped AND a.attinhcount = 0\n"
	            "      AND c.relkind IN ('r', 'p')\n"
	            "  LOOP\n"
	            "    EXECUTE format('SELECT EXISTS (SELECT FROM %s WHERE %I = %L)', col.rel, col.att, ");
	sql_quote_literal(b, label);
	buf_puts(b, ") INTO used;\n"
	            "    IF used THEN\n"
	            "      RAISE EXCEPTION 'cannot remove value % from type %: rows of % use it in column %', quote_literal(");
	sql_quote_literal(b, label);
	buf_puts(b, "), typ::regtype, col.rel, quote_ident(col.att)\n"
	            "        USING HINT = 'PostgreSQL cannot drop an enum value; change those rows to another value, "
	            "then roll back again';\n"
	            "    END IF;\n"
	            "    rels := rels || col.rel; atts := atts || col.att; defs := defs || col.def;\n"
	            "  END LOOP;\n");
}

/* The type re-created without the value, its labels in their order, and
 * every column converted to it (a rewrite of each table, the WARNING says). */
static void down_recreate(mp_buf *b, const char *label, const char *aside)
{
	buf_puts(b, "  SELECT n.nspname, t.typname INTO nsp, tname FROM pg_type t\n"
	            "    JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = typ;\n"
	            "  SELECT string_agg(quote_literal(enumlabel), ', ' ORDER BY enumsortorder) INTO labels\n"
	            "    FROM pg_enum WHERE enumtypid = typ AND enumlabel <> ");
	sql_quote_literal(b, label);
	buf_puts(b, ";\n  EXECUTE format('ALTER TYPE %I.%I RENAME TO %I', nsp, tname, ");
	sql_quote_literal(b, aside);
	buf_puts(b, ");\n"
	            "  EXECUTE format('CREATE TYPE %I.%I AS ENUM (%s)', nsp, tname, coalesce(labels, ''));\n"
	            "  FOR i IN 1 .. coalesce(array_length(rels, 1), 0) LOOP\n"
	            "    IF defs[i] IS NOT NULL THEN\n"
	            "      EXECUTE format('ALTER TABLE %s ALTER COLUMN %I DROP DEFAULT', rels[i], atts[i]);\n"
	            "    END IF;\n"
	            "    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I TYPE %I.%I USING %I::text::%I.%I',\n"
	            "                   rels[i], atts[i], nsp, tname, atts[i], nsp, tname);\n"
	            "    IF defs[i] IS NOT NULL THEN\n"
	            "      EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', rels[i], atts[i], defs[i]);\n"
	            "    END IF;\n"
	            "  END LOOP;\n"
	            "  EXECUTE format('DROP TYPE %I.%I', nsp, ");
	sql_quote_literal(b, aside);
	buf_puts(b, ");\n");
}

/* The DOWN of an added value: one PL/pgSQL block inside the step's DO
 * block, all of it in the DOWN's one transaction. */
static void down_remove_value(mp_buf *b, const mdl_enum *e)
{
	mp_buf t = MP_BUF_INIT;
	sql_quote_qualified(&t, e->type.schema, e->type.name);
	char *aside = step_object_name(e->type.name, "_migplan_down", "");
	buf_clear(b);
	buf_puts(b, "DECLARE\n  typ oid := to_regtype(");
	sql_quote_literal(b, buf_cstr(&t));
	buf_puts(b, ");\n  col record;\n  used boolean;\n  nsp text;\n  tname text;\n  labels text;\n"
	            "  rels text[] := '{}';\n  atts text[] := '{}';\n  defs text[] := '{}';\n"
	            "BEGIN\n"
	            "  IF typ IS NULL OR NOT EXISTS (SELECT FROM pg_enum WHERE enumtypid = typ AND enumlabel = ");
	sql_quote_literal(b, e->value);
	buf_puts(b, ") THEN\n    RAISE EXCEPTION 'type % has no value %', ");
	sql_quote_literal(b, buf_cstr(&t));
	buf_puts(b, ", ");
	sql_quote_literal(b, e->value);
	buf_puts(b, ";\n  END IF;\n");
	down_find_columns(b, e->value);
	down_recreate(b, e->value, aside);
	buf_puts(b, "END");
	free(aside);
	buf_free(&t);
}

static void add_warning(step_builder *sb, const mdl_enum *e)
{
	mp_buf *w = &sb->warnings;
	buf_puts(w, "-- WARNING: PostgreSQL cannot drop an enum value: this DOWN re-creates ");
	sql_quote_qualified(w, e->type.schema, e->type.name);
	buf_puts(w, " without ");
	sql_quote_literal(w, e->value);
	buf_puts(w, "\n-- and converts every column of the type, found in the catalog when it runs (so the locks:\n"
	            "-- line above cannot name their tables): each ALTER COLUMN … TYPE rewrites its table under\n"
	            "-- ACCESS EXCLUSIVE, reads and writes blocked while it runs.\n"
	            "-- WARNING: it refuses (an exception, nothing changed) while any row uses ");
	sql_quote_literal(w, e->value);
	buf_puts(w, ": rows the new\n-- application version wrote keep it after a rollback; change them first.\n");
}

static void enum_build(step_builder *sb, const mdl_lifecycle *lc, size_t i)
{
	const mdl_enum *e = &lc->enums[i];
	mp_buf b = MP_BUF_INIT;
	if (e->rename) {
		rename_value(&b, e, e->value, e->new_value);
		step_up(sb, "EXCLUSIVE on the type only: reads and writes of its tables go on. From here on the old\n"
		        "-- label is gone: a version that still writes it fails (a Prisma @map on the value needs no rename).",
		        b.ptr);
		rename_value(&b, e, e->new_value, e->value);
		step_down(sb, NULL, b.ptr);
		buf_free(&b);
		return;
	}
	enum_alter(&b, e);
	buf_puts(&b, " ADD VALUE ");
	sql_quote_literal(&b, e->value);
	if (e->neighbor) {
		buf_puts(&b, e->after ? " AFTER " : " BEFORE ");
		sql_quote_literal(&b, e->neighbor);
	}
	step_up(sb, "EXCLUSIVE on the type only: reads and writes of its tables go on. The value is usable once\n"
	        "-- this step commits, before the expand and the new application version use it.",
	        b.ptr);
	down_remove_value(&b, e);
	add_warning(sb, e);
	step_down(sb, "Removes the value: re-creates the type without it (see the WARNING above).", b.ptr);
	buf_free(&b);
}

static void check_label(lc_state *st, const ast_literal *l)
{
	if (strlen(l->text) > ENUM_MAX_LABEL)
		check_error(st->c, l->span, "enum value '%s' is longer than PostgreSQL's %d bytes", l->text,
		            ENUM_MAX_LABEL);
}

/* The same value added twice, or renamed after it was added, in one lifecycle. */
static void check_repeat(lc_state *st, const ast_item *it)
{
	const mdl_enum *cur = &st->lc->enums[st->lc->nenums - 1];
	for (size_t i = 0; i + 1 < st->lc->nenums; i++) {
		const mdl_enum *e = &st->lc->enums[i];
		bool same_type = strcmp(e->type.name, cur->type.name) == 0 &&
		                 !e->type.schema == !cur->type.schema &&
		                 (!e->type.schema || strcmp(e->type.schema, cur->type.schema) == 0);
		if (same_type && strcmp(e->rename ? e->new_value : e->value, cur->value) == 0) {
			check_error(st->c, it->enumv.value.span, "enum value '%s' of \"%s\" is already %s in this lifecycle",
			            cur->value, cur->type.name, e->rename ? "a rename's new label" : "added");
			return;
		}
	}
}

static void enum_check(lc_state *st, const ast_item *it)
{
	const ast_enum_opts *o = &it->enumv;
	check_ident(st->c, &o->type.name);
	if (o->type.schema.text)
		check_ident(st->c, &o->type.schema);
	mdl_enum *e = MP_VEC_PUSH(st->lc->enums, st->lc->nenums);
	e->rename = it->kind == ITEM_ENUM_RENAME;
	e->type.schema = o->type.schema.text;
	e->type.name = o->type.name.text;
	e->value = o->value.text;
	check_label(st, &o->value);
	if (e->rename) {
		e->new_value = o->new_value.text;
		check_label(st, &o->new_value);
		if (strcmp(e->value, e->new_value) == 0)
			check_error(st->c, o->new_value.span, "enum value '%s' renamed to itself", e->value);
	} else if (o->neighbor.kind == LIT_STRING) {
		e->neighbor = o->neighbor.text;
		e->after = o->after;
		if (strcmp(e->value, e->neighbor) == 0)
			check_error(st->c, o->neighbor.span, "enum value '%s' placed %s itself", e->value,
			            e->after ? "after" : "before");
	}
	check_repeat(st, it);
}

/* Also the op of `enum … rename value`: both change a type's labels, in
 * one list of the model. */
const op_def op_enum = {
	.name = "enum",
	.check = enum_check,
	.count = enum_count,
	.own_step = enum_own_step,
	.build_own = enum_build,
};
