/* Lock lists: appending a lock item (its relation's name, key and newness)
 * and freeing them. */
#include "sql/lock_list.h"
#include "util/buf.h"
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

void lock_list_add_named(const locks_ctx *c, lock_list *l, lock_mode m, const char *schema, const char *table,
                         lock_duration d, const char *note)
{
	lock_item *it = MP_VEC_PUSH(l->items, l->count);
	it->mode = m;
	it->duration = d;
	it->location = -1;
	it->schema = schema ? xstrdup(schema) : NULL;
	it->table = xstrdup(table ? table : "");
	mp_buf b = MP_BUF_INIT;
	buf_printf(&b, "%s%s%s", schema ? schema : "", schema ? "." : "", it->table);
	it->relation = buf_detach(&b);
	it->key = sql_relation_key(schema, it->table);
	it->new_relation = locks_ctx_created(c, it->key);
	it->note = note ? xstrdup(note) : NULL;
}

void lock_list_add(const locks_ctx *c, lock_list *l, lock_mode m, const json_t *rv, const char *name,
                   lock_duration d, const char *note)
{
	const char *table = rv ? sqlnode_str(rv, "relname") : NULL;
	if (table) {
		lock_list_add_named(c, l, m, sqlnode_str(rv, "schemaname"), table, d, note);
		l->items[l->count - 1].location = sqlnode_location(rv);
		return;
	}
	/* a dotted name from a list of names: schema.table */
	const char *dot = name ? strrchr(name, '.') : NULL;
	char *schema = dot ? xstrndup(name, (size_t)(dot - name)) : NULL;
	lock_list_add_named(c, l, m, schema, dot ? dot + 1 : name, d, note);
	free(schema);
}

void lock_list_take(lock_list *to, lock_list *from)
{
	for (size_t i = 0; i < from->count; i++)
		*MP_VEC_PUSH(to->items, to->count) = from->items[i];
	free(from->items);
	memset(from, 0, sizeof *from);
}

void lock_list_free(lock_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].relation);
		free(l->items[i].schema);
		free(l->items[i].table);
		free(l->items[i].key);
		free(l->items[i].note);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}
