/* The item checks the checker's driver (check.c) calls, one per item kind:
 * check_columns.c and check_objects.c. Each validates its item and adds what
 * it means to the lifecycle's state. */
#ifndef MIGPLAN_CHECK_ITEMS_H
#define MIGPLAN_CHECK_ITEMS_H

#include "compiler/check_ctx.h"

void check_item_add(lc_state *st, const ast_item *it);
void check_item_enforce(lc_state *st, const ast_item *it);
void check_item_retire(lc_state *st, const ast_item *it);
void check_item_rename_retype(lc_state *st, const ast_item *it);
void check_resolve_refills(lc_state *st);
void check_item_index(lc_state *st, const ast_item *it);
void check_item_fk(lc_state *st, const ast_item *it);
void check_item_check(lc_state *st, const ast_item *it);
void check_item_sql(lc_state *st, const ast_item *it);
void check_item_set(lc_state *st, const ast_item *it);

#endif
