/* Lock lists: appending a lock item (its relation's name, key and newness)
 * and freeing them. */
#include "sql/lock_list.h"
#include "util/buf.h"
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

void lock_list_add(const locks_ctx *c, lock_list *l, lock_mode m, const json_t *rv, const char *name,
                   lock_duration d, const char *note)
{
	lock_item *it = MP_VEC_PUSH(l->items, l->count);
	it->mode = m;
	it->duration = d;
	it->location = rv ? sqlnode_location(rv) : -1;
	it->relation = rv ? locks_relation_name(rv) : NULL;
	it->key = rv ? locks_relation_key(rv) : NULL;
	if (!it->relation) {
		mp_buf key = MP_BUF_INIT;
		buf_printf(&key, "%s%s", name && !strchr(name, '.') ? "public." : "", name ? name : "");
		it->relation = xstrdup(name ? name : "");
		it->key = buf_detach(&key);
	}
	it->new_relation = locks_ctx_created(c, it->key);
	it->note = note ? xstrdup(note) : NULL;
}

void lock_list_free(lock_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].relation);
		free(l->items[i].key);
		free(l->items[i].note);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}
