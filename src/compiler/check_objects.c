/* Object items: index, unique, foreign key, check, sql; and settings. */
#include "compiler/check_ctx.h"
#include "compiler/check_items.h"
#include "compiler/names.h"
#include "compiler/settings.h"
#include "sql/sqlparse.h"
#include "util/vec.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void check_item_index(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	bool unique = it->kind == ITEM_UNIQUE;
	check_claim_object(c, &it->name, unique ? "unique index" : "index");
	if (it->opts.duplicates)
		check_error(c, it->opts.duplicate_span, "option given twice");
	mdl_index *x = MP_VEC_PUSH(st->indexes, st->nindexes);
	x->name = it->name.text;
	x->unique = unique;
	x->as_constraint = it->as_constraint;
	x->columns = check_name_array(st, it->columns, it->ncolumns, "in an index", true);
	x->ncolumns = it->ncolumns;
	x->where_sql = it->where_expr;
	if (it->where_expr)
		check_sql_expr(c, it->where_expr, it->opts.using_span, "the where expression");
	x->method = it->method;
	x->sample_query = it->sample_query;
	if (it->sample_query) {
		mp_buf msg = MP_BUF_INIT;
		if (sqlparse_check(it->sample_query, &msg, NULL) != 0 || sqlparse_count_statements(it->sample_query) != 1)
			check_error(c, it->sample_span, "the explain query must be one SQL statement that parses%s%s",
			    msg.len ? ": " : "", buf_cstr(&msg));
		buf_free(&msg);
	}
	if (it->as_constraint && !unique)
		check_error(c, it->opts.nullability_span, "only a unique index can become a constraint");
	if (it->as_constraint && it->where_expr)
		check_error(c, it->opts.nullability_span, "a partial unique index cannot become a constraint");
	if (it->method) {
		static const char *methods[] = {"btree", "hash", "gist", "gin", "brin", "spgist"};
		bool ok = false;
		for (size_t i = 0; i < 6; i++)
			ok = ok || strcasecmp(it->method, methods[i]) == 0;
		if (!ok)
			check_error(c, it->opts.after_span, "unknown index method '%s' (btree, hash, gist, gin, brin, spgist)", it->method);
		if (unique && strcasecmp(it->method, "btree") != 0)
			check_error(c, it->opts.after_span, "unique indexes must use btree");
	}
}

void check_item_fk(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	check_claim_object(c, &it->name, "constraint");
	if (it->opts.duplicates)
		check_error(c, it->opts.duplicate_span, "option given twice");
	mdl_fk *f = MP_VEC_PUSH(st->fks, st->nfks);
	f->name = it->name.text;
	f->columns = check_name_array(st, it->columns, it->ncolumns, "in a foreign key", true);
	f->ncolumns = it->ncolumns;
	f->ref.schema = it->ref_table.schema.text;
	f->ref.name = it->ref_table.name.text;
	f->ref_columns = check_name_array(st, it->ref_columns, it->nref_columns, "as a referenced column", false);
	f->nref_columns = it->nref_columns;
	f->on_delete = it->on_delete;
	f->on_update = it->on_update;
	if (it->ncolumns != it->nref_columns)
		check_error(c, it->ref_table.span, "foreign key has %zu column(s) but references %zu", it->ncolumns,
		    it->nref_columns);
}

void check_item_check(lc_state *st, const ast_item *it)
{
	check_claim_object(st->c, &it->name, "constraint");
	if (!*it->check_expr)
		check_error(st->c, it->value_span, "empty check expression");
	else
		check_sql_expr(st->c, it->check_expr, it->value_span, "the check expression");
	mdl_check *k = MP_VEC_PUSH(st->checks, st->nchecks);
	k->name = it->name.text;
	k->expr = it->check_expr;
}

void check_item_sql(lc_state *st, const ast_item *it)
{
	check_claim_object(st->c, &it->name, "sql item");
	mdl_sql *q = MP_VEC_PUSH(st->sqls, st->nsqls);
	q->name = it->name.text;
	q->up = it->up_sql;
	q->down = it->down_sql;
	q->no_transaction = it->no_transaction;
	q->before_expand = !st->seen_column_item;
	for (const char *p = it->name.text; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_') {
			check_error(st->c, it->name.span, "sql item names become folder names: use letters, digits and '_'");
			break;
		}
}

void check_item_set(lc_state *st, const ast_item *it)
{
	checker *c = st->c;
	const setting_def *s = settings_find(it->name.text);
	if (!s) {
		const char *names[16];
		size_t n = settings_names(names, 16);
		check_error(c, it->name.span, "unknown setting '%s'", it->name.text);
		const char *near = names_suggest(it->name.text, names, n);
		if (near) {
			check_note(c, it->name.span, "did you mean '%s'?", near);
			return;
		}
		mp_buf all = MP_BUF_INIT;
		for (size_t i = 0; i < n; i++)
			buf_printf(&all, "%s%s", i ? ", " : "", names[i]);
		check_note(c, it->name.span, "settings are: %s", buf_cstr(&all));
		buf_free(&all);
		return;
	}
	mp_buf msg = MP_BUF_INIT;
	if (!settings_apply(s, it->value, st->lc, &msg))
		check_error(c, it->value_span, "%s", buf_cstr(&msg));
	buf_free(&msg);
}
