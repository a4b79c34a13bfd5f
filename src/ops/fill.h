/* The fill operation's check (fill.c), reached from enforce.c: an `enforce
 * not null` whose column this lifecycle does not add. */
#ifndef MIGPLAN_OPS_FILL_H
#define MIGPLAN_OPS_FILL_H

#include "grammar/ast.h"
#include "ops/check_ctx.h"

void fill_check(lc_state *st, const ast_item *it);

#endif
