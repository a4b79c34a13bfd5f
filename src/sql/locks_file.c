/* A file's locks for a step header: analysed statement by statement, each relation and mode once. */
#include "sql/locks_file.h"
#include "util/buf.h"
#include "util/vec.h"
#include "migdir/manifest.h"

#include <stdlib.h>
#include <string.h>

static bool drop_index_concurrently(const sql_stmt *st)
{
	const char *type = sqlnode_str(st->node, "removeType");
	return st->kind_id == SQL_KIND_DROP && sqlnode_bool(st->node, "concurrent") && type &&
	       strcmp(type, "OBJECT_INDEX") == 0;
}

/* What the statement's lock costs, given the strongest mode the transaction
 * holds on that table by then (held includes the item's own). */
static lock_bite bite_of(const sql_stmt *st, const lock_item *it, lock_mode held)
{
	bool reads_wait = lock_blocks(held) & BLOCKS_READS;
	if (st->kind_id == SQL_KIND_INDEX)
		return sqlnode_bool(st->node, "concurrent") ? BITE_BUILD : BITE_BUILD_BLOCKING;
	if (drop_index_concurrently(st))
		return BITE_INDEX_UNUSED;
	if (it->batched)
		return BITE_BATCH;
	switch (it->duration) {
	case DUR_METADATA:
		return BITE_BRIEF;
	case DUR_REWRITE:
		return BITE_REWRITE_ALL;
	case DUR_SCAN: /* a write of every row is a rewrite when nobody may read meanwhile */
		return it->mode == LOCK_ROW_EXCLUSIVE ? (reads_wait ? BITE_REWRITE_ALL : BITE_ROWS) : BITE_SCAN;
	case DUR_ROWS:
		break;
	}
	return BITE_ROWS;
}


/* The strongest mode the current transaction holds on the item's table,
 * this item's own included. */
static lock_mode held_mode(const lock_list *tx, const lock_item *it)
{
	lock_mode m = it->mode;
	for (size_t i = 0; i < tx->count; i++) {
		const lock_item *h = &tx->items[i];
		if (h->object == it->object && mf_same_relation(h->schema, h->table, it->schema, it->table) && h->mode > m)
			m = h->mode;
	}
	return m;
}

static void add(file_locks *out, const lock_list *tx, const sql_stmt *st, const lock_item *it)
{
	lock_mode held = held_mode(tx, it);
	lock_bite bite = bite_of(st, it, held);
	for (size_t i = 0; i < out->count; i++) {
		file_lock *l = &out->items[i];
		if (l->mode == it->mode && l->object == it->object && mf_same_relation(l->schema, l->table, it->schema, it->table)) {
			if (bite > l->bite) {
				l->bite = bite;
				l->held = held;
			}
			return;
		}
	}
	*MP_VEC_PUSH(out->items, out->count) =
	    (file_lock){it->mode, it->schema ? xstrdup(it->schema) : NULL, xstrdup(it->table), bite, held, it->object};
}

void locks_file_summarize(locks_ctx *c, const sql_file *f, bool one_transaction, file_locks *out)
{
	lock_list tx = {0}; /* what the current transaction has taken so far */
	size_t part = 0;
	for (size_t i = 0; i < f->nstmts; i++) {
		lock_list l = {0};
		locks_analyze(c, &f->stmts[i], &l);
		/* each statement commits on its own, or its part does (sqlparse.h) */
		bool new_part = part < f->nparts && f->parts[part] == i;
		part += new_part;
		if (!one_transaction || new_part)
			lock_list_free(&tx);
		for (size_t k = 0; k < l.count; k++)
			if (l.items[k].mode > LOCK_ACCESS_SHARE) {
				lock_list_add_named(c, &tx, l.items[k].mode, l.items[k].schema, l.items[k].table,
				                    DUR_METADATA, NULL);
				tx.items[tx.count - 1].object = l.items[k].object;
				add(out, &tx, &f->stmts[i], &l.items[k]);
			}
		lock_list_free(&l);
		locks_ctx_update(c, &f->stmts[i]);
	}
	lock_list_free(&tx);
}

const char *lock_bite_text(const file_lock *l)
{
	if (l->object)
		return "brief: catalog only; reads and writes of its tables go on";
	unsigned blocks = lock_blocks(l->held);
	switch (l->bite) {
	case BITE_BRIEF:
		return "brief: catalog only";
	case BITE_INDEX_UNUSED:
		return "brief, once no transaction uses the index";
	case BITE_BATCH:
		return "per batch: row locks only, committed every batch";
	case BITE_ROWS:
		return blocks & BLOCKS_READS ? "held while the rows are written: blocks reads and writes"
		                             : "held while the rows are written: writers of those rows wait";
	case BITE_SCAN:
		return blocks & BLOCKS_READS    ? "held during a full scan: blocks reads and writes"
		       : blocks & BLOCKS_WRITES ? "held during a full scan: blocks writes"
		                                : "held during a full scan; reads and writes go on";
	case BITE_BUILD:
		return "held while the index builds; reads and writes go on";
	case BITE_BUILD_BLOCKING:
		return "held while the index builds: blocks writes";
	case BITE_REWRITE_ALL:
		break;
	}
	return "held while every row is rewritten: blocks reads and writes";
}

void file_locks_free(file_locks *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].schema);
		free(l->items[i].table);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}
