/* The checker's context, below its driver (compiler/check.c) and the
 * operations' item checks (op_def.check in each ops/ file): the state of a run and
 * of one lifecycle, diagnostics, and the helpers the item checks share
 * (check_ctx.c). The item checks never call back into the driver. */
#ifndef MIGPLAN_OPS_CHECK_CTX_H
#define MIGPLAN_OPS_CHECK_CTX_H

#include <stdbool.h>
#include <string.h>
#include "util/buf.h"
#include "util/diag.h"
#include "ops/model.h"
#include "util/strmap.h"
#include "ops/types.h"

#define MAX_BATCH 1000000

typedef struct {
	const char *schema, *table, *column;
	const mp_source *src;
	mp_span span;
	const char *lifecycle;
	char *key;        /* schema/table/column, the key of retired_map */
	size_t next_same; /* 1 + index of the next retire of the same key, 0: none */
} retired_col;

/* What the migrations folder says exists before a lifecycle (compiler/
 * folder_catalog.c replays it): has_column gives 1 (it does), 0 (the table
 * is known without it) or -1 (not known). */
typedef struct {
	int (*has_column)(void *ctx, const char *before_id, const char *schema, const char *table, const char *column);
	void *ctx;
} check_catalog;

typedef struct {
	diag_list *diags;
	mdl_model *model;
	const check_catalog *catalog; /* NULL: no folder to read */
	mp_arena *A;
	const mp_source *src; /* spec being checked */
	retired_col *retired;
	size_t nretired;
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
	/* The item checks push onto lc's lists (MP_VEC_PUSH, moved into the
	 * model's arena at the end) and record here what the model leaves out. */
	mp_span *retire_spans; /* retire_spans[i]: where lc->retires[i] is written */
	size_t nretire_spans;
	bool seen_other_item;
} lc_state;

void check_error(checker *c, mp_span at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void check_note(checker *c, mp_span at, const char *fmt, const char *arg);
char *check_dup_buf(checker *c, mp_buf *b);
void check_sql_expr(checker *c, const char *expr, mp_span at, const char *what);
void check_expr_reads(checker *c, const char *expr, const char ***reads, size_t *n, bool *is_volatile);
const char **check_one_name(checker *c, const char *name);
void check_ident(checker *c, const ast_name *n);
char *check_retired_key(const char *schema, const char *table, const char *column);
const retired_col *check_find_retired_earlier(checker *c, const mdl_lifecycle *lc, const char *column);
void check_claim_object(checker *c, const ast_name *n, const char *what);
mdl_add *check_find_add(lc_state *st, const char *column);
const seen_retire *check_find_retire(lc_state *st, const char *column, seen_retire *out);
void check_column_use(lc_state *st, const ast_name *n, const char *use);
/* With a catalog: an error at span when column does not exist (the
 * migrations before the lifecycle, and the lifecycles before it, leave the
 * table without it), or, for a column being added (must_exist false), when
 * it does already. Silent where that cannot be known. */
void check_column_exists(lc_state *st, const char *column, mp_span span, const char *use, bool must_exist);
type_class check_render_type(lc_state *st, const ast_type *t, const char **out);
const char *check_render_default(lc_state *st, const ast_colopts *o, type_class cls);
void check_forbid_opts(lc_state *st, const ast_colopts *o, const char *what, bool allow_default, bool allow_null,
                       bool allow_backfill, bool allow_reverse, bool allow_using, bool allow_batch,
                       bool allow_after);
long check_batch(lc_state *st, const ast_colopts *o);
const char **check_name_array(lc_state *st, const ast_name *names, size_t n, const char *use, bool check_use);

/* A new column from an add, rename or retype item: type, default,
 * nullability and batch size from the item's (new-side) options. */
/* An error at lit when it is a string too long for t (rendered type_sql). */
void check_literal_fits(lc_state *st, const ast_type *t, const char *type_sql, const ast_literal *lit,
                        const char *what);
mdl_add *check_new_add(lc_state *st, const ast_item *it, const ast_name *column, bool default_in_expand);
/* A column retired by a retire, rename or retype item, or NULL after an error. */
mdl_retire *check_new_retire(lc_state *st, const ast_name *n);
/* A retire's `after` window in ms (the lifecycle's window after an error). */
long long check_window(lc_state *st, const char *text, mp_span at);

#endif
