/* Shared by the checker's files: check.c (lifecycles, settings, objects,
 * the driver) and check_columns.c (add, enforce, retire, rename, retype). */
#ifndef MIGPLAN_CHECK_INTERNAL_H
#define MIGPLAN_CHECK_INTERNAL_H

#include <stdbool.h>
#include <string.h>
#include "util/buf.h"
#include "compiler/check.h"
#include "util/strmap.h"
#include "compiler/types.h"

#define DEFAULT_LOCK_TIMEOUT_MS 500
#define DEFAULT_WINDOW_MS (72LL * 3600 * 1000)
#define DEFAULT_WATCHDOG_MS 500
#define MAX_BATCH 1000000

typedef struct {
	const char *schema, *table, *column;
	const mp_source *src;
	mp_span span;
	const char *lifecycle;
	char *key;        /* schema/table/column, the key of retired_map */
	size_t next_same; /* 1 + index of the next retire of the same key, 0: none */
} retired_col;

typedef struct {
	diag_list *diags;
	mdl_model *model;
	mp_arena *A;
	const mp_source *src; /* spec being checked */
	retired_col *retired;
	size_t nretired, capretired;
	strmap retired_map; /* key -> index of its first retire */
	/* object names (indexes, constraints, sql items) per spec run */
	strmap objmap;
} checker;

/* ---- per lifecycle state while walking its items in order ---- */

typedef struct {
	const char *column;
	mp_span span;
} seen_retire;

typedef struct {
	checker *c;
	mdl_lifecycle *lc;
	/* growable arrays, copied into the arena at the end */
	mdl_add *adds;
	size_t nadds, capadds;
	mdl_retire *retires;
	size_t nretires, capretires;
	mp_span *retire_spans;
	mdl_index *indexes;
	size_t nindexes, capindexes;
	mdl_fk *fks;
	size_t nfks, capfks;
	mdl_check *checks;
	size_t nchecks, capchecks;
	mdl_sql *sqls;
	size_t nsqls, capsqls;
	bool seen_column_item;
} lc_state;

#define PUSH(arr, n, cap)                                                      \
	(((n) == (cap) ? ((cap) = (cap) ? (cap) * 2 : 4,                           \
	                  (arr) = xrealloc((arr), (cap) * sizeof *(arr)))          \
	               : (arr)),                                                   \
	 memset(&(arr)[(n)], 0, sizeof *(arr)), &(arr)[(n)++])

void err(checker *c, mp_span at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void note(checker *c, mp_span at, const char *fmt, const char *arg);
char *adup_buf(checker *c, mp_buf *b);
void check_sql_expr(checker *c, const char *expr, mp_span at, const char *what);
void check_ident(checker *c, const ast_name *n);
bool same_table(const char *s1, const char *t1, const char *s2, const char *t2);
const retired_col *find_retired_earlier(checker *c, const mdl_lifecycle *lc, const char *column);
void claim_object(checker *c, const ast_name *n, const char *what);
mdl_add *find_add(lc_state *st, const char *column);
const seen_retire *find_retire(lc_state *st, const char *column, seen_retire *out);
void check_column_use(lc_state *st, const ast_name *n, const char *use);
type_class render_type(lc_state *st, const ast_type *t, const char **out);
const char *render_default(lc_state *st, const ast_colopts *o, type_class cls);
void forbid_opts(lc_state *st, const ast_colopts *o, const char *what, bool allow_default, bool allow_null,
                 bool allow_backfill, bool allow_reverse, bool allow_using, bool allow_batch, bool allow_after);
long check_batch(lc_state *st, const ast_colopts *o);

void item_add(lc_state *st, const ast_item *it);
void item_enforce(lc_state *st, const ast_item *it);
void item_retire(lc_state *st, const ast_item *it);
void item_rename_retype(lc_state *st, const ast_item *it);
void resolve_refills(lc_state *st);

#endif
